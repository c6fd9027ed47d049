"""Who may call what, for every route of the JSON API (found in the app's url_map,
never listed by hand, so a route added later is checked too): without a token, with a
revoked or an expired one, 401 problem+json with its `WWW-Authenticate` challenge
(but for the public routes: PUBLIC); another applicant naming the owner's dossier,
message or document gets 404 `not-found`, as for one that does not exist; the owner
gets through (no 401, 403, 404 or server error); a request carrying a session cookie
is refused (400 `cookie-refused`) whatever its token."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

import storage
from tests.api.conformance import check_response
from tests.api.conftest import AQ, MARIA, Person, valid_draft
from tests.web.conftest import Applicant
from web.api.auth import TOLERATES_COOKIES
from web.background.worker import render_pending_documents
from web.http.cookies import AGENT_COOKIE

PREFIX = "/api/v1"
PROBLEM = "application/problem+json"
# (method, path) anyone may call without a token
PUBLIC = frozenset({("POST", "/api/v1/tokens"), ("POST", "/api/v1/tokens/refresh"),
                    ("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")})
# path arguments naming something of an account: another applicant gets 404
OWNED_ARGS = frozenset({"number", "section_id", "message_id", "document_id", "id"})

@dataclass(frozen=True)
class World:
    """The owner's things: a draft (its first section), and a submitted dossier with
    its message and its rendered PDF."""

    draft: str
    section_id: str
    message_id: str
    document_id: str

    def args_for(self, rule: Rule) -> dict[str, str]:
        """Real values for the rule's path arguments; `id` is a message's or a
        document's, by the path it is in."""
        kind = "document_id" if "/documents/" in rule.rule else "message_id"
        values = {"number": self.draft, "section_id": self.section_id,
                  "message_id": self.message_id, "document_id": self.document_id,
                  "id": getattr(self, kind)}
        missing = sorted(set(rule.arguments) - set(values))
        if missing:
            pytest.fail(f"{rule.rule}: no real value for {', '.join(missing)}; add one "
                        "to World.args_for in tests/api/test_auth_matrix.py")
        return {name: values[name] for name in rule.arguments}


@dataclass(frozen=True)
class Call:
    rule: Rule
    method: str
    url: str

    @property
    def public(self) -> bool:
        return (self.method, self.rule.rule) in PUBLIC

    @property
    def owned(self) -> bool:
        return bool(OWNED_ARGS & set(self.rule.arguments))

    def __str__(self) -> str:
        return f"{self.method} {self.url}"


@pytest.fixture
def world(api_app: Flask, applicant: Person) -> World:
    registry = api_app.config["REGISTRY"]
    draft = storage.create_dossier(registry, applicant.account_id, AQ)
    done = valid_draft(registry, applicant.account_id)
    storage.submit(registry, applicant.account_id, done.number)
    render_pending_documents(registry)
    messages = storage.list_messages(applicant.account_id)
    documents = storage.list_documents(applicant.account_id)
    assert messages and documents, "the submission leaves a message and a document"
    first = registry[AQ].definition.sections[0].id
    return World(draft.number, first, messages[0].public_id, documents[0].public_id)


def calls(app: Flask, world: World) -> Iterator[Call]:
    """Every (method, rule) of the API, its path arguments filled with the owner's."""
    rules = sorted((r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX + "/")),
                   key=lambda r: r.rule)
    assert rules, "no API route found"
    for rule in rules:
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **world.args_for(rule))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield Call(rule, method, url)


def send(api: FlaskClient, call: Call, headers: dict[str, str] | None = None) -> TestResponse:
    """The call with a plausible body and the headers some routes want (so a refusal
    comes from who calls, not from what is sent)."""
    wanted = {}
    if call.method in ("PUT", "PATCH"):
        wanted["If-Match"] = '"1"'
    if call.method == "POST":
        wanted["Idempotency-Key"] = f"matrix-{call.url}"
    body = {"answers": {}} if call.method in ("PUT", "PATCH", "POST") else None
    response = api.open(call.url, method=call.method, json=body,
                        headers={**wanted, **(headers or {})}, buffered=True)
    assert "Set-Cookie" not in response.headers, f"{call} set a cookie"
    return response


def undocumented(api: FlaskClient, call: Call, response: TestResponse) -> str | None:
    """What the OpenAPI document does not say of this answer (its status for this
    operation, its body's schema), None when it says it (tests/api/conformance.py)."""
    try:
        check_response(api.application, call.method, call.url, response)
    except Exception as broken:  # openapi-core's errors share no base class but this
        return f"{call}: {response.status_code} not as documented: {broken}"
    return None


def refused(call: Call, response: TestResponse, status: int, slug: str) -> str | None:
    """What is wrong with `response`, expected to be the problem `slug` with `status`."""
    body = response.get_json(silent=True) or {}
    if response.status_code != status or response.mimetype != PROBLEM \
            or body.get("type") != f"/api/v1/problems/{slug}":
        return f"{call}: {response.status_code} {response.mimetype} {body.get('type')}, " \
               f"expected {status} {slug}"
    if status == 401 and not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
        return f"{call}: 401 without its WWW-Authenticate challenge"
    return None


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unauthorized_everywhere(api: FlaskClient, world: World,
                            headers: dict[str, str]) -> list[str]:
    wrong = []
    for call in calls(api.application, world):
        response = send(api, call, headers)
        if call.public:
            if response.status_code == 401:
                wrong.append(f"{call}: 401 on a public route")
            elif response.status_code >= 500:
                wrong.append(f"{call}: {response.status_code}")
            continue
        wrong += filter(None, (refused(call, response, 401, "unauthorized"),
                               undocumented(api, call, response)))
    return wrong


def test_matrix__every_route_is_public_or_needs_a_token(api: FlaskClient, world: World) -> None:
    found = {(c.method, c.rule.rule) for c in calls(api.application, world)}
    assert {("POST", "/api/v1/tokens"), ("POST", "/api/v1/tokens/refresh"),
            ("DELETE", "/api/v1/tokens/current")} <= found


def test_matrix__anonymous__401_everywhere_but_the_public_routes(
        api: FlaskClient, world: World) -> None:
    wrong = unauthorized_everywhere(api, world, {})
    wrong += unauthorized_everywhere(api, world, {"Authorization": "Basic YTpi"})
    wrong += unauthorized_everywhere(api, world, bearer("gat_not-a-token"))
    assert not wrong, "\n".join(wrong)


def test_matrix__revoked_token__401_everywhere(
        api: FlaskClient, world: World, applicant: Person) -> None:
    pair = storage.issue_tokens(applicant.account_id, 900, 3600)
    storage.revoke_chain(pair.access_token)
    wrong = unauthorized_everywhere(api, world, bearer(pair.access_token))
    assert not wrong, "\n".join(wrong)


def test_matrix__expired_token__401_everywhere(
        api: FlaskClient, world: World, applicant: Person) -> None:
    pair = storage.issue_tokens(applicant.account_id, 60, 3600)
    storage.clock.advance(timedelta(seconds=61))
    wrong = unauthorized_everywhere(api, world, bearer(pair.access_token))
    assert not wrong, "\n".join(wrong)


def snapshot(world: World, owner: Person) -> tuple[Any, ...]:
    """What another applicant must never change: the owner's dossier, messages, tokens."""
    draft = storage.get_dossier(owner.account_id, world.draft)
    messages = [(m.id, m.read_at) for m in storage.list_messages(owner.account_id)]
    return draft.version, draft.answers, messages


def test_matrix__another_applicant__404_for_everything_of_the_owners(
        api: FlaskClient, world: World, applicant: Person, other: Person) -> None:
    before = snapshot(world, applicant)
    wrong = []
    for call in calls(api.application, world):
        if call.public or not call.owned:
            continue
        response = send(api, call, other.headers)
        wrong += filter(None, (refused(call, response, 404, "not-found"),
                               undocumented(api, call, response)))
    assert not wrong, "\n".join(wrong)
    assert snapshot(world, applicant) == before, "another applicant changed the owner's things"
    assert storage.token_account(applicant.headers["Authorization"].split()[1]) \
        == applicant.account_id


def test_matrix__owner__gets_through_every_route(
        api: FlaskClient, world: World, applicant: Person) -> None:
    wrong = []
    for call in calls(api.application, world):
        if call.public:
            continue
        token = storage.issue_tokens(applicant.account_id, 900, 3600).access_token
        response = send(api, call, bearer(token))
        if response.status_code in (401, 403, 404) or response.status_code >= 500:
            wrong.append(f"{call}: {response.status_code} {response.get_data(as_text=True)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("cookie", ["portal session", "agent session"])
def test_matrix__a_session_cookie__400_cookie_refused_everywhere_even_with_a_token(
        api_app: Flask, world: World, applicant: Person, cookie: str) -> None:
    """A browser's request rides its cookies: the API refuses any carrying the portal's or
    the back office's session cookie (CSRF), but on the public documents that tolerate
    it (web.api.auth.tolerates_cookies)."""
    browser = api_app.test_client()
    if cookie == "portal session":
        assert Applicant(browser, {**MARIA, "email": applicant.email}).login().status_code == 302
    else:
        browser.set_cookie(AGENT_COOKIE, "anything")
    wrong = []
    for call in calls(api_app, world):
        if getattr(api_app.view_functions[call.rule.endpoint], TOLERATES_COOKIES, False):
            continue
        token = storage.issue_tokens(applicant.account_id, 900, 3600).access_token
        response = send(browser, call, bearer(token))
        wrong += filter(None, (refused(call, response, 400, "cookie-refused"),
                               undocumented(browser, call, response)))
    assert not wrong, "\n".join(wrong)
