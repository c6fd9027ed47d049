"""A database that hangs costs a request seconds, not minutes: 503 with Retry-After within
the configured timeouts, pages that need no database keep answering, service comes back
by itself (issue 13, item 6).

PostgreSQL frozen (its processes stopped while its kernel still accepts and acknowledges)
is played by a proxy that stops forwarding (tests/frozen_database.py): the shared server
itself is never stopped. A lock held by another connection (SQLite: a write transaction
left open; PostgreSQL: a table lock) is the hang of both databases. Each request runs in
a thread with a time limit, so a hang fails the test instead of stalling the suite.

`guichet serve` itself behind the frozen proxy: tests/web/test_database_hangs_served.py.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import psycopg2
import pytest
from flask import Flask

from storage.orm.db import current_store
from tests.databases import database_url, is_postgres
from tests.definitions import IDENTITE
from tests.frozen_database import FreezableProxy
from tests.web.conftest import CSRF, PASSWORD, portal
from tests.web.test_faults import assert_friendly_503

POSTGRES = is_postgres(database_url())
TIMEOUT_S = 1.0  # each of connect, statement and lock, in this file's portal
# a frozen server: the statement's deadline (its timeout + 1 s), then one reconnection
WORST_S = TIMEOUT_S + 1.0 + TIMEOUT_S
TIMEOUTS = {"DATABASE_CONNECT_TIMEOUT": TIMEOUT_S, "DATABASE_STATEMENT_TIMEOUT": TIMEOUT_S,
            "DATABASE_LOCK_TIMEOUT": TIMEOUT_S}


@pytest.fixture
def proxy() -> Iterator[FreezableProxy | None]:
    """On PostgreSQL, a freezable proxy to the suite's server; None on SQLite."""
    if not POSTGRES:
        yield None
        return
    with FreezableProxy.for_url(database_url()) as running:
        yield running
        running.thaw()


@pytest.fixture
def app(registry, instance_dir, proxy) -> Iterator[Flask]:
    """The portal with 1-second database timeouts, through the proxy on PostgreSQL."""
    url = proxy.url(database_url()) if proxy is not None else database_url()
    yield from portal(registry, instance_dir, DATABASE_URL=url, **TIMEOUTS)


class Timed:
    """Runs requests in one thread of its own (so its database connection lives on
    between requests, as a server thread's does), each within a time limit."""

    def __init__(self, on_hang: Callable[[], None]) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1)
        self.on_hang = on_hang

    def __call__(self, limit_s: float, request: Callable[[], object]) -> tuple[object, float]:
        """`request()`'s result and how long it took; fails the test past `limit_s`."""
        def timed() -> tuple[object, float]:
            started = time.monotonic()
            return request(), time.monotonic() - started
        future = self.pool.submit(timed)
        try:
            return future.result(timeout=limit_s)
        except FutureTimeout:
            self.on_hang()  # let the stuck request end, so the test can
            pytest.fail(f"no answer within {limit_s} s: the request hangs")


@pytest.fixture
def timed(proxy) -> Iterator[Timed]:
    runner = Timed(on_hang=proxy.thaw if proxy is not None else lambda: None)
    yield runner
    runner.pool.shutdown(wait=True, cancel_futures=True)


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: set DATABASE_URL=postgresql://...")
def test_postgres_frozen__503_with_retry_after_within_the_timeouts__then_back_by_itself(
        maria, proxy, timed):
    number = maria.create_dossier()
    section = maria.section_url(number, "identite")
    token = maria.token()
    visitor = maria.client.application.test_client()
    response, _ = timed(5, lambda: maria.client.get("/dossiers/"))
    assert response.status_code == 200  # the thread's connection is open: then it hangs

    proxy.freeze()
    # a statement in flight on the open connection, then a new connection: both bounded
    for request in (lambda: maria.client.get("/dossiers/"),
                    lambda: maria.client.post(section, data={**IDENTITE, "csrf_token": token,
                                                             "version": "1"})):
        response, took = timed(WORST_S + 10, request)
        assert took < WORST_S + 1.5, f"503 after {took:.1f} s"
        assert_friendly_503(response, "Service momentanément indisponible")
    # what needs no database answers at once: the login form, static files
    for path in ("/connexion", "/static/css/guichet.css"):
        response, took = timed(2, lambda path=path: visitor.get(path))
        response.close()
        assert response.status_code == 200 and took < 1
    # a login counts its attempt in the database before checking the password: bounded too
    login_token = CSRF.search(visitor.get("/connexion").get_data(as_text=True)).group(1)
    response, took = timed(WORST_S + 10, lambda: visitor.post("/connexion", data={
        "email": maria.profile["email"], "password": PASSWORD, "csrf_token": login_token}))
    assert took < WORST_S + 1.5, f"503 after {took:.1f} s"
    assert_friendly_503(response, "Service momentanément indisponible")

    proxy.thaw()
    response, _ = timed(WORST_S + 10, lambda: maria.client.get("/dossiers/"))
    assert response.status_code == 200
    response, _ = timed(WORST_S + 10, lambda: maria.client.post(
        section, data={**IDENTITE, "csrf_token": token, "version": "1"}))
    assert response.status_code == 302


def _hold_write_lock(app: Flask) -> Callable[[], None]:
    """Another connection takes a write lock on the dossiers and keeps it; returns the
    function that releases it. SQLite: a write transaction left open (BEGIN IMMEDIATE:
    readers go on, writers wait); PostgreSQL: LOCK TABLE dossier IN EXCLUSIVE MODE (the
    same: reads go on, writes wait)."""
    target = current_store().target
    if target.kind == "sqlite":
        conn = sqlite3.connect(target.location, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
    else:
        conn = psycopg2.connect(database_url())
        conn.cursor().execute("LOCK TABLE dossier IN EXCLUSIVE MODE")

    def release() -> None:
        conn.rollback()
        conn.close()

    return release


def test_lock_held_by_another_connection__save_answers_503_within_the_lock_timeout__then_saves(
        app, maria, timed):
    number = maria.create_dossier()
    section = maria.section_url(number, "identite")
    version = maria.version(number, "identite")
    token = maria.token()

    def save():
        return maria.client.post(section, data={**IDENTITE, "csrf_token": token,
                                                "version": version})

    release = _hold_write_lock(app)
    try:
        response, took = timed(TIMEOUT_S + 10, save)
        assert took < TIMEOUT_S + 2, f"503 after {took:.1f} s"
        assert_friendly_503(response, "Service momentanément indisponible")
        response, _ = timed(5, lambda: maria.client.get("/dossiers/"))
        assert response.status_code == 200  # reading goes on meanwhile
    finally:
        release()
    response, _ = timed(10, save)
    assert response.status_code == 302
