"""Reading dossier rows: ownership checks, and turning rows into views.

Every function that touches one applicant's dossier goes through
`owned_dossier`, so "not yours" and "does not exist" are one answer (NotFound)
everywhere.
"""

from __future__ import annotations

from typing import Any

from pony.orm import desc

from engine import CompiledDefinition, Registry
from engine.load import plain
from storage.clock import from_db
from storage.errors import NotFound
from storage.orm.db import database
from storage.orm.entities import NUMBER_LENGTH, PUBLIC_ID_LENGTH
from storage.views import DossierView


def dossier_view(d: Any) -> DossierView:
    """The frozen view of a Pony `Dossier` row (inside its session): answers and snapshot
    copied as plain dicts and lists, instants made timezone-aware (UTC)."""
    return DossierView(
        id=d.id, number=d.number, type_id=d.type_id, definition_version=d.definition_version,
        status=d.status, answers=plain(d.answers), created_at=from_db(d.created_at),
        deadline=d.deadline, submitted_at=from_db(d.submitted_at), version=d.version,
        owner_id=d.owner.id if d.owner else None,
        snapshot=plain(d.snapshot) if d.snapshot is not None else None,
    )


def storable_number(number: str) -> bool:
    """Whether `number` (stripped) could be a dossier's number at all: not longer than
    its column, no NUL byte (PostgreSQL refuses one in any text). Anything else is
    looked up as NotFound without asking the database, which would raise instead."""
    return 0 < len(number) <= NUMBER_LENGTH and "\x00" not in number


def owned_dossier(account_id: int, number: str, *, for_update: bool = False) -> Any:
    """The dossier `number` if `account_id` owns it, else NotFound (inside a session).

    `for_update` locks the row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the
    write transaction) so concurrent writers to one dossier take turns.
    """
    orm = database()
    number = (number or "").strip()
    find = orm.Dossier.get_for_update if for_update else orm.Dossier.get
    dossier = find(number=number) if storable_number(number) else None
    if dossier is None or dossier.owner is None or dossier.owner.id != account_id:
        raise NotFound(f"dossier {number}")
    return dossier


def owned_public_row(entity: Any, public_id: str, account_id: int) -> Any:
    """The row of an entity (with `account` and `public_id`) whose public id is
    `public_id`, if that account owns it, else NotFound: the same answer for "not
    yours", "does not exist" and a malformed id (not a string, empty, too long for the
    column, or holding a NUL, which the database would refuse)."""
    row = (entity.get(public_id=public_id)
           if isinstance(public_id, str) and 0 < len(public_id) <= PUBLIC_ID_LENGTH
           and "\x00" not in public_id else None)
    if row is None or row.account.id != account_id:
        raise NotFound(f"{entity.__name__.lower()} {public_id!r}")
    return row


def newest_first(entity: Any, account_id: int) -> Any:
    """An account's rows of an entity (with `account` and `created_at`), newest first."""
    return entity.select(lambda r: r.account.id == account_id).order_by(
        desc(entity.created_at), desc(entity.id))


def compiled_for(registry: Registry, type_id: str) -> CompiledDefinition:
    """The dossier type's compiled definition; NotFound when the registry lacks it."""
    compiled = registry.get(type_id)
    if compiled is None:
        raise NotFound(f"dossier type {type_id}")
    return compiled
