"""The small reads every page makes, each one round trip with no entity loaded.

A logged-in page must know whether its session was ended (logout holds in every
process, and a password reset ends every session opened before it) and how many
messages are unread (the envelope); a page about a dossier also needs the
dossier's stamp, its (number, version), to reuse what was rendered from that
version (web/page_cache.py). `visit` answers all three in one statement when the
address names a dossier, so such a page reads the database once on the way in.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from engine import Registry
from engine.workflow import deadline_transition
from storage.accounts.ended_sessions import session_key
from storage.clock import clock, from_db
from storage.dossiers.expiry import is_past
from storage.dossiers.registry import default_registry
from storage.errors import NotFound
from storage.orm.db import read_rows
from storage.orm.transactions import transaction
from storage.views import DossierStamp, Visit

# What a stamp is made of, in `_stamp`'s order.
_DOSSIER_COLUMNS = ("type_id", "status", "version", "deadline")
_STAMP = (f"SELECT {', '.join(_DOSSIER_COLUMNS)} FROM dossier"
          " WHERE number = $number AND owner_id = $account_id")
_ACCOUNT = ("EXISTS (SELECT 1 FROM ended_session WHERE sid_hash = $key),"
            " (SELECT COUNT(*) FROM message WHERE account_id = $account_id AND read_at IS NULL),"
            # when the password was last reset: every session opened before is over
            " (SELECT MAX(used_at) FROM password_reset_token WHERE account_id = $account_id)")
_VISIT = f"SELECT {_ACCOUNT}"
_VISIT_WITH_DOSSIER = (
    f"SELECT {_ACCOUNT}, {', '.join(f'd.{c}' for c in _DOSSIER_COLUMNS)}"
    " FROM (SELECT 1 AS one) AS visit"
    " LEFT JOIN dossier d ON d.number = $number AND d.owner_id = $account_id")


def _stamp(number: str, type_id: str, status: str, version: int, deadline: date | str,
           registry: Registry | None) -> DossierStamp:
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
    rows = read_rows(_STAMP, {"number": number, "account_id": account_id})
    if not rows:
        raise NotFound(f"dossier {number}")
    return _stamp(number, *rows[0], registry)


def _reset_since(reset_at: datetime | str | None, opened_at: float | None) -> bool:
    """Whether the password was reset after the session was opened (at `opened_at`, epoch
    seconds; None for a session that never said, which is then taken as older)."""
    if reset_at is None:
        return False
    if isinstance(reset_at, str):  # SQLite's text, from a raw read
        reset_at = datetime.fromisoformat(reset_at)
    reset = from_db(reset_at)
    assert reset is not None
    return opened_at is None or reset.timestamp() > opened_at


@transaction(write=False)
def visit(sid: str, account_id: int, number: str | None = None,
          registry: Registry | None = None, *, opened_at: float | None = None) -> Visit:
    """Whether the session `sid`, opened at `opened_at` (epoch seconds), is over (logged
    out, or the password was reset since), the account's unread-message count, and, when
    `number` is given, that dossier's stamp (None if it is not the account's)."""
    params: dict[str, Any] = {"key": session_key(sid), "account_id": account_id}
    if number is not None:
        params["number"] = number = number.strip()
    ended, unread, reset_at, *dossier = read_rows(
        _VISIT if number is None else _VISIT_WITH_DOSSIER, params)[0]
    stamp = _stamp(number, *dossier, registry) if dossier and dossier[0] is not None else None
    return Visit(bool(ended) or _reset_since(reset_at, opened_at), int(unread), number, stamp)
