"""Messages both ways (issue 17): the applicant answers a message the service sent about
a dossier; the reply stays in their message centre as theirs (never unread), the agent
reads it on the dossier with its direction and in its history; nothing else is
answerable, nothing longer than the limit is kept, and a database from before replies
gets the column with its old messages marked as the service's."""

from __future__ import annotations

import pytest
from pony.orm import db_session

import storage
from storage.orm.db import database
from tests.definitions import ESSAI
from tests.storage.conftest import count, rows


@pytest.fixture
def agent() -> storage.AgentView:
    return storage.create_agent("agent@example.gc.ca", "Alain Agent", "agent", [ESSAI])[0]


@pytest.fixture
def submitted(registry, account, valid_draft) -> storage.DossierView:
    return storage.submit(registry, account.id, valid_draft.number)


def confirmation(account) -> storage.MessageView:
    (message,) = storage.list_messages(account.id)
    return message


def test_reply__kept_on_the_dossier_as_the_applicants_read_and_audited(
        registry, account, agent, submitted):
    answered = confirmation(account)
    reply = storage.reply_to_message(account.id, answered.public_id,
                                     "  Ma carte arrive lundi.\n", "10.0.0.9")
    assert (reply.author, reply.body, reply.dossier_number) == (
        "applicant", "Ma carte arrive lundi.", submitted.number)
    assert reply.subject == "Re: " + answered.subject and reply.read_at is not None
    assert not storage.can_reply(reply)
    assert [m.author for m in storage.list_messages(account.id)] == ["applicant", "service"]
    assert storage.unread_count(account.id) == 1  # the confirmation only, never the reply
    view = storage.agent_dossier(registry, agent.id, submitted.number)
    assert [(m.author, m.body) for m in view.messages][0] == (
        "applicant", "Ma carte arrive lundi.")
    assert view.messages[1].author == "service"
    (event,) = rows("AuditEvent", action="reply")
    assert event["actor"] == f"account:{account.id}" and event["address"] == "10.0.0.9"
    assert event["detail"] == {"message": reply.public_id}  # never the text
    assert ("reply", "applicant") in [(h.action, h.who) for h in view.history]
    assert count("OutgoingEmail") == 1  # the submission's; no email to agents


def test_reply__empty_or_too_long__refused_nothing_written(account, submitted):
    answered = confirmation(account)
    for body in ("", "   \n ", "x" * (storage.REPLY_MAX_LENGTH + 1)):
        with pytest.raises(ValueError):
            storage.reply_to_message(account.id, answered.public_id, body)
    storage.reply_to_message(account.id, answered.public_id, "x" * storage.REPLY_MAX_LENGTH)
    assert count("Message") == 2


def test_reply__not_answerable__not_found(account, make_account, submitted):
    answered = confirmation(account)
    other = make_account()
    with pytest.raises(storage.NotFound):  # another account's message
        storage.reply_to_message(other.id, answered.public_id, "Bonjour")
    reply = storage.reply_to_message(account.id, answered.public_id, "Bonjour")
    with pytest.raises(storage.NotFound):  # one's own reply
        storage.reply_to_message(account.id, reply.public_id, "Encore")
    with db_session:  # a message about no dossier
        orm = database()
        loose = orm.Message(account=orm.Account[account.id], subject="Bienvenue", body="…",
                            created_at=orm.Message.select().first().created_at)
        loose_id = loose.public_id
    with pytest.raises(storage.NotFound):
        storage.reply_to_message(account.id, loose_id, "Bonjour")
    assert count("Message") == 3


def test_init_db__database_made_before_replies__messages_are_the_services(account, submitted):
    with db_session:
        database().execute('ALTER TABLE "message" DROP COLUMN "author"')
    storage.init_db()
    storage.init_db()  # again: nothing to do
    answered = confirmation(account)
    assert answered.author == "service" and storage.can_reply(answered)
    assert storage.reply_to_message(account.id, answered.public_id, "Merci").author == \
        "applicant"


def test_reply__unseen_by_agents_until_one_opens_the_dossier__counted_by_granted_types(
        registry, account, agent, submitted):
    assert storage.unseen_replies([ESSAI]) == 0
    storage.reply_to_message(account.id, confirmation(account).public_id, "Lundi.")
    assert storage.unseen_replies([ESSAI]) == 1
    assert storage.unseen_replies(["autre_type"]) == 0  # a type not granted: not counted
    assert storage.unseen_replies([]) == 0
    (row,) = storage.agent_queue([ESSAI], new_replies=True).rows
    assert (row.number, row.new_replies) == (submitted.number, 1)
    view = storage.agent_dossier(registry, agent.id, submitted.number)
    assert [(m.author, m.new) for m in view.messages] == [("applicant", True),
                                                          ("service", False)]
    assert storage.unseen_replies([ESSAI]) == 0
    assert storage.agent_queue([ESSAI], new_replies=True).rows == ()
    (row,) = storage.agent_queue([ESSAI]).rows
    assert row.new_replies == 0
    again = storage.agent_dossier(registry, agent.id, submitted.number)
    assert not any(m.new for m in again.messages)


def test_init_db__database_made_before_unseen_replies__column_and_index_added(
        account, submitted):
    storage.reply_to_message(account.id, confirmation(account).public_id, "Avant.")
    with db_session:
        database().execute('DROP INDEX "ix_message_unseen_reply"')
        database().execute('ALTER TABLE "message" DROP COLUMN "unseen_since"')
    storage.init_db()
    assert storage.unseen_replies([ESSAI]) == 0  # replies from before count as seen
    answered = [m for m in storage.list_messages(account.id) if m.author == "service"][0]
    storage.reply_to_message(account.id, answered.public_id, "Après.")
    assert storage.unseen_replies([ESSAI]) == 1
