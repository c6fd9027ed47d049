"""Login limits under the real `guichet serve`: two servers of two gunicorn workers each,
sharing one database (the suite's: SQLite in a temporary folder, or DATABASE_URL's
PostgreSQL), with no Redis. The limit is one count for every worker of every server,
and parallel guesses are counted before the password is looked at."""

from __future__ import annotations

import http.client
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from bench.servers import free_port, start, stop
from tests.web.conftest import PASSWORD
from tests.web.served import emptied_database, server_env

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
WRONG = "mauvais-mot-de-passe"
LIMIT = 5  # web/config.py's "login" rule: 5 attempts in 15 minutes per account


@pytest.fixture(scope="module")
def servers() -> Iterator[list[int]]:
    """The ports of two `guichet serve` (2 workers, 4 threads each) on one emptied
    database holding two accounts, with the shipped settings (no limit setting)."""
    instance = tempfile.mkdtemp(prefix="guichet-limits-")
    url = emptied_database(instance, ("seq@example.com", "par@example.com"))
    env = server_env(instance, url, GUICHET_WORKERS="2", GUICHET_THREADS="4")
    procs = []
    try:
        for _ in range(2):
            port = free_port()
            procs.append((port, start([sys.executable, "-m", "web.cli", "serve", "--port",
                                       str(port), "--no-background"], env, port, instance)))
        yield [port for port, _ in procs]
    finally:
        for _, proc in procs:
            stop(proc)


def _login(port: int, email: str, password: str,
           ready: threading.Barrier | None = None) -> http.client.HTTPResponse:
    """The login page, then its form posted (after `ready`, when given), on a new
    connection each: gunicorn hands it to whichever worker accepts it first."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/connexion")
    page = conn.getresponse()
    token = CSRF.search(page.read().decode()).group(1)
    cookie = SimpleCookie(page.getheader("Set-Cookie"))
    conn.close()
    if ready is not None:
        ready.wait(timeout=60)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/connexion",
                 urlencode({"email": email, "password": password, "csrf_token": token}),
                 {"Content-Type": "application/x-www-form-urlencoded",
                  "Cookie": "; ".join(f"{k}={m.value}" for k, m in cookie.items())})
    response = conn.getresponse()
    response.body = response.read().decode()
    conn.close()
    return response


def test_serve__wrong_passwords_across_workers_and_servers__one_limit_right_one_refused(
        servers):
    answers = [_login(servers[i % 2], "seq@example.com", WRONG) for i in range(LIMIT + 1)]
    assert [r.status for r in answers] == [401] * (LIMIT - 1) + [429, 429]
    right = [_login(port, "seq@example.com", PASSWORD) for port in servers]
    assert [r.status for r in right] == [429, 429]
    for refused in answers[LIMIT - 1:] + right:
        assert "Trop de tentatives" in refused.body and "réessayer dans 15 min." in refused.body
        assert 0 < int(refused.getheader("Retry-After")) <= 15 * 60


def test_serve__sixteen_simultaneous_wrong_passwords__only_the_limit_evaluated(servers):
    ready = threading.Barrier(16)
    answers: list[int] = []

    def guess(i: int) -> None:
        answers.append(_login(servers[i % 2], "par@example.com", WRONG, ready).status)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # each attempt is counted before its password is checked: five are checked, the
    # fifth says at once that the account is now refused (429), the eleven others
    # are refused unchecked
    assert sorted(answers) == [401] * (LIMIT - 1) + [429] * (16 - LIMIT + 1)
    assert _login(servers[0], "par@example.com", PASSWORD).status == 429
