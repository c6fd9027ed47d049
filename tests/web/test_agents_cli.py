"""`guichet agents create|list|disable|link`: the first supervisor comes from the command
line, with a one-time link on the portal address."""

from __future__ import annotations

import re

import storage
from tests.definitions import ESSAI
from tests.web.agents import AgentBrowser
from web.cli import main

LINK = re.compile(r"^(https?://\S+/agent/inscription/([A-Za-z0-9_-]+))$", re.M)


def _env(instance_dir: str) -> dict[str, str]:
    return {"GUICHET_INSTANCE": instance_dir, "GUICHET_PORTAL_URL": "https://guichet.example.org"}


def test_create_prints_a_working_enrolment_link(app, runner, instance_dir):
    result = runner.invoke(main, ["agents", "create", "Sup@Example.gc.ca", "--name", "Sophie",
                                  "--role", "supervisor", "--types", ESSAI],
                           env=_env(instance_dir))
    assert result.exit_code == 0, result.output
    link, token = LINK.search(result.output).groups()
    assert link.startswith("https://guichet.example.org/agent/inscription/")
    assert "valid 24 hours" in result.output
    agent = storage.check_enrolment(token)
    assert (agent.email, agent.role, agent.types) == ("sup@example.gc.ca", "supervisor", (ESSAI,))
    page = app.test_client().get(f"/agent/inscription/{token}")
    assert page.status_code == 200 and "sup@example.gc.ca" in page.get_data(as_text=True)
    listed = runner.invoke(main, ["agents", "list"], env=_env(instance_dir))
    assert f"sup@example.gc.ca\tsupervisor\twaiting\t{ESSAI}\tSophie" in listed.output


def test_unknown_type_refused_with_the_known_ones(runner, instance_dir):
    result = runner.invoke(main, ["agents", "create", "a@example.gc.ca", "--name", "A",
                                  "--types", f"{ESSAI},inconnu"], env=_env(instance_dir))
    assert result.exit_code == 1
    assert "unknown dossier type(s): inconnu" in result.output and ESSAI in result.output
    assert storage.list_agents() == []


def test_duplicate_email_refused(runner, instance_dir):
    args = ["agents", "create", "a@example.gc.ca", "--name", "A", "--types", ESSAI]
    assert runner.invoke(main, args, env=_env(instance_dir)).exit_code == 0
    again = runner.invoke(main, args, env=_env(instance_dir))
    assert again.exit_code == 1 and "already an agent" in again.output


def test_disable_and_new_link(app, runner, instance_dir):
    browser = AgentBrowser(app, "a@example.gc.ca", "Anne", "agent")
    browser.enrol()
    link = runner.invoke(main, ["agents", "link", "a@example.gc.ca"], env=_env(instance_dir))
    assert link.exit_code == 0
    assert storage.check_enrolment(LINK.search(link.output).group(2)).id == browser.id
    assert not storage.get_agent(browser.id).enrolled
    out = runner.invoke(main, ["agents", "disable", "a@example.gc.ca"], env=_env(instance_dir))
    assert out.exit_code == 0 and storage.get_agent(browser.id).disabled
    assert "disabled" in runner.invoke(main, ["agents", "list"], env=_env(instance_dir)).output


def test_create_refuses_an_empty_name_a_bad_address_and_no_type_in_a_sentence(
        runner, instance_dir):
    cases = [(["a@example.gc.ca", "--name", "", "--types", ESSAI],
              "the name is empty: give the agent's name with --name"),
             (["notanemail", "--name", "A", "--types", ESSAI],
              "'notanemail' is not an email address"),
             (["a@example.gc.ca", "--name", "A", "--types", ""],
              "an agent needs at least one dossier type")]
    for args, sentence in cases:
        result = runner.invoke(main, ["agents", "create", *args], env=_env(instance_dir))
        assert result.exit_code == 1 and sentence in result.output, result.output
        assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert storage.list_agents() == []
    supervisor = runner.invoke(main, ["agents", "create", "s@example.gc.ca", "--name", "S",
                                      "--role", "supervisor"], env=_env(instance_dir))
    assert supervisor.exit_code == 0, supervisor.output
