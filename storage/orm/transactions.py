"""One storage call, one transaction, retried when the database asks for it.

Each public storage function is one transaction: its own Pony `db_session`, opened
when the call starts and committed when it returns. A storage function called by
another joins the caller's transaction (this module counts the depth per thread), so
a submission and what it queues commit together. Callers outside storage (the web's
views, the background worker, commands) call storage functions one after the other,
never inside a `db_session` of their own: a transaction never spans a page, and what
one call read cannot be stale when the next one locks the row.

Concurrency is settled by the database (row locks, an atomic counter, unique
constraints); what remains are transient refusals: SQLite "database is
locked" after the busy timeout, PostgreSQL serialization failures and
deadlocks, Pony's optimistic checks. Those are retried from the start in a
fresh session (Pony's own `db_session(retry=...)` would retry a joined call too),
but not past the store's lock timeout: a database held by someone else for longer
fails the call (the web answers 503) instead of keeping a thread for eight busy
timeouts. On SQLite the write transactions take turns on the store's `writer_turn`
(storage/orm/writer_turn.py: this process's threads, then every process's), each
waiting at most the lock timeout too: Pony's SQLite provider serialises a process's
writers on a lock of its own without a limit, so behind one writer waiting out a lock
held by another process every writing thread of the server would queue; and SQLite's
own busy handler, between processes, sleeps longer and longer while the lock changes
hands.
"""

from __future__ import annotations

import functools
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from pony.orm import OptimisticCheckError, UnrepeatableReadError, db_session

from storage.errors import StorageError
from storage.orm.db import Store, current_store

P = ParamSpec("P")
R = TypeVar("R")

ATTEMPTS = 8
TRANSIENT_PGCODES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected


_calls = threading.local()  # `depth`: storage calls running on this thread, nested


def in_transaction() -> bool:
    """True while a storage call runs on this thread: a storage function called then
    joins its transaction (the outer call owns commit and retry)."""
    return getattr(_calls, "depth", 0) > 0


def causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and everything it wraps: Pony keeps the driver's error in `original_exc`,
    commit errors in `exceptions` (as sys.exc_info() tuples), Python in causes."""
    stack: list[object] = [exc]
    seen: set[int] = set()
    while stack:
        e = stack.pop()
        if isinstance(e, tuple):
            e = e[1] if len(e) > 1 else None
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack.extend([getattr(e, "original_exc", None), e.__cause__, e.__context__])
        stack.extend(getattr(e, "exceptions", None) or [])


def is_transient(exc: BaseException) -> bool:
    """Whether running the same transaction again may succeed (looks through
    Pony's wrappers: `original_exc`, `CommitException.exceptions`, causes)."""
    if isinstance(exc, StorageError):  # a refusal is an answer, not a hiccup
        return False
    for e in causes(exc):
        if isinstance(e, OptimisticCheckError | UnrepeatableReadError):
            return True
        if isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "busy" in str(e)):
            return True
        if getattr(e, "pgcode", None) in TRANSIENT_PGCODES:
            return True
    return False


@contextmanager
def _writer_turn(store: Store, write: bool) -> Iterator[None]:
    """On SQLite, a write transaction's turn among the database's writers, in this
    process and others (the store's `writer_turn`, storage/orm/writer_turn.py), waited
    for at most the store's lock timeout: past it, sqlite3.OperationalError "database
    is locked", as SQLite's busy timeout says."""
    if not write or store.writer_turn is None:
        yield
        return
    store.writer_turn.acquire(store.timeouts.lock)
    try:
        yield
    finally:
        store.writer_turn.release()


def transaction(*, write: bool) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the function in its own transaction, unless it is called by another storage
    function (then it joins that one's).

    `write=True` starts the transaction at once (SQLite: BEGIN IMMEDIATE, so
    its reads and writes are one consistent, serialised unit instead of an
    upgrade that fails under load).
    """

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if in_transaction():
                return func(*args, **kwargs)
            store = current_store()
            started = time.monotonic()
            for attempt in range(ATTEMPTS):
                _calls.depth = 1
                try:
                    with _writer_turn(store, write), db_session(immediate=write):
                        return func(*args, **kwargs)
                except Exception as exc:
                    if (attempt + 1 == ATTEMPTS or not is_transient(exc)
                            or time.monotonic() - started >= store.timeouts.lock):
                        raise
                finally:
                    _calls.depth = 0
                time.sleep(random.uniform(0, 0.01 * 2 ** attempt))
            raise AssertionError("unreachable")

        return wrapper

    return decorate
