"""`guichet demo` and the real definitions in forms/ running through storage."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

import storage
from engine import load_registry
from storage.accounts.hashing import verify_password
from web.cli.data import register

from .conftest import count

AQ_ANSWERS = {
    "identification": {"statut_immigration": "citoyen_canadien",
                       "detail_statut": "citoyen_naturalise_selectionne_quebec",
                       "a_numero_mifi": True, "numero_mifi": "ABC12345",
                       "a_numero_ircc": False},
    "premier_rendez_vous": {"ville": "montreal", "type_rendez_vous": "virtuel",
                            "francais_suffisant": True, "disponibilites": ["lundi_matin"]},
}


@pytest.fixture(scope="module")
def forms():
    return load_registry()


@pytest.fixture
def guichet(database_url, instance_dir, monkeypatch):
    """Run a `guichet` storage command against the test database."""
    main = click.Group("guichet")
    register(main)
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("GUICHET_INSTANCE", instance_dir)

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_demo__run_twice__same_rows_known_password_printed(guichet):
    first = guichet("demo")
    assert "Demo-Guichet-2026!" in first and "created  account maria.valdero" in first
    snapshot = (count("Account"), count("Dossier"), count("AuditEvent"))
    second = guichet("demo")
    assert "created" not in second and "exists   dossier G2100076952" in second
    assert (count("Account"), count("Dossier"), count("AuditEvent")) == snapshot == (3, 1, 1)
    maria = storage.find_account_by_email("maria.valdero@example.org")
    assert verify_password(maria.password_hash, "Demo-Guichet-2026!")
    assert maria.profile["address_line1"] == "20 rue Monge"
    assert (maria.profile["postal_code"], maria.profile["phone_home_code"]) == ("75005", "33")


def test_demo__gunter_links_registered_dossier__linked(guichet):
    guichet("demo")
    gunter = storage.find_account_by_email("gunter.dicaprio@example.org")
    linked = storage.link_existing(gunter.id, "accompagnement-quebec", "G2100076952")
    assert linked.owner_id == gunter.id


def test_db_init_and_expire_commands__run__report(guichet):
    assert "database ready" in guichet("db", "init")
    assert "0 dossier(s) expired" in guichet("dossiers", "expire")


def test_forms_definitions__maria_creates_saves_submits__presented(guichet, forms):
    guichet("demo")
    maria = storage.find_account_by_email("maria.valdero@example.org")
    for compiled in forms:  # every dossier type in forms/ can at least be created
        storage.create_dossier(forms, maria.id, compiled.id)
    dossier = storage.create_dossier(forms, maria.id, "accompagnement-quebec")
    version = dossier.version
    for section_id, answers in AQ_ANSWERS.items():
        version = storage.save_section(forms, maria.id, dossier.number, section_id, answers,
                                       version).version
    submitted = storage.submit(forms, maria.id, dossier.number)
    assert submitted.status == "presente" and submitted.snapshot["profile"]["city"] == "Paris"
    (message,) = storage.list_messages(maria.id)
    assert dossier.number in message.body
    (email,) = storage.pending_emails()
    assert "Maria" not in email.body and dossier.number not in email.body
