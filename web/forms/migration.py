"""A draft opened after its type moved on with `drafts: migrate`: migrated, and told once.

Issue 14, items 3 and 5. Opening a dossier page asks storage to migrate a draft of an
older version (`storage.open_draft`) only when it may need it (its type's newest
version says migrate and the draft is older: one comparison, no write otherwise). The
notice storage returns is kept in the session, for this dossier, until its section page
shows it: once, in the applicant's language, the message and the questions new or
changed in each section. The same text is in the message centre (storage posts it).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import session

import storage
from engine.migrate import MIGRATE
from web.accounts.current import account_id
from web.registry import registry

NOTICES = "guichet_migrations"  # session key: dossier number -> MigrationNotice as a dict


def may_migrate(dossier: Any) -> bool:
    """Whether `dossier` (a DossierView or DossierStamp) is on an older version of a type
    whose newest version says `drafts: migrate` (storage decides the rest)."""
    newest = registry().get(dossier.type_id)
    return (newest is not None and newest.definition.drafts == MIGRATE
            and dossier.definition_version < newest.definition.version)


def migrate_if_older(account: int, dossier: Any) -> storage.MigrationNotice | None:
    """Migrate `dossier` (one of account `account`'s) if it may need it; the notice to
    tell the applicant once when it was (then read it again), else None. No session: the
    pages (`migrate_on_open`) and the API (web/api/dossiers.py) both open drafts with it."""
    if not may_migrate(dossier):
        return None
    return storage.open_draft(registry(), account, dossier.number)


def migrate_on_open(dossier: Any) -> bool:
    """Migrate `dossier` if it may need it; True when it was (then read it again). The
    notice waits in the session for the dossier's next section page."""
    notice = migrate_if_older(account_id(), dossier)
    if notice is None:
        return False
    remember(dossier.number, asdict(notice))
    return True


def remember(number: str, notice: dict[str, Any]) -> None:
    """Keep a migration notice (a MigrationNotice as a dict) in the session until the
    dossier `number`'s next section page shows it: after opening the draft migrated it,
    or after a save that did (storage.save_section: `DossierView.migration`)."""
    notices = dict(session.get(NOTICES) or {})
    notices[number] = notice
    session[NOTICES] = notices


def pending(number: str) -> bool:
    """Whether a migration notice waits for the dossier `number` (its page is not reused)."""
    return number in (session.get(NOTICES) or {})


def take_notice(number: str) -> dict[str, Any] | None:
    """The migration notice waiting for the dossier `number`, removed (shown once)."""
    notices = dict(session.get(NOTICES) or {})
    notice = notices.pop(number, None)
    if notice is not None:
        session[NOTICES] = notices
    return notice
