"""A dossier's state changes in one place, so the moment it changed is always kept.

Schedules count from that moment: a `by: schedule` transition is taken once a dossier
has been `after` in its source state, a retention purge once it has been `after` in a
final state. Every change of state (creation, submission, expiry, agents' transitions)
goes through `set_status`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pony.orm import select

from storage.clock import from_db, to_db
from storage.orm.db import database


def set_status(dossier: Any, state: str, now: datetime) -> None:
    """Put `dossier` (a Dossier entity, inside a write transaction) in `state` (a state
    id of its definition) as of `now` (an aware instant): `status` and
    `status_changed_at` change together. The caller bumps `dossier.version` and audits,
    as for any write."""
    dossier.status = state
    dossier.status_changed_at = to_db(now)


def status_since(dossier: Any) -> datetime:
    """When `dossier` entered its current state (aware, UTC), inside a session:
    `status_changed_at`; for a dossier older than that column, the latest of its
    audit events, submission and creation (never earlier than the real change, so a
    schedule counting from it is late rather than early)."""
    if dossier.status_changed_at is not None:
        return from_db(dossier.status_changed_at)
    last_event = select(max(e.at) for e in database().AuditEvent
                        if e.dossier == dossier).first()
    moments = [m for m in (last_event, dossier.submitted_at, dossier.created_at) if m]
    return from_db(max(moments))
