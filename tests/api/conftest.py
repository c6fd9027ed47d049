"""Fixtures for the JSON API's tests: a portal serving forms/ (Accompagnement Québec and
the other shipped types), a test client, applicants with an AQ-eligible profile, and the
bearer headers of their access tokens.

The database is the one DATABASE_URL names (unset: SQLite in a temporary folder),
emptied before each test; the app's store is current for the whole test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import storage
from engine import Registry, load_registry
from tests.web.conftest import portal

PASSWORD = "motdepasse-solide"
ACCESS_SECONDS = 900
REFRESH_SECONDS = 30 * 24 * 3600

MARIA = {
    "family_names": "Valdero", "given_names": "Maria", "sex": "F",
    "birth_date": "1990-01-01", "birth_city": "Paris", "birth_country": "France",
    "address_line1": "20 rue Monge", "country": "France", "city": "Paris",
    "postal_code": "75005", "phone_home_code": "33", "phone_home": "55555555",
}
AMIR = {**MARIA, "family_names": "Haddad", "given_names": "Amir", "sex": "M"}

AQ = "accompagnement-quebec"
# forms/accompagnement-quebec.tests.yaml's base: a complete, valid dossier, by section
VALID_BY_SECTION: dict[str, dict[str, Any]] = {
    "identification": {"statut_immigration": "citoyen_canadien",
                       "detail_statut": "citoyen_naturalise_selectionne_quebec",
                       "a_numero_mifi": True, "numero_mifi": "ABC12345",
                       "a_numero_ircc": False},
    "premier_rendez_vous": {"ville": "montreal", "type_rendez_vous": "virtuel",
                            "francais_suffisant": True, "disponibilites": ["lundi_matin"]},
}
SECTIONS = tuple(VALID_BY_SECTION)
VALID = {k: v for answers in VALID_BY_SECTION.values() for k, v in answers.items()}
# another valid identification (a permanent resident), and the appointment section
IDENT = {"statut_immigration": "resident_permanent", "detail_statut": "rp_selectionne_quebec",
         "a_numero_mifi": True, "numero_mifi": "AB123456", "a_numero_ircc": False}
RDV = VALID_BY_SECTION["premier_rendez_vous"]


@dataclass(frozen=True)
class Person:
    """An applicant of the tests: account id, email, password, and the bearer headers
    of a fresh access token (`headers`)."""

    account_id: int
    email: str
    password: str
    headers: dict[str, str]


@pytest.fixture(scope="session")
def api_registry() -> Registry:
    """The shipped dossier types (forms/)."""
    return load_registry()


@pytest.fixture(scope="session")
def api_instance(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("api-instance"))


def api_portal(registry: Registry, instance: str, **config: Any) -> Iterator[Flask]:
    """A portal on the suite's database, emptied, with `config` added; its store current
    (tests/web's `portal`, for `registry`)."""
    yield from portal(registry, instance, **config)


@pytest.fixture
def api_app(api_registry: Registry, api_instance: str) -> Iterator[Flask]:
    yield from api_portal(api_registry, api_instance)


@pytest.fixture
def api(api_app: Flask) -> FlaskClient:
    """A test client of the API app (it keeps no cookie the API would set: none)."""
    return api_app.test_client()


def make_person(email: str, profile: dict[str, str], lang: str = "fr") -> Person:
    """An active account with `profile`, and bearer headers of a token issued for it."""
    account = storage.create_account(email, storage.hash_password(PASSWORD), profile, lang)
    pair = storage.issue_tokens(account.id, ACCESS_SECONDS, REFRESH_SECONDS)
    return Person(account.id, account.email, PASSWORD,
                  {"Authorization": f"Bearer {pair.access_token}"})


def valid_draft(registry: Registry, account_id: int,
                answers: dict[str, Any] | None = None) -> storage.DossierView:
    """A new AQ draft of the account, each section saved with `answers` (VALID by
    default), through storage."""
    dossier = storage.create_dossier(registry, account_id, AQ)
    for section in SECTIONS:
        dossier = storage.save_section(registry, account_id, dossier.number, section,
                                       dict(VALID if answers is None else answers),
                                       dossier.version)
    return dossier


@pytest.fixture
def applicant(api_app: Flask) -> Person:
    """Maria, eligible for Accompagnement Québec, with a valid access token."""
    return make_person("maria.valdero@example.com", MARIA)


@pytest.fixture
def other(api_app: Flask) -> Person:
    """Amir, another applicant, with his own valid access token."""
    return make_person("amir.haddad@example.com", AMIR)


def at_once(app: Flask, send: Callable[[FlaskClient], Any]) -> list[tuple[int, bytes]]:
    """Two requests made by `send(client)` at the same moment, each on its own client in
    its own thread (each request binds the app's store itself): their (status, body),
    in the order they finished."""
    barrier = threading.Barrier(2)
    responses: list[tuple[int, bytes]] = []

    def post() -> None:
        client = app.test_client()
        barrier.wait()
        response = send(client)
        responses.append((response.status_code, response.data))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return responses

