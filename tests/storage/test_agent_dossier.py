"""An agent reads a dossier (every open audited, only granted types) and moves it with
the definition's agent transitions: forms validated by the engine, stale pages and
wrong states refused, actions (assign, unlock_for_correction, message filled with the
form's answers) and audit in one transaction; free-text messages and a supervisor's
assignment."""

from __future__ import annotations

import pytest

import storage
from engine import Registry, convert_text
from storage.orm.db import database
from storage.schedules.retention import purge_personal_data
from tests.definitions import ATELIER, DIRECTORY, ESSAI
from tests.storage.conftest import count, rows


@pytest.fixture
def agent() -> storage.AgentView:
    return storage.create_agent("agent@example.gc.ca", "Alain Agent", "agent", [ESSAI])[0]


@pytest.fixture
def submitted(registry, account, valid_draft) -> storage.DossierView:
    return storage.submit(registry, account.id, valid_draft.number)


def test_open_shows_the_dossier_and_is_audited(registry, agent, submitted, account):
    view = storage.agent_dossier(registry, agent.id, submitted.number.lower(), "10.0.0.7")
    assert (view.number, view.state, view.state_label.fr) == (submitted.number, "presente",
                                                               "Transmis")
    assert view.owner_name == "Maria Valdero" and view.owner_email == account.email
    assert view.transitions == ("prendre", "corriger", "fermer")
    assert len(view.submissions) == 1 and view.submissions[0].recap["fr"]["sections"]
    assert [m.subject for m in view.messages] == [f"Demande {submitted.number} reçue"]
    assert [d.kind for d in view.documents] == ["recapitulatif"]
    (opened,) = rows("AuditEvent", action="open")
    assert opened["actor"] == f"agent:{agent.id}" and opened["address"] == "10.0.0.7"
    again = storage.agent_dossier(registry, agent.id, submitted.number)
    assert [(h.action, h.who) for h in again.history][-1] == ("open", "Alain Agent")
    assert ("soumettre", "applicant") in [(h.action, h.who) for h in again.history]


def test_other_type_or_unknown_number_reads_as_nothing(registry, submitted):
    other, _ = storage.create_agent("autre@example.gc.ca", "Autre", "agent", [ATELIER])
    assert storage.agent_dossier(registry, other.id, submitted.number) is None
    assert storage.agent_dossier(registry, other.id, "E000000") is None
    assert count("AuditEvent", action="open") == 0
    with pytest.raises(storage.NotFound):
        storage.run_agent_transition(registry, other.id, submitted.number, "prendre", {}, None,
                                     submitted.version)


def test_take_charge_assigns_the_agent(registry, agent, submitted):
    view = storage.run_agent_transition(registry, agent.id, submitted.number, "prendre", {},
                                        "10.0.0.7", submitted.version)
    assert (view.state, view.assigned_id, view.assigned_name) == ("en_traitement", agent.id,
                                                                  "Alain Agent")
    (event,) = rows("AuditEvent", action="prendre")
    assert event["actor"] == f"agent:{agent.id}" and event["detail"]["to"] == "en_traitement"


def test_stale_page_and_wrong_state_refused_nothing_written(registry, agent, submitted):
    storage.run_agent_transition(registry, agent.id, submitted.number, "prendre", {}, None,
                                 submitted.version)
    with pytest.raises(storage.TransitionRefused) as stale:
        storage.run_agent_transition(registry, agent.id, submitted.number, "fermer", {}, None,
                                     submitted.version)
    assert stale.value.code == "stale" and stale.value.version == submitted.version + 1
    with pytest.raises(storage.TransitionRefused) as wrong:
        storage.run_agent_transition(registry, agent.id, submitted.number, "prendre", {}, None,
                                     submitted.version + 1)
    assert wrong.value.code == "wrong_state"
    assert count("AuditEvent", action="fermer") == 0


def test_form_errors_by_field_and_nothing_moves(registry, agent, submitted):
    view = storage.run_agent_transition(registry, agent.id, submitted.number, "prendre", {},
                                        None, submitted.version)
    with pytest.raises(storage.TransitionRefused) as refused:
        storage.run_agent_transition(registry, agent.id, submitted.number, "fixer",
                                     {"formule": "sur_place"}, None, view.version)
    assert refused.value.code == "form"
    assert {e.path for e in refused.value.errors} == {"jour", "endroit"}
    assert storage.agent_dossier(registry, agent.id, submitted.number).state == "en_traitement"


def test_meeting_message_filled_with_the_form_in_the_applicants_language(
        registry, agent, submitted, account):
    view = storage.run_agent_transition(registry, agent.id, submitted.number, "prendre", {},
                                        None, submitted.version)
    emails_before = count("OutgoingEmail")
    view = storage.run_agent_transition(
        registry, agent.id, submitted.number, "fixer",
        {"jour": "2026-12-03", "formule": "sur_place", "endroit": "1000, rue Sherbrooke"},
        None, view.version)
    assert view.state == "rencontre_fixee"
    message = storage.list_messages(account.id)[0]
    assert message.subject == f"Rencontre du dossier {submitted.number}"
    assert message.body == "Votre rencontre aura lieu le 3 décembre 2026, sur place. " \
                           "1000, rue Sherbrooke"
    (email,) = rows("OutgoingEmail")[emails_before:]
    assert "Sherbrooke" not in email["body"] and "Maria" not in email["body"]
    assert email["subject"] == "Du nouveau sur le portail d'essai"


def test_correction_unlocks_keeps_the_reason_then_resubmission(registry, agent, submitted,
                                                               account):
    view = storage.run_agent_transition(registry, agent.id, submitted.number, "corriger",
                                        {"motif": "Le numéro est illisible."}, None,
                                        submitted.version)
    assert view.state == "a_corriger" and view.editable
    assert storage.correction_request(account.id, submitted.number) == "Le numéro est illisible."
    message = storage.list_messages(account.id)[0]
    assert message.body.endswith("Motif : Le numéro est illisible.")
    saved = storage.save_section(registry, account.id, submitted.number, "identite",
                                 {"numero": "8765 4321"}, view.version)
    again = storage.submit(registry, account.id, submitted.number, version=saved.version)
    assert again.status == "presente"
    assert storage.correction_request(account.id, submitted.number) is None


def test_correction_reason_survives_the_draft_moving_to_a_newer_version(registry, agent,
                                                                       submitted, account):
    """A migration is no submission: the applicant still reads why to correct (the
    migration's audit event also says "to", a version)."""
    view = storage.run_agent_transition(registry, agent.id, submitted.number, "corriger",
                                        {"motif": "Le numéro est illisible."}, None,
                                        submitted.version)
    text = (DIRECTORY / "essai.yaml").read_text(encoding="utf-8").replace(
        "\nversion: 3\n", "\nversion: 4\ndrafts: migrate\nmigrations:\n  - from: 3\n", 1)
    v4 = convert_text(text, "essai.yaml")
    assert v4.ok, v4.errors
    storage.publish_definitions([registry.get(ESSAI), v4.compiled])
    newer = Registry([*(c for c in registry if c.definition.id != ESSAI), v4.compiled])
    assert storage.open_draft(newer, account.id, submitted.number) is not None
    moved = storage.get_dossier(account.id, submitted.number)
    assert (moved.definition_version, moved.status) == (4, "a_corriger") and view.editable
    assert storage.correction_request(account.id, submitted.number) == "Le numéro est illisible."


def test_free_message_and_notification_without_personal_data(registry, agent, submitted,
                                                             account):
    storage.post_agent_message(registry, agent.id, submitted.number, " Pièce manquante ",
                               "Merci d'ajouter votre passeport, Maria.", "10.0.0.7")
    message = storage.list_messages(account.id)[0]
    assert (message.subject, message.body) == ("Pièce manquante",
                                               "Merci d'ajouter votre passeport, Maria.")
    last = rows("OutgoingEmail")[-1]
    assert "Maria" not in last["body"] and "passeport" not in last["body"]
    assert count("AuditEvent", action="message") == 1
    with pytest.raises(ValueError):
        storage.post_agent_message(registry, agent.id, submitted.number, "", "x", None)


def test_supervisor_assigns_only_to_agents_of_the_type(registry, agent, submitted):
    boss, _ = storage.create_agent("chef@example.gc.ca", "Chef", "supervisor", [ESSAI])
    other, _ = storage.create_agent("autre@example.gc.ca", "Autre", "agent", [ATELIER])
    assert storage.assignable_agents(boss.id, submitted.number) == [(agent.id, "Alain Agent"),
                                                                     (boss.id, "Chef")]
    storage.assign_dossier(boss.id, submitted.number, agent.id)
    assert storage.agent_dossier(registry, boss.id, submitted.number).assigned_id == agent.id
    with pytest.raises(storage.NotFound):
        storage.assign_dossier(boss.id, submitted.number, other.id)
    with pytest.raises(storage.NotFound):
        storage.assign_dossier(agent.id, submitted.number, agent.id)  # not a supervisor
    storage.assign_dossier(boss.id, submitted.number, None)
    assert storage.agent_dossier(registry, boss.id, submitted.number).assigned_id is None


def test_transition_dates_the_state_and_the_purge_leaves_no_reason(registry, agent, submitted):
    storage.clock.set(storage.clock.now())
    view = storage.run_agent_transition(registry, agent.id, submitted.number, "corriger",
                                        {"motif": "Nom mal orthographié : Valdero"}, None,
                                        submitted.version)
    (row,) = rows("Dossier", number=view.number)
    assert row["status_changed_at"] == storage.clock.now().replace(tzinfo=None)
    assert all("Valdero" not in str(e["detail"]) for e in rows("AuditEvent", action="corriger"))
    with storage.db_session:
        purge_personal_data(database().Dossier.get(number=view.number), storage.clock.now())
    assert all("Valdero" not in str(e["detail"]) for e in rows("AuditEvent"))
