"""/agent/dossiers/<number>: an agent reads a submitted dossier, takes it in charge,
sets a meeting with the transition's form (drawn by the applicants' field macros,
errors next to the questions and in a summary), asks for a correction, writes to the
applicant; a supervisor assigns; other types and applicants get 404."""

from __future__ import annotations

import re

import storage
from storage.orm.db import database
from tests.definitions import ATELIER
from tests.web.agents import enrolled_agent
from tests.web.conftest import MARIA

VERSION = re.compile(r'name="version" value="(\d+)"')


def version_of(page) -> str:
    return VERSION.search(page.get_data(as_text=True)).group(1)


def test_agent_reads_the_dossier_and_every_open_is_audited(maria, agent):
    number = maria.submitted_dossier()
    page = agent.get(f"/agent/dossiers/{number}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Dossier {number}" in html and "Transmis" in html and "Maria" in html
    assert "Prendre en charge" in html and "Demander une correction" in html
    assert "Récapitulatif de votre dossier d&#39;essai" in html  # the PDF row
    assert "Demande " in html and " reçue" in html  # the confirmation message
    with storage.db_session:
        opened = database().AuditEvent.select(lambda e: e.action == "open").count()
    assert opened == 1


def test_take_charge_then_meeting_form_with_errors_then_done(maria, agent):
    number = maria.submitted_dossier()
    page = agent.get(f"/agent/dossiers/{number}")
    taken = agent.post(f"/agent/dossiers/{number}/actions/prendre",
                       {"version": version_of(page)})
    assert taken.status_code == 303
    page = agent.get(taken.location)
    html = page.get_data(as_text=True)
    assert "C’est fait : Prendre en charge. État du dossier : En traitement." in html
    assert "Attribué à" in html and "Alain Agent" in html
    # the meeting form: a date input and radio buttons, drawn by the applicants' macros
    assert 'type="date" id="f-fixer-jour" name="fixer-jour"' in html
    assert 'name="fixer-formule" value="sur_place"' in html
    wrong = agent.post(f"/agent/dossiers/{number}/actions/fixer",
                       {"version": version_of(page), "fixer-formule": "sur_place"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert 'class="error-summary"' in html and 'href="#f-fixer-jour"' in html
    assert 'id="f-fixer-endroit"' in html  # the condition now shows the place
    assert 'value="sur_place" checked' in html  # what was typed stays
    done = agent.post(f"/agent/dossiers/{number}/actions/fixer",
                      {"version": version_of(wrong), "fixer-jour": "2026-12-03",
                       "fixer-formule": "sur_place", "fixer-endroit": "1000, rue Sherbrooke"})
    assert done.status_code == 303
    assert "Rencontre fixée" in agent.get(done.location).get_data(as_text=True)
    inbox = maria.get("/messages/").get_data(as_text=True)
    assert f"Rencontre du dossier {number}" in inbox


def test_stale_page_refused_with_a_notice(maria, agent):
    number = maria.submitted_dossier()
    page = agent.get(f"/agent/dossiers/{number}")
    old = version_of(page)
    agent.post(f"/agent/dossiers/{number}/actions/prendre", {"version": old})
    again = agent.post(f"/agent/dossiers/{number}/actions/fermer", {"version": old})
    assert again.status_code == 303
    html = agent.get(again.location).get_data(as_text=True)
    assert "Le dossier a changé depuis l’affichage de la page." in html
    assert "En traitement" in html


def test_correction_goes_back_to_the_applicant_with_the_reason(maria, agent):
    number = maria.submitted_dossier()
    page = agent.get(f"/agent/dossiers/{number}")
    done = agent.post(f"/agent/dossiers/{number}/actions/corriger",
                      {"version": version_of(page), "corriger-motif": "Le numéro est illisible."})
    assert done.status_code == 303
    inbox = maria.get("/messages/").get_data(as_text=True)
    assert f"Dossier {number} à corriger" in inbox
    # the applicant may change the answers again, the reason above the form
    section = maria.get(maria.section_url(number, "identite"))
    assert section.status_code == 200
    assert "Correction demandée" in section.get_data(as_text=True)
    assert "Le numéro est illisible." in section.get_data(as_text=True)
    assert "À corriger" in maria.get("/dossiers/").get_data(as_text=True)
    # submitted again: the agent chooses which submission's recap to read
    assert maria.submit(number).status_code == 302
    html = agent.get(f"/agent/dossiers/{number}").get_data(as_text=True)
    assert '<option value="2" selected>' in html and "Empreinte du récapitulatif" in html
    first = agent.get(f"/agent/dossiers/{number}?soumission=1").get_data(as_text=True)
    assert '<option value="1" selected>' in first


def test_free_message_errors_then_sent(maria, agent):
    number = maria.submitted_dossier()
    agent.get(f"/agent/dossiers/{number}")
    wrong = agent.post(f"/agent/dossiers/{number}/message", {"subject": "", "body": "Bonjour"})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'href="#f-subject"' in html and "Bonjour" in html
    sent = agent.post(f"/agent/dossiers/{number}/message",
                      {"subject": "Pièce manquante", "body": "Ajoutez votre passeport."})
    assert sent.status_code == 303
    assert "Pièce manquante" in maria.get("/messages/").get_data(as_text=True)


def test_free_message__invisible_or_too_long__refused_by_its_field(maria, agent):
    """Found by an agents' trial: a body of one zero-width space was "not empty", and a
    200,000-character body was sent (an applicant's reply holds 4,000)."""
    number = maria.submitted_dossier()
    agent.get(f"/agent/dossiers/{number}")
    blank = agent.post(f"/agent/dossiers/{number}/message",
                       {"subject": "Avis vide", "body": "\u200b \u00a0"})
    assert blank.status_code == 422 and 'href="#f-body"' in blank.get_data(as_text=True)
    huge = agent.post(f"/agent/dossiers/{number}/message",
                      {"subject": "Avis long", "body": "x" * (storage.MESSAGE_BODY_MAX + 1)})
    html = huge.get_data(as_text=True)
    assert huge.status_code == 422 and "Le message doit compter au plus 20" in html
    assert "Avis " not in maria.get("/messages/").get_data(as_text=True)


def test_reply__zero_width_space_only__refused_as_empty(maria, agent):
    number = maria.submitted_dossier()
    agent.get(f"/agent/dossiers/{number}")
    agent.post(f"/agent/dossiers/{number}/message", {"subject": "Pièce", "body": "Passeport."})
    inbox = maria.get("/messages/").get_data(as_text=True)
    link = re.search(r'href="(/messages/[^"/]+)"[^>]*>\s*Pièce', inbox)
    assert link, inbox[:500]
    page = maria.get(link.group(1))
    assert page.status_code == 200
    refused = maria.post(link.group(1) + "/reponse", {"reponse": "\u200b\u200b"})
    assert refused.status_code == 422


def test_supervisor_assigns_agent_does_not_see_the_form(maria, agent, supervisor):
    number = maria.submitted_dossier()
    assert "Attribution" not in agent.get(f"/agent/dossiers/{number}").get_data(as_text=True)
    assert agent.post(f"/agent/dossiers/{number}/attribution",
                      {"agent": str(agent.id)}).status_code == 404
    supervisor.get(f"/agent/dossiers/{number}")
    done = supervisor.post(f"/agent/dossiers/{number}/attribution", {"agent": str(agent.id)})
    assert done.status_code == 303
    html = agent.get(f"/agent/dossiers/{number}").get_data(as_text=True)
    assert "Alain Agent" in html.split("Attribué à", 1)[1][:200]


def test_other_type_and_applicant_get_404(app, maria, agent):
    number = maria.submitted_dossier()
    stranger = enrolled_agent(app, "atelier@example.gc.ca", "Agent Atelier", "agent",
                              (ATELIER,))
    assert stranger.get(f"/agent/dossiers/{number}").status_code == 404
    assert stranger.post(f"/agent/dossiers/{number}/actions/prendre",
                         {"version": "1"}).status_code == 404
    assert maria.get(f"/agent/dossiers/{number}").status_code == 404
    assert agent.get("/agent/dossiers/E999999").status_code == 404


def test_recap_pdf_download_when_rendered(maria, agent):
    number = maria.submitted_dossier()
    (document,) = storage.list_documents(maria_account_id())
    storage.store_document_content(document.id, b"%PDF-1.7 fake")
    agent.get(f"/agent/dossiers/{number}")
    answer = agent.get(f"/agent/dossiers/{number}/documents/{document.public_id}")
    assert answer.status_code == 200 and answer.data == b"%PDF-1.7 fake"
    assert answer.headers["Cache-Control"] == "private, no-store"
    assert agent.get(f"/agent/dossiers/{number}/documents/nope").status_code == 404


def maria_account_id() -> int:
    return storage.find_account_by_email(MARIA["email"]).id


def test_closing__a_final_state__said_by_its_button_before_it_is_pressed(maria, agent):
    """Found by an agents' trial: "Fermer le dossier", next to "Demander une
    correction", looked like any other action, and nothing leaves the closed state. A
    transition into a state nothing leaves says so by its button (a secondary one),
    which names it; the others say nothing. It still takes one press (no script)."""
    number = maria.submitted_dossier()
    page = agent.get(f"/agent/dossiers/{number}").get_data(as_text=True)
    assert page.count("Action définitive :") == 1
    assert ("le dossier passera à l’état « Classé » et plus aucune action ne sera "
            "possible.") in page
    form = re.search(r'<form[^>]*/actions/fermer".*?</form>', page, re.S).group(0)
    assert 'aria-describedby="f-fermer-final"' in form and "button--secondary" in form
    done = agent.post(f"/agent/dossiers/{number}/actions/fermer",
                      {"version": version_of(agent.last)})
    assert done.status_code == 303
    facts = re.search(r'<dl class="dossier-facts.*?</dl>', agent.get(done.location).get_data(
        as_text=True), re.S).group(0)
    assert "Classé" in facts
