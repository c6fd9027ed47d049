"""Fixtures for the portal's test-client tests: `app`, `client`, `runner` and `applicant`,
whose methods are the user's steps (register, log in, create a dossier, fill a section...).

The database is the one DATABASE_URL names (unset: SQLite in a temporary folder),
emptied before each test. The app's store is current for the whole test, so a test
may call storage directly; a thread it starts binds the store itself.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from pony.orm import set_sql_debug
from werkzeug.test import TestResponse

import storage
from engine import Registry
from engine.email_address import normalized_email
from storage.inbox.outbox import recent_emails
from tests import definitions
from tests.definitions import ESSAI, IDENTITE, RENDEZ_VOUS
from tests.smtp import SmtpServer
from web import create_app, store_of
from web.background.mailer import send_pending

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
PASSWORD = "motdepasse-solide"

MARIA = {
    "email": "maria.valdero@example.com", "family_names": "Valdero", "given_names": "Maria",
    "sex": "F", "birth_date": "2000-01-01", "birth_city": "Paris", "birth_country": "France",
    "address_line1": "20 rue Monge", "country": "France", "city": "Paris",
    "postal_code": "75005", "phone_home_code": "33", "phone_home": "55555555",
}


ACTIVATION_LINK = re.compile(r"http://127\.0\.0\.1:8000(/inscription/activer/[A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Sent:
    to: str
    subject: str
    body: str


SENT: list[Sent] = []


class Recorder:
    """A transport keeping what it sends (in SENT)."""

    def send(self, to: str, subject: str, body: str, message_id: str | None = None) -> None:
        SENT.append(Sent(to, subject, body))


@pytest.fixture(autouse=True)
def _nothing_sent_yet():
    SENT.clear()


def delivered() -> list[Sent]:
    """Send the outbox now, all of it, as the worker does after the response: what went
    out."""
    before = len(SENT)
    while storage.pending_emails(limit=1):
        send_pending(Recorder())
    return SENT[before:]


def activation_path(email: str) -> str:
    """The link of the newest activation email sent to `email` (the outbox sent first)."""
    delivered()
    address = (normalized_email(email) or email).lower()
    return next(found.group(1) for e in reversed(SENT) if e.to == address
                and (found := ACTIVATION_LINK.search(e.body)))


def emails() -> list[storage.EmailView]:
    """The outbox, newest first, without the registrations' emails (each applicant of a
    test registered: its activation email is there, sent)."""
    return [e for e in recent_emails() if e.purpose != storage.SIGNUP_PURPOSE]


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The portal's dossier types: tests/definitions/ (essai, atelier), never forms/."""
    return definitions.registry()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("instance"))


@pytest.fixture
def app(registry: Registry, instance_dir: str) -> Iterator[Flask]:
    """The portal on the suite's database, emptied; its store current for the test."""
    yield from portal(registry, instance_dir)


class CompiledTemplates(BytecodeCache):
    """Jinja's compiled templates kept in memory for the whole session, shared by every
    test's portal: each test builds its own app, whose new Jinja environment would
    otherwise compile again each template it renders (0.1-0.3 s a test). Jinja keys
    each entry by the template's name and a checksum of its source, so a template is
    still compiled from its source, once."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = CompiledTemplates()


def portal(registry: Registry, instance_dir: str, **config: Any) -> Iterator[Flask]:
    """The `app` fixture's portal, with `config` added (for a fixture of a test module's
    own that needs other settings). A new app for every test (a test may add routes or
    hooks); templates compiled once a session (TEMPLATES)."""
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "INSTANCE_PATH": instance_dir,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or None, "REGISTRY": registry,
        **config,
    })
    app.jinja_env.bytecode_cache = TEMPLATES
    store = store_of(app)
    with store.bound():
        storage.reset_db()
        storage.clock.reset()
        yield app
        storage.clock.reset()
    store.disconnect()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask, monkeypatch: pytest.MonkeyPatch):
    """`guichet` commands compile "forms/" for their dossier types: here tests/definitions/."""
    monkeypatch.setattr("engine.pipeline.forms_dir", lambda: definitions.DIRECTORY)
    return app.test_cli_runner()


class Applicant:
    """One person at one browser (a test client), doing the guide's steps."""

    def __init__(self, client: FlaskClient, profile: dict[str, str] | None = None) -> None:
        self.client = client
        self.profile = dict(profile or MARIA)
        self.last: TestResponse | None = None

    # --- plumbing: every POST carries the CSRF token a page gave
    def token(self) -> str:
        html = self.last.get_data(as_text=True) if self.last is not None else ""
        found = CSRF.search(html)
        if not found:
            found = CSRF.search(self.client.get("/connexion").get_data(as_text=True))
        return found.group(1)

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        self.last = self.client.get(url, **kwargs)
        return self.last

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        data = {**(data or {}), "csrf_token": self.token()}
        self.last = self.client.post(url, data=data, **kwargs)
        return self.last

    def post_counting_sql(self, url: str, data: dict[str, Any], caplog: pytest.LogCaptureFixture
                          ) -> tuple[TestResponse, list[str]]:
        """Open `url`, then post `data` to it: the answer, and the SQL statements the
        POST ran (their text, without values), from Pony's log."""
        self.get(url)
        caplog.clear()
        set_sql_debug(True, show_values=False)
        try:
            with caplog.at_level(logging.INFO, logger="pony.orm.sql"):
                response = self.post(url, data)
        finally:
            set_sql_debug(False)
        return response, [r.getMessage() for r in caplog.records if r.name == "pony.orm.sql"]

    # --- the user's steps
    def register(self, **changes: str) -> TestResponse:
        """Créer un compte, follow the link of its activation email, log in: the login's
        answer (302 to Mes dossiers). The registration's own answer when it is not the
        "email sent" page (errors: 422; too many: 429; shown again: 200 with the form)."""
        response = self.register_only(**changes)
        if response.status_code != 200 or 'action="/inscription"' in response.get_data(
                as_text=True):
            return response
        with store_of(self.client.application).bound():  # this browser's portal's outbox
            path = activation_path(self.profile["email"])
        self.get(path)
        assert self.post(path).status_code == 302
        return self.login()

    def register_only(self, **changes: str) -> TestResponse:
        """Créer un compte, and nothing more: the registration's answer."""
        self.profile.update(changes)
        self.get("/inscription")
        return self.post("/inscription", {**self.profile, "password": PASSWORD,
                                          "password_confirm": PASSWORD})

    def login(self, email: str | None = None, password: str = PASSWORD) -> TestResponse:
        self.get("/connexion")
        return self.post("/connexion", {"email": email or self.profile["email"],
                                        "password": password})

    def logout(self) -> TestResponse:
        self.get("/deconnexion")
        return self.post("/deconnexion")

    def switch_language(self, lang: str, next_url: str = "/dossiers/") -> TestResponse:
        return self.post("/langue", {"lang": lang, "next": next_url})

    def create_dossier(self, type_id: str = ESSAI) -> str:
        self.get("/dossiers/nouveau")
        response = self.post("/dossiers/nouveau", {"type_id": type_id, "mode": "new"})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.location.split("/")[2]

    def section_url(self, number: str, section: str) -> str:
        return f"/dossiers/{number}/sections/{section}"

    def version(self, number: str, section: str) -> str:
        html = self.get(self.section_url(number, section)).get_data(as_text=True)
        return re.search(r'name="version" value="(\d+)"', html).group(1)

    def fill(self, number: str, section: str, answers: dict[str, Any]) -> TestResponse:
        """Open the section, answer, ENREGISTRER (a plain POST, as without JavaScript)."""
        version = self.version(number, section)
        return self.post(self.section_url(number, section), {**answers, "version": version})

    def refresh(self, number: str, section: str, answers: dict[str, Any],
                htmx: bool = True) -> TestResponse:
        version = self.version(number, section)
        headers = {"HX-Request": "true"} if htmx else {}
        return self.post(self.section_url(number, section) + "/actualiser",
                         {**answers, "version": version}, headers=headers)

    def fill_all(self, number: str) -> None:
        """Every section of an essai dossier, validly (tests.definitions' answers)."""
        assert self.fill(number, "identite", IDENTITE).status_code == 302
        assert self.fill(number, "rendez_vous", RENDEZ_VOUS).status_code == 302

    def submit(self, number: str) -> TestResponse:
        for step in (1, 2, 3):
            assert self.get(f"/dossiers/{number}/soumettre?etape={step}").status_code == 200
        return self.post(f"/dossiers/{number}/soumettre")

    def submitted_dossier(self, rendez_vous: dict[str, Any] | None = None) -> str:
        """Create an essai dossier, fill it (optionally other appointment answers), submit."""
        number = self.create_dossier()
        assert self.fill(number, "identite", IDENTITE).status_code == 302
        assert self.fill(number, "rendez_vous", rendez_vous or RENDEZ_VOUS).status_code == 302
        assert self.submit(number).status_code == 302
        return number


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free port; `smtp.inbox` holds what it received."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def applicant(client: FlaskClient) -> Applicant:
    return Applicant(client)


@pytest.fixture
def maria(applicant: Applicant) -> Applicant:
    """Maria, registered and logged in."""
    assert applicant.register().status_code == 302
    return applicant


@pytest.fixture
def other(app: Flask) -> Applicant:
    """Another applicant with her own browser, registered and logged in."""
    person = Applicant(app.test_client(), {**MARIA, "email": "gunter@example.com",
                                          "given_names": "Gunter", "family_names": "DiCaprio",
                                          "sex": "M"})
    assert person.register().status_code == 302
    return person


def years_ago(years: int) -> str:
    today = storage.clock.today()
    return date(today.year - years, today.month, min(today.day, 28)).isoformat()


# the back office's agents (tests/web/agents.py)
from tests.web.agents import agent, supervisor  # noqa: E402,F401
