"""Sections through the API: GET with its ETag, PUT with If-Match (428, 412 with both
versions, 409 once submitted, 422 too large or of the wrong JSON type, never a 500),
validate without saving, the recap; error pointers of group items and composite parts;
the same messages as the pages, in French and English."""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import storage
from tests.api.conftest import AQ, IDENT, MARIA, RDV, Person, api_portal, make_person
from tests.definitions import registry as definitions_registry
from tests.web.conftest import Applicant
from web import store_of as store_of_app
from web.registry import EXTENSION

try:  # the OpenAPI document's response checks (tests/api/conformance.py, H-spec)
    from tests.api.conformance import check_response
except ImportError:  # pragma: no cover  (before it lands)
    check_response = None

PROBLEM = "application/problem+json"


class Checked:
    """A test client whose every API answer is checked against the OpenAPI document
    the app serves (tests/api/conformance.py)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.application = client.application

    def _checked(self, method: str, *args: Any, **kwargs: Any) -> Any:
        response = getattr(self.client, method)(*args, **kwargs)
        if check_response is not None and response.request.path.startswith("/api/"):
            check_response(self.application, method.upper(), response.request.path,
                           response)
        return response

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._checked("get", *args, **kwargs)

    def put(self, *args: Any, **kwargs: Any) -> Any:
        return self._checked("put", *args, **kwargs)

    def post(self, *args: Any, **kwargs: Any) -> Any:
        return self._checked("post", *args, **kwargs)


@pytest.fixture
def api(api_app: Flask) -> Checked:
    """The API's test client, its answers checked against the document."""
    return Checked(api_app.test_client())


def _new(app: Flask, person: Person, type_id: str = AQ) -> str:
    return storage.create_dossier(app.extensions[EXTENSION], person.account_id, type_id).number


def _url(number: str, section: str, tail: str = "") -> str:
    return f"/api/v1/dossiers/{number}/sections/{section}{tail}"


def _put(api: FlaskClient, person: Person, number: str, section: str, answers: Any,
         version: int | str | None, lang: str = "fr") -> Any:
    headers = {**person.headers, "Accept-Language": lang}
    if version is not None:
        headers["If-Match"] = f'"{version}"' if isinstance(version, int) else version
    return api.put(_url(number, section), json={"answers": answers}, headers=headers)


def _version(api: FlaskClient, person: Person, number: str, section: str) -> int:
    response = api.get(_url(number, section), headers=person.headers)
    return int(response.headers["ETag"].strip('"'))


def test_get__a_new_section_not_started_with_its_etag_and_schema(api, api_app, applicant):
    number = _new(api_app, applicant)
    response = api.get(_url(number, "identification"), headers=applicant.headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == "identification" and body["title"] == "Identification"
    assert body["status"] == "not_started" and body["errors"] == [] and body["answers"] == {}
    assert body["schema"] == f"#/components/schemas/Section.{AQ}.v1.identification"
    assert response.headers["ETag"] == f'"{body["dossier_version"]}"'
    assert body["editable"] is True


def test_get__unknown_section_other_applicant_or_anonymous(api, api_app, applicant, other):
    number = _new(api_app, applicant)
    unknown = api.get(_url(number, "nope"), headers=applicant.headers)
    assert unknown.status_code == 404 and unknown.mimetype == PROBLEM
    assert api.get(_url(number, "identification"), headers=other.headers).status_code == 404
    assert api.get(_url(number, "identification")).status_code == 401
    assert api.get("/api/v1/dossiers/G00000000/recap", headers=applicant.headers
                   ).status_code == 404


def test_put__saves_a_draft_with_mistakes_and_lists_them(api, api_app, applicant):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    sent = {**IDENT, "numero_mifi": "12", "ville": "laval"}  # "ville": another section's
    response = _put(api, applicant, number, "identification", sent, version)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["dossier_version"] == version + 1
    assert response.headers["ETag"] == f'"{version + 1}"'
    assert body["status"] == "in_progress"
    assert body["answers"]["numero_mifi"] == "12" and "ville" not in body["answers"]
    [error] = body["errors"]
    assert error["pointer"] == "/answers/numero_mifi" and error["rule"] == "pattern"
    stored = storage.get_dossier(applicant.account_id, number).answers
    assert stored["numero_mifi"] == "12" and "ville" not in stored
    # a key absent keeps its answer; null clears one
    again = _put(api, applicant, number, "identification",
                 {"numero_mifi": "AB123456"}, version + 1)
    assert again.get_json()["status"] == "valid" and again.get_json()["errors"] == []
    cleared = _put(api, applicant, number, "identification", {"a_numero_ircc": None},
                   version + 2).get_json()
    assert "a_numero_ircc" not in cleared["answers"] and cleared["status"] == "in_progress"


def test_put__answers_kept_aside_for_the_section_are_superseded(api, api_app, applicant):
    """As ENREGISTRER on the page: answers kept aside for the section (posted to the
    page after its session ended) are dropped by the save; another section's stay."""
    number = _new(api_app, applicant)
    reg = api_app.extensions[EXTENSION]
    storage.keep_answers(reg, applicant.account_id, number, "identification",
                         {"numero_mifi": "AB123456"})
    storage.keep_answers(reg, applicant.account_id, number, "premier_rendez_vous",
                         {"ville": "laval"})
    version = _version(api, applicant, number, "identification")
    assert _put(api, applicant, number, "identification", IDENT, version).status_code == 200
    assert storage.kept_answers(applicant.account_id, number, "identification") is None
    assert storage.kept_answers(applicant.account_id, number, "premier_rendez_vous") == {
        "ville": "laval"}


def test_put__without_if_match_is_428_and_stores_nothing(api, api_app, applicant):
    number = _new(api_app, applicant)
    response = _put(api, applicant, number, "identification", IDENT, None)
    assert response.status_code == 428 and response.mimetype == PROBLEM
    assert response.get_json()["type"] == "/api/v1/problems/precondition-required"
    assert storage.get_dossier(applicant.account_id, number).answers == {}


def test_put__stale_if_match_is_412_with_both_versions(api, api_app, applicant):
    number = _new(api_app, applicant)
    first = _version(api, applicant, number, "identification")
    assert _put(api, applicant, number, "identification", IDENT, first).status_code == 200
    mine = {**IDENT, "numero_mifi": "ZZ999999"}
    response = _put(api, applicant, number, "identification", mine, first)
    assert response.status_code == 412
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/version-mismatch"
    assert body["current_version"] == first + 1 and body["your_version"] == first
    assert body["current"]["answers"]["numero_mifi"] == "AB123456"
    assert body["current"]["dossier_version"] == first + 1
    assert storage.get_dossier(applicant.account_id, number).answers["numero_mifi"] == "AB123456"
    garbage = _put(api, applicant, number, "identification", mine, '"abc"')
    assert garbage.status_code == 412 and garbage.get_json()["your_version"] is None


def test_put__after_submission_is_409_locked_with_the_page_reason(api, api_app, applicant):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    assert _put(api, applicant, number, "identification", IDENT, version).status_code == 200
    assert _put(api, applicant, number, "premier_rendez_vous", RDV,
                version + 1).status_code == 200
    storage.submit(api_app.extensions[EXTENSION], applicant.account_id, number)
    version = _version(api, applicant, number, "identification")
    response = _put(api, applicant, number, "identification", IDENT, version)
    assert response.status_code == 409
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/locked"
    assert body["detail"] == "Ce dossier a été soumis : il ne peut plus être modifié."
    en = _put(api, applicant, number, "identification", IDENT, version, lang="en")
    assert en.get_json()["detail"] != body["detail"]
    got = api.get(_url(number, "identification"), headers=applicant.headers).get_json()
    assert got["editable"] is False and got["status"] == "valid"
    frozen = api.get(f"/api/v1/dossiers/{number}/recap", headers=applicant.headers)
    assert frozen.status_code == 200  # the recap frozen at submission
    assert [s["id"] for s in frozen.get_json()["sections"]] == ["identification",
                                                               "premier_rendez_vous"]


def test_put__an_answer_far_too_long_is_refused_nothing_stored(api, api_app, applicant):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    response = _put(api, applicant, number, "identification",
                    {**IDENT, "numero_mifi": "A" * 500}, version)
    assert response.status_code == 422
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/too-large"
    assert [e["pointer"] for e in body["errors"]] == ["/answers/numero_mifi"]
    assert storage.get_dossier(applicant.account_id, number).answers == {}


def test_put__far_too_long_to_a_question_shown_by_a_stored_answer__refused_nothing_stored(
        api, api_app, applicant):
    """A PUT names only what it changes: the overlong answer is judged with the stored
    answer that shows its question (a_numero_mifi saved by an earlier PUT)."""
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    shown = _put(api, applicant, number, "identification", {"a_numero_mifi": True}, version)
    assert shown.status_code == 200
    response = _put(api, applicant, number, "identification", {"numero_mifi": "B" * 5000},
                    version + 1)
    assert response.status_code == 422
    assert response.get_json()["type"] == "/api/v1/problems/too-large"
    assert [e["pointer"] for e in response.get_json()["errors"]] == ["/answers/numero_mifi"]
    stored = storage.get_dossier(applicant.account_id, number)
    assert (stored.version, stored.answers) == (version + 1, {"a_numero_mifi": True})


def test_put__too_many_group_items__the_designers_max_items_message(test_app, maria):
    """Found by an API trial: 11 items for a group of at most 10 said "Cette réponse
    est trop longue." (rule max_length); the rule is max_items, with its message."""
    api = Checked(test_app.test_client())
    number = _new(test_app, maria, "famille")
    version = _version(api, maria, number, "enfants")
    items = [{"prenom": f"E{n}"} for n in range(8)]  # over twice the group's max of 3
    response = _put(api, maria, number, "enfants", {"liste_enfants": items}, version)
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert (error["pointer"], error["rule"]) == ("/answers/liste_enfants", "max_items")
    assert error["message"] == "Inscrivez au plus 3 élément(s)."


@pytest.mark.parametrize("answers, pointer", [
    ({"numero_mifi": 12345678, "a_numero_mifi": True}, "/answers/numero_mifi"),
    ({"a_numero_mifi": 1}, "/answers/a_numero_mifi"),
    ({"statut_immigration": ["resident_permanent"]}, "/answers/statut_immigration"),
    ({"statut_immigration": {"x": 1}}, "/answers/statut_immigration"),
])
def test_put__wrong_json_types_are_field_errors_not_500(api, api_app, applicant, answers,
                                                        pointer):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    response = _put(api, applicant, number, "identification", answers, version)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/validation-failed"
    assert [(e["pointer"], e["rule"]) for e in body["errors"]] == [(pointer, "type")]
    assert body["errors"][0]["message"] == "Cette réponse n'est pas valide."
    assert storage.get_dossier(applicant.account_id, number).answers == {}


@pytest.mark.parametrize("body", [{"answers": [1, 2]}, {"answers": "x"}, {}])
def test_put__answers_not_an_object(api, api_app, applicant, body):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    response = api.put(_url(number, "identification"), json=body,
                       headers={**applicant.headers, "If-Match": f'"{version}"'})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["pointer"] == "/answers"
    bad = api.put(_url(number, "identification"), data="[",
                  content_type="application/json",
                  headers={**applicant.headers, "If-Match": f'"{version}"'})
    assert bad.status_code == 400


def test_put__checkboxes_and_grid_as_lists(api, api_app, applicant):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "premier_rendez_vous")
    sent = {**RDV, "francais_suffisant": False, "langues": ["anglais", "autre"],
            "langue_autre": "Wolof"}
    body = _put(api, applicant, number, "premier_rendez_vous", sent, version).get_json()
    assert body["status"] == "valid", body["errors"]
    assert body["answers"]["langues"] == ["anglais", "autre"]
    wrong = _put(api, applicant, number, "premier_rendez_vous", {"langues": "anglais"},
                 version + 1)
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"][0]["pointer"] == "/answers/langues"


def test_validate__nothing_stored_valid_or_errors(api, api_app, applicant):
    number = _new(api_app, applicant)
    url = _url(number, "identification", "/validate")
    ok = api.post(url, json={"answers": IDENT}, headers=applicant.headers)
    assert ok.status_code == 200 and ok.get_json() == {"valid": True, "errors": []}
    bad = api.post(url, json={"answers": {**IDENT, "numero_mifi": "1"}},
                   headers=applicant.headers)
    assert bad.status_code == 422
    assert [e["pointer"] for e in bad.get_json()["errors"]] == ["/answers/numero_mifi"]
    assert storage.get_dossier(applicant.account_id, number).answers == {}
    empty = api.post(url, json={"answers": {}}, headers=applicant.headers)
    assert {e["rule"] for e in empty.get_json()["errors"]} == {"required"}


def test_recap__the_recap_page_content_in_the_asked_language(api, api_app, applicant):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    _put(api, applicant, number, "identification", IDENT, version)
    fr = api.get(f"/api/v1/dossiers/{number}/recap", headers=applicant.headers)
    assert fr.status_code == 200
    body = fr.get_json()
    assert body["number"] == number and body["type"] == AQ and body["lang"] == "fr"
    ident = body["sections"][0]
    items = {i["field"]: i for i in ident["items"]}
    assert items["numero_mifi"]["values"] == ["XXXXXXXXXX"] and items["numero_mifi"]["masked"]
    assert items["statut_immigration"]["values"] == ["Personne résidente permanente"]
    en = api.get(f"/api/v1/dossiers/{number}/recap",
                 headers={**applicant.headers, "Accept-Language": "en"}).get_json()
    assert en["lang"] == "en"
    assert {i["field"]: i for i in en["sections"][0]["items"]}["statut_immigration"][
        "values"] == ["Permanent resident"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_messages__the_same_as_the_page_shows(api, api_app, applicant, lang):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    sent = {"statut_immigration": "resident_permanent", "a_numero_mifi": True,
            "numero_mifi": "12", "a_numero_ircc": False}
    body = _put(api, applicant, number, "identification", sent, version, lang).get_json()
    messages = [e["message"] for e in body["errors"]]
    assert len(messages) == 2  # the detail left out, the number's pattern
    browser = Applicant(api_app.test_client(), {**MARIA, "email": applicant.email})
    assert browser.login(applicant.email).status_code == 302
    if lang == "en":
        browser.switch_language("en")
    page = browser.get(f"/dossiers/{number}/sections/identification?verifier=1")
    text = html.unescape(page.get_data(as_text=True))
    for message in messages:
        assert message in text
    assert len(set(messages)) == 2


# --- a type with a repeating group, an address, a file question, versions -------------

@pytest.fixture
def test_app(api_instance: str) -> Iterator[Flask]:
    """A portal serving tests/definitions (famille: a repeating group; pieces: files)."""
    yield from api_portal(definitions_registry(), api_instance)


@pytest.fixture
def maria(test_app: Flask) -> Person:
    return make_person("maria.valdero@example.com", MARIA)


def test_group__item_pointers_and_items_saved(test_app, maria):
    api = Checked(test_app.test_client())
    number = _new(test_app, maria, "famille")
    version = _version(api, maria, number, "enfants")
    items = [{"prenom": "Lina", "date_naissance": "2019-04-03", "ne_au_canada": False},
             {"prenom": "Adam", "date_naissance": "pas une date", "ne_au_canada": True}]
    response = _put(api, maria, number, "enfants", {"liste_enfants": items}, version)
    assert response.status_code == 200
    body = response.get_json()
    assert body["answers"]["liste_enfants"][0] == items[0]
    pointers = [e["pointer"] for e in body["errors"]]
    assert pointers == ["/answers/liste_enfants/1/date_naissance",
                        "/answers/liste_enfants/1/province"]
    wrong = _put(api, maria, number, "enfants",
                 {"liste_enfants": [{"prenom": "Lina"}, {"prenom": 7}]}, version + 1)
    assert wrong.status_code == 422
    assert [e["pointer"] for e in wrong.get_json()["errors"]] == [
        "/answers/liste_enfants/1/prenom"]
    not_items = _put(api, maria, number, "enfants", {"liste_enfants": ["x"]}, version + 1)
    assert not_items.get_json()["errors"][0]["pointer"] == "/answers/liste_enfants"


def test_file_question__can_only_be_set_by_uploading(test_app, maria):
    api = Checked(test_app.test_client())
    number = _new(test_app, maria, "pieces")
    compiled = test_app.extensions[EXTENSION].get("pieces")
    for section in compiled.definition.sections:
        files = [f for f in section.fields if f.kind.multipart]
        if files:
            break
    version = _version(api, maria, number, section.id)
    forged = [{"id": "x", "name": "a.pdf", "size": 1, "sha256": "0" * 64}]
    response = _put(api, maria, number, section.id, {files[0].id: forged}, version)
    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert error["pointer"] == f"/answers/{files[0].id}" and error["rule"] == "read-only"
    # sent back as GET gave it (none): accepted
    same = _put(api, maria, number, section.id, {files[0].id: None}, version)
    assert same.status_code == 200


def test_address__part_pointers_and_round_trip(test_app, maria):
    api = Checked(test_app.test_client())
    number = _new(test_app, maria, "adresses")
    version = _version(api, maria, number, "coordonnees")
    address = {"line1": "20 rue Monge", "city": "Montréal", "region": "QC",
               "postal_code": "zz", "country": "CA"}
    body = _put(api, maria, number, "coordonnees", {"adresse": address}, version).get_json()
    assert "/answers/adresse/postal_code" in [e["pointer"] for e in body["errors"]]
    wrong = _put(api, maria, number, "coordonnees",
                 {"adresse": {**address, "postal_code": 5}}, version + 1)
    assert wrong.status_code == 422
    assert [(e["pointer"], e["rule"]) for e in wrong.get_json()["errors"]] == [
        ("/answers/adresse/postal_code", "type")]
    # what GET gives, sent back as it is, saves again without a change
    got = api.get(_url(number, "coordonnees"), headers=maria.headers).get_json()
    again = _put(api, maria, number, "coordonnees", got["answers"], got["dossier_version"])
    assert again.status_code == 200 and again.get_json()["answers"] == got["answers"]


@pytest.mark.parametrize("huge", [1e26, 1e308, -(10**30), 10**15])
def test_number__too_large_to_be_kept__an_error_never_a_500(test_app, maria, huge):
    """A JSON number past what a number question takes (±999 999 999 999 999): kept in
    the draft with the "max"/"min" error, and every page that shows it still answers."""
    api = Checked(test_app.test_client())
    number = _new(test_app, maria, "saisies")
    version = _version(api, maria, number, "montants")
    response = _put(api, maria, number, "montants", {"heures": huge}, version)
    assert response.status_code == 200, response.get_json()
    errors = {e["field"]: e["rule"] for e in response.get_json()["errors"]}
    assert errors["heures"] == ("max" if huge > 0 else "min")
    for url in (_url(number, "montants"), f"/api/v1/dossiers/{number}/recap"):
        assert api.get(url, headers=maria.headers).status_code == 200, url
    browser = Applicant(test_app.test_client())
    assert browser.login(maria.email, maria.password).status_code == 302
    for url in (f"/dossiers/{number}/sections/montants", f"/dossiers/{number}/recapitulatif"):
        assert browser.get(url).status_code == 200, url


def _declaration_dossier(test_app, maria):
    """(client, a new "saisies" dossier, the section holding its declaration, its
    version)."""
    api = Checked(test_app.test_client())
    number = _new(test_app, maria, "saisies")
    compiled = test_app.extensions[EXTENSION].get("saisies")
    section = next(s.id for s in compiled.definition.sections
                   if s.field("attestation") is not None)
    return api, number, section, _version(api, maria, number, section)


def test_declaration__ticked_by_its_language_the_moment_kept(test_app, maria):
    api, number, section, version = _declaration_dossier(test_app, maria)
    body = _put(api, maria, number, section, {"attestation": "en"}, version).get_json()
    ticked = body["answers"]["attestation"]
    assert ticked["lang"] == "en" and ticked["text"].startswith("I certify") and ticked["at"]
    again = _put(api, maria, number, section, body["answers"], body["dossier_version"])
    assert again.status_code == 200
    assert again.get_json()["answers"]["attestation"] == ticked  # the first moment kept
    forged = _put(api, maria, number, section,
                  {"attestation": {**ticked, "at": "2000-01-01T00:00:00+00:00"}},
                  again.get_json()["dossier_version"])
    assert forged.status_code == 422
    assert forged.get_json()["errors"][0]["pointer"] == "/answers/attestation"


def test_declaration__true_ticks_it_in_the_request_language_false_unticks(test_app, maria):
    """Found by an API trial: an app could only tick a declaration by sending "fr" or
    "en", written nowhere; `true` (the natural JSON for a box) was a type error."""
    api, number, section, version = _declaration_dossier(test_app, maria)
    ticked = api.put(_url(number, section), json={"answers": {"attestation": True}},
                     headers={**maria.headers, "If-Match": f'"{version}"',
                              "Accept-Language": "en"})
    assert ticked.status_code == 200, ticked.get_json()
    answer = ticked.get_json()["answers"]["attestation"]
    assert answer["lang"] == "en" and answer["text"].startswith("I certify")
    unticked = _put(api, maria, number, section, {"attestation": False},
                    ticked.get_json()["dossier_version"])
    assert unticked.status_code == 200
    assert "attestation" not in unticked.get_json()["answers"]


# --- versions: a dossier pinned to an older version; a save that migrates it ----------

@pytest.fixture
def v3_app(api_instance: str) -> Iterator[Flask]:
    """The database emptied, `essai` at version 3 (tests/definitions/essai.yaml)."""
    from tests.web.test_versions import ESSAI_TEXT, essai_registry
    registry = essai_registry(ESSAI_TEXT)
    for app in api_portal(registry, api_instance):
        storage.publish_definitions(registry)  # emptied after its start: published again
        yield app


def _v4(text_change: Any, api_instance: str) -> Flask:
    from tests.web.test_versions import essai_registry, portal_with
    return portal_with(essai_registry(text_change), api_instance)


def test_versions__an_older_draft_keeps_its_own_sections(v3_app, api_instance):
    from tests.definitions import VALID_ANSWERS
    from tests.web.test_migration import NEW_QUESTION
    from tests.web.test_versions import ESSAI_TEXT
    maria = make_person("maria.valdero@example.com", MARIA)
    number = _new(v3_app, maria, "essai")
    api3 = Checked(v3_app.test_client())
    version = _version(api3, maria, number, "rendez_vous")
    assert _put(api3, maria, number, "rendez_vous", VALID_ANSWERS["rendez_vous"],
                version).get_json()["status"] == "valid"
    v4 = _v4(ESSAI_TEXT.replace("version: 3\n", "version: 4\n", 1)
             .replace("      - id: mode\n", NEW_QUESTION, 1), api_instance)
    try:
        body = Checked(v4.test_client()).get(_url(number, "rendez_vous"),
                                    headers=maria.headers).get_json()
        assert body["schema"] == "#/components/schemas/Section.essai.v3.rendez_vous"
        assert body["status"] == "valid"  # v4's new required question is not v3's
        saved = _put(Checked(v4.test_client()), maria, number, "rendez_vous",
                     {"ville": "quebec"}, body["dossier_version"]).get_json()
        assert saved["schema"] == body["schema"] and saved["status"] == "valid"
        assert saved["answers"]["ville"] == "quebec" and "migration" not in saved
    finally:
        store_of_app(v4).disconnect()


def test_versions__a_save_that_migrates_reports_it(v3_app, api_instance):
    from tests.definitions import VALID_ANSWERS
    from tests.web.test_migration import V4_MIGRATE
    maria = make_person("maria.valdero@example.com", MARIA)
    number = _new(v3_app, maria, "essai")
    version = _version(Checked(v3_app.test_client()), maria, number, "rendez_vous")
    v4 = _v4(V4_MIGRATE, api_instance)
    try:
        api = Checked(v4.test_client())
        response = _put(api, maria, number, "rendez_vous", VALID_ANSWERS["rendez_vous"],
                        version, lang="en")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["answers"]["ville"] == "mtl"  # the v3 answer renamed as v4 names it
        assert body["schema"] == "#/components/schemas/Section.essai.v4.rendez_vous"
        notice = body["migration"]
        assert (notice["from_version"], notice["to_version"]) == (3, 4)
        assert notice["message"] == "The test form changed, please check it."
        assert any("Will someone come with you?" in s["new"] for s in notice["sections"])
        assert response.headers["ETag"] == f'"{body["dossier_version"]}"'
        later = api.get(_url(number, "rendez_vous"), headers=maria.headers).get_json()
        assert "migration" not in later
    finally:
        store_of_app(v4).disconnect()


@pytest.mark.parametrize("answers", [
    {"adresse": {"line1": "a\x00b", "\x00": "x", "city": "Montréal"}},
    {"adresse": {"line1": ["x"]}},
    {"adresse": [{"line1": "x"}]},
    {"adresse": {"line1": "x" * 100_000}},
    {"autre_adresse": "", "adresse": None},
    {"depuis_autre": "peut-être"},
])
def test_hostile_answers__an_answer_never_a_500(test_app, maria, answers):
    api = Checked(test_app.test_client())
    number = _new(test_app, maria, "adresses")
    version = _version(api, maria, number, "coordonnees")
    response = _put(api, maria, number, "coordonnees", answers, version)
    assert response.status_code in (200, 422), response.get_json()
    assert api.get(_url(number, "coordonnees"), headers=maria.headers).status_code == 200
    assert api.get(f"/api/v1/dossiers/{number}/recap", headers=maria.headers
                   ).status_code == 200


def test_put__the_same_put_retried_saves_once(api, api_app, applicant):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    first = _put(api, applicant, number, "identification", IDENT, version)
    again = _put(api, applicant, number, "identification", IDENT, version)
    assert first.status_code == again.status_code == 200
    assert again.headers["ETag"] == first.headers["ETag"] == f'"{version + 1}"'
    other = _put(api, applicant, number, "identification", {"numero_mifi": "ZZ999999"},
                 version)
    assert other.status_code == 412
    assert storage.get_dossier(applicant.account_id, number).answers["numero_mifi"] == (
        "AB123456")


def test_put__another_save_between_the_check_and_the_save_is_412(api, api_app, applicant,
                                                                 monkeypatch):
    number = _new(api_app, applicant)
    version = _version(api, applicant, number, "identification")
    from web.api import sections

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        storage.save_section(api_app.extensions[EXTENSION], applicant.account_id, number,
                             "identification", {"a_numero_mifi": True, "numero_mifi": "XY123456"},
                             version)
        raise storage.Conflict(mine={}, theirs={}, version=version + 1)

    monkeypatch.setattr(sections, "save_posted", meanwhile)
    response = _put(api, applicant, number, "identification", IDENT, version)
    assert response.status_code == 412
    body = response.get_json()
    assert body["current_version"] == version + 1 and body["your_version"] == version
    assert body["current"]["answers"] == {"a_numero_mifi": True, "numero_mifi": "XY123456"}


def test_prefill__the_profile_address_offered_never_stored(test_app, maria):
    api = Checked(test_app.test_client())
    number = _new(test_app, maria, "adresses")
    body = api.get(_url(number, "coordonnees"), headers=maria.headers).get_json()
    assert body["prefill"]["adresse"]["line1"] == MARIA["address_line1"]
    assert "autre_adresse" not in body["prefill"] and body["answers"] == {}
    saved = _put(api, maria, number, "coordonnees", {"adresse": body["prefill"]["adresse"]},
                 body["dossier_version"]).get_json()
    assert saved["answers"]["adresse"]["line1"] == MARIA["address_line1"]
    assert "prefill" not in saved or "adresse" not in saved["prefill"]
    famille = _new(test_app, maria, "famille")
    assert "prefill" not in api.get(_url(famille, "parent"), headers=maria.headers).get_json()
