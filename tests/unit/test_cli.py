"""The designer CLI: guichet check / schema / validate, with their exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from web.cli import main

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_check__all_forms__exit_0(run):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert "2 definition(s) OK" in result.output


def test_check__broken_file__exit_1_with_file_line(run):
    result = run("check", FIXTURES / "many_errors.yaml")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ".yaml:" in line]
    assert [line.split(": ")[0].rsplit(":", 1)[1] for line in lines] == ["3", "15", "21"]


def test_schema__section__prints_draft_2020_12_schema(run):
    result = run("schema", "accompagnement-quebec", "identification")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "numero_mifi" in schema["properties"]


def test_schema__whole_dossier__refuses_unknown_properties(run):
    schema = json.loads(run("schema", "accompagnement-quebec").stdout)
    assert schema["additionalProperties"] is False


def test_validate__valid_answers__exit_0_empty_list(run, tmp_path, valid_aq_answers):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(valid_aq_answers))
    result = run("validate", "accompagnement-quebec", path)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_validate__invalid_answers_english__exit_1_english_messages(run, tmp_path,
                                                                     valid_aq_answers):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**valid_aq_answers, "numero_mifi": "8765+321"}))
    result = run("validate", "accompagnement-quebec", path, "--lang", "en")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "section": "identification", "field": "numero_mifi",
        "message": "The individual reference number must have 8 to 11 letters or digits "
                   "and nothing else."}]


def test_validate__french_default__french_message(run, tmp_path, valid_aq_answers):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**valid_aq_answers, "a_numero_mifi": False}))
    result = run("validate", "accompagnement-quebec", path)
    assert result.exit_code == 1
    assert "au moins un des deux numéros" in json.loads(result.stdout)[0]["message"]


@pytest.mark.parametrize("content", ["not json", "[1, 2]", "\xff\xfe"])
def test_validate__not_an_object__exit_2(run, tmp_path, content):
    path = tmp_path / "a.json"
    path.write_bytes(content.encode("latin-1"))
    assert run("validate", "accompagnement-quebec", path).exit_code == 2


def test_validate__unknown_type__exit_2(run, tmp_path):
    path = tmp_path / "a.json"
    path.write_text("{}")
    assert run("validate", "nope", path).exit_code == 2
