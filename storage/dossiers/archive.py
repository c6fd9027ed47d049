"""The dossier archive: answers a dossier no longer holds, kept with it, never deleted.

Issue 14, "nothing is ever lost": an answer to a question that became hidden, an
answer holding a choice the question no longer offers, a question a migration
dropped, are moved here in the transaction that removes them from the dossier,
with the definition version they were stored under, when, and why. One audit event
("archive") names the fields moved. The applicant never sees the archive; the audit
trail (`dossier_audit`) shows it. It lives and dies with its dossier, like answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine import CompiledDefinition
from engine.load import plain
from engine.validate import SetAside, clean, set_aside
from storage.clock import clock, from_db, to_db
from storage.dossiers import audit
from storage.errors import NotFound
from storage.orm.db import database
from storage.orm.transactions import transaction

# why an answer was archived (ArchivedAnswer.why)
HIDDEN = "hidden"
UNKNOWN_OPTION = "unknown_option"
UNKNOWN_FIELD = "unknown_field"
DROPPED_BY_MIGRATION = "dropped_by_migration"
RENAMED_CONFLICT = "renamed_conflict"


@dataclass(frozen=True)
class ArchivedAnswerView:
    """One archived answer: `value` as it was stored, `from_version` the definition
    version it was stored under, `at` aware UTC, `why` one of HIDDEN, UNKNOWN_OPTION,
    UNKNOWN_FIELD, DROPPED_BY_MIGRATION, RENAMED_CONFLICT."""

    field_id: str
    value: Any
    from_version: int
    at: datetime
    why: str


@dataclass(frozen=True)
class AuditEventView:
    """One event of a dossier's audit trail: `actor` ("account:<id>", "system",
    "agent"), `action`, `at` aware UTC, `detail` a JSON-able dict or None."""

    actor: str
    action: str
    at: datetime
    detail: dict[str, Any] | None


def archive(dossier: Any, lost: Iterable[SetAside], actor: str) -> None:
    """Move `lost` answers of the Dossier entity into its archive (call inside the
    transaction that removes them), from the dossier's current definition version, with
    one audit event "archive" {"fields": {field id: why}} by `actor`. Nothing when
    `lost` is empty."""
    lost = list(lost)
    if not lost:
        return
    now = to_db(clock.now())
    for item in lost:
        database().ArchivedAnswer(dossier=dossier, field_id=item.field_id,
                                  value=plain(item.value),
                                  from_version=dossier.definition_version, at=now,
                                  why=item.why)
    audit.record(actor, "archive", dossier, {"fields": {i.field_id: i.why for i in lost}})


def store_cleaned(compiled: CompiledDefinition, dossier: Any,
                         merged: dict[str, Any], actor: str,
                         cleaned: dict[str, Any] | None = None) -> None:
    """Store `clean(compiled, merged)` as the dossier's answers, and archive every stored
    answer this would lose (engine.validate.set_aside: hidden, a choice no longer offered,
    an unknown question), in the caller's transaction. DESIGN.md's "answers to hidden
    questions are dropped on save" is, since issue 14, "moved to the archive".
    `cleaned`: that very `clean(compiled, merged)` when the caller has it already."""
    stored = plain(dossier.answers)
    kept = clean(compiled, merged) if cleaned is None else cleaned
    archive(dossier, set_aside(compiled, stored, merged, kept), actor)
    dossier.answers = kept


@transaction(write=False)
def archived_answers(number: str) -> list[ArchivedAnswerView]:
    """Every archived answer of the dossier `number`, oldest first (agents and the audit
    trail only: never an applicant's page). NotFound for an unknown number."""
    dossier = database().Dossier.get(number=number.strip().upper())
    if dossier is None:
        raise NotFound(f"dossier {number}")
    rows = dossier.archive.select().order_by(lambda a: (a.at, a.id))
    return [ArchivedAnswerView(a.field_id, a.value, a.from_version, from_db(a.at), a.why)
            for a in rows]


@transaction(write=False)
def dossier_audit(number: str) -> list[AuditEventView]:
    """The audit trail of the dossier `number`, oldest first; each "archive" event names
    the fields archived (their values: `archived_answers`). NotFound for an unknown
    number."""
    dossier = database().Dossier.get(number=number.strip().upper())
    if dossier is None:
        raise NotFound(f"dossier {number}")
    rows = dossier.events.select().order_by(lambda e: (e.at, e.id))
    return [AuditEventView(e.actor, e.action, from_db(e.at), e.detail) for e in rows]
