"""The Pony `Database`: binding it from configuration, creating and emptying tables.

`DATABASE_URL` unset means a SQLite file in the instance folder (WAL, foreign
keys on, a busy timeout so concurrent writers wait instead of failing);
`postgresql://...` means PostgreSQL through psycopg2, libpq parsing the URL.
A fresh `Database` is built whenever the configuration changes, so one
process (a test session, the benchmark) can move between databases.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import psycopg2
from pony.orm import Database, db_session

from storage.orm.entities import define_entities

BUSY_TIMEOUT_S = 30.0
SQLITE_FILENAME = "guichet.sqlite3"
MIN_SQLITE = (3, 35, 0)  # RETURNING, used by numbering
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Target:
    """Where the data lives: ("sqlite", absolute path) or ("postgres", URL)."""

    kind: str
    location: str


@dataclass
class Settings:
    """Process-wide storage settings besides the database itself."""

    portal_url: str = (os.environ.get("GUICHET_PORTAL_URL") or DEFAULT_PORTAL_URL).rstrip("/")


settings = Settings()
_lock = threading.Lock()
_current: Database | None = None
_target: Target | None = None


def target_for(database_url: str | None, instance_path: str) -> Target:
    """Read DATABASE_URL the way the deployment docs describe it."""
    if not database_url:
        return Target("sqlite", os.path.abspath(os.path.join(instance_path, SQLITE_FILENAME)))
    scheme = urlsplit(database_url).scheme.split("+")[0]
    if scheme in ("postgresql", "postgres"):
        return Target("postgres", database_url)
    if scheme == "sqlite":
        path = database_url.split("://", 1)[1]  # sqlite:///relative.db, sqlite:////abs.db
        path = path[1:] if path.startswith("/") else path
        return Target("sqlite", os.path.abspath(path or os.path.join(instance_path,
                                                                      SQLITE_FILENAME)))
    raise ValueError(f"DATABASE_URL: unsupported scheme {scheme!r} "
                     "(use postgresql://user@host:port/db, or leave it unset for SQLite)")


def configure(database_url: str | None, instance_path: str, *,
              portal_url: str | None = None) -> None:
    """Bind storage to the database that `database_url` names (None: SQLite in
    `instance_path`). Idempotent: the same target again keeps the binding."""
    global _current, _target
    if portal_url:
        settings.portal_url = portal_url.rstrip("/")
    target = target_for(database_url, instance_path)
    with _lock:
        if _current is not None and target == _target:
            return
        db = _bind(target)
        old, _current, _target = _current, db, target
    if old is not None:
        _disconnect(old)


def _bind(target: Target) -> Database:
    db = Database()
    define_entities(db)
    if target.kind == "sqlite":
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} is too old: Guichet needs "
                               f"{'.'.join(map(str, MIN_SQLITE))} or later (RETURNING)")
        os.makedirs(os.path.dirname(target.location), exist_ok=True)
        db.on_connect(provider="sqlite")(_sqlite_pragmas)
        db.bind(provider="sqlite", filename=target.location, create_db=True,
                timeout=BUSY_TIMEOUT_S)
    else:
        db.bind(provider="postgres", dsn=target.location)
    db.generate_mapping(check_tables=False, create_tables=False)
    return db


def _sqlite_pragmas(db: Database, connection: sqlite3.Connection) -> None:
    """Every new SQLite connection: WAL (readers never block the writer), foreign
    keys enforced, and a busy timeout so a second writer waits its turn.
    synchronous=NORMAL is WAL's usual pairing: never corrupt, though a power cut
    may lose the last commits; production runs on PostgreSQL."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")


def _disconnect(db: Database) -> None:
    try:
        db.disconnect()
    except Exception:  # noqa: BLE001 - an old binding must not stop the new one
        pass


def database() -> Database:
    """The bound `Database`; its entities are attributes (`database().Dossier`)."""
    if _current is None:
        raise RuntimeError("storage is not configured: call storage.configure() first")
    return _current


def dialect() -> str:
    """"sqlite" or "postgres": the few SQL statements that differ look at this."""
    database()
    assert _target is not None
    return _target.kind


_INIT_LOCK_KEY = 0x6775_6963  # "guic": the advisory lock taken while creating tables


@contextmanager
def _creation_lock() -> Iterator[None]:
    """One process at a time creates tables: gunicorn boots its workers together, and
    two CREATE TABLE of one table on an empty database make the second worker fail."""
    assert _target is not None
    if _target.kind == "sqlite":
        with open(f"{_target.location}.init-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return
    conn = psycopg2.connect("postgresql://" + _target.location.split("://", 1)[1])
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (_INIT_LOCK_KEY,))
        yield
    finally:
        conn.close()  # ends the session, which releases the advisory lock


def init_db() -> None:
    """Create the tables and indexes that are missing; harmless when they exist, and
    safe when several processes start at once."""
    db = database()
    with _creation_lock():
        db.create_tables()


def disconnect() -> None:
    """Close this thread's connection (threads that used storage call it before ending)."""
    if _current is not None:
        _current.disconnect()


def reset_db() -> None:
    """Delete every row of every table (tests): much faster than dropping tables."""
    db = database()
    tables = [e._table_ for e in db.entities.values()]
    with db_session:
        if dialect() == "postgres":
            db.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                       + " RESTART IDENTITY CASCADE")
        else:
            db.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                db.execute(f'DELETE FROM "{table}"')


def describe() -> str:
    """Where storage is bound, without any password (for logs and the CLI)."""
    database()
    assert _target is not None
    if _target.kind == "sqlite":
        return f"SQLite {_target.location}"
    url = urlsplit(_target.location)
    host = url.hostname or "local socket"
    return f"PostgreSQL {host}:{url.port or 5432}{url.path}"
