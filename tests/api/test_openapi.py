"""The OpenAPI document of /api/v1 (web/api/openapi.py), its reference page and command.

The document is valid OpenAPI 3.1 (openapi-spec-validator) whether built from forms/ or
from tests/definitions (with an older published version); every version the app can
serve has its answers, sections and form components; the UI description carries both
languages, conditions and repeating groups; `guichet openapi` prints the served
document; the reference page loads only this site's files.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

import storage
from engine import Registry, convert
from tests import definitions
from tests.api.conformance import check_response, documented
from tests.api.conftest import api_portal
from web.api import names, openapi
from web.cli import main
from web.cli.portal import openapi_ready

SCHEMAS = "components"
NAME = re.compile(r"^[a-zA-Z0-9._-]+$")
MIGRATIONS = definitions.DIRECTORY / "migrations"


@pytest.fixture
def test_types_app(api_instance: str) -> Iterator[Flask]:
    """A portal serving tests/definitions and `demenagement` version 2, with version 1
    of it published (an older version dossiers may stay pinned to)."""
    newer = convert(MIGRATIONS / "v2.yaml").compiled
    registry = Registry([*definitions.registry(), newer])
    for app in api_portal(registry, api_instance):
        storage.publish_definitions([convert(MIGRATIONS / "v1.yaml").compiled])
        yield app


def _schemas(app: Flask) -> dict:
    return documented(app)["components"]["schemas"]


def test_document__forms__valid_openapi_31(api_app: Flask) -> None:
    document = documented(api_app)
    validate(document)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "/api/v1"}]
    assert all(NAME.match(name) for name in document["components"]["schemas"])


def test_document__test_definitions__valid_with_older_versions(test_types_app: Flask) -> None:
    document = documented(test_types_app)
    validate(document)
    schemas = document["components"]["schemas"]
    assert "Answers.demenagement.v1" in schemas and "Answers.demenagement.v2" in schemas


def test_document__every_version__answers_sections_and_form(test_types_app: Flask) -> None:
    schemas = _schemas(test_types_app)
    registry = test_types_app.extensions["guichet.registry"]
    published = storage.version_numbers(registry.ids())
    for type_id in registry.ids():
        for version in {*published.get(type_id, []), registry[type_id].definition.version}:
            compiled = storage.definition_of(registry, type_id, version)
            refs = names.component_names(type_id, version, list(compiled.sections))
            for ref in (refs["answers"], refs["form"], *refs["sections"].values()):
                assert ref.removeprefix("#/components/schemas/") in schemas, ref


def test_document__defs__hoisted_and_refs_rewritten(api_app: Flask) -> None:
    text = json.dumps(documented(api_app))
    assert "#/$defs/" not in text and '"$defs"' not in text and '"$schema"' not in text
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text))
    assert refs <= set(_schemas(api_app))


def test_document__section_schema__the_compiled_one(api_app: Flask) -> None:
    registry = api_app.extensions["guichet.registry"]
    compiled = next(iter(registry))
    section_id, section = next(iter(compiled.sections.items()))
    name = names.section_name(compiled.id, compiled.definition.version, section_id)
    embedded = _schemas(api_app)[name]
    assert embedded["properties"].keys() == section.schema["properties"].keys()
    assert embedded.get("allOf") == section.schema.get("allOf")


def test_form__both_languages__labels_options_conditions(test_types_app: Flask) -> None:
    form = _schemas(test_types_app)["Form.essai.v3"]
    assert form["allOf"] == [{"$ref": "#/components/schemas/FormDescription"}]
    description = form["const"]
    assert description["title"]["fr"] and description["title"]["en"]
    fields = [f for s in description["sections"] for f in s["fields"]]
    assert all(f["label"]["fr"] and f["label"]["en"] for f in fields)
    options = [o for f in fields for o in f["options"]]
    assert options and all(o["label"]["fr"] and o["label"]["en"] for o in options)
    assert any(f["when"] for f in fields), "essai has conditional questions"
    assert any(o["when"] for o in options), "essai has options offered on condition"


def test_form__repeating_group__nested_questions(test_types_app: Flask) -> None:
    description = _schemas(test_types_app)["Form.famille.v1"]["const"]
    groups = [f for s in description["sections"] for f in s["fields"] if f["fields"]]
    assert groups
    group = groups[0]
    assert "{n}" in group["item_label"]["fr"] and "{n}" in group["item_label"]["en"]
    assert all(c["label"]["en"] for c in group["fields"])


def test_form__conditional_section__when(test_types_app: Flask) -> None:
    registry = test_types_app.extensions["guichet.registry"]
    conditional = [(c.id, s.id) for c in registry for s in c.definition.sections if s.when]
    assert conditional, "a test definition has a conditional section"
    type_id, section_id = conditional[0]
    version = registry[type_id].definition.version
    description = _schemas(test_types_app)[names.form_name(type_id, version)]["const"]
    section = next(s for s in description["sections"] if s["id"] == section_id)
    assert section["when"] is not None
    assert section["schema"] == names.section_ref(type_id, version, section_id)


def test_openapi_json__public__served_and_conform(api_app: Flask) -> None:
    response = api_app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == documented(api_app)
    check_response(api_app, "GET", "/api/v1/openapi.json", response)


def test_openapi_json__same_bytes_in_every_language__says_both(api_app: Flask) -> None:
    """Found by an API trial: `Content-Language` followed Accept-Language for the same
    cacheable bytes (both languages are in the document), with no Vary."""
    client = api_app.test_client()
    fr = client.get("/api/v1/openapi.json", headers={"Accept-Language": "fr"})
    en = client.get("/api/v1/openapi.json", headers={"Accept-Language": "en"})
    assert fr.get_data() == en.get_data()
    assert fr.headers["Content-Language"] == en.headers["Content-Language"] == "fr, en"


def test_serve__document_built_as_each_server_process_starts(api_app: Flask) -> None:
    """`guichet serve` builds the document with the app (openapi_ready, in its factory),
    before any request: the first client does not wait for it."""
    assert openapi.EXTENSION not in api_app.extensions
    assert openapi_ready(api_app) is api_app
    text, _etag = api_app.extensions[openapi.EXTENSION]
    assert api_app.test_client().get("/api/v1/openapi.json").get_data(as_text=True) == text


def test_cli__openapi__the_served_document(api_app: Flask, tmp_path) -> None:
    served = api_app.test_client().get("/api/v1/openapi.json").get_json()
    runner = api_app.test_cli_runner()
    printed = runner.invoke(main, ["openapi"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.output) == served
    target = tmp_path / "openapi.json"
    written = runner.invoke(main, ["openapi", "--output", str(target)])
    assert written.exit_code == 0, written.output
    assert json.loads(target.read_text("utf-8")) == served


def test_docs__page__200_local_assets_only(api_app: Flask) -> None:
    client = api_app.test_client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    check_response(api_app, "GET", "/api/v1/docs", response)
    html = response.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets)
    assert "/static/vendor/redoc/redoc.standalone.js" in assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "http" not in csp
    assert "<script>" not in html  # no inline script: the CSP allows none


def test_docs__csp__relaxed_on_that_page_only(api_app: Flask) -> None:
    client = api_app.test_client()
    assert "unsafe-inline" in client.get("/api/v1/docs").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in client.get("/").headers["Content-Security-Policy"]


def test_conformance__undocumented_status__fails(api_app: Flask) -> None:
    response = api_app.test_client().get("/api/v1/openapi.json")
    response.status_code = 418
    with pytest.raises(Exception, match="(?i)response|status|418"):
        check_response(api_app, "GET", "/api/v1/openapi.json", response)


def test_conformance__undocumented_path__fails(api_app: Flask) -> None:
    response = api_app.test_client().get("/api/v1/nowhere")
    with pytest.raises(Exception, match="(?i)path"):
        check_response(api_app, "GET", "/api/v1/nowhere", response)


def _validator(document: dict, name: str) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator of the component `name`, its refs resolved inside
    `document` (as a client holding openapi.json would resolve them)."""
    root = {"$ref": "#/components/schemas/" + name, "components": document["components"]}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_form__every_description__valid_by_its_schema(test_types_app: Flask) -> None:
    document = documented(test_types_app)
    validator = _validator(document, "FormDescription")
    forms = [n for n in document["components"]["schemas"] if n.startswith("Form.")]
    assert forms
    for name in forms:
        errors = [e.message for e in validator.iter_errors(
            document["components"]["schemas"][name]["const"])]
        assert errors == [], (name, errors[:3])


def test_answers__a_valid_dossier__valid_by_its_component(test_types_app: Flask) -> None:
    document = documented(test_types_app)
    validator = _validator(document, "Answers.essai.v3")
    stored = {**definitions.valid_answers(), "numero": "12345678"}  # as normalised, kept
    assert list(validator.iter_errors(stored)) == []
    wrong = {**stored, "categorie": "inconnue"}
    assert list(validator.iter_errors(wrong))


def test_document__every_api_route__documented_with_its_contract(api_app: Flask) -> None:
    """Every route under /api/v1 is an operation of the document, with an operationId, a
    summary, its responses, and a security requirement (an empty one when public)."""
    paths = documented(api_app)["paths"]
    for rule in api_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        assert path in paths, f"{rule.rule} is not in the document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = paths[path].get(method.lower())
            assert operation is not None, f"{method} {rule.rule} is not in the document"
            assert operation.get("operationId") and operation.get("summary"), (method, path)
            assert operation.get("responses"), (method, path)
            assert "security" in operation or "security" in documented(api_app), (method, path)


def test_conformance__body_breaking_the_schema__fails(api_app: Flask) -> None:
    response = api_app.test_client().get("/api/v1/openapi.json")
    response.set_data(b'{"not": "a document"}')
    with pytest.raises(Exception, match="(?i)openapi|valid|schema"):
        check_response(api_app, "GET", "/api/v1/openapi.json", response)


def test_document__type_removed_from_forms__its_versions_kept(api_app: Flask) -> None:
    storage.publish_definitions([convert(MIGRATIONS / "v1.yaml").compiled])
    document = documented(api_app)
    validate(document)
    assert "Form.demenagement.v1" in document["components"]["schemas"]


def test_docs__portal_session_cookie__tolerated(api_app: Flask) -> None:
    """A developer logged in to the portal opens the reference page and the document:
    public and read-only, they do not refuse the session cookie as the API's views do."""
    client = api_app.test_client()
    client.set_cookie(api_app.config["SESSION_COOKIE_NAME"], "anything")
    assert client.get("/api/v1/docs").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_openapi_json__if_none_match__304(api_app: Flask) -> None:
    client = api_app.test_client()
    first = client.get("/api/v1/openapi.json")
    etag = first.headers["ETag"]
    again = client.get("/api/v1/openapi.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    check_response(api_app, "GET", "/api/v1/openapi.json", again)


def test_document__a_component_declared_twice__refused(api_app: Flask,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(openapi, "SCHEMAS", {"Problem": {"type": "string"}})
    with pytest.raises(ValueError, match="Problem"):
        openapi.build_document(api_app.extensions["guichet.registry"])


def test_conformance__problem_json_after_a_body__read_as_json(
        api_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """A problem+json answer is judged as JSON, also after a request whose body the view
    read (the check never reads the request's body again)."""
    missing = {"responses": {"404": {"$ref": "#/components/responses/NotFound"}},
               "operationId": "nowhere", "summary": "A path for this test", "security": []}
    monkeypatch.setattr(openapi, "PATHS", {**openapi.PATHS, "/nowhere": {
        "get": {**missing, "operationId": "getNowhere"},
        "put": {**missing, "operationId": "putNowhere"}}})
    client = api_app.test_client()
    got = client.get("/api/v1/nowhere")
    assert got.status_code == 404 and got.mimetype == "application/problem+json"
    check_response(api_app, "GET", "/api/v1/nowhere", got)
    put = client.put("/api/v1/nowhere", json={"answers": {"x": "y"}})
    assert put.status_code == 404
    check_response(api_app, "PUT", "/api/v1/nowhere", put)


def test_vendored_redoc__file_as_its_readme_says__no_off_site_url_loaded() -> None:
    """web/static/vendor/redoc holds what scripts/vendor-redoc made: the bundle's sha256
    is the README's (no hand edit), its licence is there, and the one URL it loaded from
    elsewhere (its logo) is gone."""
    folder = Path(openapi.__file__).parents[1] / "static" / "vendor" / "redoc"
    bundle = (folder / "redoc.standalone.js").read_bytes()
    readme = (folder / "README.md").read_text("utf-8")
    assert f"redoc.standalone.js sha256: `{hashlib.sha256(bundle).hexdigest()}`" in readme
    assert (folder / "LICENSE").read_text("utf-8").startswith("The MIT License")
    assert b"cdn.redoc.ly" not in bundle and b"fonts.googleapis" not in bundle
