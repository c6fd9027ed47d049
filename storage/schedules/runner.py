"""One round of every schedule, as the background worker and `guichet schedules run`
call it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine import Registry
from storage.clock import clock
from storage.dossiers.registry import default_registry
from storage.schedules.reminders import send_reminders
from storage.schedules.retention import purge_due
from storage.schedules.transitions import take_due_transitions


@dataclass(frozen=True)
class ScheduleReport:
    """What one round did: reminders posted, dossiers moved by a schedule transition,
    dossiers purged by retention."""

    reminders: int
    transitions: int
    purged: int


def run_schedules(registry: Registry | None = None, now: datetime | None = None
                  ) -> ScheduleReport:
    """Run every schedule once on the current store: reminders, then `by: schedule`
    transitions, then retention. `registry`: None for the store's; `now`: an aware
    instant, default storage.clock's. Safe to run from several workers or processes at
    once: each job of each dossier is done once (storage.schedules.claims). Each
    dossier is its own transaction, so one that fails leaves the others done."""
    registry = registry or default_registry()
    now = now or clock.now()
    return ScheduleReport(reminders=send_reminders(registry, now),
                          transitions=take_due_transitions(registry, now),
                          purged=purge_due(registry, now))
