"""Whose turn it is to write to a SQLite database: the threads of this process, and the
processes of the server, take turns here before SQLite's own lock.

SQLite lets one writer at a time hold a database; a second one that finds it taken
waits in SQLite's busy handler, which sleeps 1, 2, 5, 10, 15... ms between its tries
whatever happens meanwhile. Under a steady load from two gunicorn workers (each save is
~1 ms of work), a worker that just missed the lock sleeps for several of the other's
saves while the other, whose threads hand the turn to one another at once, keeps it:
measured with `bench/api.py`, the machine stayed ~40 % idle during section saves, and
a server of two workers saved only 1.2 times as many sections as one worker.

So writers queue on a turn of their own first: a lock of this process's threads, then
an exclusive `flock` of a file beside the database (`<database>.writer-turn`), which
the operating system hands on as soon as its holder lets it go, in any process, and
releases when its holder exits, however it exits. SQLite's lock is then found free,
and its busy timeout still guards any writer that does not queue here (another
program, a `sqlite3` shell). A writer never waits longer than its `timeout` (the
store's lock timeout): past it, `sqlite3.OperationalError` "database is locked", as
SQLite's busy timeout says, which the transaction retries or answers with a 503.
Python offers no `flock` with a time limit: a writer that finds the file locked tries
again after a short pause (0.1 ms, doubling to 2 ms), far shorter than SQLite's.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time

FIRST_PAUSE = 0.0001  # seconds between two tries of a taken file lock, doubling...
LAST_PAUSE = 0.002  # ...up to this


class WriterTurn:
    """The write turn of one SQLite database file (`path`, absolute) for one store.

    `acquire(timeout)` waits (seconds) for this process's other writers, then for other
    processes' (and other stores' of this process on the same file); `release()` hands
    the turn on. Raises sqlite3.OperationalError past the timeout. The lock file is
    opened for each turn and closed after it: nothing is left open by a store no one
    closes, or shared with a child process after a fork."""

    def __init__(self, path: str) -> None:
        self.lock_path = path + ".writer-turn"
        self._threads = threading.Lock()
        self._fd: int | None = None  # the holder's descriptor of the lock file

    def acquire(self, timeout: float) -> None:
        """Wait for the turn, at most `timeout` seconds in all."""
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout=max(timeout, 0)):
            raise sqlite3.OperationalError("database is locked (this process's other "
                                           "writers held it past the lock timeout)")
        fd = -1
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            pause = FIRST_PAUSE
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise sqlite3.OperationalError(
                            "database is locked (another process's writers held it past "
                            "the lock timeout)") from None
                    time.sleep(min(pause, left))
                    pause = min(pause * 2, LAST_PAUSE)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            self._threads.release()
            raise
        self._fd = fd

    def release(self) -> None:
        """Hand the turn on (the holder only): closing the file unlocks it."""
        fd, self._fd = self._fd, None
        try:
            if fd is not None:
                os.close(fd)
        finally:
            self._threads.release()
