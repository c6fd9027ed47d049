"""The database out of reach for a moment: a friendly 503 in the applicant's language with
the request id (no traceback), then the same running app serves again by itself.

On any database: new connections refused for a moment (this thread's connection dropped,
connecting fails). On PostgreSQL, for real: every backend of the database terminated and
new connections refused (ALTER DATABASE ... ALLOW_CONNECTIONS false), then allowed again.

The other faults of the issue have their own tests: SMTP down never blocks a submission
(tests/web/test_mail.py), a crash between two steps of a submission leaves nothing
half-done (tests/storage/test_submit.py); see docs/security.md.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

import storage
from storage.orm.db import database, dialect
from tests.databases import database_url, is_postgres
from tests.web.conftest import Applicant


@pytest.fixture
def unreachable(monkeypatch):
    """Call it to make the database unreachable (connecting fails) until `.undo()`."""
    provider = database().provider
    pool_class = type(provider.pool)

    def refuse(*args, **kwargs):
        raise provider.dbapi_module.OperationalError("could not connect to the database")

    class Outage:
        def __call__(self) -> None:
            storage.disconnect()
            monkeypatch.setattr(pool_class, "_connect", refuse)

        def undo(self) -> None:
            monkeypatch.undo()

    return Outage()


def assert_friendly_503(response, title: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert title in page and response.headers["X-Request-Id"] in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert int(response.headers["Retry-After"]) > 0


def test_database_unreachable__pages_that_need_it__503_friendly_then_back_by_itself(
        maria, unreachable, caplog):
    number = maria.create_dossier()
    section = maria.section_url(number, "identite")
    token = maria.token()
    unreachable()
    assert_friendly_503(maria.get("/dossiers/"), "Service momentanément indisponible")
    assert_friendly_503(maria.client.post(section, data={"csrf_token": token, "version": "1"}),
                        "Service momentanément indisponible")
    with maria.client.session_transaction() as session:
        session["lang"] = "en"
    assert_friendly_503(maria.get(section), "Service temporarily unavailable")
    visitor = maria.client.application.test_client()
    assert visitor.get("/connexion").status_code == 200  # needs no database
    unreachable.undo()
    assert maria.get("/dossiers/").status_code == 200
    assert maria.get(section).status_code == 200


def test_database_unreachable__logged_with_the_request_id(maria, unreachable, caplog):
    unreachable()
    response = maria.get("/dossiers/")
    unreachable.undo()
    records = [r for r in caplog.records if r.getMessage().startswith("database unreachable")]
    assert records and records[0].request_id == response.headers["X-Request-Id"]
    # one line per refused request, with the driver's reason, no traceback
    assert records[0].exc_info is None and records[0].cause and records[0].reason


def test_other_database_error__not_mistaken_for_an_outage(app):
    from web.http.faults import database_unreachable

    assert not database_unreachable(ValueError("a bug"))
    assert not database_unreachable(storage.NotFound("dossier"))


POSTGRES = is_postgres(database_url())


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: set DATABASE_URL=postgresql://...")
def test_postgres_backends_terminated_and_refused__503_then_back_without_restart(maria):
    import psycopg2

    assert dialect() == "postgres"
    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = psycopg2.connect(url._replace(path="/postgres").geturl())
    admin.autocommit = True
    number = maria.create_dossier()
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        assert_friendly_503(maria.get("/dossiers/"), "Service momentanément indisponible")
        assert_friendly_503(maria.get("/dossiers/"), "Service momentanément indisponible")
        # counting a login attempt is a storage call like the others (storage/attempts.py)
        visitor = Applicant(maria.client.application.test_client())
        assert_friendly_503(visitor.login(maria.profile["email"]),
                            "Service momentanément indisponible")
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()
    assert maria.get("/dossiers/").status_code == 200
    assert maria.fill(number, "identite", {"a_numero": "true"}).status_code == 302


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only: set DATABASE_URL=postgresql://...")
def test_postgres_backends_terminated__next_request_reconnects_transparently(maria):
    import psycopg2

    url = urlsplit(os.environ["DATABASE_URL"])
    assert maria.get("/dossiers/").status_code == 200
    admin = psycopg2.connect(url._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s AND pid <> pg_backend_pid()", (url.path[1:],))
    admin.close()
    assert maria.get("/dossiers/").status_code in (200, 503)
    assert maria.get("/dossiers/").status_code == 200
