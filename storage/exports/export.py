"""Exports of submitted dossiers, streamed: the rows are read in batches by id.

An export reads one dossier type at one definition version, `BATCH` dossiers per
short read-only transaction (keyset: `id > last id`, in id order), so neither the
database nor this process holds more than a batch; the writers
(storage/exports/writers.py) turn each batch into bytes before the next is read. A
dossier counts as submitted when it has a submission date; its answers are those of
its snapshot (what was submitted), not the live ones an applicant may be correcting.
Each export is recorded in the audit trail when it ends (or is abandoned): who, from
which address, which type, version, state and format, and how many rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from pony.orm import select

from engine import CompiledDefinition
from storage.clock import clock, from_db
from storage.definitions import definition_of
from storage.dossiers import audit
from storage.dossiers.registry import default_registry
from storage.errors import ExportRefused, NotFound
from storage.exports.columns import Cell, answer_cells, answer_columns, header
from storage.exports.writers import FORMATS, write_csv, write_json, write_xlsx
from storage.orm.db import Store, current_store, database
from storage.orm.transactions import transaction

BATCH = 500  # dossiers read per transaction
EXPORT_ACTION = "export"

Row = tuple[int, str, str, int, datetime, datetime, date, Any]


@transaction(write=False)
def _batch(type_id: str, version: int, state: str | None, after: int, size: int) -> list[Row]:
    """Up to `size` submitted dossiers of (type_id, version), in `state` when given, with
    an id above `after`, by id: (id, number, status, version, created_at, submitted_at,
    deadline, snapshot)."""
    Dossier = database().Dossier  # noqa: N806 (an entity class)
    # tuples, not entities: no entity cache, no `answers` column read
    query = select((d.id, d.number, d.status, d.definition_version, d.created_at,
                    d.submitted_at, d.deadline, d.snapshot) for d in Dossier
                   if d.type_id == type_id and d.definition_version == version
                   and d.submitted_at is not None and d.id > after)
    if state is not None:
        query = query.filter(lambda i, n, status, v, c, s, dl, snap: status == state)
    return list(query.order_by(1).limit(size))


def _moment(dt: datetime | None) -> str | None:
    """A stored instant in the service's zone, ISO 8601 to the second with its offset
    ("2026-03-01T14:30:00-05:00"): what the agent's clock said, and unambiguous."""
    moment = from_db(dt)
    return clock.local(moment).isoformat(timespec="seconds") if moment is not None else None


def _batches(store: Store, compiled: CompiledDefinition, state: str | None, masked: bool,
             counted: list[int]) -> Iterator[list[list[Cell]]]:
    """Each batch of rows (lists of cells, in `header` order), read from `store`;
    `counted[0]` is the rows given so far."""
    d = compiled.definition
    columns = answer_columns(d)
    after = 0
    while True:
        with store.bound():  # a web response is iterated after its request's binding
            rows = _batch(d.id, d.version, state, after, BATCH)
        if not rows:
            return
        out = []
        for _id, number, status, version, created, submitted, deadline, snapshot in rows:
            answers = snapshot.get("answers", {}) if isinstance(snapshot, dict) else {}
            out.append([number, status, version, _moment(created), _moment(submitted),
                        deadline.isoformat(), *answer_cells(columns, answers, masked)])
        counted[0] += len(out)
        yield out
        after = rows[-1][0]


def export_dossiers(type_id: str, version: int | None, state: str | None, fmt: str,
                    masked: bool, actor: str, address: str | None) -> Iterator[bytes]:
    """The submitted dossiers of `type_id` at definition `version` (None: the version
    forms/ serves now), in `state` if given, as `fmt` ("csv", "xlsx" or "json") bytes,
    streamed in constant memory (docs/exports.md describes the columns and formats).

    `masked`: include the answers of `mask: true` questions (a supervisor's export);
    otherwise their cells say "masqué". `actor`: who exports, as the audit names them
    ("agent:<id>", "cli"); `address`: the client's IP address, or None.

    Checked before the first byte (this function is not a generator): NotFound for an
    unknown type or a version never published; ExportRefused("format") or
    ExportRefused("state"). The audit event "export" (detail: type, version, state,
    format, masked, rows, complete, address) is written when the stream ends, or when
    it is closed before its end (complete false). Issue 17: each export is audited.
    """
    if fmt not in FORMATS:
        raise ExportRefused("format", FORMATS)
    registry = default_registry()
    if version is None:
        current = registry.get(type_id)
        if current is None:
            raise NotFound(f"dossier type {type_id}")
        version = current.definition.version
    compiled = definition_of(registry, type_id, version)
    states = tuple(compiled.definition.workflow.states)
    if state is not None and state not in states:
        raise ExportRefused("state", states)
    return _stream(current_store(), compiled, state, fmt, masked, actor, address)


def _stream(store: Store, compiled: CompiledDefinition, state: str | None, fmt: str,
            masked: bool, actor: str, address: str | None) -> Iterator[bytes]:
    """The chunks; every read and the audit bind `store` themselves, so the stream may
    be iterated where no store is current (a web response's body, after the view)."""
    d = compiled.definition
    counted = [0]
    complete = False
    batches = _batches(store, compiled, state, masked, counted)
    columns = header(d)
    try:
        if fmt == "csv":
            yield from write_csv(columns, batches)
        elif fmt == "xlsx":
            yield from write_xlsx(columns, batches)
        else:
            yield from write_json(columns, batches, {"type": d.id, "version": d.version,
                                                     "state": state})
        complete = True
    finally:
        with store.bound():
            _record(actor, {"type": d.id, "version": d.version, "state": state,
                            "format": fmt, "masked": masked, "rows": counted[0],
                            "complete": complete, "address": address})


@transaction(write=True)
def _record(actor: str, detail: dict[str, Any]) -> None:
    audit.record(actor, EXPORT_ACTION, None, detail)
