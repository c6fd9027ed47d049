"""Structured logs: one JSON object per line, each with the request id.

Every request writes one line (logger `guichet.request`): method, path without
its query string, status, duration and request id. Nothing the applicant
typed is logged: no query string, no form value, no email, no answer; views
that log say what happened with ids and counts, never with personal data (a
test walks the whole portal, in a browser and through the test client, and
searches the captured logs for the walk's answers, emails and passwords).

JSON lines because they are read by machines (a log collector) first: every
field is named, nothing has to be parsed out of a sentence, and a value can
never break the line (newlines are escaped). The lines are made by a logging
library (python-json-logger), as GOV.UK Notify's notifications-utils does: a
formatter, a filter that adds the request id, and application code that just
calls `logger.info("what happened", extra={"name": value})`.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Request, Response, g, has_request_context, request
from pythonjsonlogger import json as jsonlogger
from pythonjsonlogger.defaults import unknown_default

request_log = logging.getLogger("guichet.request")

# The first keys of every line, in this order: the LogRecord attribute, the key written.
FIRST_KEYS = {"asctime": "time", "levelname": "level", "name": "logger",
              "request_id": "request_id", "message": "message"}


def request_id() -> str:
    """The current request's id (web/http/errors.py assigns it), a dash outside requests."""
    return g.get("request_id", "-") if has_request_context() else "-"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (a dash outside requests); never drops one.

    On a handler, so that records propagated from child loggers get it too (a logger's
    own filters only see the records logged on that very logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Sets `record.request_id` (str) and keeps the record."""
        record.request_id = request_id()
        return True


def _dumps(data: dict[str, Any], **options: Any) -> str:
    """`json.dumps` for python-json-logger's `json_serializer` hook, strict and lossless
    of lines: a value json refuses even with the library's encoder (a circular structure,
    a key that is not a string, NaN or infinity, which strict readers reject) is written
    as its `str()` instead, so the line is still written and is valid JSON."""
    try:
        return json.dumps(data, allow_nan=False, **options)
    except (TypeError, ValueError, RecursionError):
        pass
    safe: dict[str, Any] = {}
    for key, value in data.items():
        try:
            json.dumps(value, allow_nan=False, **options)
        except (TypeError, ValueError, RecursionError):
            value = unknown_default(value)
        safe[str(key)] = value
    return json.dumps(safe, allow_nan=False, **options)


class JsonFormatter(jsonlogger.JsonFormatter):
    """python-json-logger's formatter, writing one JSON object per line:

    `time` (ISO 8601, UTC, milliseconds: `2026-11-26T18:23:00.123+00:00`), `level`,
    `logger`, `request_id` (set by `RequestIdFilter`; null without it), `message`, then
    the traceback under `exception` when there is one, then every `extra=` field under
    its own name. The line is ASCII (other characters escaped, as the library does by
    default): no newline nor any other line separator (U+2028, U+0085) can split it."""

    def __init__(self) -> None:
        renamed = {attr: key for attr, key in FIRST_KEYS.items() if attr != key}
        super().__init__(list(FIRST_KEYS), rename_fields={**renamed, "exc_info": "exception"},
                         json_serializer=_dumps)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """The record's time in ISO 8601, UTC, to the millisecond (`datefmt` is ignored)."""
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        """The current `sys.stderr`, looked up at every write."""
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        """Ignored: the stream is always the current `sys.stderr`."""


def handler() -> logging.Handler:
    """The handler every Guichet logger writes through: JSON lines (`JsonFormatter`) with
    the request id (`RequestIdFilter`) on the current `sys.stderr`."""
    h = StderrHandler()
    h.setFormatter(JsonFormatter())
    h.addFilter(RequestIdFilter())
    return h


STARTED = "guichet.started"  # the WSGI environ's key for the request's start time


class _Timed:
    """Notes when a request reached the app, before Flask sees it (its duration then
    counts the request context too, and no before_request hook is needed)."""

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ[STARTED] = time.perf_counter()
        return self.wsgi_app(environ, start_response)


# URL parts that are credentials (a password-reset link, an account's activation link, an
# agent's enrolment link): never written to a log.
SECRET_ARGS = frozenset({"token", "activation", "enrolment"})


def logged_path(req: Request) -> str:
    """The request's path with every secret part replaced by its name. When no route
    matched (a 404: a mistyped or truncated password-reset link among them), only the
    first segment is kept ("/mot-de-passe/…"): what follows may be a secret."""
    if req.url_rule is None:
        first, sep, _ = req.path.lstrip("/").partition("/")
        return f"/{first}/…" if sep else req.path
    path = req.path
    for name, value in (req.view_args or {}).items():
        if name in SECRET_ARGS and isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


def _line(response: Response) -> Response:
    """The request's line, an INFO record of `guichet.request` with the `extra` fields
    method, path (`logged_path`: no query string, secrets redacted), status,
    duration_ms (float, from the request's arrival at the app) and endpoint ("-" when
    no route matched)."""
    if request_log.isEnabledFor(logging.INFO):  # else the fields are not even gathered
        req = request
        started = req.environ.get(STARTED)
        duration = round((time.perf_counter() - started) * 1000, 1) if started else None
        request_log.info("request", extra={
            "method": req.method, "path": logged_path(req), "status": response.status_code,
            "duration_ms": duration, "endpoint": req.endpoint or "-"})
    return response


def init_app(app: Flask) -> None:
    """The request line, timed from the request's arrival at the app."""
    app.wsgi_app = _Timed(app.wsgi_app)  # type: ignore[method-assign]
    app.after_request(_line)
