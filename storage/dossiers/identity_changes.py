"""Profile changes that touch the identity a dossier was linked or submitted under.

Linking an agent-registered dossier trusts the profile's given name, family
name, sex and birth date, and a submitted dossier shows them; the applicant can
edit them afterwards. Each such change is written to the audit trail, old and
new values, for every dossier of the account that was linked or submitted, so
an agent can see who the dossier was taken under. Lives with the dossiers (not
the accounts) because it reads dossiers and writes their audit trail.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pony.orm import select

from engine.profile import PROFILE
from storage.accounts.account import load_account
from storage.accounts.account import update_profile as _update_account_profile
from storage.dossiers import audit
from storage.dossiers.search_words import index_names
from storage.orm.db import database
from storage.orm.transactions import transaction
from storage.views import AccountView

# The profile fields a dossier is identified by (engine/profile.yaml `identity`).
IDENTITY_KEYS: tuple[str, ...] = tuple(shown.field.key for shown in PROFILE.identity)
ACTION = "profile_identity"


def _plain(value: Any) -> str | None:
    """A stored profile value as JSON text: dates ISO, empty as None."""
    if isinstance(value, date):
        return value.isoformat()
    return value or None


def identity_bound_dossiers(account: Any) -> list[Any]:
    """The account's dossiers (entities) that were linked to it or submitted: those an
    identity change is recorded on. Call inside a session."""
    orm = database()
    owned = list(orm.Dossier.select(lambda d: d.owner == account).order_by(orm.Dossier.id))
    linked = set(select(e.dossier.id for e in orm.AuditEvent
                        if e.dossier.owner == account and e.action == "link"))
    return [d for d in owned if d.submitted_at is not None or d.id in linked]


@transaction(write=True)
def update_profile(account_id: int, profile: dict[str, Any]) -> AccountView:
    """Change the given profile fields (storage.accounts.account.update_profile, same
    arguments, errors and result) and, in the same transaction, record one audit
    event "profile_identity" per linked or submitted dossier of the account when a
    name, the sex or the birth date changed: detail {"changes": {key: {"old": v,
    "new": v}}} (strings, dates YYYY-MM-DD, None when empty). No password, ever.
    The search words of every dossier of the account follow a changed name
    (storage/dossiers/search_words.py)."""
    account = load_account(account_id)
    before = {key: _plain(getattr(account, key)) for key in IDENTITY_KEYS}
    view = _update_account_profile(account_id, profile)
    after = {key: _plain(getattr(account, key)) for key in IDENTITY_KEYS}
    changes = {key: {"old": before[key], "new": after[key]}
               for key in IDENTITY_KEYS if before[key] != after[key]}
    if changes:
        for dossier in account.dossiers:  # agents find them by the new names too
            index_names(dossier)
        for dossier in identity_bound_dossiers(account):
            audit.record(audit.account_actor(account_id), ACTION, dossier,
                         {"changes": changes})
    return view
