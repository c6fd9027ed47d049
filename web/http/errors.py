"""Request ids, logging and friendly error pages (never a traceback for the applicant).

Every request gets an id, sent back in `X-Request-Id` (web/http/headers.py adds it
with the other headers), written in every log line of that request and shown on
error pages so support can find the log.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, g, render_template
from flask.logging import default_handler
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

import storage
from web.http import logs
from web.http.logs import RequestIdFilter, request_id

log = logging.getLogger("guichet.web")

FRIENDLY = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed",
            409: "conflict", 413: "too_large", 500: "server_error", 503: "unavailable"}


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
    and the request id; a bare HTML line if even that fails. It must not fail itself
    (no database if the database failed)."""
    key = key or FRIENDLY.get(code, "server_error")
    try:
        return render_template("errors/error.html", key=key, code=code), code
    except Exception:
        log.exception("error page failed")
        return (f"<!doctype html><title>{code}</title><p>Error {code}. "
                f"Request {request_id()}</p>"), code


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    return friendly_page(exc.code or 500)


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
