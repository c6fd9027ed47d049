"""Bounded waits on the database: a hung database costs a request seconds, not minutes.

A PostgreSQL server that is frozen (a stopped process, a host paging to death, a
network path that drops nothing but delivers nothing) still has its kernel
accept connections and acknowledge bytes: TCP keepalives and `tcp_user_timeout`
never fire, and the server-side `statement_timeout` / `lock_timeout` cannot fire
in a process that does not run. Without a bound of its own, each request waits
until the operating system gives up (85 s seen), and with every server thread
waiting, even static files stop answering.

So each store has three `Timeouts`, in seconds:

- `connect`: opening a connection (libpq's `connect_timeout`, and a client-side
  deadline, since libpq ignores `connect_timeout` when psycopg2 connects
  asynchronously, which it does once a wait callback is set);
- `statement`: one statement (PostgreSQL's `statement_timeout`, then a client-side
  deadline `STATEMENT_GRACE_S` later for a server that cannot answer at all);
- `lock`: waiting for a row or table lock (PostgreSQL's `lock_timeout`; SQLite's
  busy timeout, the only wait a SQLite file has).

The client-side deadlines use psycopg2's public `extensions.set_wait_callback`:
libpq is then driven without blocking and psycopg2 calls `wait` whenever it must
wait for the socket. `wait` waits with `poll` until the deadline of the
connection's store, then raises `psycopg2.OperationalError`; psycopg2 closes the
connection after an error in the callback, so a connection broken during a hang
is never used again (the web drops it and the next request opens a new one).
The callback is process-wide (libpq has one): connections that are not a store's
(`TimedConnection`) wait without a deadline, as before.
"""

from __future__ import annotations

import math
import select
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import psycopg2
from psycopg2 import extensions

STATEMENT_GRACE_S = 1.0  # past `statement`, a server that answered would have cancelled


@dataclass(frozen=True)
class Timeouts:
    """How long a store waits on its database, in seconds (each above 0): to connect, for
    one statement, and for a lock (see the module's docstring for what each bounds)."""

    connect: float = 3.0
    statement: float = 5.0
    lock: float = 5.0

    def __post_init__(self) -> None:
        for name in ("connect", "statement", "lock"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and value > 0 and math.isfinite(value)):
                raise ValueError(f"Timeouts.{name}: expected seconds above 0, not {value!r}")


DEFAULT_TIMEOUTS = Timeouts()


class Reachability:
    """Whether a store's database just failed to answer, shared by its connections.

    After a deadline passed (`unreachable`), one new connection at a time tries the
    database (the probe) and the others give up at once instead of each waiting a
    connect timeout in turn: requests queued behind hung ones answer 503 in
    milliseconds (80 at once on 16 threads took 21 s before). The first wait that
    completes (the probe connecting, or any statement answered) makes it reachable
    again, so the first request after the database is back is served."""

    def __init__(self) -> None:
        self.unreachable = False
        self.probing = False
        self.lock = threading.Lock()

    def enter_connect(self) -> bool:
        """Whether this new connection may try (False: give up at once); a True while
        unreachable makes it the probe."""
        with self.lock:
            if not self.unreachable:
                return True
            if self.probing:
                return False
            self.probing = True
            return True

    def answered(self) -> None:
        """A wait completed: the database answers (no lock taken when nothing changes:
        this runs after every statement)."""
        if self.unreachable or self.probing:
            with self.lock:
                self.unreachable = self.probing = False

    def timed_out(self) -> None:
        """A wait passed its deadline, or the database refused."""
        with self.lock:
            self.unreachable, self.probing = True, False


class TimedConnection(extensions.connection):
    """A psycopg2 connection whose waits `wait` bounds by `timeouts`; `reachability` is
    its store's (a subclass per store sets both: `connection_class`)."""

    timeouts: Timeouts = DEFAULT_TIMEOUTS
    reachability: Reachability = Reachability()


def connection_class(timeouts: Timeouts) -> type[TimedConnection]:
    """A `TimedConnection` class bounded by `timeouts`, with its own `Reachability`, for
    psycopg2.connect's `connection_factory`."""
    return type("TimedConnection", (TimedConnection,),
                {"timeouts": timeouts, "reachability": Reachability()})


def connect_parameters(timeouts: Timeouts) -> dict[str, Any]:
    """The psycopg2.connect keywords that bound connecting only: libpq's
    `connect_timeout` (whole seconds, libpq's unit) and the connection class of the
    client-side deadlines (its statements are bounded too, but within
    `statements_unbounded` they wait as long as they must)."""
    return {"connect_timeout": max(1, math.ceil(timeouts.connect)),
            "connection_factory": connection_class(timeouts)}


def postgres_parameters(timeouts: Timeouts) -> dict[str, Any]:
    """The psycopg2.connect keywords of a store's connections: `connect_parameters`, and
    the session's server-side `statement_timeout` and `lock_timeout` (milliseconds)."""
    statement_ms = max(1, round(timeouts.statement * 1000))
    lock_ms = max(1, round(timeouts.lock * 1000))
    return {**connect_parameters(timeouts),
            "options": f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms}"}


_unbounded: ContextVar[bool] = ContextVar("guichet_statements_unbounded", default=False)


@contextmanager
def statements_unbounded() -> Iterator[None]:
    """Within the block (this thread or context), statements wait without the client-side
    deadline; connecting stays bounded. For `init_db`, whose index builds and column
    additions on a large database may rightly take longer than a page's statement (it
    also lifts the server-side limits, with SET LOCAL, in its own transaction)."""
    token = _unbounded.set(True)
    try:
        yield
    finally:
        _unbounded.reset(token)


def _deadline(conn: Any) -> float | None:
    """The monotonic time past which this wait on `conn` gives up; None: no bound."""
    timeouts = getattr(conn, "timeouts", None)
    if not isinstance(timeouts, Timeouts):
        return None
    connecting = conn.status == extensions.STATUS_SETUP
    if _unbounded.get() and not connecting:
        return None
    seconds = timeouts.connect if connecting else timeouts.statement + STATEMENT_GRACE_S
    return time.monotonic() + seconds


_EVENTS = {extensions.POLL_READ: select.POLLIN, extensions.POLL_WRITE: select.POLLOUT}


def wait(conn: Any, *_: Any) -> None:
    """psycopg2's wait callback: poll `conn` until its operation is done, waiting on its
    socket with `poll`; past the deadline of its store (`_deadline`), raise
    psycopg2.OperationalError (psycopg2 then closes the connection). While the store's
    database is unreachable, a new connection gives up at once unless it is the one
    trying (`Reachability`)."""
    deadline = _deadline(conn)
    reachability = getattr(conn, "reachability", None) if deadline is not None else None
    connecting = conn.status == extensions.STATUS_SETUP
    if reachability is not None and connecting and not reachability.enter_connect():
        raise psycopg2.OperationalError("the database did not answer a moment ago; "
                                        "another connection is trying it")
    try:
        while True:
            state = conn.poll()
            if state == extensions.POLL_OK:
                if reachability is not None:
                    reachability.answered()
                return
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                connecting = True  # no answer in time: as unreachable as a failed connect
                raise psycopg2.OperationalError("the database did not answer in time "
                                                "(connect or statement timeout)")
            if state not in _EVENTS:
                raise psycopg2.OperationalError(f"bad state from poll: {state}")
            poller = select.poll()  # not select.select: file numbers above 1023 happen
            poller.register(conn.fileno(), _EVENTS[state])
            poller.poll(None if left is None else math.ceil(left * 1000))
    except BaseException:  # a connect that failed in any way (refused, no answer, an
        # error of any kind: a failed probe must never stay "in flight", or every later
        # connection would give up at once, for good), or a deadline passed: the next
        # connection tries again
        if reachability is not None and connecting:
            reachability.timed_out()
        raise


_install_lock = threading.Lock()


def install_wait_callback() -> None:
    """Have psycopg2 wait through `wait` in this process (idempotent). RuntimeError if
    another wait callback is set (gevent's, say): its waits would not be bounded."""
    with _install_lock:
        current = extensions.get_wait_callback()
        if current is wait:
            return
        if current is not None:
            raise RuntimeError("another psycopg2 wait callback is set: database waits "
                               "could not be bounded")
        extensions.set_wait_callback(wait)
