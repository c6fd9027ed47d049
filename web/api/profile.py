"""The applicant's profile through the API: GET and PATCH /profile.

The same profile as the portal's "Mon profil" page (web/accounts/profile.py), checked by
the same function with the same messages (web/accounts/profile_form.py
`profile_rule_errors`, `read_profile` for cleaning what is typed) and saved by the same
storage call (`storage.update_profile`, which records identity changes on linked
dossiers). Guide: the address is changed from the profile only.

PATCH is a JSON merge patch (RFC 7396) of `{"profile": {key: value}, "lang": "fr"|"en"}`:
a key absent keeps its value, null or "" empties it (then the required ones are
refused). The email (the account's login) and the password are not changed here: the
email is the account's identifier and changes nowhere; the password is changed on the
portal's profile page (its current password asked, every token of the account revoked
after). Sending either answers 422 `validation-failed` with rule `read_only` and a
message saying so, as does any member the profile does not have (rule `unknown`).
Nothing is saved unless the whole patch is right.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

import storage
from engine.model import LANGS
from engine.profile import KINDS, PROFILE, ProfileField
from web.accounts import profile_form
from web.api import spec
from web.api.auth import current_account_id, json_body, token_required
from web.api.blueprint import bp
from web.api.problems import validation_problem
from web.i18n import N_, _, localize

# what PATCH may carry at its top level
MEMBERS = ("profile", "lang")
READ_ONLY = {
    "email": N_("L'adresse courriel est l'identifiant du compte : elle ne peut pas être "
                "changée."),
    "password": N_("Le mot de passe se change sur le portail, dans Mon profil (Changer le "
                   "mot de passe), avec le mot de passe actuel."),
}
UNKNOWN = N_("Cette donnée ne fait pas partie du profil.")
NOT_TEXT = N_("Entrez du texte (ou null pour effacer).")
NOT_OBJECT = N_("Le profil doit être un objet JSON.")
BAD_LANG = N_("Choisissez une langue proposée : fr ou en.")



def _field(f: ProfileField) -> dict[str, Any]:
    """One field of the profile form as the app draws it, labels in the asked language."""
    return {"key": f.key, "label": localize(f.label), "kind": f.kind, "required": f.required,
            "max_length": f.max_length,
            "options": [{"value": o.value, "label": localize(o.label)} for o in f.options]}


def profile_body(account: storage.AccountView) -> dict[str, Any]:
    """The answer of GET and PATCH: {"email", "lang", "profile": {key: str ("" when
    empty)}, "fields": [the form's fields, in order, labels in the asked language]}."""
    return {"email": account.email, "lang": account.lang, "profile": dict(account.profile),
            "fields": [_field(f) for f in profile_form.FORM_FIELDS]}


def _item(key: str, pointer: str, rule: str, msgid: str) -> dict[str, Any]:
    """A field error item (spec.py FieldError) about the profile: section "profile"."""
    return {"pointer": pointer, "section": "profile", "field": key, "rule": rule,
            "message": _(msgid)}


def shape_errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    """What is wrong with the patch's shape, before the profile's rules: members it may
    not carry (read-only, unknown), a profile that is no object, values that are not
    text or null, a language other than fr or en. [] when it can be applied."""
    items = []
    for key in body:
        if key in READ_ONLY:
            items.append(_item(key, f"/{key}", "read_only", READ_ONLY[key]))
        elif key not in MEMBERS:
            items.append(_item(key, "/" + key.replace("~", "~0").replace("/", "~1"),
                               "unknown", UNKNOWN))
    patch = body.get("profile", {})
    if not isinstance(patch, dict):
        items.append(_item("profile", "/profile", "type", NOT_OBJECT))
        patch = {}
    for key, value in patch.items():
        pointer = "/profile/" + key.replace("~", "~0").replace("/", "~1")
        if key in READ_ONLY:
            items.append(_item(key, pointer, "read_only", READ_ONLY[key]))
        elif key not in storage.PROFILE_FIELDS:
            items.append(_item(key, pointer, "unknown", UNKNOWN))
        elif value is not None and not isinstance(value, str):
            items.append(_item(key, pointer, "type", NOT_TEXT))
    if "lang" in body and body["lang"] not in LANGS:
        items.append(_item("lang", "/lang", "option", BAD_LANG))
    return items


@bp.get("/profile")
@token_required
def get_profile() -> ResponseReturnValue:
    """The caller's profile (`profile_body`), 200."""
    return jsonify(profile_body(storage.get_account(current_account_id())))


@bp.patch("/profile")
@token_required
def patch_profile() -> ResponseReturnValue:
    """Apply a merge patch to the profile and language (see the module's docstring):
    200 with the profile as now stored; 422 `validation-failed` with every error
    (pointers `/profile/<key>`, `/lang`, `/email`...), nothing saved; 400/415 for a
    body that is no JSON object."""
    body = json_body()
    items = shape_errors(body)
    if items:
        raise validation_problem(items)
    account = storage.get_account(current_account_id())
    patch = body.get("profile", {})
    typed = {**account.profile, **{k: v or "" for k, v in patch.items()}}
    profile = profile_form.read_profile(typed)
    errors = profile_form.profile_rule_errors(profile, storage.clock.today())
    # a merge patch answers for what it sends: a value stored before a rule existed (or
    # changed by an agent) does not block a patch of other fields; a field read along
    # a patched one (the postal code, with the country) is judged again
    errors = {key: rule for key, rule in errors.items()
              if key in patch or PROFILE.fields[key].along in patch}
    if errors:
        raise validation_problem([_item(key, f"/profile/{key}", rule,
                                        profile_form.PROFILE_RULES[rule])
                                  for key, rule in errors.items()])
    if patch:
        account = storage.update_profile(account.id, profile)
    if "lang" in body and body["lang"] != account.lang:
        storage.set_lang(account.id, body["lang"])
        account = storage.get_account(account.id)
    return jsonify(profile_body(account))


# --- OpenAPI -----------------------------------------------------------------------------

def _value_schema(f: ProfileField) -> dict[str, Any]:
    """The JSON Schema of one profile value as GET answers it ("" when empty)."""
    schema: dict[str, Any] = {"type": "string", "description": f"{f.label.en} / {f.label.fr}"}
    if f.max_length is not None:
        schema["maxLength"] = f.max_length
    if f.options:
        schema["enum"] = ["", *f.values]
    if f.kind == "date":
        schema["description"] += " (YYYY-MM-DD)"
    return schema


_PROFILE_VALUES = {f.key: _value_schema(f) for f in profile_form.FORM_FIELDS}

SCHEMAS: dict[str, Any] = {
    "ProfileValues": {
        "type": "object",
        "description": "The profile's fields (engine/profile.yaml), every value a string, "
                       "\"\" when empty.",
        "properties": _PROFILE_VALUES,
        "required": list(_PROFILE_VALUES),
        "additionalProperties": False,
    },
    "ProfileField": {
        "type": "object",
        "description": "One field of the profile form, labels in the asked language.",
        "required": ["key", "label", "kind", "required", "max_length", "options"],
        "properties": {
            "key": {"type": "string"},
            "label": {"type": "string"},
            "kind": {"type": "string", "enum": list(KINDS)},
            "required": {"type": "boolean"},
            "max_length": {"type": ["integer", "null"]},
            "options": {"type": "array", "items": {
                "type": "object", "required": ["value", "label"],
                "properties": {"value": {"type": "string"}, "label": {"type": "string"}}}},
        },
    },
    "Profile": {
        "type": "object",
        "required": ["email", "lang", "profile", "fields"],
        "properties": {
            "email": {"type": "string", "description": "The account's login: read-only."},
            "lang": {"type": "string", "enum": list(LANGS),
                     "description": "The language of the account's emails and documents."},
            "profile": spec.ref("schemas", "ProfileValues"),
            "fields": {"type": "array", "items": spec.ref("schemas", "ProfileField")},
        },
    },
    "ProfilePatch": {
        "type": "object",
        "description": "A JSON merge patch (RFC 7396): a key absent keeps its value, null "
                       "or \"\" empties it. `email` and `password` are refused (422, rule "
                       "`read_only`): the email is the account's identifier; the password "
                       "is changed on the portal's profile page.",
        "properties": {
            "profile": {"type": "object",
                        "properties": {k: {"type": ["string", "null"]}
                                       for k in _PROFILE_VALUES}},
            "lang": {"type": "string", "enum": list(LANGS)},
        },
    },
}

_SECURITY = [{"bearer": []}]
_PROFILE_OK = {"description": "The profile.",
               "content": {"application/json": {"schema": spec.ref("schemas", "Profile")}}}

PATHS: dict[str, Any] = {
    "/profile": {
        "get": {
            "operationId": "getProfile", "tags": ["profile"], "security": _SECURITY,
            "summary": "The caller's profile (Mon profil)",
            "parameters": [spec.ref("parameters", "AcceptLanguage")],
            "responses": {"200": _PROFILE_OK,
                          "401": spec.ref("responses", "Unauthorized")},
        },
        "patch": {
            "operationId": "patchProfile", "tags": ["profile"], "security": _SECURITY,
            "summary": "Change the profile and language (JSON merge patch)",
            "description": "The profile page's rules and messages. Nothing is saved unless "
                           "the whole patch is right; errors point at `/profile/<key>`, "
                           "`/lang`, or `/email` and `/password` (read-only here: the "
                           "password is changed on the portal's profile page).",
            "parameters": [spec.ref("parameters", "AcceptLanguage")],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": spec.ref("schemas", "ProfilePatch")},
                "application/merge-patch+json": {
                    "schema": spec.ref("schemas", "ProfilePatch")}}},
            "responses": {"200": _PROFILE_OK,
                          "400": spec.ref("responses", "BadRequest"),
                          "401": spec.ref("responses", "Unauthorized"),
                          "415": spec.ref("responses", "UnsupportedMediaType"),
                          "422": spec.ref("responses", "ValidationFailed")},
        },
    },
}
