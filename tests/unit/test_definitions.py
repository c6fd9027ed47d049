"""Every definition a designer wrote in forms/ compiles, with valid schemas and both
languages (one test per file, whatever the files are); the tests' own types cover every
kind of question; broken definitions give coded errors at the right line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from engine import ErrorCode, convert
from engine.errors import error
from engine.model import FieldRef, condition_fields
from engine.pipeline import definition_paths, forms_dir
from engine.typed_text import NORMALIZERS
from tests import definitions

FIXTURES = Path(__file__).parent.parent / "fixtures"
SHIPPED = pytest.mark.parametrize("path", definition_paths(), ids=lambda p: p.name)


@SHIPPED
def test_forms__shipped_definition__compiles_without_errors(path):
    result = convert(path)
    assert result.errors == []
    assert result.compiled is not None
    assert set(result.compiled.sections) == {s.id for s in result.definition.sections}


@SHIPPED
def test_forms__shipped_definition__schemas_valid_draft_2020_12_every_question_in_them(path):
    compiled = convert(path).compiled
    Draft202012Validator.check_schema(compiled.schema)
    assert set(compiled.schema["properties"]) == set(compiled.definition.all_fields())
    assert compiled.schema["additionalProperties"] is False
    for section in compiled.definition.sections:
        schema = compiled.sections[section.id].schema
        Draft202012Validator.check_schema(schema)
        assert set(schema["properties"]) == {f.id for f in section.fields}


@SHIPPED
def test_forms__dossier_schema__each_answer_judged_once(path):
    """Each answer's schema is in the dossier's top-level `properties` only: a section's
    part of its `allOf` keeps its clauses, not a second copy of its answers' schemas
    (which doubled the cost of validating a dossier: bench/NOTES.md, #15 scale)."""
    schema = convert(path).compiled.schema
    for part in schema["allOf"]:
        assert "properties" not in part.get("then", part)
        assert "$defs" not in part.get("then", part)


@SHIPPED
def test_translations__every_shipped_text__has_fr_and_en(path):
    from engine.check import _texts

    for text in _texts(convert(path).compiled.definition):
        assert text.fr.strip() and text.en.strip(), text


@SHIPPED
def test_forms__pattern_expecting_digits__digits_of_any_script_accepted(path):
    """A number typed on a full-width, Arabic-Indic or Devanagari keyboard, or with an en
    dash, is the same number: every field whose pattern expects digits says so."""
    for f in convert(path).compiled.definition.all_fields().values():
        if f.pattern and ("0-9" in f.pattern or "\\d" in f.pattern):
            assert {"digits", "remove_spaces_hyphens"} <= set(f.normalize), f.id


def test_meta_schema__normalize_names__exactly_the_engine_normalizers():
    meta = json.loads((forms_dir() / "definition.schema.json").read_text())
    branches = [b["then"]["properties"] for b in meta["$defs"]["field"]["allOf"]]
    names = [p["normalize"]["items"]["enum"] for p in branches if "normalize" in p]
    assert names and all(sorted(n) == sorted(NORMALIZERS) for n in names)


def test_test_definitions__every_question_type_and_condition__used():
    """tests/definitions/ must keep exercising what designers may write."""
    meta = json.loads((forms_dir() / "definition.schema.json").read_text(encoding="utf-8"))
    kinds = set(meta["$defs"]["field"]["properties"]["type"]["enum"])
    fields = [f for c in definitions.registry() for f in c.definition.all_fields().values()]
    assert {f.type for f in fields} == kinds
    tests = [t for f in fields for t in condition_fields(f.when)] + [
        t for f in fields for o in f.options for t in condition_fields(o.when)]
    assert {t.op for t in tests} == {"eq", "in", "contains", "answered", "gt", "le"}
    assert any(isinstance(t.value, FieldRef) for t in tests)
    assert any(s.when for c in definitions.registry() for s in c.definition.sections)
    assert any(o.when for f in fields for o in f.options)
    assert {f.type for f in fields if f.mask} and {n for f in fields for n in f.normalize} >= {
        "strip", "remove_spaces_hyphens", "upper", "collapse_spaces"}


def _errors(name: str):
    path = FIXTURES / name
    return path, [str(e) for e in convert(path).errors]


def expected(code: ErrorCode, path: Path, line: int, **params) -> str:
    return str(error(code, str(path), line, **params))


@pytest.mark.parametrize(
    ("fixture", "code", "line", "params"),
    [
        ("unknown_field.yaml", ErrorCode.UNKNOWN_FIELD, 15, {"field": "a_enfants"}),
        ("duplicate_id.yaml", ErrorCode.DUPLICATE_ID, 13,
         {"kind": "field", "id": "nom", "first_line": 10}),
        ("missing_en.yaml", ErrorCode.MISSING_TRANSLATION, 13, {"lang": "en"}),
        ("option_without_label.yaml", ErrorCode.OPTION_WITHOUT_LABEL, 15,
         {"value": "vert", "field": "couleur"}),
        ("unknown_state.yaml", ErrorCode.UNKNOWN_STATE, 20,
         {"transition": "archive", "state": "archived"}),
        ("unreachable_state.yaml", ErrorCode.UNREACHABLE_STATE, 18,
         {"state": "archived", "initial": "draft"}),
        ("impossible_value.yaml", ErrorCode.IMPOSSIBLE_VALUE, 15,
         {"field": "a_enfant", "value": "oui", "expected": "true or false"}),
    ],
)
def test_check__broken_fixture__reports_coded_error_at_line(fixture, code, line, params):
    path, errors = _errors(fixture)
    assert errors == [expected(code, path, line, **params)]


def test_check__several_mistakes__all_reported_sorted_by_line():
    path, errors = _errors("many_errors.yaml")
    assert errors == [
        expected(ErrorCode.MISSING_TRANSLATION, path, 3, lang="en"),
        expected(ErrorCode.UNKNOWN_FIELD, path, 15, field="inconnu"),
        expected(ErrorCode.UNREACHABLE_STATE, path, 21, state="lost", initial="draft"),
    ]


def test_check__wrong_shape__meta_schema_errors_name_place_and_line():
    path, errors = _errors("bad_shape.yaml")
    assert errors[0] == expected(ErrorCode.WRONG_KIND, path, 2, where="`version`",
                                 got="the text `one`", expected="a whole number")
    assert len(errors) == 2
    assert errors[1].startswith(f"{path}:11: section `main`, question ")
    assert "`type`: `paragraph` is not allowed here" in errors[1]


def test_check__unknown_autocomplete_token__meta_schema_refuses_it_at_its_line():
    path, errors = _errors("unknown_autocomplete.yaml")
    assert errors == [expected(
        ErrorCode.BAD_FORM, path, 16, where="section `main`, question `joindre`, `autocomplete`",
        value="cellphone",
        rule="is not an HTML autocomplete value: write a WHATWG autofill "
             "token such as 'given-name', 'email' or 'mobile tel-national'")]


def test_check__telephone_token_on_another_type__refused_and_the_reverse_too():
    path, errors = _errors("autocomplete_type.yaml")
    assert errors == [
        expected(ErrorCode.AUTOCOMPLETE_TYPE, path, 10, field="joindre", type="text",
                 autocomplete="work tel-national", says="asks for a telephone number"),
        expected(ErrorCode.AUTOCOMPLETE_TYPE, path, 14, field="pays", type="tel",
                 autocomplete="country-name", says="is not a telephone token"),
    ]


def test_check__not_yaml__syntax_error_with_line():
    path, errors = _errors("not_yaml.yaml")
    assert len(errors) == 1
    assert errors[0].startswith(f"{path}:4: This file is not valid YAML")
    assert "line 2" in errors[0]


def test_load__python_tags__refused_by_safe_loader(tmp_path):
    evil = tmp_path / "evil.yaml"
    evil.write_text("id: !!python/object/apply:os.system ['echo hacked']\n")
    errors = [str(e) for e in convert(evil).errors]
    assert len(errors) == 1 and "not valid YAML" in errors[0]


def test_check__a_key_written_twice__error_at_the_second_naming_the_first(tmp_path):
    twice = tmp_path / "twice.yaml"
    twice.write_text("id: essai\nversion: 1\nversion: 2\n")
    errors = [str(e) for e in convert(twice).errors]
    assert len(errors) == 1
    assert errors[0].startswith(f"{twice}:3: This file is not valid YAML")
    assert "duplicate key 'version' (first on line 2)" in errors[0]


def test_load__a_merged_key_written_again__overrides_it_a_key_twice_still_refused():
    """YAML merge keys (`<<: *anchor`) are read as YAML says: a key written next to the
    merge replaces the merged one (a case's answers over a shared dossier); a key written
    twice by hand is still the designer's slip."""
    from engine.load import YamlSyntaxError, load_text, plain

    text = "a: &x {p: 1, q: 2}\nb: {<<: *x, q: 3}\n"
    assert plain(load_text(text)) == {"a": {"p": 1, "q": 2}, "b": {"p": 1, "q": 3}}
    with pytest.raises(YamlSyntaxError, match="duplicate key 'q'"):
        load_text("a: &x {p: 1}\nb: {<<: *x, q: 3, q: 4}\n")
