"""Who may open what in the back office: five roles (anonymous, an applicant, an agent of
another dossier type, an agent of the dossier's type, a supervisor) x every /agent/
route of the app's url_map (a route added later is in the matrix without anyone listing
it), its arguments filled with real values of one submitted dossier of the granted type
(its recap PDF, one of its files, a transition an agent takes, an agent's id).

Nothing leaks: an anonymous browser goes to the agents' login, the dossier's owner gets
404 everywhere, the agent of another type gets 404 on every page of the dossier and sees
none of its data elsewhere, supervisor-only pages answer 404 to agents, and nobody of
these changes the dossier. The agent and the supervisor get through. And an agent's
session never opens the applicant portal, whatever name or path its cookie is sent under.

The public routes of the back office (login, enrolment link, language, logout) are
tests/web/routes.py's AGENT_PUBLIC, checked by test_authorization_matrix.py.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

import storage
from engine import Registry
from tests.definitions import ATELIER, ESSAI
from tests.storage.files_data import png
from tests.web.agents import AgentBrowser, enrolled_agent
from tests.web.conftest import CSRF, MARIA, Applicant
from tests.web.routes import (
    AGENT_PUBLIC,
    PUBLIC,
    Call,
    World,
    agent_token,
    build_world,
    is_agent_rule,
    is_api_rule,
    rules,
    wrong_api_answer,
)
from web.background.worker import render_pending_documents

GRANTED_OK = frozenset({200, 201, 303, 409, 422})  # done (or made), redirected back, refused
# What must never show to a role that may not see the dossier: who applied and what.
OWNER_DATA = (MARIA["family_names"], MARIA["email"], "4471QXZB", "Wolof")
# A GET page without arguments is also asked for the dossier's type, state and number
# (the queue's filters and search, the export's file), to tempt it; a POST without
# arguments is also sent the dossier's type with its recap PDF, then with its fingerprint
# (the receipt check): its answer must not name the dossier.
TEMPTING = {"type": ESSAI, "etat": "presente", "state": "presente", "format": "json",
            "attribution": "personne"}


@dataclass
class Desk:
    """The world of tests/web/routes.py, plus Maria's dossier at the agents' desk: submitted,
    with a file, its recap PDF and its confirmation message; the agents around it."""

    world: World
    number: str
    document_id: str
    file_id: str
    pdf: bytes  # its recap PDF, as the applicant downloads it
    fingerprint: str  # its submission's
    agent: AgentBrowser  # granted the dossier's type
    supervisor: AgentBrowser  # granted the dossier's type
    stranger: AgentBrowser  # an agent granted another type only

    def url(self, app: Flask, rule: Rule, number: str, **more: Any) -> str:
        values = {**self.world.args_for(rule, number), **more}
        if number == self.number:
            values.update({k: v for k, v in {"document_id": self.document_id,
                                             "public_id": self.document_id}.items()
                           if k in rule.arguments})
            if rule.endpoint == "agent.upload":  # the applicant's files
                values["public_id"] = self.file_id
        with app.test_request_context():
            return app.url_for(rule.endpoint, **values)

    def snapshot(self) -> tuple[Any, ...]:
        """What only the granted agents may change: the dossier, its messages, agents."""
        d = storage.get_dossier(self.world.owner_id, self.number)
        messages = [(m.id, m.subject) for m in storage.list_messages(self.world.owner_id)]
        agents = [(a.id, a.enrolled, a.disabled) for a in storage.list_agents()]
        return (d.version, d.status, d.answers, messages, agents)


@pytest.fixture
def desk(app: Flask, maria: Applicant, other: Applicant, registry: Registry) -> Desk:
    world = build_world(maria, other, registry)
    number = maria.create_dossier()
    owner = world.owner_id
    upload = storage.store_upload(owner, number, "piece", "passeport.png", io.BytesIO(png()),
                                  accept=["image/png"], max_bytes=10**6, max_files=1,
                                  dossier_max_bytes=10**7)
    maria.fill_all(number)
    assert maria.submit(number).status_code == 302
    render_pending_documents(registry)
    (document,) = [d for d in storage.list_documents(owner) if d.public_id != world.document_id]
    _, pdf = storage.get_document(owner, document.public_id)
    (submission,) = storage.submissions_of(storage.get_dossier(owner, number).id)
    world.first_section[number] = world.first_section[world.submitted]
    return Desk(world, number, document.public_id, upload.id, pdf, submission.fingerprint,
                enrolled_agent(app, "alain@example.gc.ca", "Alain Agent", "agent", (ESSAI,)),
                enrolled_agent(app, "sophie@example.gc.ca", "Sophie Superviseure",
                               "supervisor", (ESSAI,)),
                enrolled_agent(app, "ines@example.gc.ca", "Inès Autre", "agent", (ATELIER,)))


@dataclass(frozen=True)
class AgentCall:
    rule: Rule
    method: str
    url: str
    role: str  # "agent" | "supervisor": who the route is for (web.agent.auth.agent_required)
    number: str | None  # the dossier the URL names, if any
    tempting: str = ""  # "query": asked with TEMPTING's; "pdf" | "fingerprint": posted

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.rule.endpoint}, for {self.role})"


def agent_calls(app: Flask, desk: Desk) -> list[AgentCall]:
    """Every method of every /agent/ route that needs an agent session, with real values;
    a route about a dossier for the submitted dossier and for a draft."""
    found = []
    for rule in rules(app):
        if not is_agent_rule(rule) or rule.endpoint in AGENT_PUBLIC:
            continue
        role = getattr(app.view_functions[rule.endpoint], "agent_role", None)
        assert role in ("agent", "supervisor"), (
            f"{rule.rule} ({rule.endpoint}) is in the back office but neither public "
            "(routes.AGENT_PUBLIC) nor guarded by web.agent.auth.agent_required")
        numbers = [desk.number, desk.world.draft] if "number" in rule.arguments else [None]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for number in numbers:
                url = desk.url(app, rule, number or desk.world.draft)
                found.append(AgentCall(rule, method, url, role, number))
                if method == "GET" and not rule.arguments:
                    query = "&".join(f"{k}={v}" for k, v in TEMPTING.items())
                    found.append(AgentCall(rule, method, f"{url}?{query}&q={desk.number}",
                                           role, None, tempting="query"))
                elif not rule.arguments:
                    found += [AgentCall(rule, method, url, role, None, tempting=given)
                              for given in ("pdf", "fingerprint")]
    return found


def send(browser: Any, call: AgentCall, desk: Desk) -> Any:
    """The call as this browser makes it (a POST with its back-office page's token)."""
    data: dict[str, Any] = {"csrf_token": agent_token(browser)} if call.method != "GET" else {}
    if call.tempting == "pdf":
        data.update({"type": ESSAI, "pdf": (io.BytesIO(desk.pdf), "recapitulatif.pdf",
                                            "application/pdf")})
    elif call.tempting == "fingerprint":
        data.update({"type": ESSAI, "fingerprint": desk.fingerprint})
    return browser.client.open(call.url, method=call.method, data=data, buffered=True)


def leaks(response: Any, call: AgentCall, desk: Desk) -> list[str]:
    """The owner's data (and the dossier's number, unless the URL carries it) that a
    page shows: redirects excepted (their body is only the address)."""
    if 300 <= response.status_code < 400:
        return []
    body = response.get_data(as_text=True)
    marks = OWNER_DATA if desk.number in call.url else (*OWNER_DATA, desk.number)
    return [mark for mark in marks if mark in body]


def test_every_back_office_route_needs_an_agent_and_says_which(app, desk):
    calls = agent_calls(app, desk)
    endpoints = {c.rule.endpoint for c in calls}
    assert {"agent.home", "agent.agents"} <= endpoints
    assert any(c.role == "supervisor" for c in calls)
    assert all(e in PUBLIC for e in AGENT_PUBLIC)


def test_matrix__wrong_roles__no_leak_and_nothing_changed(app, desk):
    before = desk.snapshot()
    anonymous = app.test_client()
    applicant = desk.world.owner  # the dossier's owner, at her own browser
    wrong = []
    for call in agent_calls(app, desk):
        answer = anonymous.open(call.url, method=call.method, buffered=True, data={
            "csrf_token": CSRF.search(anonymous.get("/agent/connexion").get_data(
                as_text=True)).group(1)} if call.method != "GET" else {})
        if answer.status_code != 303 or not answer.location.startswith("/agent/connexion?next="):
            wrong.append(f"anonymous {call}: {answer.status_code} {answer.location}")
        answer = send(applicant, call, desk)
        if answer.status_code != 404:
            wrong.append(f"applicant {call}: {answer.status_code}, expected 404")
        answer = send(desk.stranger, call, desk)
        if call.number is not None or call.role == "supervisor":
            if answer.status_code != 404:
                wrong.append(f"agent of another type {call}: {answer.status_code}, expected 404")
        elif answer.status_code in (404,) or answer.status_code >= 500:
            wrong.append(f"agent of another type {call}: {answer.status_code} on a page "
                         "of the back office every agent has")
        wrong += [f"agent of another type {call}: shows {m!r}" for m in leaks(answer, call, desk)]
        if call.role == "supervisor":
            answer = send(desk.agent, call, desk)
            if answer.status_code != 404:
                wrong.append(f"agent {call}: {answer.status_code}, expected 404 "
                             "(a supervisor's page)")
    assert not wrong, "\n".join(wrong)
    assert desk.snapshot() == before, "a role without the right changed something"


def test_matrix__agent_and_supervisor_of_the_type__get_through(app, desk):
    wrong = []
    shown = set()  # the tempting pages that show the dossier to the agents who have it
    fresh_agents = itertools.count()
    for call in agent_calls(app, desk):
        for who, browser in (("agent", desk.agent), ("supervisor", desk.supervisor)):
            if who == "agent" and call.role == "supervisor":
                continue  # the wrong roles' test
            if "agent_id" in call.rule.arguments:  # a new agent each time: one disabled
                fresh, _ = storage.create_agent(f"agathe{next(fresh_agents)}@example.gc.ca",
                                                "Agathe Nouvelle", "agent", [ESSAI])
                call = AgentCall(call.rule, call.method, desk.url(
                    app, call.rule, call.number or desk.world.draft, agent_id=fresh.id),
                    call.role, call.number)
            answer = send(browser, call, desk)
            status = answer.status_code
            if call.tempting and leaks(answer, call, desk):
                shown.add(call.rule.endpoint)
            to_login = status == 303 and "/agent/connexion" in (answer.location or "")
            if status >= 500 or to_login:
                wrong.append(f"{who} {call}: {status} {answer.location or ''}")
            elif call.number != desk.world.draft and status not in GRANTED_OK:
                wrong.append(f"{who} {call}: {status}, expected one of {sorted(GRANTED_OK)}")
    assert not wrong, "\n".join(wrong)
    # the same temptations the other type's agent resisted
    assert {"agent.queue", "agent.export_file", "agent.verify"} <= shown


def _portal_token(client: Any) -> str:
    return CSRF.search(client.get("/connexion").get_data(as_text=True)).group(1)


def test_an_agent_session_never_opens_the_applicant_portal(app, desk):
    """Every portal route that needs an account answers an agent's browser as it answers
    a visitor without one (the login page), even with the agent's cookie copied under the
    portal's name and path; the JSON API refuses such a browser (400 cookie-refused)."""
    cookie = desk.agent.client.get_cookie("guichet_agent", path="/agent")
    forged = app.test_client()
    forged.set_cookie("session", cookie.value)
    forged.set_cookie("guichet_agent", cookie.value)
    wrong = []
    for rule in rules(app):
        if is_agent_rule(rule) or rule.endpoint in PUBLIC:
            continue
        number = desk.number if "number" in rule.arguments else desk.world.draft
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **desk.world.args_for(rule, number))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, client in (("agent", desk.agent.client), ("forged cookie", forged)):
                data = {"csrf_token": _portal_token(client)} if method != "GET" else {}
                answer = client.open(url, method=method, data=data, buffered=True)
                if is_api_rule(rule):  # the API refuses any session cookie
                    refused = wrong_api_answer(app, Call(rule, method, url), answer)
                    wrong += [f"{who} {refused}"] if refused else []
                elif answer.status_code != 302 or not answer.location.startswith(
                        "/connexion?next="):
                    wrong.append(f"{who} {method} {url}: {answer.status_code} "
                                 f"{answer.location}, expected the portal's login")
    assert not wrong, "\n".join(wrong)
    assert desk.agent.get("/agent/").status_code == 200  # and the agent is still logged in
