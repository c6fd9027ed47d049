"""A save that only replaces answers, written with one conditional UPDATE.

Most saves of a section (ENREGISTRER, the API's PUT) change nothing but the dossier's
answers and version: the draft is on its type's newest version, its deadline is not
past, its state takes changes, no stored answer has to be archived and no answers are
kept aside. The caller has just read the dossier (a DossierView at some version), so
what to store can be worked out from that read, before any lock is taken, and written
only if the dossier is still at that version: `UPDATE ... WHERE id = ? AND owner = ?
AND version = ?`, the compare-and-set of optimistic locking. Each write to a dossier
adds 1 to its version (storage's contract), so the same version means the same
answers, state and deadline as read: the rules judged on the read hold for the row.

Anything else (a stale version, a migration, an expiry, an archive, a conflict...)
goes through `save_section`'s whole path, which loads and locks the row; so does a
save whose UPDATE found the dossier changed meanwhile. Keeping the write this small
keeps SQLite's single write turn short (storage/orm/writer_turn.py) and spares
loading the row as an entity (a third of an API PUT's CPU in process, profiled with
cProfile; the PUT's figures before and after: bench/RESULTS.md, #18).

The statement's table and column names are taken from the entities (their `_table_`
and each attribute's `columns`), as storage/visits.py does, and it runs through Pony's
public `Database.execute`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from pony.orm import Database

from engine import Registry
from engine.formdata import merged_answers
from engine.validate import clean, set_aside
from engine.workflow import is_editable
from storage.clock import clock
from storage.dossiers.expiry import is_past
from storage.orm.db import database, dialect
from storage.orm.entities import column
from storage.orm.transactions import transaction
from storage.views import DossierView

AS_JSON = {"sqlite": "$answers", "postgres": "CAST($answers AS jsonb)"}


def answers_only(registry: Registry, seen: DossierView, section_id: str,
                 answers: Mapping[str, Any], version: int) -> dict[str, Any] | None:
    """The answers a save of `answers` into section `section_id` would store, when that
    (and the version + 1) is all the save would do to `seen`, the dossier as just read;
    None otherwise: `seen` not at `version`, not on its type's newest version (a
    migration may be due) or its type removed, past its deadline, in a state that takes
    no change, an unknown section, nothing changed, or some stored answer to archive."""
    if seen.version != version:
        return None
    newest = registry.get(seen.type_id)
    if newest is None or newest.definition.version != seen.definition_version:
        return None
    if is_past(seen.deadline, clock.today()) or not is_editable(newest.definition,
                                                                seen.status):
        return None
    section = newest.definition.section(section_id)
    if section is None:
        return None
    merged = merged_answers(section, seen.answers, answers)
    cleaned = clean(newest, merged)
    if cleaned == seen.answers or set_aside(newest, seen.answers, merged, cleaned):
        return None
    return cleaned


@functools.lru_cache(maxsize=16)  # one per bound Database (a test run opens several)
def _statement(orm: Database, sql_dialect: str) -> str:
    """The compare-and-set UPDATE of a dossier's answers, names from the entities."""
    dossier = orm.Dossier

    version = column(dossier.version)
    return (f"UPDATE {dossier._table_} SET {column(dossier.answers)} = {AS_JSON[sql_dialect]},"
            f" {version} = {version} + 1 WHERE {column(dossier.id)} = $dossier_id"
            f" AND {column(dossier.owner)} = $account_id AND {version} = $version")


@transaction(write=True)
def store_answers(dossier_id: int, account_id: int, version: int,
                  answers: dict[str, Any]) -> bool:
    """Store `answers` (cleaned, JSON-able) as the answers of the account's dossier
    `dossier_id`, and add 1 to its version, if it is still at `version`: True when
    written, False when the dossier changed (or is not the account's)."""
    orm = database()
    cursor = orm.execute(_statement(orm, dialect()), {}, {
        "answers": json.dumps(answers, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")),
        "dossier_id": dossier_id, "account_id": account_id, "version": version})
    return cursor.rowcount == 1
