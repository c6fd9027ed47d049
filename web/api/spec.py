"""The parts of the OpenAPI document every resource shares: the problem schemas, the
common parameters and responses, and the bearer security scheme.

Each resource module of web/api declares its own operations next to its views
(module-level PATHS and SCHEMAS, see web/api/__init__.py); web/api/openapi.py assembles
them with these and with the schemas compiled from the dossier definitions.
"""

from __future__ import annotations

from typing import Any

from web.api.problems import MEDIA_TYPE, TITLES

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
VALIDATION_REF = {"$ref": "#/components/schemas/ValidationProblem"}


def problem_content(ref: dict[str, str] = PROBLEM_REF) -> dict[str, Any]:
    """A response `content` of problem+json with the schema `ref`."""
    return {MEDIA_TYPE: {"schema": ref}}


def problem_response(description: str, ref: dict[str, str] = PROBLEM_REF,
                     headers: dict[str, Any] | None = None) -> dict[str, Any]:
    """A response object answering a problem+json (for an operation's `responses`)."""
    out: dict[str, Any] = {"description": description, "content": problem_content(ref)}
    if headers:
        out["headers"] = headers
    return out


def ref(kind: str, name: str) -> dict[str, str]:
    """`{"$ref": "#/components/<kind>/<name>"}`."""
    return {"$ref": f"#/components/{kind}/{name}"}


SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details. `type` names the kind of problem "
                       "(`/api/v1/problems/<slug>`); `title` and `detail` are in the "
                       "language asked with Accept-Language (French by default).",
        "required": ["type", "title", "status", "detail", "instance"],
        "properties": {
            "type": {"type": "string", "format": "uri-reference",
                     "examples": ["/api/v1/problems/not-found"]},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "instance": {"type": "string", "format": "uri-reference"},
            "request_id": {"type": "string",
                           "description": "On server errors: quote it when asking for help."},
            "retry_after": {"type": "integer", "minimum": 0,
                            "description": "On 429: seconds before trying again."},
        },
        "additionalProperties": True,
        "x-problem-types": sorted(TITLES),
    },
    "FieldError": {
        "type": "object",
        "description": "One answer to correct: where it is (a JSON pointer into the request "
                       "body), which rule it breaks, and the designer's message.",
        "required": ["pointer", "section", "field", "rule", "message"],
        "properties": {
            "pointer": {"type": "string", "description": "RFC 6901 pointer, e.g. "
                        "`/answers/date_naissance`, `/answers/enfants/0/prenom`, "
                        "`/answers/adresse/postal_code`; `/answers` for a rule of the "
                        "whole section."},
            "section": {"type": "string"},
            "field": {"type": ["string", "null"]},
            "rule": {"type": "string", "examples": ["required", "pattern", "min_length",
                                                    "max_length", "format", "rule"]},
            "message": {"type": "string"},
        },
        "additionalProperties": False,
    },
    "ValidationProblem": {
        "allOf": [PROBLEM_REF, {
            "type": "object", "required": ["errors"],
            "properties": {"errors": {"type": "array",
                                      "items": ref("schemas", "FieldError")}},
        }],
    },
}

PARAMETERS: dict[str, Any] = {
    "AcceptLanguage": {
        "name": "Accept-Language", "in": "header", "required": False,
        "description": "fr (default) or en: the language of labels, messages and problems.",
        "schema": {"type": "string", "examples": ["fr", "en", "en-CA,en;q=0.9"]},
    },
    "Number": {
        "name": "number", "in": "path", "required": True,
        "description": ("The dossier number as shown to the applicant (e.g. G2619747546: G, "
                        "the year's two digits, a random serial of 8)."),
        "schema": {"type": "string", "maxLength": 40},
    },
    "SectionId": {
        "name": "section_id", "in": "path", "required": True,
        "description": "A section id of the dossier's definition version.",
        "schema": {"type": "string", "maxLength": 100},
    },
    "IfMatch": {
        "name": "If-Match", "in": "header", "required": True,
        "description": "The ETag of the dossier version the answers were typed on "
                       "(from GET), e.g. `\"3\"`. Compared strongly (RFC 9110): a weak "
                       "tag (`W/\"3\"`) never matches; `*` matches the dossier as it "
                       "is; in a list, any current member matches. One exception to "
                       "412: the same PUT (same body) sent again with the same "
                       "If-Match after its answer was lost answers 200 as the first "
                       "did, saving nothing twice (only the latest save can be "
                       "replayed this way; another body on an old ETag is 412).",
        "schema": {"type": "string"},
    },
    "IdempotencyKey": {
        "name": "Idempotency-Key", "in": "header", "required": True,
        "description": "A key the app makes once per submission attempt (a UUID): sent "
                       "again with a retry, it gives the first answer again.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    },
    "IdempotencyKeyOptional": {
        "name": "Idempotency-Key", "in": "header", "required": False,
        "description": "Optional: a key the app makes once per creation attempt (a "
                       "UUID). Sent again with a retry, it gives the first answer "
                       "again (the same dossier, never a second one); without it, "
                       "each request creates a dossier.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    },
}

RESPONSES: dict[str, Any] = {
    "BadRequest": problem_response(
        "The body or a parameter could not be read (`bad-request`), or the request "
        "carried a session cookie of the portal (`cookie-refused`: the API takes tokens "
        "only)."),
    "Unauthorized": problem_response(
        "No access token, or one unknown, expired or revoked.",
        headers={"WWW-Authenticate": {"schema": {"type": "string"}}}),
    "NotFound": problem_response("Does not exist, or is not the caller's (one answer)."),
    "TooManyRequests": problem_response(
        "Too many attempts: try again after `Retry-After` seconds.",
        headers={"Retry-After": {"schema": {"type": "integer"}}}),
    "UnsupportedMediaType": problem_response("The body must be application/json."),
    "TooLarge": problem_response(
        "`too-large`: the body exceeds the server's limit (MAX_CONTENT_LENGTH); it was not "
        "read and the connection is closed (`Connection: close`). Distinct from 422 "
        "`too-large`, answers read but longer than their questions allow."),
    "ServerError": problem_response(
        "`server-error`: a fault on the server's side; `request_id` names it for "
        "support."),
    "Unavailable": problem_response(
        "`unavailable`: the service is briefly unavailable (the database, a restart): "
        "try again after `Retry-After` seconds.",
        headers={"Retry-After": {"schema": {"type": "integer"}}}),
    "ValidationFailed": problem_response("Some answers must be corrected.", VALIDATION_REF),
}

SECURITY_SCHEMES: dict[str, Any] = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An access token from POST /tokens (opaque)."},
}

PATHS: dict[str, Any] = {}
