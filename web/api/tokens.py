"""Tokens of the JSON API: how a native app logs in (POST /tokens), keeps its login
(POST /tokens/refresh) and logs out (DELETE /tokens/current).

Why not OAuth 2.0's password grant (RFC 6749 §4.3): it is deprecated (OAuth 2.0
Security BCP, RFC 9700 §2.4) and its form-encoded body, `grant_type` and error codes
would be a second dialect next to the rest of the API. The exchange is the same in
substance: the app posts the email and password the web login takes, as JSON, and gets
an opaque access token (short-lived: API_ACCESS_SECONDS) and an opaque refresh token
(API_REFRESH_SECONDS), both kept hashed by storage (storage/accounts/api_tokens.py).
The answer's members are OAuth's token response's (`access_token`, `token_type`,
`expires_in`, `refresh_token`), so a client library for it reads them as they are.

The same doors as the web login (web/accounts/credentials.py `attempt_login`): the
same attempt counts (per email and per address), so five wrong passwords through the
API lock the web login too, and the other way round; one answer whether the email has
an account or not (an account not activated yet has none). An empty email or password
counts no attempt (422, as the login page says "Entrez …" next to the field).

A refresh token works once (rotation); presented again, its whole chain is revoked
(storage does it). Logging out revokes the chain of the access token presented; a
password change or reset revokes every token of the account (storage). Every answer
here carries `Cache-Control: no-store` (RFC 6749 §5.1). Nothing of the body (email,
password, token) is ever logged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, json
from flask.typing import ResponseReturnValue

import storage
from web.accounts.auth import LOGIN_MISSING, read_email
from web.accounts.credentials import attempt_login
from web.api import spec
from web.api.auth import CHALLENGE, bearer_token, json_body, token_required
from web.api.blueprint import bp
from web.api.problems import ApiProblem, validation_problem
from web.i18n import N_, _

V = TypeVar("V", bound=Callable[..., ResponseReturnValue])

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}  # RFC 6749 §5.1

# An empty or missing refresh token: said next to it (nothing looked up).
REFRESH_MISSING = N_("Envoyez le jeton de renouvellement reçu avec le jeton d'accès.")


def _no_store(view: V) -> V:
    """The view's answer, and its problems, carry NO_STORE: they hold tokens, or say
    whether a password was right."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except ApiProblem as problem:
            for name, value in NO_STORE.items():
                problem.headers.setdefault(name, value)
            raise
        response.headers.update(NO_STORE)
        return response

    return wrapped  # type: ignore[return-value]


def _missing(body: dict[str, Any], messages: dict[str, str]) -> list[dict[str, Any]]:
    """Error items (the FieldError schema's shape) for the members of `body` named in
    `messages` that are missing, empty, blank, or not strings: pointer `/<name>`,
    section "tokens" (the body is no dossier section), rule "required" (or "type" for a
    value that is not a string), the message translated."""
    items = []
    for name, message in messages.items():
        value = body.get(name)
        if isinstance(value, str) and value.strip():
            continue
        rule = "required" if value is None or isinstance(value, str) else "type"
        items.append({"pointer": f"/{name}", "section": "tokens", "field": name,
                      "rule": rule, "message": _(message)})
    return items


def _pair_response(pair: storage.TokenPair) -> ResponseReturnValue:
    """201 with the TokenPair JSON (lifetimes in seconds, as configured)."""
    access, refresh = _lifetimes()
    body = {"access_token": pair.access_token, "token_type": "Bearer", "expires_in": access,
            "refresh_token": pair.refresh_token, "refresh_expires_in": refresh}
    return current_app.response_class(json.dumps(body), status=201,
                                      mimetype="application/json")


def _lifetimes() -> tuple[int, int]:
    """(access, refresh) token lifetimes in seconds: the settings API_ACCESS_SECONDS and
    API_REFRESH_SECONDS."""
    config = current_app.config
    return int(config["API_ACCESS_SECONDS"]), int(config["API_REFRESH_SECONDS"])


@bp.post("/tokens")
@_no_store
def create_tokens() -> ResponseReturnValue:
    """Log in: body {"email", "password"} (JSON). 201 TokenPair; 401
    `invalid-credentials` for a wrong email or password (one answer, whether the email
    has an account or not); 429 `too-many-requests` (+ `retry_after`, Retry-After) when
    this account or address tried too often (the web login's counts); 422
    `validation-failed` (pointers /email, /password) for an empty or missing one, no
    attempt counted; 400/415 for a body that is not a JSON object."""
    body = json_body()
    missing = _missing(body, LOGIN_MISSING)
    if missing:
        raise validation_problem(missing, _("Entrez votre adresse courriel et votre "
                                            "mot de passe."))
    result = attempt_login(read_email(body)[0], body["password"])
    if result.account is not None:
        return _pair_response(storage.issue_tokens(result.account.id, *_lifetimes()))
    if result.refusal is not None:
        seconds = result.refusal.retry_after
        raise ApiProblem(429, "too-many-requests",
                         _("Par sécurité, les tentatives sont limitées. Vous pourrez "
                           "réessayer dans %(minutes)s min.", minutes=result.refusal.minutes),
                         headers={"Retry-After": str(seconds)}, retry_after=seconds)
    raise ApiProblem(401, "invalid-credentials",
                     _("L'adresse courriel ou le mot de passe est incorrect.") + " "
                     + _("Vous venez de créer votre compte ? Activez-le d'abord avec le "
                         "lien reçu par courriel."),
                     headers={"WWW-Authenticate": CHALLENGE})


@bp.post("/tokens/refresh")
@_no_store
def refresh_tokens() -> ResponseReturnValue:
    """Keep the login: body {"refresh_token"}. 201 a new TokenPair of the same chain
    (the token presented is used up); 401 `token-refused` for one unknown, expired,
    revoked or already used (a reuse also revokes its whole chain); 422
    `validation-failed` (pointer /refresh_token) when it is missing."""
    body = json_body()
    missing = _missing(body, {"refresh_token": REFRESH_MISSING})
    if missing:
        raise validation_problem(missing)
    try:
        pair = storage.refresh_tokens(body["refresh_token"].strip(), *_lifetimes())
    except storage.TokenRefused:
        raise ApiProblem(401, "token-refused",
                         _("Ce jeton de renouvellement n'est plus valide : connectez-vous "
                           "de nouveau."),
                         headers={"WWW-Authenticate": CHALLENGE}) from None
    return _pair_response(pair)


@bp.delete("/tokens/current")
@_no_store
@token_required
def delete_current_token() -> ResponseReturnValue:
    """Log out: the access token presented, its refresh token and every token refreshed
    from the same login are revoked. 204; 401 `unauthorized` without a valid token."""
    storage.revoke_chain(bearer_token() or "")
    return current_app.response_class(status=204)


# --- this module's part of the OpenAPI document -----------------------------------

_JSON = "application/json"
_NO_STORE_HEADERS = {"Cache-Control": {"schema": {"type": "string", "const": "no-store"}}}
_TOKEN_PAIR = {"description": "A new pair of tokens.", "headers": _NO_STORE_HEADERS,
               "content": {_JSON: {"schema": spec.ref("schemas", "TokenPair")}}}


def _body(name: str) -> dict[str, Any]:
    return {"required": True, "content": {_JSON: {"schema": spec.ref("schemas", name)}}}


PATHS: dict[str, Any] = {
    "/tokens": {"post": {
        "operationId": "createTokens", "tags": ["tokens"],
        "summary": "Log in: an access token and a refresh token for an email and password",
        "description": "The web login's rules: the same attempt limits (5 failed attempts "
                       "of an account in 15 minutes, 30 of an address; counted together "
                       "with the web login's), one answer whether the email has an "
                       "account or not. Not OAuth's password grant (deprecated), but its "
                       "token response's members. An empty email or password counts no "
                       "attempt (422).",
        "security": [],
        "parameters": [spec.ref("parameters", "AcceptLanguage")],
        "requestBody": _body("TokenRequest"),
        "responses": {
            "201": _TOKEN_PAIR,
            "400": spec.ref("responses", "BadRequest"),
            "401": spec.problem_response(
                "Wrong email or password (`invalid-credentials`), or an account not "
                "activated yet.", headers={"WWW-Authenticate": {"schema": {"type": "string"}}}),
            "415": spec.ref("responses", "UnsupportedMediaType"),
            "422": spec.ref("responses", "ValidationFailed"),
            "429": spec.ref("responses", "TooManyRequests"),
        },
    }},
    "/tokens/refresh": {"post": {
        "operationId": "refreshTokens", "tags": ["tokens"],
        "summary": "Exchange a refresh token (once) for a new pair",
        "description": "Rotation: the refresh token presented is used up. Presented "
                       "again, it revokes every token of its login (the app must then "
                       "log in again).",
        "security": [],
        "parameters": [spec.ref("parameters", "AcceptLanguage")],
        "requestBody": _body("RefreshRequest"),
        "responses": {
            "201": _TOKEN_PAIR,
            "400": spec.ref("responses", "BadRequest"),
            "401": spec.problem_response(
                "The refresh token is unknown, expired, revoked or already used "
                "(`token-refused`).",
                headers={"WWW-Authenticate": {"schema": {"type": "string"}}}),
            "415": spec.ref("responses", "UnsupportedMediaType"),
            "422": spec.ref("responses", "ValidationFailed"),
        },
    }},
    "/tokens/current": {"delete": {
        "operationId": "deleteCurrentToken", "tags": ["tokens"],
        "summary": "Log out: revoke the access token presented and every token of its login",
        "security": [{"bearer": []}],
        "parameters": [spec.ref("parameters", "AcceptLanguage")],
        "responses": {
            "204": {"description": "Logged out.", "headers": _NO_STORE_HEADERS},
            "400": spec.ref("responses", "BadRequest"),
            "401": spec.ref("responses", "Unauthorized"),
        },
    }},
}

SCHEMAS: dict[str, Any] = {
    "TokenRequest": {
        "type": "object", "required": ["email", "password"],
        "properties": {
            "email": {"type": "string", "minLength": 1, "format": "email",
                      "examples": ["maria.valdero@example.com"]},
            "password": {"type": "string", "minLength": 1, "format": "password"},
        },
    },
    "RefreshRequest": {
        "type": "object", "required": ["refresh_token"],
        "properties": {"refresh_token": {"type": "string", "minLength": 1}},
    },
    "TokenPair": {
        "type": "object",
        "required": ["access_token", "token_type", "expires_in", "refresh_token",
                     "refresh_expires_in"],
        "properties": {
            "access_token": {"type": "string", "description": "Opaque; send it as "
                             "`Authorization: Bearer <access_token>`."},
            "token_type": {"type": "string", "const": "Bearer"},
            "expires_in": {"type": "integer", "minimum": 1,
                           "description": "Seconds the access token is accepted."},
            "refresh_token": {"type": "string", "description": "Opaque; exchange it, "
                              "once, at POST /tokens/refresh. Keep it in the device's "
                              "secure storage."},
            "refresh_expires_in": {"type": "integer", "minimum": 1,
                                   "description": "Seconds the refresh token may be "
                                                  "exchanged."},
        },
        "additionalProperties": False,
    },
}
