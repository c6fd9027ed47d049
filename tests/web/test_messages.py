"""The message centre: the envelope's unread count on every page, the list, and reading
a message (which marks it read). Submission posts the definition's confirmation."""

from __future__ import annotations

import re
from datetime import datetime

import storage
from tests.definitions import ESSAI

ENVELOPE = re.compile(r'<a class="envelope" href="/messages/">.*?</a>', re.S)


def envelope(html: str) -> str:
    """The envelope link's accessible name (its visually hidden text) and visible badge."""
    link = ENVELOPE.search(html).group(0)
    name = re.search(r'<span class="visually-hidden">([^<]*)</span>', link).group(1)
    badge = re.search(r'<span class="envelope__count" aria-hidden="true">(\d+)</span>', link)
    return f"{name} [{badge.group(1)}]" if badge else name


def confirmation(registry):
    return registry[ESSAI].definition.messages["confirmation"]


def filled(text: str, number: str, submitted_at: str = "") -> str:
    """A declared text with its placeholders filled, as the applicant reads it."""
    return text.replace("{number}", number).replace("{submitted_at}", submitted_at)


def test_envelope__logged_in_without_message__on_every_page_none_unread(maria):
    number = maria.create_dossier()
    for url in ("/dossiers/", "/profil/", f"/dossiers/{number}/sections/identite",
                "/documents/", "/messages/", f"/dossiers/{number}/recapitulatif"):
        assert envelope(maria.get(url).get_data(as_text=True)) == "Messages (aucun non lu)"
    assert "Vous n&#39;avez aucun message." in maria.get("/messages/").get_data(as_text=True)


def test_envelope__anonymous__not_shown(client):
    assert 'class="envelope"' not in client.get("/connexion").get_data(as_text=True)


def test_submission__confirmation_message__one_unread_listed_with_date_subject_number(
        maria, registry):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    number = maria.submitted_dossier()
    page = maria.get("/dossiers/").get_data(as_text=True)
    assert envelope(page) == "Messages (1 non lu) [1]"
    listing = maria.get("/messages/").get_data(as_text=True)
    subject = filled(confirmation(registry).subject.fr, number)
    row = re.search(r'<tr class="messages__row--unread">(.*?)</tr>', listing, re.S).group(1)
    assert "2022-07-11 15:20" in row and number in row
    assert f'{subject}<span class="visually-hidden"> (non lu)</span></a>' in row.replace(
        "&#39;", "'")


def test_message_page__opened__reads_as_declared_and_marked_read(maria, registry):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    number = maria.submitted_dossier()
    (message,) = storage.list_messages(storage.find_account_by_email(maria.profile["email"]).id)
    page = maria.get(f"/messages/{message.public_id}").get_data(as_text=True).replace("&#39;", "'")
    template = confirmation(registry)
    body = filled(template.body.fr, number, "2022-07-11 15:20")
    assert f"<h1 id=\"message-subject\">{filled(template.subject.fr, number)}</h1>" in page
    assert f'<div class="message__body">{body}</div>' in page
    assert envelope(page) == "Messages (aucun non lu)"  # counted after the marking
    listing = maria.get("/messages/").get_data(as_text=True)
    assert "messages__row--unread" not in listing and "non lu" not in listing.split("<main")[1]


def test_submission__applicant_in_english__message_in_english(maria, registry):
    maria.switch_language("en")
    number = maria.submitted_dossier()
    listing = maria.get("/messages/").get_data(as_text=True)
    assert filled(confirmation(registry).subject.en, number) in listing
    assert envelope(listing) == "Messages (1 unread) [1]"
    assert "Message centre" in listing


def test_envelope__two_unread__plural(maria):
    for _ in range(2):
        maria.submitted_dossier()
    assert envelope(maria.get("/dossiers/").get_data(as_text=True)) == "Messages (2 non lus) [2]"


def test_message__another_applicants__404_and_stays_unread(maria, other):
    maria.submitted_dossier()
    (message,) = storage.list_messages(storage.find_account_by_email(maria.profile["email"]).id)
    assert other.get(f"/messages/{message.public_id}").status_code == 404
    assert other.get("/messages/999999").status_code == 404
    assert envelope(maria.get("/dossiers/").get_data(as_text=True)) == "Messages (1 non lu) [1]"


def test_message_address__random_public_id_never_the_sequential_one(maria):
    """Issue #13, item 15: message ids in URLs cannot be guessed from one another."""
    for _ in range(2):
        maria.submitted_dossier()
    messages = storage.list_messages(storage.find_account_by_email(maria.profile["email"]).id)
    listing = maria.get("/messages/").get_data(as_text=True)
    links = re.findall(r'href="/messages/([^"/]+)"', listing)
    assert sorted(links) == sorted(m.public_id for m in messages)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", link) for link in links)
    for message in messages:  # the database's own id is no address
        assert maria.get(f"/messages/{message.id}").status_code == 404
    assert envelope(maria.get("/dossiers/").get_data(as_text=True)) == "Messages (2 non lus) [2]"
