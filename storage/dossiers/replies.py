"""The applicant's replies: messages both ways on a dossier.

A message the service sent about a dossier (the definition's messages, an agent's
free text) can be answered from the message centre. The reply is a Message of that
dossier written by the applicant (`author` "applicant"): it stays in their message
centre as sent by them, and the agent reads it on the dossier's page, in its messages
and its history (an audit event "reply"). No email is sent to agents: they read
replies where they work, on the dossier. The retention purge empties replies like
every message of the dossier (storage/schedules/retention.py).
"""

from __future__ import annotations

from pony.orm import flush

from engine.typed_text import message_text
from storage.clock import clock, to_db
from storage.dossiers import audit
from storage.errors import NotFound
from storage.inbox.messages import message_view
from storage.orm.db import database
from storage.orm.rows import owned_public_row
from storage.orm.transactions import transaction
from storage.views import MessageView

APPLICANT = "applicant"  # Message.author of a reply
SERVICE = "service"  # Message.author of what the service sent
MAX_REPLY = 4000  # characters of a reply's text, stripped
REPLY_PREFIX = "Re: "  # before the subject answered (the same in French and English)
_MAX_SUBJECT = 500  # Message.subject


def can_reply(message: MessageView) -> bool:
    """Whether the applicant may answer `message`: one the service sent about a dossier
    (not their own reply, not a message about no dossier)."""
    return message.author == SERVICE and message.dossier_number is not None


@transaction(write=True)
def reply_to_message(account_id: int, public_id: str, body: str,
                     address: str | None = None) -> MessageView:
    """The applicant `account_id` answers their message `public_id` with `body`
    (stripped): a Message of the same dossier, author "applicant", subject "Re: " and
    the subject answered (cut at 500 characters), read already (the applicant wrote
    it: it never counts on their envelope), and an audit event "reply" {"message": the
    reply's public id} by the applicant (its text stays in the message only, which a
    purge empties), with `address`. Returns the reply.

    NotFound when the message is not the account's, unknown, not about a dossier, a
    reply itself, or when the dossier is no longer the account's; ValueError when the
    text is empty or longer than MAX_REPLY characters."""
    text = message_text(body or "")  # NUL: no database keeps it in text; U+200B alone: empty
    if not text or len(text) > MAX_REPLY:
        raise ValueError(f"a reply holds 1 to {MAX_REPLY} characters")
    orm = database()
    answered = owned_public_row(orm.Message, public_id, account_id)
    dossier = answered.dossier
    if (answered.author != SERVICE or dossier is None or dossier.owner is None
            or dossier.owner.id != account_id):
        raise NotFound(f"message {public_id}")
    now = to_db(clock.now())
    reply = orm.Message(account=answered.account, dossier=dossier, author=APPLICANT,
                        subject=(REPLY_PREFIX + answered.subject)[:_MAX_SUBJECT],
                        body=text, created_at=now, read_at=now, unseen_since=now)
    flush()
    audit.record(audit.account_actor(account_id), "reply", dossier,
                 {"message": reply.public_id}, address)
    return message_view(reply)
