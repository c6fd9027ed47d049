"""The `Idempotency-Key` header of the JSON API, read the same way by the operations a
phone may retry after a lost answer: submitting (required, web/api/submit.py) and
creating a dossier (optional, web/api/dossiers.py). storage.submit_once and
storage.create_once keep each key's first answer; `answer_response` gives it (or gives
it again, marked `Idempotent-Replayed: true`) in the language it was written in.
"""

from __future__ import annotations

from flask import Response, jsonify, request

import storage
from web.api.problems import ApiProblem
from web.i18n import _

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def idempotency_key() -> str:
    """The request's Idempotency-Key: 1 to 255 visible ASCII characters (0x21-0x7E),
    optionally written as a quoted string (`"…"`, the IETF draft's form: the quotes are
    not part of the key). ApiProblem 400 `idempotency-key-required` when absent or
    empty, 400 `bad-request` when malformed."""
    raw = _unquoted()
    if not raw:
        raise ApiProblem(400, "idempotency-key-required",
                         _("Envoyez un en-tête Idempotency-Key (une clé unique par "
                           "tentative de soumission, par exemple un UUID)."))
    return _checked(raw)


def optional_idempotency_key() -> str | None:
    """The request's Idempotency-Key when it sends the header (read as
    `idempotency_key`), None without it. ApiProblem 400 `bad-request` for a header
    present but empty or malformed."""
    if KEY_HEADER not in request.headers:
        return None
    return _checked(_unquoted())


def _unquoted() -> str:
    """The header's value, spaces around and the quotes of a quoted string removed."""
    raw = request.headers.get(KEY_HEADER, "").strip()
    return raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw


def _checked(raw: str) -> str:
    if (not raw or len(raw) > storage.IDEMPOTENCY_KEY_MAX
            or not all(33 <= ord(c) <= 126 for c in raw)):
        raise ApiProblem(400, "bad-request",
                         _("L'en-tête Idempotency-Key doit compter de 1 à 255 caractères "
                           "ASCII visibles."))
    return raw


def answer_response(answer: storage.IdempotentAnswer) -> Response:
    """The JSON response of a key's `answer`: its status and body, `Content-Language`
    the language the body was written in, `ETag` its dossier's version (the body's
    `version`), `Cache-Control: no-store`, and `Idempotent-Replayed: true` when it is
    the first answer given again."""
    response = jsonify(answer.body)
    response.status_code = answer.status
    response.headers["Content-Language"] = answer.lang
    response.headers["ETag"] = f'"{answer.body["version"]}"'
    response.headers["Cache-Control"] = "no-store"
    if answer.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response
