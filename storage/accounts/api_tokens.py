"""Tokens of the JSON API: what a native app holds instead of a session cookie.

A login (`issue_tokens`) starts a chain: a short-lived access token, sent with every
request, and a refresh token, exchanged once for a new pair (`refresh_tokens`). Both
are opaque random strings (256 bits, prefixed `gat_` / `grt_` so a leaked one is
recognised by secret scanners); only their SHA-256 is stored, as for password-reset
links: a copy of the database holds no usable token. A plain hash is enough because
the token is long and random.

Rotation with reuse detection (OAuth 2.0 Security BCP, RFC 9700 §4.14.2): a refresh
token works once. Presented again, it was stolen or replayed, so the whole chain (every
access and refresh token issued from the same login) is revoked, the legitimate app
included: its user logs in again. Logging out revokes the chain too; a password change
or reset revokes every token of the account (`revoke_account_tokens`, called by
storage.change_password and storage.reset_password in their own transaction).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from storage.accounts.account import load_account
from storage.clock import clock, from_db, to_db
from storage.errors import StorageError
from storage.orm.db import database
from storage.orm.transactions import transaction

ACCESS_PREFIX = "gat_"
REFRESH_PREFIX = "grt_"


class TokenRefused(StorageError):
    """A token that opens nothing: unknown, expired, revoked, used up, or of the wrong
    kind. `reason` ("unknown", "expired", "revoked", "reused") is for logs and tests
    only: every refusal answers alike."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class TokenPair:
    """What a login or a refresh hands the app: both tokens (shown once, never stored)
    and when each expires (aware UTC)."""

    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime


def token_hash(token: str) -> str:
    """The key a token is kept under: its SHA-256, 64 hex characters."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _new_pair(account: object, chain: str, access_seconds: int,
              refresh_seconds: int) -> TokenPair:
    orm = database()
    now = clock.now()
    access = ACCESS_PREFIX + secrets.token_urlsafe(32)
    refresh = REFRESH_PREFIX + secrets.token_urlsafe(32)
    pair = TokenPair(access, refresh, now + timedelta(seconds=access_seconds),
                     now + timedelta(seconds=refresh_seconds))
    for kind, token, until in (("access", access, pair.access_expires_at),
                               ("refresh", refresh, pair.refresh_expires_at)):
        orm.ApiToken(account=account, chain=chain, kind=kind, token_hash=token_hash(token),
                     created_at=to_db(now), expires_at=to_db(until))
    return pair


@transaction(write=True)
def issue_tokens(account_id: int, access_seconds: int, refresh_seconds: int) -> TokenPair:
    """A new chain for the account (after its email and password were checked): an
    access token valid `access_seconds`, a refresh token valid `refresh_seconds`.
    Also forgets the account's tokens expired before now, so the table stays small.
    NotFound for an unknown account."""
    account = load_account(account_id)
    now = to_db(clock.now())
    account.api_tokens.select(lambda t: t.expires_at < now).delete(bulk=True)
    return _new_pair(account, secrets.token_hex(16), access_seconds, refresh_seconds)


def _revoke_chain(chain: str, now: datetime) -> None:
    for row in database().ApiToken.select(lambda t: t.chain == chain
                                          and t.revoked_at is None):
        row.revoked_at = now


@transaction(write=True)
def _rotate(refresh: str, access_seconds: int, refresh_seconds: int) -> TokenPair | str:
    row = database().ApiToken.get(token_hash=token_hash(refresh))
    now = to_db(clock.now())
    if row is None or row.kind != "refresh":
        return "unknown"
    if row.revoked_at is not None:
        return "revoked"
    if row.used_at is not None:  # replayed: stolen, or an old copy; the chain goes
        _revoke_chain(row.chain, now)
        return "reused"
    if row.expires_at <= now:
        return "expired"
    row.used_at = now
    return _new_pair(row.account, row.chain, access_seconds, refresh_seconds)


def refresh_tokens(refresh: str, access_seconds: int, refresh_seconds: int) -> TokenPair:
    """Exchange a refresh token for a new pair of the same chain; the token presented
    is used up. Raises TokenRefused for an unknown, expired or revoked one, and for one
    already used: that also revokes its whole chain (committed before the raise)."""
    result = _rotate(refresh, access_seconds, refresh_seconds)
    if isinstance(result, str):
        raise TokenRefused(result)
    return result


@transaction(write=False)
def token_account(access: str) -> int:
    """The account id an access token stands for (one indexed read: this runs on every
    API request). Raises TokenRefused when the token is unknown, not an access token,
    revoked or expired."""
    row = database().ApiToken.get(token_hash=token_hash(access))
    if row is None or row.kind != "access":
        raise TokenRefused("unknown")
    if row.revoked_at is not None:
        raise TokenRefused("revoked")
    if from_db(row.expires_at) <= clock.now():
        raise TokenRefused("expired")
    return row.account.id


@transaction(write=True)
def revoke_chain(access: str) -> None:
    """Log out: revoke the chain of an access token (it, its refresh token and every
    token refreshed from the same login). An unknown token changes nothing."""
    row = database().ApiToken.get(token_hash=token_hash(access))
    if row is not None:
        _revoke_chain(row.chain, to_db(clock.now()))


@transaction(write=True)
def revoke_account_tokens(account_id: int) -> int:
    """Revoke every token of the account (its password changed or was reset); returns
    how many were still valid. Joins the caller's transaction when called from one."""
    now = to_db(clock.now())
    rows = database().ApiToken.select(lambda t: t.account.id == account_id
                                      and t.revoked_at is None and t.expires_at > now)
    count = 0
    for row in rows:
        row.revoked_at = now
        count += 1
    return count
