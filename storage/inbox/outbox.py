"""The outbox: emails queued in the transaction that caused them, sent later.

A worker claims due emails, sends them, and marks each sent (once, never
twice) or failed (retried with exponential backoff). Queuing in the same
transaction means no email for a submission that rolled back, and no
submission without its email.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from pony.orm import desc

from storage.clock import clock, from_db, to_db
from storage.errors import NotFound
from storage.orm.db import current_store, database, dialect
from storage.orm.transactions import transaction
from storage.views import EmailView

BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
MAX_ATTEMPTS = 12  # about two days of retries; then the email waits for a person
CLAIM_LEASE = timedelta(minutes=5)


def email_view(e: Any) -> EmailView:
    """A frozen view of an OutgoingEmail entity (inside its session)."""
    return EmailView(e.id, e.to, e.subject, e.body, e.attempts, e.last_error,
                     from_db(e.next_attempt_at), from_db(e.sent_at), e.message_id,
                     e.purpose)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 1 min, 2, 4, ... up to 6 h."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


@transaction(write=True)
def queue_email(to: str, subject: str, body: str, purpose: str | None = None) -> EmailView:
    """Queue an email, due now (joins the caller's transaction when there is one).

    `to`: one address; `subject`, `body`: plain text, already in the recipient's
    language. Guide: a notification email holds no personal data, only that a
    message waits; callers write it so (storage/dossiers/actions.py).
    `purpose`: None, or "password_reset" (storage.queue_password_reset says how).
    The email's Message-ID is made here, once, on the portal's host name: every try
    sends the same one, so a resend after a crash is recognisably the same email.
    """
    now = to_db(clock.now())
    host = urlsplit(current_store().portal_url).hostname or "guichet.invalid"
    email = database().OutgoingEmail(to=to, subject=subject, body=body, attempts=0,
                                     next_attempt_at=now, created_at=now,
                                     message_id=make_msgid(domain=host), purpose=purpose)
    email.flush()
    return email_view(email)


def _due(now: datetime) -> Any:
    orm = database()
    moment = to_db(now)
    return orm.OutgoingEmail.select(
        lambda e: e.sent_at is None and e.next_attempt_at <= moment
        and e.attempts < MAX_ATTEMPTS
    ).order_by(orm.OutgoingEmail.next_attempt_at, orm.OutgoingEmail.id)


@transaction(write=False)
def pending_emails(now: datetime | None = None, limit: int = 50) -> list[EmailView]:
    """Emails due at `now` (default: the clock) and not sent, oldest due first, at most
    `limit`; emails that failed MAX_ATTEMPTS (12) times are no longer due. Claims
    nothing: senders use `claim_pending_emails`."""
    return [email_view(e) for e in _due(now or clock.now()).limit(limit)]


@transaction(write=True)
def claim_pending_emails(limit: int = 50, lease: timedelta = CLAIM_LEASE) -> list[EmailView]:
    """Like `pending_emails`, but hides the returned emails from other workers for
    `lease`, so two workers never send one email; a crashed worker's claim lapses."""
    now = clock.now()
    query = _due(now)
    if dialect() == "postgres":
        query = query.for_update(skip_locked=True)
    claimed = list(query.limit(limit))
    for email in claimed:
        email.next_attempt_at = to_db(now + lease)
    return [email_view(e) for e in claimed]


def _email(email_id: int, *, lock: bool = True) -> Any:
    orm = database()
    email = (orm.OutgoingEmail.get_for_update if lock else orm.OutgoingEmail.get)(id=email_id)
    if email is None:
        raise NotFound(f"email {email_id}")
    return email


@transaction(write=True)
def mark_email_sent(email_id: int) -> bool:
    """Record the sending; False (and no change) if it was already marked sent.
    NotFound for an unknown `email_id`."""
    email = _email(email_id)
    if email.sent_at is not None:
        return False
    email.sent_at = to_db(clock.now())
    return True


@transaction(write=True)
def mark_email_failed(email_id: int, error: str) -> EmailView:
    """Count the failed attempt, keep the error (cut to 2,000 characters), and schedule
    the next try after `backoff(attempts)`; an email already sent is left as it is.
    NotFound for an unknown `email_id`."""
    email = _email(email_id)
    if email.sent_at is None:
        email.attempts += 1
        email.last_error = error[:2000]
        email.next_attempt_at = to_db(clock.now() + backoff(email.attempts))
    return email_view(email)


@transaction(write=False)
def recent_emails(limit: int = 50) -> list[EmailView]:
    """The newest emails, sent or not (for operators and tests)."""
    orm = database()
    return [email_view(e) for e in
            orm.OutgoingEmail.select().order_by(desc(orm.OutgoingEmail.id)).limit(limit)]
