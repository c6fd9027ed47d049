"""The small reads every page makes: one Pony query per page, and no entity loaded.

A logged-in page must know whether its session was ended (logout holds in every
process, and a password reset ends every session opened before it) and how many
messages are unread (the envelope); a page about a dossier also needs the
dossier's stamp, its (number, version), to reuse what was rendered from that
version (web/forms/page_cache.py). `visit` reads all of it in one query: from the
dossier's row when the address names one of the account's dossiers (most
pages), else from the account's row.

The queries select values, never entities: nothing stays in the caller's session
(the web's request) for a later write to find changed, and no answers are read.
Each selects its row's primary key too, which spares Pony's DISTINCT (the rows
are unique anyway). Building a Pony query costs more CPU than running it:
bench/NOTES.md has the figures.
"""

from __future__ import annotations

from datetime import date, datetime

from pony.orm import count, exists, select

from engine import Registry
from engine.workflow import deadline_transition
from storage.accounts.ended_sessions import session_key
from storage.clock import clock, from_db
from storage.dossiers.expiry import is_past
from storage.dossiers.registry import default_registry
from storage.errors import NotFound
from storage.orm.db import database
from storage.orm.transactions import transaction
from storage.views import DossierStamp, Visit


def _stamp(number: str, type_id: str, status: str, version: int, deadline: date,
           registry: Registry | None) -> DossierStamp:
    """The dossier's stamp; `settled` is False when its deadline passed and its state
    has a deadline transition (get_dossier would move it first)."""
    compiled = (registry or default_registry()).get(type_id)
    pending = (compiled is not None
               and deadline_transition(compiled.definition, status) is not None
               and is_past(deadline, clock.today()))
    return DossierStamp(number, type_id, status, version, settled=not pending)


@transaction(write=False)
def dossier_stamp(account_id: int, number: str,
                  registry: Registry | None = None) -> DossierStamp:
    """The (number, version) of one of the account's dossiers (NotFound otherwise)."""
    number = (number or "").strip()
    rows = select((d.type_id, d.status, d.version, d.deadline, d.id) for d in database().Dossier
                  if d.number == number and d.owner.id == account_id)[:]
    if not rows:
        raise NotFound(f"dossier {number}")
    type_id, status, version, deadline, _ = rows[0]
    return _stamp(number, type_id, status, version, deadline, registry)


def _reset_since(reset_at: datetime | None, opened_at: float | None) -> bool:
    """Whether the password was reset (at `reset_at`, naive UTC as stored) after the
    session was opened (at `opened_at`, epoch seconds; None for a session that never
    said, which is then taken as older)."""
    if reset_at is None:
        return False
    reset = from_db(reset_at)
    assert reset is not None
    return opened_at is None or reset.timestamp() > opened_at


@transaction(write=False)
def visit(sid: str, account_id: int, number: str | None = None,
          registry: Registry | None = None, *, opened_at: float | None = None) -> Visit:
    """Whether the session `sid`, opened at `opened_at` (epoch seconds), is over (logged
    out, or the password was reset since), the account's unread-message count, and, when
    `number` is given, that dossier's stamp (None if it is not the account's).

    A session whose account does not exist (any more) is over."""
    orm = database()
    key = session_key(sid)
    if number is not None:
        number = number.strip()
        rows = select((d.type_id, d.status, d.version, d.deadline, d.id,
                       exists(s for s in orm.EndedSession if s.sid_hash == key),
                       count(m for m in orm.Message if m.account == d.owner and m.read_at is None),
                       max(r.used_at for r in d.owner.reset_tokens))
                      for d in orm.Dossier if d.number == number and d.owner.id == account_id)[:]
        if rows:
            type_id, status, version, deadline, _, ended, unread, reset_at = rows[0]
            return Visit(ended or _reset_since(reset_at, opened_at), unread, number,
                         _stamp(number, type_id, status, version, deadline, registry))
    # Not a dossier's address, or not the account's dossier: the same three, from the account.
    rows = select((a.id,
                   exists(s for s in orm.EndedSession if s.sid_hash == key),
                   count(m for m in orm.Message if m.account == a and m.read_at is None),
                   # when the password was last reset: every session opened before is over
                   max(r.used_at for r in a.reset_tokens))
                  for a in orm.Account if a.id == account_id)[:]
    if not rows:
        return Visit(True, 0, number)
    _, ended, unread, reset_at = rows[0]
    return Visit(ended or _reset_since(reset_at, opened_at), unread, number)
