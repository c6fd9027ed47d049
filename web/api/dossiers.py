"""Dossiers through the API: Mes dossiers (list), create, Identifier mon dossier (link),
and one dossier (header, state, deadline, per-section status, its schemas, a migration).

The same storage calls and rules as the pages, in the asked language: the list and
header data come from web/dossiers/display.py (what Mes dossiers and a dossier's
header show), eligibility refusals carry the designer's messages as "Créer un nouveau
dossier" shows them, linking is web/dossiers/linking.py's attempt (the page's limits,
counted together, and its single "not found" answer), and opening a dossier migrates an
older draft as its page does (web/forms/migration.py `migrate_if_older`). The pages
tell a migration once, on the next section page; the API tells it once too, in the
answer of the request that migrated the draft (`migration`; null otherwise), and the
message centre keeps it, as for the pages.

Section statuses (`not_started`, `in_progress`, `valid`, `hidden`) are the engine's
`section_status` over the stored answers, the form's green checks. Every section of the
dossier's version is listed, in form order, a section whose `when` does not hold with
status `hidden` (neither to do nor done: the app does not show it), so the list's shape
never changes with the answers.

Dates are ISO 8601: days as YYYY-MM-DD (the deadline: the last day to submit, in the
service's zone), instants in UTC with `Z`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

import storage
from engine import CompiledDefinition
from engine.validate import clean, section_status
from web.api import spec
from web.api.auth import api_lang, current_account_id, json_body, token_required
from web.api.blueprint import PREFIX, bp
from web.api.idempotency import answer_response, optional_idempotency_key
from web.api.names import component_names
from web.api.problems import ApiProblem, validation_problem
from web.dossiers.display import correction_for, dossier_header, dossier_row, unread_by_dossier
from web.dossiers.linking import NOT_FOUND, link_attempt, normal_number
from web.forms.migration import migrate_if_older
from web.i18n import N_, _, current_lang, localize
from web.registry import definition, registry

CHOOSE_TYPE = N_("Sélectionnez le type de dossier à créer.")
CHOOSE_LINK_TYPE = N_("Sélectionnez le type de demande à rechercher.")
REQUIRED = N_("Ce champ est obligatoire.")
NUMBER_NOT_TEXT = N_("Écrivez le numéro du dossier entre guillemets, comme un texte.")
NOT_ELIGIBLE = N_("Votre profil ne permet pas de créer ce type de dossier.")


def iso(value: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC with `Z` ("2026-12-01T14:03:00Z"); None stays None."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def etag(dossier: Any) -> dict[str, str]:
    """The ETag header of `dossier` (its version): {"ETag": '"<version>"'}."""
    return {"ETag": f'"{dossier.version}"'}


def location(number: str) -> str:
    """The dossier's address in the API: "/api/v1/dossiers/<number>"."""
    return f"{PREFIX}/dossiers/{number}"


def summary(d: storage.DossierView, unread: int) -> dict[str, Any]:
    """One line of Mes dossiers (schema DossierSummary), as the page's row
    (display.dossier_row: title and state label by the dossier's own version), with
    `unread`, how many messages about it are unread (the page's "Message" column)."""
    row = dossier_row(registry(), d)
    return {"number": d.number, "type": d.type_id, "title": row.type_title,
            "definition_version": d.definition_version,
            "state": {"id": d.status, "label": row.status, "editable": row.editable},
            "created_at": iso(d.created_at), "submitted_at": iso(d.submitted_at),
            "deadline": d.deadline.isoformat(), "href": location(d.number),
            "unread_messages": unread}


def migration_body(notice: storage.MigrationNotice | dict[str, Any] | None
                   ) -> dict[str, Any] | None:
    """A migration notice (a MigrationNotice, or one as plain data: DossierView.migration)
    as the API tells it (schema Migration), in the asked language, as the section
    page shows it: the versions, the designer's message, and per section the questions
    new or changed. None for None. (The message centre's text of the same notice is
    storage.notice_text.)"""
    if notice is None:
        return None
    if isinstance(notice, dict):
        notice = storage.MigrationNotice(**{**notice, "sections": tuple(notice["sections"]),
                                            "removed": tuple(notice.get("removed", ()))})
    lang = current_lang()
    return {"from_version": notice.from_version, "to_version": notice.to_version,
            "message": notice.message[lang],
            "sections": [{"id": s["id"], "title": s["title"][lang],
                          "new": [q[lang] for q in s["new"]],
                          "changed": [q[lang] for q in s["changed"]]}
                         for s in notice.sections],
            "removed": [q[lang] for q in notice.removed]}


def load(number: str) -> tuple[storage.DossierView, CompiledDefinition,
                               storage.MigrationNotice | None]:
    """The caller's dossier `number` (expired first if overdue), its compiled type at its
    own version, and the migration notice when opening it migrated an older draft (as
    its page does; then read again). storage.NotFound (404 problem) for a number that
    is not the caller's or whose version is nowhere."""
    account = current_account_id()
    dossier = storage.get_dossier(account, number, registry())
    notice = migrate_if_older(account, dossier)
    if notice is not None:
        dossier = storage.get_dossier(account, number, registry())
    return dossier, definition(dossier), notice


def dossier_body(dossier: storage.DossierView, compiled: CompiledDefinition,
                 notice: storage.MigrationNotice | dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """One dossier as the API answers it (schema Dossier), texts in the asked language:
    the header the pages show (display.dossier_header), its state, version, schema refs
    of its own version, per-section status, the correction an agent asked for, the
    migration `notice` if one was just made, links."""
    d = compiled.definition
    header = dossier_header(compiled, dossier, "")
    correction = correction_for(current_account_id(), dossier, header.editable) or None
    refs = component_names(d.id, d.version, [s.id for s in d.sections])
    cleaned = clean(compiled, dossier.answers)
    base = location(dossier.number)
    documents = [f"{PREFIX}/documents/{doc.public_id}"
                 for doc in storage.list_documents(current_account_id())
                 if doc.dossier_number == dossier.number]
    return {
        "number": dossier.number, "type": dossier.type_id, "title": header.type_title,
        "description": localize(d.description) or None,
        "definition_version": dossier.definition_version,
        "created_at": iso(dossier.created_at), "submitted_at": iso(dossier.submitted_at),
        "deadline": dossier.deadline.isoformat(),
        "state": {"id": dossier.status, "label": header.status, "editable": header.editable},
        "version": dossier.version,
        "schema": refs["answers"], "form": refs["form"],
        "sections": [{"id": s.id, "title": localize(s.title),
                      "status": section_status(compiled, s.id, cleaned).value,
                      "schema": refs["sections"][s.id], "href": f"{base}/sections/{s.id}"}
                     for s in d.sections],
        "correction": correction,
        "migration": migration_body(notice),
        "links": {"self": base, "recap": f"{base}/recap", "submit": f"{base}/submit",
                  "documents": documents},
    }


def _type_error(body: dict[str, Any], msgid: str) -> list[dict[str, Any]]:
    """The error item of a missing or unknown `type` ([] when it names a type a new
    dossier may be created for)."""
    value = body.get("type")
    if isinstance(value, str) and registry().get(value) is not None:
        return []
    rule = "required" if value in (None, "") else "option"
    return [{"pointer": "/type", "section": "dossier", "field": "type", "rule": rule,
             "message": _(msgid)}]


@bp.get("/dossiers")
@token_required
def list_dossiers() -> ResponseReturnValue:
    """Mes dossiers: the caller's dossiers, newest first, 200 {"items": [DossierSummary]};
    overdue drafts in their deadline state; each with its unread messages' count."""
    reg = registry()
    account = current_account_id()
    unread = unread_by_dossier(account)
    return jsonify({"items": [summary(d, len(unread.get(d.number, ())))
                              for d in storage.list_dossiers(account, reg)]})


@bp.post("/dossiers")
@token_required
def create_dossier() -> ResponseReturnValue:
    """A new dossier of `{"type": id}` (storage.create_dossier): 201 Dossier, `Location`
    and `ETag`; 422 `validation-failed` (pointer /type) for no or an unknown type; 422
    `not-eligible` when the profile fails the type's eligibility, with the designer's
    messages (`reasons`), nothing created.

    With an `Idempotency-Key` (optional here: web/api/idempotency.py), at most one
    dossier per key (storage.create_once): a retry with the same key gets the first
    answer again (201, its body, `Location`, `Content-Language`) with
    `Idempotent-Replayed: true`; 400 `bad-request` for a malformed key, 422
    `idempotency-key-reused` for a key that submitted, or created another type. A
    refusal keeps nothing."""
    key = optional_idempotency_key()
    body = json_body()
    items = _type_error(body, CHOOSE_TYPE)
    if items:
        raise validation_problem(items)
    try:
        if key is None:
            dossier = storage.create_dossier(registry(), current_account_id(), body["type"])
        else:
            answer = storage.create_once(registry(), current_account_id(), body["type"], key,
                                         api_lang(), lambda d: dossier_body(d, definition(d)))
    except storage.NotEligible as exc:
        reasons = [localize(m) for m in exc.messages]
        raise ApiProblem(422, "not-eligible", " ".join(reasons) or _(NOT_ELIGIBLE),
                         reasons=reasons) from exc
    except storage.IdempotencyKeyReused as reused:
        raise ApiProblem(422, "idempotency-key-reused",
                         _("Cette clé d'idempotence a déjà servi à une autre requête "
                           "(la création d'un dossier d'un autre type, ou une "
                           "soumission). Utilisez une nouvelle clé.")) from reused
    if key is None:
        response = jsonify(dossier_body(dossier, definition(dossier)))
        response.status_code = 201
        response.headers.update(etag(dossier))
        number = dossier.number
    else:
        response = answer_response(answer)
        number = answer.body["number"]
    response.headers["Location"] = location(number)
    return response


@bp.post("/dossiers/link")
@token_required
def link_dossier() -> ResponseReturnValue:
    """Identifier mon dossier: `{"type", "number"}`, the identity read from the profile
    (web/dossiers/linking.py). 200 Dossier (now the caller's) with `ETag`; the single
    404 `not-found` for every refusal (unknown number, another type, already linked,
    identity differs); 422 `validation-failed` for a missing or unknown type or a
    missing number (nothing counted); 429 `too-many-requests` over the attempt limits
    shared with the page (`Retry-After`, `retry_after`)."""
    body = json_body()
    items = _type_error(body, CHOOSE_LINK_TYPE)
    raw = body.get("number")
    number = normal_number(raw) if isinstance(raw, str) else ""
    if not number:
        missing = raw in (None, "") or (isinstance(raw, str) and not raw.strip())
        items.append({"pointer": "/number", "section": "dossier", "field": "number",
                      "rule": "required" if missing else "type",
                      "message": _(REQUIRED) if missing else _(NUMBER_NOT_TEXT)})
    if items:
        raise validation_problem(items)
    outcome = link_attempt(current_account_id(), body["type"], number)
    if outcome.refusal is not None:
        seconds = outcome.refusal.retry_after
        raise ApiProblem(429, "too-many-requests",
                         _("Par sécurité, les tentatives sont limitées. Vous pourrez "
                           "réessayer dans %(minutes)s min.", minutes=outcome.refusal.minutes),
                         headers={"Retry-After": str(seconds)}, retry_after=seconds)
    if outcome.dossier is None:
        raise ApiProblem(404, "not-found", _(NOT_FOUND))
    response = jsonify(dossier_body(outcome.dossier, definition(outcome.dossier)))
    response.headers.update(etag(outcome.dossier))
    return response


@bp.get("/dossiers/<number>")
@token_required
def get_dossier(number: str) -> ResponseReturnValue:
    """One of the caller's dossiers (schema Dossier) with `ETag: "<version>"`, 200; an
    older draft whose type says `drafts: migrate` is migrated first and the answer
    tells it (`migration`). 404 `not-found` for a number that is not the caller's."""
    dossier, compiled, notice = load(number)
    response = jsonify(dossier_body(dossier, compiled, notice))
    response.headers.update(etag(dossier))
    return response


# --- OpenAPI -----------------------------------------------------------------------------

_REF_STRING = {"type": "string", "format": "uri-reference",
               "description": "A reference to a component schema of this document."}
_INSTANT = {"type": "string", "format": "date-time", "description": "UTC, e.g. "
            "2026-12-01T14:03:00Z."}
_STATE = {
    "type": "object", "required": ["id", "label", "editable"],
    "properties": {"id": {"type": "string"}, "label": {"type": "string"},
                   "editable": {"type": "boolean",
                                "description": "Whether the sections may still be saved."}},
}

SCHEMAS: dict[str, Any] = {
    "DossierState": _STATE,
    "DossierSummary": {
        "type": "object",
        "required": ["number", "type", "title", "definition_version", "state", "created_at",
                     "submitted_at", "deadline", "href", "unread_messages"],
        "properties": {
            "href": {"type": "string", "description": "The dossier's address (GET)."},
            "number": {"type": "string"}, "type": {"type": "string"},
            "title": {"type": "string"},
            "definition_version": {"type": "integer"},
            "state": spec.ref("schemas", "DossierState"),
            "created_at": _INSTANT,
            "submitted_at": {**_INSTANT, "type": ["string", "null"]},
            "deadline": {"type": "string", "format": "date",
                         "description": "The last day to submit (service's zone)."},
            "unread_messages": {"type": "integer", "minimum": 0,
                                "description": "How many messages about this dossier are "
                                               "unread (Mes dossiers' \"Message\" column): "
                                               "GET /messages lists them."},
        },
    },
    "SectionStatus": {
        "type": "object", "required": ["id", "title", "status", "schema", "href"],
        "properties": {
            "id": {"type": "string"}, "title": {"type": "string"},
            "href": {"type": "string", "description": "The section's address (GET, PUT)."},
            "status": {"type": "string",
                       "enum": ["not_started", "in_progress", "valid", "hidden"],
                       "description": "`valid`: the form's green check; `hidden`: the "
                                      "section's condition does not hold (not shown)."},
            "schema": _REF_STRING,
        },
    },
    "Migration": {
        "type": "object",
        "description": "Told once, in the answer that moved an older draft to the newest "
                       "version of its type (the message centre keeps it): the designer's "
                       "message and, by section, the questions new or changed; the "
                       "questions removed whose answers the archive keeps.",
        "required": ["from_version", "to_version", "message", "sections", "removed"],
        "properties": {
            "from_version": {"type": "integer"}, "to_version": {"type": "integer"},
            "message": {"type": "string"},
            "sections": {"type": "array", "items": {
                "type": "object", "required": ["id", "title", "new", "changed"],
                "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                               "new": {"type": "array", "items": {"type": "string"}},
                               "changed": {"type": "array", "items": {"type": "string"}}}}},
            "removed": {"type": "array", "items": {"type": "string"},
                        "description": "Labels of the questions the new version no "
                                       "longer asks, whose answers went to the archive."},
        },
    },
    "Dossier": {
        "type": "object",
        "required": ["number", "type", "title", "description", "definition_version",
                     "created_at", "submitted_at", "deadline", "state", "version", "schema",
                     "form", "sections", "correction", "migration", "links"],
        "properties": {
            "number": {"type": "string"}, "type": {"type": "string"},
            "title": {"type": "string"}, "description": {"type": ["string", "null"]},
            "definition_version": {"type": "integer",
                                   "description": "The version of its type it is pinned "
                                                  "to: its schemas are that version's."},
            "created_at": _INSTANT,
            "submitted_at": {**_INSTANT, "type": ["string", "null"]},
            "deadline": {"type": "string", "format": "date"},
            "state": spec.ref("schemas", "DossierState"),
            "version": {"type": "integer",
                        "description": "Optimistic-lock counter, + 1 at every write; the "
                                       "ETag is `\"<version>\"`."},
            "schema": _REF_STRING, "form": _REF_STRING,
            "sections": {"type": "array", "items": spec.ref("schemas", "SectionStatus")},
            "correction": {"type": ["string", "null"],
                           "description": "The reason an agent gave when sending the "
                                          "dossier back to be corrected."},
            "migration": {"oneOf": [spec.ref("schemas", "Migration"), {"type": "null"}]},
            "links": {"type": "object", "required": ["self", "recap", "submit", "documents"],
                      "properties": {
                          "self": {"type": "string"}, "recap": {"type": "string"},
                          "submit": {"type": "string"},
                          "documents": {"type": "array", "items": {"type": "string"},
                                        "description": "Its documents (the PDF)."}}},
        },
    },
    "NewDossier": {
        "type": "object", "required": ["type"],
        "properties": {"type": {"type": "string", "description": "A type id of GET /types."}},
    },
    "LinkDossier": {
        "type": "object", "required": ["type", "number"],
        "properties": {"type": {"type": "string"},
                       "number": {"type": "string", "maxLength": 40,
                                  "description": "As the integration agent gave it."}},
    },
    "NotEligibleProblem": {
        "allOf": [spec.PROBLEM_REF, {
            "type": "object", "required": ["reasons"],
            "properties": {"reasons": {"type": "array", "items": {"type": "string"}}}}],
    },
}

_SECURITY = [{"bearer": []}]
_LANG = spec.ref("parameters", "AcceptLanguage")
_ETAG = {"ETag": {"description": "`\"<version>\"`", "schema": {"type": "string"}}}


def _dossier_ok(description: str, **headers: Any) -> dict[str, Any]:
    return {"description": description, "headers": {**_ETAG, **headers},
            "content": {"application/json": {"schema": spec.ref("schemas", "Dossier")}}}


def _body(name: str) -> dict[str, Any]:
    return {"required": True,
            "content": {"application/json": {"schema": spec.ref("schemas", name)}}}


PATHS: dict[str, Any] = {
    "/dossiers": {
        "get": {
            "operationId": "listDossiers", "tags": ["dossiers"], "security": _SECURITY,
            "summary": "Mes dossiers: the caller's dossiers, newest first",
            "parameters": [_LANG],
            "responses": {
                "200": {"description": "The dossiers.", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["items"], "properties": {
                        "items": {"type": "array",
                                  "items": spec.ref("schemas", "DossierSummary")}}}}}},
                "401": spec.ref("responses", "Unauthorized"),
            },
        },
        "post": {
            "operationId": "createDossier", "tags": ["dossiers"], "security": _SECURITY,
            "summary": "Create a new dossier of a type",
            "description": (
                "Eligibility applies (the profile, e.g. at least 18 years old): 422 "
                "`not-eligible` with the designer's messages, nothing created.\n\n"
                "**Idempotency (optional).** With an `Idempotency-Key` (one key per "
                "creation attempt, sent again with every retry of it), at most one "
                "dossier is created per key: a retry gets the first answer again (201, "
                "the same body and `Location`, in the first request's language) with "
                "`Idempotent-Replayed: true`, even for two requests at once. The key "
                "is the caller's own, names one creation of one type (a key that "
                "submitted, or created another type: 422 `idempotency-key-reused`) "
                "and is remembered 24 hours; a refused attempt is not remembered. "
                "Without the header, every request creates a dossier."),
            "parameters": [spec.ref("parameters", "IdempotencyKeyOptional"), _LANG],
            "requestBody": _body("NewDossier"),
            "responses": {
                "201": _dossier_ok(
                    "Created (now, or by the first request with this key).",
                    Location={"schema": {"type": "string"}},
                    **{"Idempotent-Replayed": {
                        "schema": {"type": "string", "enum": ["true"]},
                        "description": "Present when this is the answer of an earlier "
                                       "request with the same key."}}),
                "400": spec.ref("responses", "BadRequest"),  # a malformed key too
                "401": spec.ref("responses", "Unauthorized"),
                "415": spec.ref("responses", "UnsupportedMediaType"),
                "422": {"description": "No or an unknown type (`validation-failed`, "
                                       "pointer `/type`), the profile is not eligible "
                                       "(`not-eligible`, `reasons`), or the "
                                       "Idempotency-Key submitted a dossier or created "
                                       "one of another type (`idempotency-key-reused`).",
                        "content": {spec.MEDIA_TYPE: {"schema": {"anyOf": [
                            spec.VALIDATION_REF, spec.ref("schemas", "NotEligibleProblem"),
                            spec.PROBLEM_REF]}}}},
            },
        },
    },
    "/dossiers/link": {
        "post": {
            "operationId": "linkDossier", "tags": ["dossiers"], "security": _SECURITY,
            "summary": "Identifier mon dossier: link a dossier an agent registered",
            "description": "The profile's given names, family names, sex and birth date "
                           "must match the registered dossier's. Every refusal is one 404; "
                           "attempts are limited (per account, per account and number, per "
                           "address; never per number alone), "
                           "shared with the portal's page.",
            "parameters": [_LANG], "requestBody": _body("LinkDossier"),
            "responses": {
                "200": _dossier_ok("Linked: the dossier is now the caller's."),
                "400": spec.ref("responses", "BadRequest"),
                "401": spec.ref("responses", "Unauthorized"),
                "404": spec.ref("responses", "NotFound"),
                "415": spec.ref("responses", "UnsupportedMediaType"),
                "422": spec.ref("responses", "ValidationFailed"),
                "429": spec.ref("responses", "TooManyRequests"),
            },
        },
    },
    "/dossiers/{number}": {
        "get": {
            "operationId": "getDossier", "tags": ["dossiers"], "security": _SECURITY,
            "summary": "One dossier: header, state, deadline, sections' status",
            "parameters": [spec.ref("parameters", "Number"), _LANG],
            "responses": {
                "200": _dossier_ok("The dossier."),
                "401": spec.ref("responses", "Unauthorized"),
                "404": spec.ref("responses", "NotFound"),
            },
        },
    },
}
