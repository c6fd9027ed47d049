"""`guichet serve` on a database that hangs: every thread of the server is not lost to it.

The real server (gunicorn, one worker of 4 threads, 1-second database timeouts),
as an operator starts it. The hang: on PostgreSQL the server frozen (a proxy that
stops forwarding: tests/frozen_database.py, the shared server is never stopped);
on SQLite, a write lock held by another connection. While it lasts, the static CSS
and the login form answer at once, pages that need the database answer 503 with
Retry-After within the timeouts, also when more of them come than the server has
threads; once the database is back, every thread serves pages again.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import storage
from tests.databases import database_url, is_postgres
from tests.frozen_database import FreezableProxy
from tests.web.conftest import MARIA, PASSWORD
from tests.web.test_serve import _free_port

POSTGRES = is_postgres(database_url())
THREADS = 4
TIMEOUT_S = 1
WORST_S = 3 * TIMEOUT_S  # a statement's deadline (timeout + 1 s), then one reconnection
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """One visitor: cookies kept, the last page's CSRF token, redirects followed."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""

    def open(self, path: str, form: dict[str, str] | None = None,
             timeout: float = 30) -> tuple[int, dict[str, str], float]:
        """(status, headers, seconds taken) of a GET, or of a POST of `form` with the token."""
        data = urlencode({**form, "csrf_token": self.token}).encode() if form else None
        started = time.monotonic()
        try:
            with self.opener.open(self.base + path, data=data, timeout=timeout) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        took = time.monotonic() - started
        if found := CSRF.search(body.decode("utf-8", "replace")):
            self.token = found.group(1)
        return status, dict(headers), took


@contextmanager
def _served(env: dict[str, str]) -> Iterator[int]:
    """`guichet serve` with `env` added, until the block ends; yields its port."""
    port = _free_port()
    guichet = Path(sys.executable).with_name("guichet")
    proc = subprocess.Popen([str(guichet), "serve", "--port", str(port), "--no-background"],
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                Browser(port).open("/connexion", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "guichet serve did not answer"
                assert proc.poll() is None, "guichet serve exited"
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@contextmanager
def _database(tmp_path: Path) -> Iterator[tuple[dict[str, str], Callable[[], Callable[[], None]]]]:
    """The server's database settings, and the function that makes the database hang
    (returning the function that ends the hang)."""
    if POSTGRES:
        with FreezableProxy.for_url(database_url()) as proxy:
            def freeze() -> Callable[[], None]:
                proxy.freeze()
                return proxy.thaw
            try:
                yield {"DATABASE_URL": proxy.url(database_url())}, freeze
            finally:
                proxy.thaw()
        return

    def lock() -> Callable[[], None]:
        conn = sqlite3.connect(tmp_path / "guichet.sqlite3", isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # writers wait for it; readers go on (WAL)

        def release() -> None:
            conn.rollback()
            conn.close()
        return release
    yield {"DATABASE_URL": ""}, lock


def _account(url: str | None, instance: str, email: str) -> None:
    """Maria's account, made in the server's database (straight to the server, never
    through the proxy), activated: she logs in with PASSWORD."""
    store = storage.open_store(url or None, instance)
    try:
        with store.bound():
            profile = {k: v for k, v in MARIA.items() if k != "email"}
            storage.create_account(email, storage.hash_password(PASSWORD), profile, lang="fr")
    finally:
        store.disconnect()


def test_guichet_serve__database_hangs__static_and_login_answer_others_503_then_back(tmp_path):
    with _database(tmp_path) as (settings, hang):
        env = {**settings, "GUICHET_INSTANCE": str(tmp_path), "GUICHET_WORKERS": "1",
               "GUICHET_THREADS": str(THREADS), "GUICHET_PROXY_FIX": "0",
               "GUICHET_DATABASE_CONNECT_TIMEOUT": str(TIMEOUT_S),
               "GUICHET_DATABASE_STATEMENT_TIMEOUT": str(TIMEOUT_S),
               "GUICHET_DATABASE_LOCK_TIMEOUT": str(TIMEOUT_S)}
        with _served(env) as port, ThreadPoolExecutor(max_workers=4 * THREADS) as pool:
            email = f"maria.{uuid.uuid4().hex}@example.com"  # the database is not emptied
            _account(settings["DATABASE_URL"] and database_url(), str(tmp_path), email)
            maria = Browser(port)
            maria.open("/connexion")
            status, _, _ = maria.open("/connexion", {"email": email, "password": PASSWORD})
            assert status == 200  # logged in, then Mes dossiers
            token = maria.token

            def needs_database() -> tuple[int, dict[str, str], float]:
                # the language switch writes the account's language: a write on both
                # databases (SQLite's lock lets reads through)
                maria.token = token
                return maria.open("/langue", {"lang": "fr", "next": "/dossiers/"})

            def needs_none(path: str) -> float:
                status, _, took = Browser(port).open(path, timeout=30)
                assert status == 200, path
                return took

            assert needs_database()[0] == 200
            end_hang = hang()
            try:
                # fewer requests than threads: what needs no database answers at once
                waiting = [pool.submit(needs_database) for _ in range(THREADS // 2)]
                time.sleep(0.3)
                for path in ("/static/css/guichet.css", "/connexion"):
                    assert needs_none(path) < 2, path
                for future in waiting:
                    status, headers, took = future.result(timeout=WORST_S + 20)
                    assert status == 503 and int(headers["Retry-After"]) > 0
                    assert took < WORST_S + 2, f"503 after {took:.1f} s"
                # twice as many as threads: each thread is free again within the timeouts
                waiting = [pool.submit(needs_database) for _ in range(2 * THREADS)]
                time.sleep(0.3)
                assert needs_none("/static/css/guichet.css") < WORST_S + 2
                for future in waiting:
                    status, _, took = future.result(timeout=4 * WORST_S + 20)
                    assert status == 503
            finally:
                end_hang()
            # back: the first request finds the database again (storage/orm/deadlines.py
            # lets one connection try while the others give up at once), then every
            # thread serves again (connections broken meanwhile replaced)
            assert needs_database()[0] == 200
            answers = [pool.submit(needs_database) for _ in range(2 * THREADS)]
            assert [future.result(timeout=60)[0] for future in answers] == [200] * 2 * THREADS
