"""An answer of the wrong JSON type is never stored through the API, for every field type
of the shipped forms and of tests/definitions: each question of each section is sent a
number, a boolean, a list, an object, null inside an item or a part...; the answer is
200 (kept: of the type the question stores) or 422 rule `type` with nothing stored,
never a 500, and what GET gives back never breaks the types of the section's own
component in the OpenAPI document (GET /api/v1/openapi.json, checked with jsonschema).
The trial's case: a yes/no stored true, sent 1 (1 == True in Python), was stored 1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from jsonschema import Draft202012Validator

import storage
from tests.api.conftest import MARIA, api_portal, make_person
from tests.definitions import registry as definitions_registry
from web.registry import EXTENSION

AQ = "accompagnement-quebec"
WRONG: list[Any] = [7, 7.5, -1, True, False, [], [1], ["x"], [None], {}, {"x": 1},
                    {"x": "y"}, [{"x": 1}], [{}], "x", "", 10**30]


@pytest.fixture
def defs_app(api_instance: str) -> Iterator[Flask]:
    """A portal serving tests/definitions (a group, an address, files, a declaration)."""
    yield from api_portal(definitions_registry(), api_instance)


def _type_errors(validator: Draft202012Validator, answers: Any) -> list[str]:
    """The type-level errors (JSON type, a member no object allows) of `answers`: a
    draft may break the other keywords (an unknown option, a pattern, a requirement)."""
    found = []
    pending = list(validator.iter_errors(answers))
    while pending:
        error = pending.pop()
        if error.validator in ("type", "additionalProperties"):
            found.append(f"{list(error.absolute_path)}: {error.message}")
        pending += error.context or []
    return found


def _values(field: Any) -> Iterator[Any]:
    """The wrong (and right) values sent to one question: WRONG as a whole, inside a
    group's item for each nested question, as each part of a composite answer."""
    yield from WRONG
    for child in field.kind.children(field):
        for value in WRONG:
            yield [{child.id: value}]
    for part in field.kind.part_names(field):
        for value in WRONG:
            yield {part: value}


def _every_field(app: Flask) -> None:
    client = app.test_client()
    person = make_person("maria.valdero@example.com", MARIA)
    document = client.get("/api/v1/openapi.json").get_json()
    checked = 0
    for compiled in app.extensions[EXTENSION]:
        type_id = compiled.definition.id
        dossier = storage.create_dossier(app.extensions[EXTENSION], person.account_id,
                                         type_id)
        for section in compiled.definition.sections:
            url = f"/api/v1/dossiers/{dossier.number}/sections/{section.id}"
            got = client.get(url, headers=person.headers)
            assert got.status_code == 200, got.get_json()
            ref = got.get_json()["schema"]
            validator = Draft202012Validator({"$ref": ref, "components":
                                              document["components"]})
            version = got.headers["ETag"]  # carried from answer to answer: a save
            # nobody saw would make the next PUT a 412, and fail
            for field in section.fields:
                if field.kind.multipart:
                    continue
                for value in _values(field):
                    response = client.put(url, json={"answers": {field.id: value}},
                                          headers={**person.headers, "If-Match": version})
                    where = f"{type_id}/{section.id}/{field.id} = {value!r}"
                    assert response.status_code in (200, 422), (where, response.get_json())
                    body = response.get_json()
                    if response.status_code == 422:
                        rules = {e["rule"] for e in body["errors"]}
                        assert rules <= {"type", "max_length"}, (where, body)
                        after = client.get(url, headers=person.headers)
                        assert after.headers["ETag"] == version, where  # nothing stored
                        answers = after.get_json()["answers"]
                    else:
                        version, answers = response.headers["ETag"], body["answers"]
                    assert _type_errors(validator, answers) == [], (where, answers)
                    checked += 1
    assert checked > 100


def test_every_field_of_the_shipped_forms__no_wrong_type_stored(api_app):
    _every_field(api_app)


def test_every_field_of_the_test_definitions__no_wrong_type_stored(defs_app):
    _every_field(defs_app)


def _put(client: Any, headers: dict[str, str], url: str, answers: dict[str, Any]) -> Any:
    version = client.get(url, headers=headers).headers["ETag"]
    return client.put(url, json={"answers": answers}, headers={**headers, "If-Match": version})


def test_yes_no_stored_true__sent_1__refused_type_and_true_kept(api_app, applicant):
    client = api_app.test_client()
    number = storage.create_dossier(api_app.extensions[EXTENSION], applicant.account_id,
                                    AQ).number
    url = f"/api/v1/dossiers/{number}/sections/identification"
    assert _put(client, applicant.headers, url, {"a_numero_mifi": True}).status_code == 200
    for sent in (1, 1.0, 0, [True]):
        response = _put(client, applicant.headers, url, {"a_numero_mifi": sent})
        assert response.status_code == 422, sent
        assert [(e["pointer"], e["rule"]) for e in response.get_json()["errors"]] == [
            ("/answers/a_numero_mifi", "type")]
        assert storage.get_dossier(applicant.account_id, number).answers == {
            "a_numero_mifi": True}


@pytest.mark.parametrize("word, stored", [("oui", True), (" True ", True), ("non", False),
                                          ("off", False)])
def test_yes_no_words__stored_as_a_real_boolean(api_app, applicant, word, stored):
    client = api_app.test_client()
    number = storage.create_dossier(api_app.extensions[EXTENSION], applicant.account_id,
                                    AQ).number
    url = f"/api/v1/dossiers/{number}/sections/identification"
    response = _put(client, applicant.headers, url, {"a_numero_mifi": word})
    assert response.status_code == 200
    assert response.get_json()["answers"]["a_numero_mifi"] is stored
    assert storage.get_dossier(applicant.account_id, number).answers["a_numero_mifi"] is stored


def test_yes_no_another_word__refused_type(api_app, applicant):
    client = api_app.test_client()
    number = storage.create_dossier(api_app.extensions[EXTENSION], applicant.account_id,
                                    AQ).number
    url = f"/api/v1/dossiers/{number}/sections/identification"
    response = _put(client, applicant.headers, url, {"a_numero_mifi": "peut-être"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["rule"] == "type"
    assert storage.get_dossier(applicant.account_id, number).answers == {}


def test_number_question__a_json_number_or_its_text_stored_as_a_number(defs_app):
    maria = make_person("maria.valdero@example.com", MARIA)
    client = defs_app.test_client()
    registry = defs_app.extensions[EXTENSION]
    for compiled in registry:
        for section in compiled.definition.sections:
            numbers = [f for f in section.fields if f.kind.value_kind == "number"]
            if numbers:
                break
        else:
            continue
        break
    field = numbers[0]
    number = storage.create_dossier(registry, maria.account_id, compiled.definition.id).number
    url = f"/api/v1/dossiers/{number}/sections/{section.id}"
    assert _put(client, maria.headers, url, {field.id: 1250}).get_json()[
        "answers"][field.id] == 1250
    assert _put(client, maria.headers, url, {field.id: "1 500"}).get_json()[
        "answers"][field.id] == 1500
    wrong = _put(client, maria.headers, url, {field.id: "beaucoup"})
    assert wrong.status_code == 422
    [error] = wrong.get_json()["errors"]
    assert error["rule"] == "type" and error["message"].startswith("Entrez un nombre")
    assert storage.get_dossier(maria.account_id, number).answers[field.id] == 1500
