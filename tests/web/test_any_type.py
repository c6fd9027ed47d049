"""Every dossier type works from its definition alone: here the tests' second type,
atelier (date, email, textarea questions), with nothing in web/ that knows it."""

from __future__ import annotations

import re

import pytest

from engine.model import Field
from tests.definitions import ATELIER


def assert_inputs_say_what_they_hold(html: str, fields: list[Field]) -> None:
    """Each shown single-input question is drawn with its definition's autocomplete value
    and, for a `tel` question, as type="tel" (a phone's keypad)."""
    tags = {m.group(1): m.group(0)
            for m in re.finditer(r'<input[^>]*\bname="([^"]+)"[^>]*>', html)}
    for f in fields:
        if f.id not in tags:
            continue
        tag = tags[f.id]
        assert ('type="tel"' in tag) == (f.kind.input_type == "tel"), tag
        if f.autocomplete:
            assert f'autocomplete="{f.autocomplete}"' in tag, tag


@pytest.fixture
def workshop(maria, registry):
    return registry[ATELIER].definition


def test_other_type__wrong_then_right_answers__errors_then_submitted(maria, workshop):
    number = maria.create_dossier(ATELIER)
    section = workshop.sections[0].id
    page = maria.get(f"/dossiers/{number}/sections/{section}").get_data(as_text=True)
    assert 'type="date"' in page and 'type="email"' in page and "<textarea" in page
    wrong = {"deja_inscrit": "false", "horaire": "soir", "date_debut": "2026-02-31",
             "courriel_contact": "pas un courriel", "commentaires": "x" * 600}
    response = maria.fill(number, section, wrong)
    page = maria.get(response.location).get_data(as_text=True)
    for field_id in ("date_debut", "courriel_contact", "commentaires"):
        assert f'<a href="#f-{field_id}">' in page, field_id
    assert ("Entrez une date valide au format AAAA-MM-JJ, entre le 1er janvier 1900 et le "
            "31 décembre 2100.") in page
    right = {**wrong, "date_debut": "2027-01-11", "courriel_contact": "maria@example.com",
             "commentaires": "Le soir, merci."}
    assert maria.fill(number, section, right).status_code == 302
    assert maria.submit(number).status_code == 302
    listing = maria.get("/dossiers/").get_data(as_text=True)
    assert "Inscription reçue" in listing and "Inscription à un atelier" in listing
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", listing)


def test_every_test_type__tel_and_autocomplete_questions__keypad_and_autofill(maria, registry):
    shown = []
    for compiled in registry:
        number = maria.create_dossier(compiled.id)
        for section in compiled.definition.sections:
            html = maria.get(f"/dossiers/{number}/sections/{section.id}").get_data(as_text=True)
            fields = [f for f in section.fields if f.when is None]
            assert_inputs_say_what_they_hold(html, fields)
            shown += [f for f in fields if f.type == "tel" and f.autocomplete]
    assert shown, "no test type asks for a telephone with its autofill value"
