"""Applicant accounts and their profile (the guide's Arrima profile).

Emails are kept lower-cased so that "Maria@Example.org" and
"maria@example.org" are one account, enforced by a unique index rather than
by a check that two concurrent sign-ups could both pass.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pony.orm import TransactionIntegrityError, flush

from engine.profile import PROFILE
from storage.clock import clock, from_db, to_db
from storage.errors import EmailTaken, NotFound
from storage.orm.db import database
from storage.orm.entities import row_by_id
from storage.orm.transactions import transaction
from storage.views import PROFILE_FIELDS, AccountView

LANGS = ("fr", "en")


def normalize_email(email: str) -> str:
    """The form an address is stored and looked up in: stripped and lower-cased
    ("  Maria@Example.org " -> "maria@example.org"), so one address is one account."""
    return email.strip().lower()


def account_by_email(email: str) -> Any:
    """The Account entity of this address (normalized), or None (inside a session). An
    address no account can have (longer than the column, or with a NUL byte, which
    PostgreSQL refuses in any text) is None without asking the database."""
    email = normalize_email(email or "")
    if "\x00" in email or len(email) > PROFILE.fields["email"].max_length:
        return None
    return database().Account.get(email=email)


def profile_of(a: Any) -> dict[str, str]:
    """The profile of an Account entity as strings, "" when empty (dates YYYY-MM-DD),
    keyed by the profile schema's stored fields (PROFILE_FIELDS)."""
    profile = {}
    for f in PROFILE.stored():
        value = getattr(a, f.key)
        profile[f.key] = value.isoformat() if isinstance(value, date) else value or ""
    return profile


def account_view(a: Any) -> AccountView:
    """A frozen view of an Account entity (inside its session)."""
    return AccountView(a.id, a.email, a.lang, profile_of(a), a.password_hash,
                       from_db(a.created_at))


def profile_columns(profile: dict[str, Any]) -> dict[str, Any]:
    """Profile values as stored, checked against the profile schema (engine/profile.yaml).

    Refuses (ValueError) unknown keys, a choice outside its options (a sex other than
    F, M or X), a malformed date and a value longer than its column, so that a typo
    in a form's field name or a caller's bug fails loudly instead of vanishing or
    being cut by the database. Text values are stripped; "" and None empty a field.
    """
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields: {', '.join(sorted(unknown))}")
    columns: dict[str, Any] = {}
    for name, value in profile.items():
        field = PROFILE.fields[name]
        if field.kind == "date":
            columns[name] = _date(value)
            continue
        value = "" if value is None else str(value).strip()
        if field.options and value not in ("", *field.values):
            raise ValueError(f"{name} must be one of {', '.join(field.values)}, not {value!r}")
        if field.max_length is not None and len(value) > field.max_length:
            raise ValueError(f"{name} is longer than {field.max_length} characters")
        columns[name] = value
    return columns


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    return lang


def load_account(account_id: int) -> Any:
    """The Account entity, or NotFound (inside a session)."""
    account = row_by_id(database().Account, account_id)
    if account is None:
        raise NotFound(f"account {account_id}")
    return account


@transaction(write=True)
def create_account(email: str, password_hash: str, profile: dict[str, Any],
                   lang: str = "fr") -> AccountView:
    """A new applicant account, as an AccountView.

    `email`: kept normalized (`normalize_email`); `password_hash`: from
    `hash_password` (storage never keeps a password); `profile`: field key -> value
    (str, or a date for birth_date), checked by `profile_columns`; `lang`: "fr" or
    "en". Raises ValueError for an empty email, a bad profile value or language;
    EmailTaken when the address (ignoring case) is in use, also when a concurrent
    sign-up with it commits first.
    """
    orm = database()
    email = normalize_email(email)
    if not email:
        raise ValueError("an account needs an email address")
    columns = profile_columns(profile)
    if orm.Account.exists(email=email):
        raise EmailTaken(email)
    account = orm.Account(email=email, password_hash=password_hash, lang=_check_lang(lang),
                          created_at=to_db(clock.now()), **columns)
    try:
        flush()
    except TransactionIntegrityError as exc:  # a concurrent sign-up won the race
        raise EmailTaken(email) from exc
    return account_view(account)


@transaction(write=False)
def get_account(account_id: int) -> AccountView:
    """The account as an AccountView (profile: field key -> str, "" when empty);
    NotFound when there is no such account (the web layer then forgets the session)."""
    return account_view(load_account(account_id))


@transaction(write=False)
def find_account_by_email(email: str) -> AccountView | None:
    """The account for this address, compared case-insensitively; None if none."""
    account = account_by_email(email)
    return account_view(account) if account else None


@transaction(write=True)
def update_profile(account_id: int, profile: dict[str, Any]) -> AccountView:
    """Change the given profile fields and return the account as it now is.

    `profile`: field key -> new value (str, or a date for birth_date; "" or None
    empties a field); keys absent keep their value. Raises ValueError for an unknown
    key or a bad value (`profile_columns`), NotFound for no such account.
    Guide: the address is changed from the profile only ("Si vous désirez changer
    votre adresse, vous devez le faire à partir de votre profil"): no dossier form
    calls this.
    """
    account = load_account(account_id)
    account.set(**profile_columns(profile))
    return account_view(account)


@transaction(write=True)
def set_password_hash(account_id: int, password_hash: str) -> None:
    """Replace the account's password hash (made by the caller with `hash_password`);
    NotFound for no such account. Other reset links stay valid: `reset_password`
    is the path that also uses them up."""
    load_account(account_id).password_hash = password_hash


@transaction(write=True)
def set_lang(account_id: int, lang: str) -> None:
    """Keep the account's language, "fr" or "en" (ValueError otherwise; NotFound for no
    such account): its emails and documents are written in it, and a login that chose no
    language starts in it."""
    load_account(account_id).lang = _check_lang(lang)
