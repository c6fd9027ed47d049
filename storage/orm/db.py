"""The Pony `Database` of each store: binding it from configuration, creating and emptying tables.

A `Store` is one app's storage: a Pony `Database` bound to one target, the
registry of dossier types its reads expire drafts with, and the portal's
address written in notification emails. Nothing here is process-wide: each
app opens its own store (`open_store`), and a store is made *current* for a
stretch of code with `with store.bound(): ...` (a `contextvars.ContextVar`,
so each thread and each request sees only its own). Every storage function
finds its database through `database()`, which reads the current store; with
none bound it refuses, naming the way to bind one. There is no process
default: two apps in one process never share a database by accident.

`database_url` None means a SQLite file in the instance folder (WAL, foreign
keys on, a busy timeout so concurrent writers wait instead of failing);
`postgresql://...` means PostgreSQL through psycopg2, libpq parsing the URL.
Either way every wait on the database is bounded by the store's `Timeouts`
(storage/orm/deadlines.py): a hung database fails a request in seconds.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

import psycopg2
from pony.orm import Database, db_session

from engine import Registry, load_registry
from storage.files import BlobStore, ClamdScanner, FileSettings, blob_store_for
from storage.orm.deadlines import (
    DEFAULT_TIMEOUTS,
    Timeouts,
    connect_parameters,
    install_wait_callback,
    postgres_parameters,
    statements_unbounded,
)
from storage.orm.entities import PUBLIC_ID_LENGTH, define_entities, new_public_id
from storage.orm.queue_schema import install_queue_schema
from storage.orm.writer_turn import WriterTurn

SQLITE_FILENAME = "guichet.sqlite3"
MIN_SQLITE = (3, 35, 0)  # RETURNING, used by numbering
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000"  # the development server's address


@dataclass(frozen=True)
class Target:
    """Where the data lives: ("sqlite", absolute path) or ("postgres", URL)."""

    kind: str
    location: str


def target_for(database_url: str | None, instance_path: str) -> Target:
    """Read DATABASE_URL the way the deployment docs describe it; ValueError for a
    scheme other than postgresql://, postgres:// or sqlite://."""
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


_current: ContextVar[Store | None] = ContextVar("guichet_store", default=None)


class Store:
    """One app's storage binding: a Pony `Database` bound to `target`, the dossier types
    (`registry`) and the portal's address (`portal_url`, no trailing slash).

    Made current with `with store.bound(): ...`; storage's functions then use it. Each
    thread opens its own connection to it on first use, and closes it with
    `storage.disconnect()` (or `store.disconnect()`) before it ends.
    """

    def __init__(self, target: Target, db: Database, *, registry: Registry | None,
                 portal_url: str, timeouts: Timeouts = DEFAULT_TIMEOUTS,
                 files: BlobStore | None = None, scanner: ClamdScanner | None = None,
                 receipt_key: bytes | None = None) -> None:
        self.target = target
        # the HMAC key of submissions' fingerprints (storage/receipts.py); None: a random
        # one for this store only (tests): fingerprints stay verifiable, as they are kept
        self.receipt_key = receipt_key or secrets.token_bytes(32)
        # uploaded files' bytes (storage.files) and their virus scanner (None: off)
        self.files = files
        self.scanner = scanner
        self.db = db
        self.timeouts = timeouts
        # SQLite: write transactions take turns here, this process's and others', each
        # waiting at most the lock timeout (storage/orm/writer_turn.py); Pony's own
        # turn-taking would wait without a limit behind a writer stuck on another's lock.
        self.writer_turn = WriterTurn(target.location) if target.kind == "sqlite" else None
        self.portal_url = portal_url.rstrip("/")
        self._registry = registry
        self._registry_lock = threading.Lock()
        # (type id, version) -> CompiledDefinition of a published version the registry
        # does not hold (storage/definitions.py): compiled once per store, never per request
        self.published: dict[tuple[str, int], Any] = {}
        self.published_lock = threading.Lock()

    @property
    def registry(self) -> Registry:
        """The store's dossier types: the registry it was opened with, else `forms/`
        compiled on first use (engine.DefinitionError if a definition is wrong)."""
        if self._registry is None:
            with self._registry_lock:
                if self._registry is None:
                    self._registry = load_registry()
        return self._registry

    @contextmanager
    def bound(self) -> Iterator[Store]:
        """Make this the current store until the block ends (nested blocks are fine: the
        previous store is current again after)."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)

    def disconnect(self) -> None:
        """Close the calling thread's connection to this store's database (the next use
        opens a new one). Not inside a `db_session`."""
        self.db.disconnect()

    def describe(self) -> str:
        """Where the store is bound, without any password (for logs and the CLI)."""
        if self.target.kind == "sqlite":
            return f"SQLite {self.target.location}"
        url = urlsplit(self.target.location)
        host = url.hostname or "local socket"
        return f"PostgreSQL {host}:{url.port or 5432}{url.path}"

    def __repr__(self) -> str:
        return f"<Store {self.describe()}>"


def open_store(database_url: str | None, instance_path: str, *,
               registry: Registry | None = None,
               portal_url: str | None = None,
               timeouts: Timeouts | None = None,
               files: FileSettings | None = None,
               receipt_key: bytes | None = None) -> Store:
    """A new store on the database that `database_url` names (None or "": SQLite in
    `instance_path`), with its own Pony `Database`. Nothing is made current and no
    connection is opened yet; call `init_db()` inside `store.bound()` to create tables.

    `registry`: the dossier types (None: `forms/` compiled on first need).
    `portal_url`: the address in notification emails (None: http://127.0.0.1:8000).
    `timeouts`: how long to wait on the database to connect, per statement and per lock
    (None: DEFAULT_TIMEOUTS); past them the call raises the driver's OperationalError.
    `files`: where uploaded files go and whether clamd scans them (storage.FileSettings;
    None: `<instance_path>/files`, no scanning).
    `receipt_key`: the server's key signing submissions' fingerprints (the web app passes
    GUICHET_RECEIPT_KEY or one derived from its secret key; None: a random key for this
    store only, enough for tests, since fingerprints are kept and looked up).
    Raises ValueError for an unsupported URL (database or files), RuntimeError for a
    SQLite too old (or for PostgreSQL when another psycopg2 wait callback is set:
    waits could not be bounded).
    """
    target = target_for(database_url, instance_path)
    timeouts = timeouts or DEFAULT_TIMEOUTS
    files = files or FileSettings()
    blobs = blob_store_for(files, instance_path)
    scanner = ClamdScanner(files.clamd, files.clamd_timeout) if files.clamd else None
    return Store(target, _bind(target, timeouts), registry=registry,
                 portal_url=portal_url or DEFAULT_PORTAL_URL, timeouts=timeouts,
                 files=blobs, scanner=scanner, receipt_key=receipt_key)


def store_exists(database_url: str | None, instance_path: str) -> bool:
    """Whether `open_store` with these arguments would find a database already there:
    always for PostgreSQL (reachable or not), for SQLite only when its file exists
    (opening it would create it). ValueError as `open_store`."""
    target = target_for(database_url, instance_path)
    return target.kind == "postgres" or os.path.exists(target.location)


def _bind(target: Target, timeouts: Timeouts) -> Database:
    db = Database()
    define_entities(db)
    if target.kind == "sqlite":
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            raise RuntimeError(f"SQLite {sqlite3.sqlite_version} is too old: Guichet needs "
                               f"{'.'.join(map(str, MIN_SQLITE))} or later (RETURNING)")
        os.makedirs(os.path.dirname(target.location), exist_ok=True)
        busy_ms = max(1, round(timeouts.lock * 1000))

        def pragmas(db: Database, connection: sqlite3.Connection) -> None:
            sqlite_settings(connection, busy_ms)

        db.on_connect(provider="sqlite")(pragmas)
        db.bind(provider="sqlite", filename=target.location, create_db=True,
                timeout=timeouts.lock)
    else:
        install_wait_callback()
        db.bind(provider="postgres", dsn=target.location, **postgres_parameters(timeouts))
    db.generate_mapping(check_tables=False, create_tables=False)
    return db


def sqlite_settings(connection: sqlite3.Connection, busy_ms: int) -> None:
    """Every new SQLite connection: WAL (readers never block the writer), foreign
    keys enforced, and a busy timeout (`busy_ms`, the store's lock timeout) so a second
    writer waits its turn, but no longer: past it, "database is locked".
    synchronous=NORMAL is WAL's usual pairing: never corrupt, though a power cut
    may lose the last commits; production runs on PostgreSQL."""
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")


def current_store() -> Store:
    """The store made current by the innermost `store.bound()` of this thread (or
    request); RuntimeError when there is none."""
    store = _current.get()
    if store is None:
        raise RuntimeError("no storage store is bound here: open one with "
                           "storage.open_store(...) and use it within `with store.bound():`")
    return store


def database() -> Database:
    """The current store's `Database`; its entities are attributes (`database().Dossier`)."""
    return current_store().db


def dialect() -> str:
    """"sqlite" or "postgres" (the current store's): the few SQL statements that differ
    look at this."""
    return current_store().target.kind


_INIT_LOCK_KEY = 0x6775_6963  # "guic": the advisory lock taken while creating tables


@contextmanager
def _creation_lock() -> Iterator[None]:
    """One process at a time creates tables: gunicorn boots its workers together, and
    two CREATE TABLE of one table on an empty database make the second worker fail."""
    store = current_store()
    target = store.target
    if target.kind == "sqlite":
        with open(f"{target.location}.init-lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        return
    # a connection apart from Pony's, held while the tables are made: closing it ends
    # its session and so the advisory lock (libpq reads postgresql:// URLs only).
    # Connecting is bounded (a hung server stops start-up in seconds); the lock is
    # waited for as long as another process takes to create the tables (init_db's
    # statements_unbounded, no server-side limits on this session).
    conn = psycopg2.connect("postgresql://" + target.location.split("://", 1)[1],
                            **connect_parameters(store.timeouts))
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (_INIT_LOCK_KEY,))
        yield
    finally:
        conn.close()


# Columns added after tables were first created in deployed databases: Pony creates
# missing tables, never missing columns, so `init_db` adds these. A small, forward-only
# list, not a migration framework: a column is only ever added here, never changed.
# Each: table, column, SQL type, how to fill the rows already there (None: left NULL),
# and whether the column gets a unique index.
@dataclass(frozen=True)
class AddedColumn:
    """One column `init_db` adds to a table made before it existed."""

    table: str
    column: str
    sql_type: str
    fill: Callable[[], str] | None = None
    unique: bool = False
    index: bool = False  # a plain index, named as Pony names a foreign key's


def _message_id() -> str:
    return make_msgid(domain="guichet.invalid")


ADDED_COLUMNS: tuple[AddedColumn, ...] = (
    AddedColumn("message", "public_id", f"VARCHAR({PUBLIC_ID_LENGTH})", new_public_id, True),
    AddedColumn("document", "public_id", f"VARCHAR({PUBLIC_ID_LENGTH})", new_public_id, True),
    AddedColumn("outgoing_email", "message_id", "VARCHAR(255)", _message_id, True),
    AddedColumn("outgoing_email", "purpose", "VARCHAR(40)"),
    AddedColumn("audit_event", "address", "VARCHAR(45)"),
    # added before Pony's create_tables (which makes the `agent` table, and on PostgreSQL
    # this foreign key's index and constraint on a `dossier` table made before it)
    AddedColumn("dossier", "assigned_agent_id", "INTEGER", index=True),
    AddedColumn("document", "submission_id", "INTEGER"),
    AddedColumn("document", "sha256", "VARCHAR(64)", index=True),
    AddedColumn("dossier", "status_changed_at", "TIMESTAMP"),
    AddedColumn("dossier", "purged_at", "TIMESTAMP"),
    # the rows already there are the service's messages: the default fills them at once
    AddedColumn("message", "author", "VARCHAR(20) NOT NULL DEFAULT 'service'"),
    # the records kept before creates had keys are all submissions'
    AddedColumn("idempotency_record", "operation", "VARCHAR(20) NOT NULL DEFAULT 'submit'"),
    # the answers kept aside before there were reasons were all kept after a session ended
    AddedColumn("kept_answers", "reason", "VARCHAR(20) NOT NULL DEFAULT 'session_ended'"),
    # replies already there count as seen: agents read them on the dossier's page
    AddedColumn("message", "unseen_since", "TIMESTAMP"),
)


def _columns(db: Database, tables: set[str]) -> dict[str, set[str]]:
    """The column names of each of `tables` as the database has them (an empty set for
    a table it does not have). On PostgreSQL one query of the catalogue for them all:
    every start of the app runs this twice, and each information_schema query costs
    milliseconds."""
    found: dict[str, set[str]] = {t: set() for t in tables}
    if dialect() == "postgres":
        rows = db.select("SELECT table_name, column_name FROM information_schema.columns "
                         "WHERE table_schema = current_schema() "
                         "AND table_name = ANY($names)", {}, {"names": sorted(tables)})
        for table, column in rows:
            found[str(table)].add(str(column))
        return found
    for table in tables:
        found[table] = {str(r[1]) for r in
                        db.execute(f'PRAGMA table_info("{table}")').fetchall()}
    return found


def _add_columns(db: Database) -> None:
    """Give tables created before them the columns of ADDED_COLUMNS, a value for each
    existing row where the column says how, and their unique index (made here, by name,
    also for tables Pony made with the column: `IF NOT EXISTS`)."""
    existing = _columns(db, {added.table for added in ADDED_COLUMNS})
    for added in ADDED_COLUMNS:
        table, column = added.table, added.column
        columns = existing[table]
        if not columns:  # no such table yet: create_tables makes it whole
            continue
        if column not in columns:
            db.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {added.sql_type}')
            if added.fill is not None:
                for row_id in db.select(f'SELECT id FROM "{table}" WHERE "{column}" IS NULL'):
                    db.execute(f'UPDATE "{table}" SET "{column}" = $value WHERE id = $row_id',
                               {}, {"value": added.fill(), "row_id": row_id})
        if added.unique:
            db.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS "uq_{table}_{column}" '
                       f'ON "{table}" ("{column}")')
        if added.index:
            db.execute(f'CREATE INDEX IF NOT EXISTS "idx_{table}__{column}" '
                       f'ON "{table}" ("{column}")')


def _claim_existing_numbers(db: Database) -> None:
    """Dossier numbers given out before numbers were claimed in `dossier_number` (they
    were a sequence then): claimed now, so a random draw never meets one."""
    db.execute('INSERT INTO "dossier_number" ("number") SELECT d."number" FROM "dossier" d '
               'WHERE NOT EXISTS (SELECT 1 FROM "dossier_number" n '
               'WHERE n."number" = d."number")')


def init_db() -> None:
    """Create the current store's missing tables and indexes, add the columns of
    ADDED_COLUMNS to tables made before them, claim the dossier numbers given out
    before numbers were claimed, and make the queue's indexes and counting triggers
    (storage/orm/queue_schema.py); harmless when done already, and safe when several
    processes start at once. Its statements are not bound by the store's statement and
    lock timeouts (an index built on a large table may take minutes); connecting is."""
    db = database()
    with statements_unbounded(), _creation_lock():
        with db_session:  # first, so create_tables finds the columns its indexes need
            if dialect() == "postgres":
                db.execute("SET LOCAL statement_timeout = 0")
                db.execute("SET LOCAL lock_timeout = 0")
            _add_columns(db)
        db.create_tables()
        with db_session:
            if dialect() == "postgres":  # this transaction only: pages keep their limits
                db.execute("SET LOCAL statement_timeout = 0")
                db.execute("SET LOCAL lock_timeout = 0")
            _add_columns(db)
            _claim_existing_numbers(db)
            install_queue_schema(db, dialect())


def disconnect() -> None:
    """Close this thread's connection to the current store's database (threads that used
    storage call it before ending); nothing when no store is bound."""
    store = _current.get()
    if store is not None:
        store.disconnect()


# PostgreSQL's catalogue, for reset_db: the foreign keys between the store's tables
# (referencing, referenced), and the sequences the tables' columns own
_FOREIGN_KEYS = ("SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
                 "WHERE contype = 'f' AND conrelid = ANY(CAST(%s AS regclass[]))")
_OWNED_SEQUENCES = ("SELECT DISTINCT d.objid::regclass::text FROM pg_depend d "
                    "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                    "WHERE d.refobjid = ANY(CAST(%s AS regclass[])) AND d.deptype IN ('a', 'i')")


def reset_db() -> None:
    """Delete every row of every table of the current store (tests): much faster than
    dropping tables. On PostgreSQL, DELETE in the order of the foreign keys (the rows
    of a table before those they reference), then the tables' own sequences restarted:
    the same empty tables and first ids as TRUNCATE ... RESTART IDENTITY, without
    TRUNCATE's new files for every table and index (~10 ms a table, 0.2 s a reset;
    DELETE on the few rows a test leaves: a few ms). TRUNCATE when the keys go round in
    a cycle."""
    db = database()
    tables = [e._table_ for e in db.entities.values()]
    with db_session:
        if dialect() == "postgres":
            cursor = db.get_connection().cursor()
            names = [f'"{t}"' for t in tables]
            cursor.execute(_FOREIGN_KEYS, (names,))
            keys = [(a.strip('"'), b.strip('"')) for a, b in cursor.fetchall()]
            order = _children_first(list(tables), keys)
            if order is None:
                db.execute("TRUNCATE " + ", ".join(names) + " RESTART IDENTITY CASCADE")
                return
            cursor.execute(_OWNED_SEQUENCES, (names,))
            sequences = [name for (name,) in cursor.fetchall()]
            db.execute("".join(f'DELETE FROM "{t}";' for t in order)
                       + "".join(f"ALTER SEQUENCE {s} RESTART;" for s in sequences))
        else:
            db.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                db.execute(f'DELETE FROM "{table}"')


def _children_first(tables: list[str], keys: list[tuple[str, str]]) -> list[str] | None:
    """`tables` ordered so that each comes before every table it references (`keys`:
    (referencing, referenced) pairs, names without quotes); None when they form a
    cycle. A table referencing itself is no obstacle (one DELETE empties it)."""
    referenced_by = {t: {a for a, b in keys if b == t and a != t} for t in tables}
    order: list[str] = []
    left = list(tables)
    while left:
        ready = [t for t in left if referenced_by[t] <= set(order)]
        if not ready:
            return None
        order += ready
        left = [t for t in left if t not in ready]
    return order


def describe() -> str:
    """Where the current store is bound, without any password (for logs and the CLI)."""
    return current_store().describe()
