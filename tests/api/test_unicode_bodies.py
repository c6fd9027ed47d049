"""A JSON body escaping a lone UTF-16 surrogate (`"\\ud800abc"`) is no Unicode text: every
resource refuses it as 400 `bad-request` (answers, profile, tokens, link), in a value
or in a key, and nothing is stored (never "?abc"); a surrogate pair (an emoji) is text."""

from __future__ import annotations

import pytest
from flask import Flask

import storage
from tests.api.conftest import Person
from web.registry import EXTENSION

AQ = "accompagnement-quebec"
LONE = ['"\\ud800abc"', '"abc\\udfff"', '"\\udc00\\ud800"']


def _send(client, method: str, url: str, text: str, headers: dict[str, str]):
    return client.open(url, method=method, data=text, content_type="application/json",
                       headers=headers)


def _refused(response) -> None:
    assert response.status_code == 400, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == "/api/v1/problems/bad-request"


@pytest.mark.parametrize("lone", LONE)
def test_section_answers__lone_surrogate_in_a_value_or_key__400_nothing_stored(
        api_app: Flask, applicant: Person, lone: str) -> None:
    client = api_app.test_client()
    number = storage.create_dossier(api_app.extensions[EXTENSION], applicant.account_id,
                                    AQ).number
    url = f"/api/v1/dossiers/{number}/sections/identification"
    version = client.get(url, headers=applicant.headers).headers["ETag"]
    headers = {**applicant.headers, "If-Match": version}
    for text in (f'{{"answers": {{"numero_mifi": {lone}}}}}',
                 f'{{"answers": {{"numero_mifi": "AB123456", {lone}: "x"}}}}',
                 f'{{"answers": {{"numero_mifi": "AB123456"}}, {lone}: 1}}'):
        _refused(_send(client, "PUT", url, text, headers))
        _refused(_send(client, "POST", url + "/validate", text, applicant.headers))
    assert storage.get_dossier(applicant.account_id, number).answers == {}


def test_section_answers__a_surrogate_pair_is_text_and_stored(api_app: Flask,
                                                              applicant: Person) -> None:
    client = api_app.test_client()
    number = storage.create_dossier(api_app.extensions[EXTENSION], applicant.account_id,
                                    "cours-francais").number
    compiled = api_app.extensions[EXTENSION].get("cours-francais")
    section, field = next((s, f) for s in compiled.definition.sections for f in s.fields
                          if compiled.sections[s.id].schema["properties"][f.id].get("type")
                          == "string" and "enum" not in
                          compiled.sections[s.id].schema["properties"][f.id]
                          and "pattern" not in compiled.sections[s.id].schema["properties"][f.id]
                          and "format" not in compiled.sections[s.id].schema["properties"][f.id])
    url = f"/api/v1/dossiers/{number}/sections/{section.id}"
    version = client.get(url, headers=applicant.headers).headers["ETag"]
    response = _send(client, "PUT", url, f'{{"answers": {{"{field.id}": "ok \\ud83d\\ude00"}}}}',
                     {**applicant.headers, "If-Match": version})
    assert response.status_code == 200, response.get_json()
    assert storage.get_dossier(applicant.account_id, number).answers[field.id] == "ok \U0001f600"


@pytest.mark.parametrize("lone", LONE)
def test_profile__lone_surrogate__400_profile_unchanged(api_app: Flask, applicant: Person,
                                                        lone: str) -> None:
    client = api_app.test_client()
    before = storage.get_account(applicant.account_id).profile
    for text in (f'{{"profile": {{"city": {lone}}}}}', f'{{"profile": {{{lone}: "x"}}}}',
                 f'{{"lang": {lone}}}'):
        _refused(_send(client, "PATCH", "/api/v1/profile", text, applicant.headers))
    assert storage.get_account(applicant.account_id).profile == before


def test_tokens_and_link__lone_surrogate__400_no_attempt_counted(api_app: Flask,
                                                                  applicant: Person) -> None:
    client = api_app.test_client()
    for _ in range(6):  # more than the login limit: none counted
        _refused(_send(client, "POST", "/api/v1/tokens",
                       f'{{"email": "{applicant.email}", "password": "\\ud800x"}}', {}))
        _refused(_send(client, "POST", "/api/v1/tokens/refresh",
                       '{"refresh_token": "\\ud800"}', {}))
        _refused(_send(client, "POST", "/api/v1/dossiers/link",
                       f'{{"type": "{AQ}", "number": "G21\\ud800"}}', applicant.headers))
        _refused(_send(client, "POST", "/api/v1/dossiers", '{"type": "\\udfff"}',
                       applicant.headers))
    right = client.post("/api/v1/tokens", json={"email": applicant.email,
                                                 "password": applicant.password})
    assert right.status_code == 201
    assert storage.list_dossiers(applicant.account_id) == []
