"""Attempt counts in the database (storage/attempts.py): one atomic count-and-decide
shared by every thread and process, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import storage
from storage.orm.db import database

WINDOW = 15 * 60.0


def _key(key: str = "account:maria@example.com", limit: int = 5) -> storage.AttemptKey:
    return storage.AttemptKey(key, limit, WINDOW)


def _rows() -> int:
    with storage.db_session():
        return database().select('SELECT count(*) FROM "attempt"')[0]


def test_count_attempt__sixteen_threads_at_once__exactly_the_limit_counted(db):
    barrier, lock = threading.Barrier(16), threading.Lock()
    counts: list[storage.AttemptCount] = []

    def attempt() -> None:
        with db.bound():
            barrier.wait(timeout=30)
            try:
                count = storage.count_attempt([_key(), _key("ip:192.0.2.1", 30)])
            finally:
                storage.disconnect()
            with lock:
                counts.append(count)

    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    counted = [c for c in counts if c.refused_until is None]
    assert len(counts) == 16 and len(counted) == 5
    assert len([c for c in counted if c.full_until is not None]) == 1  # the fifth: full now
    assert _rows() == 10  # five attempts, each against its two keys; the refused left none


def test_count_attempt__one_key_at_its_limit__refused_nothing_counted_on_the_others():
    storage.clock.set(storage.clock.now())
    first = storage.clock.now().timestamp()
    counts = [storage.count_attempt([_key(limit=2)]) for _ in range(2)]
    assert counts == [storage.AttemptCount(), storage.AttemptCount(full_until=first + WINDOW)]
    storage.clock.advance(timedelta(minutes=1))
    refused = storage.count_attempt([_key("ip:192.0.2.1", 30), _key(limit=2)])
    assert refused == storage.AttemptCount(refused_until=first + WINDOW)
    assert _rows() == 2  # the address's key was not counted either


def test_count_attempt__window_passed__allowed_again_and_expired_rows_deleted():
    storage.clock.set(storage.clock.now())
    for _ in range(3):
        storage.count_attempt([_key(limit=3)])
    assert storage.count_attempt([_key(limit=3)]).refused_until is not None
    storage.clock.advance(timedelta(seconds=WINDOW + 1))
    assert storage.count_attempt([_key(limit=3)]) == storage.AttemptCount()
    assert _rows() == 1  # the three old rows went with that write


def test_count_attempt__committed_on_return__another_process_refused_at_once(db):
    storage.count_attempt([_key(limit=1)])
    refused: list[storage.AttemptCount] = []

    def other_connection() -> None:  # a thread of its own: its own connection
        with db.bound():
            try:
                refused.append(storage.count_attempt([_key(limit=1)]))
            finally:
                storage.disconnect()

    thread = threading.Thread(target=other_connection)
    thread.start()
    thread.join(timeout=60)
    assert refused and refused[0].refused_until is not None
    assert _rows() == 1


def test_clear_and_forget__only_the_keys_named():
    for key in ("account:a@example.com", "account:b@example.com", "ip:192.0.2.1"):
        storage.count_attempt([_key(key, 1)])
    storage.clear_attempts(["account:a@example.com"])
    storage.forget_attempt("ip:192.0.2.1")
    assert storage.count_attempt([_key("account:a@example.com", 1)]).refused_until is None
    assert storage.count_attempt([_key("ip:192.0.2.1", 1)]).refused_until is None
    assert storage.count_attempt([_key("account:b@example.com", 1)]).refused_until is not None


def test_attempt_rows__keep_no_email_nor_address():
    storage.count_attempt([_key("account:maria@example.com"), _key("ip:192.0.2.1")])
    with storage.db_session():
        rows = database().select('SELECT "key_hash" FROM "attempt"')
    assert len(rows) == 2
    assert not any("maria" in r or "192.0.2" in r for r in rows)
