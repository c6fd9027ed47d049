"""Every error the JSON API answers, as RFC 9457 `application/problem+json`.

One shape for all: `type` (a URI reference naming the kind of problem, under
/api/v1/problems/), `title` (the kind, in the request's language), `status`, `detail`
(this occurrence, in the request's language), `instance` (the request's path, percent-encoded), and
extension members where a kind carries more (field `errors`, `retry_after`,
`request_id`, both versions of a stale save). Views raise `ApiProblem`; the portal's
error machinery (web/http/errors.py) asks `for_status` for the HTTP errors raised
anywhere under /api (404 of an unknown path, 405, 413, 500, 503...), so no HTML page
is ever sent to an API client.

Field errors come from the engine's FieldError, the same objects the pages show,
carrying the designer's message in the asked language; `field_error_items` only
adds where the mistake is, as an RFC 6901 JSON pointer into the request body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, g, json, request

from engine.validate import FieldError
from web.i18n import N_, _, current_lang

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"

# slug -> title msgid (translated when answered)
TITLES: dict[str, str] = {
    "bad-request": N_("Requête incorrecte"),
    "unauthorized": N_("Authentification requise"),
    "cookie-refused": N_("Cookie refusé"),
    "forbidden": N_("Accès refusé"),
    "not-found": N_("Introuvable"),
    "method-not-allowed": N_("Méthode non permise"),
    "not-acceptable": N_("Format non disponible"),
    "unsupported-media-type": N_("Type de contenu non pris en charge"),
    "too-many-requests": N_("Trop de tentatives"),
    "invalid-credentials": N_("Identifiants incorrects"),
    "token-refused": N_("Jeton refusé"),
    "validation-failed": N_("Réponses à corriger"),
    "not-eligible": N_("Non admissible"),
    "locked": N_("Dossier non modifiable"),
    "deadline-passed": N_("Date limite dépassée"),
    "already-submitted": N_("Dossier déjà soumis"),
    "version-mismatch": N_("Le dossier a changé"),
    "precondition-required": N_("En-tête If-Match requis"),
    "idempotency-key-required": N_("En-tête Idempotency-Key requis"),
    "idempotency-key-reused": N_("Clé d'idempotence déjà utilisée"),
    "too-large": N_("Requête trop volumineuse"),
    "not-ready": N_("Pas encore prêt"),
    "conflict": N_("Conflit"),
    "server-error": N_("Erreur du serveur"),
    "unavailable": N_("Service indisponible"),
}

# HTTP status -> (slug, detail msgid) for errors raised outside the API's own views
BY_STATUS: dict[int, tuple[str, str]] = {
    400: ("bad-request", N_("La requête n'a pas pu être lue.")),
    401: ("unauthorized", N_("Un jeton d'accès valide est requis.")),
    403: ("forbidden", N_("Vous n'avez pas accès à cette ressource.")),
    404: ("not-found", N_("Cette ressource n'existe pas ou n'est pas à vous.")),
    405: ("method-not-allowed", N_("Cette méthode n'est pas permise à cette adresse.")),
    406: ("not-acceptable", N_("Cette ressource n'existe pas dans le format demandé.")),
    409: ("conflict", N_("La requête est en conflit avec l'état de la ressource.")),
    413: ("too-large", N_("La requête dépasse la taille permise.")),
    415: ("unsupported-media-type", N_("Envoyez un corps JSON (application/json).")),
    429: ("too-many-requests", N_("Trop de tentatives. Réessayez plus tard.")),
    500: ("server-error", N_("Une erreur est survenue de notre côté. Réessayez plus tard.")),
    503: ("unavailable", N_("Le service est momentanément indisponible. Réessayez dans "
                          "quelques instants.")),
}


class ApiProblem(Exception):
    """A refusal a view raises: answered as problem+json by `respond`.

    `status`: HTTP status; `slug`: a key of TITLES; `detail`: already translated text
    (None: the status's default); `extensions`: more members (JSON values);
    `headers`: extra response headers (Retry-After, WWW-Authenticate...).
    """

    def __init__(self, status: int, slug: str, detail: str | None = None,
                 headers: Mapping[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(slug)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.headers = dict(headers or {})
        self.extensions = extensions


def instance() -> str:
    """The request's path as a URI reference (RFC 3986): what is not ASCII, spaces and
    control characters percent-encoded, as a client sent them (a path with "é" or an
    emoji in it stays a valid `instance`; the fuzzer's finding)."""
    return quote(request.path, safe="/!$&'()*+,;=:@-._~", errors="replace")


def problem(status: int, slug: str, detail: str | None = None,
            headers: Mapping[str, str] | None = None, **extensions: Any) -> Response:
    """The problem+json response: see the module's docstring for its members. `detail`
    None: the default text of `status` (BY_STATUS), in the request's language."""
    if detail is None:
        detail = _(BY_STATUS.get(status, BY_STATUS[500])[1])
    body: dict[str, Any] = {"type": TYPE_BASE + slug, "title": _(TITLES.get(slug, slug)),
                            "status": status, "detail": detail, "instance": instance()}
    body.update(extensions)
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), status=status,
                                          mimetype=MEDIA_TYPE)
    response.headers["Content-Language"] = current_lang()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def respond(exc: ApiProblem) -> Response:
    """The answer to a raised ApiProblem (an app error handler)."""
    return problem(exc.status, exc.slug, exc.detail, exc.headers, **exc.extensions)


def for_status(code: int, key: str) -> Response:
    """The problem+json answer to an HTTP error `code` under /api (web/http/errors.py's
    Area.respond; `key` is the portal's page key, unused but for the CSRF case which
    cannot happen here). 500 and 503 carry the request id, as the pages show it."""
    slug = BY_STATUS.get(code, BY_STATUS[500])[0]
    extensions: dict[str, Any] = {}
    if code >= 500:
        extensions["request_id"] = g.get("request_id", "")
    headers = {"Retry-After": "30"} if code == 503 else {}
    return problem(code, slug, headers=headers, **extensions)


def _escape(step: str) -> str:
    return step.replace("~", "~0").replace("/", "~1")


def pointer(error: FieldError, prefix: str = "/answers") -> str:
    """Where `error` is, as an RFC 6901 JSON pointer into a body holding the answers at
    `prefix`: `<prefix>/<field>`, `<prefix>/<group>/<index>/<question>` for a question
    of a repeating group's item (index from 0), `/<part>` added for a part of a
    composite answer (an address's postal_code); `prefix` itself for a rule of the
    whole section."""
    if error.field is None:
        return prefix
    steps = [error.field]
    if error.item is not None:
        steps += [str(error.item[0]), error.item[1]]
    if error.part is not None:
        steps.append(error.part)
    return prefix + "".join("/" + _escape(s) for s in steps)


def field_error_items(errors: Iterable[FieldError], lang: str | None = None,
                      prefix: str = "/answers") -> list[dict[str, Any]]:
    """Engine FieldErrors as the API's error items: {"pointer", "section", "field" (id or
    null), "rule" (FieldError.kind), "message" (the designer's, in `lang`: default the
    request's)}. The same errors, in the same order, as the pages show."""
    lang = lang or current_lang()
    return [{"pointer": pointer(e, prefix), "section": e.section, "field": e.field,
             "rule": e.kind, "message": e.message.get(lang)} for e in errors]


def validation_problem(items: list[dict[str, Any]], detail: str | None = None,
                       status: int = 422, **extensions: Any) -> ApiProblem:
    """A `validation-failed` ApiProblem carrying `items` (field_error_items' shape)."""
    return ApiProblem(status, "validation-failed",
                      detail or _("Certaines réponses sont à corriger."),
                      errors=items, **extensions)
