"""Ended web sessions: a logged-out session cookie must not work again, in any process.

The portal's sessions live in signed cookies (nothing to look up per request
on the happy path). A signed cookie cannot be taken back, so logging out
records the session's id here until the cookie could no longer be used anyway
(its idle and keeping windows, see web/accounts/login_session.py). Every server process
shares the database, so a cookie copied before logout is refused by all of
them. Only a SHA-256 of the id is kept: the table says nothing usable.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from storage.clock import clock, to_db
from storage.orm.db import database
from storage.orm.transactions import transaction


def session_key(sid: str) -> str:
    """The key a session id is kept under: its SHA-256, 64 hex characters (the id itself
    is never stored, so the table names no cookie)."""
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


@transaction(write=True)
def end_session(sid: str, until: datetime) -> None:
    """Refuse the session `sid` from now until `until` (then its cookie is dead by age).

    `sid`: the random id the login put in the cookie; `until`: an aware datetime (the
    last moment the cookie could still be used: its keeping window, in hours, after its
    last activity). Ending a session twice keeps the later `until`. Also forgets the
    sessions ended long enough ago, so the table stays small. Guide: "Se déconnecter"
    ends the session once "Voulez-vous vraiment vous déconnecter ?" is answered Oui;
    recording it here makes that hold in every server process."""
    orm = database()
    now = to_db(clock.now())
    orm.EndedSession.select(lambda s: s.until < now).delete(bulk=True)
    key = session_key(sid)
    row = orm.EndedSession.get(sid_hash=key)
    if row is None:
        orm.EndedSession(sid_hash=key, until=to_db(until))
    else:
        row.until = max(row.until, to_db(until))
