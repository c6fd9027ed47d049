"""The CSRF token: Flask-WTF's CSRFProtect, and a marker for pages kept for reuse.

Every POST (and every other method Flask-WTF guards) must carry the session's
token, in the form field `csrf_token` or, for htmx, in the `X-CSRFToken`
header (base.html sets it). Templates call `csrf_token()`.

Tokens never expire on their own (WTF_CSRF_TIME_LIMIT is None: a token lives as long
as its session, and the session has its idle and logout limits), so a session needs
one signed token, not one per page: the first `csrf_token()` of a session asks
Flask-WTF for it and keeps it in the session, beside the raw token it signs. A new
session (login, logout) starts without either. Checking a token is Flask-WTF's own
`validate_csrf`, unchanged. (Signing anew on every page cost ~10 % of a cached
section page: bench/NOTES.md.)

The check itself is Flask-WTF's (`CSRFProtect.protect`), run by our own before_request
hook instead of Flask-WTF's (WTF_CSRF_CHECK_DEFAULT off) for one reason: a refused
token of a form that the account now logged in posted from its own page (it logged in
again in another tab, so the session's secret changed) is not an error page that
throws the typed values away: the view shows the same page again with them and a fresh
token, saving nothing (web/ui/redisplay.py). A refusal may also be answered by a
handler registered with `when_refused` (a section posted after its session was logged
out in another tab has its answers kept aside, server-side, for its owner to find after
login, never saved: web/accounts/login_session.py). Every other refusal is Flask-WTF's
CSRFError, shown as "Page expirée".

Section pages kept for reuse (web/forms/page_cache.py) are rendered under
`marking_csrf()`: a random marker stands where the token goes, and `with_token` puts
the requesting session's own token there at every use.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, request, session
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

from web.http.cookies import is_api_path
from web.ui.redisplay import expired_token

# Random per process: an answer cannot be typed to look like it (and would only ever
# be filled with the token of the applicant who typed it).
MARKER = f"csrf-{secrets.token_hex(16)}"

csrf = CSRFProtect()

SIGNED = "csrf_signed"  # session key: the session's signed token, made once
RAW = "csrf_token"  # Flask-WTF's session key for the raw token (its default field name)
REFUSED = "guichet.csrf_refused"  # app.extensions key: handlers of a refused token


def csrf_token() -> str:
    """This session's signed token, made by Flask-WTF at the session's first page and
    kept in the session (when tokens expire, WTF_CSRF_TIME_LIMIT set, one per request
    instead); the marker while a page is rendered for reuse."""
    if g.get("guichet_marking_csrf"):
        return MARKER
    signed = session.get(SIGNED)
    if isinstance(signed, str) and RAW in session:
        return signed
    token = generate_csrf()  # also makes the raw token when the session has none
    if current_app.config.get("WTF_CSRF_TIME_LIMIT") is None:
        session[SIGNED] = token
    return token


@contextmanager
def marking_csrf() -> Iterator[None]:
    """Render with the marker in place of the token (then `with_token` puts it back)."""
    g.guichet_marking_csrf = True
    try:
        yield
    finally:
        g.guichet_marking_csrf = False


def with_token(parts: tuple[bytes, ...]) -> bytes:
    """A page, encoded and split at the marker, joined with this request's token."""
    return csrf_token().encode("ascii").join(parts)


def when_refused(app: Flask, handler: Callable[[], ResponseReturnValue | None]) -> None:
    """Have `handler` answer a refused token (one the form may not be shown again
    with): it returns the response, or None to leave the refusal ("Page expirée")
    to the next handler. It must act on nothing the request asks (keeping what it
    posted aside, for its proven owner to decide on after login, is all it may do)."""
    app.extensions.setdefault(REFUSED, []).append(handler)


def _check() -> ResponseReturnValue | None:
    """Flask-WTF's check of every POST (and other guarded method) to a view; a refusal
    raises CSRFError, unless the form may be shown again (`expired_token`) or a
    `when_refused` handler answers it."""
    config = current_app.config
    if (not config["WTF_CSRF_ENABLED"] or request.method not in config["WTF_CSRF_METHODS"]
            or not request.endpoint or is_api_path(request.path)):
        return None  # the API takes no cookie, so no forged request rides one (web/api)
    try:
        csrf.protect()
    except CSRFError:
        if expired_token():
            return None
        for handler in current_app.extensions.get(REFUSED, []):
            response = handler()
            if response is not None:
                return response
        raise
    return None


def init_app(app: Flask) -> None:
    """CSRFProtect for the app, its check run before every view by `_check` (so
    register this before any hook that acts on a POST), and `csrf_token` for templates
    and for macros imported without context."""
    csrf.init_app(app)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # `_check` runs Flask-WTF's check
    app.before_request(_check)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
