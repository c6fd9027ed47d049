"""Schedules (issue 17): reminders before the deadline, once per draft even with two
workers at the same moment, none to a submitted dossier; the retention purge leaves
no personal data in any table or file, and touches nothing before its time."""

from __future__ import annotations

import io
import os
import shutil
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pony.orm import db_session

import storage
from engine import Registry
from storage.orm.db import database
from tests.definitions import DIRECTORY, with_registry

from .conftest import count, rows
from .files_data import PDF

RAPPELS = "rappels"
STORY = "Zéphyrine traversa le fleuve Saguenay"  # an answer no other row could hold


@pytest.fixture(scope="module")
def types() -> Registry:
    return with_registry(DIRECTORY / "schedules" / "rappels.yaml")


@pytest.fixture(autouse=True)
def empty_files(db: storage.Store) -> None:
    shutil.rmtree(db.files.root, ignore_errors=True)


def created_on(types: Registry, account_id: int, day: date) -> storage.DossierView:
    """A draft created at noon on `day` (service zone): its deadline is day + 30."""
    storage.clock.set(day)
    return storage.create_dossier(types, account_id, RAPPELS)


def messages(**where: Any) -> list[dict[str, Any]]:
    return sorted(rows("Message", **where), key=lambda m: m["id"])


def at(day: date, hour: int = 12) -> datetime:
    storage.clock.set(datetime(day.year, day.month, day.day, hour))
    return storage.clock.now()


# --- reminders ------------------------------------------------------------------------


def test_reminders__14_then_2_days_before__each_once_with_deadline_and_email(
        types, account):
    draft = created_on(types, account.id, date(2026, 3, 1))
    assert draft.deadline == date(2026, 3, 31)
    report = storage.run_schedules(types, at(date(2026, 3, 17)))  # 15 days left
    assert report.reminders == 0 and messages() == []
    assert storage.run_schedules(types, at(date(2026, 3, 18), 0)).reminders == 1  # 14 days
    sent = messages()
    assert [m["subject"] for m in sent] == [f"Dossier {draft.number} : 14 jours"]
    assert sent[0]["body"] == "Soumettez avant le 2026-03-31."
    assert count("OutgoingEmail") == 1  # notify: the notification, no personal data
    assert storage.run_schedules(types, at(date(2026, 3, 25))).reminders == 0  # once
    assert storage.run_schedules(types, at(date(2026, 3, 30), 1)).reminders == 1
    assert [m["subject"] for m in messages()][-1] == f"Dossier {draft.number} : 2 jours"
    assert storage.run_schedules(types, at(date(2026, 3, 31), 23)).reminders == 0
    assert count("Message") == 2 and count("OutgoingEmail") == 2
    assert [e["action"] for e in rows("AuditEvent") if e["action"] == "reminder"] == [
        "reminder", "reminder"]


def test_reminders__both_due_at_once__only_the_nearest_is_sent(types, account):
    draft = created_on(types, account.id, date(2026, 3, 1))
    storage.run_schedules(types, at(date(2026, 3, 30)))  # the worker was off for weeks
    assert [m["subject"] for m in messages()] == [f"Dossier {draft.number} : 2 jours"]
    assert storage.run_schedules(types, at(date(2026, 3, 30), 18)).reminders == 0


def test_reminders__deadline_passed__none(types, account):
    created_on(types, account.id, date(2026, 3, 1))
    assert storage.run_schedules(types, at(date(2026, 4, 1))).reminders == 0
    assert messages() == []


def test_reminders__submitted_dossier__none(types, account):
    draft = created_on(types, account.id, date(2026, 3, 1))
    saved = storage.save_section(types, account.id, draft.number, "principal",
                                 {"recit": STORY}, draft.version)
    storage.submit(types, account.id, draft.number, version=saved.version)
    before = count("Message")  # the confirmation
    assert storage.run_schedules(types, at(date(2026, 3, 20))).reminders == 0
    assert count("Message") == before


def test_reminders__sent_back_for_correction__none_the_deadline_no_longer_binds(
        types, account):
    draft = created_on(types, account.id, date(2026, 3, 1))
    with db_session:  # as the agent transition `corriger` (unlock_for_correction) leaves it
        database().Dossier.get(number=draft.number).status = "a_corriger"
    assert storage.run_schedules(types, at(date(2026, 3, 30))).reminders == 0
    assert messages() == []


def test_reminders__english_account__in_english(types, make_account):
    account = make_account(lang="en")
    draft = created_on(types, account.id, date(2026, 3, 1))
    storage.run_schedules(types, at(date(2026, 3, 20)))
    assert [m["subject"] for m in messages()] == [f"File {draft.number}: 14 days"]


def test_reminders__two_workers_at_the_same_moment__each_sent_once(db, types, make_account):
    drafts = [created_on(types, make_account().id, date(2026, 3, 1)) for _ in range(6)]
    now = at(date(2026, 3, 20))
    barrier = threading.Barrier(2)
    reports: list[storage.ScheduleReport] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with db.bound():
                barrier.wait()
                reports.append(storage.run_schedules(types, now))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            db.disconnect()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sum(r.reminders for r in reports) == len(drafts)
    per_dossier = sorted(m["dossier"] for m in messages())
    assert len(per_dossier) == len(set(per_dossier)) == len(drafts)
    assert count("OutgoingEmail") == len(drafts)
    assert count("ScheduleRun") == len(drafts)


# --- retention --------------------------------------------------------------------------


def submitted_with_everything(types: Registry, account: storage.AccountView
                              ) -> storage.DossierView:
    """A dossier sent in on 2026-03-02 with an answer, a file, a rendered PDF, answers
    kept aside, an archived answer and the applicant's reply to a message."""
    draft = created_on(types, account.id, date(2026, 3, 1))
    storage.store_upload(account.id, draft.number, "preuve", "preuve.pdf", io.BytesIO(PDF),
                         accept=["application/pdf"], max_bytes=1 << 20, max_files=2,
                         dossier_max_bytes=1 << 22, registry=types)
    saved = storage.save_section(types, account.id, draft.number, "principal",
                                 {"recit": STORY}, draft.version)
    storage.keep_answers(types, account.id, draft.number, "principal",
                         {"recit": STORY + " bis"})
    with storage.db_session:  # an answer the dossier no longer holds (a hidden question)
        orm = database()
        orm.ArchivedAnswer(dossier=orm.Dossier.get(number=draft.number), field_id="recit",
                           value=STORY + " (ancienne)", from_version=1,
                           at=datetime(2026, 3, 1, 17), why="hidden")
    storage.clock.set(date(2026, 3, 2))
    sent = storage.submit(types, account.id, draft.number, version=saved.version)
    for job in storage.claim_pending_documents():
        storage.store_document_content(job.id, b"%PDF-1.7 " + STORY.encode())
    (confirmation,) = storage.list_messages(account.id)  # and the applicant's reply to it
    storage.reply_to_message(account.id, confirmation.public_id, STORY + " (réponse)")
    return sent


def every_text(exclude: tuple[str, ...] = ("account",)) -> str:
    """Every value of every row of every table (but `exclude`), as one text."""
    orm = database()
    parts: list[str] = []
    with storage.db_session:
        for entity in orm.entities.values():
            if entity._table_ in exclude:
                continue
            for row in orm.select(f'SELECT * FROM "{entity._table_}"'):
                for value in (row if isinstance(row, tuple) else (row,)):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("latin-1")
                    parts.append(str(value))
    return "\n".join(parts)


def file_texts(root: str) -> str:
    return "\n".join(Path(d, f).read_bytes().decode("latin-1")
                     for d, _, fs in os.walk(root) for f in fs)


def test_retention__before_after__nothing_purged(types, account):
    dossier = submitted_with_everything(types, account)
    report = storage.run_schedules(types, at(date(2026, 3, 11)))  # 9 days after
    assert report.purged == 0
    assert STORY in every_text()
    assert storage.get_dossier(account.id, dossier.number, types).answers["recit"] == STORY


def test_retention__after__no_personal_data_left_in_any_table_file_or_pdf(db, types, account):
    dossier = submitted_with_everything(types, account)
    assert STORY in every_text() and "Valdero" in every_text()  # the search can see them
    assert file_texts(db.files.root)  # the uploaded PDF's bytes
    report = storage.run_schedules(types, at(date(2026, 3, 12), 13))  # 10 days and 1 h
    assert report.purged == 1
    left = every_text()
    for personal in (STORY, "Zéphyrine", "Valdero", "Maria", "1990-05-17"):
        assert personal not in left, personal
    assert file_texts(db.files.root) == ""
    view = storage.get_dossier(account.id, dossier.number, types)
    assert (view.number, view.status, view.submitted_at) == (
        dossier.number, "transmis", dossier.submitted_at)
    assert view.answers == {}
    assert count("Document") == 0 and count("UploadedFile") == 0
    assert count("KeptAnswers") == 0
    assert [a["field_id"] for a in rows("ArchivedAnswer")] == ["recit"]  # which, not what
    assert {m["subject"] for m in messages()} == {"Message supprimé"}
    assert [m["author"] for m in messages()] == ["service", "applicant"]  # the reply too
    purge = [e for e in rows("AuditEvent") if e["action"] == "retention_purge"]
    assert len(purge) == 1 and purge[0]["actor"] == "system"
    assert purge[0]["detail"]["files"] == 1


def test_retention__run_again__nothing_more(types, account):
    submitted_with_everything(types, account)
    assert storage.run_schedules(types, at(date(2026, 3, 20))).purged == 1
    assert storage.run_schedules(types, at(date(2026, 4, 20))).purged == 0
    assert count("AuditEvent", action="retention_purge") == 1


def test_retention__draft__never_purged(types, account):
    draft = created_on(types, account.id, date(2026, 3, 1))
    storage.save_section(types, account.id, draft.number, "principal", {"recit": STORY},
                         draft.version)
    storage.clock.set(date(2026, 3, 29))  # still a draft: not in `in_states`
    assert storage.run_schedules(types, storage.clock.now()).purged == 0
    assert STORY in every_text()


def test_retention__expired_counts_from_expiry_not_creation(types, account):
    draft = created_on(types, account.id, date(2026, 3, 1))
    storage.save_section(types, account.id, draft.number, "principal", {"recit": STORY},
                         draft.version)
    storage.clock.set(date(2026, 4, 1))  # deadline 2026-03-31 passed
    assert storage.expire_overdue(types) == 1
    assert storage.run_schedules(types, at(date(2026, 4, 10))).purged == 0
    assert STORY in every_text()
    assert storage.run_schedules(types, at(date(2026, 4, 11), 13)).purged == 1
    assert STORY not in every_text()


def test_retention__identity_change_audit__redacted(types, account):
    submitted_with_everything(types, account)
    storage.update_profile(account.id, {"family_names": "Ostrogradsky"})
    assert "Ostrogradsky" in every_text(exclude=("account",))
    storage.run_schedules(types, at(date(2026, 3, 20)))
    assert "Ostrogradsky" not in every_text(exclude=("account",))
    assert count("AuditEvent", action="profile_identity") == 1  # the event stays


# --- schedule transitions ---------------------------------------------------------------


def test_schedule_transition__taken_once_after_its_wait_with_its_actions(types, account):
    sent = submitted_with_everything(types, account)  # 2026-03-02 at noon
    # 20 days of 24 hours: 13:00 on the 22nd, summer time having begun on March 8
    assert storage.run_schedules(types, at(date(2026, 3, 22), 12)).transitions == 0
    assert storage.get_dossier(account.id, sent.number, types).status == "transmis"
    assert storage.run_schedules(types, at(date(2026, 3, 22), 13)).transitions == 1
    assert storage.get_dossier(account.id, sent.number, types).status == "classe"
    assert messages()[-1]["subject"] == f"Dossier {sent.number} classé"
    moved = [e for e in rows("AuditEvent") if e["action"] == "classer"]
    assert len(moved) == 1 and moved[0]["actor"] == "system"
    assert moved[0]["detail"]["from"] == "transmis"
    assert storage.run_schedules(types, at(date(2026, 5, 1))).transitions == 0
    assert count("AuditEvent", action="classer") == 1
