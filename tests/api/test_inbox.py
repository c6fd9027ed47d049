"""GET /api/v1/messages and /documents: the confirmation of a submission in the message
centre, marked read on request; the recap PDF listed, 409 until rendered, then
downloaded as the page downloads it; never another applicant's."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import storage
from engine import Registry
from tests.api.conformance import check_response
from tests.api.conftest import MARIA, make_person
from tests.api.test_submit import new_dossier, submit
from web.background.worker import render_pending_documents

PROBLEM = "application/problem+json"


class Checked:
    """The test client, every answer checked against the OpenAPI document."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def _call(self, method: str, path: str, **kwargs: Any) -> TestResponse:
        response = self.client.open(path, method=method, **kwargs)
        check_response(self.client.application, method, path, response)
        return response

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self._call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> TestResponse:
        return self._call("POST", path, **kwargs)


@pytest.fixture
def registry(api_app: Flask) -> Registry:
    return api_app.config["REGISTRY"]


@pytest.fixture
def api(api_app: Flask) -> Checked:
    return Checked(api_app.test_client())


@pytest.fixture
def submitted(api, applicant, registry) -> str:
    """Maria's AQ dossier, submitted through the API: its number."""
    number = new_dossier(registry, applicant).number
    assert submit(api.client, applicant, number).status_code == 200
    return number


def test_messages__after_submission__the_confirmation_unread(api, applicant, submitted):
    response = api.get("/api/v1/messages", headers=applicant.headers)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    body = response.get_json()
    assert body["unread"] == 1
    (message,) = body["items"]
    assert message["dossier"] == submitted and message["author"] == "service"
    assert message["subject"] == ("Confirmation de réception de votre demande "
                                  "Accompagnement Québec")
    assert submitted in message["body"]
    assert message["read_at"] is None and message["created_at"].endswith("Z")
    assert len(message["id"]) == 22


def test_message__get_then_read__204_and_marked_once(api, applicant, submitted):
    (item,) = api.get("/api/v1/messages", headers=applicant.headers).get_json()["items"]
    one = api.get(f"/api/v1/messages/{item['id']}", headers=applicant.headers)
    assert one.status_code == 200 and one.get_json() == item  # a GET marks nothing
    read = api.post(f"/api/v1/messages/{item['id']}/read", headers=applicant.headers)
    assert read.status_code == 204 and read.data == b""
    assert "Content-Type" not in read.headers
    after = api.get(f"/api/v1/messages/{item['id']}", headers=applicant.headers).get_json()
    assert after["read_at"] is not None
    assert api.post(f"/api/v1/messages/{item['id']}/read",
                    headers=applicant.headers).status_code == 204
    again = api.get(f"/api/v1/messages/{item['id']}", headers=applicant.headers).get_json()
    assert again["read_at"] == after["read_at"]  # the first reading's time is kept
    assert api.get("/api/v1/messages", headers=applicant.headers).get_json()["unread"] == 0
    assert storage.unread_count(applicant.account_id) == 0  # the portal's envelope too


def test_message__another_applicants__404_like_an_unknown_one(api, applicant, other,
                                                              submitted):
    (item,) = api.get("/api/v1/messages", headers=applicant.headers).get_json()["items"]
    for path in (f"/api/v1/messages/{item['id']}", "/api/v1/messages/AAAAAAAAAAAAAAAAAAAAAA"):
        response = api.get(path, headers=other.headers)
        assert response.status_code == 404 and response.mimetype == PROBLEM
        assert api.post(path + "/read", headers=other.headers).status_code == 404
    assert api.get("/api/v1/messages", headers=other.headers).get_json() == {
        "items": [], "unread": 0}
    assert storage.unread_count(applicant.account_id) == 1  # not marked by the stranger


def test_documents__before_rendering__listed_not_ready_and_409_with_retry_after(
        api, applicant, submitted):
    (document,) = api.get("/api/v1/documents", headers=applicant.headers).get_json()["items"]
    assert document["dossier"] == submitted and document["ready"] is False
    assert document["filename"] == f"recapitulatif-{submitted}.pdf"
    assert document["content_type"] == "application/pdf"
    response = api.get(document["download"], headers=applicant.headers)
    assert response.status_code == 409 and response.mimetype == PROBLEM
    assert response.headers["Retry-After"] == "3"
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/not-ready" and body["retry_after"] == 3


def test_documents__rendered__pdf_attachment_named_as_the_page(api, applicant, submitted,
                                                               registry):
    assert render_pending_documents(registry) == 1  # the worker's round, run here
    (document,) = api.get("/api/v1/documents", headers=applicant.headers).get_json()["items"]
    assert document["ready"] is True
    response = api.get(f"/api/v1/documents/{document['id']}", headers=applicant.headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=recapitulatif-{submitted}.pdf")
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_documents__another_applicants__404(api, applicant, other, submitted, registry):
    render_pending_documents(registry)
    (document,) = api.get("/api/v1/documents", headers=applicant.headers).get_json()["items"]
    response = api.get(f"/api/v1/documents/{document['id']}", headers=other.headers)
    assert response.status_code == 404 and response.mimetype == PROBLEM
    assert api.get("/api/v1/documents", headers=other.headers).get_json() == {"items": []}


def test_inbox__anonymous__401(api):
    for path in ("/api/v1/messages", "/api/v1/documents", "/api/v1/messages/x",
                 "/api/v1/documents/x"):
        response = api.get(path)
        assert response.status_code == 401 and response.mimetype == PROBLEM
    assert api.post("/api/v1/messages/x/read").status_code == 401


def test_english_applicant__confirmation_and_pdf_in_english(api, api_app, registry):
    jane = make_person("jane@example.com", MARIA, lang="en")
    number = new_dossier(registry, jane).number
    assert submit(api.client, jane, number, lang="en").status_code == 200
    headers = {**jane.headers, "Accept-Language": "en"}
    (message,) = api.get("/api/v1/messages", headers=headers).get_json()["items"]
    assert message["subject"] == "Your Accompagnement Québec application was received"
    render_pending_documents(registry)
    (document,) = api.get("/api/v1/documents", headers=headers).get_json()["items"]
    assert document["name"].startswith("Summary")
    pdf = api.get(document["download"], headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    missing = api.get("/api/v1/messages/nothing", headers=headers)
    assert missing.headers["Content-Language"] == "en"
    assert missing.get_json()["title"] == "Not found"


def test_dossiers__unread_messages_per_dossier__as_the_pages_message_column(
        api, applicant, submitted):
    """The guide's Mes dossiers has a "Message" column (the pages show it); the mobile
    app's list says the same: the dossier's unread messages, 0 once read."""
    (line,) = api.get("/api/v1/dossiers", headers=applicant.headers).get_json()["items"]
    assert (line["number"], line["unread_messages"]) == (submitted, 1)
    (item,) = api.get("/api/v1/messages", headers=applicant.headers).get_json()["items"]
    api.post(f"/api/v1/messages/{item['id']}/read", headers=applicant.headers)
    (line,) = api.get("/api/v1/dossiers", headers=applicant.headers).get_json()["items"]
    assert line["unread_messages"] == 0


def test_reply__to_the_services_message__kept_on_the_dossier_for_its_agents(
        api, applicant, submitted):
    """The mobile app answers as the page's "Répondre" does (the guide: "write to us in
    the Reply part below this message")."""
    (item,) = api.get("/api/v1/messages", headers=applicant.headers).get_json()["items"]
    assert item["can_reply"] is True
    sent = api.post(f"/api/v1/messages/{item['id']}/replies", headers=applicant.headers,
                    json={"body": "  Je serai disponible mardi matin.  "})
    assert sent.status_code == 201
    reply = sent.get_json()
    assert sent.headers["Location"] == f"/api/v1/messages/{reply['id']}"
    assert (reply["author"], reply["dossier"], reply["can_reply"]) == (
        "applicant", submitted, False)
    assert reply["body"] == "Je serai disponible mardi matin."
    assert reply["subject"] == "Re: " + item["subject"] and reply["read_at"] is not None
    type_id = storage.get_dossier(applicant.account_id, submitted).type_id
    assert storage.unseen_replies([type_id]) == 1  # the agents' "Nouvelle"
    # one's own reply is not answered
    again = api.post(f"/api/v1/messages/{reply['id']}/replies", headers=applicant.headers,
                     json={"body": "Encore"})
    assert again.status_code == 404 and again.mimetype == PROBLEM


@pytest.mark.parametrize(("body", "rule", "message"), [
    ({}, "required", "Écrivez votre réponse."),
    ({"body": " \u200b "}, "required", "Écrivez votre réponse."),
    ({"body": 12}, "type", "Écrivez votre réponse."),
    ({"body": "x" * 4001}, "max_length",
     "Votre réponse doit compter au plus 4\u202f000 caractères."),
])
def test_reply__empty_or_too_long__422_with_the_pages_message(api, applicant, submitted,
                                                             body, rule, message):
    (item,) = api.get("/api/v1/messages", headers=applicant.headers).get_json()["items"]
    refused = api.post(f"/api/v1/messages/{item['id']}/replies", headers=applicant.headers,
                       json=body)
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    (error,) = refused.get_json()["errors"]
    assert (error["pointer"], error["rule"], error["message"]) == ("/body", rule, message)
    assert [m["author"] for m in api.get("/api/v1/messages", headers=applicant.headers
                                         ).get_json()["items"]] == ["service"]


def test_reply__another_applicants_message__404_nothing_sent(api, applicant, other, submitted):
    (item,) = api.get("/api/v1/messages", headers=applicant.headers).get_json()["items"]
    refused = api.post(f"/api/v1/messages/{item['id']}/replies", headers=other.headers,
                       json={"body": "Bonjour"})
    assert refused.status_code == 404
    type_id = storage.get_dossier(applicant.account_id, submitted).type_id
    assert storage.unseen_replies([type_id]) == 0
