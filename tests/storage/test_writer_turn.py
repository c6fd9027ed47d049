"""SQLite's write turn across threads and processes (storage/orm/writer_turn.py): a
writer waits for the one before it, gets the turn as soon as it is handed on, and never
waits past its timeout."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import storage
from storage.orm.writer_turn import WriterTurn
from tests.definitions import ESSAI


def _hold(path: str, held: Any, go: Any) -> None:
    """In a child process: take the turn of `path`, say so, keep it until told."""
    turn = WriterTurn(path)
    turn.acquire(5)
    held.set()
    go.wait(10)
    turn.release()


@contextmanager
def holding(path: str) -> Iterator[tuple[str, Any, Any]]:
    """A child process holding the turn of the database file `path`: (path, process,
    the event that lets it release)."""
    context = multiprocessing.get_context("spawn")
    held, go = context.Event(), context.Event()
    child = context.Process(target=_hold, args=(path, held, go))
    child.start()
    assert held.wait(30), "the child never took the turn"
    yield path, child, go
    go.set()
    child.join(10)
    if child.is_alive():
        child.kill()


@pytest.fixture
def child_holding(tmp_path):
    with holding(str(tmp_path / "guichet.sqlite3")) as held:
        yield held


def test_turn__held_by_another_process__waits_then_refused_past_the_timeout(child_holding):
    path, _child, _go = child_holding
    turn = WriterTurn(path)
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        turn.acquire(0.3)
    assert 0.3 <= time.monotonic() - started < 2
    # refused, the turn is not half taken: this process's next writer is not blocked
    assert turn._threads.acquire(timeout=0)


def test_turn__handed_on_by_another_process__taken_at_once(child_holding):
    path, _child, go = child_holding
    turn = WriterTurn(path)
    threading.Timer(0.3, go.set).start()
    started = time.monotonic()
    turn.acquire(10)
    waited = time.monotonic() - started
    turn.release()
    assert 0.25 <= waited < 0.5  # not SQLite's pauses growing to 100 ms and more


def _hold_until_killed(path: str, held: Any) -> None:
    """In a child process: take the turn of `path`, say so, keep it until killed."""
    WriterTurn(path).acquire(5)
    held.set()
    time.sleep(60)


def test_turn__holder_killed__turn_free(tmp_path):
    path = str(tmp_path / "guichet.sqlite3")
    context = multiprocessing.get_context("spawn")
    held = context.Event()
    child = context.Process(target=_hold_until_killed, args=(path, held))
    child.start()
    assert held.wait(30), "the child never took the turn"
    os.kill(child.pid, signal.SIGKILL)
    child.join(10)
    turn = WriterTurn(path)
    turn.acquire(1)  # a dead holder holds nothing: the system let the lock go
    turn.release()


def test_turn__threads_of_one_store__one_at_a_time(tmp_path):
    turn = WriterTurn(str(tmp_path / "db"))
    inside, most = 0, 0
    lock = threading.Lock()

    def write() -> None:
        nonlocal inside, most
        for _ in range(20):
            turn.acquire(5)
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.001)
            with lock:
                inside -= 1
            turn.release()

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1


def test_turn__two_stores_of_one_process__exclude_each_other(tmp_path):
    path = str(tmp_path / "db")
    first, second = WriterTurn(path), WriterTurn(path)
    first.acquire(1)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.acquire(0.1)
    first.release()
    second.acquire(1)
    second.release()


def test_create__turn_held_by_another_process__waits_for_it_then_creates(
        store, registry, account):
    """A store's write transaction queues on the turn: it waits for the holder, then
    writes (SQLite only: PostgreSQL locks rows, and has no turn)."""
    if store.target.kind != "sqlite":
        assert store.writer_turn is None
        return
    with holding(store.target.location) as (_path, _child, go):
        threading.Timer(0.3, go.set).start()
        started = time.monotonic()
        number = storage.create_dossier(registry, account.id, ESSAI).number
        assert time.monotonic() - started >= 0.25
    assert [d.number for d in storage.list_dossiers(account.id)] == [number]
