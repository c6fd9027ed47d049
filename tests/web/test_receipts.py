"""Recap PDFs' receipts: after a correction and a new submission the applicant has two
recap PDFs, each with its own footer (number, definition version, fingerprint); the
receipt check, in storage and as `guichet receipts verify`, accepts each one as issued,
names its submission, and refuses a copy whose bytes were changed (issue #17)."""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime

import pypdf
import pytest

import storage
from storage.orm.db import database
from tests.definitions import ESSAI, RENDEZ_VOUS
from web.background.pdf import recap_pdf
from web.background.worker import render_pending_documents
from web.cli import main

DOWNLOAD = re.compile(r'href="(/documents/[A-Za-z0-9_-]{22}/telecharger)"')


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def send_back(number: str) -> None:
    """What an agent's correction request will do (phase 2), straight in the database:
    the submitted dossier is editable again."""
    with storage.db_session:
        dossier = database().Dossier.get(number=number)
        dossier.status = "brouillon"
        dossier.version += 1


@pytest.fixture
def corrected(maria, registry) -> str:
    """Maria's dossier submitted on 2022-07-11, sent back, corrected (Québec instead of
    Montréal) and submitted again on 2022-07-20; both recaps rendered."""
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    number = maria.submitted_dossier()
    send_back(number)
    storage.clock.set(datetime(2022, 7, 20, 9, 5))
    assert maria.fill(number, "rendez_vous", {**RENDEZ_VOUS, "ville": "quebec"}
                      ).status_code == 302
    assert maria.submit(number).status_code == 302
    assert render_pending_documents(registry) == 2
    return number


def downloads(applicant) -> list[bytes]:
    """The PDFs of Mes documents, as listed (newest first), downloaded."""
    page = applicant.get("/documents/").get_data(as_text=True)
    return [applicant.get(url).data for url in DOWNLOAD.findall(page)]


def submissions(number: str) -> list[storage.SubmissionView]:
    (dossier,) = [d for d in storage.list_dossiers(storage.find_account_by_email(
        "maria.valdero@example.com").id) if d.number == number]
    return storage.submissions_of(dossier.id)


def test_mes_documents__after_correction__two_recap_pdfs_each_its_own_answers_and_footer(
        maria, corrected):
    page = maria.get("/documents/").get_data(as_text=True)
    assert len(DOWNLOAD.findall(page)) == 2
    newer, older = (pdf_text(pdf) for pdf in downloads(maria))
    first, second = submissions(corrected)
    assert "Date de dépôt : 2022-07-11" in older and "Date de dépôt : 2022-07-20" in newer
    assert "Montréal" in older and "Québec" not in older
    assert "Québec" in newer and "Montréal" not in newer
    for text, submission in ((older, first), (newer, second)):
        assert (f"Numéro de dossier : {corrected} · Version du formulaire : 3 · "
                f"Empreinte : {submission.fingerprint}") in text


def test_verify_receipt__each_pdf_matches_its_own_submission(maria, corrected):
    newer, older = downloads(maria)
    for pdf, seq, day in ((older, 1, "2022-07-11"), (newer, 2, "2022-07-20")):
        check = storage.verify_receipt(pdf_bytes=pdf)
        assert (check.status, check.number, check.seq, check.definition_version) == (
            "match", corrected, seq, 3)
        assert storage.clock.local(check.submitted_at).date().isoformat() == day


@pytest.mark.parametrize("how", ["metadata rewritten", "bytes appended"])
def test_verify_receipt__bytes_altered__refused_naming_the_submission_it_claims(
        maria, corrected, how):
    _, older = downloads(maria)
    if how == "bytes appended":
        altered = older + b"\n% changed\n"
    else:
        writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(older)))
        writer.add_metadata({"/Title": "Récapitulatif modifié"})
        out = io.BytesIO()
        writer.write(out)
        altered = out.getvalue()
    assert altered != older and submissions(corrected)[0].fingerprint in pdf_text(altered)
    check = storage.verify_receipt(pdf_bytes=altered)
    assert (check.status, check.number, check.seq) == ("altered", corrected, 1)


@pytest.mark.parametrize("printed", [None, "AAAA BBBB CCCC DDDD EEEE"],
                         ids=["no fingerprint", "a fingerprint never issued"])
def test_verify_receipt__recap_pdf_made_elsewhere__unknown(maria, corrected, registry,
                                                           printed):
    compiled = registry.get(ESSAI)
    second = submissions(corrected)[1]
    document = compiled.definition.documents["recapitulatif"]
    forged = recap_pdf(compiled.definition, document, second.snapshot, "fr",
                       fingerprint=printed)
    assert ("Empreinte" in pdf_text(forged)) == (printed is not None)
    assert storage.verify_receipt(pdf_bytes=forged) == storage.ReceiptCheck("unknown")


def test_recap_pdf__english__footer_labels_in_english(maria, corrected, registry):
    compiled = registry.get(ESSAI)
    second = submissions(corrected)[1]
    document = compiled.definition.documents["recapitulatif"]
    text = pdf_text(recap_pdf(compiled.definition, document, second.snapshot, "en",
                              fingerprint=second.fingerprint))
    assert (f"File number : {corrected} · Form version : 3 · "
            f"Fingerprint : {second.fingerprint}") in text


def test_cli_receipts_verify__pdf_and_fingerprint__exit_0_match_1_altered(
        maria, corrected, runner, instance_dir, tmp_path):
    newer, older = downloads(maria)
    env = {"GUICHET_INSTANCE": instance_dir}
    (tmp_path / "newer.pdf").write_bytes(newer)
    result = runner.invoke(main, ["receipts", "verify", str(tmp_path / "newer.pdf")], env=env)
    assert result.exit_code == 0
    assert result.output.startswith(f"match: dossier {corrected}, submission 2 of "
                                    "2022-07-20 09:05 (Eastern time), definition version 3")
    (tmp_path / "altered.pdf").write_bytes(older + b"\n% changed\n")
    result = runner.invoke(main, ["receipts", "verify", str(tmp_path / "altered.pdf")],
                           env=env)
    assert result.exit_code == 1 and result.output.startswith("ALTERED")
    typed = submissions(corrected)[0].fingerprint.lower()
    result = runner.invoke(main, ["receipts", "verify", "--fingerprint", typed], env=env)
    assert result.exit_code == 0 and "submission 1 of 2022-07-11 15:20" in result.output
    result = runner.invoke(main, ["receipts", "verify", "--fingerprint", "AAAA"], env=env)
    assert result.exit_code == 1 and result.output.startswith("unknown")
    assert runner.invoke(main, ["receipts", "verify"], env=env).exit_code == 2


def test_cli_receipts_verify__not_a_pdf__verdict_without_pypdf_warnings(
        runner, instance_dir, tmp_path, caplog):
    (tmp_path / "notes.txt").write_bytes(b"not a pdf at all")
    with caplog.at_level(logging.DEBUG):
        result = runner.invoke(main, ["receipts", "verify", str(tmp_path / "notes.txt")],
                               env={"GUICHET_INSTANCE": instance_dir})
    assert result.exit_code == 1 and "unknown: no submission issued here" in result.output
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")] == []
    assert "invalid pdf header" not in result.output
