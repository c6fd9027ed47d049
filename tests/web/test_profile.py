"""The profile: shown, changed here only."""

from __future__ import annotations

import unicodedata

import storage
from tests.web.conftest import MARIA


def test_profile__shown__identity_address_and_email(maria):
    page = maria.get("/profil/").get_data(as_text=True)
    for text in ("Valdero", "20 rue Monge", MARIA["email"], "Féminin", "Adresse du domicile"):
        assert text in page


def test_profile_edit__new_address__saved_and_shown(maria):
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "address_line1": "1200 boul. Saint-Laurent",
                                               "city": "Montréal", "country": "Canada",
                                               "postal_code": "H2X 1Y4"})
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


def test_profile_edit__decomposed_accents_and_invisible_ends__stored_composed_and_trimmed(maria):
    decomposed = unicodedata.normalize("NFD", "Hélène")  # as some keyboards send it
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "given_names": f"\u200b{decomposed}\u00a0",
                                               "city": "\ufeffTrois-Rivières\u202f"})
    assert response.status_code == 302
    profile = storage.find_account_by_email(MARIA["email"]).profile
    assert profile["given_names"] == "Hélène" == unicodedata.normalize("NFC", "Hélène")
    assert profile["city"] == "Trois-Rivières"


def test_profile_edit__name_of_invisible_characters_only__required_error_next_to_field(maria):
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "family_names": "\u200b\u00a0\ufeff"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#f-family_names">Ce champ est obligatoire.' in page
    assert 'id="f-family_names-error"' in page
    assert "Valdero" in maria.get("/profil/").get_data(as_text=True)


def test_profile_edit__value_over_its_max_length__refused_whole_never_cut(maria):
    """A value longer than its column (a form sent without the page's maxlength) is
    refused next to its field and shown whole, never saved cut short."""
    long_phone = "5" * 60
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "phone_home": long_phone})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#f-phone_home">Cette réponse est trop longue.' in page
    assert f'value="{long_phone}"' in page
    assert storage.find_account_by_email(MARIA["email"]).profile["phone_home"] == "55555555"


def test_profile_edit__phones_postal_code_and_birth_date_of_the_wrong_form__each_refused(maria):
    """What is clearly no telephone number, no international code, no extension, no
    postal code of the address's country, or no birth date of a living person is refused
    next to its field and in the summary, and nothing is saved."""
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {
        **MARIA, "country": "Canada", "postal_code": "ZZZ 999", "phone_mobile_code": "abc",
        "phone_mobile": "téléphone", "phone_home": "1" * 40, "phone_work_ext": "ext!",
        "birth_date": "1850-01-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for key, message in [
            ("postal_code", "Entrez un code postal valide pour le pays de votre adresse."),
            ("phone_mobile_code", "Entrez un indicatif international valide"),
            ("phone_mobile", "Entrez un numéro de téléphone valide"),
            ("phone_home", "Entrez un numéro de téléphone valide"),
            ("phone_work_ext", "Entrez un numéro de poste fait de chiffres seulement"),
            ("birth_date", "Vérifiez cette date : elle est trop ancienne.")]:
        assert f'<a href="#f-{key}">{message}' in page, key
        assert f'id="f-{key}-error"' in page, key
    profile = storage.find_account_by_email(MARIA["email"]).profile
    assert profile["postal_code"] == MARIA["postal_code"] and profile["phone_mobile"] == ""


def test_profile_edit__canadian_postal_code_typed_loosely__stored_as_the_post_writes_it(maria):
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "country": "Canada", "city": "Montréal",
                                               "postal_code": " h2x1y4 ", "phone_mobile_code": "+1",
                                               "phone_mobile": "(514) 555-0123"})
    assert response.status_code == 302
    profile = storage.find_account_by_email(MARIA["email"]).profile
    assert profile["postal_code"] == "H2X 1Y4"
    assert profile["phone_mobile"] == "(514) 555-0123"


def test_profile_edit__number_with_another_code_than_its_code_field__refused_saying_so(maria):
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "phone_home_code": "1",
                                               "phone_home": "+33 6 12 34 56 78"})
    assert response.status_code == 422
    assert '<a href="#f-phone_home">Ce numéro commence par un autre indicatif que celui ' \
        "que vous avez indiqué." in response.get_data(as_text=True)
    maria.switch_language("en", "/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "phone_home_code": "1",
                                               "phone_home": "+33 6 12 34 56 78"})
    assert "This number starts with another country code than the one you entered." in \
        response.get_data(as_text=True)
    assert storage.find_account_by_email(MARIA["email"]).profile["phone_home"] == "55555555"


def test_profile_edit__wrong_phone_in_english__english_message(maria):
    maria.switch_language("en", "/profil/modifier")
    maria.get("/profil/modifier")
    response = maria.post("/profil/modifier", {**MARIA, "phone_home": "abc"})
    assert "Enter a valid telephone number, for example 514 555-0123." in \
        response.get_data(as_text=True)
