"""POST /api/v1/dossiers/{number}/submit: the same rules as SOUMETTRE, once per
Idempotency-Key (the same answer again, never two submissions, even at once)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import storage
from engine import Registry
from tests.api.conformance import check_response
from tests.api.conftest import (
    AMIR,
    AQ,
    SECTIONS,
    VALID,
    Person,
    at_once,
    make_person,
    valid_draft,
)

PROBLEM = "application/problem+json"
def new_dossier(registry: Registry, person: Person,
                answers: dict[str, Any] | None = None) -> storage.DossierView:
    """An AQ draft of `person`, each section saved with `answers` (VALID by default)."""
    return valid_draft(registry, person.account_id, answers)


def submit(api: FlaskClient, person: Person, number: str, key: str | None = "key-1",
           lang: str | None = None) -> Any:
    headers = dict(person.headers)
    if key is not None:
        headers["Idempotency-Key"] = key
    if lang:
        headers["Accept-Language"] = lang
    path = f"/api/v1/dossiers/{number}/submit"
    response = api.post(path, headers=headers)
    check_response(api.application, "POST", path, response)  # as the document says
    return response


@pytest.fixture
def registry(api_app: Flask) -> Registry:
    return api_app.config["REGISTRY"]


def test_submit__valid__200_submitted_dossier_with_its_submission(api, applicant, registry):
    dossier = new_dossier(registry, applicant)
    response = submit(api, applicant, dossier.number)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["number"] == dossier.number and body["type"] == AQ
    assert body["state"] == {"id": "presente", "label": "Présenté", "editable": False}
    assert body["version"] == dossier.version + 1
    assert response.headers["ETag"] == f'"{body["version"]}"'
    assert body["submitted_at"].endswith("Z")
    assert body["submission"]["seq"] == 1
    assert body["submission"]["submitted_at"] == body["submitted_at"]
    assert len(body["submission"]["fingerprint"]) == 24  # "ABCD EFGH IJKL MNOP QRST"
    assert [s["status"] for s in body["sections"]] == ["valid", "valid"]
    (pdf,) = body["links"]["documents"]  # the recap PDF, made in the background
    (document,) = storage.list_documents(applicant.account_id)
    assert pdf == f"/api/v1/documents/{document.public_id}"
    assert response.headers["Content-Language"] == "fr"
    assert "Idempotent-Replayed" not in response.headers
    assert "Set-Cookie" not in response.headers
    assert storage.get_dossier(applicant.account_id, dossier.number).status == "presente"


def test_submit__same_key_twice__same_answer_one_submission(api, applicant, registry):
    dossier = new_dossier(registry, applicant)
    first = submit(api, applicant, dossier.number, "3f2a-retry")
    again = submit(api, applicant, dossier.number, "3f2a-retry", lang="en")
    assert first.status_code == again.status_code == 200
    assert again.data == first.data  # byte for byte, in the first request's language
    assert again.headers["Content-Language"] == "fr"
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(storage.submissions_of(dossier.id)) == 1


def test_submit__same_key_at_the_same_time__both_200_same_body_one_submission(
        api_app, applicant, registry):
    dossier = new_dossier(registry, applicant)
    responses = at_once(api_app,
                        lambda client: submit(client, applicant, dossier.number, "together"))
    assert [status for status, _ in responses] == [200, 200]
    assert responses[0][1] == responses[1][1]
    assert len(storage.submissions_of(dossier.id)) == 1


def test_submit__key_used_on_another_dossier__422_reused_nothing_submitted(
        api, applicant, registry):
    first = new_dossier(registry, applicant)
    second = new_dossier(registry, applicant)
    assert submit(api, applicant, first.number, "one-key").status_code == 200
    response = submit(api, applicant, second.number, "one-key")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert response.get_json()["type"] == "/api/v1/problems/idempotency-key-reused"
    assert storage.submissions_of(second.id) == []


def test_submit__new_key_on_a_submitted_dossier__409_already_submitted(
        api, applicant, registry):
    dossier = new_dossier(registry, applicant)
    assert submit(api, applicant, dossier.number, "a").status_code == 200
    response = submit(api, applicant, dossier.number, "b")
    assert response.status_code == 409
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/already-submitted"
    assert body["detail"] == "Ce dossier a été soumis : il ne peut plus être modifié."
    assert len(storage.submissions_of(dossier.id)) == 1


def test_submit__no_key__400_key_required(api, applicant, registry):
    dossier = new_dossier(registry, applicant)
    for key in (None, "", '""'):
        response = submit(api, applicant, dossier.number, key)
        assert response.status_code == 400
        assert response.get_json()["type"] == "/api/v1/problems/idempotency-key-required"
    assert storage.submissions_of(dossier.id) == []


@pytest.mark.parametrize("key", ["x" * 256, "with space", "accentué"])
def test_submit__malformed_key__400(api, applicant, registry, key):
    dossier = new_dossier(registry, applicant)
    response = api.post(f"/api/v1/dossiers/{dossier.number}/submit",
                        headers={**applicant.headers,
                                 "Idempotency-Key": key.encode().decode("latin-1")})
    assert response.status_code == 400
    assert response.get_json()["type"] == "/api/v1/problems/bad-request"


def test_submit__quoted_key__the_same_key_unquoted(api, applicant, registry):
    dossier = new_dossier(registry, applicant)
    first = submit(api, applicant, dossier.number, '"8e03978e-40d5"')
    again = submit(api, applicant, dossier.number, "8e03978e-40d5")
    assert again.headers["Idempotent-Replayed"] == "true" and again.data == first.data


def test_submit__invalid__422_every_blocker_of_every_section_with_pointers(
        api, applicant, registry):
    dossier = new_dossier(registry, applicant, {
        "statut_immigration": "resident_permanent", "a_numero_mifi": True,
        "a_numero_ircc": True, "francais_suffisant": False})
    response = submit(api, applicant, dossier.number, "k")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/validation-failed"
    assert "Identification" in body["detail"] and "Premier rendez-vous" in body["detail"]
    by_pointer = {e["pointer"]: e for e in body["errors"]}
    assert {"/answers/detail_statut", "/answers/numero_mifi", "/answers/numero_ircc",
            "/answers/ville", "/answers/type_rendez_vous", "/answers/langues",
            "/answers/disponibilites"} <= set(by_pointer)
    assert by_pointer["/answers/ville"] == {
        "pointer": "/answers/ville", "section": "premier_rendez_vous", "field": "ville",
        "rule": "required", "message": by_pointer["/answers/ville"]["message"]}
    assert by_pointer["/answers/detail_statut"]["section"] == "identification"
    assert "Indiquez le détail de votre statut" in by_pointer[
        "/answers/detail_statut"]["message"]
    assert storage.submissions_of(dossier.id) == []
    # nothing was kept for the key: once corrected, the same key submits
    for section in SECTIONS:
        current = storage.get_dossier(applicant.account_id, dossier.number)
        storage.save_section(registry, applicant.account_id, dossier.number, section,
                             dict(VALID), current.version)
    assert submit(api, applicant, dossier.number, "k").status_code == 200


def test_submit__invalid_in_english__messages_in_english(api, applicant, registry):
    dossier = new_dossier(registry, applicant, {
        "statut_immigration": "citoyen_canadien", "a_numero_mifi": False,
        "a_numero_ircc": True})
    response = submit(api, applicant, dossier.number, "k", lang="en")
    assert response.status_code == 422
    assert response.headers["Content-Language"] == "en"
    body = response.get_json()
    assert body["title"] == "Answers to correct"
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert messages["numero_ircc"] == "Enter your IRCC client identifier."
    assert messages["ville"] == "Choose your desired city of residence."


def test_submit__english__labels_in_english(api, applicant, registry):
    dossier = new_dossier(registry, applicant)
    response = submit(api, applicant, dossier.number, lang="en")
    assert response.status_code == 200
    assert response.get_json()["state"]["label"] == "Submitted"
    assert response.headers["Content-Language"] == "en"


def test_submit__deadline_passed__409(api, applicant, registry):
    storage.clock.set(storage.clock.now() - timedelta(days=120))  # made 120 days ago
    dossier = new_dossier(registry, applicant)
    storage.clock.reset()
    response = submit(api, applicant, dossier.number)
    assert response.status_code == 409
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/deadline-passed"
    assert dossier.deadline.isoformat() in body["detail"]
    assert storage.submissions_of(dossier.id) == []


def test_submit__profile_no_longer_eligible__422_not_eligible_with_the_reasons(
        api, applicant, registry):
    dossier = new_dossier(registry, applicant)
    storage.update_profile(applicant.account_id, {"birth_date": "2015-01-01"})
    response = submit(api, applicant, dossier.number)
    assert response.status_code == 422
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/not-eligible"
    assert body["reasons"] and "18 ans" in body["reasons"][0]
    assert storage.submissions_of(dossier.id) == []


def test_submit__type_withdrawn_from_forms__409_locked_saying_why(
        api, api_app, applicant, registry, monkeypatch):
    dossier = new_dossier(registry, applicant)
    storage.publish_definitions(registry)  # as the app's start does: its version stays known
    without = Registry([c for c in registry if c.id != AQ])
    monkeypatch.setitem(api_app.extensions, "guichet.registry", without)
    response = submit(api, applicant, dossier.number)
    assert response.status_code == 409
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/locked"
    assert body["detail"] == ("Ce type de dossier n'est plus proposé : ce dossier ne peut "
                              "plus être modifié.")
    assert storage.submissions_of(dossier.id) == []


def test_submit__another_applicants_dossier__404_like_an_unknown_one(
        api, applicant, other, registry):
    dossier = new_dossier(registry, applicant)
    theirs = submit(api, other, dossier.number)
    unknown = submit(api, other, "G2600000000")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.get_json()["detail"] == unknown.get_json()["detail"]
    assert storage.submissions_of(dossier.id) == []


def test_submit__same_key_another_account__each_its_own(api, applicant, registry):
    amir = make_person("amir2@example.com", AMIR)
    mine, his = new_dossier(registry, applicant), new_dossier(registry, amir)
    assert submit(api, applicant, mine.number, "shared").status_code == 200
    response = submit(api, amir, his.number, "shared")
    assert response.status_code == 200 and "Idempotent-Replayed" not in response.headers
    assert response.get_json()["number"] == his.number


def test_submit__anonymous__401(api, applicant, registry):
    dossier = new_dossier(registry, applicant)
    response = api.post(f"/api/v1/dossiers/{dossier.number}/submit",
                        headers={"Idempotency-Key": "k"})
    assert response.status_code == 401 and response.mimetype == PROBLEM
