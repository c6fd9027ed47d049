"""The profile: shown, changed here only."""

from __future__ import annotations

import storage
from tests.web.conftest import MARIA


def test_profile__shown__identity_address_and_email(maria):
    page = maria.get("/profil/").get_data(as_text=True)
    for text in ("Valdero", "20 rue Monge", MARIA["email"], "Féminin", "Adresse du domicile"):
        assert text in page


def test_profile_edit__new_address__saved_and_shown(maria):
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "address_line1": "1200 boul. Saint-Laurent",
                                               "city": "Montréal", "country": "Canada"})
    assert response.status_code == 302
    page = maria.get("/profil/").get_data(as_text=True)
    assert "1200 boul. Saint-Laurent" in page and "Votre profil a été enregistré." in page


def test_profile_edit__required_missing__errors_and_nothing_saved(maria):
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "family_names": "", "sex": "Z"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#f-family_names">' in page and '<a href="#f-sex">' in page
    assert "Valdero" in maria.get("/profil/").get_data(as_text=True)


def test_profile_edit__control_characters_typed__not_stored(maria):
    maria.get("/profil/modifier")
    assert maria.post("/profil/modifier", {**MARIA, "city": "Mont\x00réal\x07"}).status_code == 302
    assert storage.find_account_by_email(MARIA["email"]).profile["city"] == "Montréal"
