"""`guichet demo`: its data (storage/demo.yaml) names dossier types of forms/, so it runs
on the real definitions; every type of forms/ can be created through storage."""

from __future__ import annotations

from importlib import resources

import click
import pytest
import yaml
from click.testing import CliRunner

import storage
from engine import load_registry
from storage.accounts.hashing import verify_password
from web.cli.data import register

from .conftest import count


def demo_data() -> dict:
    """storage/demo.yaml: accounts, and dossiers an agent registered (their types and
    numbers are data, read here rather than written again in the tests)."""
    text = resources.files("storage").joinpath("demo.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def demo_registered() -> list[dict]:
    return demo_data()["registered"]


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
    (registered,) = demo_registered()
    assert "created" not in second and f"exists   dossier {registered['number']}" in second
    assert (count("Account"), count("Dossier"), count("AuditEvent")) == snapshot == (
        len(demo_data()["accounts"]), 1, 1)
    maria = storage.find_account_by_email("maria.valdero@example.org")
    assert verify_password(maria.password_hash, "Demo-Guichet-2026!")
    assert maria.profile["address_line1"] == "20 rue Monge"
    assert (maria.profile["postal_code"], maria.profile["phone_home_code"]) == ("75005", "33")


def test_demo__gunter_links_registered_dossier__linked(guichet):
    guichet("demo")
    gunter = storage.find_account_by_email("gunter.dicaprio@example.org")
    (registered,) = demo_registered()
    linked = storage.link_existing(gunter.id, registered["type_id"], registered["number"])
    assert linked.owner_id == gunter.id


def test_db_init_and_expire_commands__run__report(guichet):
    assert "database ready" in guichet("db", "init")
    assert "0 dossier(s) expired" in guichet("dossiers", "expire")


def test_forms_definitions__every_type__created_for_the_demo_applicant(guichet, forms):
    guichet("demo")
    maria = storage.find_account_by_email("maria.valdero@example.org")
    for compiled in forms:
        dossier = storage.create_dossier(forms, maria.id, compiled.id)
        assert dossier.status == compiled.definition.workflow.initial
        assert dossier.number.startswith(compiled.definition.numbering.prefix)
    assert {d.type_id for d in storage.list_dossiers(maria.id)} == set(forms.ids())
    assert {r["type_id"] for r in demo_registered()} <= set(forms.ids())
