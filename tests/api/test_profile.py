"""GET and PATCH /api/v1/profile: the profile page's rules and messages, in the asked
language; email and password read-only here."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

import storage
from tests.api.conftest import MARIA, Person

PROBLEM = "application/problem+json"
EN = {"Accept-Language": "en"}


def patch(api: FlaskClient, person: Person, body: object, **headers: str):
    return api.patch("/api/v1/profile", json=body, headers={**person.headers, **headers})


def test_get_profile__the_stored_profile_and_the_form_fields(api: FlaskClient,
                                                            applicant: Person) -> None:
    response = api.get("/api/v1/profile", headers=applicant.headers)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["email"] == applicant.email and body["lang"] == "fr"
    assert set(body["profile"]) == set(storage.PROFILE_FIELDS)
    assert body["profile"]["given_names"] == "Maria"
    sex = next(f for f in body["fields"] if f["key"] == "sex")
    assert sex["kind"] == "choice" and sex["required"] is True
    assert {"value": "F", "label": "Féminin"} in sex["options"]
    english = api.get("/api/v1/profile", headers={**applicant.headers, **EN}).get_json()
    sex_en = next(f for f in english["fields"] if f["key"] == "sex")
    assert {"value": "F", "label": "Female"} in sex_en["options"]


def test_profile__anonymous__401(api: FlaskClient) -> None:
    for method in ("get", "patch"):
        response = getattr(api, method)("/api/v1/profile", json={})
        assert response.status_code == 401 and response.mimetype == PROBLEM


def test_patch__merge__changed_keys_saved_others_kept(api: FlaskClient,
                                                      applicant: Person) -> None:
    response = patch(api, applicant, {"profile": {"city": "  Lyon ", "phone_home": None},
                                      "lang": "en"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["profile"]["city"] == "Lyon"  # trimmed as the page does
    assert body["profile"]["phone_home"] == ""
    assert body["profile"]["given_names"] == "Maria" and body["lang"] == "en"
    account = storage.get_account(applicant.account_id)
    assert account.profile["city"] == "Lyon" and account.lang == "en"


def test_patch__merge_patch_media_type_accepted(api: FlaskClient, applicant: Person) -> None:
    response = api.patch("/api/v1/profile", data='{"profile": {"city": "Nantes"}}',
                         headers={**applicant.headers,
                                  "Content-Type": "application/merge-patch+json"})
    assert response.status_code == 200
    assert response.get_json()["profile"]["city"] == "Nantes"


def test_patch__page_rules__every_error_with_its_pointer_nothing_saved(
        api: FlaskClient, applicant: Person) -> None:
    body = {"profile": {"given_names": "", "sex": "Z", "birth_date": "2999-01-01",
                        "city": "x" * 500}}
    response = patch(api, applicant, body)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    problem = response.get_json()
    assert problem["type"] == "/api/v1/problems/validation-failed"
    found = {e["pointer"]: (e["rule"], e["message"]) for e in problem["errors"]}
    assert found == {
        "/profile/given_names": ("required", "Ce champ est obligatoire."),
        "/profile/sex": ("option", "Choisissez une réponse proposée dans la liste."),
        "/profile/birth_date": ("format", "Entrez une date de naissance passée, au format "
                                          "AAAA-MM-JJ."),
        "/profile/city": ("max_length", "Cette réponse est trop longue."),
    }
    assert storage.get_account(applicant.account_id).profile == {
        **storage.get_account(applicant.account_id).profile, **{
            k: v for k, v in MARIA.items() if k in storage.PROFILE_FIELDS}}
    english = patch(api, applicant, body, **EN).get_json()
    messages = {e["pointer"]: e["message"] for e in english["errors"]}
    assert messages["/profile/given_names"] == "This field is required."
    assert english["title"] != problem["title"]


def test_patch__email_and_password__read_only_saying_where(api: FlaskClient,
                                                           applicant: Person) -> None:
    response = patch(api, applicant, {"email": "x@example.com", "password": "nouveau-secret",
                                      "profile": {"email": "y@example.com"}})
    assert response.status_code == 422
    errors = {e["pointer"]: e for e in response.get_json()["errors"]}
    assert set(errors) == {"/email", "/password", "/profile/email"}
    assert all(e["rule"] == "read_only" for e in errors.values())
    assert "Mon profil" in errors["/password"]["message"]
    assert storage.get_account(applicant.account_id).email == applicant.email
    english = patch(api, applicant, {"password": "x"}, **EN).get_json()["errors"][0]
    assert english["message"].startswith("The password is changed on the portal")


def test_patch__unknown_members_wrong_types_and_language__refused(api: FlaskClient,
                                                                  applicant: Person) -> None:
    response = patch(api, applicant, {"nickname": "M", "lang": "de",
                                      "profile": {"shoe_size": "38", "city": 12}})
    assert response.status_code == 422
    rules = {e["pointer"]: e["rule"] for e in response.get_json()["errors"]}
    assert rules == {"/nickname": "unknown", "/lang": "option",
                     "/profile/shoe_size": "unknown", "/profile/city": "type"}
    not_object = patch(api, applicant, {"profile": ["city"]})
    assert not_object.status_code == 422
    assert not_object.get_json()["errors"][0]["pointer"] == "/profile"


def test_patch__not_a_json_object__400_or_415(api: FlaskClient, applicant: Person) -> None:
    assert patch(api, applicant, ["city"]).status_code == 400
    response = api.patch("/api/v1/profile", data="city=Lyon", headers=applicant.headers)
    assert response.status_code == 415


def test_patch__identity_change__recorded_as_the_page_does(api: FlaskClient, api_app: Flask,
                                                           applicant: Person) -> None:
    """The same storage call as the page: the search names follow (no error), and a
    later eligibility check reads the new birth date."""
    assert patch(api, applicant, {"profile": {"birth_date": "2015-06-01"}}).status_code == 200
    response = api.post("/api/v1/dossiers", json={"type": "accompagnement-quebec"},
                        headers=applicant.headers)
    assert response.status_code == 422
    assert response.get_json()["type"] == "/api/v1/problems/not-eligible"


def test_patch__phone_and_postal_code_of_the_wrong_form__their_rules_and_messages(
        api: FlaskClient, applicant: Person) -> None:
    body = {"profile": {"phone_mobile": "téléphone", "phone_mobile_code": "abc",
                        "country": "Canada", "postal_code": "ZZZ 999"}}
    response = patch(api, applicant, body, **EN)
    assert response.status_code == 422 and response.mimetype == PROBLEM
    found = {e["pointer"]: (e["rule"], e["message"]) for e in response.get_json()["errors"]}
    assert found == {
        "/profile/phone_mobile": ("phone_number",
                                  "Enter a valid telephone number, for example 514 555-0123."),
        "/profile/phone_mobile_code": ("calling_code", "Enter a valid international code, for "
                                                       "example 1 for Canada or 33 for France."),
        "/profile/postal_code": ("postal_code",
                                 "Enter a valid postal code for your address's country."),
    }
    fixed = patch(api, applicant, {"profile": {"country": "Canada", "postal_code": "g1r3x2"}})
    assert fixed.status_code == 200 and fixed.get_json()["profile"]["postal_code"] == "G1R 3X2"


def test_patch__value_stored_before_its_rule__does_not_block_a_patch_of_other_fields(
        api: FlaskClient, applicant: Person) -> None:
    """A profile stored before the format rules (or by an agent) with an international
    code 'abc' and a postal code 'ZZZ 999' in Canada: a patch of the language or of the
    city is saved; a patch of the country judges its postal code again."""
    account = storage.get_account(applicant.account_id)
    storage.update_profile(account.id, {**account.profile, "phone_home_code": "abc",
                                        "country": "Canada", "postal_code": "ZZZ 999"})
    assert patch(api, applicant, {"lang": "en"}).status_code == 200
    assert patch(api, applicant, {"profile": {"city": "Lévis"}}).status_code == 200
    again = patch(api, applicant, {"profile": {"country": "canada"}})
    assert again.status_code == 422
    assert [e["pointer"] for e in again.get_json()["errors"]] == ["/profile/postal_code"]
