"""Every route of the app, found in `app.url_map`, with real ids to fill its arguments.

Used by the authorization matrix, the CSRF test and the headers test, so a new
route is checked by all three without anyone listing it. A route whose
argument has no known real value, or a public route missing from PUBLIC,
fails the tests that walk them: say here what it is.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

import storage
from engine import Registry
from tests.storage.files_data import png
from tests.web.conftest import CSRF, Applicant
from web.background.worker import render_pending_documents
from web.http.cookies import is_api_path

# Routes anyone may open, logged in or not, with what an anonymous visitor gets by
# method (the POSTs carry a valid CSRF token and no other field). Every other route
# is "owned": anonymous -> login; another applicant -> 404 for the owner's ids.
PUBLIC: dict[str, dict[str, set[int]]] = {
    "index": {"GET": {302}},
    "auth.login": {"GET": {200}, "POST": {401}},
    "auth.register": {"GET": {200}, "POST": {422}},
    "auth.logout": {"GET": {302}, "POST": {302}},
    "auth.switch_language": {"POST": {302}},
    "password.forgot": {"GET": {200}, "POST": {422}},
    "password.sent": {"GET": {200}},
    "password.reset": {"GET": {200}, "POST": {422}},  # a real, unused token
    # a real, unused activation link: its button makes the account, then the login page
    "signup.activate": {"GET": {200}, "POST": {302}},
    # the JSON API's OpenAPI document and its reference page (web/api/openapi.py)
    "api.openapi_json": {"GET": {200}},
    "api.docs": {"GET": {200}},
}
# The back office (/agent/): its own session, never the applicant's. Its routes open to
# anyone (login, enrolment link, language), with what a browser without an agent session
# gets by method (an applicant's session changes nothing there); every other /agent/
# route sends such a browser to the agents' login (303), or answers 404 to a browser
# holding an applicant's session (the back office does not show itself to applicants).
AGENT_PUBLIC: dict[str, dict[str, set[int]]] = {
    "agent.login": {"GET": {200}, "POST": {401}},
    "agent.login_code": {"GET": {303}, "POST": {303}},  # no password step first
    "agent.enrol": {"GET": {200}, "POST": {422}},  # a real, unused enrolment link
    "agent.switch_language": {"POST": {303}},
    "agent.logout": {"POST": {303}},
}
PUBLIC.update(AGENT_PUBLIC)
# Arguments naming something that belongs to an account: another applicant gets 404.
OWNED_ARGS = frozenset({"number", "message_id", "document_id"})
OWNER_OK = frozenset({200, 302, 303, 409, 410, 422})
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class World:
    """Maria's things (a draft, a submitted dossier with its message and rendered PDF,
    a password reset token), a registration waiting for activation, and another
    applicant, Gunter, with nothing of hers."""

    owner: Applicant
    other: Applicant
    owner_id: int
    draft: str
    submitted: str
    message_id: str  # public ids: the ones in URLs
    document_id: str
    token: str
    activation: str  # the token of a registration's activation link
    first_section: dict[str, str]
    file_id: str = ""  # a file of Maria's draft
    agent_id: int = 0  # an agent (the back office's pages)
    enrolment: str = ""  # that agent's unused enrolment link

    def is_agent(self, call: Call) -> bool:
        """Whether `call` is a back-office route that needs an agent session."""
        return is_agent_rule(call.rule) and call.endpoint not in AGENT_PUBLIC

    def args_for(self, rule: Rule, number: str) -> dict[str, Any]:
        values = {"number": number, "section_id": self.first_section[number],
                  "message_id": self.message_id, "document_id": self.document_id,
                  "token": self.token, "activation": self.activation, "file_id": self.file_id,
                  "agent_id": self.agent_id, "enrolment": self.enrolment,
                  # the back office's dossier page: a transition an agent takes, a
                  # document of the dossier (its recap PDF)
                  "transition_id": "prendre", "public_id": self.document_id}
        missing = sorted(set(rule.arguments) - set(values))
        if missing:
            pytest.fail(f"{rule.rule}: no real value for {', '.join(missing)}; "
                        "add one to World.args_for in tests/web/routes.py")
        return {name: values[name] for name in rule.arguments}

    def snapshot(self) -> tuple[Any, ...]:
        """What another applicant must never change: Maria's dossiers and messages."""
        draft = storage.get_dossier(self.owner_id, self.draft)
        submitted = storage.get_dossier(self.owner_id, self.submitted)
        messages = [(m.id, m.read_at) for m in storage.list_messages(self.owner_id)]
        return (draft.version, draft.answers, submitted.version, submitted.status, messages)


def build_world(maria: Applicant, other: Applicant, registry: Registry) -> World:
    draft = maria.create_dossier()
    submitted = maria.create_dossier()
    maria.fill_all(submitted)
    assert maria.submit(submitted).status_code == 302
    render_pending_documents(registry)
    owner = storage.find_account_by_email(maria.profile["email"])
    (message,) = storage.list_messages(owner.id)
    (document,) = storage.list_documents(owner.id)
    reset = storage.start_password_reset(owner.email)
    queued = storage.queue_signup("nouvelle@example.com", owner.password_hash, {}, "fr",
                                  ("Activez", storage.SIGNUP_TOKEN_SLOT), ("Déjà", "Déjà"))
    _, activation = storage.start_queued_signup(queued.id)
    first = {n: registry[storage.get_dossier(owner.id, n).type_id].definition.sections[0].id
             for n in (draft, submitted)}
    upload = storage.store_upload(owner.id, draft, "piece", "acte.png", io.BytesIO(png()),
                                  accept=["image/png"], max_bytes=10**6, max_files=1,
                                  dossier_max_bytes=10**7)
    agent, enrolment = storage.create_agent("agent@example.gc.ca", "Alain Agent", "agent",
                                            [next(iter(registry)).id])
    return World(maria, other, owner.id, draft, submitted, message.public_id, document.public_id,
                 reset.token, activation, first, upload.id, agent.id, enrolment)


def agent_token(applicant: Applicant) -> str:
    """The CSRF token of this browser's back-office session (its own cookie, so its own
    token), from the agents' login page."""
    return CSRF.search(applicant.client.get("/agent/connexion").get_data(as_text=True)).group(1)


def is_agent_rule(rule: Rule) -> bool:
    """A route of the back office (/agent/...)."""
    return rule.rule == "/agent" or rule.rule.startswith("/agent/")


def is_api_rule(rule: Rule) -> bool:
    """A route of the JSON API (/api/v1/...): a bearer token opens it, never a browser's
    cookie (tests/api/test_auth_matrix.py walks it with tokens)."""
    return rule.rule == "/api" or rule.rule.startswith("/api/")


def wrong_api_answer(app: Flask, call: Call, response: Any) -> str | None:
    """What is wrong with the JSON API's answer to a browser holding a session cookie
    (the portal's or the back office's), None when it is right: 400 problem+json
    `cookie-refused`, never a page or a redirect to a login; a public document that
    tolerates cookies (web.api.auth.tolerates_cookies: the OpenAPI document, its
    reference page) answers as to anyone, without redirect or server error."""
    view = app.view_functions[call.endpoint]
    if getattr(view, "api_tolerates_cookies", False):
        if response.status_code >= 500 or 300 <= response.status_code < 400:
            return f"{call}: {response.status_code}, expected its public answer"
        return None
    body = response.get_json(silent=True) or {}
    sent = getattr(response, "request", None)
    if sent is not None and not any(name in sent.cookies for name in (
            app.config["SESSION_COOKIE_NAME"], "guichet_agent")):
        # no cookie reached /api (an agent's lives under /agent only): a request
        # without credentials, 401 `unauthorized` as to anyone
        if response.status_code != 401 or body.get("type") != "/api/v1/problems/unauthorized":
            return f"{call}: {response.status_code} {response.mimetype}, expected 401 " \
                   "(no cookie sent to /api)"
        return None
    if response.status_code != 400 or response.mimetype != "application/problem+json" \
            or body.get("type") != "/api/v1/problems/cookie-refused":
        return f"{call}: {response.status_code} {response.mimetype}, expected 400 cookie-refused"
    return None


@dataclass(frozen=True)
class Call:
    """One method of one rule with its arguments filled."""

    rule: Rule
    method: str
    url: str

    @property
    def endpoint(self) -> str:
        return self.rule.endpoint

    @property
    def owned_args(self) -> bool:
        return bool(OWNED_ARGS & set(self.rule.arguments))

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.endpoint})"


def rules(app: Flask) -> list[Rule]:
    """The browser's routes: every rule but the static files and the JSON API's (/api/:
    a bearer token, never a session; `api_rules`, checked by tests/api and by
    test_authorization_matrix's browser-refusal test)."""
    return sorted((r for r in app.url_map.iter_rules()
                   if r.endpoint != "static" and not is_api_path(r.rule)),
                  key=lambda r: r.rule)


def api_rules(app: Flask) -> list[Rule]:
    """The JSON API's routes (/api/v1/...)."""
    return sorted((r for r in app.url_map.iter_rules() if is_api_path(r.rule)),
                  key=lambda r: r.rule)


def calls(app: Flask, world: World, methods: frozenset[str] | None = None) -> Iterator[Call]:
    """Every (method, rule) with real arguments; rules about a dossier once per dossier
    (the draft and the submitted one behave differently)."""
    for rule in rules(app):
        numbers = [world.draft, world.submitted] if "number" in rule.arguments else [
            world.draft]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if methods is not None and method not in methods:
                continue
            for number in numbers:
                with app.test_request_context():
                    url = app.url_for(rule.endpoint, **world.args_for(rule, number))
                yield Call(rule, method, url)


def request(applicant: Applicant, call: Call, *, token: bool = True,
            headers: dict[str, str] | None = None) -> Any:
    """The call as this applicant's browser makes it (a POST with its page's token)."""
    data = {"csrf_token": agent_token(applicant) if is_agent_rule(call.rule)
            else applicant.token()} if token and call.method != "GET" else {}
    return applicant.client.open(call.url, method=call.method, data=data,
                                 headers=headers or {}, buffered=True)  # streams closed


def logged_in(applicant: Applicant) -> bool:
    with applicant.client.session_transaction() as session:
        return "account_id" in session
