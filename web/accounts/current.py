"""Who is logged in: the account id kept in the session, the account's name (read with the
session check, never kept in the cookie, which is signed but readable), the account
read once per request, and the `login_required` decorator."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import g, session
from flask.typing import ResponseReturnValue

import storage
from web.accounts.login_session import to_login
from web.accounts.profile_form import full_name

V = TypeVar("V", bound=Callable[..., ResponseReturnValue])


def account_id() -> int:
    """The logged-in account's id (KeyError when nobody is: use under `login_required`)."""
    return session["account_id"]


def current_account() -> storage.AccountView | None:
    """The logged-in account (storage AccountView), read once per request; None when
    nobody is logged in (a deleted account empties the session)."""
    if "account" not in g:
        g.account = None
        if "account_id" in session:
            try:
                g.account = storage.get_account(session["account_id"])
            except storage.NotFound:
                session.clear()
    return g.account


def account_name() -> str:
    """The applicant's name for page headers ("Given names Family names"), "" when nobody
    is logged in. Read by the session check's one statement (storage.visit: no query of
    its own); the cookie holds no name (ASVS 3.2.3 / 8.3.1: it is signed, not encrypted)."""
    visit = g.get("visit") if "account_id" in session else None
    if visit is None:  # no session check ran (an error page, the database down): no name
        return ""
    given, family = visit.names
    return full_name({"given_names": given, "family_names": family})


def login_required(view: V) -> V:
    """Anonymous users go to the login page, and come back here after (htmx requests get
    a 401 with HX-Redirect: web/accounts/login_session.py)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if "account_id" not in session:
            return to_login()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
