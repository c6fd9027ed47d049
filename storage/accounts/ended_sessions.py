"""Ended web sessions: a logged-out session cookie must not work again, in any process.

The portal's sessions live in signed cookies (nothing to look up per request
on the happy path). A signed cookie cannot be taken back, so logging out
records the session's id here until the cookie could no longer be used anyway
(its idle and rescue windows, see web/accounts/login_session.py). Every server process
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
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


@transaction(write=True)
def end_session(sid: str, until: datetime) -> None:
    """Refuse the session `sid` from now until `until` (then its cookie is dead by age).

    Also forgets the sessions ended long enough ago, so the table stays small."""
    orm = database()
    now = to_db(clock.now())
    orm.EndedSession.select(lambda s: s.until < now).delete(bulk=True)
    key = session_key(sid)
    row = orm.EndedSession.get(sid_hash=key)
    if row is None:
        orm.EndedSession(sid_hash=key, until=to_db(until))
    else:
        row.until = max(row.until, to_db(until))
