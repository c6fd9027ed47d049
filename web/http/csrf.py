"""The CSRF token: Flask-WTF's CSRFProtect, and a marker for pages kept for reuse.

Every POST (and every other method Flask-WTF guards) must carry the session's
token, in the form field `csrf_token` or, for htmx, in the `X-CSRFToken`
header (base.html sets it). Templates call `csrf_token()`, which asks
Flask-WTF once per request.

Section pages kept for reuse (web/forms/page_cache.py) are rendered under
`marking_csrf()`: a random marker stands where the token goes, and `with_token` puts
the requesting session's own token there at every use.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g
from flask_wtf.csrf import CSRFProtect, generate_csrf

# Random per process: an answer cannot be typed to look like it (and would only ever
# be filled with the token of the applicant who typed it).
MARKER = f"csrf-{secrets.token_hex(16)}"

csrf = CSRFProtect()


def csrf_token() -> str:
    """This session's token (asked of Flask-WTF once per request: a page shows it in
    several places); the marker while a page is rendered for reuse."""
    if g.get("guichet_marking_csrf"):
        return MARKER
    if "guichet_csrf" not in g:
        g.guichet_csrf = generate_csrf()
    return g.guichet_csrf


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


def init_app(app: Flask) -> None:
    """CSRFProtect for the app (its check runs before every view), and `csrf_token` for
    templates and for macros imported without context."""
    csrf.init_app(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
