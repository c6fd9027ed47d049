"""Answers typed as people type them, through the section form: dashes and digits
from other keyboards, a textarea's CR LF line breaks, decomposed accents, and answers
of invisible characters only. What the applicant meant is accepted and shown back;
what is missing is said next to the field."""

from __future__ import annotations

import re
import unicodedata

import pytest

from tests.definitions import IDENTITE, RENDEZ_VOUS


def saved_page(maria, number: str, section: str, answers: dict) -> str:
    """ENREGISTRER; the section as shown after a save that found no mistake."""
    response = maria.fill(number, section, answers)
    assert response.status_code == 302
    assert response.location == maria.section_url(number, section), response.location
    return maria.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("typed", [
    "1234–5678",           # en dash, as a phone's keyboard or a copied letter gives it
    "1234 — 5678",         # em dash between spaces
    "1234−5678",           # minus sign
    "1234\u00a05678",      # no-break space
    "\u200b12345678\ufeff",  # zero-width space, byte order mark
    "１２３４５６７８",    # full-width digits (Chinese or Japanese input)
    "١٢٣٤-٥٦٧٨",          # Arabic-Indic digits
    "१२३४ ५६७८",           # Devanagari digits
])
def test_save__number_with_any_dash_space_or_digits__accepted_as_eight_ascii_digits(
        maria, typed):
    number = maria.create_dossier()
    page = saved_page(maria, number, "identite", {**IDENTITE, "numero": typed})
    assert "Vos réponses ont été enregistrées." in page
    assert 'value="12345678"' in page
    assert 'id="f-numero-error"' not in page


def test_save__number_of_invisible_characters_only__required_message_next_to_field(maria):
    number = maria.create_dossier()
    response = maria.fill(number, "identite", {**IDENTITE, "numero": "\u200b \u00a0\ufeff"})
    assert response.location.endswith("?verifier=1")
    page = maria.get(response.location).get_data(as_text=True)
    assert '<a href="#f-numero">Entrez votre numéro d&#39;essai.' in page
    assert re.search(r'id="f-numero-error"[^>]*>.*Entrez votre numéro d&#39;essai\.', page,
                     re.S)


TEN_LINES = ["Fauteuil roulant, rampe d'accès : " + "x" * 15] * 10  # 49 letters each


def test_save__ten_lines_of_500_characters_posted_with_crlf__accepted(maria):
    assert len("\n".join(TEN_LINES) + "\n") == 500
    number = maria.create_dossier()
    posted = "\r\n".join(TEN_LINES) + "\r\n"  # what a browser posts from a textarea
    page = saved_page(maria, number, "rendez_vous",
                      {**RENDEZ_VOUS, "mode": "sur_place", "besoins": posted})
    assert "\n".join(TEN_LINES) in page.replace("&#39;", "'")


def test_save__textarea_really_too_long__refused_next_to_field(maria):
    number = maria.create_dossier()
    response = maria.fill(number, "rendez_vous", {**RENDEZ_VOUS, "mode": "sur_place",
                                                  "besoins": "\r\n".join(["x" * 50] * 10)})
    assert response.location.endswith("?verifier=1")
    page = maria.get(response.location).get_data(as_text=True)
    assert '<a href="#f-besoins">Cette réponse est trop longue.' in page


def test_save__decomposed_accents__count_once_against_max_length_and_shown_composed(maria):
    composed = ("Créole haïtien, français élémentaire. " * 3)[:100]  # 100 characters
    decomposed = unicodedata.normalize("NFD", composed)
    assert len(decomposed) > 100
    number = maria.create_dossier()
    page = saved_page(maria, number, "rendez_vous", {**RENDEZ_VOUS, "autre_langue": decomposed})
    assert composed in page and decomposed not in page
