"""Request ids, logging and friendly error pages (never a traceback for the applicant).

Every request gets an id, sent back in `X-Request-Id` (web/http/headers.py adds it
with the other headers), written in every log line of that request and shown on
error pages so support can find the log.

An error page wears the layout of the part of the site it happened in: the portal's
by default, another area's (the agents' back office under /agent/) when that area
registered itself with `add_area`, chosen by the request's path, for every error.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask.logging import default_handler
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
)

import storage
from web.http import logs
from web.http.logs import RequestIdFilter, request_id

log = logging.getLogger("guichet.web")

FRIENDLY = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed",
            409: "conflict", 413: "too_large", 429: "too_many", 500: "server_error",
            503: "unavailable"}
AREAS = "guichet_error_areas"  # app.extensions key: the registered areas, in order


@dataclass(frozen=True)
class Area:
    """A part of the site with its own layout. `owns(path)`: whether a request path is
    the area's; `layout`: the template error/error.html extends there; `home`: the
    endpoint of its home page (the page's "back" button); `prepare()`: run before
    rendering (e.g. load who is signed in for the menu), not for a 503 (no database
    then); an exception in it is logged and the page is drawn without it. `respond(code,
    key)`: an area that answers errors with no page at all (the JSON API: problem+json)
    gives its own answer for the status `code` and FRIENDLY `key`; it must not fail."""

    owns: Callable[[str], bool]
    layout: str
    home: str
    prepare: Callable[[], None] | None = None
    respond: Callable[[int, str], ResponseReturnValue] | None = None


PORTAL = Area(lambda path: True, "base.html", "index")


def add_area(app: Flask, area: Area) -> None:
    """Error pages of requests whose path `area.owns` use `area`'s layout (first match
    wins; the portal's otherwise)."""
    app.extensions.setdefault(AREAS, []).append(area)


def area_responds() -> bool:
    """Whether the request's area answers errors itself (no page: the JSON API)."""
    try:
        return _area().respond is not None
    except Exception:
        return False


def _area() -> Area:
    for area in current_app.extensions.get(AREAS, ()):
        if area.owns(request.path):
            return area
    return PORTAL


def _setup_logging(app: Flask) -> None:
    """JSON lines with the request id (web/http/logs.py) for the app's logger and for every
    `guichet.*` logger (web, request, mail, worker), which all propagate to `guichet`."""
    handler = logs.handler()
    # Flask's own handler would write a second, plain-text copy of every error, without
    # the request id: the app's logger writes JSON lines only (Flask documents this).
    app.logger.removeHandler(default_handler)
    for logger in (app.logger, logging.getLogger("guichet")):
        if not any(isinstance(f, RequestIdFilter) for h in logger.handlers for f in h.filters):
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def friendly_page(code: int, key: str | None = None) -> ResponseReturnValue:
    """The friendly page for HTTP status `code`, as a (body, status) response: the
    template errors/error.html with the text for `key` (default: by code, in FRIENDLY)
    and the request id, in the layout of the request's area (`add_area`); a bare HTML
    line if even that fails. It must not fail itself (no database if the database
    failed)."""
    key = key or FRIENDLY.get(code, "server_error")
    try:
        area = _area()
        if area.respond is not None:
            return area.respond(code, key)
        if area.prepare is not None and code != 503:
            try:
                area.prepare()
            except Exception:
                log.exception("error page: the area's preparation failed")
        return render_template("errors/error.html", key=key, code=code, layout=area.layout,
                               home=area.home), code
    except Exception:
        log.exception("error page failed")
        return (f"<!doctype html><title>{code}</title><p>Error {code}. "
                f"Request {request_id()}</p>"), code


def _http_error(exc: HTTPException) -> Response:
    """The friendly page (or the area's answer) for `exc`, with the headers HTTP asks
    of its status: `Allow` on a 405 (RFC 9110 §15.5.6: the methods the address takes)."""
    response = make_response(friendly_page(exc.code or 500))
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response


def _csrf_error(exc: CSRFError) -> ResponseReturnValue:
    log.warning("CSRF refused: %s", exc.description)
    return friendly_page(400, "csrf")


def _server_error(exc: InternalServerError) -> ResponseReturnValue:
    # Flask's log_exception has already logged the traceback through app.logger,
    # whose handler writes the request id; here only the page.
    if getattr(exc, "original_exception", None) is None:
        log.error("server error: %s", exc.description)
    return friendly_page(500)


def init_app(app: Flask) -> None:
    """Logging (JSON lines with the request id), a request id for every request (16 hex
    digits), and the error pages: every HTTPException by its code, a CSRF refusal as
    400, a server error as 500, and storage.NotFound as 404 (not yours and does not
    exist read alike). Registered first, so every later hook has the id."""
    _setup_logging(app)
    app.jinja_env.globals["request_id"] = request_id

    @app.before_request
    def _assign_request_id() -> None:
        g.request_id = secrets.token_hex(8)  # 64 random bits, as 16 hex digits

    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(storage.NotFound, lambda exc: _http_error(NotFound()))
