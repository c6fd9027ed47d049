"""Registration confirmed by email: no account exists until its address is proven.

A registration is kept as a SignupRequest (email, password hash, profile,
language) and an outbox row; the account is made only when the link emailed
to the address is followed (`confirm_signup`). Until then nothing can log in
with it, and nothing squats the address: each registration has its own link
carrying its own password, so someone registering a stranger's address first
never chooses the password the owner will activate.

The registration page takes the same path whether the address has an account
or not (no answer and no timing tells them apart): `queue_signup` always
writes one request and one outbox row. The sender calls `start_queued_signup`:
an address without an account gets its link's token then (only its hash is
kept); an address with an account gets, instead, the "someone tried to create
an account with your address" email written with the request, and the
request (a stranger's password hash) is deleted.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from storage.accounts.account import (
    account_by_email,
    create_account,
    normalize_email,
    profile_columns,
)
from storage.accounts.password_reset import token_hash
from storage.clock import clock, to_db
from storage.errors import EmailTaken, NotFound, SignupRefused
from storage.inbox.outbox import queue_email
from storage.orm.db import database
from storage.orm.transactions import transaction
from storage.views import AccountView, EmailView

SIGNUP_LIFETIME = timedelta(hours=24)
SIGNUP_PURPOSE = "signup"
SIGNUP_TOKEN_SLOT = "SIGNUP-TOKEN-SLOT"  # in a queued body: where the link's token goes


@transaction(write=True)
def queue_signup(email: str, password_hash: str, profile: dict[str, Any], lang: str,
                 confirm: tuple[str, str], known: tuple[str, str]) -> EmailView:
    """Keep a registration and queue its email: the very same two INSERTs whether the
    address has an account or not. Joins the caller's transaction.

    `email`: the address (normalised here); `password_hash`: from `hash_password`;
    `profile`: field key -> value, as `create_account` takes it (ValueError now for
    a bad value, as there); `lang`: "fr" or "en". `confirm`: (subject, body) of the
    activation email, the body holding SIGNUP_TOKEN_SLOT where the link's token
    goes; `known`: (subject, body) sent instead when the address has an account by
    the time the email goes. Returns the queued email.
    """
    address = normalize_email(email)
    profile_columns(profile)  # refuses a bad value now rather than at activation
    queued = queue_email(address, confirm[0], confirm[1], purpose=SIGNUP_PURPOSE)
    now = clock.now()
    database().SignupRequest(address=address, email_id=queued.id,
                             password_hash=password_hash, profile=dict(profile), lang=lang,
                             known_subject=known[0], known_body=known[1],
                             created_at=to_db(now), expires_at=to_db(now + SIGNUP_LIFETIME))
    return queued


@transaction(write=True)
def start_queued_signup(email_id: int) -> tuple[str, str] | None:
    """For the sender, just before sending the queued email `email_id`: (subject, body)
    to send. An address without an account: the activation email, its link's token
    made now (valid until the request expires; a new one at each try, the older
    ones then dead). An address with an account: the "already registered" email,
    kept on the row (a retry sends it again) and the request deleted. None when
    the request is gone (expired, or its address activated by another link and
    that email sent): the row is deleted and nothing is sent. Expired requests
    of any address are deleted on the way. NotFound for an unknown `email_id`."""
    orm = database()
    now = to_db(clock.now())
    orm.SignupRequest.select(lambda r: r.expires_at <= now).delete(bulk=True)
    row = orm.OutgoingEmail.get_for_update(id=email_id)
    if row is None:
        raise NotFound(f"email {email_id}")
    request = orm.SignupRequest.get(email_id=email_id)
    if request is None:
        row.delete()
        return None
    if account_by_email(request.address) is not None:
        row.subject, row.body, row.purpose = request.known_subject, request.known_body, None
        request.delete()
        return row.subject, row.body
    token = secrets.token_urlsafe(32)
    request.token_hash = token_hash(token)
    return row.subject, row.body.replace(SIGNUP_TOKEN_SLOT, token)


def _usable(token: str) -> Any:
    """The request of this link while it can be used, else SignupRefused."""
    if not token or len(token) > 200:
        raise SignupRefused()
    request = database().SignupRequest.get(token_hash=token_hash(token))
    if request is None or request.expires_at <= to_db(clock.now()):
        raise SignupRefused()
    return request


@transaction(write=False)
def check_signup_token(token: str) -> str:
    """The language ("fr" or "en") the account was registered in, when the activation
    link `token` can be used (to show its page in the language of its email);
    SignupRefused when it is unknown, used, superseded or expired."""
    return _usable(token).lang


@transaction(write=True)
def confirm_signup(token: str) -> AccountView:
    """Follow an activation link: the account is made from its request (email,
    password, profile, language, as registered), and every request of that address
    is deleted (their links die with them). Returns the new account. SignupRefused
    when the link is unknown, used, expired, or its address got an account meanwhile
    (another of its links, a concurrent activation)."""
    request = _usable(token)
    address = request.address
    try:
        account = create_account(address, request.password_hash, dict(request.profile),
                                 lang=request.lang)
    except EmailTaken:
        raise SignupRefused() from None
    database().SignupRequest.select(lambda r: r.address == address).delete(bulk=True)
    return account
