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
from datetime import UTC, datetime
from typing import Any

import orjson
from flask import Flask, Response, g, has_request_context, request

request_log = logging.getLogger("guichet.request")

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "request_id", "taskName"}


def request_id() -> str:
    """The current request's id (web/errors.py assigns it), a dash outside requests."""
    return g.get("request_id", "-") if has_request_context() else "-"


class JsonFormatter(logging.Formatter):
    """time, level, logger, request_id, message, the record's `extra` fields, and the
    traceback of an exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or request_id(),
            "message": record.getMessage(),
        }
        fields = vars(record)
        for key in sorted(fields.keys() - _STANDARD):  # what `extra=` added
            if not key.startswith("_"):
                entry[key] = fields[key]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # orjson: a line per request is written, and json.dumps took most of a line's cost
        try:
            return orjson.dumps(entry, default=str).decode()
        except (TypeError, orjson.JSONEncodeError):  # e.g. an int over 64 bits: never lose a line
            return json.dumps(entry, default=str, ensure_ascii=False)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

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
    return h


def _start() -> None:
    g.request_started = time.perf_counter()


# URL parts that are credentials (a password-reset link): never written to a log.
SECRET_ARGS = frozenset({"token"})


def logged_path() -> str:
    """The request's path with every secret part replaced by its name."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_ARGS and isinstance(value, str) and value:
            path = path.replace(value, f"<{name}>")
    return path


def _line(response: Response) -> Response:
    """The request's line. The record is made here and handed to the logger's handlers
    as `Logger.info` would, less the search of the call stack for a caller's file and
    line, which no line of ours shows."""
    if not request_log.isEnabledFor(logging.INFO):
        return response
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    record = request_log.makeRecord(
        request_log.name, logging.INFO, __file__, 0, "request", (), None, extra={
            "method": request.method, "path": logged_path(), "status": response.status_code,
            "duration_ms": duration, "endpoint": request.endpoint or "-"})
    request_log.handle(record)
    return response


def init_app(app: Flask) -> None:
    """The request line. Its start time is taken by the very first before_request."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_line)
