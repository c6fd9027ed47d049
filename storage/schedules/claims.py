"""Claiming a scheduled job for a dossier, so it is done once across workers.

The claim is a row of `schedule_run` under a unique (dossier, kind, key), inserted
with ON CONFLICT DO NOTHING inside the transaction that does the job: a second
worker's insert waits for the first transaction (PostgreSQL) or for its turn
(SQLite), then inserts nothing and the job is skipped. If the job fails, its
transaction, claim included, rolls back and a later round tries again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.clock import to_db
from storage.orm.db import database

_CLAIM = ('INSERT INTO "schedule_run" ("dossier_id", "kind", "run_key", "at") '
          "VALUES ($dossier_id, $kind, $key, $at) "
          'ON CONFLICT ("dossier_id", "kind", "run_key") DO NOTHING RETURNING "id"')

REMINDER = "reminder"
TRANSITION = "transition"
RETENTION = "retention"


def claim(dossier: Any, kind: str, key: str, now: datetime) -> bool:
    """Claim the job (`kind`: REMINDER, TRANSITION or RETENTION; `key`: which one, at
    most 200 characters) for `dossier` (a Dossier entity) inside the calling write
    transaction; True when this transaction got it, False when it was claimed
    before (by anyone, committed or waited for)."""
    row = database().execute(_CLAIM, {}, {"dossier_id": dossier.id, "kind": kind,
                                          "key": key, "at": to_db(now)}).fetchone()
    return row is not None


def duration_key(delta: Any) -> str:
    """A timedelta as a short stable key: "14d", "36h", "90m" or "45s"."""
    seconds = int(delta.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
