"""Attempt counts kept in the database, so a limit holds across every server process.

Limits on logins, links and reset requests (web/http/limits.py) count attempts per
key ("account:<email>", "ip:<address>"...) in a moving window: at most `limit`
attempts in the last `window_s` seconds. Every worker of every server shares the
database, so counting here makes one limit for all of them, with no Redis.

Counting and deciding are one atomic step, and it happens before the password (or
whatever the attempt tries) is checked: sixteen parallel guesses get exactly
`limit` allowed. SQLite serialises it with BEGIN IMMEDIATE (one writer at a time);
PostgreSQL with a transaction-scoped advisory lock per key, taken in sorted order
(no deadlock), so the count a transaction reads cannot change before it inserts.

The work runs on a connection of its own (`own_connection`), never in the caller's
`db_session`: the web request's session commits only when the view ends, after the
password check, and a count must be seen by the other processes at once and survive
the request's rollback. A connection per call is cheap next to a password hash, and
only those POSTs pay it. Rows carry their expiry: each counted attempt deletes a
small batch of expired rows (PostgreSQL skips rows another transaction holds).
Only a SHA-256 of each key is stored. Times come from `storage.clock`, so tests
can move past a window; rows keep them in whole microseconds since the epoch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from storage.clock import clock
from storage.orm.db import dialect, own_connection

PRUNE_BATCH = 100  # expired rows deleted by each counted attempt, at most
_LOCK_SPACE = 0x6174  # "at": first half of the advisory locks' two-int key
_US = 1_000_000  # microseconds in a second: rows keep whole microseconds


@dataclass(frozen=True)
class AttemptKey:
    """One key an attempt counts against: at most `limit` (>= 1) attempts within the
    last `window_s` seconds (> 0)."""

    key: str
    limit: int
    window_s: float


@dataclass(frozen=True)
class AttemptCount:
    """What counting one attempt said, times in epoch seconds.

    `refused_until`: the attempt was refused and nothing was counted; every key allows
    one again at that time. `full_until`: the attempt was counted and left a key at its
    limit; the next one is refused until then. Both None: counted, room left."""

    refused_until: float | None = None
    full_until: float | None = None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def _lock_id(key_hash: str) -> int:
    """The second half of a key's advisory lock: 32 bits of its hash, signed (int4)."""
    return int.from_bytes(bytes.fromhex(key_hash[:8]), "big", signed=True)


@contextmanager
def _cursor() -> Iterator[tuple[Any, str]]:
    """A cursor on a connection of its own, and the dialect's parameter mark."""
    with own_connection() as conn:
        yield conn.cursor(), ("%s" if dialect() == "postgres" else "?")


def _window(key: AttemptKey) -> int:
    return round(key.window_s * _US)


def _latest(cur: Any, mark: str, key: AttemptKey, now: int) -> list[int]:
    """When (µs) the key's latest attempts within its window were made, newest first;
    `limit` of them at most (all a decision needs)."""
    cur.execute(f'SELECT "at" FROM "attempt" WHERE "key_hash" = {mark} AND "at" > {mark} '
                f'ORDER BY "at" DESC LIMIT {mark}', (_hash(key.key), now - _window(key),
                                                     key.limit))
    return [int(row[0]) for row in cur.fetchall()]


def count_attempt(keys: Sequence[AttemptKey]) -> AttemptCount:
    """Count one attempt against every key, unless one of them is at its limit already:
    then nothing is counted. Atomic across threads, processes and servers sharing the
    database (see the module's docstring); its own transaction, committed on return
    whatever the caller's session does. Raises the driver's error if the database
    refuses (SQLite: busy for longer than its timeout).

    A key is at its limit when its `limit`-th latest attempt is within the window; it
    has room again when that attempt leaves the window. An attempt that brings a key
    to `limit` leaves it full until its (`limit` - 1)-th latest before it, or itself
    for a limit of 1, leaves the window."""
    now = round(clock.now().timestamp() * _US)
    with _cursor() as (cur, mark):
        postgres = mark == "%s"
        if postgres:  # READ COMMITTED: each read below sees what earlier lock holders wrote
            for key_hash in sorted({_hash(k.key) for k in keys}):
                cur.execute("SELECT pg_advisory_xact_lock(%s, %s)",
                            (_LOCK_SPACE, _lock_id(key_hash)))
        else:
            cur.execute("BEGIN IMMEDIATE")
        try:
            latest = [(k, _latest(cur, mark, k, now)) for k in keys]
            refused = [ats[-1] + _window(k) for k, ats in latest if len(ats) == k.limit]
            if refused:
                return AttemptCount(refused_until=max(refused) / _US)
            rows = [(_hash(k.key), now, now + _window(k)) for k in keys]
            cur.execute('INSERT INTO "attempt" ("key_hash", "at", "expires") VALUES '
                        + ", ".join([f"({mark}, {mark}, {mark})"] * len(rows)),
                        [value for row in rows for value in row])
            skip = " FOR UPDATE SKIP LOCKED" if postgres else ""
            cur.execute(f'DELETE FROM "attempt" WHERE "id" IN (SELECT "id" FROM "attempt" '
                        f'WHERE "expires" < {mark} LIMIT {PRUNE_BATCH}{skip})', (now,))
            cur.connection.commit()
            full = [(ats[-1] if ats else now) + _window(k)
                    for k, ats in latest if len(ats) == k.limit - 1]
            return AttemptCount(full_until=max(full) / _US if full else None)
        finally:  # refused or failed: nothing counted, locks released (after a commit: no-op)
            cur.connection.rollback()


def clear_attempts(keys: Sequence[str]) -> None:
    """Forget every attempt counted against these keys (a successful login clears its
    account's failures). Committed on return."""
    if not keys:
        return
    with _cursor() as (cur, mark):
        cur.execute(f'DELETE FROM "attempt" WHERE "key_hash" IN '
                    f'({", ".join([mark] * len(keys))})', [_hash(k) for k in keys])
        cur.connection.commit()


def forget_attempt(key: str) -> None:
    """Take back the latest attempt counted against `key`, if any (a login counted
    against its address before the password was known, which then proved right).
    Committed on return."""
    with _cursor() as (cur, mark):
        cur.execute(f'DELETE FROM "attempt" WHERE "id" = (SELECT "id" FROM "attempt" '
                    f'WHERE "key_hash" = {mark} ORDER BY "at" DESC, "id" DESC LIMIT 1)',
                    (_hash(key),))
        cur.connection.commit()
