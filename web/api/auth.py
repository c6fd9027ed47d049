"""Who calls the JSON API, in which language, and with what body.

Authentication is a bearer access token (RFC 6750: `Authorization: Bearer <token>`),
issued by POST /api/v1/tokens (web/api/tokens.py) and checked by `token_required`
through storage on every request (one statement, which also reads
the stamp of the dossier the address names: storage.token_visit), so a revoked token
is refused at once in every process. No cookie is read: the portal's
session cookie (and the agents') is not merely ignored but refused, so a browser
request riding a logged-in session is never taken for the applicant's (no CSRF token
is needed because no ambient credential is accepted).

The language of every text the API answers with is the request's `Accept-Language`
(fr or en; fr when neither is asked).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request
from flask.typing import ResponseReturnValue

import storage
from engine.model import LANGS
from web.api.problems import ApiProblem
from web.http.cookies import AGENT_COOKIE, is_api_path
from web.i18n import DEFAULT_LANG, _
from web.registry import registry

V = TypeVar("V", bound=Callable[..., ResponseReturnValue])

CHALLENGE = 'Bearer realm="guichet"'
TOLERATES_COOKIES = "api_tolerates_cookies"  # a view attribute: see `tolerates_cookies`
READS_DOSSIER = "api_reads_dossier"  # a view attribute: see `reads_dossier`


def request_lang() -> str | None:
    """The language source of API requests (web.i18n.add_lang_source): the language of
    Accept-Language's most preferred range (by its q-value, RFC 9110 §12.5.4) that is
    French or English, a region ignored ("fr-CA, en;q=0.9" is French); French when
    neither is asked; None outside /api."""
    if not is_api_path(request.path):
        return None
    return api_lang()


def api_lang() -> str:
    """The language of this API request's texts: "fr" or "en" (see `request_lang`),
    chosen once per request. Flask-Babel's locale (`current_lang`) is the same, but a
    request that translates nothing (a section answered from the cache) never builds it."""
    lang = g.get("api_lang")
    if lang is None:
        lang = DEFAULT_LANG
        for asked, _quality in request.accept_languages:  # werkzeug sorts them by quality
            primary = asked.replace("_", "-").split("-")[0].lower()
            if primary in LANGS:
                lang = primary
                break
        g.api_lang = lang
    return lang


def bearer_token() -> str | None:
    """The token of `Authorization: Bearer <token>`, None when there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def unauthorized(detail: str | None = None, error: str | None = None) -> ApiProblem:
    """The 401 problem with its `WWW-Authenticate` challenge (`error="invalid_token"`
    when a token was presented and refused, RFC 6750 §3)."""
    challenge = CHALLENGE + (f', error="{error}"' if error else "")
    return ApiProblem(401, "unauthorized",
                      detail or _("Un jeton d'accès valide est requis."),
                      headers={"WWW-Authenticate": challenge})


def token_required(view: V) -> V:
    """The view runs for a valid access token only; `current_account_id()` is then its
    account. 401 problem `unauthorized` for no token, and for an unknown, expired or
    revoked one (one answer for all). A view marked `reads_dossier` gets the dossier
    its address names read along (`visit_dossier`)."""
    whole = getattr(view, READS_DOSSIER, False)

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        token = bearer_token()
        if token is None:
            raise unauthorized()
        number = kwargs.get("number")
        try:
            visit = storage.token_visit(token, number if isinstance(number, str) else None,
                                        registry(), whole=whole)
        except storage.TokenRefused as refused:
            raise unauthorized(_("Ce jeton d'accès n'est pas valide (expiré, révoqué ou "
                                 "inconnu). Renouvelez-le avec le jeton de "
                                 "renouvellement, ou connectez-vous de nouveau."),
                               "invalid_token") from refused
        g.api_account_id = visit.account_id
        g.api_visit = visit
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def current_account_id() -> int:
    """The account of this request's access token (under `token_required` only)."""
    return g.api_account_id


def dossier_stamp(number: str) -> storage.DossierStamp:
    """The stamp (number, version...) of the caller's dossier `number`: the one read with
    the token (`token_required` reads the address's dossier along), else read now.
    storage.NotFound (404 problem) for a dossier that is not the caller's."""
    visit = g.get("api_visit")
    if visit is not None and visit.number == number.strip():
        if visit.dossier is None:
            raise storage.NotFound(f"dossier {number}")
        return visit.dossier
    return storage.dossier_stamp(current_account_id(), number, registry())


def reads_dossier(view: V) -> V:
    """Mark a view (under `token_required`, which reads the mark) that reads the whole
    dossier its address names: the token's statement reads it along
    (storage.token_visit `whole`), one read instead of two."""
    setattr(view, READS_DOSSIER, True)
    return view


def visit_dossier(number: str) -> storage.DossierView | None:
    """The caller's dossier `number` as read with the token (a view marked
    `reads_dossier`), or None when it was not (not asked, not the caller's, or overdue:
    storage.get_dossier moves it on first)."""
    visit = g.get("api_visit")
    if visit is not None and visit.number == number.strip():
        return visit.view
    return None


def visit_kept(number: str) -> bool:
    """Whether answers may be kept aside for the caller in the dossier `number`
    (storage.save_section's `kept_aside`): False only when the dossier read with the
    token (`reads_dossier`) showed none."""
    visit = g.get("api_visit")
    return not (visit is not None and visit.number == number.strip()
                and visit.view is not None and not visit.kept)


def tolerates_cookies(view: V) -> V:
    """Mark a public, read-only view (the document, its reference page) that a browser
    may open while logged in to the portal: its cookie is not refused there."""
    setattr(view, TOLERATES_COOKIES, True)
    return view


def refuse_cookies() -> None:
    """Before every API view: a request carrying the portal's or the agents' session
    cookie is refused (400 `cookie-refused`), except on views marked
    `tolerates_cookies`."""
    if "HTTP_COOKIE" not in request.environ:  # no cookie at all: nothing to parse
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, TOLERATES_COOKIES, False):
        return
    names = (current_app.config["SESSION_COOKIE_NAME"], AGENT_COOKIE)
    if any(name in request.cookies for name in names):
        raise ApiProblem(400, "cookie-refused",
                         _("L'API n'accepte pas de cookie de session : authentifiez-vous "
                           "avec un jeton (en-tête Authorization: Bearer)."))


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number out of range")
    return value


def parse_json(data: bytes) -> Any:
    """`data` read as strict JSON (RFC 8259): ValueError when it is not UTF-8 JSON, holds
    `NaN`/`Infinity` (not JSON) or a number too large for a float (`1e999`), or nests so
    deep that reading it would exhaust the stack (RecursionError, answered as a bad
    body, never a 500)."""
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_refuse_constant,
                          parse_float=_finite)
    except RecursionError as deep:
        raise ValueError("nested too deep") from deep


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    """Whether a decoded JSON value holds, in a string or an object key, a UTF-16
    surrogate left alone (`"\\ud800"`: a pair such as `"\\ud83d\\ude00"` is decoded to
    its one character, so any surrogate left is unpaired)."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v)
                   for k, v in value.items())
    return False


def json_body() -> dict[str, Any]:
    """The request's JSON object. ApiProblem 415 when the body is not declared JSON, 400
    when it is not a JSON object (malformed, not UTF-8, an array, a string, `NaN` or
    `Infinity`, a number out of range, nested too deep: see `parse_json`). Every API
    view reads its body here and only here (never `request.get_json`, whose parser
    takes NaN and overflows the stack on deep nesting). 400 too when a string or key
    escapes a lone surrogate (`"\\ud800abc"`): no Unicode text (RFC 8259 §8.2; I-JSON,
    RFC 7493 §2.1, forbids it), it could only be stored altered ("?abc")."""
    if not request.is_json:
        raise ApiProblem(415, "unsupported-media-type",
                         _("Envoyez un corps JSON (application/json)."))
    try:
        body = parse_json(request.get_data(cache=True))
        lone = _has_lone_surrogate(body)
    except (ValueError, RecursionError):  # as deep as the parser allows, deeper here
        body, lone = None, False
    if not isinstance(body, dict):
        raise ApiProblem(400, "bad-request", _("Le corps de la requête doit être un objet JSON."))
    if lone:
        raise ApiProblem(400, "bad-request",
                         _("Le corps de la requête contient un caractère invalide (une moitié "
                           "de paire de substitution UTF-16) : envoyez du texte Unicode "
                           "valide."))
    return body
