"""Reminders: a message to each draft once its deadline to submit comes near.

`workflow.reminders` lists them (`before_deadline: 14d, message: id`). A draft is a
dossier in a state its deadline binds (`engine.workflow.deadline_binds`: editable, and
not a state an agent sent it back to for correction, where the deadline no longer
applies); its deadline (a date in the service's zone) is open
until the end of that day, so "14d before" is 14 days before midnight ending it.
A draft is sent each reminder at most once; when several are due at once (a worker
stopped for a while, a dossier registered with little time left), only the nearest
to the deadline is sent and the earlier ones are counted as done.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pony.orm import exists, select

from engine import CompiledDefinition, Registry
from engine.model import Action, Reminder
from engine.workflow import deadline_binds
from storage.clock import SERVICE_ZONE, clock
from storage.definitions import definition_of
from storage.dossiers import audit
from storage.dossiers.actions import Context, run_action
from storage.errors import NotFound
from storage.orm.db import database
from storage.orm.transactions import transaction
from storage.schedules.claims import REMINDER, claim, duration_key


def reminder_key(reminder: Reminder) -> str:
    """The claim key of a reminder: its message and its distance, e.g. "rappel@14d"."""
    return f"{reminder.message}@{duration_key(reminder.before_deadline)}"[:200]


def deadline_end(deadline: date) -> datetime:
    """The instant a deadline day ends (aware): midnight after it in the service's zone."""
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=SERVICE_ZONE)


def is_due(reminder: Reminder, deadline: date, now: datetime) -> bool:
    """Whether `reminder` is due for a draft with `deadline` at `now` (aware): its time
    has come and the deadline is not over."""
    end = deadline_end(deadline)
    return end - reminder.before_deadline <= now < end


def _last_due_deadline(reminder: Reminder, now: datetime) -> date:
    """The latest deadline whose reminder is due at `now`: end(deadline) <= now + before."""
    return clock.local(now + reminder.before_deadline).date() - timedelta(days=1)


@transaction(write=False)
def _candidates(type_id: str, version: int, states: list[str], reminder: Reminder,
                key: str, now: datetime) -> list[int]:
    orm = database()
    today, last = clock.today(), _last_due_deadline(reminder, now)
    return list(select(
        d.id for d in orm.Dossier
        if d.type_id == type_id and d.definition_version == version and d.status in states
        and d.deadline >= today and d.deadline <= last and d.owner is not None
        and d.purged_at is None
        and not exists(r for r in orm.ScheduleRun
                       if r.dossier == d and r.kind == REMINDER and r.key == key)
    ).order_by(lambda i: i)[:])


@transaction(write=True)
def _remind(compiled: CompiledDefinition, dossier_id: int, reminder: Reminder,
            now: datetime) -> bool:
    """Send `reminder` to one dossier if it is still a draft it is due for and nobody
    sent it; the reminders farther from the deadline, due too, are claimed unsent."""
    orm = database()
    dossier = orm.Dossier.get_for_update(id=dossier_id)
    d = compiled.definition
    if (dossier is None or dossier.owner is None or dossier.purged_at is not None
            or dossier.definition_version != d.version
            or not deadline_binds(d, dossier.status)
            or not is_due(reminder, dossier.deadline, now)):
        return False
    if not claim(dossier, REMINDER, reminder_key(reminder), now):
        return False
    for earlier in d.workflow.reminders:
        if (earlier.before_deadline > reminder.before_deadline
                and is_due(earlier, dossier.deadline, now)):
            claim(dossier, REMINDER, reminder_key(earlier), now)
    run_action(Context(compiled, None, dossier, dossier.owner, now),
               Action("message", reminder.message, reminder.line))
    audit.record(audit.SYSTEM, "reminder", dossier,
                 {"message": reminder.message, "deadline": dossier.deadline.isoformat()})
    return True


@transaction(write=False)
def _pinned_types() -> list[tuple[str, int]]:
    orm = database()
    today = clock.today()
    return sorted(set(select((d.type_id, d.definition_version) for d in orm.Dossier
                             if d.deadline >= today and d.purged_at is None)[:]))


def send_reminders(registry: Registry, now: datetime) -> int:
    """Send every due reminder of every type (each dossier by the version it is pinned
    to); returns how many messages were posted. Each dossier is its own transaction.
    `now`: an aware instant (storage.clock)."""
    sent = 0
    for type_id, version in _pinned_types():
        try:
            compiled = definition_of(registry, type_id, version)
        except NotFound:
            continue
        d = compiled.definition
        states = sorted(s for s in d.workflow.states if deadline_binds(d, s))
        # nearest to the deadline first: it supersedes the earlier ones due with it
        for reminder in sorted(d.workflow.reminders, key=lambda r: r.before_deadline):
            key = reminder_key(reminder)
            for dossier_id in _candidates(type_id, version, states, reminder, key, now):
                sent += _remind(compiled, dossier_id, reminder, now)
    return sent
