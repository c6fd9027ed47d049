"""The message centre and Mes documents through the API (H-submit of issue #18).

The same reads as the pages (web/inbox): storage writes a message in the transaction
that caused it (a submission's confirmation, an agent's message) and the background
worker renders a document (the recap PDF) after the submission's commit. Ids are the
rows' public ids, the random ones of the pages' addresses; another's id, or an unknown
one, is the same 404.

Reading a message through GET does not mark it read (a GET changes nothing: an app may
prefetch); POST /messages/{id}/read does, as opening it on the page does. POST
/messages/{id}/replies answers a message the service sent about a dossier, as the
page's "Répondre" does, with the same rules and messages (web/inbox/messages.py). A document
not rendered yet answers 409 `not-ready` with `Retry-After`, never a 2xx that a
generic HTTP client would save as the file.
"""

from __future__ import annotations

import io
from typing import Any

from flask import jsonify, request, send_file
from flask.typing import ResponseReturnValue

import storage
from web.api import spec
from web.api.auth import current_account_id, json_body, token_required
from web.api.blueprint import bp
from web.api.dossiers import iso
from web.api.problems import ApiProblem, validation_problem
from web.i18n import _
from web.inbox.messages import REPLY_MISSING, reply_error

RETRY_SECONDS = 3  # a recap PDF takes about a second to render once its job is claimed


def message_json(m: storage.MessageView) -> dict[str, Any]:
    """A `Message`: id (its public id), dossier number (or null), subject and body
    (plain text, in the language they were written in), created_at, read_at (null:
    unread), author ("service" or "applicant": the applicant's own reply), can_reply
    (storage.can_reply: the service's message about a dossier)."""
    return {"id": m.public_id, "dossier": m.dossier_number, "subject": m.subject,
            "body": m.body, "created_at": iso(m.created_at), "read_at": iso(m.read_at),
            "author": m.author, "can_reply": storage.can_reply(m)}


def document_json(d: storage.DocumentView) -> dict[str, Any]:
    """A `Document`: id (its public id), dossier number, kind (the definition's document
    id), name (in the owner's language), filename, content_type, created_at, ready
    (false until rendered), and the `download` path."""
    return {"id": d.public_id, "dossier": d.dossier_number, "kind": d.kind, "name": d.name,
            "filename": d.filename, "content_type": d.content_type,
            "created_at": iso(d.created_at), "ready": d.ready,
            "download": f"/api/v1/documents/{d.public_id}"}


def _no_store(response: Any) -> Any:
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/messages")
@token_required
def list_messages() -> ResponseReturnValue:
    """The caller's messages, newest first, and how many are unread: 200
    `{"items": [Message], "unread": int}`."""
    account = current_account_id()
    items = [message_json(m) for m in storage.list_messages(account)]
    return _no_store(jsonify({"items": items,
                              "unread": sum(1 for m in items if m["read_at"] is None)}))


@bp.get("/messages/<message_id>")
@token_required
def get_message(message_id: str) -> ResponseReturnValue:
    """One of the caller's messages (200 Message), not marked read; 404 otherwise."""
    message = storage.get_message(current_account_id(), message_id, mark_read=False)
    return _no_store(jsonify(message_json(message)))


@bp.post("/messages/<message_id>/read")
@token_required
def mark_read(message_id: str) -> ResponseReturnValue:
    """Mark one of the caller's messages read (as opening it on the page: the first
    reading's time is kept): 204; 404 otherwise."""
    storage.get_message(current_account_id(), message_id, mark_read=True)
    return "", 204


@bp.post("/messages/<message_id>/replies")
@token_required
def reply(message_id: str) -> ResponseReturnValue:
    """Answer one of the caller's messages (body {"body": text}, 1 to
    storage.REPLY_MAX_LENGTH characters once spaces and invisible characters are
    trimmed), as the page's "Répondre": 201 with the reply (a Message, author
    "applicant", kept on the dossier for its agents); 422 `validation-failed` (pointer
    /body, rule required, type or max_length, the page's message); 404 for a message
    that is not the caller's, about no dossier, or their own reply; 400/415 for a body
    that is not a JSON object. Not idempotent: the same body sent twice is two replies."""
    account = current_account_id()
    text = json_body().get("body")  # a body that is no JSON object: 400 before all
    message = storage.get_message(account, message_id, mark_read=False)
    if not storage.can_reply(message):
        raise storage.NotFound(f"message {message_id}")
    if isinstance(text, str):
        rule, error = reply_error(text)
    else:  # no text at all: the page's message for an empty reply
        rule, error = ("required" if text is None else "type"), _(REPLY_MISSING)
    if error:
        raise validation_problem([{"pointer": "/body", "section": "reply", "field": "body",
                                   "rule": rule, "message": error}])
    sent = storage.reply_to_message(account, message_id, text, request.remote_addr)
    response = _no_store(jsonify(message_json(sent)))
    response.status_code = 201
    response.headers["Location"] = f"/api/v1/messages/{sent.public_id}"
    return response


@bp.get("/documents")
@token_required
def list_documents() -> ResponseReturnValue:
    """The caller's documents, newest first: 200 `{"items": [Document]}`."""
    items = [document_json(d) for d in storage.list_documents(current_account_id())]
    return _no_store(jsonify({"items": items}))


@bp.get("/documents/<document_id>")
@token_required
def download(document_id: str) -> ResponseReturnValue:
    """The document's bytes as rendered once (200, its content type, an attachment
    under the same file name as the page's download, never cached); 409 `not-ready`
    with Retry-After while the worker has not rendered it; 404 for another's or an
    unknown id."""
    document, content = storage.get_document(current_account_id(), document_id)
    if content is None:
        raise ApiProblem(409, "not-ready",
                         _("Ce document est en préparation. Réessayez dans quelques "
                           "instants."),
                         headers={"Retry-After": str(RETRY_SECONDS)},
                         retry_after=RETRY_SECONDS)
    response = send_file(io.BytesIO(content), mimetype=document.content_type,
                         as_attachment=True, download_name=document.filename,
                         conditional=False, etag=False, max_age=0)
    return _no_store(response)


# --- the OpenAPI document's part -----------------------------------------------------

_DATETIME = {"type": "string", "format": "date-time"}
_SECURITY = [{"bearer": []}]
_LANG = spec.ref("parameters", "AcceptLanguage")


def _id_parameter(name: str, what: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "description": f"The {what}'s id (`id` in the list: random, 22 characters).",
            "schema": {"type": "string", "maxLength": 64}}


def _json(ref_name: str, description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": spec.ref("schemas", ref_name)}}}


SCHEMAS: dict[str, Any] = {
    "Message": {
        "type": "object",
        "description": "A message of the message centre (plain text, in the language it "
                       "was written in: the account's at the time).",
        "required": ["id", "dossier", "subject", "body", "created_at", "read_at", "author",
                     "can_reply"],
        "properties": {
            "id": {"type": "string"},
            "dossier": {"type": ["string", "null"], "description": "The dossier number it "
                        "is about, if any."},
            "subject": {"type": "string"},
            "body": {"type": "string"},
            "created_at": _DATETIME,
            "read_at": {"type": ["string", "null"], "format": "date-time",
                        "description": "null while unread."},
            "author": {"type": "string", "enum": ["service", "applicant"],
                       "description": "`applicant`: the caller's own reply."},
            "can_reply": {"type": "boolean", "description": "Whether it may be answered "
                          "(POST .../replies): a message the service sent about a dossier."},
        },
        "additionalProperties": False,
    },
    "ReplyRequest": {
        "type": "object", "required": ["body"],
        "properties": {"body": {
            "type": "string", "examples": ["Je serai disponible mardi matin."],
            "description": f"The answer, plain text (1 to {storage.REPLY_MAX_LENGTH:,} "
                           "characters once trimmed)."}},
    },
    "MessageList": {
        "type": "object", "required": ["items", "unread"],
        "properties": {"items": {"type": "array", "items": spec.ref("schemas", "Message")},
                       "unread": {"type": "integer", "minimum": 0,
                                  "description": "The number on the envelope icon."}},
        "additionalProperties": False,
    },
    "Document": {
        "type": "object",
        "description": "A document of Mes documents (the recap PDF of a submission).",
        "required": ["id", "dossier", "kind", "name", "filename", "content_type",
                     "created_at", "ready", "download"],
        "properties": {
            "id": {"type": "string"},
            "dossier": {"type": ["string", "null"]},
            "kind": {"type": "string", "description": "The definition's document id."},
            "name": {"type": "string", "description": "Its title, in the owner's language."},
            "filename": {"type": "string", "examples": ["recapitulatif-G2619747546.pdf"]},
            "content_type": {"type": "string", "examples": ["application/pdf"]},
            "created_at": _DATETIME,
            "ready": {"type": "boolean", "description": "false until the background "
                      "worker rendered it (seconds after the submission)."},
            "download": {"type": "string", "description": "Its path (GET)."},
        },
        "additionalProperties": False,
    },
    "DocumentList": {
        "type": "object", "required": ["items"],
        "properties": {"items": {"type": "array", "items": spec.ref("schemas", "Document")}},
        "additionalProperties": False,
    },
}

PATHS: dict[str, Any] = {
    "/messages": {"get": {
        "operationId": "listMessages", "tags": ["messages"],
        "summary": "The message centre: the caller's messages, newest first",
        "security": _SECURITY, "parameters": [_LANG],
        "responses": {"200": _json("MessageList", "The messages and the unread count."),
                      "401": spec.ref("responses", "Unauthorized")},
    }},
    "/messages/{message_id}": {"get": {
        "operationId": "getMessage", "tags": ["messages"],
        "summary": "One message (not marked read: see POST .../read)",
        "security": _SECURITY,
        "parameters": [_id_parameter("message_id", "message"), _LANG],
        "responses": {"200": _json("Message", "The message."),
                      "401": spec.ref("responses", "Unauthorized"),
                      "404": spec.ref("responses", "NotFound")},
    }},
    "/messages/{message_id}/read": {"post": {
        "operationId": "markMessageRead", "tags": ["messages"],
        "summary": "Mark a message read (as opening it on the portal does)",
        "description": "The first reading's time is kept: marking again changes nothing.",
        "security": _SECURITY,
        "parameters": [_id_parameter("message_id", "message"), _LANG],
        "responses": {"204": {"description": "Marked read."},
                      "401": spec.ref("responses", "Unauthorized"),
                      "404": spec.ref("responses", "NotFound")},
    }},
    "/messages/{message_id}/replies": {"post": {
        "operationId": "replyToMessage", "tags": ["messages"],
        "summary": "Answer a message the service sent about a dossier (the portal's "
                   "\"Répondre\")",
        "description": (
            "The reply is kept on the dossier for its agents (author `applicant`, subject "
            "\"Re: \" and the subject answered, already read). Not idempotent: the same "
            "body sent twice is two replies; after a lost answer, GET /messages shows "
            "whether it was kept."),
        "security": _SECURITY,
        "parameters": [_id_parameter("message_id", "message"), _LANG],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": spec.ref("schemas", "ReplyRequest")}}},
        "responses": {"201": {**_json("Message", "The reply."), "headers": {
                          "Location": {"schema": {"type": "string"},
                                       "description": "The reply's path."}}},
                      "400": spec.ref("responses", "BadRequest"),
                      "401": spec.ref("responses", "Unauthorized"),
                      "404": spec.ref("responses", "NotFound"),
                      "415": spec.ref("responses", "UnsupportedMediaType"),
                      "422": spec.ref("responses", "ValidationFailed")},
    }},
    "/documents": {"get": {
        "operationId": "listDocuments", "tags": ["documents"],
        "summary": "Mes documents: the caller's documents, newest first",
        "security": _SECURITY, "parameters": [_LANG],
        "responses": {"200": _json("DocumentList", "The documents."),
                      "401": spec.ref("responses", "Unauthorized")},
    }},
    "/documents/{document_id}": {"get": {
        "operationId": "downloadDocument", "tags": ["documents"],
        "summary": "Download a document (the recap PDF)",
        "description": (
            "The bytes as rendered once, as an attachment under the same file name as "
            "the portal's download. A document is rendered in the background seconds "
            "after its submission: until then 409 `not-ready` with `Retry-After` "
            f"(seconds, {RETRY_SECONDS}) and `retry_after`; a 2xx is only ever the file."),
        "security": _SECURITY,
        "parameters": [_id_parameter("document_id", "document"), _LANG],
        "responses": {
            "200": {"description": "The file.",
                    "headers": {"Content-Disposition": {
                        "schema": {"type": "string"},
                        "description": "attachment; filename=recapitulatif-<number>.pdf"}},
                    # OpenAPI 3.1: binary content is described by its media type alone
                    "content": {"application/pdf": {}}},
            "401": spec.ref("responses", "Unauthorized"),
            "404": spec.ref("responses", "NotFound"),
            "409": spec.problem_response(
                "`not-ready`: not rendered yet; ask again after `Retry-After` seconds.",
                headers={"Retry-After": {"schema": {"type": "integer"}}}),
        },
    }},
}
