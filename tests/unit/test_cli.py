"""The designer CLI: guichet check / schema / validate, with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.pipeline import definition_paths
from tests.definitions import DIRECTORY, ESSAI
from web.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


@pytest.fixture
def test_types(monkeypatch):
    """`guichet schema` and `validate` compile "forms/": here, tests/definitions/."""
    monkeypatch.setattr("engine.pipeline.forms_dir", lambda: DIRECTORY)


def test_check__all_forms__exit_0(run):
    result = run("check")
    assert result.exit_code == 0, result.output
    shipped = definition_paths()  # however many types forms/ holds
    assert f"{len(shipped)} definition(s) OK: " in result.output
    assert all(str(path) in result.output for path in shipped)


def test_check__broken_file__exit_1_with_file_line(run):
    result = run("check", FIXTURES / "many_errors.yaml")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ".yaml:" in line]
    assert [line.split(": ")[0].rsplit(":", 1)[1] for line in lines] == ["3", "15", "21"]


def test_schema__section__prints_draft_2020_12_schema(run, test_types):
    result = run("schema", ESSAI, "identite")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "numero" in schema["properties"]


def test_schema__whole_dossier__refuses_unknown_properties(run, test_types):
    schema = json.loads(run("schema", ESSAI).stdout)
    assert schema["additionalProperties"] is False


def test_validate__valid_answers__exit_0_empty_list(run, tmp_path, test_types, valid_answers):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(valid_answers))
    result = run("validate", ESSAI, path)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_validate__invalid_answers_english__exit_1_english_messages(run, tmp_path, test_types,
                                                                     valid_answers):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**valid_answers, "numero": "8765+321"}))
    result = run("validate", ESSAI, path, "--lang", "en")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "section": "identite", "field": "numero",
        "message": "The test number must have 8 digits."}]


def test_validate__french_default__french_message(run, tmp_path, test_types, valid_answers):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**valid_answers, "a_numero": False}))
    result = run("validate", ESSAI, path)
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0]["message"] == (
        "Donnez au moins l'un des deux : votre numéro d'essai ou votre code de parrainage.")


@pytest.mark.parametrize("content", ["not json", "[1, 2]", "\xff\xfe"])
def test_validate__not_an_object__exit_2(run, tmp_path, test_types, content):
    path = tmp_path / "a.json"
    path.write_bytes(content.encode("latin-1"))
    assert run("validate", ESSAI, path).exit_code == 2


def test_validate__unknown_type__exit_2(run, tmp_path, test_types):
    path = tmp_path / "a.json"
    path.write_text("{}")
    assert run("validate", "nope", path).exit_code == 2


# --- guichet diff OLD NEW (the cases of every kind are in test_diff.py) --------------


def _versions(tmp_path, edits):
    from tests.unit.test_diff import BASE, edited

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(BASE, encoding="utf-8")
    new.write_text(edited(edits), encoding="utf-8")
    return old, new


def test_diff__only_compatible_changes__exit_0_one_line_each(run, tmp_path):
    from tests.unit.test_diff import line_of

    old, new = _versions(tmp_path, [("label: {fr: Choix,", "label: {fr: Option,")])
    result = run("diff", old, new)
    assert result.exit_code == 0, result.output
    line = line_of(new.read_text(encoding="utf-8"), "label: {fr: Option,")
    assert result.stdout.splitlines() == [
        f"{new}:{line}: compatible: The label of the field 'choix' changed.",
        "1 change(s): 1 compatible"]


def test_diff__removal_and_new_question__exit_1_migrations_first(run, tmp_path):
    from tests.unit.test_diff import DEUX, line_of

    old, new = _versions(tmp_path, [(DEUX, ""), ("label: {fr: Choix,", "label: {fr: Option,"),
                                    ("max_length: 8", "max_length: 6")])
    result = run("diff", old, new)
    assert result.exit_code == 1, result.output
    new_text = new.read_text(encoding="utf-8")
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{old}:{line_of(old.read_text(encoding='utf-8'), 'value: deux')}: needs_migration: "
        "The option 'deux' of the field 'choix' was removed (or renamed: declare it in "
        "`migrations`); answers that chose it no longer fit.")
    assert lines[1].startswith(f"{new}:{line_of(new_text, 'max_length: 6')}: asks_new: ")
    assert lines[2].startswith(f"{new}:{line_of(new_text, 'label: {fr: Option,')}: compatible: ")
    assert lines[3] == "3 change(s): 1 needs_migration, 1 asks_new, 1 compatible"


def test_diff__same_content__exit_0_no_change(run, tmp_path):
    old, _ = _versions(tmp_path, [])
    result = run("diff", old, old)
    assert (result.exit_code, result.stdout) == (0, "No change.\n")


def test_diff__broken_new_file__exit_2_with_checker_errors(run, tmp_path):
    from tests.unit.test_diff import line_of

    old, new = _versions(tmp_path, [("to: envoye", "to: nulle_part")])
    result = run("diff", old, new)
    assert result.exit_code == 2
    line = line_of(new.read_text(encoding="utf-8"), "- id: envoyer")
    assert f"{new}:{line}: The transition 'envoyer' refers to the state 'nulle_part'" in (
        result.stderr)
    assert result.stdout == ""


def test_diff__old_file_not_utf8__exit_2_naming_it(run, tmp_path):
    old, new = _versions(tmp_path, [])
    old.write_bytes(b"\xff\xfe")
    result = run("diff", old, new)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{old}:1: This file is not UTF-8 text")
