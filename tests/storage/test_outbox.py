"""The outbox, messages and documents: queued with their cause, read by their owner."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import storage
import storage.inbox.outbox
from storage.inbox.outbox import MAX_ATTEMPTS
from storage.orm.db import database


def test_pending_emails__due_unsent_only__oldest_first():
    storage.clock.set(datetime(2022, 7, 11, 12, 0))
    first = storage.queue_email("a@example.org", "s", "b")
    second = storage.queue_email("b@example.org", "s", "b")
    storage.mark_email_sent(second.id)
    later = storage.clock.now() + timedelta(minutes=5)
    assert [e.id for e in storage.pending_emails(later)] == [first.id]
    assert storage.pending_emails(storage.clock.now() - timedelta(seconds=1)) == []


def test_mark_email_sent__twice__sent_at_set_once():
    email = storage.queue_email("a@example.org", "s", "b")
    storage.clock.set(datetime(2022, 7, 11, 12, 0))
    assert storage.mark_email_sent(email.id) is True
    storage.clock.advance(timedelta(hours=1))
    assert storage.mark_email_sent(email.id) is False
    (sent,) = [e for e in storage.inbox.outbox.recent_emails() if e.id == email.id]
    assert storage.clock.local(sent.sent_at).hour == 12


def test_mark_email_failed__repeatedly__attempts_error_and_doubling_backoff():
    storage.clock.set(datetime(2022, 7, 11, 12, 0))
    email = storage.queue_email("a@example.org", "s", "b")
    waits = []
    for attempt in range(1, 4):
        failed = storage.mark_email_failed(email.id, f"SMTP down {attempt}")
        waits.append(failed.next_attempt_at - storage.clock.now())
        assert (failed.attempts, failed.last_error) == (attempt, f"SMTP down {attempt}")
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert storage.pending_emails(storage.clock.now()) == []
    assert len(storage.pending_emails(storage.clock.now() + timedelta(minutes=4))) == 1


def test_mark_email_failed__max_attempts__no_longer_pending():
    email = storage.queue_email("a@example.org", "s", "b")
    for _ in range(MAX_ATTEMPTS):
        storage.mark_email_failed(email.id, "refused")
    assert storage.pending_emails(storage.clock.now() + timedelta(days=30)) == []


def test_claim_pending_emails__claimed__hidden_until_lease_ends():
    storage.clock.set(datetime(2022, 7, 11, 12, 0))
    email = storage.queue_email("a@example.org", "s", "b")
    assert [e.id for e in storage.claim_pending_emails()] == [email.id]
    assert storage.claim_pending_emails() == []
    storage.clock.advance(timedelta(minutes=6))
    assert [e.id for e in storage.claim_pending_emails()] == [email.id]


def test_queue_email__caller_transaction_rolls_back__no_email():
    with pytest.raises(RuntimeError), storage.db_session:
        storage.queue_email("a@example.org", "s", "b")
        raise RuntimeError("the cause failed")
    assert storage.pending_emails(storage.clock.now() + timedelta(days=1)) == []


def test_messages__opened__marked_read_once_and_unread_count_drops(
        registry, account, valid_draft):
    storage.submit(registry, account.id, valid_draft.number)
    (message,) = storage.list_messages(account.id)
    assert storage.unread_count(account.id) == 1
    assert storage.get_message(account.id, message.public_id, mark_read=False).read_at is None
    opened = storage.get_message(account.id, message.public_id)
    assert opened.read_at is not None and opened.dossier_number == valid_draft.number
    storage.clock.advance(timedelta(hours=1))
    assert storage.get_message(account.id, message.public_id).read_at == opened.read_at
    assert storage.unread_count(account.id) == 0


def test_documents__rendered_later__ready_with_bytes_owner_only(
        registry, make_account, account, valid_draft):
    storage.submit(registry, account.id, valid_draft.number)
    (document,) = storage.list_documents(account.id)
    assert storage.get_document(account.id, document.public_id) == (document, None)
    (job,) = storage.claim_pending_documents()
    assert (job.id, job.kind, job.lang, job.dossier_number) == (
        document.id, "recapitulatif", "fr", valid_draft.number)
    assert job.snapshot["answers"]["numero"] == "12345678"
    assert storage.claim_pending_documents() == []
    storage.store_document_content(job.id, b"%PDF-1.7 ...")
    view, content = storage.get_document(account.id, document.public_id)
    assert view.ready and content == b"%PDF-1.7 ..."
    stranger = make_account()
    for call in (lambda: storage.get_document(stranger.id, document.public_id),
                 lambda: storage.get_message(stranger.id, storage.list_messages(
                     account.id)[0].public_id)):
        with pytest.raises(storage.NotFound):
            call()
    assert storage.list_documents(stranger.id) == [] and storage.unread_count(stranger.id) == 0


def test_public_ids__distinct_random_22_characters(registry, make_account, valid_draft,
                                                    account):
    storage.submit(registry, account.id, valid_draft.number)
    (message,) = storage.list_messages(account.id)
    (document,) = storage.list_documents(account.id)
    for public_id in (message.public_id, document.public_id):
        assert len(public_id) == 22 and public_id.isascii() and public_id != str(message.id)
    assert message.public_id != document.public_id


def test_init_db__tables_made_before_public_ids__column_added_rows_filled_unique(
        registry, account, valid_draft):
    """A database created before issue #13 item 15: `message` and `document` without
    `public_id`. init_db adds the column, gives each old row its own id, and the
    unique index refuses a duplicate."""
    storage.submit(registry, account.id, valid_draft.number)
    with storage.db_session:
        db = database()
        for table in ("message", "document"):
            db.execute(f'DROP INDEX "uq_{table}_public_id"')
            db.execute(f'ALTER TABLE "{table}" DROP COLUMN public_id')
    storage.init_db()
    storage.init_db()  # again: nothing to do
    (message,) = storage.list_messages(account.id)
    (document,) = storage.list_documents(account.id)
    assert len(message.public_id) == 22 and len(document.public_id) == 22
    assert storage.get_message(account.id, message.public_id).read_at is not None
    with pytest.raises(Exception, match="(?i)unique"), storage.db_session:
        database().execute("INSERT INTO message (account_id, subject, body, created_at, "
                           "public_id) SELECT account_id, subject, body, created_at, "
                           "public_id FROM message")


def test_init_db__outbox_and_numbers_made_before_issue_13__columns_added_numbers_claimed(
        registry, account, valid_draft):
    """A database from before: the outbox without `purpose`, and dossier numbers given
    out before numbers were claimed. init_db adds the column and claims the numbers, so
    a random draw can never meet an existing dossier's number."""
    storage.submit(registry, account.id, valid_draft.number)
    with storage.db_session:
        db = database()
        db.execute('ALTER TABLE "outgoing_email" DROP COLUMN purpose')
        db.execute('DELETE FROM "dossier_number"')
    storage.init_db()
    storage.init_db()  # again: nothing to do
    with storage.db_session:
        db = database()
        assert db.select('SELECT count(*) FROM "outgoing_email" WHERE purpose IS NULL') == [1]
        assert db.select('SELECT "number" FROM "dossier_number"') == [valid_draft.number]
        with pytest.raises(Exception, match="(?i)unique"):
            db.execute('INSERT INTO "outgoing_email" (recipient, subject, body, attempts, '
                       'next_attempt_at, created_at, message_id) SELECT recipient, subject, '
                       'body, attempts, next_attempt_at, created_at, message_id '
                       'FROM "outgoing_email"')
