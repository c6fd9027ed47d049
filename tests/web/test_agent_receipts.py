"""/agent/recapitulatifs/verifier: an agent gives the applicant's recap PDF, or types its
fingerprint, and reads which submission it is; a PDF whose bytes were changed is
refused; a receipt of a type the agent is not granted reads as unknown; each check is
audited."""

from __future__ import annotations

import io
import re

from pony.orm import db_session

from storage.orm.db import database
from tests.web.agents import enrolled_agent
from tests.web.test_receipts import corrected, downloads, submissions  # noqa: F401 (fixture)

NOTICE = re.compile(r'<div class="notice.*?</div>', re.S)


def _check(agent, pdf: bytes | None = None, fingerprint: str = "") -> tuple[int, str]:
    agent.get("/agent/recapitulatifs/verifier")
    data = {"fingerprint": fingerprint}
    if pdf is not None:
        data["pdf"] = (io.BytesIO(pdf), "recapitulatif.pdf")
    answer = agent.post("/agent/recapitulatifs/verifier", data,
                        content_type="multipart/form-data")
    found = NOTICE.search(answer.get_data(as_text=True))
    return answer.status_code, " ".join(found.group(0).split()) if found else ""


def _checks() -> list[dict]:
    with db_session:
        return [e.detail for e in database().AuditEvent.select(
            lambda e: e.action == "receipt_check").order_by(lambda e: e.id)]


def test_receipt_check__each_pdf_names_its_submission(maria, corrected, agent):  # noqa: F811
    newer, older = downloads(maria)
    status, notice = _check(agent, older)
    assert status == 200 and "Récapitulatif authentique" in notice
    assert (f"Il correspond au dépôt n° 1 du dossier {corrected}, présenté le 2022-07-11 "
            "15:20, version 3 du formulaire.") in notice
    status, notice = _check(agent, newer)
    assert f"dépôt n° 2 du dossier {corrected}, présenté le 2022-07-20 09:05" in notice
    assert [c["status"] for c in _checks()] == ["match", "match"]


def test_receipt_check__altered_bytes_refused(maria, corrected, agent):  # noqa: F811
    _, older = downloads(maria)
    status, notice = _check(agent, older + b"\n% changed\n")
    assert status == 200 and "Récapitulatif modifié : refusé" in notice
    assert f"l’empreinte du dépôt n° 1 du dossier {corrected}" in notice
    assert _checks() == [{"given": "pdf", "status": "altered", "number": corrected,
                          "seq": 1}]


def test_receipt_check__typed_fingerprint_with_spaces_and_lower_case(maria, corrected,  # noqa: F811
                                                                      agent):
    typed = submissions(corrected)[0].fingerprint.lower()
    typed = " ".join(typed[i:i + 4] for i in range(0, len(typed), 4))
    status, notice = _check(agent, fingerprint=typed)
    assert status == 200 and f"dépôt n° 1 du dossier {corrected}" in notice
    status, notice = _check(agent, fingerprint="AAAA BBBB CCCC DDDD EEEE")
    assert status == 200 and "Récapitulatif inconnu" in notice


def test_receipt_check__another_type_reads_as_unknown(app, maria, corrected):  # noqa: F811
    _, older = downloads(maria)
    stranger = enrolled_agent(app, "autre@example.gc.ca", "Autre Agent", "agent",
                              ("atelier",))
    status, notice = _check(stranger, older)
    assert status == 200 and "Récapitulatif inconnu" in notice and corrected not in notice
    assert _checks() == [{"given": "pdf", "status": "unknown", "number": None, "seq": None}]


def test_receipt_check__neither_or_both_given(agent):
    status, _ = _check(agent)
    assert status == 422
    html = agent.last.get_data(as_text=True)
    assert 'href="#f-pdf"' in html
    assert "Choisissez le PDF du récapitulatif, ou tapez son empreinte ci-dessous." in html
    status, _ = _check(agent, b"%PDF-1.4", "AAAA BBBB CCCC DDDD EEEE")
    assert status == 422
    assert "Donnez le PDF ou l’empreinte, pas les deux." in agent.last.get_data(as_text=True)
    assert _checks() == []
