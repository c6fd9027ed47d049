"""`by: schedule` transitions: taken by themselves once a dossier has waited `after`
in one of their source states (issue 17; the engine's `Transition.after`).

The wait counts from the moment the dossier entered its state
(storage.dossiers.status), so a dossier that leaves and comes back waits again: the
claim key holds that moment, and each stay in the state moves the dossier once. A
dossier whose personal data was purged still moves: its states and dates are kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pony.orm import select

from engine import CompiledDefinition, Registry
from engine.model import Definition, Transition
from storage.clock import to_db
from storage.definitions import definition_of
from storage.dossiers import audit
from storage.dossiers.actions import run_actions
from storage.dossiers.status import set_status, status_since
from storage.errors import NotFound
from storage.orm.db import database
from storage.orm.transactions import transaction
from storage.schedules.claims import TRANSITION, claim


def scheduled_transitions(d: Definition) -> list[tuple[Transition, timedelta]]:
    """The transitions of `d` a schedule takes (`by: schedule`), with how long a dossier
    waits in a source state first (`Transition.after`), in declared order."""
    return [(t, t.after) for t in d.workflow.transitions
            if t.by == "schedule" and t.after is not None]


@transaction(write=False)
def _candidates(type_id: str, version: int, sources: tuple[str, ...],
                cutoff: datetime) -> list[int]:
    orm = database()
    return list(select(
        d.id for d in orm.Dossier
        if d.type_id == type_id and d.definition_version == version
        and d.status in sources
        and (d.status_changed_at is not None and d.status_changed_at <= cutoff
             or d.status_changed_at is None and d.created_at <= cutoff)
    ).order_by(lambda i: i)[:])


@transaction(write=True)
def take_if_due(compiled: CompiledDefinition, dossier_id: int, transition: Transition,
                after: timedelta, now: datetime) -> bool:
    """Move one dossier along `transition` when it is still in a source state, has been
    there `after` (a timedelta) at `now` (aware), and no worker moved it for this stay;
    its actions run and SYSTEM is audited in the same transaction. True when moved."""
    dossier = database().Dossier.get_for_update(id=dossier_id)
    if (dossier is None or dossier.status not in transition.sources
            or dossier.definition_version != compiled.definition.version):
        return False
    since = status_since(dossier)
    if now - since < after:
        return False
    if not claim(dossier, TRANSITION, f"{transition.id}@{since.isoformat()}"[:200], now):
        return False
    previous = dossier.status
    set_status(dossier, transition.target, now)
    dossier.version += 1
    run_actions(compiled, transition, dossier, now)
    audit.record(audit.SYSTEM, transition.id, dossier,
                 {"from": previous, "to": transition.target, "after": str(after)})
    return True


@transaction(write=False)
def _pinned_types() -> list[tuple[str, int]]:
    orm = database()
    return sorted(set(select((d.type_id, d.definition_version) for d in orm.Dossier)[:]))


def take_due_transitions(registry: Registry, now: datetime) -> int:
    """Take every due `by: schedule` transition of every type (each dossier by the
    version it is pinned to, one transaction each); returns how many dossiers moved."""
    moved = 0
    for type_id, version in _pinned_types():
        try:
            compiled = definition_of(registry, type_id, version)
        except NotFound:
            continue
        for transition, after in scheduled_transitions(compiled.definition):
            cutoff = to_db(now - after)
            for dossier_id in _candidates(type_id, version, transition.sources, cutoff):
                moved += take_if_due(compiled, dossier_id, transition, after, now)
    return moved
