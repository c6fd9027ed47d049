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
    """The actor an applicant's action is recorded under: "account:<id>" (the others
    are SYSTEM, for deadlines, and AGENT)."""
    return f"account:{account_id}"


def record(actor: str, action: str, dossier: Any = None,
           detail: dict[str, Any] | None = None, address: str | None = None) -> None:
    """Add one event (call inside the transaction that makes the change).

    `actor`: `account_actor(id)`, SYSTEM or AGENT; `action`: what was done ("create",
    "link", "register", or a transition id); `dossier`: the Dossier entity, or None;
    `detail`: a JSON-able dict (e.g. {"from": state, "to": state}), stored as is;
    `address`: the client's IP address when a person at a browser did it (at most 45
    characters, longer is cut), else None.
    """
    database().AuditEvent(actor=actor, action=action, dossier=dossier, at=to_db(clock.now()),
                          detail=detail, address=address[:45] if address else None)
