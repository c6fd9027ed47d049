"""Dossier types through the API: GET /types.

Every type a new dossier may be created for, as the "Créer un nouveau dossier" page
lists them (the app's registry: the newest version of each type of forms/, in its
order), with the version a new dossier gets and where its schemas are in the OpenAPI
document: the whole answers (`Answers.<type>.v<version>`), each section's
(`Section.<type>.v<version>.<section>`) and the UI description (`Form.<type>.v<version>`)
the app draws the form from. A dossier stays on the version it was created with: its
own refs are in GET /dossiers/{number}.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from engine import CompiledDefinition
from web.api import spec
from web.api.auth import token_required
from web.api.blueprint import bp
from web.api.names import REF, component_names
from web.i18n import localize
from web.registry import registry


def type_item(compiled: CompiledDefinition) -> dict[str, Any]:
    """One type as GET /types lists it (schema DossierType), texts in the asked language."""
    d = compiled.definition
    refs = component_names(d.id, d.version, [s.id for s in d.sections])
    return {"id": d.id, "title": localize(d.title),
            "description": localize(d.description) or None, "version": d.version,
            "schema": refs["answers"], "form": refs["form"],
            "sections": [{"id": s.id, "title": localize(s.title),
                          "schema": refs["sections"][s.id]} for s in d.sections]}


@bp.get("/types")
@token_required
def list_types() -> ResponseReturnValue:
    """Every type a new dossier may be created for, in the page's order, 200:
    {"items": [DossierType]}."""
    return jsonify({"items": [type_item(c) for c in registry()]})


# --- OpenAPI -----------------------------------------------------------------------------

_REF_STRING = {"type": "string", "format": "uri-reference",
               "description": "A reference to a component schema of this document."}

SCHEMAS: dict[str, Any] = {
    "DossierType": {
        "type": "object",
        "required": ["id", "title", "description", "version", "schema", "form", "sections"],
        "properties": {
            "id": {"type": "string", "description": "What POST /dossiers takes as `type`."},
            "title": {"type": "string"},
            "description": {"type": ["string", "null"]},
            "version": {"type": "integer", "minimum": 1,
                        "description": "The definition version a new dossier gets."},
            "schema": {**_REF_STRING, "examples": [REF + "Answers.aq.v1"],
                       "description": "The whole dossier's answers (JSON Schema)."},
            "form": {**_REF_STRING, "examples": [REF + "Form.aq.v1"],
                     "description": "The UI description (labels, help, options, "
                                    "conditions) the app draws the form from."},
            "sections": {"type": "array", "items": {
                "type": "object", "required": ["id", "title", "schema"],
                "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                               "schema": _REF_STRING}}},
        },
    },
}

PATHS: dict[str, Any] = {
    "/types": {
        "get": {
            "operationId": "listTypes", "tags": ["dossiers"], "security": [{"bearer": []}],
            "summary": "The dossier types a new dossier may be created for",
            "description": "As the \"Créer un nouveau dossier\" page lists them, with the "
                           "version a new dossier gets and its schema references.",
            "parameters": [spec.ref("parameters", "AcceptLanguage")],
            "responses": {
                "200": {"description": "The types.", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["items"], "properties": {
                        "items": {"type": "array",
                                  "items": spec.ref("schemas", "DossierType")}}}}}},
                "401": spec.ref("responses", "Unauthorized"),
            },
        },
    },
}
