"""Structured logs: one JSON object per line, each with the request id.

Every request writes one line (logger `guichet.request`): method, path without
its query string, status, duration and request id. Nothing the applicant
typed is logged: no query string, no form value, no email, no answer; views
that log say what happened with ids and counts, never with personal data (a
test walks the whole portal, in a browser and through the test client, and
searches the captured logs for the walk's answers, emails and passwords).

JSON lines because they are read by machines (a log collector) first: every
field is named, nothing has to be parsed out of a sentence, and a value can
never break the line (newlines are escaped).
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Flask, Request, Response, g, has_request_context, request

request_log = logging.getLogger("guichet.request")

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "request_id", "taskName"}


def request_id() -> str:
    """The current request's id (web/errors.py assigns it), a dash outside requests."""
    return g.get("request_id", "-") if has_request_context() else "-"


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (a dash outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


def _time(created: float) -> str:
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")


def json_line(created: float, level: str, logger: str, rid: str, message: str,
              fields: dict[str, Any], exception: str | None = None) -> str:
    """The line of one record: time, level, logger, request_id, message, the `extra`
    fields by name, and the traceback of an exception if any."""
    entry: dict[str, Any] = {"time": _time(created), "level": level, "logger": logger,
                             "request_id": rid, "message": message}
    for key in sorted(fields):
        entry[key] = fields[key]
    if exception:
        entry["exception"] = exception
    # orjson: a line per request is written, and json.dumps took most of a line's cost
    try:
        return orjson.dumps(entry, default=str).decode()
    except (TypeError, orjson.JSONEncodeError):  # e.g. an int over 64 bits: never lose a line
        return json.dumps(entry, default=str, ensure_ascii=False)


class JsonFormatter(logging.Formatter):
    """Every record as `json_line`."""

    def format(self, record: logging.LogRecord) -> str:
        fields = vars(record)
        extra = {key: fields[key] for key in fields.keys() - _STANDARD  # what `extra=` added
                 if not key.startswith("_")}
        return json_line(record.created, record.levelname, record.name,
                         getattr(record, "request_id", None) or request_id(),
                         record.getMessage(), extra,
                         self.formatException(record.exc_info) if record.exc_info else None)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def write_line(self, line: str) -> None:
        """Write a line formatted already, as `emit` writes a record's."""
        with self.lock:  # type: ignore[union-attr]  # made by Handler.__init__
            try:
                self.stream.write(line + self.terminator)
                self.flush()
            except Exception:  # as logging does: a failed write never fails the request
                traceback.print_exc(file=sys.__stderr__)

    @property  # type: ignore[override]
    def stream(self):  # noqa: D102
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def handler() -> logging.Handler:
    """The handler every Guichet logger writes through."""
    h = StderrHandler()
    h.setFormatter(JsonFormatter())
    h.addFilter(RequestIdFilter())
    return h


def _only_ours(logger: logging.Logger) -> list[StderrHandler] | None:
    """The handlers an INFO record of `logger` reaches, if they are all `handler()`'s kind
    and nothing else (a filter, another handler) would see it; else None."""
    found: list[StderrHandler] = []
    current: logging.Logger | None = logger
    while current is not None:
        if current.filters:
            return None
        for h in current.handlers:
            if (type(h) is not StderrHandler or type(h.formatter) is not JsonFormatter
                    or h.level > logging.INFO
                    or any(type(f) is not RequestIdFilter for f in h.filters)):
                return None
            found.append(h)
        current = current.parent if current.propagate else None
    return found


STARTED = "guichet.started"  # the WSGI environ's key for the request's start time


class _Timed:
    """Notes when a request reached the app, before Flask sees it (its duration then
    counts the request context too, and no before_request hook is needed)."""

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        environ[STARTED] = time.perf_counter()
        return self.wsgi_app(environ, start_response)


# URL parts that are credentials (a password-reset link): never written to a log.
SECRET_ARGS = frozenset({"token"})


def logged_path(req: Request) -> str:
    """The request's path with every secret part replaced by its name."""
    path = req.path
    for name, value in (req.view_args or {}).items():
        if name in SECRET_ARGS and isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


def _line(response: Response) -> Response:
    """The request's line. When only `handler()`s would see it (as in production), the
    line is written to them as it would be formatted, without a LogRecord: making,
    filtering and formatting a record cost about a tenth of a reused page. Otherwise a
    record goes to the logger's handlers as `Logger.info` would send it, less the
    search of the call stack for a caller's file and line, which no line shows."""
    if not request_log.isEnabledFor(logging.INFO):
        return response
    req = request._get_current_object()  # type: ignore[attr-defined]  # once, not 5 times
    started = req.environ.get(STARTED)
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    fields = {"method": req.method, "path": logged_path(req), "status": response.status_code,
              "duration_ms": duration, "endpoint": req.endpoint or "-"}
    ours = _only_ours(request_log)
    if ours is None:
        request_log.handle(request_log.makeRecord(
            request_log.name, logging.INFO, __file__, 0, "request", (), None, extra=fields))
    elif ours:
        line = json_line(time.time(), "INFO", request_log.name, request_id(), "request",
                         fields)
        for h in ours:
            h.write_line(line)
    return response


def init_app(app: Flask) -> None:
    """The request line, timed from the request's arrival at the app."""
    app.wsgi_app = _Timed(app.wsgi_app)  # type: ignore[method-assign]
    app.after_request(_line)
