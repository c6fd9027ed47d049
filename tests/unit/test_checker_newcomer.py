"""What a newcomer's trial of the checker found (issue 16, "a checker that explains
itself"): every YAML boolean word in any case, every option value, misspelt keys and
enum values, an unknown initial state, the lines of block values, tabs, and places named
as a designer reads them. Expected texts are built from the error catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import ErrorCode
from engine.errors import error
from engine.pipeline import convert_text
from engine.placeholders import MESSAGE

BASE = (Path(__file__).parent.parent / "fixtures" / "newcomer.yaml").read_text()
QC = "          - {value: qc, label: {fr: Québec, en: Quebec}}\n"
PROVINCE = "section `identite`, question `province`"


def errors_of(text: str) -> list[str]:
    return [str(e) for e in convert_text(text, "x.yaml").errors]


def expected(code: ErrorCode, line: int, **params) -> str:
    return str(error(code, "x.yaml", line, **params))


def test_base__the_fixture_is_valid():
    assert errors_of(BASE) == []


@pytest.mark.parametrize("word", ["ON", "On", "OFF", "YES", "Yes", "NO", "No", "TRUE",
                                  "True", "FALSE", "False"])
def test_yaml_boolean__option_value_not_lower_case__quotes_and_lower_case(word):
    """`value: ON`: quoted it still breaks the value's rule, so both pieces of advice."""
    text = BASE.replace(QC, QC + f"          - {{value: {word}, label: {{fr: X, en: X}}}}\n")
    assert errors_of(text) == [expected(
        ErrorCode.YAML_BOOLEAN_LOWER, 15, word=word, lower=word.lower(),
        rule="is not an option value: an option's value is lower-case letters, digits, `_` "
             "or `-`, starting with a letter or a digit, e.g. `le_jour`")]


@pytest.mark.parametrize("word", ["on", "true", "false", "yes"])
def test_yaml_boolean__lower_case_option_value__quotes(word):
    text = BASE.replace(QC, QC + f"          - {{value: {word}, label: {{fr: X, en: X}}}}\n")
    assert errors_of(text) == [expected(ErrorCode.YAML_BOOLEAN, 15, word=word)]


@pytest.mark.parametrize("value", ["Jour", "le jour", "Le_jour", "-x"])
def test_option_value__invalid__a_designer_sentence_not_a_type_error(value):
    text = BASE.replace(QC, QC + f"          - {{value: '{value}', label: {{fr: X, en: X}}}}\n")
    assert errors_of(text) == [expected(
        ErrorCode.BAD_FORM, 15, where=f"{PROVINCE}, option `{value}`, `value`", value=value,
        rule="is not an option value: an option's value is lower-case letters, digits, `_` "
             "or `-`, starting with a letter or a digit, e.g. `le_jour`")]


def test_option_value__a_number__wrong_kind_in_words():
    text = BASE.replace(QC, QC + "          - {value: 12, label: {fr: X, en: X}}\n")
    assert errors_of(text) == [expected(
        ErrorCode.WRONG_KIND, 15, where=f"{PROVINCE}, option `12`, `value`",
        got="the number `12`", expected="a text")]


def test_yaml_boolean__two_words_in_one_label__one_error_each():
    text = BASE.replace("{fr: Naissance, en: Birth}", "{fr: yes, en: no}").replace(
        "label: {fr: Québec, en: Quebec}", "label: {fr: Québec, en: true}")
    assert errors_of(text) == [expected(ErrorCode.YAML_BOOLEAN, 14, word="true"),
                               expected(ErrorCode.YAML_BOOLEAN, 18, word="no"),
                               expected(ErrorCode.YAML_BOOLEAN, 18, word="yes")]


def test_yaml_boolean__through_an_alias__once_at_the_anchor():
    text = BASE.replace("label: {fr: Province, en: Province}",
                        "label: {fr: Province, en: &w Off}").replace(
        "{fr: Naissance, en: Birth}", "{fr: Naissance, en: *w}").replace(
        "label: {fr: Brouillon, en: Draft}", "label: {fr: Brouillon, en: *w}")
    assert errors_of(text) == [expected(ErrorCode.YAML_BOOLEAN, 12, word="Off")]


def test_yaml_boolean__through_a_merge_key__once_at_the_anchor():
    text = BASE.replace("label: {fr: Province, en: Province}",
                        "label: &lab {fr: Province, en: Off}").replace(
        "{fr: Naissance, en: Birth}", "{<<: *lab, fr: Naissance}")
    assert errors_of(text) == [expected(ErrorCode.YAML_BOOLEAN, 12, word="Off")]


def test_misspelt_required_key__did_you_mean():
    text = BASE.replace("        type: date\n", "        typ: date\n")
    assert errors_of(text) == [expected(
        ErrorCode.UNKNOWN_KEY, 17, where="section `identite`, question `naissance`",
        key="typ", suggestion="type")]


def test_enum__close_value__did_you_mean_and_allowed_values_in_words():
    text = BASE.replace("        type: date\n", "        type: dat\n")
    found = errors_of(text)
    assert len(found) == 1
    assert found[0].startswith(expected(
        ErrorCode.NOT_ALLOWED, 17, where="section `identite`, question `naissance`, `type`",
        value="dat", suggestion="date", allowed="X").split(" Write ")[0])
    assert "`text`, `textarea`" in found[0] and "or `yesno`." in found[0]


def test_enum__drafts__two_values_in_words():
    text = BASE + "drafts: keeep\n"
    assert errors_of(text) == [expected(
        ErrorCode.NOT_ALLOWED, 26, where="`drafts`", value="keeep", suggestion="keep",
        allowed="`keep` or `migrate`")]


def test_unknown_initial_state__one_error_with_did_you_mean_no_reachability():
    text = BASE.replace("initial: brouillon", "initial: brouillonn")
    assert errors_of(text) == [expected(ErrorCode.UNKNOWN_INITIAL_STATE, 20,
                                        state="brouillonn", suggestion="brouillon")]


def test_lines__a_key_with_a_block_list__told_at_the_key():
    text = BASE.replace("        label: {fr: Naissance, en: Birth}\n",
                        "        label: {fr: Naissance, en: Birth}\n        options:\n"
                        "          - {value: a, label: {fr: A, en: A}}\n")
    assert errors_of(text)[0].startswith("x.yaml:19: ")
    misspelt = BASE.replace("        options:\n", "        option:\n")
    assert errors_of(misspelt) == [expected(ErrorCode.UNKNOWN_KEY, 13, where=PROVINCE,
                                            key="option", suggestion="options")]


def test_tab__indent_with_spaces():
    text = BASE.replace("      - id: naissance\n", "\t- id: naissance\n")
    assert errors_of(text) == [expected(ErrorCode.YAML_TAB, 16)]


def test_places__missing_workflow__the_definition_needs_it():
    text = BASE[:BASE.index("workflow:")]
    assert errors_of(text) == [expected(ErrorCode.MISSING_KEY, 1, where="the definition",
                                        key="workflow", a="a")]


def test_places__a_question_without_id__named_by_position():
    text = BASE.replace("      - id: naissance\n", "      - name: naissance\n")
    found = errors_of(text)
    assert expected(ErrorCode.MISSING_KEY, 16,
                    where="section `identite`, the 2nd question", key="id", a="an") in found


def test_placeholder_in_a_block_scalar__told_at_the_line_holding_it():
    """`fr: >-` then lines: the unknown `{numero}` is told at its own line, in a folded
    and in a literal block."""
    for style in (">-", "|"):
        text = BASE + (
            "messages:\n  recu:\n    subject: {fr: Reçu, en: Received}\n    body:\n"
            f"      fr: {style}\n        Votre dossier\n        porte le {{numero}}.\n"
            "      en: Your file {number}.\n")
        assert errors_of(text) == [expected(
            ErrorCode.UNKNOWN_PLACEHOLDER, 32, name="numero", where=MESSAGE.where,
            known=", ".join(f"{{{n}}}" for n in sorted(MESSAGE.names)))]


def test_condition_operator_misspelt__did_you_mean_from_every_kind_of_test():
    """`inn` and `gtt`: the operators of every kind of test are the known keys there."""
    when = "        label: {fr: Naissance, en: Birth}\n"
    text = BASE.replace(when, when + "        when: {province: {inn: [qc]}}\n")
    assert errors_of(text) == [expected(
        ErrorCode.UNKNOWN_KEY, 19, where="section `identite`, question `naissance`, "
        "`when.province`", key="inn", suggestion="in")]
    text = BASE.replace(when, when + "        when: {province: {gtt: 3}}\n")
    assert expected(ErrorCode.UNKNOWN_KEY, 19, where="section `identite`, question "
                    "`naissance`, `when.province`", key="gtt", suggestion="gt") in errors_of(text)


def test_transition_to_unknown_state__did_you_mean_and_no_reachability_errors():
    text = BASE.replace("to: envoye}", "to: envoyee}")
    assert errors_of(text) == [expected(ErrorCode.UNKNOWN_STATE_SUGGESTION, 25,
                                        transition="envoyer", state="envoyee",
                                        suggestion="envoye")]


def test_transition_with_a_shape_error__its_target_not_told_unreachable():
    text = BASE.replace("to: envoye}", "to: envoye, by: aplicant}")
    assert errors_of(text) == [expected(
        ErrorCode.NOT_ALLOWED, 25, where="transition `envoyer`, `by`", value="aplicant",
        suggestion="applicant", allowed="one of `applicant`, `agent`, `deadline` or `schedule`")]
