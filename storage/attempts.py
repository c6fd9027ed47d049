"""Attempt counts kept in the database, so a limit holds across every server process.

Limits on logins, links and reset requests (web/http/limits.py) count attempts per
key ("account:<email>", "ip:<address>"...) in a moving window: at most `limit`
attempts in the last `window_s` seconds. Every worker of every server shares the
database, so counting here makes one limit for all of them, with no Redis.

Counting and deciding are one atomic step, and it happens before the password (or
whatever the attempt tries) is checked: sixteen parallel guesses get exactly
`limit` allowed. Each function is one storage transaction (`transaction(write=True)`,
storage/orm/transactions.py), committed when it returns, so a count is seen by every
other process before the caller goes on to check the password. SQLite serialises
the transaction with BEGIN IMMEDIATE (one writer at a time); PostgreSQL with a
transaction-scoped advisory lock per key, taken first and in sorted order (no
deadlock) and released by the commit, so the count a transaction reads (READ
COMMITTED: each statement sees what earlier lock holders committed) cannot change
before it inserts. A refused attempt returns before writing anything.

Rows are `Attempt` entities and carry their expiry: each counted attempt deletes a
small batch of expired rows in one statement (PostgreSQL skips rows another
transaction holds), its table and column names taken from the entity. Only a
SHA-256 of each key is stored. Times come from `storage.clock`, so tests can move
past a window; rows keep them in whole microseconds since the epoch.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from pony.orm import Database, select

from storage.clock import clock
from storage.orm.db import database, dialect
from storage.orm.entities import column
from storage.orm.transactions import transaction

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


def _window(key: AttemptKey) -> int:
    return round(key.window_s * _US)


def _lock(orm: Database, keys: Sequence[AttemptKey]) -> None:
    """PostgreSQL: hold each key's advisory lock until the transaction ends, taken in
    sorted order so two attempts sharing keys never wait for each other in a cycle."""
    for key_hash in sorted({_hash(k.key) for k in keys}):
        orm.execute("SELECT pg_advisory_xact_lock($space, $lock)", {},
                    {"space": _LOCK_SPACE, "lock": _lock_id(key_hash)})


def _latest(orm: Database, key: AttemptKey, now: int) -> list[int]:
    """When (µs) the key's latest attempts within its window were made, newest first;
    `limit` of them at most (all a decision needs). Two attempts in one microsecond
    are two values (no DISTINCT)."""
    key_hash, since = _hash(key.key), now - _window(key)
    query = select(a.at for a in orm.Attempt if a.key_hash == key_hash and a.at > since)
    return [int(at) for at in query.without_distinct().order_by(-1)[:key.limit]]


@functools.lru_cache(maxsize=16)  # one per bound Database (a test run opens several)
def _prune_statement(orm: Database, sql_dialect: str) -> str:
    """The DELETE of at most PRUNE_BATCH expired rows (`$now`: epoch µs), its names
    taken from the `Attempt` entity; PostgreSQL skips rows another transaction holds."""
    attempt = orm.Attempt
    table = f'"{attempt._table_}"'
    row_id, expires = (f'"{column(attr)}"' for attr in (attempt.id, attempt.expires))
    skip = " FOR UPDATE SKIP LOCKED" if sql_dialect == "postgres" else ""
    return (f"DELETE FROM {table} WHERE {row_id} IN (SELECT {row_id} FROM {table}"
            f" WHERE {expires} < $now LIMIT {PRUNE_BATCH}{skip})")


@transaction(write=True)
def count_attempt(keys: Sequence[AttemptKey]) -> AttemptCount:
    """Count one attempt against every key, unless one of them is at its limit already:
    then nothing is counted. Atomic across threads, processes and servers sharing the
    database (see the module's docstring); one transaction, committed on return.
    Raises the driver's error (through Pony's wrapper) if the database still refuses
    after the storage retries (SQLite: busy for longer than its timeout).

    A key is at its limit when its `limit`-th latest attempt is within the window; it
    has room again when that attempt leaves the window. An attempt that brings a key
    to `limit` leaves it full until its (`limit` - 1)-th latest before it, or itself
    for a limit of 1, leaves the window."""
    now = round(clock.now().timestamp() * _US)
    orm, sql_dialect = database(), dialect()
    if sql_dialect == "postgres":  # before any read: the reads see earlier holders' rows
        _lock(orm, keys)
    latest = [(k, _latest(orm, k, now)) for k in keys]
    refused = [ats[-1] + _window(k) for k, ats in latest if len(ats) == k.limit]
    if refused:  # nothing written: the commit only ends the transaction and its locks
        return AttemptCount(refused_until=max(refused) / _US)
    for k in keys:
        orm.Attempt(key_hash=_hash(k.key), at=now, expires=now + _window(k))
    orm.execute(_prune_statement(orm, sql_dialect), {}, {"now": now})  # flushes the rows first
    full = [(ats[-1] if ats else now) + _window(k)
            for k, ats in latest if len(ats) == k.limit - 1]
    return AttemptCount(full_until=max(full) / _US if full else None)


@transaction(write=True)
def clear_attempts(keys: Sequence[str]) -> None:
    """Forget every attempt counted against these keys (a successful login clears its
    account's failures). Committed on return."""
    if not keys:
        return
    hashes = [_hash(k) for k in keys]
    select(a for a in database().Attempt if a.key_hash in hashes).delete(bulk=True)


@transaction(write=True)
def forget_attempt(key: str) -> None:
    """Take back the latest attempt counted against `key`, if any (a login counted
    against its address before the password was known, which then proved right).
    Committed on return."""
    key_hash = _hash(key)
    attempt = database().Attempt
    latest = select((a.at, a.id) for a in attempt if a.key_hash == key_hash
                    ).order_by(-1, -2).first()
    if latest is not None:
        latest_id = latest[1]
        select(a for a in attempt if a.id == latest_id).delete(bulk=True)
