"""The checker explains itself (issue 16): a YAML boolean where a text was meant, a
misspelt key, a pattern in double quotes, every error in one run, a property that does
not apply to a field's type. Expected texts are built from the error catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import ErrorCode, convert
from engine.errors import error
from engine.fieldtypes import COMMON_PROPERTIES, REGISTRY, applies_to
from engine.pipeline import convert_text
from tests.definitions import one_field_definition

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _errors(name: str) -> tuple[Path, list[str]]:
    path = FIXTURES / name
    return path, [str(e) for e in convert(path).errors]


def expected(code: ErrorCode, path: Path | str, line: int, **params) -> str:
    return str(error(code, str(path), line, **params))


def test_yaml_booleans__on_and_off_meant_as_words__one_error_each_in_their_spelling():
    """`value: on` (Ontario) and `en: Off`: one error each, at its line, in the word as
    written; `required: yes` and `editable: yes` are booleans meant, and pass."""
    path, errors = _errors("yaml_booleans.yaml")
    assert errors == [expected(ErrorCode.YAML_BOOLEAN, path, 15, word="on"),
                      expected(ErrorCode.YAML_BOOLEAN, path, 20, word="Off")]


def test_yaml_booleans__in_a_condition_on_options__told_as_words_not_impossible_values():
    """`when: {province: on}` compares with the option `on`, not with true; `permis:
    yes` on a yes/no question is a boolean meant."""
    path, errors = _errors("yaml_boolean_condition.yaml")
    assert errors == [expected(ErrorCode.YAML_BOOLEAN, path, 19, word="on"),
                      expected(ErrorCode.YAML_BOOLEAN, path, 23, word="ON")]


def test_yaml_booleans__bare_option_on__named_on_not_true():
    """`options: [qc, on]`: the bare option `on` has no label, and its error names it
    'on' (the word written), not 'True'."""
    text = (FIXTURES / "yaml_booleans.yaml").read_text().replace(
        "          - value: on\n            label: {fr: Ontario, en: Ontario}\n",
        "          - on\n")
    errors = [str(e) for e in convert_text(text, "x.yaml").errors]
    assert expected(ErrorCode.OPTION_WITHOUT_LABEL, "x.yaml", 15, value="on",
                    field="province") in errors


def test_yaml_booleans__quoted__the_definition_compiles():
    text = (FIXTURES / "yaml_booleans.yaml").read_text()
    fixed = text.replace("value: on", 'value: "on"').replace("en: Off", 'en: "Off"')
    result = convert_text(fixed)
    assert result.errors == []
    assert [o.value for o in result.definition.sections[0].fields[0].options] == ["qc", "on"]


def test_yaml_booleans__y_and_n__stay_words_in_pyyaml():
    """PyYAML's SafeLoader reads yes/no/on/off/true/false as booleans, not y/n: an option
    `value: y` is the text "y" and needs no quotes."""
    text = (FIXTURES / "yaml_booleans.yaml").read_text().replace("value: on", "value: y")
    text = text.replace("en: Off", "en: n")
    result = convert_text(text)
    assert result.errors == []
    assert result.definition.sections[0].fields[0].options[1].value == "y"


def test_unknown_key__misspelt__one_error_with_the_closest_known_key():
    """`lable:` is one error (not also "'label' is a required property") saying which
    key was meant; a key like no known one lists the known keys of its place."""
    path, errors = _errors("misspelt_key.yaml")
    assert errors == [
        expected(ErrorCode.UNKNOWN_KEY, path, 12, where="section `main`, question `nom`",
                 key="lable",
                 suggestion="label"),
        expected(ErrorCode.UNKNOWN_KEY_NO_MATCH, path, 16, where="state `draft`",
                 key="colour", known="`label`, `editable`"),
    ]


def test_yaml_escape__pattern_in_double_quotes__advice_to_write_it_in_single_quotes():
    path, errors = _errors("pattern_double_quoted.yaml")
    assert errors == [expected(ErrorCode.YAML_ESCAPE, path, 13,
                               problem="found unknown escape character 'd'",
                               single_quoted="'^\\d{9}$'")]
    fixed = path.read_text().replace('"^\\d{9}$"', "'^\\d{9}$'")
    assert convert_text(fixed).errors == []


def test_one_run__shape_and_meaning_errors__together_sorted_by_line():
    """The shape errors (an unknown key, a property not for the type) do not hide the
    meaning errors (an unknown field, a missing translation, an unreachable state); the
    condition on the field left out for its shape error gives no error of its own."""
    path, errors = _errors("shape_and_meaning.yaml")
    assert errors == [
        expected(ErrorCode.UNKNOWN_KEY_NO_MATCH, path, 13,
                 where="section `main`, question `a_enfant`",
                 key="colour", known=", ".join(f"`{k}`" for k in COMMON_PROPERTIES)),
        expected(ErrorCode.UNKNOWN_FIELD, path, 20, field="inconnu"),
        expected(ErrorCode.MISSING_TRANSLATION, path, 21, lang="en"),
        expected(ErrorCode.PROPERTY_NOT_FOR_TYPE, path, 24, property="pattern", type="date",
                 field="naissance", applies_to=", ".join(applies_to("pattern"))),
        expected(ErrorCode.UNREACHABLE_STATE, path, 31, state="lost", initial="draft"),
    ]
    assert convert(path).compiled is None


def test_one_run__misspelt_keys__read_as_meant_for_the_meaning_checks():
    """`titel:` on a section and `intro_text:` at the top are told once each, and the
    section is still checked, as if `title:` was written: its questions' meaning errors
    come in the same run."""
    path, errors = _errors("misspelt_and_meaning.yaml")
    assert errors == [
        expected(ErrorCode.UNKNOWN_KEY, path, 6, where="the definition", key="intro_text",
                 suggestion="intro"),
        expected(ErrorCode.UNKNOWN_KEY, path, 9, where="section `main`", key="titel",
                 suggestion="title"),
        expected(ErrorCode.MISSING_TRANSLATION, path, 13, lang="en"),
        expected(ErrorCode.PROPERTY_NOT_FOR_TYPE, path, 16, property="pattern", type="date",
                 field="naissance", applies_to=", ".join(applies_to("pattern"))),
        expected(ErrorCode.UNKNOWN_FIELD, path, 17, field="zz"),
    ]


def test_one_run__broken_workflow__shape_errors_only_no_crash():
    """An error outside any part that can be left out (the workflow's initial state):
    the shape errors are told, the meaning checks wait, nothing raises."""
    text = (FIXTURES / "shape_and_meaning.yaml").read_text().replace(
        "initial: draft", "initial: [draft]")
    result = convert_text(text, "x.yaml")
    assert any("workflow.initial" in str(e) for e in result.errors)
    assert result.compiled is None
    # the fixture's shape mistakes, each once, and no meaning error: those wait
    assert [e.code for e in result.errors] == [
        ErrorCode.UNKNOWN_KEY_NO_MATCH, ErrorCode.PROPERTY_NOT_FOR_TYPE, ErrorCode.WRONG_KIND]



_PAIRS = sorted({(name, key) for name, ft in REGISTRY.items() for other in REGISTRY.values()
                 for key in other.properties
                 if key not in ft.properties and key not in COMMON_PROPERTIES})


def test_property_not_for_type__every_pair__covers_every_type():
    assert {name for name, _ in _PAIRS} == set(REGISTRY) and len(_PAIRS) > 100


@pytest.mark.parametrize(("type_name", "key"), _PAIRS, ids=lambda v: str(v))
def test_property_not_for_type__every_type__refuses_each_other_types_property(type_name, key):
    """For each registered type, each property only other types take is an error at the
    field's line naming the types it applies to (`pattern` or `options` on a date...)."""
    field = {"id": "question", "type": type_name, "label": {"fr": "Q", "en": "Q"},
             **REGISTRY[type_name].example(), key: "x"}
    text = one_field_definition(field)
    errors = [str(e) for e in convert_text(text, "x.yaml").errors]
    assert expected(ErrorCode.PROPERTY_NOT_FOR_TYPE, "x.yaml", 10, property=key,
                    type=type_name, field="question",
                    applies_to=", ".join(applies_to(key))) in errors


def test_one_run__any_line_of_a_definition_removed__errors_never_an_exception():
    """The meaning checks run on what passed the shape whatever broke: removing any one
    line of a test definition gives errors (or none), never an exception."""
    source = Path(__file__).parent.parent / "definitions" / "adresses.yaml"
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    for i in range(len(lines)):
        result = convert_text("".join(lines[:i] + lines[i + 1:]), "x.yaml")
        assert result.ok == (result.compiled is not None)
        assert result.errors == sorted(result.errors, key=lambda e: (e.line, e.message))


@pytest.mark.parametrize(("char", "name"), [
    ("\u202e", "RIGHT-TO-LEFT OVERRIDE"), ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
    ("\u200f", "RIGHT-TO-LEFT MARK"), ("\x1b", "a control character"),
])
def test_label__invisible_bidi_or_control_character__told_in_its_language(char, name):
    """U+202E in a label shows "Nom\u202etxt.exe" as "Nomexe.txt": the designer reads
    which character, in which language, at the label's line; tabs, line breaks and
    accents stay allowed."""
    text = one_field_definition({"id": "nom", "type": "text",
                                 "label": {"fr": "Nom", "en": f"Name{char}txt.exe"}})
    errors = convert_text(text, "x.yaml").errors
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"nom"' in row)
    assert [str(e) for e in errors] == [expected(
        ErrorCode.HIDDEN_CHARACTER, "x.yaml", line, lang="en",
        codepoint=f"U+{ord(char):04X}", name=name)]
    plain = one_field_definition({"id": "nom", "type": "text", "label": {
        "fr": "Nom\tde famille — Ève, 李, عربي", "en": "Family\nname"}})
    assert convert_text(plain, "x.yaml").ok


def test_label__longer_than_twenty_thousand_characters__length_told_not_the_text():
    """A 30 MB label was accepted; now refused, with its length (not the text) in the
    message."""
    text = one_field_definition({"id": "nom", "type": "text",
                                 "label": {"fr": "x" * 20001, "en": "Name"}})
    messages = [e.message for e in convert_text(text, "x.yaml").errors]
    assert len(messages) == 1 and "xxx" not in messages[0]
    assert messages[0].endswith("is 20001 characters long, more than the 20000 allowed.")
