"""Deadlines: drafts left past their deadline take the definition's deadline transition.

Applied on access (reading or listing a dossier) and in bulk by
`guichet dossiers expire`, so a dossier's status is right whether or not the
nightly job has run.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pony.orm import select

from engine import CompiledDefinition, Registry
from engine.workflow import deadline_transition
from storage.clock import clock
from storage.definitions import definition_of
from storage.dossiers import audit
from storage.dossiers.actions import run_actions
from storage.dossiers.registry import default_registry
from storage.dossiers.status import set_status
from storage.errors import NotFound
from storage.orm.db import database, dialect
from storage.orm.transactions import transaction


def is_overdue(dossier: Any, today: date) -> bool:
    """Past its deadline (the deadline day itself is still open). `dossier`: a Dossier
    entity; `today`: a date in the service's zone."""
    return is_past(dossier.deadline, today)


def is_past(deadline: date | str | None, today: date) -> bool:
    """`deadline` (a date, or SQLite's ISO text from a raw read) is over on `today`."""
    if isinstance(deadline, str):
        deadline = date.fromisoformat(deadline)
    return deadline is not None and today > deadline


def expire_if_overdue(compiled: CompiledDefinition | None, dossier: Any,
                      today: date | None = None) -> bool:
    """Move an overdue dossier along its deadline transition (inside a session).

    `dossier`: a Dossier entity; `compiled`: its type (None: nothing happens);
    `today`: default clock.today(). True when the dossier moved: its status and
    version change, the transition's actions run and SYSTEM is recorded in the audit.
    Guide: a draft must be submitted by its "Date limite pour soumettre".
    """
    if compiled is None or not is_overdue(dossier, today or clock.today()):
        return False
    transition = deadline_transition(compiled.definition, dossier.status)
    if transition is None:
        return False
    previous, now = dossier.status, clock.now()
    set_status(dossier, transition.target, now)
    dossier.version += 1
    run_actions(compiled, transition, dossier, now)
    audit.record(audit.SYSTEM, transition.id, dossier,
                 {"from": previous, "to": transition.target, "deadline": str(dossier.deadline)})
    return True


@transaction(write=True)
def expire_overdue(registry: Registry | None = None) -> int:
    """Expire every overdue draft of every type; returns how many were moved.

    `registry`: the dossier types (None: the current store's). On PostgreSQL a
    dossier locked by a concurrent submission is skipped, left to that submission.
    """
    registry = registry or default_registry()
    orm = database()
    today = clock.today()
    moved = 0
    # each dossier by the version it is pinned to, types removed from forms/ included
    pinned = sorted(set(select((d.type_id, d.definition_version) for d in orm.Dossier
                               if d.deadline < today)[:]))
    for type_id, version in pinned:
        try:
            compiled = definition_of(registry, type_id, version)
        except NotFound:
            continue
        sources = sorted({s for t in compiled.definition.workflow.transitions
                          if t.by == "deadline" for s in t.sources})
        if not sources:
            continue
        for dossier in _overdue(orm, type_id, version, sources, today):
            moved += expire_if_overdue(compiled, dossier, today)
    return moved


def _overdue(orm: Any, type_id: str, version: int, sources: list[str],
             today: date) -> list[Any]:
    query = orm.Dossier.select(
        lambda d: d.type_id == type_id and d.definition_version == version
        and d.status in sources and d.deadline < today)
    if dialect() == "postgres":
        query = query.for_update(skip_locked=True)  # one being submitted is left to it
    return list(query.order_by(orm.Dossier.id))
