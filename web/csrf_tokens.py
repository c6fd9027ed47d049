"""The CSRF token as pages show it: Flask-WTF's, signed once per session and process,
and replaceable by a marker in pages kept for reuse (web/page_cache.py).

Flask-WTF signs the session's secret anew on every request (a serializer, JSON,
zlib and an HMAC: about a tenth of a cached page's cost). With
WTF_CSRF_TIME_LIMIT unset (tokens live as long as the session, see create_app)
a signature never expires, so the one made first for a session's secret is
kept and shown again; Flask-WTF checks it exactly as before.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf

from .memo import Memo

FIELD = "csrf_token"  # Flask-WTF's default session key and form field

# Random per process: an answer cannot be typed to look like it (and would only ever
# be filled with the token of the applicant who typed it).
MARKER = f"csrf-{secrets.token_hex(16)}"

SIGNED_SIZE = 10_000  # sessions whose signed token is kept (~0.2 kB each)
# (signing key, session's secret) -> signed token. A token forgotten is signed again,
# into one as valid as the first.
_signed: Memo[tuple[str, str], str] = Memo(SIGNED_SIZE)


def _signed_token() -> str:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    if (config.get("WTF_CSRF_TIME_LIMIT") is not None
            or config.get("WTF_CSRF_FIELD_NAME", FIELD) != FIELD):
        return generate_csrf()
    secret_key = str(config.get("WTF_CSRF_SECRET_KEY") or app.secret_key)
    current = session._get_current_object()  # type: ignore[attr-defined]
    raw = current.get(FIELD)
    if raw is not None:
        token = _signed.get((secret_key, raw))
        if token is not None:
            return token
    token = generate_csrf()  # makes the session's secret first if it has none
    _signed.put((secret_key, current[FIELD]), token)
    return token


def csrf_token() -> str:
    """This session's token (once per request: a page asks several times); the marker
    while a page is rendered for reuse."""
    request_globals = g._get_current_object()  # type: ignore[attr-defined]
    if getattr(request_globals, "_guichet_for_cache", False):
        return MARKER
    token = getattr(request_globals, "_guichet_csrf", None)
    if token is None:
        token = request_globals._guichet_csrf = _signed_token()
    return token


@contextmanager
def marking_csrf() -> Iterator[None]:
    """Render with the marker in place of the token (then `fill` it in)."""
    g._guichet_for_cache = True
    try:
        yield
    finally:
        g._guichet_for_cache = False


def fill(parts: tuple[bytes, ...]) -> bytes:
    """A page, encoded and split at the marker, joined with this request's token."""
    return csrf_token().encode("ascii").join(parts)


def init_app(app: Flask, protect: CSRFProtect) -> None:
    """Call instead of CSRFProtect.init_app: templates get this `csrf_token`, and the
    check runs for the methods it guards only. Flask-WTF's own hook works out, for every
    GET too, whether the view is exempt before looking at the method; Flask-WTF documents
    this way (WTF_CSRF_CHECK_DEFAULT off, `protect()` called from one's own hook)."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    hooks = app.before_request_funcs.setdefault(None, [])
    kept = list(hooks)
    protect.init_app(app)
    hooks[:] = kept  # Flask-WTF's own hook would only find WTF_CSRF_CHECK_DEFAULT off
    methods = app.config["WTF_CSRF_METHODS"]

    @app.before_request
    def _csrf_protect() -> None:
        if request.method in methods and app.config["WTF_CSRF_ENABLED"]:
            protect.protect(apply_exemptions=True)

    app.jinja_env.globals["csrf_token"] = csrf_token  # for macros, imported without context
    app.context_processor(lambda: {"csrf_token": csrf_token})
