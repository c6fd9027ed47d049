"""Export columns (storage/exports): one per question of a version, flattened by the
answer's shape, masked answers hidden unless asked, formula cells neutralised, and the
three formats (CSV, XLSX, JSON) readable by their usual readers with the same cells."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from engine import convert
from engine.pipeline import definition_paths
from storage.exports.columns import (
    DOSSIER_COLUMNS,
    MASKED,
    answer_cells,
    answer_columns,
    cell,
    header,
)
from storage.exports.writers import neutralise, write_csv, write_json, write_xlsx
from tests.definitions import ESSAI, registry, valid_answers


def definition(type_id: str):
    return registry().get(type_id).definition


def row_of(type_id: str, answers: dict, masked: bool = False) -> dict:
    columns = answer_columns(definition(type_id))
    return dict(zip((c.name for c in columns), answer_cells(columns, answers, masked),
                    strict=True))


def test_header__dossier_columns_then_every_question_in_order():
    names = header(definition(ESSAI))
    assert names[:len(DOSSIER_COLUMNS)] == ("_number", "_state", "_version", "_created_at",
                                           "_submitted_at", "_deadline")
    answers = names[len(DOSSIER_COLUMNS):]
    # sections then fields in the definition's order, conditional ones too
    assert answers[:5] == ("categorie", "precision", "a_numero", "numero", "a_code")
    assert answers.index("ville") < answers.index("francais") < answers.index("autre_langue")
    assert len(set(names)) == len(names)


def test_checkboxes_and_grid__one_column_per_choice_ticked_or_not():
    answers = {**valid_answers(), "francais": False, "langues": ["espagnol", "autre"],
               "creneaux": ["lundi_matin", "mercredi_soir"]}
    row = row_of(ESSAI, answers)
    assert [row[f"langues.{v}"] for v in ("anglais", "espagnol", "arabe", "autre")] == [
        False, True, False, True]
    assert row["creneaux.lundi_matin"] is True and row["creneaux.mercredi_soir"] is True
    assert row["creneaux.mardi_matin"] is False
    # a list question not answered at all: empty cells, not "not ticked"
    assert row_of(ESSAI, valid_answers())["langues.anglais"] is None


def test_masked_answers__hidden_unless_included():
    answers = valid_answers()
    assert row_of(ESSAI, answers)["numero"] == MASKED == "masqué"
    assert row_of(ESSAI, answers, masked=True)["numero"] == "1234 5678"
    # an unanswered masked question stays empty either way
    assert row_of(ESSAI, {**answers, "code": None})["code"] is None
    assert row_of(ESSAI, answers)["ville"] == "montreal"  # raw option ids, not labels


def test_group__items_flattened_with_an_index_up_to_the_group_max():
    names = header(definition("famille"))
    assert "liste_enfants.1.prenom" in names and "liste_enfants.3.province" in names
    assert "liste_enfants.4.prenom" not in names  # repeat max 3
    answers = {"nom_parent": "Valdero", "garde_partagee": False, "liste_enfants": [
        {"prenom": "Ana", "date_naissance": "2015-03-02", "ne_au_canada": True,
         "province": "qc"},
        {"prenom": "Luis", "date_naissance": "2019-11-30", "ne_au_canada": False}]}
    row = row_of("famille", answers)
    assert (row["liste_enfants.1.prenom"], row["liste_enfants.1.province"]) == ("Ana", "qc")
    assert (row["liste_enfants.2.prenom"], row["liste_enfants.2.date_naissance"]) == (
        "Luis", "2019-11-30")
    assert row["liste_enfants.2.province"] is None and row["liste_enfants.3.prenom"] is None


def test_address__one_column_per_part():
    row = row_of("adresses", {"adresse": {"line1": "12 rue Sainte-Anne", "city": "Québec",
                                          "region": "QC", "postal_code": "G1R 3X2",
                                          "country": "CA"}})
    assert row["adresse.city"] == "Québec" and row["adresse.country"] == "CA"
    assert row["adresse.line2"] is None and "adresse" not in row


def test_neutralise__formula_starts_get_a_quote_numbers_and_plain_text_do_not():
    for text in ("=1+1", "+15145550000", "-2+3", "@SUM(A1)", "\t=1", "\r=1"):
        assert neutralise(text) == "'" + text
    assert neutralise("Montréal") == "Montréal" and neutralise(-5) == -5
    assert neutralise(True) is True and neutralise(None) is None


HEAD = ("_number", "nom", "pris")
ROWS = [["G1", "=HYPERLINK(\"http://x\")", True], ["G2", "Émilie", None]]


def test_csv__bom_header_neutralised_cells_booleans():
    data = b"".join(write_csv(HEAD, [ROWS[:1], ROWS[1:]]))
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [list(HEAD), ["G1", "'=HYPERLINK(\"http://x\")", "true"],
                    ["G2", "Émilie", ""]]


def test_xlsx__opens_with_openpyxl_no_formula():
    data = b"".join(write_xlsx(HEAD, [ROWS]))
    sheet = load_workbook(io.BytesIO(data), read_only=True)["dossiers"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True, max_col=len(HEAD))]
    assert rows == [list(HEAD), ["G1", "'=HYPERLINK(\"http://x\")", True],
                    ["G2", "Émilie", None]]


def test_json__valid_records_with_raw_values():
    data = b"".join(write_json(HEAD, [ROWS[:1], [], ROWS[1:]], {"type": "t", "version": 2}))
    doc = json.loads(data)
    assert doc["type"] == "t" and doc["columns"] == list(HEAD)
    assert doc["dossiers"] == [{"_number": "G1", "nom": "=HYPERLINK(\"http://x\")",
                                "pris": True},
                               {"_number": "G2", "nom": "Émilie", "pris": None}]
    assert json.loads(b"".join(write_json(HEAD, [], {})))["dossiers"] == []


@pytest.mark.parametrize("path", definition_paths(), ids=lambda p: p.name)
def test_shipped_forms__every_question_has_columns_with_unique_names(path):
    d = convert(path).compiled.definition
    names = header(d)
    assert len(set(names)) == len(names)
    top = {n.split(".")[0] for n in names}
    assert {f.id for s in d.sections for f in s.fields} <= top


def test_cell__shapes():
    assert cell(["a", "b"]) == "a; b" and cell([]) is None and cell("") is None
    assert cell([{"name": "acte.pdf", "size": 3}]) == '[{"name":"acte.pdf","size":3}]'
    assert cell(12.5) == 12.5 and cell(False) is False
