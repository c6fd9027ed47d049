"""What a newcomer's trial of the API found, each kind of fault held here: bodies that
are not strict JSON (deep nesting, NaN, 1e999) are 400 on every JSON endpoint; If-Match
read as RFC 9110 says; 204 and OPTIONS answers without a content type; 405 with Allow;
413 closing the connection; a forged Host, `//` in a path answered as problems; one
neutral 401 text; what the document declares (413, 500, 503 with Retry-After)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import storage
from tests.api.conformance import check_response
from tests.api.conftest import AQ, IDENT, RDV
from web.api.openapi import document
from web.registry import EXTENSION

PROBLEM = "application/problem+json"
HOSTILE = ["[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000,
           '{"email": NaN, "password": "x"}', '{"a": Infinity}', '{"a": -Infinity}',
           '{"a": 1e999}', '{"answers": {"x": 1e999}}', "\xff\xfe", '{"a": 1' + "0" * 5000 + "}"]


def _new(app: Flask, person: Any) -> str:
    return storage.create_dossier(app.extensions[EXTENSION], person.account_id, AQ).number


def _json_operations(app: Flask, number: str) -> list[tuple[str, str]]:
    """Every (method, path) of the document that takes a JSON body, made concrete."""
    out = []
    for path, item in document(app)["paths"].items():
        for method, operation in item.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                concrete = path.replace("{number}", number).replace("{section_id}",
                                                                   "identification")
                out.append((method.upper(), "/api/v1" + concrete))
    return out


@pytest.mark.parametrize("body", HOSTILE)
def test_bodies_that_are_not_strict_json_are_400_everywhere(api: FlaskClient, api_app: Flask,
                                                            applicant: Any, body: str,
                                                            caplog: Any) -> None:
    number = _new(api_app, applicant)
    operations = _json_operations(api_app, number)
    assert ("POST", "/api/v1/tokens") in operations and len(operations) >= 6
    for method, path in operations:
        response = api.open(path, method=method, data=body.encode("utf-8", "surrogatepass")
                            if body != "\xff\xfe" else b"\xff\xfe",
                            headers={**applicant.headers, "If-Match": "*",
                                     "Idempotency-Key": "k-1",
                                     "Content-Type": "application/json"})
        assert response.status_code == 400, (method, path, response.get_data(as_text=True))
        assert response.get_json()["type"] == "/api/v1/problems/bad-request"
        check_response(api_app, method, path, response)
    assert "Traceback" not in caplog.text and "RecursionError" not in caplog.text


def _put(api: FlaskClient, person: Any, number: str, if_match: str | None,
         answers: dict[str, Any], section: str = "identification") -> Any:
    headers = dict(person.headers)
    if if_match is not None:
        headers["If-Match"] = if_match
    path = f"/api/v1/dossiers/{number}/sections/{section}"
    response = api.put(path, json={"answers": answers}, headers=headers)
    return response


def test_if_match_strong_comparison_star_and_lists(api, api_app, applicant):
    number = _new(api_app, applicant)
    weak = _put(api, applicant, number, 'W/"1"', IDENT)
    assert weak.status_code == 412 and weak.get_json()["your_version"] is None
    star = _put(api, applicant, number, "*", IDENT)
    assert star.status_code == 200 and star.headers["ETag"] == '"2"'
    listed = _put(api, applicant, number, '"7", W/"3", "2"', {**IDENT, "numero_mifi": "CD1"})
    assert listed.status_code == 200 and listed.headers["ETag"] == '"3"'
    stale = _put(api, applicant, number, '"1", "9"', {**IDENT, "numero_mifi": "EF2"})
    assert stale.status_code == 412
    assert stale.get_json()["current_version"] == 3
    assert _put(api, applicant, number, "", IDENT).status_code == 428
    for odd in ('""', '"", "1"', 'W/""', ","):  # an empty tag is no version: 412, never a 500
        response = _put(api, applicant, number, odd, {**IDENT, "numero_mifi": "GH3"})
        assert response.status_code == 412, odd
        check_response(api_app, "PUT", f"/api/v1/dossiers/{number}/sections/identification",
                       response)


def test_a_locked_dossier_is_409_before_any_412(api, api_app, applicant):
    number = _new(api_app, applicant)
    assert _put(api, applicant, number, '"1"', IDENT).status_code == 200
    assert _put(api, applicant, number, '"2"', RDV, "premier_rendez_vous").status_code == 200
    storage.submit(api_app.extensions[EXTENSION], applicant.account_id, number)
    for tag in ('"1"', '"99"', 'W/"3"', "*"):
        response = _put(api, applicant, number, tag, IDENT)
        assert response.status_code == 409, tag
        assert response.get_json()["type"] == "/api/v1/problems/locked"


def test_204_answers_carry_no_content_type(api, api_app, applicant):
    number = _new(api_app, applicant)
    storage.submit  # noqa: B018  (the message route is exercised by test_inbox)
    response = api.delete("/api/v1/tokens/current", headers=applicant.headers)
    assert response.status_code == 204
    assert "Content-Type" not in response.headers and response.data == b""
    check_response(api_app, "DELETE", "/api/v1/tokens/current", response)
    options = api.options(f"/api/v1/dossiers/{number}")
    assert options.status_code == 204 and "Content-Type" not in options.headers
    assert set(options.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "OPTIONS"}


def test_405_says_which_methods_are_allowed(api, api_app):
    response = api.delete("/api/v1/tokens")
    assert response.status_code == 405 and response.mimetype == PROBLEM
    assert "POST" in response.headers["Allow"]
    page = api_app.test_client().delete("/")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]


def test_413_is_a_problem(api, api_app):
    api_app.config["MAX_CONTENT_LENGTH"] = 1000
    response = api.post("/api/v1/tokens", data=b"{" + b" " * 5000 + b"}",
                        headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and response.mimetype == PROBLEM
    check_response(api_app, "POST", "/api/v1/tokens", response)


def test_a_forged_host_under_api_is_a_problem(api):
    response = api.get("/api/v1/types", headers={"Host": "evil.example"})
    assert response.status_code == 400 and response.mimetype == PROBLEM
    page = api.get("/", headers={"Host": "evil.example"})
    assert page.status_code == 400 and page.mimetype == "text/html"


def test_double_slashes_under_api_are_404_not_a_redirect(api, applicant):
    response = api.put("/api/v1/dossiers//G1/sections/identification", json={"answers": {}},
                       headers={**applicant.headers, "If-Match": '"1"'})
    assert response.status_code == 404 and response.mimetype == PROBLEM
    assert "Location" not in response.headers


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_one_neutral_401_for_unknown_and_revoked_tokens(api, applicant, lang):
    unknown = api.get("/api/v1/profile", headers={"Authorization": "Bearer nope",
                                                  "Accept-Language": lang})
    api.delete("/api/v1/tokens/current", headers=applicant.headers)
    revoked = api.get("/api/v1/profile", headers={**applicant.headers, "Accept-Language": lang})
    assert unknown.status_code == revoked.status_code == 401
    detail = unknown.get_json()["detail"]
    assert detail == revoked.get_json()["detail"]
    assert ("révoqué" in detail) if lang == "fr" else ("revoked" in detail)
    assert "plus valide" not in detail


def test_the_document_declares_413_500_503_everywhere(api_app):
    paths = document(api_app)["paths"]
    for path, item in paths.items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "500" in responses and "503" in responses, (method, path)
            if "requestBody" in operation:
                assert "413" in responses, (method, path)
    unavailable = document(api_app)["components"]["responses"]["Unavailable"]
    assert "Retry-After" in unavailable["headers"]


def test_english_texts_say_file_not_dossier(api_app):
    from babel.messages.pofile import read_po
    with open("web/i18n/translations/en/LC_MESSAGES/messages.po", "rb") as po:
        catalog = read_po(po)
    api_sources = ("web/api/",)
    bad = [m.id for m in catalog if m.id and m.string
           and any(src.startswith(api_sources) for src, _line in m.locations)
           and "dossier" in (m.string if isinstance(m.string, str) else " ".join(m.string)).lower()]
    assert bad == []
