"""Every page that asks or shows the profile follows the one profile schema
(engine/profile.yaml); each dossier type's wizard and recap PDF follow its `profile:`
block (the test types: atelier has one, essai has none)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

import storage
from engine.autofill import is_telephone
from engine.profile import PROFILE
from tests.definitions import ATELIER, ESSAI
from tests.web.conftest import MARIA
from tests.web.test_documents import download_url, pdf_text
from web.background.worker import render_pending_documents

# atelier (tests/definitions/) has a `profile:` block of its own; essai has none.
OWN = ("Nom de famille du participant", "Prénom du participant")
PLAIN = ("Nom(s) de famille", "Prénom(s)")
WORKSHOP_ANSWERS = {"deja_inscrit": "false", "horaire": "soir", "date_debut": "2027-01-11"}


def inputs(page: str) -> dict[str, str]:
    """name -> the whole <input> or <select> tag, for every field of a page."""
    return {m.group(2): m.group(0)
            for m in re.finditer(r'<(input|select)[^>]*\bname="([^"]+)"[^>]*>', page)}


def test_registration_form__every_profile_field__maxlength_required_autocomplete_from_schema(
        client):
    tags = inputs(client.get("/inscription").get_data(as_text=True))
    for f in PROFILE.stored():
        tag = tags[f.key]
        if f.kind in ("text", "email", "tel"):
            assert f'maxlength="{f.max_length}"' in tag, f.key
        if f.autocomplete:
            assert f'autocomplete="{f.autocomplete}"' in tag, f.key
        assert ('aria-required="true"' in tag) == f.required, f.key


@pytest.mark.parametrize("url", ["/inscription", "/profil/modifier"])
def test_profile_form__every_telephone_field__tel_keypad_and_its_autofill_token(maria, url):
    """A phone shows its keypad and the browser fills each number from the right one
    (home, mobile, work; country code, number, extension), on both profile forms."""
    if url == "/inscription":
        maria.logout()
    tags = inputs(maria.get(url).get_data(as_text=True))
    phones = [f for f in PROFILE.stored() if f.kind == "tel"]
    assert phones, "the profile asks for no telephone"
    for f in phones:
        assert 'type="tel"' in tags[f.key], f.key
        assert f.autocomplete and is_telephone(f.autocomplete), f.key
        assert f'autocomplete="{f.autocomplete}"' in tags[f.key], f.key
    sections = {f.autocomplete.split()[0] for f in phones}
    assert sections == {"home", "mobile", "work"}
    for f in PROFILE.stored():
        if f.kind != "tel":
            assert 'type="tel"' not in tags[f.key], f.key


def test_profile_edit__longer_than_the_column__refused_next_to_the_field_never_cut(maria):
    long = {f.key: "9" * (f.max_length + 5) for f in PROFILE.stored()
            if f.kind in ("text", "tel") and not f.required}
    before = storage.find_account_by_email(MARIA["email"]).profile
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, **long})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for key, value in long.items():
        assert f'<a href="#f-{key}">Cette réponse est trop longue.' in page, key
        assert f'value="{value}"' in page, key
    assert storage.find_account_by_email(MARIA["email"]).profile == before


def test_profile_pages__generic_labels__plain_names_without_passport(maria):
    shown = maria.get("/profil/").get_data(as_text=True)
    rows = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", shown)
    assert (PLAIN[0], "Valdero") in rows and (PLAIN[1], "Maria") in rows
    for group in ("Identité", "Adresse du domicile", "Téléphone – Cellulaire"):
        assert group in shown, group
    edit = maria.get("/profil/modifier").get_data(as_text=True)
    assert f'for="f-family_names">{PLAIN[0]}<' in edit
    assert f'for="f-given_names">{PLAIN[1]}<' in edit
    assert "passeport" not in shown + edit


@pytest.mark.parametrize(("type_id", "labels", "absent"), [
    (ESSAI, PLAIN, "Pour vous joindre"),  # no block: every field, generic labels
    (ATELIER, OWN, "Ville de naissance"),  # its block: its fields, its labels
])
def test_submit_step_1__profile__the_types_block_and_labels(maria, type_id, labels, absent):
    number = maria.create_dossier(type_id)
    if type_id == ATELIER:
        maria.fill(number, "choix", WORKSHOP_ANSWERS)
    else:
        maria.fill_all(number)
    page = maria.get(f"/dossiers/{number}/soumettre?etape=1").get_data(as_text=True)
    rows = re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page)
    assert (labels[0], "Valdero") in rows and (labels[1], "Maria") in rows
    assert absent not in page


def test_submit_step_1__block_of_the_type__only_its_fields(maria):
    number = maria.create_dossier(ATELIER)
    maria.fill(number, "choix", WORKSHOP_ANSWERS)
    page = maria.get(f"/dossiers/{number}/soumettre?etape=1").get_data(as_text=True)
    assert "Participant" in page and "Coordonnées" in page
    assert "Ville de naissance" not in page and "Numéro de poste" not in page


def test_recap_pdf__type_without_block__every_profile_field_generic_labels(maria, registry):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    maria.submitted_dossier()
    render_pending_documents(registry)
    text = pdf_text(maria.get(download_url(maria)).data)
    for label in PLAIN:
        assert label in text, label
    assert text.index("Identité") < text.index(PLAIN[0]) < text.index("Coordonnées")
    assert "Domicile" in text and "Cellulaire" in text and "Numéro de poste" in text


def test_recap_pdf__type_with_block__its_labels_and_its_fields_only(maria, registry):
    number = maria.create_dossier(ATELIER)
    assert maria.fill(number, "choix", WORKSHOP_ANSWERS).status_code == 302
    assert maria.submit(number).status_code == 302
    render_pending_documents(registry)
    text = pdf_text(maria.get(download_url(maria)).data)
    assert f"{OWN[0]} Valdero" in text and f"{OWN[1]} Maria" in text
    assert "Pour vous joindre" in text and "Ville de naissance" not in text
