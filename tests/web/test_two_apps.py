"""Two portals in one process, each on its own database: neither sees the other's accounts,
dossiers, ended sessions or outbox, in views, in the session check that runs before every
view, and in the background worker's thread.

Portal A is on the suite's database (DATABASE_URL, or SQLite in the instance folder),
portal B on a SQLite file of its own. No store is made current by the test itself: a
request, hook or thread that ran without its app's store would fail, not fall back on
another one; the test binds a store explicitly only to look at a database directly.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask

import storage
from engine import Registry
from tests.smtp import SmtpServer
from tests.web.conftest import MARIA, Applicant
from web import create_app, store_of
from web.background.mailer import transport_for
from web.background.worker import Worker

GUNTER = {**MARIA, "email": "gunter@example.com", "given_names": "Gunter",
          "family_names": "DiCaprio", "sex": "M"}


@pytest.fixture
def two_apps(registry: Registry, instance_dir: str,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, Flask]]:
    common = {"TESTING": True, "SECRET_KEY": "test-secret", "REGISTRY": registry}
    a = create_app({**common, "INSTANCE_PATH": instance_dir,
                    "DATABASE_URL": os.environ.get("DATABASE_URL") or None})
    b = create_app({**common, "INSTANCE_PATH": str(tmp_path_factory.mktemp("portal-b")),
                    "DATABASE_URL": None})
    assert store_of(a).target != store_of(b).target
    with store_of(a).bound():
        storage.reset_db()
    storage.clock.reset()
    yield a, b
    storage.clock.reset()
    for app in (a, b):
        store_of(app).disconnect()


def on(app: Flask):
    """`app`'s store made current, to read its database directly."""
    return store_of(app).bound()


def sid(person: Applicant) -> str:
    with person.client.session_transaction() as session:
        return session["sid"]


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker did not do its round"
        time.sleep(0.05)


def unread_shown(person: Applicant) -> int:
    """The envelope's count on the dossiers page (counted by the session check)."""
    found = re.search(r'class="envelope__count"[^>]*>(\d+)<',
                      person.get("/dossiers/").get_data(as_text=True))
    return int(found.group(1)) if found else 0


def logged_in(person: Applicant) -> bool:
    response = person.get("/dossiers/")
    return response.status_code == 200 and "/deconnexion" in response.get_data(as_text=True)


def test_two_apps__two_databases__accounts_and_dossiers_seen_only_by_their_own_app(two_apps):
    a, b = two_apps
    maria, gunter = Applicant(a.test_client()), Applicant(b.test_client(), GUNTER)
    assert maria.register().status_code == 302
    assert gunter.register().status_code == 302
    number_a = maria.create_dossier()
    number_b = gunter.create_dossier()
    with on(a):
        (mine,) = storage.list_dossiers(storage.find_account_by_email(MARIA["email"]).id)
        assert mine.number == number_a
        assert storage.find_account_by_email(GUNTER["email"]) is None
    with on(b):
        (his,) = storage.list_dossiers(storage.find_account_by_email(GUNTER["email"]).id)
        assert his.number == number_b
        assert storage.find_account_by_email(MARIA["email"]) is None
    # the same email registers on B too: two accounts tables, Maria's B account is empty
    twin = Applicant(b.test_client())
    assert twin.register().status_code == 302
    with on(b):
        assert storage.list_dossiers(storage.find_account_by_email(MARIA["email"]).id) == []
    assert maria.get(f"/dossiers/{number_a}/sections/identite").status_code == 200


def test_two_apps__session_ended_in_one_database__only_that_app_refuses_it(two_apps):
    a, b = two_apps
    maria, gunter = Applicant(a.test_client()), Applicant(b.test_client(), GUNTER)
    assert maria.register().status_code == 302
    assert gunter.register().status_code == 302
    until = storage.clock.now() + timedelta(hours=1)
    with on(b):
        storage.end_session(sid(maria), until)  # in B's database: nothing to do with A
    with on(a):
        storage.end_session(sid(gunter), until)
    for _ in range(2):  # requests to both, interleaved: each session check reads its own
        assert logged_in(maria) and logged_in(gunter)
    with on(a):
        storage.end_session(sid(maria), until)
    assert not logged_in(maria)
    assert logged_in(gunter)
    with on(b):
        storage.end_session(sid(gunter), until)
    assert not logged_in(gunter)


def test_two_apps__submissions__envelopes_and_worker_rounds_each_on_its_own_database(
        two_apps, smtp: SmtpServer):
    a, b = two_apps
    maria, gunter = Applicant(a.test_client()), Applicant(b.test_client(), GUNTER)
    assert maria.register().status_code == 302
    assert gunter.register().status_code == 302
    maria.submitted_dossier()
    assert (unread_shown(maria), unread_shown(gunter)) == (1, 0)
    gunter.submitted_dossier()
    assert (unread_shown(maria), unread_shown(gunter)) == (1, 1)
    transport = transport_for(smtp.url)
    with on(a):
        maria_id = storage.find_account_by_email(MARIA["email"]).id
    with on(b):
        gunter_id = storage.find_account_by_email(GUNTER["email"]).id

    def done(app: Flask, account_id: int) -> bool:
        with on(app):
            return not storage.pending_emails() and all(
                d.ready for d in storage.list_documents(account_id))

    worker = Worker(store_of(a), transport, interval=60).start()  # a round at start
    try:
        wait_for(lambda: done(a, maria_id))
    finally:
        worker.stop()
    assert [r.rcpt_tos for r in smtp.inbox.received] == [(MARIA["email"],)]
    with on(b):  # untouched by A's worker
        assert [e.to for e in storage.pending_emails()] == [GUNTER["email"]]
        assert [d.ready for d in storage.list_documents(gunter_id)] == [False]

    worker = Worker(store_of(b), transport, interval=60).start()
    try:
        wait_for(lambda: done(b, gunter_id))
    finally:
        worker.stop()
    assert [r.rcpt_tos[0] for r in smtp.inbox.received] == [MARIA["email"], GUNTER["email"]]
