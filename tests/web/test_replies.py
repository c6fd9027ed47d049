"""Messages both ways (issue 17): under a message about her dossier, Maria finds
"Répondre"; her reply (plain POST, CSRF, no JavaScript) is listed in her message
centre as sent by her, and the agent reads it on the dossier's page with its
direction and in the history. Mistakes are said next to the field and in a summary,
in French and English; what was typed survives the language switch."""

from __future__ import annotations

import re

import storage
from tests.web.conftest import MARIA


def confirmation_id(maria) -> str:
    account = storage.find_account_by_email(maria.profile["email"])
    return storage.list_messages(account.id)[-1].public_id


def test_reply__sent__listed_as_hers_and_read_by_the_agent(maria, agent):
    number = maria.submitted_dossier()
    message_id = confirmation_id(maria)
    page = maria.get(f"/messages/{message_id}").get_data(as_text=True)
    assert '<h2 id="reply-title">Répondre</h2>' in page
    assert f'action="/messages/{message_id}/reponse"' in page
    assert 'maxlength="4000"' in page and "Votre réponse" in page
    sent = maria.post(f"/messages/{message_id}/reponse",
                      {"reponse": "Bonjour,\nma carte arrive lundi."})
    assert sent.status_code == 303 and sent.location == "/messages/"
    listing = maria.get("/messages/").get_data(as_text=True)
    assert "Votre réponse a été envoyée." in listing
    row = re.search(r"<tr>(.*?Envoyé par vous.*?)</tr>", listing, re.S).group(1)
    assert "Re: Demande " in row and number in row
    assert "(non lu)" not in row
    assert "Messages (aucun non lu)" in listing  # her reply never counts as unread
    dossier = agent.get(f"/agent/dossiers/{number}").get_data(as_text=True)
    reply = re.search(r'<article class="agent-message agent-message--applicant">(.*?)</article>',
                      dossier, re.S).group(1)
    assert "Réponse de la personne requérante" in reply
    assert "Bonjour,\nma carte arrive lundi." in reply
    assert "Envoyé à la personne requérante" in dossier  # the confirmation, the other way
    history = dossier.split('id="history-title"')[1]
    assert "Réponse de la personne requérante" in history


def test_reply__own_reply_has_no_reply_form_and_says_who_sent_it(maria):
    maria.submitted_dossier()
    maria.get(f"/messages/{confirmation_id(maria)}")
    maria.post(f"/messages/{confirmation_id(maria)}/reponse", {"reponse": "Merci"})
    account = storage.find_account_by_email(maria.profile["email"])
    mine = storage.list_messages(account.id)[0]
    page = maria.get(f"/messages/{mine.public_id}").get_data(as_text=True)
    assert "<dt>Envoyé par</dt><dd>Vous</dd>" in page
    assert "reply-form" not in page
    assert maria.post(f"/messages/{mine.public_id}/reponse",
                      {"reponse": "Encore"}).status_code == 404


def test_reply__empty_or_too_long__error_next_to_field_and_in_summary(maria):
    maria.submitted_dossier()
    message_id = confirmation_id(maria)
    maria.get(f"/messages/{message_id}")
    empty = maria.post(f"/messages/{message_id}/reponse", {"reponse": "  "})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422
    assert 'class="error-summary"' in html and 'href="#f-reponse"' in html
    assert html.count("Écrivez votre réponse.") == 2  # in the summary and next to the field
    assert 'aria-invalid="true"' in html
    long = maria.post(f"/messages/{message_id}/reponse", {"reponse": "x" * 4001})
    html = long.get_data(as_text=True)
    assert long.status_code == 422
    assert "Votre réponse doit compter au plus 4\u202f000 caractères." in html \
        or "Votre réponse doit compter au plus 4\xa0000 caractères." in html
    assert "x" * 4001 in html  # what was typed stays
    account = storage.find_account_by_email(maria.profile["email"])
    assert len(storage.list_messages(account.id)) == 1


def test_reply__in_english(maria):
    maria.switch_language("en")
    maria.submitted_dossier()
    message_id = confirmation_id(maria)
    page = maria.get(f"/messages/{message_id}").get_data(as_text=True)
    assert '<h2 id="reply-title">Reply</h2>' in page and "Send my reply" in page
    wrong = maria.post(f"/messages/{message_id}/reponse", {"reponse": ""})
    assert "Write your reply." in wrong.get_data(as_text=True)
    maria.post(f"/messages/{message_id}/reponse", {"reponse": "Thanks"})
    listing = maria.get("/messages/").get_data(as_text=True)
    assert "Your reply has been sent." in listing and "Sent by you" in listing


def test_reply__language_switch__text_kept_nothing_sent(maria):
    maria.submitted_dossier()
    message_id = confirmation_id(maria)
    maria.get(f"/messages/{message_id}")
    shown = maria.post(f"/messages/{message_id}/reponse",
                       {"reponse": "Mon texte", "guichet_lang": "en"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Mon texte</textarea>" in html and "Reply" in html
    account = storage.find_account_by_email(maria.profile["email"])
    assert len(storage.list_messages(account.id)) == 1


def test_reply__without_csrf_token__refused_nothing_sent(maria):
    maria.submitted_dossier()
    message_id = confirmation_id(maria)
    refused = maria.client.post(f"/messages/{message_id}/reponse", data={"reponse": "Bonjour"})
    assert refused.status_code == 400
    account = storage.find_account_by_email(MARIA["email"])
    assert len(storage.list_messages(account.id)) == 1


def test_reply__another_applicants_message__404(maria, other):
    maria.submitted_dossier()
    message_id = confirmation_id(maria)
    other.get("/messages/")
    assert other.post(f"/messages/{message_id}/reponse", {"reponse": "Salut"}).status_code == 404


def test_reply__agents_told_in_the_queue_until_one_opens_the_dossier(maria, agent):
    """Found in a review: an applicant's reply reached the dossier's page only: the
    queue said nothing, so a reply waited until someone happened to open the dossier.
    The queue counts the dossiers with an unseen reply, lists them (any state), marks
    their lines; opening the dossier shows the reply as new, once."""
    number = maria.submitted_dossier()
    queue = agent.get("/agent/dossiers").get_data(as_text=True)
    assert "Aucune réponse non lue." in queue
    message_id = confirmation_id(maria)
    maria.get(f"/messages/{message_id}")
    for text in ("Ma carte arrive lundi.", "Et mon passeport mardi."):
        assert maria.post(f"/messages/{message_id}/reponse",
                          {"reponse": text}).status_code == 303
    home = agent.get("/agent/").get_data(as_text=True)
    assert "1 dossier a une réponse que personne n&#39;a encore lue." in home
    assert 'href="/agent/dossiers?reponses=nouvelles"' in home
    queue = agent.get("/agent/dossiers").get_data(as_text=True)
    assert "1 dossier a une réponse que personne n&#39;a encore lue." in queue
    assert 'href="/agent/dossiers?reponses=nouvelles"' in queue
    line = re.search(rf"<tr>\s*<td[^>]*><a href=\"[^\"]*{number}\">.*?</tr>", queue, re.S)
    assert '<strong class="new-reply">2 réponses non lues</strong>' in line.group(0)
    only = agent.get("/agent/dossiers?reponses=nouvelles").get_data(as_text=True)
    assert number in only and "Seuls les dossiers ayant une réponse non lue" in only
    first = agent.get(f"/agent/dossiers/{number}").get_data(as_text=True)
    assert first.count('<strong class="new-reply">Nouvelle</strong>') == 2
    # said at the top too: the messages are far down the page on a phone
    assert '<a href="#messages-title">2 nouvelles réponses de la personne requérante</a>' \
        in first
    again = agent.get(f"/agent/dossiers/{number}").get_data(as_text=True)
    assert "new-reply" not in again and "Ma carte arrive lundi." in again
    queue = agent.get("/agent/dossiers").get_data(as_text=True)
    assert "Aucune réponse non lue." in queue and "réponses non lues" not in queue
    assert "personne n&#39;a encore lue" not in agent.get("/agent/").get_data(as_text=True)
    assert number not in agent.get("/agent/dossiers?reponses=nouvelles").get_data(
        as_text=True).split('id="list-title"')[1]
