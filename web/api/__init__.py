"""The JSON API, `/api/v1`: the mobile app's door to the same dossiers, on the same
storage and engine as the pages (issue #18; docs/api.md).

`init_app` registers the blueprint (web/api/blueprint.py) and what makes /api
different from the portal's pages:
- errors are RFC 9457 problem+json (web/api/problems.py), also those raised before any
  API view (unknown path, method not allowed, body too large, server error), through
  the error pages' areas (web/http/errors.py);
- no cookie session (web/http/cookies.py), no CSRF check (web/http/csrf.py): a bearer
  token authenticates (web/api/auth.py), and a request carrying the portal's session
  cookie is refused;
- the language is the request's Accept-Language (fr by default);
- a section's answer is kept per dossier version (web/api/section_cache.py).

Each module of RESOURCES adds its routes to the blueprint and declares its part of the
OpenAPI document beside them: module-level `PATHS` (path items, keys relative to
/api/v1) and `SCHEMAS` (component schemas), assembled by web/api/openapi.py.
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import NotFound

from web.api import (
    dossiers,
    inbox,
    openapi,
    profile,
    section_cache,
    sections,
    spec,
    submit,
    tokens,
    types,
)
from web.api.auth import api_lang, refuse_cookies, request_lang
from web.api.blueprint import PREFIX, bp
from web.api.problems import ApiProblem, for_status, respond
from web.http import errors
from web.http.cookies import is_api_path
from web.i18n import add_lang_source

__all__ = ["PREFIX", "RESOURCES", "bp", "init_app"]

# The modules whose routes and OpenAPI parts make the API, in the document's order.
RESOURCES = (spec, tokens, profile, types, dossiers, sections, submit, inbox, openapi)


def _finish(response: Response) -> Response:
    """Every API answer: `Content-Language`; an answer with no content (204, and the
    OPTIONS answer, turned from Flask's empty 200 text/html into 204 with its `Allow`)
    carries no Content-Type."""
    response.headers.setdefault("Content-Language", api_lang())
    if request.method == "OPTIONS" and response.status_code == 200 and "Allow" in response.headers:
        response.status_code = 204
        response.set_data(b"")
    if response.status_code in (204, 304):
        response.headers.pop("Content-Type", None)
        response.headers.pop("Content-Length", None)
    return response


bp.before_request(refuse_cookies)
bp.after_request(_finish)


def _refuse_empty_segments() -> None:
    """An address under /api with an empty segment (`/api/v1/dossiers//G…`) is a 404
    problem: werkzeug would answer a 308 HTML redirect to the address with the slashes
    merged (merge_slashes), which a client may follow with its body to another
    resource, and with merge_slashes off on the API's rules it answers a wrong 405
    instead (its matcher keeps the methods of the rules tried)."""
    if is_api_path(request.path) and "//" in request.path:
        raise NotFound()


def init_app(app: Flask) -> None:
    """Register the API on `app`: its blueprint, problem+json errors under /api, the
    Accept-Language language, and the cookie refusal (see the module's docstring)."""
    add_lang_source(app, request_lang)
    errors.add_area(app, errors.Area(is_api_path, "base.html", "index", respond=for_status))
    app.register_error_handler(ApiProblem, respond)
    app.before_request(_refuse_empty_segments)
    section_cache.init_app(app)
    app.register_blueprint(bp)
