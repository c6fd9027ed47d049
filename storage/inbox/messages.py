"""The applicant's message centre: list, read (marking read), count unread.

Guide: the confirmation of a submission is a message in the message centre, behind
an envelope icon that shows how many are unread; these are the reads behind it.
"""

from __future__ import annotations

from typing import Any

from pony.orm import count

from storage.clock import clock, from_db, to_db
from storage.orm.db import database
from storage.orm.rows import newest_first, owned_public_row
from storage.orm.transactions import transaction
from storage.views import MessageView


def message_view(m: Any) -> MessageView:
    """A frozen view of a Message entity (inside its session); `read_at` None: unread."""
    return MessageView(m.id, m.public_id, m.dossier.number if m.dossier else None, m.subject,
                       m.body, from_db(m.created_at), from_db(m.read_at), m.author)


@transaction(write=False)
def list_messages(account_id: int) -> list[MessageView]:
    """The account's messages, newest first (subject and body in the language they
    were written in: the account's at the time)."""
    return [message_view(m) for m in newest_first(database().Message, account_id)]


@transaction(write=True)
def get_message(account_id: int, public_id: str, mark_read: bool = True) -> MessageView:
    """One of the account's messages by its `public_id` (MessageView.public_id, the
    one in URLs; NotFound otherwise, the same for "not yours" and "no such id");
    opening it marks it read unless `mark_read` is False (the first reading's time
    is kept)."""
    message = owned_public_row(database().Message, public_id, account_id)
    if mark_read and message.read_at is None:
        message.read_at = to_db(clock.now())
    return message_view(message)


@transaction(write=False)
def unread_count(account_id: int) -> int:
    """The number on the envelope icon: the account's messages not read yet (0 for an
    unknown account)."""
    return count(m for m in database().Message
                 if m.account.id == account_id and m.read_at is None)
