"""The database out of reach for a moment: a friendly 503, and recovery by itself.

A restarted PostgreSQL, a failover, a network blip or a SQLite file that cannot
be opened raise a DB-API OperationalError or InterfaceError (PEP 249: "not
necessarily under the control of the programmer, e.g. an unexpected
disconnect"), possibly wrapped by Pony. The applicant gets a page in their
language saying to try again in a moment, with the request id, and a
`Retry-After`; the log gets one line with that id and the driver's reason (no
traceback: an outage is not a bug, and a traceback per request would bury the log).
This thread's connection is then dropped, so the next request opens a fresh one: no restart needed. The
page itself asks nothing of the database (no envelope count), so it costs no
second wait on a database that hangs (its waits are bounded by the store's
timeouts: storage/orm/deadlines.py).
"""

from __future__ import annotations

import logging
import sqlite3

import psycopg2
from flask import Flask, g
from flask.typing import ResponseReturnValue
from pony.orm import dbapiprovider
from pony.orm.core import CommitException, RollbackException

import storage
from web.http.errors import friendly_page

log = logging.getLogger("guichet.web")

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (dbapiprovider.OperationalError, dbapiprovider.InterfaceError,
               sqlite3.OperationalError, sqlite3.InterfaceError,
               psycopg2.OperationalError, psycopg2.InterfaceError)
WRAPPERS = (CommitException, RollbackException)


def database_unreachable(exc: BaseException) -> bool:
    """Whether `exc` (or what Pony wrapped in it) says the database could not be reached."""
    return any(isinstance(e, UNAVAILABLE) for e in storage.causes(exc))


def _drop_connection() -> None:
    """Forget this thread's connection (it may be dead); the next request reconnects."""
    try:
        storage.disconnect()
    except Exception:  # noqa: BLE001 - best effort: a dead connection may fail to close
        log.debug("dropping the connection failed", exc_info=True)


def _unavailable(exc: Exception) -> ResponseReturnValue:
    if not database_unreachable(exc):
        raise exc
    cause = next(e for e in storage.causes(exc) if isinstance(e, UNAVAILABLE))
    # One line, no traceback: an outage is a state of the database, not a bug, and a
    # traceback per refused request would bury the log (the driver's first line says
    # what happened: a timeout, a refused connection, a lock).
    log.error("database unreachable: %s", type(exc).__name__,
              extra={"event": "database_unreachable", "cause": type(cause).__name__,
                     "reason": str(cause).strip().splitlines()[0][:200] if str(cause) else ""})
    _drop_connection()
    g.unread_messages = None  # the page's envelope is not counted: no database call
    body, status = friendly_page(503)
    return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_app(app: Flask) -> None:
    """Answer the database's OperationalError and InterfaceError (SQLite, psycopg2, or
    wrapped by Pony's commit and rollback errors) with a 503 page and `Retry-After: 30`
    (seconds); a wrapped error that is not about reaching the database is raised
    again, to the usual 500."""
    for exc_class in (*UNAVAILABLE, *WRAPPERS):
        app.register_error_handler(exc_class, _unavailable)
