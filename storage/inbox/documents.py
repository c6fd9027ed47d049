"""Mes documents: listing and reading them, and the rendering queue behind them.

A submission only adds a document row (content NULL); a worker claims such
rows, renders the PDF from the dossier's frozen snapshot and stores it. So a
submission never waits on PDF rendering, and a document always shows the
dossier as it was submitted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from engine.load import plain
from storage.clock import clock, from_db, to_db
from storage.errors import NotFound
from storage.orm.db import database, dialect
from storage.orm.entities import row_by_id
from storage.orm.rows import newest_first, owned_public_row
from storage.orm.transactions import transaction
from storage.receipts import show_fingerprint
from storage.views import DocumentView

CLAIM_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class DocumentJob:
    """A document to render: which one, from what snapshot, in which language."""

    id: int
    dossier_number: str | None
    type_id: str | None
    kind: str
    filename: str
    lang: str
    snapshot: dict[str, Any] | None
    definition_version: int | None = None  # the version its dossier is pinned to
    # its submission's fingerprint as printed ("ABCD EFGH ..."), None for a document
    # made before submissions were kept one by one
    fingerprint: str | None = None


def document_view(d: Any) -> DocumentView:
    """A frozen view of a Document entity (inside its session), without its bytes;
    `ready` says whether they were rendered."""
    return DocumentView(d.id, d.public_id, d.dossier.number if d.dossier else None, d.kind, d.name,
                        d.filename, d.content_type, from_db(d.created_at),
                        ready=d.content is not None)


@transaction(write=False)
def list_documents(account_id: int) -> list[DocumentView]:
    """The account's documents, newest first (content not loaded). Guide: Mes
    documents lists the dossier number, the document, its date and format (PDF)."""
    return [document_view(d) for d in newest_first(database().Document, account_id)]


@transaction(write=False)
def get_document(account_id: int, public_id: str) -> tuple[DocumentView, bytes | None]:
    """One of the account's documents by its `public_id` (DocumentView.public_id, the
    one in URLs) and its bytes (None: not rendered yet). NotFound when the document
    is unknown or another account's (one answer)."""
    document = owned_public_row(database().Document, public_id, account_id)
    content = document.content
    return document_view(document), bytes(content) if content is not None else None


@transaction(write=True)
def claim_pending_documents(limit: int = 20,
                            lease: timedelta = CLAIM_LEASE) -> list[DocumentJob]:
    """Documents still to render, oldest first, at most `limit`, hidden from other
    workers for `lease` (a timedelta, 5 minutes by default: a crashed worker's claim
    lapses). On PostgreSQL rows another worker is claiming are skipped, not waited for.
    Each job carries the snapshot of the document's own submission (the dossier's
    snapshot for a document older than submissions), that submission's fingerprint,
    and the owner's language."""
    orm = database()
    now = to_db(clock.now())
    free_since = now - lease
    query = orm.Document.select(
        lambda d: d.content is None and (d.claimed_at is None or d.claimed_at < free_since)
    ).order_by(orm.Document.id)
    if dialect() == "postgres":
        query = query.for_update(skip_locked=True)
    jobs = []
    for document in query.limit(limit):
        document.claimed_at = now
        dossier = document.dossier
        submission = document.submission
        snapshot = submission.snapshot if submission is not None else (
            dossier.snapshot if dossier else None)
        jobs.append(DocumentJob(
            document.id, dossier.number if dossier else None,
            dossier.type_id if dossier else None, document.kind, document.filename,
            document.account.lang,
            plain(snapshot) if snapshot is not None else None,
            dossier.definition_version if dossier else None,
            show_fingerprint(submission.fingerprint) if submission is not None else None,
        ))
    return jobs


@transaction(write=True)
def store_document_content(document_id: int, content: bytes) -> None:
    """Keep the rendered bytes (a PDF) and their SHA-256 (what `verify_receipt` compares
    a PDF with); the document shows as ready from now on. NotFound for an unknown
    `document_id`."""
    document = row_by_id(database().Document, document_id)
    if document is None:
        raise NotFound(f"document {document_id}")
    document.content = content
    document.sha256 = hashlib.sha256(content).hexdigest()
