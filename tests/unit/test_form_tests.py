"""Per-form tests (engine/formtests.py, `guichet test`): every definition of forms/
passes its own cases (forms/<id>.tests.yaml) with nothing left uncovered; a change to a
definition that breaks a case fails, naming the case, its file:line and the difference;
a mistake in a tests file is reported at file:line, never as a traceback.

The shipped forms are walked by file, never by name; the runner's own behaviour is shown
on a copy of tests/definitions/essai.yaml, with cases written here.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import convert
from engine.errors import ErrorCode, error
from engine.formtests import load_tests, run_tests
from engine.pipeline import definition_path, definition_paths, forms_dir
from engine.pipeline import tests_path as cases_file
from engine.recap import MASK, build_recap
from engine.validate import validate
from tests.definitions import DIRECTORY, valid_answers
from web.cli import main

SHIPPED = definition_paths()


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


# --- the shipped forms ---------------------------------------------------------------------


def test_shipped_forms__each_has_a_tests_file_never_read_as_a_definition():
    assert SHIPPED and all(not p.name.endswith(".tests.yaml") for p in SHIPPED)
    for path in SHIPPED:
        assert cases_file(path).exists(), f"{path.name} has no tests file"
        assert definition_path(cases_file(path)) == path


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_form__every_case_passes__every_condition_rule_and_message_covered(path):
    outcome = run_tests(path, with_coverage=True)
    assert outcome.errors == [] and outcome.tests is not None
    assert [str(f) for f in outcome.failures] == []
    assert [str(g) for g in outcome.gaps] == []
    assert outcome.cases >= 15


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_form__messages_in_both_languages__masked_answers_never_in_a_recap(path):
    """What the cases' answers give, beyond what each case says: every error's message
    in French and English (not the same text), the designer's own where declared; and
    a masked answer's value appears nowhere in a recap, in either language."""
    compiled = convert(path).compiled
    runs, mistakes = load_tests(compiled, cases_file(path).read_text("utf-8"), str(path))
    assert mistakes == []
    fields = {**compiled.definition.all_fields(),
              **{k: c for k, (_, c) in compiled.definition.nested_fields().items()}}
    for case in runs:
        for e in validate(compiled, case.answers):
            assert e.message.fr and e.message.en and e.message.fr != e.message.en, e
            f = fields.get(e.item[1] if e.item else e.field)
            if f is not None and e.kind in f.messages and not e.part:
                assert e.message.line == f.messages[e.kind].line, (case.label, e)
        masked = [f for f in compiled.definition.all_fields().values() if f.mask]
        for lang in ("fr", "en"):
            recap = build_recap(compiled, case.answers, lang)
            items = {i.field: i.value for s in recap.sections for i in s.items}
            for f in masked:
                value = case.answers.get(f.id)
                if f.id in items and items[f.id] != "":
                    assert items[f.id] == MASK, case.label
                if isinstance(value, str) and len(value) > 3:
                    assert value not in str(recap), case.label


def test_cli_test__all_forms__exit_0_with_a_summary(run):
    result = run("test", "--coverage")
    assert result.exit_code == 0, result.output
    for path in SHIPPED:
        assert f"{cases_file(path)}: " in result.output
    assert re.search(rf"{len(SHIPPED)} definition\(s\), \d+ case\(s\), \d+ run\(s\): "
                     r"all passed\.", result.output)


# --- the runner, on a copy of a test definition ------------------------------------------

ESSAI_TESTS = "base: " + json.dumps(valid_answers()) + """
cases:
  - name: the test number alone is enough
    expect:
      valid_sections: [identite]
      shown: [numero]
      recap: {numero: XXXXXXXXXX}

  - name: a test number of 7 digits
    answers: {numero: "1234567"}
    expect:
      errors: {numero: {rule: pattern, message: 8 chiffres}}
"""


@pytest.fixture
def essai(tmp_path):
    """A copy of essai.yaml and its tests file (ESSAI_TESTS) in a folder of their own."""
    definition = tmp_path / "essai.yaml"
    shutil.copy(DIRECTORY / "essai.yaml", definition)
    cases_file(definition).write_text(ESSAI_TESTS, encoding="utf-8")
    return definition


def _line_of(path: Path, text: str, after: str = "") -> int:
    """The 1-based line of the first `text` in `path` after the line holding `after`."""
    lines = path.read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line)
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def test_cli_test__passing_cases__exit_0(run, essai):
    result = run("test", essai)
    assert result.exit_code == 0, result.output
    assert "2 case(s), 2 run(s), 0 failure(s)" in result.output


def test_cli_test__a_changed_pattern_breaks_a_case__exit_1_case_line_and_difference(run, essai):
    text = essai.read_text("utf-8")
    essai.write_text(text.replace('pattern: "^[0-9]{8}$"', 'pattern: "^[0-9]{7,8}$"'),
                     encoding="utf-8")
    result = run("test", essai.parent)
    assert result.exit_code == 1
    tests = cases_file(essai)
    line = _line_of(tests, "errors:", after="a test number of 7 digits")
    assert (f"{tests}:{line}: case 'a test number of 7 digits': expected errors "
            "{numero: {rule: pattern, message: 8 chiffres}}, got {}") in result.output
    assert "1 failure(s)" in result.output


def test_cli_test__a_changed_condition_breaks_a_case__each_expectation_named(run, essai):
    text = essai.read_text("utf-8")
    essai.write_text(text.replace("when: {a_numero: true}", "when: {a_numero: false}"),
                     encoding="utf-8")
    result = run("test", cases_file(essai))
    assert result.exit_code == 1
    tests = cases_file(essai)
    first = "case 'the test number alone is enough'"
    assert (f"{tests}:{_line_of(tests, 'shown:')}: {first}: expected 'numero' shown, "
            "got hidden") in result.output
    assert f"{first}: expected the recap of numero XXXXXXXXXX, got absent" in result.output


def test_cli_test__coverage__what_no_case_exercises_at_the_definitions_line(run, essai):
    result = run("test", "--coverage", essai)
    assert result.exit_code == 1
    compiled = convert(essai).compiled
    code = next(f for f in compiled.definition.all_fields().values() if f.id == "code")
    expected = error(ErrorCode.TEST_NOT_COVERED, str(essai), code.messages["pattern"].line,
                     what="gives the message `pattern` of 'code'", tests="essai.tests.yaml")
    assert str(expected) in result.output
    assert "not covered" in result.output


@pytest.mark.parametrize(("tests_text", "code", "params", "at"), [
    ("- name: x\n  expect: {shwon: [numero]}\n", ErrorCode.TESTS_UNKNOWN_KEY,
     {"key": "shwon", "where": "case 'x', `expect`", "hint": " (did you mean `shown`?)"}, 2),
    ("- name: x\n  answers: {numro: '1'}\n", ErrorCode.TESTS_UNKNOWN_ID,
     {"case": "x", "what": "the question", "id": "numro", "definition": "essai",
      "hint": " (did you mean 'numero'?)"}, 2),
    ("- name: x\n  expect:\n    valid_sections: [identity]\n", ErrorCode.TESTS_UNKNOWN_ID,
     {"case": "x", "what": "the section", "id": "identity", "definition": "essai",
      "hint": " (did you mean 'identite'?)"}, 3),
    ("cases: {name: x}\n", ErrorCode.TESTS_SHAPE, {"problem": "no list of cases found"}, 1),
    ("- answers: {}\n", ErrorCode.TESTS_SHAPE, {"problem": "case 1 has no `name: ...`"}, 1),
    ("- name: x\n  today: tomorrow\n", ErrorCode.TESTS_BAD_VALUE,
     {"where": "case 'x'", "problem": "'tomorrow' is not a date YYYY-MM-DD"}, 2),
])
def test_cli_test__a_mistake_in_the_tests_file__exit_2_at_its_line(run, essai, tests_text,
                                                                   code, params, at):
    tests = cases_file(essai)
    tests.write_text(tests_text, encoding="utf-8")
    result = run("test", essai)
    assert result.exit_code == 2
    if code is ErrorCode.TESTS_UNKNOWN_KEY:
        params["known"] = ", ".join(__import__("engine.formtests").formtests.EXPECT_KEYS)
    assert str(error(code, str(tests), at, **params)) in result.output
    assert "Traceback" not in result.output


def test_cli_test__misspelt_name_key__one_did_you_mean_not_a_missing_name(run, essai):
    from engine.formtests import CASE_KEYS

    tests = cases_file(essai)
    tests.write_text("- nme: x\n  answers: {}\n", encoding="utf-8")
    result = run("test", essai)
    assert result.exit_code == 2
    assert str(error(ErrorCode.TESTS_UNKNOWN_KEY, str(tests), 1, key="nme", where="case 1",
                     hint=" (did you mean `name`?)", known=", ".join(CASE_KEYS))) in result.output
    assert "has no `name" not in result.output


def test_cli_test__tests_file_not_yaml__exit_2_at_its_line(run, essai):
    cases_file(essai).write_text("- name: x\n  answers: {a: [1}\n", encoding="utf-8")
    result = run("test", essai)
    assert result.exit_code == 2
    assert f"{cases_file(essai)}:2: This file is not valid YAML" in result.output


def test_cli_test__definition_with_check_errors__exit_2_printing_them(run, essai):
    text = essai.read_text("utf-8")
    essai.write_text(text.replace("when: {a_numero: true}", "when: {a_numeor: true}"),
                     encoding="utf-8")
    result = run("test", essai)
    assert result.exit_code == 2
    assert f"{essai}:" in result.output and "a_numeor" in result.output


def test_cli_test__without_tests_file__noted_in_a_folder_failed_when_named(run, tmp_path):
    definition = tmp_path / "essai.yaml"
    shutil.copy(DIRECTORY / "essai.yaml", definition)
    in_folder = run("test", tmp_path)
    assert in_folder.exit_code == 0
    assert f"{definition}: no tests file (essai.tests.yaml)" in in_folder.output
    assert run("test", definition).exit_code == 1


def test_definition_paths__a_folder_never_yields_its_tests_files(essai):
    assert definition_paths([essai.parent]) == [essai]


def test_definition_paths__a_tests_file_named__stands_for_its_definition_once(essai):
    assert definition_paths([essai, cases_file(essai)]) == [essai]


def test_check__every_file_of_a_shell_glob__each_definition_once_tests_files_checked(run,
                                                                                 essai):
    result = run("check", *sorted(essai.parent.glob("*.yaml")))
    assert result.exit_code == 0, result.output
    assert f"1 definition(s) OK: {essai}" in result.output
    cases_file(essai).write_text("- name: x\n  answers: {numro: '1'}\n", encoding="utf-8")
    result = run("check", essai)
    assert result.exit_code == 1
    assert str(error(ErrorCode.TESTS_UNKNOWN_ID, str(cases_file(essai)), 2, case="x",
                     what="the question", id="numro", definition="essai",
                     hint=" (did you mean 'numero'?)")) in result.output


def test_shipped_tests_files_sit_in_forms():
    assert sorted(forms_dir().glob("*.tests.yaml")) == sorted(cases_file(p) for p in SHIPPED)


# --- guichet validate PATH ANSWERS.json ------------------------------------------------------


def test_validate__a_draft_file_outside_forms__validated_like_a_type(run, tmp_path):
    draft = tmp_path / "brouillon.yaml"
    shutil.copy(DIRECTORY / "essai.yaml", draft)
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"a_numero": True, "numero": "1234567"}), encoding="utf-8")
    result = run("validate", draft, answers, "--lang", "en")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)
    assert {"section": "identite", "field": "numero",
            "message": "The test number must have 8 digits."} in errors


def test_validate__a_draft_with_check_errors__exit_2_with_file_line(run, tmp_path):
    draft = tmp_path / "brouillon.yaml"
    text = (DIRECTORY / "essai.yaml").read_text("utf-8")
    draft.write_text(text.replace("when: {a_numero: true}", "when: {a_numeor: true}"),
                     encoding="utf-8")
    answers = tmp_path / "a.json"
    answers.write_text("{}", encoding="utf-8")
    result = run("validate", draft, answers)
    assert result.exit_code == 2
    line = _line_of(draft, "a_numeor")
    assert re.search(rf"{re.escape(str(draft))}:{line}: .*a_numeor", result.output)


def test_validate__a_missing_definition_file__exit_2(run, tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text("{}", encoding="utf-8")
    result = run("validate", tmp_path / "absent.yaml", answers)
    assert result.exit_code == 2
    assert "absent.yaml" in result.output


def test_tests_file__two_cases_of_one_name__every_mistake_of_both_reported(essai):
    """A name used twice is a mistake, and never hides the mistakes of either case."""
    text = """- name: same
  answer: {numero: "12345678"}
  expect:
    shown: [numro]
- name: same
  answers: {}
  expect:
    hidden: [inconnu]
    errors: {numero: patern}
"""
    compiled = convert(essai).compiled
    _, mistakes = load_tests(compiled, text, "t.yaml")
    lines_codes = [(e.line, e.code) for e in mistakes]
    assert lines_codes == [(2, ErrorCode.TESTS_UNKNOWN_KEY), (4, ErrorCode.TESTS_UNKNOWN_ID),
                           (5, ErrorCode.TESTS_BAD_VALUE), (8, ErrorCode.TESTS_UNKNOWN_ID),
                           (9, ErrorCode.TESTS_BAD_VALUE)]


def test_cli_test__a_misspelt_rule_in_expect_errors__a_mistake_with_did_you_mean(run, essai):
    from engine.formtests import rules_of

    tests = cases_file(essai)
    tests.write_text("- name: x\n  answers: {numero: '1'}\n  expect:\n"
                     "    errors: {numero: patern}\n", encoding="utf-8")
    result = run("test", essai)
    assert result.exit_code == 2
    d = convert(essai).compiled.definition
    known = rules_of(d.all_fields()["numero"]) | {
        r.id for s in d.sections for r in s.rules if r.id}
    assert str(error(ErrorCode.TESTS_BAD_VALUE, str(tests), 4,
                     where="case 'x', `expect`, the error of numero",
                     problem="no rule `patern` can give an error there (did you mean "
                             "`pattern`?): one of " + ", ".join(sorted(known)))
               ) in result.output
    assert "expected errors" not in result.output  # not run as a failing case


def test_tests_file__rules_a_place_can_give__section_rule_ids_and_designer_messages(essai):
    """A section rule's id, a field's own `messages:` key and its type's rules pass; on
    a section, only `rule`, `type` and its rules' ids."""
    compiled = convert(essai).compiled
    d = compiled.definition
    field = next(f for f in d.all_fields().values() if f.messages)
    key = next(iter(field.messages))
    section = d.sections[0].id
    text = (f"- name: x\n  expect:\n    errors: {{{field.id}: [{key}, required]}}\n"
            f"- name: y\n  expect:\n    errors: {{{section}: requird}}\n")
    _, mistakes = load_tests(compiled, text, "t.yaml")
    assert [(e.line, e.code) for e in mistakes] == [(6, ErrorCode.TESTS_BAD_VALUE)]
    assert "one of rule, type" in mistakes[0].message


def test_tests_file__expect_not_a_mapping__the_rest_of_the_case_still_checked(essai):
    text = "- name: x\n  lang: de\n  today: tomorrow\n  expect: [numero]\n"
    _, mistakes = load_tests(convert(essai).compiled, text, "t.yaml")
    assert [e.line for e in mistakes] == [2, 3, 4]
