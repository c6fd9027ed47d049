"""Issue 15: comparisons in conditions (gt, ge, lt, le) and sections shown on a condition.

One implementation: the compiled condition (JSON Schema, plus engine.compare's keyword
for what JSON Schema cannot say) decides visibility, requirement, options, rules and
the submission guard; "today" is read when answers are judged, never when compiling.
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path

import jsonschema_rs
import pytest

from engine import ErrorCode, clean, convert, convert_text, validate
from engine.compare import KEYWORD, KEYWORDS, CompareKeyword, date_operand, holds, use_today
from engine.compile import condition_schema
from engine.errors import error
from engine.model import FieldRef, FieldTest
from engine.recap import build_recap
from engine.validate import SectionStatus, section_status, set_aside, visible_sections
from engine.workflow import guard_failures

from .conftest import MINIMAL, compile_sections

FIXTURES = Path(__file__).parent.parent / "fixtures"
NOON = datetime(2026, 3, 31, 12, 0)

SECTIONS = """
- id: arrivee
  title: {fr: Arrivée, en: Arrival}
  fields:
    - id: naissance
      type: date
      label: {fr: Naissance, en: Birth}
    - id: date_arrivee
      type: date
      label: {fr: Arrivée, en: Arrival}
    - id: recente
      type: text
      when: {date_arrivee: {ge: "-12m"}}
      label: {fr: Récente, en: Recent}
    - id: avant_naissance
      type: text
      required: false
      when: {date_arrivee: {lt: {field: naissance}}}
      label: {fr: Avant, en: Before}
    - id: fenetre
      type: text
      required: false
      when: {date_arrivee: {gt: "2020-01-01", le: today}}
      label: {fr: Fenêtre, en: Window}
- id: conjoint
  title: {fr: Conjoint, en: Spouse}
  when: {naissance: {le: "-18y"}}
  fields:
    - id: nom_conjoint
      type: text
      label: {fr: Nom du conjoint, en: Spouse's name}
"""


@pytest.fixture
def frozen_today():
    """Conditions' "today" is 2026-03-31 for the test, then back to what it was."""
    previous = use_today(lambda: date(2026, 3, 31))
    yield date(2026, 3, 31)
    use_today(previous)


@pytest.fixture(scope="module")
def compiled():
    return compile_sections(SECTIONS)


# --- engine.compare -------------------------------------------------------------------


@pytest.mark.parametrize(("operand", "expected"), [
    ("today", date(2025, 1, 31)),
    ("+1m", date(2025, 2, 28)),  # calendar arithmetic: the end of February
    ("-12m", date(2024, 1, 31)),
    ("+1y", date(2026, 1, 31)),
    ("-120y", date(1905, 1, 31)),
    ("-30d", date(2025, 1, 1)),
    ("+2w", date(2025, 2, 14)),
    ("2024-02-29", date(2024, 2, 29)),
    ("2025-02-29", None),
    ("12m", None),
    ("-1.5y", None),
    ("aujourd'hui", None),
])
def test_date_operand__dates_today_offsets__calendar_dates_else_none(operand, expected):
    assert date_operand(operand, date(2025, 1, 31)) == expected


@pytest.mark.parametrize("answer", [None, "", "2025-02-30", "31/01/2025", "20250131", 5, True,
                                    ["2025-01-01"], {"a": 1}])
def test_holds__unanswered_or_malformed__false_never_raises(answer):
    answers = {} if answer is None else {"d": answer, "e": "2020-01-01"}
    for op in ("gt", "ge", "lt", "le"):
        for than in ("today", "-1y", "1999-01-01", {"field": "e"}, {"field": "absent"}):
            assert holds(answers, "d", op, than, date(2025, 1, 31)) is False


def test_holds__numbers_and_fields__compared_by_kind():
    answers = {"revenu": 60000, "plafond": 50000, "debut": "2024-05-01", "fin": "2024-06-01"}
    assert holds(answers, "revenu", "gt", 50000)
    assert not holds(answers, "revenu", "le", 50000)
    assert holds(answers, "revenu", "gt", {"field": "plafond"})
    assert holds(answers, "debut", "lt", {"field": "fin"})
    assert not holds(answers, "debut", "ge", {"field": "fin"})
    assert not holds(answers, "debut", "lt", {"field": "revenu"})  # a date and a number


# --- compile ----------------------------------------------------------------------------


@pytest.mark.parametrize(("op", "keyword"), [("gt", "exclusiveMinimum"), ("ge", "minimum"),
                                             ("lt", "exclusiveMaximum"), ("le", "maximum")])
def test_compile__number_literal__plain_json_schema_bound(op, keyword):
    schema = condition_schema(FieldTest("revenu", op, 50000, 1))
    assert schema == {"properties": {"revenu": {"type": "number", keyword: 50000}},
                      "required": ["revenu"]}
    check = jsonschema_rs.Draft202012Validator(schema)
    assert [check.is_valid({"revenu": v}) for v in (49999, 50000, 50001)] == {
        "gt": [False, False, True], "ge": [False, True, True],
        "lt": [True, False, False], "le": [True, True, False]}[op]
    assert not check.is_valid({}) and not check.is_valid({"revenu": "60000"})


def test_compile__dates_today_offsets_fields__engine_keyword_not_a_frozen_date():
    assert condition_schema(FieldTest("d", "ge", "-12m", 1)) == {
        "required": ["d"], KEYWORD: {"field": "d", "op": "ge", "than": "-12m"}}
    assert condition_schema(FieldTest("d", "lt", FieldRef("n"), 1))[KEYWORD]["than"] == {
        "field": "n"}
    assert KEYWORDS[KEYWORD] is CompareKeyword  # beside the field types' own keywords


def test_compile__several_operators_on_one_field__all_of_them(compiled):
    window = compiled.sections["arrivee"].section.field("fenetre").when
    assert [(t.op, t.value) for t in window.items] == [("gt", "2020-01-01"), ("le", "today")]


def test_compile__conditions_read__include_compared_fields_and_section_conditions(compiled):
    assert compiled.read_by_conditions == {"date_arrivee", "naissance"}


# --- visibility, requirement, validation: one implementation --------------------------


def test_visibility__offset_from_today__read_when_judged_not_when_compiled(compiled):
    answers = {"naissance": "1980-01-01", "date_arrivee": "2025-04-01", "recente": "oui"}
    previous = use_today(lambda: date(2026, 3, 31))
    try:
        assert "recente" in clean(compiled, answers)
        assert validate(compiled, {k: v for k, v in answers.items() if k != "recente"})
        use_today(lambda: date(2026, 4, 2))  # a year and a day later: no longer recent
        assert "recente" not in clean(compiled, answers)
    finally:
        use_today(previous)


def test_visibility__another_field_and_window(compiled, frozen_today):
    base = {"naissance": "1980-01-01", "nom_conjoint": "X"}
    shown = clean(compiled, {**base, "date_arrivee": "1979-12-31", "avant_naissance": "x",
                             "fenetre": "y"})
    assert "avant_naissance" in shown and "fenetre" not in shown
    shown = clean(compiled, {**base, "date_arrivee": "2021-06-01", "avant_naissance": "x",
                             "fenetre": "y"})
    assert "avant_naissance" not in shown and "fenetre" in shown
    malformed = clean(compiled, {**base, "date_arrivee": "2021-02-30", "fenetre": "y"})
    assert "fenetre" not in malformed


def test_rule__comparison_in_require__its_message_when_false(frozen_today):
    compiled = compile_sections("""
    - id: s
      title: {fr: S, en: S}
      fields:
        - id: debut
          type: date
          label: {fr: Début, en: Start}
        - id: fin
          type: date
          label: {fr: Fin, en: End}
      rules:
        - require: {fin: {ge: {field: debut}}}
          fields: [fin]
          message: {fr: La fin suit le début., en: The end follows the start.}
    """)
    errors = validate(compiled, {"debut": "2025-05-01", "fin": "2025-04-30"})
    assert [(e.field, e.kind) for e in errors] == [("fin", "rule")]
    assert validate(compiled, {"debut": "2025-05-01", "fin": "2025-05-01"}) == []


# --- sections shown on a condition ------------------------------------------------------


def test_section_when__minor__hidden_answers_dropped_not_required_not_in_recap(
        compiled, frozen_today):
    minor = {"naissance": "2015-01-01", "date_arrivee": "2020-01-01", "nom_conjoint": "X"}
    cleaned = clean(compiled, minor)
    assert "nom_conjoint" not in cleaned
    assert [s.id for s in visible_sections(compiled, cleaned)] == ["arrivee"]
    assert section_status(compiled, "conjoint", cleaned) is SectionStatus.HIDDEN
    assert validate(compiled, minor) == []
    assert compiled.validator.is_valid(cleaned)
    assert not compiled.validator.is_valid({**cleaned, "nom_conjoint": "X"})
    assert [s.id for s in build_recap(compiled, minor).sections] == ["arrivee"]
    send = compiled.definition.workflow.transition("send")
    assert guard_failures(compiled, send, "draft", minor, None, NOON, birth_date=None) == []
    lost = set_aside(compiled, {"nom_conjoint": "X", **minor}, minor, cleaned)
    assert [(x.field_id, x.why) for x in lost] == [("nom_conjoint", "hidden")]


def test_section_when__adult__shown_and_required(compiled, frozen_today):
    adult = {"naissance": "1980-01-01", "date_arrivee": "2020-01-01"}
    cleaned = clean(compiled, adult)
    assert section_status(compiled, "conjoint", cleaned) is SectionStatus.NOT_STARTED
    assert [(e.section, e.field) for e in validate(compiled, adult)] == [
        ("conjoint", "nom_conjoint")]
    send = compiled.definition.workflow.transition("send")
    failures = guard_failures(compiled, send, "draft", adult, None, NOON, birth_date=None)
    assert [f.section for f in failures] == ["conjoint"]


# --- the checker ------------------------------------------------------------------------


def _expected(name: str, *errors: tuple[ErrorCode, int, dict]) -> list[str]:
    path = str(FIXTURES / name)
    return [str(error(code, path, line, **params)) for code, line, params in errors]


def test_check__bad_comparisons__each_error_at_its_line():
    path = FIXTURES / "bad_comparisons.yaml"
    assert [str(e) for e in convert(path).errors] == _expected(
        "bad_comparisons.yaml",
        (ErrorCode.OPERATOR_MISMATCH, 18, {"operator": "gt", "field": "nom", "type": "text",
                                           "applies_to": "dates and numbers"}),
        (ErrorCode.COMPARISON_MISMATCH, 22, {"kind": "date", "field": "naissance",
                                             "operand": "18"}),
        (ErrorCode.BAD_COMPARISON_OPERAND, 26, {"field": "naissance", "operand": "-12x"}),
        (ErrorCode.BAD_COMPARISON_OPERAND, 30, {"field": "naissance", "operand": "2025-02-30"}),
        (ErrorCode.UNKNOWN_FIELD, 34, {"field": "inconnu"}),
        (ErrorCode.COMPARISON_MISMATCH, 38, {"kind": "date", "field": "naissance",
                                             "operand": "the text field 'nom'"}),
        (ErrorCode.FORWARD_REFERENCE, 42, {"field": "g", "other": "arrivee"}),
        (ErrorCode.SELF_REFERENCE, 46, {"field": "arrivee"}),
    )


def test_check__section_when_reading_its_own_or_a_later_section__error_at_its_line():
    path = FIXTURES / "bad_section_when.yaml"
    assert [str(e) for e in convert(path).errors] == _expected(
        "bad_section_when.yaml",
        (ErrorCode.SECTION_FORWARD_REFERENCE, 9, {"section": "premiere", "other": "marie"}),
        (ErrorCode.SECTION_FORWARD_REFERENCE, 16, {"section": "conjoint",
                                                   "other": "naissance_conjoint"}),
    )


def test_check__comparison_operand_of_wrong_shape__meta_schema_refuses_it():
    result = convert_inline("""
    - id: s
      title: {fr: S, en: S}
      fields:
        - id: d
          type: date
          label: {fr: D, en: D}
        - id: e
          type: text
          when: {d: {gt: [1, 2]}}
          label: {fr: E, en: E}
    """)
    assert [e.code for e in result.errors] == [ErrorCode.WRONG_KIND]


def convert_inline(sections_yaml: str):
    return convert_text(MINIMAL % textwrap.indent(textwrap.dedent(sections_yaml), "  "),
                        "inline.yaml")
