"""/agent/agents: a supervisor lists, adds (the link shown once), disables agents and
gives new links; an agent without the role gets 404; each change is audited."""

from __future__ import annotations

import re

from pony.orm import db_session

import storage
from storage.orm.db import database
from tests.definitions import ESSAI
from tests.web.agents import AgentBrowser

LINK = re.compile(r"http://127\.0\.0\.1:8000/agent/inscription/([A-Za-z0-9_-]+)")


def test_supervisor_adds_an_agent_and_sees_the_link_once(app, supervisor):
    supervisor.get("/agent/agents")
    added = supervisor.post("/agent/agents", {"email": "Nouvel.Agent@example.gc.ca",
                                              "name": "Nouvel Agent", "role": "agent",
                                              "types": [ESSAI]})
    html = added.get_data(as_text=True)
    assert added.status_code == 201
    token = LINK.search(html).group(1)
    agent = storage.check_enrolment(token)
    assert (agent.email, agent.types) == ("nouvel.agent@example.gc.ca", (ESSAI,))
    again = supervisor.get("/agent/agents").get_data(as_text=True)
    assert "nouvel.agent@example.gc.ca" in again and "En attente d’activation" in again
    assert token not in again
    with db_session:
        (event,) = database().AuditEvent.select(lambda e: e.action == "agent_create")
        assert event.actor == f"agent:{supervisor.id}" and event.address == "127.0.0.1"


def test_add_form_errors_by_their_fields(supervisor):
    supervisor.get("/agent/agents")
    answer = supervisor.post("/agent/agents", {"email": "pas-une-adresse", "name": "",
                                               "role": "agent"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert 'href="#f-email"' in html and 'href="#f-name"' in html
    assert "Entrez le nom de l&#39;agent." in html
    assert 'href="#f-types"' in html
    assert "Choisissez au moins un type de dossier" in html
    taken = supervisor.post("/agent/agents", {"email": supervisor.email, "name": "Double",
                                              "role": "agent", "types": ESSAI})
    assert taken.status_code == 422
    assert "Cette adresse est déjà celle d&#39;un agent." in taken.get_data(as_text=True)
    long = supervisor.post("/agent/agents", {"email": "long@example.org", "name": "N" * 201,
                                             "role": "agent", "types": ESSAI})
    assert long.status_code == 422  # not a server error: the name's column holds 200
    assert "Le nom ne peut pas dépasser 200 caractères." in long.get_data(as_text=True)


def test_supervisor_disables_an_agent(supervisor, agent):
    supervisor.get("/agent/agents")
    done = supervisor.post(f"/agent/agents/{agent.id}/desactiver")
    assert done.status_code == 303
    page = supervisor.get(done.location).get_data(as_text=True)
    assert "Le compte est désactivé." in page and "Désactivé" in page
    assert agent.get("/agent/").status_code == 303
    agent.password_step()
    assert agent.last.status_code == 401


def test_supervisor_cannot_disable_themself(supervisor):
    supervisor.get("/agent/agents")
    supervisor.post(f"/agent/agents/{supervisor.id}/desactiver")
    assert supervisor.get("/agent/agents").status_code == 200


def test_new_link_for_an_agent(app, supervisor, agent):
    supervisor.get("/agent/agents")
    answer = supervisor.post(f"/agent/agents/{agent.id}/lien")
    assert answer.status_code == 201
    token = LINK.search(answer.get_data(as_text=True)).group(1)
    assert storage.check_enrolment(token).id == agent.id
    assert agent.get("/agent/").status_code == 303  # its old credentials are gone


def test_an_agent_without_the_role_gets_404(agent):
    assert agent.get("/agent/agents").status_code == 404
    assert agent.post("/agent/agents", {"email": "x@example.gc.ca", "name": "X",
                                        "role": "supervisor"}).status_code == 404
    assert storage.list_agents()[0].email == agent.email and len(storage.list_agents()) == 1
    assert "/agent/agents" not in agent.get("/agent/").get_data(as_text=True)


def test_unknown_agent_404(supervisor):
    supervisor.get("/agent/agents")
    assert supervisor.post("/agent/agents/9999/desactiver").status_code == 404
    assert supervisor.post("/agent/agents/9999/lien").status_code == 404


def test_pending_agent_listed_without_actions_on_self(app, supervisor):
    AgentBrowser(app, "attente@example.gc.ca", "En Attente", "agent")
    html = supervisor.get("/agent/agents").get_data(as_text=True)
    assert "attente@example.gc.ca" in html and "Superviseur" in html
