"""The small reads every page makes: one Pony query per page, and no entity loaded.

A logged-in page must know whether its session was ended (logout holds in every
process, and a password reset ends every session opened before it) and how many
messages are unread (the envelope), and the account's name for the header (the
session cookie, signed but readable, holds only opaque ids); a page about a dossier also needs the
dossier's stamp, its (number, version), to reuse what was rendered from that
version (web/forms/page_cache.py). `visit` reads all of it in one statement, run
through Pony's public `Database.select`, whose table and column names are taken
from the entities (a Pony query cost three times as much CPU to build as to run,
on every page: bench/NOTES.md has the figures). The statement selects one value, a
JSON array of the fields: for a one-column result Pony hands back the values
themselves, where for several columns it builds a new row class at every call (more
than half the cost of the read).

The JSON API's requests have their own visit (`token_visit`): the access token's
account, refused when unknown, revoked or expired, and the stamp of the dossier the
address names, in one statement too: a token revoked in one process is refused by
the next request in every process, and a section unchanged since it was last
answered is answered again without reading its dossier (web/api/section_cache.py).

The reads select values, never entities: nothing stays in the caller's session
(the web's request) for a later write to find changed, and no answers are read.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from typing import Any

from pony.orm import Database, select

from engine import Registry
from engine.workflow import deadline_transition
from storage.accounts.api_tokens import TokenRefused, token_hash
from storage.accounts.ended_sessions import session_key
from storage.clock import clock, from_db
from storage.definitions import definition_of
from storage.dossiers.expiry import is_past
from storage.dossiers.registry import default_registry
from storage.errors import NotFound
from storage.orm.db import database, dialect
from storage.orm.entities import column
from storage.orm.rows import storable_number
from storage.orm.transactions import transaction
from storage.views import DossierStamp, DossierView, TokenVisit, Visit

NAME_FIELDS = ("given_names", "family_names")  # profile fields: the account's name


def _stamp(number: str, type_id: str, status: str, version: int, deadline: date | str,
           definition_version: int, registry: Registry | None) -> DossierStamp:
    """The dossier's stamp; `settled` is False when its deadline passed and its state
    has a deadline transition (get_dossier would move it first), by the definition
    version the dossier is pinned to."""
    try:
        compiled = definition_of(registry or default_registry(), type_id, definition_version)
    except NotFound:
        compiled = None
    pending = (compiled is not None
               and deadline_transition(compiled.definition, status) is not None
               and is_past(deadline, clock.today()))
    return DossierStamp(number, type_id, status, version, settled=not pending,
                        definition_version=definition_version)


@transaction(write=False)
def dossier_stamp(account_id: int, number: str,
                  registry: Registry | None = None) -> DossierStamp:
    """The (number, version) of one of the account's dossiers (NotFound otherwise)."""
    number = (number or "").strip()
    if not storable_number(number):
        raise NotFound(f"dossier {number!r}")
    rows = select((d.type_id, d.status, d.version, d.deadline, d.definition_version, d.id)
                  for d in database().Dossier
                  if d.number == number and d.owner.id == account_id)[:]
    if not rows:
        raise NotFound(f"dossier {number}")
    type_id, status, version, deadline, definition_version, _ = rows[0]
    return _stamp(number, type_id, status, version, deadline, definition_version, registry)


@transaction(write=False)
def dossier_owner(number: str) -> int | None:
    """The id of the account that owns dossier `number`, or None for no such dossier.

    For a form posted after its session ended (logged out in another tab): the web
    checks that the form was rendered for this account before keeping what it carries
    for after login. A read of one column, no answers."""
    number = (number or "").strip()
    owners = select(d.owner.id for d in database().Dossier if d.number == number)[:1]
    return int(owners[0]) if owners else None


def _reset_since(reset_at: str | None, opened_at: float | None) -> bool:
    """Whether the password was reset (at `reset_at`, naive UTC as stored, as ISO text:
    the visit reads it through JSON) after the session was opened (at `opened_at`, epoch
    seconds; None for a session that never said, which is then taken as older)."""
    if reset_at is None:
        return False
    reset = from_db(datetime.fromisoformat(reset_at))
    assert reset is not None
    return opened_at is None or reset.timestamp() > opened_at


# The SQL function that makes a JSON array of its arguments, per dialect.
JSON_ARRAY = {"sqlite": "json_array", "postgres": "json_build_array"}


@functools.lru_cache(maxsize=16)  # one per bound Database (a test run opens several)
def _statements(orm: Database, sql_dialect: str) -> tuple[str, str]:
    """The visit's statement without and with a dossier, per bound `Database` and its
    dialect ("sqlite", "postgres"): one SQL text whose table and column names all come
    from the entities (their `_table_` and each attribute's `columns`), so a renamed
    column cannot be missed here. It selects one JSON array: ended, unread, last reset,
    given names, family names, then the dossier's type, status, version, deadline and
    whether answers are kept aside in it."""
    account_, dossier, ended, message, reset, kept = (
        orm.Account, orm.Dossier, orm.EndedSession, orm.Message, orm.PasswordResetToken,
        orm.KeptAnswers)

    account = (
        # logged out, or no such account (any more): the session is over
        f"EXISTS (SELECT 1 FROM {ended._table_} WHERE {column(ended.sid_hash)} = $key)"
        f" OR NOT EXISTS (SELECT 1 FROM {account_._table_}"
        f" WHERE {column(account_.id)} = $account_id),"
        f" (SELECT COUNT(*) FROM {message._table_} WHERE {column(message.account)} = $account_id"
        f" AND {column(message.read_at)} IS NULL),"
        # when the password was last reset: every session opened before is over
        f" (SELECT MAX({column(reset.used_at)}) FROM {reset._table_}"
        f" WHERE {column(reset.account)} = $account_id),"
        # the name on every page's header (never kept in the cookie: it is readable there)
        + ",".join(f" (SELECT {column(getattr(account_, name))} FROM {account_._table_}"
                   f" WHERE {column(account_.id)} = $account_id)" for name in NAME_FIELDS))
    stamp = ", ".join(f"d.{column(getattr(dossier, a))}"
                      for a in ("type_id", "status", "version", "deadline",
                                "definition_version"))
    # answers kept aside for the account in this dossier (storage/dossiers/kept_answers.py)
    stamp += (f", EXISTS (SELECT 1 FROM {kept._table_} WHERE {column(kept.account)} = $account_id"
              f" AND {column(kept.dossier)} = d.{column(dossier.id)})")
    array = JSON_ARRAY[sql_dialect]
    with_dossier = (f"SELECT {array}({account}, {stamp}) FROM (SELECT 1 AS one) AS visit"
                    f" LEFT JOIN {dossier._table_} d ON d.{column(dossier.number)} = $number"
                    f" AND d.{column(dossier.owner)} = $account_id")
    return f"SELECT {array}({account})", with_dossier


@transaction(write=False)
def visit(sid: str, account_id: int, number: str | None = None,
          registry: Registry | None = None, *, opened_at: float | None = None) -> Visit:
    """Whether the session `sid`, opened at `opened_at` (epoch seconds), is over (logged
    out, or the password was reset since), the account's unread-message count and name
    (given names, family names: pages show it, and the cookie must not hold it), and, when
    `number` is given, that dossier's stamp (None if it is not the account's) and whether
    answers are kept aside for the account in it (storage.keep_answers). A
    session whose account does not exist (any more) is over.

    One statement, run with Pony's public `Database.select` (a Pony query costs three
    times as much to build as to run: bench/NOTES.md); it reads one JSON array of
    values, never entities."""
    orm = database()
    without_dossier, with_dossier = _statements(orm, dialect())
    params: dict[str, Any] = {"key": session_key(sid), "account_id": account_id}
    if number is not None:
        number = number.strip()
    findable = number is not None and storable_number(number)  # else: no such dossier
    if findable:
        params["number"] = number
    (row,) = orm.select(with_dossier if findable else without_dossier, {}, params)
    # psycopg2 decodes a JSON value itself; SQLite gives its text
    ended, unread, reset_at, given, family, *dossier = (
        json.loads(row) if isinstance(row, str) else row)
    found = findable and dossier[0] is not None
    stamp = _stamp(number, *dossier[:5], registry) if found else None
    return Visit(bool(ended) or _reset_since(reset_at, opened_at), int(unread), number, stamp,
                 names=(given or "", family or ""), kept=found and bool(dossier[5]))


STAMP_FIELDS = ("type_id", "status", "version", "deadline", "definition_version")
# then, for the whole dossier (TokenVisit.view): the rest of a DossierView's fields
VIEW_FIELDS = ("id", "created_at", "submitted_at")
JSON_FIELDS = ("answers", "snapshot")  # Json columns: SQLite keeps them as text
AS_JSON = {"sqlite": "json({})", "postgres": "{}"}


@functools.lru_cache(maxsize=16)  # one per bound Database (a test run opens several)
def _token_statements(orm: Database, sql_dialect: str) -> tuple[str, str, str]:
    """The token visit's statements without a dossier, with its stamp, and with the
    whole dossier, per bound `Database` and its dialect, names taken from the entities
    (as `_statements`). Each selects one JSON array: the token's kind, whether it is
    revoked, when it expires, its account, then the account's dossier `$number`'s
    stamp (STAMP_FIELDS; nulls when there is none), then VIEW_FIELDS and JSON_FIELDS,
    then whether answers are kept aside for the account in that dossier."""
    token, dossier = orm.ApiToken, orm.Dossier

    values = (f"t.{column(token.kind)}, t.{column(token.revoked_at)} IS NOT NULL,"
              f" t.{column(token.expires_at)}, t.{column(token.account)}")
    where = f" WHERE t.{column(token.token_hash)} = $hash"
    array = JSON_ARRAY[sql_dialect]
    stamp = ", ".join(f"d.{column(getattr(dossier, a))}" for a in STAMP_FIELDS)
    kept = orm.KeptAnswers
    whole = stamp + "".join(f", d.{column(getattr(dossier, a))}" for a in VIEW_FIELDS) + "".join(
        ", " + AS_JSON[sql_dialect].format(f"d.{column(getattr(dossier, a))}")
        for a in JSON_FIELDS) + (
        f", EXISTS (SELECT 1 FROM {kept._table_} k WHERE k.{column(kept.account)}"
        f" = t.{column(token.account)} AND k.{column(kept.dossier)} = d.{column(dossier.id)})")
    join = (f" LEFT JOIN {dossier._table_} d ON d.{column(dossier.number)} = $number"
            f" AND d.{column(dossier.owner)} = t.{column(token.account)}")
    return (f"SELECT {array}({values}) FROM {token._table_} t" + where,
            f"SELECT {array}({values}, {stamp}) FROM {token._table_} t" + join + where,
            f"SELECT {array}({values}, {whole}) FROM {token._table_} t" + join + where)


def _instant(value: str | None) -> datetime | None:
    """A datetime column read through JSON (ISO text, naive UTC as stored), aware."""
    return None if value is None else from_db(datetime.fromisoformat(value))


@transaction(write=False)
def token_visit(access: str, number: str | None = None, registry: Registry | None = None,
                *, whole: bool = False) -> TokenVisit:
    """The account an API access token stands for and, when `number` is given, the
    stamp of that dossier if the account owns it (None otherwise: one answer for "not
    yours" and "no such number"); with `whole`, also the dossier itself (`view`, as
    storage.get_dossier reads it) when it is settled (an overdue one is left for
    get_dossier, which moves it on first) and whether answers are kept aside for the
    account in it (`kept`; True when unknown). Raises TokenRefused when the token is
    unknown, not an access token, revoked or expired, as `storage.token_account` does.

    One statement through Pony's public `Database.select`, values only (as `visit`):
    this runs on every API request, and the token is checked in the database every
    time, so a revocation holds at once in every process."""
    orm = database()
    without_dossier, with_stamp, with_dossier = _token_statements(orm, dialect())
    params: dict[str, Any] = {"hash": token_hash(access)}
    if number is not None:
        number = number.strip()
    findable = number is not None and storable_number(number)  # else: no such dossier
    if findable:
        params["number"] = number
    sql = (with_dossier if whole else with_stamp) if findable else without_dossier
    rows = orm.select(sql, {}, params)
    if not rows:
        raise TokenRefused("unknown")
    row = rows[0]
    # psycopg2 decodes a JSON value itself; SQLite gives its text
    kind, revoked, expires_at, account_id, *dossier = (
        json.loads(row) if isinstance(row, str) else row)
    if kind != "access":
        raise TokenRefused("unknown")
    if revoked:
        raise TokenRefused("revoked")
    if from_db(datetime.fromisoformat(expires_at)) <= clock.now():
        raise TokenRefused("expired")
    found = findable and bool(dossier) and dossier[0] is not None
    if not found:
        return TokenVisit(int(account_id), number)
    type_id, status, version, deadline, definition_version = dossier[:5]
    stamp = _stamp(number, type_id, status, version, deadline, definition_version, registry)
    view = None
    if whole and stamp.settled:
        id_, created_at, submitted_at, answers, snapshot, kept = dossier[5:]
        view = DossierView(
            id=int(id_), number=number, type_id=type_id,
            definition_version=int(definition_version), status=status,
            answers=answers, created_at=_instant(created_at),
            deadline=date.fromisoformat(deadline) if isinstance(deadline, str) else deadline,
            submitted_at=_instant(submitted_at), version=int(version),
            owner_id=int(account_id), snapshot=snapshot)
        return TokenVisit(int(account_id), number, stamp, view, kept=bool(kept))
    return TokenVisit(int(account_id), number, stamp, view)
