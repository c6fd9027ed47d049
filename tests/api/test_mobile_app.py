"""The mobile app's whole flow through the JSON API only (issue 18), in French and in
English (Accept-Language): sign in for tokens, read the profile and the dossier types,
create an Accompagnement Québec dossier, fill both sections (a save with a mistake, a
stale If-Match answered 412 whose answers the app keeps and sends again with the new
ETag), refresh the tokens midway and go on with the new ones, validate, read the recap,
submit twice with one Idempotency-Key (one submission), let the background work run
(the recap PDF), read the confirmation message and download the PDF.

The account itself exists beforehand (signing up is the portal's, with its email
activation). Every answer is checked against the OpenAPI document
(tests/api/conformance.py) besides what the test asserts.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import storage
from engine import Registry
from tests.api.conformance import check_response
from tests.api.conftest import MARIA, PASSWORD, make_person
from web.background.worker import render_pending_documents

TYPE = "accompagnement-quebec"
IDENTIFICATION = {  # forms/accompagnement-quebec.tests.yaml's base: a valid dossier
    "statut_immigration": "citoyen_canadien",
    "detail_statut": "citoyen_naturalise_selectionne_quebec",
    "a_numero_mifi": True, "numero_mifi": "ABC12345", "a_numero_ircc": False,
}
RENDEZ_VOUS = {"ville": "montreal", "type_rendez_vous": "virtuel",
               "francais_suffisant": True, "disponibilites": ["lundi_matin"]}
# what the app shows in each language (the designer's texts, forms/accompagnement-quebec.yaml)
TEXTS = {
    "fr": {"section": "Premier rendez-vous", "detail_required": "Indiquez le détail",
           "subject": "Confirmation de réception", "problem": "Un jeton d'accès"},
    "en": {"section": "First appointment", "detail_required": "Select the details",
           "subject": "application was received", "problem": "access token"},
}


class App:
    """The mobile app: its language, its tokens, and each call checked against the
    document."""

    def __init__(self, app: Flask, client: FlaskClient, lang: str) -> None:
        self.app, self.client, self.lang = app, client, lang
        self.access = self.refresh = ""

    def call(self, method: str, path: str, expect: int, json: Any = None,
             headers: dict[str, str] | None = None, token: bool = True) -> TestResponse:
        sent = {"Accept-Language": self.lang, **(headers or {})}
        if token and self.access:
            sent["Authorization"] = f"Bearer {self.access}"
        response = self.client.open(path, method=method, json=json, headers=sent)
        assert response.status_code == expect, (method, path, response.get_data(as_text=True))
        assert "Set-Cookie" not in response.headers
        check_response(self.app, method, path, response)
        return response

    def keep(self, pair: dict[str, Any]) -> None:
        assert pair["token_type"] == "Bearer" and pair["expires_in"] > 0
        self.access, self.refresh = pair["access_token"], pair["refresh_token"]


def etag(response: TestResponse) -> str:
    tag = response.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"'), tag
    return tag


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_mobile_app__whole_flow_through_the_api__one_submission_pdf_and_message(
        api_app: Flask, api: FlaskClient, api_registry: Registry, lang: str) -> None:
    person = make_person("maria.mobile@example.com", MARIA)
    text = TEXTS[lang]
    app = App(api_app, api, lang)

    # signed out: the API says so in the app's language
    refused = app.call("GET", "/api/v1/profile", 401)
    assert text["problem"] in refused.json["detail"]
    assert refused.headers["Content-Language"] == lang

    # sign in, the profile (the app's language kept on the account: messages and PDF)
    app.keep(app.call("POST", "/api/v1/tokens", 201, token=False,
                      json={"email": person.email, "password": PASSWORD}).json)
    profile = app.call("GET", "/api/v1/profile", 200).json
    assert profile["email"] == person.email
    assert profile["profile"]["given_names"] == "Maria"
    assert app.call("PATCH", "/api/v1/profile", 200, json={"lang": lang}).json["lang"] == lang

    # the types, then a new dossier
    types = app.call("GET", "/api/v1/types", 200).json["items"]
    aq = next(t for t in types if t["id"] == TYPE)
    assert [s["id"] for s in aq["sections"]] == ["identification", "premier_rendez_vous"]
    assert aq["sections"][1]["title"] == text["section"]
    created = app.call("POST", "/api/v1/dossiers", 201, json={"type": TYPE})
    number = created.json["number"]
    assert created.headers["Location"].endswith(f"/api/v1/dossiers/{number}")
    dossier = app.call("GET", f"/api/v1/dossiers/{number}", 200)
    assert [s["status"] for s in dossier.json["sections"]] == ["not_started", "not_started"]
    assert dossier.json["state"]["editable"] is True

    # identification: a first save with a mistake is kept as a draft, the error told
    section = f"/api/v1/dossiers/{number}/sections/identification"
    read = app.call("GET", section, 200)
    first = etag(read)
    typed = {"statut_immigration": "citoyen_canadien"}
    saved = app.call("PUT", section, 200, json={"answers": typed}, headers={"If-Match": first})
    errors = {e["pointer"]: e for e in saved.json["errors"]}
    assert text["detail_required"] in errors["/answers/detail_statut"]["message"]
    assert errors["/answers/detail_statut"]["rule"] == "required"
    second = etag(saved)
    assert second != first

    # the app sends the rest on the ETag it read first (another device saved meanwhile):
    # 412 with both versions and the section as stored; what was typed is sent again
    stale = app.call("PUT", section, 412, json={"answers": IDENTIFICATION},
                     headers={"If-Match": first})
    assert stale.json["current_version"] == int(second.strip('"'))
    assert stale.json["your_version"] == int(first.strip('"'))
    assert stale.json["current"]["answers"]["statut_immigration"] == "citoyen_canadien"
    assert etag(stale) == second
    saved = app.call("PUT", section, 200, json={"answers": IDENTIFICATION},
                     headers={"If-Match": etag(stale)})
    assert saved.json["errors"] == [] and saved.json["status"] == "valid"

    # midway, the access token is refreshed: the app goes on with the new pair
    old_access = app.access
    app.keep(app.call("POST", "/api/v1/tokens/refresh", 201, token=False,
                      json={"refresh_token": app.refresh}).json)
    assert app.access != old_access

    # premier rendez-vous, on the dossier's current ETag
    section = f"/api/v1/dossiers/{number}/sections/premier_rendez_vous"
    read = app.call("GET", section, 200)
    assert read.json["title"] == text["section"]
    saved = app.call("PUT", section, 200, json={"answers": RENDEZ_VOUS},
                     headers={"If-Match": etag(read)})
    assert saved.json["status"] == "valid"

    # validate (nothing stored), the dossier, the recap
    for s in ("identification", "premier_rendez_vous"):
        checked = app.call("POST", f"/api/v1/dossiers/{number}/sections/{s}/validate", 200,
                           json={"answers": {}})
        assert checked.json == {"valid": True, "errors": []}
    dossier = app.call("GET", f"/api/v1/dossiers/{number}", 200).json
    assert [s["status"] for s in dossier["sections"]] == ["valid", "valid"]
    recap = app.call("GET", f"/api/v1/dossiers/{number}/recap", 200).json
    assert recap["number"] == number
    assert text["section"] in [s["title"] for s in recap["sections"]]

    # submit, and the same request again (a retry on a bad network): one submission
    key = {"Idempotency-Key": f"mobile-{lang}-4f1c2a"}
    submitted = app.call("POST", f"/api/v1/dossiers/{number}/submit", 200, headers=key)
    again = app.call("POST", f"/api/v1/dossiers/{number}/submit", 200, headers=key)
    assert again.json == submitted.json
    assert submitted.json["submitted_at"] and submitted.json["state"]["editable"] is False
    owned = storage.get_dossier(person.account_id, number, api_registry)
    assert len(storage.submissions_of(owned.id)) == 1

    # the background work the worker does after the commit: the recap PDF
    render_pending_documents(api_registry)

    # the confirmation message, in the app's language, then marked read
    messages = app.call("GET", "/api/v1/messages", 200).json["items"]
    confirmation = next(m for m in messages if m["dossier"] == number)
    assert text["subject"] in confirmation["subject"] and number in confirmation["body"]
    path = f"/api/v1/messages/{confirmation['id']}"
    assert app.call("GET", path, 200).json["read_at"] is None
    app.call("POST", f"{path}/read", 204)
    assert app.call("GET", path, 200).json["read_at"]

    # the recap PDF, downloaded
    documents = app.call("GET", "/api/v1/documents", 200).json["items"]
    pdf = next(d for d in documents if d["dossier"] == number)
    assert pdf["ready"] is True
    download = app.call("GET", f"/api/v1/documents/{pdf['id']}", 200)
    assert download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF")

    # signing out revokes the token
    app.call("DELETE", "/api/v1/tokens/current", 204)
    app.call("GET", "/api/v1/profile", 401)
