"""The audit trail: who did what to which dossier, and when.

Recorded inside the transaction of the change itself, so a change and its
trace are committed (or rolled back) together.
"""

from __future__ import annotations

from typing import Any

from storage.clock import clock, to_db
from storage.orm.db import database

SYSTEM = "system"
AGENT = "agent"


def account_actor(account_id: int) -> str:
    return f"account:{account_id}"


def record(actor: str, action: str, dossier: Any = None,
           detail: dict[str, Any] | None = None) -> None:
    """Add one event (call inside the transaction that makes the change)."""
    database().AuditEvent(actor=actor, action=action, dossier=dossier, at=to_db(clock.now()),
                          detail=detail)
