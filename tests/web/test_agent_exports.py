"""/agent/exports: an agent downloads the submitted dossiers of a granted type as CSV,
XLSX or JSON (storage.export_dossiers' stream); masked answers only for a supervisor
who asks; each export audited with the agent and the address; wrong choices get the
form back with the errors by their fields."""

from __future__ import annotations

import csv
import io
import json
import re

from openpyxl import load_workbook
from pony.orm import db_session

from storage.orm.db import database
from tests.definitions import ESSAI

SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)


def _exports() -> list[tuple[str, str | None, dict]]:
    with db_session:
        return [(e.actor, e.detail.get("address"), e.detail) for e in database().AuditEvent
                .select(lambda e: e.action == "export").order_by(lambda e: e.id)]


def test_export_page__csv_download_of_the_submitted_dossiers(maria, agent):
    maria.create_dossier()  # a draft: not exported
    number = maria.submitted_dossier()
    page = agent.get("/agent/exports")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'href="/agent/exports"' in html and f'value="{ESSAI}"' in html
    assert "Inclure les réponses aux questions masquées" not in html  # not a supervisor
    assert '<option value="3">Version 3</option>' in html  # essai's published version
    answer = agent.get(f"/agent/exports/fichier?type={ESSAI}&version=&state=&format=csv"
                       "&masked=1")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    (row,) = csv.DictReader(io.StringIO(answer.get_data().decode("utf-8-sig")))
    assert row["_number"] == number and row["_state"] == "presente"
    assert row["numero"] == "masqué"  # masked=1 means nothing from an agent
    ((actor, address, detail),) = _exports()
    assert (actor, address) == (f"agent:{agent.id}", "127.0.0.1")
    assert detail["rows"] == 1 and detail["masked"] is False and detail["complete"] is True


def test_export_page__a_supervisor_may_include_masked_answers(maria, supervisor):
    number = maria.submitted_dossier()
    assert "Inclure les réponses aux questions masquées" in supervisor.get(
        "/agent/exports").get_data(as_text=True)
    plain = supervisor.get(f"/agent/exports/fichier?type={ESSAI}&format=json")
    assert json.loads(plain.get_data())["dossiers"][0]["numero"] == "masqué"
    shown = supervisor.get(f"/agent/exports/fichier?type={ESSAI}&format=xlsx&masked=1"
                           "&state=presente")
    assert shown.status_code == 200
    table = list(load_workbook(io.BytesIO(shown.get_data()), read_only=True)["dossiers"]
                 .iter_rows(values_only=True))
    header, (values,) = table[0], table[1:]
    assert values[header.index("_number")] == number
    assert values[header.index("numero")] == "12345678"
    assert [d["masked"] for _, _, d in _exports()] == [False, True]


def test_export_page__wrong_choices_back_to_the_form_with_errors(agent):
    answer = agent.get("/agent/exports/fichier?type=atelier&version=x&format=pdf")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    summary = SUMMARY.search(html).group(0)
    for field in ("type", "version", "format"):
        assert f'href="#f-{field}"' in summary
    state = agent.get(f"/agent/exports/fichier?type={ESSAI}&state=ferme&format=csv")
    assert state.status_code == 422
    assert ("Cette version n’a pas l’état « ferme ». États possibles : brouillon, presente, "
            "en_traitement, rencontre_fixee, a_corriger, classe, expire.") in state.get_data(
                as_text=True)
    version = agent.get(f"/agent/exports/fichier?type={ESSAI}&version=99&format=csv")
    assert version.status_code == 422
    assert "Cette version n’est pas publiée pour ce type de dossier." in version.get_data(
        as_text=True)
    assert _exports() == []  # nothing read, nothing audited


def test_export_page__needs_an_agent(app, maria):
    assert maria.get(f"/agent/exports/fichier?type={ESSAI}&format=csv").status_code == 404
    assert app.test_client().get("/agent/exports").status_code == 303
