"""Submitting a dossier through the API: POST /dossiers/{number}/submit, with an
`Idempotency-Key` (H-submit of issue #18).

The page's SOUMETTRE (web/forms/submit.py) guards a double click with the version the
page showed; a phone's retries after a lost answer need more: the app sends the same
`Idempotency-Key` with every retry of one attempt, and storage.submit_once submits at
most once per key and gives the first answer again (status and body), even to two
requests arriving together. A refusal keeps nothing: the same key may be sent again
once the answers are corrected. Kept 24 hours (storage.IDEMPOTENCY_KEEP_FOR).

The same engine judges as on the pages: the blockers of every section come back as
field error items (pointers into each section's answers), in the asked language. As on
the page, the recap PDF and the confirmation email are made by the background worker
after the commit; the confirmation message is written with the submission.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask.typing import ResponseReturnValue

import storage
from engine.validate import clean, validate_section
from engine.workflow import GUARD_MESSAGES
from web.api import spec
from web.api.auth import api_lang, current_account_id, token_required
from web.api.blueprint import bp
from web.api.dossiers import dossier_body, iso
from web.api.idempotency import answer_response, idempotency_key
from web.api.problems import ApiProblem, field_error_items, validation_problem
from web.background.worker import wake_after_response
from web.forms.migration import migrate_if_older
from web.forms.sections import CLOSED, LOCKED, WITHDRAWN
from web.i18n import _, localize
from web.registry import definition, registry, withdrawn


def submitted_body(dossier: storage.DossierView, submission: storage.SubmissionView | None,
                   notice: storage.MigrationNotice | None = None) -> dict[str, Any]:
    """The `SubmitResult` answered: the dossier as submitted, as GET /dossiers/{number}
    shows it (web/api/dossiers.py `dossier_body`: state, version, sections, links with
    its recap PDF's address...), with its `submission` (seq, submitted_at, the
    fingerprint printed on its recap PDF; null for a transition that makes none),
    texts in the current language. `notice`: the migration opening the draft made."""
    body = dossier_body(dossier, definition(dossier), notice)
    body["submission"] = None if submission is None else {
        "seq": submission.seq, "submitted_at": iso(submission.submitted_at),
        "fingerprint": submission.fingerprint}
    return body


def _message(failures: list[Any], codes: tuple[str, ...]) -> str:
    return " ".join(localize(f.message) for f in failures if f.code in codes)


def refusal(refused: storage.SubmitRefused, dossier: storage.DossierView) -> ApiProblem:
    """The problem answering a refused submission of `dossier` (read after the refusal):
    409 `deadline-passed` (the deadline passed, or the dossier expired with it), 409
    `already-submitted` (submitted before, with another key), 409 `locked` (another
    state taking no submission), 422 `validation-failed` with the field errors of every
    section to correct, 422 `not-eligible` (the profile fails the type's rules now; its
    `reasons`: the eligibility messages, as on the page)."""
    codes = set(refused.codes)
    failures = refused.failures
    if "deadline_passed" in codes:
        return ApiProblem(409, "deadline-passed", _message(failures, ("deadline_passed",)))
    if "wrong_state" in codes:
        if dossier.submitted_at is not None:
            return ApiProblem(409, "already-submitted", _(LOCKED))
        if dossier.deadline < storage.clock.today():  # expired with it: say so
            text = GUARD_MESSAGES["deadline_passed"].filled(
                deadline=dossier.deadline.isoformat())
            return ApiProblem(409, "deadline-passed", localize(text))
        return ApiProblem(409, "locked", _(CLOSED))
    if "section_invalid" in codes:
        compiled = definition(dossier)
        cleaned = clean(compiled, dossier.answers)
        errors = [e for f in failures if f.code == "section_invalid" and f.section
                  for e in validate_section(compiled, f.section, cleaned)]
        return validation_problem(field_error_items(errors, api_lang()),
                                  _message(failures, ("section_invalid",)))
    reasons = [localize(f.message) for f in failures if f.code == "not_eligible"]
    return ApiProblem(422, "not-eligible", " ".join(reasons), reasons=reasons)


@bp.post("/dossiers/<number>/submit")
@token_required
def submit_dossier(number: str) -> ResponseReturnValue:
    """Submit the caller's dossier once per Idempotency-Key (see the module's
    docstring and PATHS): 200 SubmitResult, the same answer again for the same key;
    the problems of `refusal`, 400 for the key, 404 for a dossier not the caller's,
    409 `locked` for a type withdrawn, 422 `idempotency-key-reused` (the key submitted
    another dossier, or created one)."""
    key = idempotency_key()
    account = current_account_id()
    dossier = storage.get_dossier(account, number, registry())  # overdue: expired first
    notice = migrate_if_older(account, dossier)  # an older draft, as opening its page does
    try:
        answer = storage.submit_once(registry(), account, dossier.number, key, api_lang(),
                                     partial(submitted_body, notice=notice))
    except storage.IdempotencyKeyReused as reused:
        raise ApiProblem(422, "idempotency-key-reused",
                         _("Cette clé d'idempotence a déjà servi à une autre requête "
                           "(la soumission d'un autre dossier, ou une création). "
                           "Utilisez une nouvelle clé.")) from reused
    except storage.SubmitRefused as refused:
        raise refusal(refused, storage.get_dossier(account, number, registry())) from refused
    except storage.Locked as locked:
        raise ApiProblem(409, "locked", _(WITHDRAWN) if withdrawn(dossier)
                         else _(CLOSED)) from locked
    if not answer.replayed:
        wake_after_response()  # the recap PDF and the email, right after the commit
    return answer_response(answer)


# --- the OpenAPI document's part -----------------------------------------------------

_DATETIME = {"type": "string", "format": "date-time"}

SCHEMAS: dict[str, Any] = {
    "Submission": {
        "type": "object",
        "description": "One submission of a dossier: its rank (1 for the first, 2 after a "
                       "correction...), moment, and the fingerprint printed on its recap "
                       "PDF (anyone may check a PDF's authenticity with it).",
        "required": ["seq", "submitted_at", "fingerprint"],
        "properties": {"seq": {"type": "integer", "minimum": 1},
                       "submitted_at": _DATETIME,
                       "fingerprint": {"type": "string",
                                       "examples": ["ABCD EFGH IJKL MNOP QRST"]}},
        "additionalProperties": False,
    },
    "SubmitResult": {
        "description": "The dossier as submitted (as GET /dossiers/{number} shows it), "
                       "and its submission. Given again, identical (in the language of "
                       "the first request), to every retry with the same "
                       "Idempotency-Key.",
        "allOf": [spec.ref("schemas", "Dossier"), {
            "type": "object", "required": ["submission"],
            "properties": {"submission": {
                "oneOf": [spec.ref("schemas", "Submission"), {"type": "null"}]}},
        }],
    },
}

_CONFLICT = spec.problem_response(
    "Not submitted: `already-submitted` (a new key on a dossier submitted before), "
    "`deadline-passed` (the deadline to submit passed, or the dossier expired), "
    "`locked` (its state takes no submission, or its type is withdrawn).")

PATHS: dict[str, Any] = {
    "/dossiers/{number}/submit": {
        "post": {
            "operationId": "submitDossier",
            "tags": ["dossiers"],
            "summary": "Submit a dossier (once per Idempotency-Key)",
            "description": (
                "Runs the dossier type's submission (the SOUMETTRE of the pages): every "
                "section valid, the deadline not passed, the profile still eligible. "
                "Once submitted the dossier is locked; the confirmation message is in "
                "GET /messages at once, and the recap PDF in GET /documents a few "
                "seconds later (made in the background).\n\n"
                "**Idempotency.** Make one key (a UUID) per submission attempt and send "
                "it again with every retry of that attempt: the first successful answer "
                "is given again, byte for byte (with `Idempotent-Replayed: true`), and "
                "nothing is submitted twice, even for two requests at once. The key is "
                "the caller's own (another account's same key is another key), names "
                "one dossier (on another: 422 `idempotency-key-reused`) and is "
                "remembered 24 hours. A refused attempt (4xx) is not remembered: "
                "after correcting the answers, the same key may be sent again. A new "
                "key on a dossier already submitted: 409 `already-submitted`."),
            "security": [{"bearer": []}],
            "parameters": [spec.ref("parameters", "Number"),
                           spec.ref("parameters", "IdempotencyKey"),
                           spec.ref("parameters", "AcceptLanguage")],
            "responses": {
                "200": {
                    "description": "Submitted (now, or by the first request with this "
                                   "key).",
                    "headers": {
                        "ETag": {"schema": {"type": "string"},
                                 "description": "The dossier's version after submission."},
                        "Idempotent-Replayed": {
                            "schema": {"type": "string", "enum": ["true"]},
                            "description": "Present when this is the answer of an "
                                           "earlier request with the same key."},
                    },
                    "content": {"application/json": {
                        "schema": spec.ref("schemas", "SubmitResult")}},
                },
                "400": spec.problem_response(
                    "`idempotency-key-required` (no Idempotency-Key), or `bad-request` "
                    "(a key that is not 1 to 255 visible ASCII characters)."),
                "401": spec.ref("responses", "Unauthorized"),
                "404": spec.ref("responses", "NotFound"),
                "409": _CONFLICT,
                "422": spec.problem_response(
                    "`validation-failed`: answers to correct, with `errors` listing every "
                    "blocker of every section (pointer, section, field, rule, message); "
                    "`not-eligible`: the profile no longer meets the type's rules; "
                    "`idempotency-key-reused`: the key submitted another dossier.",
                    {"anyOf": [spec.VALIDATION_REF, spec.ref("schemas", "NotEligibleProblem"),
                               spec.PROBLEM_REF]}),
            },
        },
    },
}
