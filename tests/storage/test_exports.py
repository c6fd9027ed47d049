"""storage.export_dossiers on the database: submitted dossiers only, of one version and
state, every batch read, audited once with who and how many, errors before any byte."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

import storage
from storage.exports import export
from storage.orm.db import database
from tests.definitions import ESSAI, VALID_ANSWERS

from .conftest import rows


def insert(n: int, *, version: int = 3, status: str = "presente", submitted: bool = True,
           answers: dict | None = None, start: int = 0) -> None:
    """`n` dossiers of `essai` straight into the table (no workflow), numbered T0000001..."""
    flat = {k: v for s in VALID_ANSWERS.values() for k, v in s.items()}
    with storage.db_session:
        for i in range(start, start + n):
            database().Dossier(
                number=f"T{i:07d}", type_id=ESSAI, definition_version=version, status=status,
                answers={}, created_at=datetime(2026, 1, 2, 3, 4, 5), deadline=date(2026, 4, 2),
                submitted_at=datetime(2026, 1, 3, 10, 0) if submitted else None,
                snapshot={"answers": answers or flat} if submitted else None)


def export_csv(**kw) -> list[dict[str, str]]:
    args = {"version": None, "state": None, "fmt": "csv", "masked": False,
            "actor": "agent:7", "address": "192.0.2.4", **kw}
    data = b"".join(storage.export_dossiers(ESSAI, **args))
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_real_submission__exported_with_its_dates_and_snapshot_answers(
        registry, account, valid_draft):
    storage.clock.set(datetime(2026, 3, 1, 14, 30))
    submitted = storage.submit(registry, account.id, valid_draft.number)
    insert(2, submitted=False)  # drafts: never exported
    (row,) = export_csv()
    assert row["_number"] == submitted.number and row["_state"] == "presente"
    assert row["_version"] == "3" and row["_submitted_at"] == "2026-03-01T14:30:00-05:00"
    assert row["_deadline"] == submitted.deadline.isoformat()
    assert (row["ville"], row["francais"], row["creneaux.lundi_matin"]) == (
        "montreal", "true", "true")
    assert row["numero"] == "masqué"
    (included,) = export_csv(masked=True)
    assert included["numero"] == "12345678"  # as the submission normalised it


def test_every_batch__keyset_reads_all_in_number_order(monkeypatch):
    monkeypatch.setattr(export, "BATCH", 7)
    insert(30)
    numbers = [r["_number"] for r in export_csv()]
    assert numbers == [f"T{i:07d}" for i in range(30)]


def test_filters__version_and_state():
    insert(3, version=3, status="presente")
    insert(2, version=3, status="expire", start=10)
    insert(4, version=2, status="presente", start=20)  # another version: other columns
    assert len(export_csv()) == 5
    assert len(export_csv(version=3, state="expire")) == 2
    assert [r["_number"] for r in export_csv(state="presente")] == [
        "T0000000", "T0000001", "T0000002"]


def test_refusals__before_any_byte_and_not_audited():
    with pytest.raises(storage.ExportRefused) as refused:
        storage.export_dossiers(ESSAI, None, "nulle_part", "csv", False, "cli", None)
    assert refused.value.code == "state" and "presente" in refused.value.known
    with pytest.raises(storage.ExportRefused):
        storage.export_dossiers(ESSAI, None, None, "pdf", False, "cli", None)
    with pytest.raises(storage.NotFound):
        storage.export_dossiers("inconnu", None, None, "csv", False, "cli", None)
    with pytest.raises(storage.NotFound):
        storage.export_dossiers(ESSAI, 99, None, "csv", False, "cli", None)
    assert rows("AuditEvent", action="export") == []


def test_audit__one_event_with_who_what_and_rows():
    insert(3)
    export_csv(state="presente", masked=True)
    (event,) = rows("AuditEvent", action="export")
    assert event["actor"] == "agent:7" and event["dossier"] is None
    assert event["detail"] == {"type": ESSAI, "version": 3, "state": "presente",
                               "format": "csv", "masked": True, "rows": 3, "complete": True,
                               "address": "192.0.2.4"}


def test_audit__abandoned_stream_recorded_as_incomplete(monkeypatch):
    monkeypatch.setattr(export, "BATCH", 2)
    insert(5)
    stream = storage.export_dossiers(ESSAI, None, None, "json", False, "cli", None)
    next(stream)  # the head
    next(stream)  # the first batch
    stream.close()
    (event,) = rows("AuditEvent", action="export")
    assert event["detail"]["complete"] is False and event["detail"]["rows"] == 2


def test_injection__answers_neutralised_in_csv_and_xlsx_not_in_json():
    answers = {k: v for s in VALID_ANSWERS.values() for k, v in s.items()}
    insert(1, answers={**answers, "besoins": "=cmd|' /C calc'!A0"})
    assert export_csv()[0]["besoins"] == "'=cmd|' /C calc'!A0"
    doc = json.loads(b"".join(storage.export_dossiers(ESSAI, None, None, "json", False,
                                                      "cli", None)))
    assert doc["dossiers"][0]["besoins"] == "=cmd|' /C calc'!A0"
    assert doc["version"] == 3 and doc["columns"][0] == "_number"


def test_xlsx__one_row_per_dossier():
    insert(3)
    data = b"".join(storage.export_dossiers(ESSAI, None, None, "xlsx", False, "cli", None))
    sheet = load_workbook(io.BytesIO(data), read_only=True)["dossiers"]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][0] == "_number" and [r[0] for r in table[1:]] == [
        "T0000000", "T0000001", "T0000002"]
    assert table[1][table[0].index("francais")] is True


def test_stream__iterated_where_no_store_is_bound__reads_and_audits(store):
    """A web response's body is iterated after the request's store binding ended: here
    in a thread of its own, which starts with no store current."""
    insert(3)
    stream = storage.export_dossiers(ESSAI, None, None, "csv", False, "agent:2", None)
    chunks: list[bytes] = []

    def respond() -> None:
        chunks.extend(stream)
        store.disconnect()  # the worker thread's own connection

    worker = threading.Thread(target=respond)
    worker.start()
    worker.join()
    text = b"".join(chunks).decode("utf-8-sig")
    assert text.count("T000000") == 3
    (event,) = rows("AuditEvent", action="export")
    assert event["actor"] == "agent:2" and event["detail"]["rows"] == 3
