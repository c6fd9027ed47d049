"""An agent's session expires while a form is open: whatever the form (every POST
route of the back office), login leads back to a page one can open (GET), never to
the form's post-only URL (which would answer 405)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

import storage

# the routes that work without an agent session (enrolment, login, logout, language)
OPEN_ROUTES = {"agent.enrol", "agent.login", "agent.login_code", "agent.logout",
               "agent.switch_language"}


def _post_routes(app) -> list[str]:
    """Every back-office POST URL that needs an agent session, with sample arguments."""
    sample = {"number": "G2600000001", "agent_id": 1, "transition_id": "prendre",
              "public_id": "abc"}
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return sorted(adapter.build(rule.endpoint, {a: sample[a] for a in rule.arguments})
                      for rule in app.url_map.iter_rules()
                      if rule.endpoint.startswith("agent.") and "POST" in rule.methods
                      and rule.endpoint not in OPEN_ROUTES)


def _next_after_expiry(agent, url: str, referrer: str | None) -> str:
    agent.login()
    agent.get("/agent/")
    storage.clock.advance(timedelta(minutes=16))
    headers = {"Referer": referrer} if referrer else {}
    answer = agent.post(url, {}, headers=headers)
    assert answer.status_code == 303, url
    target = urlsplit(answer.location)
    assert target.path == "/agent/connexion", url
    return parse_qs(target.query)["next"][0]


def test_every_post_route_is_guarded(app):
    assert len(_post_routes(app)) >= 8  # the list below is not empty by mistake


@pytest.mark.parametrize("with_referrer", [False, True])
def test_after_expiry_on_any_post_login_leads_to_a_page_one_can_open(app, supervisor,
                                                                     with_referrer):
    for url in _post_routes(app):
        referrer = "http://localhost/agent/dossiers?q=G26" if with_referrer else None
        next_url = _next_after_expiry(supervisor, url, referrer)
        if with_referrer:
            assert next_url == "/agent/dossiers?q=G26", url
        page = supervisor.client.get(next_url)
        assert page.status_code in (200, 303), (url, next_url)  # 303: expired → login


def test_take_charge_after_expiry_comes_back_to_the_dossier(maria, agent):
    number = maria.submitted_dossier()
    url = f"/agent/dossiers/{number}/actions/prendre"
    assert _next_after_expiry(agent, url, None) == f"/agent/dossiers/{number}"
    other_site = _next_after_expiry(agent, url, "https://evil.example/agent/agents")
    post_only = _next_after_expiry(agent, url, f"http://localhost{url}")
    assert other_site == post_only == f"/agent/dossiers/{number}"
    agent.login(next_url=f"/agent/dossiers/{number}")
    page = agent.get(agent.last.location)
    assert page.status_code == 200 and f"Dossier {number}" in page.get_data(as_text=True)


def test_a_post_only_next_is_never_followed(agent):
    agent.logout()
    answer = agent.login(next_url="/agent/agents/1/desactiver")
    assert answer.status_code == 303 and urlsplit(answer.location).path == "/agent/"
