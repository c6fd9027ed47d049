"""Every wait on the database is bounded by the store's Timeouts (storage/orm/deadlines.py):
a writer waits for another at most the lock timeout, a frozen PostgreSQL fails a statement
and a connection within their timeouts, and the store works again once it answers."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator

import psycopg2
import pytest
from pony.orm.dbapiprovider import OperationalError

import storage
from storage.orm.db import database
from storage.orm.deadlines import statements_unbounded
from storage.orm.transactions import transaction
from tests.databases import database_url, is_postgres
from tests.frozen_database import FreezableProxy

POSTGRES = is_postgres(database_url())
SHORT = storage.Timeouts(connect=0.5, statement=0.5, lock=0.5)
UNAVAILABLE = (OperationalError, sqlite3.OperationalError)  # what the web answers 503 to


def test_timeouts__not_seconds_above_zero__refused():
    for wrong in (0, -1, float("inf"), float("nan"), "3"):
        with pytest.raises(ValueError, match="seconds above 0"):
            storage.Timeouts(connect=wrong)


@pytest.fixture
def short_store(instance_dir, registry) -> Iterator[storage.Store]:
    """A second store on the suite's database, with half-second timeouts."""
    store = storage.open_store(database_url(), instance_dir, registry=registry,
                               timeouts=SHORT)
    yield store
    store.disconnect()


def test_writer__another_writer_of_the_process_holds_the_row__refused_within_the_lock_timeout(
        short_store, account):
    holding, done = threading.Event(), threading.Event()

    @transaction(write=True)
    def slow_write() -> None:  # a storage call of another thread that takes its time
        database().Account[account.id].lang = "en"
        database().flush()
        holding.set()
        done.wait(10)

    def hold() -> None:
        with short_store.bound():
            slow_write()
            storage.disconnect()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        with short_store.bound():
            started = time.monotonic()
            with pytest.raises(UNAVAILABLE):  # SQLite: this process's writers take turns
                storage.set_lang(account.id, "fr")
            took = time.monotonic() - started
            storage.disconnect()
    finally:
        done.set()
        holder.join(10)
    assert took < SHORT.lock + 1.5, f"refused after {took:.1f} s"
    assert storage.get_account(account.id).lang == "en"  # the first writer's, committed


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: set DATABASE_URL=postgresql://...")
def test_postgres_frozen__statement_and_connection_fail_in_time__then_work_again(
        instance_dir, registry):
    with FreezableProxy.for_url(database_url()) as proxy:
        store = storage.open_store(proxy.url(database_url()), instance_dir,
                                   registry=registry, timeouts=SHORT)
        with store.bound():
            with storage.db_session():
                assert database().select("SELECT 1") == [1]  # the connection is open
            proxy.freeze()
            worst = {  # a statement in flight: its deadline, then Pony reconnects once
                "statement": SHORT.statement + 1.0 + SHORT.connect,
                "connection": SHORT.connect,
            }
            for what, limit in worst.items():
                started = time.monotonic()
                with pytest.raises(OperationalError), storage.db_session():
                    database().select("SELECT 1")
                took = time.monotonic() - started
                assert took < limit + 0.5, f"{what}: refused after {took:.1f} s"
                storage.disconnect()
            proxy.thaw()
            with storage.db_session():
                assert database().select("SELECT 1") == [1]
            storage.disconnect()


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: set DATABASE_URL=postgresql://...")
def test_postgres_slow_statement__cancelled_by_the_server_at_the_statement_timeout(short_store):
    with short_store.bound():
        started = time.monotonic()
        with pytest.raises(OperationalError, match="statement timeout"), storage.db_session():
            database().select("pg_sleep(3)")
        assert time.monotonic() - started < SHORT.statement + 0.5  # the server's own
        with statements_unbounded(), storage.db_session():  # init_db's way: no limit
            database().execute("SET LOCAL statement_timeout = 0")
            database().select("pg_sleep(1)")
        storage.init_db()
        storage.disconnect()


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: set DATABASE_URL=postgresql://...")
def test_postgres_frozen_at_start_up__store_fails_within_the_connect_timeout(
        instance_dir, registry):
    with FreezableProxy.for_url(database_url()) as proxy:
        proxy.freeze()
        started = time.monotonic()
        with pytest.raises(UNAVAILABLE):  # binding connects once: never answered
            storage.open_store(proxy.url(database_url()), instance_dir,
                               registry=registry, timeouts=SHORT)
        assert time.monotonic() - started < SHORT.connect + 1
        proxy.thaw()
        store = storage.open_store(proxy.url(database_url()), instance_dir,
                                   registry=registry, timeouts=SHORT)
        with store.bound():
            proxy.freeze()
            started = time.monotonic()
            with pytest.raises(UNAVAILABLE + (psycopg2.OperationalError,)):
                storage.init_db()  # the creation lock's own connection: never answered
            assert time.monotonic() - started < SHORT.connect + 1
            storage.disconnect()


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: set DATABASE_URL=postgresql://...")
def test_postgres_frozen__one_connection_tries_the_others_give_up_at_once__then_served(
        instance_dir, registry):
    slow = storage.Timeouts(connect=2.0, statement=2.0, lock=2.0)
    with FreezableProxy.for_url(database_url()) as proxy:
        store = storage.open_store(proxy.url(database_url()), instance_dir,
                                   registry=registry, timeouts=slow)
        proxy.freeze()

        def select_one() -> float:
            started = time.monotonic()
            try:
                with store.bound():
                    with storage.db_session():
                        database().select("SELECT 1")
            except OperationalError:
                pass
            finally:
                with store.bound():
                    storage.disconnect()
            return time.monotonic() - started

        assert select_one() >= slow.connect - 0.2  # the first finds it frozen: a timeout
        probe = threading.Thread(target=select_one)  # the next one tries again...
        probe.start()
        time.sleep(0.3)
        took = [select_one() for _ in range(5)]  # ...the others meanwhile give up at once
        assert max(took) < 0.3, took
        probe.join(10)
        proxy.thaw()
        with store.bound():  # the first after the thaw is served, and the next ones
            for _ in range(3):
                with storage.db_session():
                    assert database().select("SELECT 1") == [1]
            storage.disconnect()
