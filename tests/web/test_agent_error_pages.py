"""Error pages under /agent/ wear the back office's layout (agent/base.html, the agent
menu when an agent session is valid), never the applicants' portal ("Connexion /
Créer un compte"), for every error, in both languages; the portal's stay the portal's."""

from __future__ import annotations

import pytest
from flask import abort

from tests.web.agents import enrolled_agent

PORTAL_MENU = ("Créer un compte", "Create an account")


@pytest.fixture
def routes(app):
    """Two back-office test pages: one fails (500), one is over a limit (429)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/agent/essai-panne")
    def boom():
        raise RuntimeError("panne")

    @app.get("/agent/essai-limite")
    def limited():
        abort(429)

    return app


@pytest.fixture
def agent(routes):
    return enrolled_agent(routes, "agent@example.gc.ca", "Alain Agent", "agent")


def _errors(agent) -> dict[int, object]:
    big = {"texte": "x" * (300 * 1024)}
    return {
        404: agent.get("/agent/nulle-part"),
        405: agent.client.get("/agent/deconnexion"),
        413: agent.post("/agent/dossiers/inscrire", big),
        400: agent.client.post("/agent/dossiers/inscrire", data={"csrf_token": "faux"}),
        429: agent.get("/agent/essai-limite"),
        500: agent.get("/agent/essai-panne"),
    }


def _assert_agent_layout(answer, code: int, signed_in: bool) -> None:
    html = answer.get_data(as_text=True)
    assert answer.status_code == code
    assert "site-header--agent" in html, code
    assert not any(menu in html for menu in PORTAL_MENU), code
    assert ('action="/agent/deconnexion"' in html) is signed_in, code
    assert 'href="/agent/"' in html  # back to the back office's home, not the portal's


def test_every_error_under_agent_uses_the_agent_layout_with_its_menu(agent):
    for code, answer in _errors(agent).items():
        _assert_agent_layout(answer, code, signed_in=True)
    assert "Alain Agent" in agent.get("/agent/nulle-part").get_data(as_text=True)


def test_error_pages_in_english_too(agent):
    agent.get("/agent/")
    agent.post("/agent/langue", {"lang": "en"})
    texts = {404: "Page not found", 429: "Too many requests", 500: "System error"}
    errors = _errors(agent)
    for code, answer in errors.items():
        _assert_agent_layout(answer, code, signed_in=True)
        assert 'lang="en"' in answer.get_data(as_text=True)
    for code, text in texts.items():
        assert text in errors[code].get_data(as_text=True)


def test_without_an_agent_session_no_menu_and_still_not_the_portal(routes):
    client = routes.test_client()
    for url in ("/agent/nulle-part", "/agent/essai-limite"):
        answer = client.get(url)
        html = answer.get_data(as_text=True)
        assert "site-header--agent" in html and 'action="/agent/deconnexion"' not in html
        assert not any(menu in html for menu in PORTAL_MENU)


def test_portal_errors_keep_the_portal_layout(client):
    html = client.get("/nulle-part").get_data(as_text=True)
    assert "Créer un compte" in html and "site-header--agent" not in html
