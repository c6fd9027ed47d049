"""The newer question types on a page (tests/definitions/saisies.yaml): how each input is
drawn (keyboard, autofill, the extension box, the declaration's tick box), mistakes next to
the question and in the summary after a plain POST (no JavaScript), the htmx refresh, the
stored answers (a JSON number, E.164, the declaration's text and moment, kept on a second
save) and the recap."""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest

import storage
from tests.definitions import SAISIES
from tests.web.test_kept_answers import stored

SECTION = "montants"
WRONG = {"revenu": "-5", "telephone": "+12345", "nas": "123 456 789",
         "naissance": "0020-05-01", "heures": "12,500"}
RIGHT = {"revenu": "12 500,50 $", "telephone": "514 555-0123", "telephone_travail": "418-555-0199",
         "telephone_travail.ext": "210", "nas": "130 692 544", "naissance": "1990-08-12",
         "arrivee": "2015-06-20", "attestation": "fr"}


@pytest.fixture
def number(maria):
    return maria.create_dossier(SAISIES)


def _tag(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page).group(0)


def error_next_to(page: str, field_id: str) -> str:
    start = page.index(f'id="f-{field_id}-error"')
    return page[start:page.index("</p>", start)]


def test_page__inputs__keyboards_autofill_and_labels(maria, number):
    page = maria.get(maria.section_url(number, SECTION)).get_data(as_text=True)
    revenu = _tag(page, "revenu")
    assert 'type="text"' in revenu and 'inputmode="decimal"' in revenu
    assert 'inputmode="numeric"' in _tag(page, "enfants_a_charge")
    assert 'type="tel"' in _tag(page, "telephone") and 'autocomplete="tel"' in _tag(page,
                                                                                       "telephone")
    ext = _tag(page, "telephone_travail.ext")
    assert 'id="f-telephone_travail-ext"' in ext and 'autocomplete="tel-extension"' in ext
    assert '<label class="field__label field__label--part" for="f-telephone_travail-ext">' \
           'Poste (facultatif)</label>' in page
    box = _tag(page, "attestation")
    assert 'type="checkbox"' in box and 'value="fr"' in box and "checked" not in box
    assert '<label class="choice__label" for="f-attestation">J&#39;atteste' in page


def test_plain_post__mistakes__next_to_each_question_and_in_the_summary(maria, number):
    response = maria.fill(number, SECTION, WRONG)
    assert response.status_code == 302
    page = maria.get(response.location).get_data(as_text=True)
    said = {
        "revenu": "Le revenu ne peut pas être négatif.",
        "telephone": "Entrez un numéro de téléphone valide",
        "nas": "Ce numéro d&#39;assurance sociale n&#39;existe pas.",
        "naissance": "Entrez une date valide au format AAAA-MM-JJ, entre le",
        "heures": "Entrez un nombre en chiffres, par exemple 12",
        "attestation": "Cochez la case pour faire cette déclaration.",
    }
    for field_id, message in said.items():
        assert message in error_next_to(page, field_id), field_id
        assert f'<a href="#f-{field_id}">{message}' in page, field_id
    assert 'value="12,500"' in _tag(page, "heures")  # as typed, to be corrected


def test_plain_post__right_answers__stored_shapes_and_redrawn(maria, number):
    assert maria.fill(number, SECTION, RIGHT).status_code == 302
    answers = stored(maria, number).answers
    assert answers["revenu"] == 12500.5 and answers["telephone"] == "+15145550123"
    assert answers["telephone_travail"] == "+14185550199;ext=210"
    assert answers["nas"] == "130692544"
    declared = answers["attestation"]
    assert declared["text"] == "J'atteste que ces renseignements sont exacts."
    assert declared["lang"] == "fr" and declared["at"].endswith("+00:00")
    page = maria.get(maria.section_url(number, SECTION)).get_data(as_text=True)
    assert 'value="12\u00a0500,50"' in _tag(page, "revenu")
    assert 'value="(418) 555-0199"' in _tag(page, "telephone_travail")
    assert 'value="210"' in _tag(page, "telephone_travail.ext")
    assert "checked" in _tag(page, "attestation")
    recap = maria.get(f"/dossiers/{number}/recapitulatif").get_data(as_text=True)
    assert "12\u00a0500,50\u00a0$" in recap and "(418) 555-0199, poste 210" in recap
    assert "Accepté le " in recap


def test_second_save__declaration_still_ticked__first_moment_kept(maria, number):
    assert maria.fill(number, SECTION, RIGHT).status_code == 302
    first = stored(maria, number).answers["attestation"]
    time.sleep(0.01)  # the second post is ticked at another moment
    assert maria.fill(number, SECTION, {**RIGHT, "revenu": "13 000"}).status_code == 302
    again = stored(maria, number).answers
    assert again["revenu"] == 13000 and again["attestation"] == first


def test_english_page__declaration_records_the_english_text(maria, number):
    maria.switch_language("en")
    page = maria.get(maria.section_url(number, SECTION)).get_data(as_text=True)
    assert 'value="en"' in _tag(page, "attestation")
    assert maria.fill(number, SECTION, {**RIGHT, "attestation": "en"}).status_code == 302
    assert stored(maria, number).answers["attestation"]["text"] == (
        "I certify that this information is correct.")
    recap = maria.get(f"/dossiers/{number}/recapitulatif").get_data(as_text=True)
    assert "$12,500.50" in recap and "(418) 555-0199 ext. 210" in recap
    assert "Accepted on " in recap


@pytest.mark.parametrize("htmx", [True, False])
def test_refresh__a_corrected_answer__its_error_cleared(maria, number, htmx):
    maria.fill(number, SECTION, WRONG)
    response = maria.refresh(number, SECTION, {**WRONG, "revenu": "12 500"}, htmx=htmx)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'id="f-revenu-error"' not in page
    assert 'value="12 500"' in _tag(page, "revenu")


def test_declaration__moment_from_the_service_clock__shown_in_montreal_time(maria, number):
    """The moment recorded is the service's clock (frozen here), shown in Toronto time."""
    storage.clock.set(datetime(2026, 3, 2, 9, 5))  # read in the service's zone
    assert maria.fill(number, SECTION, RIGHT).status_code == 302
    assert stored(maria, number).answers["attestation"]["at"] == "2026-03-02T14:05:00+00:00"
    recap = maria.get(f"/dossiers/{number}/recapitulatif").get_data(as_text=True)
    assert "Accepté le 2 mars 2026 à 09 h 05" in recap.replace("\u202f", " ").replace("\xa0", " ")


def test_same_save_sent_twice__declaration_ticked__second_is_no_conflict(maria, number):
    """A double click on ENREGISTRER with the declaration ticked: the second post, ticked
    a moment later, still finds its own save already stored (the declaration keeps its
    first moment), so it is "saved", not a conflict."""
    url = maria.section_url(number, SECTION)
    shown = maria.version(number, SECTION)
    assert maria.post(url, {**RIGHT, "version": shown}).status_code == 302
    first = stored(maria, number).answers["attestation"]
    time.sleep(0.01)  # the second post is ticked at another moment
    second = maria.post(url, {**RIGHT, "version": shown})
    assert second.status_code == 302
    assert "modifié ailleurs" not in maria.get(second.location).get_data(as_text=True)
    assert stored(maria, number).answers["attestation"] == first
    assert maria.version(number, SECTION) == str(int(shown) + 1)
