"""Sections of a dossier through the API: GET, PUT with If-Match, validate; the recap.

The mobile app fills a dossier section by section, as the pages do, and through the
same code: a PUT is saved by the pages' save path (web/forms/saving.py `save_posted`:
the same size limit, lock and optimistic-lock rules, then storage.save_section), a
section's errors are the engine's (engine.validate.validate_section) with the
designer's messages in the request's language, and the recap is the recap page's
(web/forms/page.py `recap_of`: the frozen one of a submitted dossier).

Answers are JSON as storage keeps them (DossierView.answers): field id -> a string, a
boolean (yes/no), a list of strings (checkboxes, grid), an object of strings (the parts
of a composite answer: an address), a list of objects (a repeating group's items, each
question id -> answer). A PUT names only the answers it changes: a key absent keeps
the stored answer, null or "" clears it; keys of other sections (or unknown) are
ignored, as a page ignores them. A string answer is read by its question type as the
page reads a typed value (engine.formdata.field_value: a yes/no also takes "true"/
"false", a declaration the language "fr"/"en" its statement was read in: the server
records its text and the moment). An answer sent back as stored (as GET gave it) is
kept as it is. An answer of the wrong JSON type (a
number for a text, a string for a checkbox list, 1 for a yes/no...) is refused before
anything is stored: 422 `validation-failed`, rule "type", the engine's message for that
question. The type is judged on the answer as storage would keep it (read, then
normalised: a number question takes a JSON number or its text, "12 500"; a yes/no word
is stored as true or false, another word is refused) against the JSON types of its
question in the section's compiled schema (web/api/answer_types.py): what is stored
never breaks the types of the section's component in the OpenAPI document.

Files are not answers a PUT can give: a file question's answer names files uploaded
through the portal's page (kept, scanned and sized by storage). A PUT may send it back
unchanged (as GET gave it) or leave it out; any other value, null included, is refused
(422, rule "read-only" at its pointer).

ETag: the dossier's `version` (storage's optimistic lock, + 1 at every write), strong,
`"<version>"`. PUT requires If-Match (428); a stale one answers 412 `version-mismatch`
with the stored version, the one sent and the section as stored now, and nothing is
saved (also when another client saves between the check and the save). The same PUT
sent again with the same If-Match (a retry after its answer was lost) answers 200 with
the dossier as that first PUT left it, saving nothing twice (storage.save_section
knows a save already made). If-Match is read as RFC 9110 says (werkzeug's parse):
strong comparison (`W/"3"` never matches), `*` matches, a list matches when any member
does. A dossier that takes no change answers 409 `locked` before any 412 (a stale ETag
on a submitted dossier must not invite a retry).

A dossier pinned to an older version of its type is shown in its own version's
sections and schema. GET never migrates it; a PUT may (storage.save_section migrates a
draft whose type says `drafts: migrate`, and the answers sent for the older version are
renamed alike): the answer then carries `migration`, the notice the page shows once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import Response, abort, current_app, request
from flask.typing import ResponseReturnValue

import storage
from engine import CompiledDefinition
from engine.formdata import field_value
from engine.model import Field, Section
from engine.validate import (
    FieldError,
    SectionStatus,
    clean,
    is_empty,
    judge_section,
    message_for,
    normalize,
    validate_section,
)
from web.api import spec
from web.api.answer_types import shape, wrong_types
from web.api.auth import (
    api_lang,
    current_account_id,
    dossier_stamp,
    json_body,
    reads_dossier,
    token_required,
    visit_dossier,
    visit_kept,
)
from web.api.blueprint import bp
from web.api.dossiers import migration_body
from web.api.names import section_ref
from web.api.problems import ApiProblem, field_error_items, validation_problem
from web.api.section_cache import section_cache, section_key
from web.forms.page import prefilled_from, recap_of
from web.forms.saving import AnswersTooBig, save_posted
from web.forms.sections import _locked
from web.i18n import N_, _, localize
from web.registry import definition, editable, registry

READ_ONLY = "read-only"  # the rule of an answer a PUT may not set (a file question's)
TOO_LARGE_DETAIL = N_("Vos réponses n'ont pas été enregistrées : certaines sont plus longues "
                    "que permis. Corrigez-les, puis enregistrez.")


# --- reading -------------------------------------------------------------------------

def _load(number: str, *, fresh: bool = False) -> tuple[storage.DossierView,
                                                        CompiledDefinition]:
    """The caller's dossier (never migrated here) and its own definition version; 404
    (not-found problem) for a number that is not theirs or a version that is nowhere.
    The dossier read with the token when the view asked for it (`reads_dossier`), else
    (or when `fresh`: as stored now) read now."""
    dossier = None if fresh else visit_dossier(number)
    if dossier is None:
        dossier = storage.get_dossier(current_account_id(), number, registry())
    try:
        return dossier, definition(dossier)
    except storage.NotFound:
        abort(404)


def _section(compiled: CompiledDefinition, section_id: str) -> Section:
    """The definition's section `section_id`; 404 problem for an unknown id."""
    section = compiled.definition.section(section_id)
    if section is None:
        abort(404)
    return section


def stored_answers(section: Section, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The section's own answers among a dossier's (field id -> value as stored)."""
    return {f.id: answers[f.id] for f in section.fields if f.id in answers}


class _Profile(Mapping[str, Any]):
    """The caller's profile (key -> value), read from storage only if a question's type
    asks for it (`FieldType.prefill`: an address with `prefill: profile.address`);
    `consulted` says whether one did (a body built from it is never kept)."""

    def __init__(self) -> None:
        self._read: Mapping[str, Any] | None = None
        self.consulted = False

    def _profile(self) -> Mapping[str, Any]:
        self.consulted = True
        if self._read is None:
            self._read = storage.get_account(current_account_id()).profile
        return self._read

    def __getitem__(self, key: str) -> Any:
        return self._profile()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._profile())

    def __len__(self) -> int:
        return len(self._profile())


def section_body(compiled: CompiledDefinition, dossier: Any, section: Section,
                 answers: Mapping[str, Any] | None = None,
                 profile: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The `Section` resource of `dossier` (a DossierView): id, title (request's
    language), status, editable, its stored answers, what to correct (field error
    items; [] when not started, valid or hidden), its schema ref and the dossier
    version; `prefill`, when some unanswered question shows an answer from the
    profile on the page (field id -> value, stored only once sent in a PUT).
    `answers`: the dossier's answers to judge (default: as stored); `profile`: the
    caller's (default: read from storage if a question asks for it)."""
    answers = dossier.answers if answers is None else answers
    status, errors = judge_section(compiled, section.id, clean(compiled, answers))
    body = {"id": section.id, "title": localize(section.title), "status": status.value,
            "editable": editable(compiled, dossier),
            "answers": stored_answers(section, answers),
            "errors": field_error_items(errors, api_lang()),
            "schema": section_ref(dossier.type_id, dossier.definition_version, section.id),
            "dossier_version": dossier.version}
    prefill = prefilled_from(section, answers, _Profile() if profile is None else profile)
    if prefill:
        body["prefill"] = prefill
    return body


def _etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def _answer(body: bytes, version: int) -> Response:
    """A 200 of an encoded `Section` (JSON bytes) with the ETag of `version`."""
    return current_app.response_class(body, mimetype=current_app.json.mimetype,
                                      headers=_etag(version))


def kept_section(compiled: CompiledDefinition, dossier: storage.DossierView,
                 section: Section) -> Response:
    """The 200 answer of `section` of `dossier` as stored (`section_body`, encoded as
    every JSON answer is), kept for the next GET of this version
    (web/api/section_cache.py) unless it shows answers from the profile."""
    profile = _Profile()
    encoded = current_app.json.response(section_body(compiled, dossier, section,
                                                     profile=profile)).get_data()
    if not profile.consulted:
        section_cache().keep(section_key(dossier, section.id, current_account_id()), encoded)
    return _answer(encoded, dossier.version)


@bp.get("/dossiers/<number>/sections/<section_id>")
@token_required
def get_section(number: str, section_id: str) -> ResponseReturnValue:
    """One section of the caller's dossier (`Section`), with the ETag of the dossier's
    version; 404 for a dossier not theirs or an unknown section. The answer for an
    unchanged dossier version is reused (web/api/section_cache.py)."""
    stamp = dossier_stamp(number)
    if stamp.settled:  # else reading the dossier moves it on first (its deadline passed)
        kept = section_cache().get(section_key(stamp, section_id, current_account_id()))
        if kept is not None:
            return _answer(kept, stamp.version)
    dossier, compiled = _load(number)
    return kept_section(compiled, dossier, _section(compiled, section_id))


# --- answers as sent ---------------------------------------------------------------

def _type_error(section: Section, f: Field, item: tuple[int, str] | None = None,
                part: str | None = None, top: Field | None = None) -> FieldError:
    """The engine's "type" error of question `f` (the designer's message, else the
    engine's default), at its item of the group `top` and its part if any."""
    return FieldError(section.id, (top or f).id, "type", message_for(f, "type"), part, item)


def _is_strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def shape_errors(section: Section, f: Field, value: Any, item: tuple[int, str] | None = None,
                 top: Field | None = None) -> list[FieldError]:
    """Errors for an answer to `f` that is not of the JSON type its question keeps (see
    the module's docstring); [] when it is (null clears any). `item`, `top`: where
    `f` is inside a repeating group's item."""
    if value is None:
        return []
    children = f.kind.children(f)
    if children:
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            return [_type_error(section, f, item, top=top)]
        by_id = {c.id: c for c in children}
        return [e for n, one in enumerate(value) for c_id, v in one.items() if c_id in by_id
                for e in shape_errors(section, by_id[c_id], v, (n, c_id), f)]
    parts = f.kind.part_names(f)
    if parts:
        if value == "":
            return []
        if not isinstance(value, dict):
            return [_type_error(section, f, item, top=top)]
        return [_type_error(section, f, item, str(k), top) for k, v in value.items()
                if v is not None and not isinstance(v, str)]
    if f.kind.value_kind == "bool":
        ok = isinstance(value, bool | str)
    elif f.is_list or f.kind.value_kind == "list":
        ok = value == "" or _is_strings(value)
    elif f.kind.value_kind == "dict":  # a declaration: the language it was read in, or
        ok = isinstance(value, str | bool)  # true/false: ticked in the request's language
    else:  # a string, or a JSON value its schema judges once read (a number's number)
        ok = True
    return [] if ok else [_type_error(section, f, item, top=top)]


def _read(f: Field, value: Any) -> Any:
    """A JSON answer of the right type as the page would have read it: a string by its
    question type (`field_value`), a group's items each question alike; a ticked
    statement (a question keeping an object, read from its language) sent as true, as
    ticked in the request's language (`api_lang`), false as not ticked; else as is."""
    if isinstance(value, bool) and f.kind.value_kind == "dict":
        return field_value(f, [api_lang()]) if value else None
    if isinstance(value, str) and not f.kind.part_names(f) and not f.kind.children(f):
        return field_value(f, [value])
    if f.kind.children(f) and isinstance(value, list):
        by_id = {c.id: c for c in f.kind.children(f)}
        return [{k: _read(by_id[k], v) for k, v in one.items() if k in by_id}
                for one in value]
    return value


def _same(a: Any, b: Any) -> bool:
    """Whether two decoded JSON values are the same, JSON types included (Python's
    `==` takes 1 for true and 1.0 for 1: an answer sent as 1 is not a stored true)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def _without_nulls(value: Any) -> Any:
    """An answer with the null members of its objects (a group item's questions, a
    composite answer's parts) left out: null is no answer, there as at the top."""
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    return value


def _type_errors(section: Section, f: Field, judged: Any, value: Any) -> list[FieldError]:
    """The engine's "type" errors where `value` (an answer to `f` as storage would keep
    it) is not of the JSON type the section's schema gives `f` (web/api/answer_types.py):
    at the answer, at a group item's question (`/answers/<group>/<n>/<question>`, that
    question's message) or at a part (`/answers/<field>/<part>`)."""
    errors = []
    children = {c.id: c for c in f.kind.children(f)}
    for path in wrong_types(value, judged):
        if children and len(path) >= 2 and isinstance(path[0], int) and path[1] in children:
            child = children[str(path[1])]
            part = str(path[2]) if len(path) > 2 else None
            errors.append(FieldError(section.id, f.id, "type", message_for(child, "type"),
                                     part, (path[0], child.id)))
        elif path and not children and isinstance(path[0], str):
            errors.append(_type_error(section, f, part=path[0]))
        else:
            errors.append(_type_error(section, f))
    return errors


def posted_answers(section: Section, sent: Mapping[str, Any], stored: Mapping[str, Any],
                   compiled: CompiledDefinition) -> dict[str, Any]:
    """The answers of `sent` (a request's "answers" object) that `section` takes, read
    as the page reads them (field id -> value; null kept: it clears). ApiProblem 422
    `validation-failed` for an answer of the wrong JSON type or a file question's
    answer changed (nothing is stored then). The JSON type is judged on the answer as
    storage would keep it (read, then normalised: "oui" for a yes/no is true, "12 500"
    for a number 12500) against the section's compiled schema of that question
    (`compiled`, the dossier's definition; None: the registry's current one of the
    section's type is not known here, so only `shape_errors` judge)."""
    refused: list[dict[str, Any]] = []  # error items, in question order
    posted: dict[str, Any] = {}
    schema = compiled.sections[section.id].schema
    for f in section.fields:
        if f.id not in sent:
            continue
        value = sent[f.id]
        if f.kind.multipart:  # sent back as stored: nothing to do; else refused
            if not _same(value, stored.get(f.id)):
                refused.append({"pointer": f"/answers/{f.id}", "section": section.id,
                                  "field": f.id, "rule": READ_ONLY, "message": _(
                                      "Un fichier se dépose depuis le portail : cette réponse "
                                      "ne peut pas être changée par l'API.")})
            continue
        if value is not None and _same(value, stored.get(f.id)):  # sent back as GET gave it
            read = value
        else:
            wrong = shape_errors(section, f, value)
            if wrong:
                refused += field_error_items(wrong, api_lang())
                continue
            read = _without_nulls(_read(f, value))
        kept = normalize(f, read)
        if not is_empty(kept):
            judged = shape(schema.get("properties", {}).get(f.id, True), schema)
            wrong = _type_errors(section, f, judged, kept)
            if wrong:
                refused += field_error_items(wrong, api_lang())
                continue
        posted[f.id] = read
    if refused:
        raise validation_problem(refused)
    return posted


def _answers_of(body: Mapping[str, Any], section: Section) -> Mapping[str, Any]:
    """The body's "answers" object; 422 `validation-failed` (pointer /answers) when it is
    missing or not an object."""
    sent = body.get("answers")
    if not isinstance(sent, dict):
        raise validation_problem([{"pointer": "/answers", "section": section.id,
                                   "field": None, "rule": "type",
                                   "message": _("Les réponses doivent être un objet JSON.")}])
    return sent


# --- saving --------------------------------------------------------------------------

def if_match(current: int) -> int | None:
    """The dossier version to save on, from the request's If-Match (RFC 9110 §13.1.1,
    parsed by werkzeug into ETags; strong comparison): `current` when `*` or any
    strong tag of the list is `"<current>"`; `current - 1` when one is `"<current - 1>"`
    (the same PUT retried after its answer was lost: storage answers it again, or
    refuses it as stale when it is another save); None when none matches (stale: 412).
    A weak tag (`W/"3"`) never matches. ApiProblem 428 when there is no If-Match."""
    if not request.headers.get("If-Match", "").strip():
        raise ApiProblem(428, "precondition-required",
                         _("Envoyez l'en-tête If-Match avec l'ETag de la version lue "
                           "(GET de la section)."))
    tags = request.if_match
    if tags.star_tag or tags.contains(str(current)):
        return current
    if current > 1 and tags.contains(str(current - 1)):
        return current - 1
    return None


def _your_version() -> int | None:
    """The first strong tag of If-Match naming a version, for the 412's `your_version`."""
    for tag in request.if_match.as_set():  # an empty tag ("") reads as None
        if isinstance(tag, str) and tag.isascii() and tag.isdigit() and len(tag) < 12:
            return int(tag)
    return None


def _stale(number: str, section_id: str, yours: int | None) -> ApiProblem:
    """412 `version-mismatch`: the stored version, the one sent and the section as
    stored now, read again (another client saved since the caller's GET)."""
    dossier, compiled = _load(number, fresh=True)
    section = compiled.definition.section(section_id)
    current = (section_body(compiled, dossier, section) if section is not None else None)
    return ApiProblem(412, "version-mismatch",
                      _("Le dossier a été enregistré ailleurs depuis votre lecture. Vos "
                        "réponses n'ont pas été enregistrées : comparez-les avec la version "
                        "enregistrée (current), puis envoyez-les de nouveau avec son ETag."),
                      headers=_etag(dossier.version), current_version=dossier.version,
                      your_version=yours, current=current)


@bp.put("/dossiers/<number>/sections/<section_id>")
@token_required
@reads_dossier
def put_section(number: str, section_id: str) -> ResponseReturnValue:
    """Save the section's answers as a draft (valid or not, as ENREGISTRER); 200
    `Section` with the new ETag and what to correct. See the module's docstring for
    428, 412, 409 `locked`, 422 `too-large` / `validation-failed`, 404. The dossier is
    read with the token (`reads_dossier`), the answer built from what the save
    returned."""
    dossier, compiled = _load(number)
    section = _section(compiled, section_id)
    if not editable(compiled, dossier):  # before any 412: a locked dossier invites no retry
        raise ApiProblem(409, "locked", _(_locked(dossier)))
    yours = if_match(dossier.version)
    if yours is None:
        raise _stale(number, section_id, _your_version())
    sent = _answers_of(json_body(), section)
    posted = posted_answers(section, sent, dossier.answers, compiled)
    try:
        saved = save_posted(compiled, current_account_id(), dossier, section, posted, yours,
                            kept_aside=visit_kept(number))
    except AnswersTooBig as too_big:
        fields = {f.id: f for f in section.fields}
        # too many items (a repeating group, choices) is said as such, else too long
        rules = {fid: "max_items" if fields[fid].is_list or fields[fid].kind.children(
            fields[fid]) else "max_length" for fid in too_big.fields}
        errors = [FieldError(section.id, fid, rules[fid], message_for(fields[fid], rules[fid]))
                  for fid in too_big.fields]
        raise ApiProblem(422, "too-large", _(TOO_LARGE_DETAIL),
                         errors=field_error_items(errors, api_lang())) from too_big
    except storage.Locked as locked:
        raise ApiProblem(409, "locked", _(_locked(dossier))) from locked
    except storage.Conflict as conflict:
        raise _stale(number, section_id, yours) from conflict
    now = definition(saved) if saved.definition_version != dossier.definition_version \
        else compiled
    shown = now.definition.section(section_id) or section
    if saved.migration is None:  # what a GET of this version answers: kept for it
        return kept_section(now, saved, shown)
    body = section_body(now, saved, shown)
    body["migration"] = migration_body(saved.migration)
    return body, 200, _etag(saved.version)


@bp.post("/dossiers/<number>/sections/<section_id>/validate")
@token_required
def validate(number: str, section_id: str) -> ResponseReturnValue:
    """Judge the section's answers sent merged over the stored ones, storing nothing:
    200 {"valid": true, "errors": []}, or 422 `validation-failed` with the errors (the
    same the section would show once saved)."""
    dossier, compiled = _load(number)
    section = _section(compiled, section_id)
    posted = posted_answers(section, _answers_of(json_body(), section), dossier.answers,
                            compiled)
    answers = {**dossier.answers, **posted}
    errors = validate_section(compiled, section.id, clean(compiled, answers))
    if errors:
        raise validation_problem(field_error_items(errors, api_lang()))
    return {"valid": True, "errors": []}


# --- the recap -----------------------------------------------------------------------

@bp.get("/dossiers/<number>/recap")
@token_required
def recap(number: str) -> ResponseReturnValue:
    """The recap page's content as JSON (`Recap`), in the request's language: every
    shown section's shown questions and answers as labels, identity numbers masked; a
    submitted dossier's is the one frozen at submission. 404 as a dossier."""
    dossier, compiled = _load(number)
    built = recap_of(compiled, dossier)
    return {"number": dossier.number, "type": built.get("type_id", dossier.type_id),
            "title": built["title"], "lang": built.get("lang", api_lang()),
            "definition_version": dossier.definition_version,
            "sections": built["sections"]}


# --- the OpenAPI part ------------------------------------------------------------------

_SECTION_PARAMS = [spec.ref("parameters", "Number"), spec.ref("parameters", "SectionId"),
                   spec.ref("parameters", "AcceptLanguage")]
_SECURITY = [{"bearer": []}]
_ETAG = {"ETag": {"description": "The dossier's version, to send back in If-Match.",
                  "schema": {"type": "string"}}}
_NOT_FOUND = spec.ref("responses", "NotFound")
_UNAUTHORIZED = spec.ref("responses", "Unauthorized")
_ANSWERS_BODY = {"required": True, "content": {"application/json": {
    "schema": spec.ref("schemas", "SectionAnswers")}}}
_COMMON = {"401": _UNAUTHORIZED, "404": _NOT_FOUND,
           "429": spec.ref("responses", "TooManyRequests")}
_BODY_ERRORS = {"400": spec.ref("responses", "BadRequest"),
                "415": spec.ref("responses", "UnsupportedMediaType"),
                "422": spec.ref("responses", "ValidationFailed")}

PATHS: dict[str, Any] = {
    "/dossiers/{number}/sections/{section_id}": {
        "get": {
            "operationId": "getSection", "tags": ["sections"],
            "summary": "One section of a dossier: its answers, status and what to correct",
            "description": "`schema` names the component of the section's answers in the "
                           "dossier's own definition version. The ETag is the dossier's "
                           "version: send it in If-Match to save.",
            "security": _SECURITY, "parameters": _SECTION_PARAMS,
            "responses": {"200": {"description": "The section.", "headers": _ETAG,
                                  "content": {"application/json": {
                                      "schema": spec.ref("schemas", "Section")}}},
                          **_COMMON},
        },
        "put": {
            "operationId": "putSection", "tags": ["sections"],
            "summary": "Save a section's answers as a draft (valid or not)",
            "description": "Saved as the portal's ENREGISTRER saves: a draft may hold "
                           "mistakes, listed in `errors`. Only the keys sent change (null or "
                           "\"\" clears); other sections' keys are ignored. A file "
                           "question's answer is set by uploading on the portal only: send it "
                           "unchanged or leave it out (else 422, rule `read-only`). An answer "
                           "of the wrong JSON type is refused (422, rule `type`), nothing "
                           "stored. When the save moved a draft to its type's newest "
                           "version, `migration` says what changed.",
            "security": _SECURITY,
            "parameters": [*_SECTION_PARAMS, spec.ref("parameters", "IfMatch")],
            "requestBody": _ANSWERS_BODY,
            "responses": {
                "200": {"description": "Saved; `errors` lists what to correct.",
                        "headers": _ETAG, "content": {"application/json": {
                            "schema": spec.ref("schemas", "Section")}}},
                **_COMMON, **_BODY_ERRORS,
                "409": spec.problem_response(
                    "`locked`: the dossier takes no change (submitted, deadline passed, "
                    "type withdrawn); `detail` says why."),
                "412": spec.problem_response(
                    "`version-mismatch`: the dossier changed since the version in "
                    "If-Match (strong comparison); nothing saved. Not answered to the "
                    "same PUT retried with the same If-Match after a lost answer (200, "
                    "saved once: see If-Match), nor on a dossier that takes no change "
                    "(409 `locked` first).", spec.ref("schemas", "VersionMismatch"),
                    headers=_ETAG),
                "413": spec.problem_response("`too-large`: the body exceeds the limit."),
                "428": spec.problem_response("`precondition-required`: no If-Match."),
            },
        },
    },
    "/dossiers/{number}/sections/{section_id}/validate": {
        "post": {
            "operationId": "validateSection", "tags": ["sections"],
            "summary": "Check a section's answers without saving them",
            "description": "The answers sent are merged over the stored ones (as a PUT "
                           "would) and judged by the same rules; nothing is stored.",
            "security": _SECURITY, "parameters": _SECTION_PARAMS,
            "requestBody": _ANSWERS_BODY,
            "responses": {
                "413": spec.problem_response("`too-large`: the body exceeds the limit."),
                "200": {"description": "Valid.", "content": {"application/json": {
                    "schema": spec.ref("schemas", "Validity")}}},
                **_COMMON, **_BODY_ERRORS,
            },
        },
    },
    "/dossiers/{number}/recap": {
        "get": {
            "operationId": "getRecap", "tags": ["sections"],
            "summary": "The recap: every shown question and its answer, as labels",
            "description": "The recap page's content, in the language of Accept-Language; "
                           "identity numbers masked. A submitted dossier's recap is the one "
                           "frozen at submission.",
            "security": _SECURITY,
            "parameters": [spec.ref("parameters", "Number"),
                           spec.ref("parameters", "AcceptLanguage")],
            "responses": {"200": {"description": "The recap.", "content": {
                "application/json": {"schema": spec.ref("schemas", "Recap")}}}, **_COMMON},
        },
    },
}

_ANSWER = {"description": "One answer as stored: a string, a boolean (yes/no), a number "
                          "(a number question), a list of strings (checkboxes, grid), an "
                          "object of strings (an address's parts), a list of objects (a "
                          "repeating group's items), a ticked declaration {text, lang, at} "
                          "(in a PUT: \"fr\" or \"en\", the language it was read in, or "
                          "true, the request's language; sent back unchanged, kept), or "
                          "null (clears it, in a PUT). A file question's answer is "
                          "read-only here: files are deposited on the portal's page."}

SCHEMAS: dict[str, Any] = {
    "SectionAnswers": {
        "type": "object", "required": ["answers"],
        "properties": {"answers": {
            "type": "object", "additionalProperties": _ANSWER,
            "description": "Question id -> answer, for this section's questions; the "
                           "section's schema component (`schema` of GET) describes each."}},
    },
    "Section": {
        "type": "object",
        "required": ["id", "title", "status", "editable", "answers", "errors", "schema",
                     "dossier_version"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "string",
                       "enum": [s.value for s in SectionStatus]},
            "editable": {"type": "boolean",
                         "description": "Whether a PUT may change the dossier now."},
            "answers": {"type": "object", "additionalProperties": _ANSWER},
            "errors": {"type": "array", "items": spec.ref("schemas", "FieldError"),
                       "description": "What to correct before submitting; [] when the "
                                      "section is not started, valid or hidden."},
            "schema": {"type": "string", "description": "Ref of the section's answers "
                       "component (`#/components/schemas/Section.<type>.v<n>.<section>`)."},
            "dossier_version": {"type": "integer"},
            "migration": spec.ref("schemas", "Migration"),
            "prefill": {"type": "object", "additionalProperties": _ANSWER,
                        "description": "What the portal's page shows in unanswered "
                                       "questions, from the applicant's profile (an "
                                       "address); stored only once sent in a PUT."},
        },
    },
    "VersionMismatch": {
        "allOf": [spec.PROBLEM_REF, {
            "type": "object", "required": ["current_version", "your_version", "current"],
            "properties": {
                "current_version": {"type": "integer"},
                "your_version": {"type": ["integer", "null"]},
                "current": {"oneOf": [spec.ref("schemas", "Section"), {"type": "null"}]},
            }}],
    },
    "Validity": {
        "type": "object", "required": ["valid", "errors"],
        "properties": {"valid": {"const": True},
                       "errors": {"type": "array", "maxItems": 0}},
    },
    "RecapItem": {
        "type": "object",
        # a recap frozen at an older submission may lack the newer members
        "required": ["field", "label", "value", "values"],
        "properties": {
            "field": {"type": "string"}, "label": {"type": "string"},
            "value": {"type": "string", "description": "`values` joined by \", \"."},
            "values": {"type": "array", "items": {"type": "string"},
                       "description": "The answer as labels; [] when unanswered."},
            "masked": {"type": "boolean"}, "answered": {"type": "boolean"},
            "to_review": {"type": "boolean", "description": "Part of the answer is no "
                          "longer offered (its text says \"to review\")."},
            "review": {"type": "array", "items": {"type": "boolean"}},
            "lines": {"type": "boolean",
                      "description": "`values` are the lines of one block (an address)."},
            "groups": {"type": "array", "items": spec.ref("schemas", "RecapGroup"),
                       "description": "A repeating group's items."},
        },
    },
    "RecapGroup": {
        "type": "object", "required": ["label", "items"],
        "properties": {"label": {"type": "string"},
                       "items": {"type": "array", "items": spec.ref("schemas", "RecapItem")}},
    },
    "RecapSection": {
        "type": "object", "required": ["id", "title", "items"],
        "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                       "items": {"type": "array", "items": spec.ref("schemas", "RecapItem")},
                       "note": {"type": ["string", "null"]}},
    },
    "Recap": {
        "type": "object",
        "required": ["number", "type", "title", "lang", "definition_version", "sections"],
        "properties": {
            "number": {"type": "string"}, "type": {"type": "string"},
            "title": {"type": "string"}, "lang": {"type": "string", "enum": ["fr", "en"]},
            "definition_version": {"type": "integer"},
            "sections": {"type": "array", "items": spec.ref("schemas", "RecapSection")},
        },
    },
}
