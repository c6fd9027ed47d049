"""What a password must be, and how a login attempt is judged.

Rules (registration and password reset): at least 12 characters, and not one
of the common passwords that attackers try first (web/data/common-passwords,
compared as Django does: ignoring case and surrounding spaces). Length beats
composition rules (NIST SP 800-63B): no "one digit, one symbol" demands.

Login attempts are limited per account (the email typed: `login` rule, 5 in 15
minutes) and per address (`login_address`, 30: an office or a family may share
one), by web/http/limits.py, one count for every process (in the database by
default). Each attempt is counted before its password is checked, so parallel
guesses get no more than the limit; a success then clears the account's count and
takes itself back from the address's, so only failures add up. The answer never
tells whether the email exists: the same message, the same status, the same limit
and, with a password hash checked either way, about the same time.
"""

from __future__ import annotations

import functools
import gzip
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import request

import storage
from web.http.limits import Refusal, limits
from web.i18n import N_

MIN_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).parents[1] / "data" / "common-passwords.txt.gz"


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list, read once per process (about 20,000 short strings)."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip())


def password_error(password: str) -> str | None:
    """What is wrong with a new password (a msgid: translated where shown), or None."""
    if len(password) < MIN_LENGTH:
        return N_("Le mot de passe doit contenir au moins 12 caractères.")
    if password.strip().lower() in common_passwords():
        return N_("Ce mot de passe est trop courant : il fait partie des premiers essayés par "
                  "les pirates. Choisissez-en un autre, par exemple une phrase de quelques mots.")
    return None


@functools.cache
def _decoy_hash() -> str:
    """A hash to check an unknown email's password against, so it takes as long."""
    return storage.hash_password(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class LoginResult:
    """One of: `account` (logged in), `refusal` (too many attempts), or neither (wrong)."""

    account: storage.AccountView | None = None
    refusal: Refusal | None = None


def attempt_login(email: str, password: str) -> LoginResult:
    """Count the attempt, then check the credentials unless this account or address is
    over its limit.

    `email` as typed (compared case-insensitively), `password` as typed. A
    LoginResult: `account` when they match (the account's failures are forgotten, and
    this attempt is taken back from the address's count); `refusal` when a limit is
    reached, before this attempt (its password is not checked) or by this very failure;
    neither for a wrong email or password. An unknown email costs a hash check too, so
    the time taken does not tell whether it has an account.
    """
    account_key = f"account:{storage.normalize_email(email)}"
    address_key = f"ip:{request.remote_addr or '-'}"
    attempt = limits().attempt(("login", account_key), ("login_address", address_key))
    if attempt.refusal is not None:
        return LoginResult(refusal=attempt.refusal)
    account = storage.find_account_by_email(email) if email else None
    if storage.verify_password(account.password_hash if account else _decoy_hash(), password) \
            and account is not None:
        limits().reset("login", account_key)
        limits().forget("login_address", address_key)
        return LoginResult(account=account)
    return LoginResult(refusal=attempt.full)  # the limit reached by this failure: say so at once
