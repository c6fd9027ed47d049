"""Password reset tokens: "Mot de passe oublié ?" sends a single-use link valid one hour.

The token is random (256 bits) and only its SHA-256 is stored: a leaked
database or backup holds no usable link. A plain hash is enough, unlike for
passwords, because the token is long and random (nothing to guess or to look
up in a dictionary). A token works once, for its own account, until it
expires by `storage.clock`; changing the password uses up every other link
of the account too, so an older email cannot undo the change.

The page asking for a link takes the same path whether the address has an
account or not (no timing tells them apart): it only queues one outbox row,
`queue_password_reset`, its body holding RESET_TOKEN_SLOT where the link's token
goes. The sender then calls `start_queued_password_reset`: the token is made
then, for the account of that address, or the row is deleted when there is none.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from storage.accounts.account import account_by_email, account_view, normalize_email
from storage.accounts.api_tokens import revoke_account_tokens
from storage.clock import clock, to_db
from storage.errors import NotFound, ResetRefused
from storage.inbox.outbox import queue_email
from storage.orm.db import database
from storage.orm.entities import row_by_id
from storage.orm.transactions import transaction
from storage.views import AccountView, EmailView

RESET_LIFETIME = timedelta(hours=1)
RESET_PURPOSE = "password_reset"
RESET_TOKEN_SLOT = "RESET-TOKEN-SLOT"  # in a queued body: where the token goes


@dataclass(frozen=True)
class ResetRequest:
    """What the caller needs to send the link: the account (its email and language)
    and the token in clear, which exists nowhere else after this call."""

    account: AccountView
    token: str


def token_hash(token: str) -> str:
    """The stored form of a reset token: its SHA-256, 64 hex characters."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction(write=True)
def start_password_reset(email: str, lifetime: timedelta = RESET_LIFETIME
                         ) -> ResetRequest | None:
    """A new link for the account of `email` (None when no account has it: the caller
    must answer the same either way). Joins the caller's transaction, so the email
    carrying the link is queued with it or not at all.

    `email` is compared case-insensitively; `lifetime` (a timedelta, one hour by
    default) runs from now by `storage.clock`. The returned token is 43 URL-safe
    characters (256 random bits); only its hash is stored.
    """
    account = account_by_email(email)
    if account is None:
        return None
    token = secrets.token_urlsafe(32)
    now = clock.now()
    database().PasswordResetToken(account=account, token_hash=token_hash(token),
                                  created_at=to_db(now), expires_at=to_db(now + lifetime))
    return ResetRequest(account_view(account), token)


@transaction(write=True)
def queue_password_reset(email: str, subject: str, body: str) -> EmailView:
    """Queue the reset email of `email` (any address, with an account or not: the
    same one INSERT either way). `body` holds RESET_TOKEN_SLOT where the link's token
    goes; the token is made when the email is sent (`start_queued_password_reset`).
    Joins the caller's transaction."""
    return queue_email(normalize_email(email), subject, body, purpose=RESET_PURPOSE)


@transaction(write=True)
def start_queued_password_reset(email_id: int, lifetime: timedelta = RESET_LIFETIME
                                ) -> str | None:
    """For the sender, just before sending the queued reset email `email_id`: a new
    token (in clear, valid `lifetime` from now) for the account of its address, or
    None when no account has it, the row then deleted (nothing is sent, and a
    stranger's address is not kept). NotFound for an unknown `email_id`."""
    row = database().OutgoingEmail.get_for_update(id=email_id)
    if row is None:
        raise NotFound(f"email {email_id}")
    started = start_password_reset(row.to, lifetime)
    if started is None:
        row.delete()
        return None
    return started.token


@transaction(write=True)
def change_password(account_id: int, password_hash: str,
                    notice: tuple[str, str] | None = None) -> AccountView:
    """A password changed while logged in (the caller checked the current one): set
    `password_hash` (from `hash_password`), use up every reset link of the account,
    and end every session opened before now, as a reset does. The change is kept as
    a link used at once (its token never existed), so the same read that ends
    sessions after a reset (storage.visit) ends them after a change; the caller's
    own session lives on when it is renewed after this. `notice`: (subject, body) of
    the email telling the account's address, queued in the same transaction, so a
    password is never changed without its owner being told. NotFound for an unknown
    `account_id`."""
    account = row_by_id(database().Account, account_id)
    if account is None:
        raise NotFound(f"account {account_id}")
    account.password_hash = password_hash
    now = to_db(clock.now())
    for other in account.reset_tokens.select(lambda t: t.used_at is None):
        other.used_at = now
    database().PasswordResetToken(account=account,
                                  token_hash=token_hash(secrets.token_urlsafe(32)),
                                  created_at=now, expires_at=now, used_at=now)
    if notice is not None:
        queue_email(account.email, *notice)
    revoke_account_tokens(account.id)  # the API's tokens end with the sessions
    return account_view(account)


def _usable(token: str) -> Any:
    """The token's row when it can still be used, else ResetRefused (one reason for all)."""
    if not token or len(token) > 200:
        raise ResetRefused()
    row = database().PasswordResetToken.get(token_hash=token_hash(token))
    if row is None or row.used_at is not None or row.expires_at <= to_db(clock.now()):
        raise ResetRefused()
    return row


@transaction(write=False)
def check_reset_token(token: str) -> AccountView:
    """The account a link would reset (to show the form); ResetRefused when the link
    is unknown, used or expired."""
    return account_view(_usable(token).account)


@transaction(write=True)
def reset_password(token: str, password_hash: str) -> AccountView:
    """Set the new password of the token's account and use up all its links; returns
    the account. `password_hash`: from `hash_password`. ResetRefused when the link is
    unknown, used (a concurrent request may have used it meanwhile) or expired. The
    sessions opened before the reset are ended by the next request's session check
    (storage.visit reads when the account's password was last reset)."""
    row = _usable(token)
    account = row.account
    account.password_hash = password_hash
    now = to_db(clock.now())
    for other in account.reset_tokens.select(lambda t: t.used_at is None):
        other.used_at = now
    revoke_account_tokens(account.id)  # the API's tokens end with the sessions
    return account_view(account)
