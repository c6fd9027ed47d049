"""Each submission keeps its own snapshot, fingerprint and recap document; a typed
fingerprint finds its submission (issue #17: corrections and the receipt check)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import storage
from storage.orm.db import current_store, database
from storage.receipts import canonical_json, fingerprint
from tests.definitions import ESSAI

from .conftest import rows


def send_back(number: str, state: str = "brouillon") -> None:
    """What an agent's correction request will do (phase 2): the submitted dossier goes
    back to an editable state. Here straight in the database."""
    with storage.db_session:
        dossier = database().Dossier.get(number=number)
        dossier.status = state
        dossier.version += 1


def resubmitted(registry, account, valid_draft) -> tuple[storage.DossierView, str]:
    """Submitted on 2022-07-11 15:20, sent back, its city changed, submitted again on
    2022-07-20 09:05 (Montréal time); returns the dossier and the first city."""
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    first = storage.submit(registry, account.id, valid_draft.number)
    city = first.snapshot["answers"]["ville"]
    send_back(first.number)
    storage.clock.set(datetime(2022, 7, 20, 9, 5))
    dossier = storage.get_dossier(account.id, first.number)
    changed = {**first.snapshot["answers"], "ville": "quebec"}
    section = {k: changed[k] for k in ("ville", "mode", "francais", "creneaux")}
    dossier = storage.save_section(registry, account.id, dossier.number, "rendez_vous",
                                   section, dossier.version)
    return storage.submit(registry, account.id, dossier.number), city


def test_resubmission__two_submissions_two_snapshots_first_untouched(
        registry, account, valid_draft):
    again, city = resubmitted(registry, account, valid_draft)
    first, second = storage.submissions_of(again.id)
    assert (first.seq, second.seq) == (1, 2)
    assert first.snapshot["answers"]["ville"] == city != "quebec"
    assert second.snapshot["answers"]["ville"] == "quebec"
    assert storage.clock.local(first.submitted_at).strftime("%Y-%m-%d %H:%M") == (
        "2022-07-11 15:20")
    assert first.submitted_at < second.submitted_at == again.submitted_at
    assert again.snapshot == second.snapshot  # the dossier shows the latest
    assert first.fingerprint != second.fingerprint
    assert first.definition_version == second.definition_version == 3


def test_resubmission__two_recap_documents_each_of_its_submission_named_apart(
        registry, account, valid_draft):
    again, _ = resubmitted(registry, account, valid_draft)
    newer, older = storage.list_documents(account.id)  # newest first, both in Mes documents
    assert older.filename == f"recapitulatif-{again.number}.pdf"
    assert newer.filename == f"recapitulatif-{again.number}-2.pdf"
    jobs = {job.filename: job for job in storage.claim_pending_documents()}
    first, second = storage.submissions_of(again.id)
    assert jobs[older.filename].snapshot == first.snapshot
    assert jobs[older.filename].fingerprint == first.fingerprint
    assert jobs[newer.filename].snapshot == second.snapshot
    assert jobs[newer.filename].fingerprint == second.fingerprint


def test_fingerprint__stable_from_the_stored_snapshot_and_keyed(registry, account,
                                                                valid_draft):
    submitted = storage.submit(registry, account.id, valid_draft.number)
    (kept,) = storage.submissions_of(submitted.id)
    stored = rows("Submission")[0]["fingerprint"]
    assert len(stored) == 20 and kept.fingerprint == " ".join(
        stored[i:i + 4] for i in range(0, 20, 4))
    key = current_store().receipt_key
    assert fingerprint(kept.snapshot, key) == stored  # recomputed from what is kept
    reordered = dict(reversed(list(kept.snapshot.items())))
    assert fingerprint(reordered, key) == stored  # canonical: key order does not count
    assert fingerprint(kept.snapshot, b"another server's key") != stored
    changed = {**kept.snapshot, "answers": {**kept.snapshot["answers"], "ville": "quebec"}}
    assert fingerprint(changed, key) != stored


def test_canonical_json__sorted_compact_utf8():
    assert canonical_json({"b": 1, "a": {"d": "é", "c": [1, 2]}}) == (
        '{"a":{"c":[1,2],"d":"é"},"b":1}'.encode())


def test_verify_fingerprint__typed_with_spaces_hyphens_lower_case__its_submission(
        registry, account, valid_draft):
    again, _ = resubmitted(registry, account, valid_draft)
    first, second = storage.submissions_of(again.id)
    typed = " " + first.fingerprint.lower().replace(" ", "-") + " "
    check = storage.verify_receipt(fingerprint=typed)
    assert (check.status, check.number, check.seq, check.definition_version) == (
        "match", again.number, 1, 3)
    assert check.submitted_at == first.submitted_at
    compact = second.fingerprint.replace(" ", "")
    assert storage.verify_receipt(fingerprint=compact).seq == 2


def test_verify_fingerprint__unknown_or_one_character_off__unknown(
        registry, account, valid_draft):
    submitted = storage.submit(registry, account.id, valid_draft.number)
    (kept,) = storage.submissions_of(submitted.id)
    last = kept.fingerprint[-1]
    off = kept.fingerprint[:-1] + ("A" if last != "A" else "B")
    assert storage.verify_receipt(fingerprint=off) == storage.ReceiptCheck("unknown")
    assert storage.verify_receipt(fingerprint="") == storage.ReceiptCheck("unknown")


def test_verify_pdf__unreadable_bytes__unknown(registry, account, valid_draft):
    storage.submit(registry, account.id, valid_draft.number)
    assert storage.verify_receipt(pdf_bytes=b"not a pdf").status == "unknown"


def test_draft_never_submitted__no_submission(registry, account):
    draft = storage.create_dossier(registry, account.id, ESSAI)
    assert storage.submissions_of(draft.id) == []


def test_init_db__document_table_made_before_receipts__columns_and_index_added(tmp_path):
    """A SQLite database whose `document` table predates Document.submission and
    Document.sha256 (made as it was then, before Pony makes the others)."""
    old = sqlite3.connect(tmp_path / "guichet.sqlite3")
    old.execute(
        'CREATE TABLE "document" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, '
        '"public_id" VARCHAR(32) NOT NULL, "account_id" INTEGER NOT NULL, '
        '"dossier_id" INTEGER, "kind" VARCHAR(100) NOT NULL, "name" VARCHAR(500) NOT NULL, '
        '"filename" VARCHAR(255) NOT NULL, "content_type" VARCHAR(100) NOT NULL, '
        '"content" BLOB, "created_at" DATETIME NOT NULL, "claimed_at" DATETIME)')
    old.commit()
    old.close()
    store = storage.open_store(None, str(tmp_path))
    try:
        with store.bound():
            storage.init_db()
            with storage.db_session:
                columns = {str(r[1]) for r in database().execute(
                    'PRAGMA table_info("document")').fetchall()}
                indexes = {str(r[1]) for r in database().execute(
                    'PRAGMA index_list("document")').fetchall()}
            assert storage.verify_receipt(pdf_bytes=b"%PDF-1.7").status == "unknown"
    finally:
        store.disconnect()
    assert {"submission_id", "sha256"} <= columns and "idx_document__sha256" in indexes
