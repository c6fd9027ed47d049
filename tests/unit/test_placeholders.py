"""Placeholders (issue 16): one table of the `{name}`s the engine fills per kind of
designer text, used by the checker and by the fillers; the filler never fails."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from engine import ErrorCode, convert
from engine.errors import error
from engine.fieldtypes import REGISTRY
from engine.model import Text
from engine.pipeline import convert_text
from engine.placeholders import (
    DOCUMENT_FILENAME,
    FIELD_MESSAGE,
    KINDS,
    MESSAGE,
    NOTIFICATION,
    field_message_names,
    fill,
    fill_text,
    placeholders,
)
from engine.validate import message_for
from tests.definitions import one_field_definition

FIXTURES = Path(__file__).parent.parent / "fixtures"
DOCS = Path(__file__).parent.parent.parent / "docs" / "placeholders.md"


def _known(names) -> str:
    return ", ".join(f"{{{n}}}" for n in sorted(names))


def test_check__unknown_placeholders__one_error_each_naming_the_ones_filled_there():
    """{NNNNNN} in a field's message, {example} in a date's, {numero} in a file name,
    {agent} in a message, {number} in the notification; not {{x}}, {0}, a lone brace,
    nor braces in a title (never filled)."""
    path = FIXTURES / "unknown_placeholder.yaml"
    date_names = FIELD_MESSAGE.names | REGISTRY["date"].placeholder_names
    assert [str(e) for e in convert(path).errors] == [str(error(
        ErrorCode.UNKNOWN_PLACEHOLDER, str(path), line, name=name, where=kind.where,
        known=_known(names))) for line, name, kind, names in (
            (15, "NNNNNN", FIELD_MESSAGE, FIELD_MESSAGE.names),
            (21, "example", FIELD_MESSAGE, date_names),
            (26, "numero", DOCUMENT_FILENAME, DOCUMENT_FILENAME.names),
            (30, "agent", MESSAGE, MESSAGE.names),
            (33, "number", NOTIFICATION, NOTIFICATION.names))]


def test_fill__doubled_braces_literal_known_names_filled_others_as_typed():
    assert fill_text("{{NNNNNN}} {n} {m} {0} {a.b} { {x!r} }}", {"n": 3}) == (
        "{NNNNNN} 3 {m} {0} {a.b} { {x!r} }")
    assert fill_text("{n}", {"n": "{n}"}) == "{n}"  # one pass: a value is not filled again


@given(st.text(), st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True),
                                  st.text(max_size=5), max_size=3))
def test_fill__any_text__never_raises_and_text_without_braces_unchanged(text, values):
    out = fill_text(text, values)
    assert isinstance(out, str)
    if "{" not in text and "}" not in text:
        assert out == text
    assert Text(text, text).filled(**values).fr == out


@given(st.text(alphabet="{}ab0_.!:é ", max_size=30).filter(
    lambda t: "{{" not in t and "}}" not in t))
def test_fill__placeholders_not_in_values__stay_as_typed(text):
    """Without values and without doubled braces, a text comes back as typed, whatever
    its braces (`{_}`, `{0}`, a lone `{`...)."""
    assert fill_text(text, {}) == text


def test_fill__doubled_braces__single_ones_around_a_name_or_not():
    assert fill_text("{{NNNNNN}} {{ }}", {}) == "{NNNNNN} { }"
    assert fill_text("{{number}}", {"number": "X"}) == "{number}"
    # a placeholder is read first, left to right: `{_}` then a lone `}`
    assert fill_text("{_}}", {}) == "{_}}"


def test_fill__a_name_the_kind_does_not_list__is_an_engine_error():
    try:
        fill(MESSAGE, "x", {"portal_url": "y"})
    except ValueError:
        return
    raise AssertionError("fill accepted a name MESSAGE does not list")




def test_field_types__message_values__only_names_their_type_declares():
    """Each type's `message_values` (what the runtime fills) names only its declared
    `placeholder_names` (what the checker accepts): the two cannot drift apart; and
    every message of every type's example field fills without error."""
    for name, ft in REGISTRY.items():
        field = {"id": "q", "type": name, "label": {"fr": "Q", "en": "Q"}, **ft.example()}
        result = convert_text(one_field_definition(field))
        assert result.errors == [], name
        f = result.definition.sections[0].fields[0]
        assert set(ft.message_values(f, {})) <= ft.placeholder_names, name
        for kind in ("required", "pattern", "format", "min", "max", *ft.messages):
            message_for(f, kind)
        assert field_message_names(f) == FIELD_MESSAGE.names | ft.placeholder_names


def test_docs__placeholders_md__lists_every_kind_and_name():
    doc = DOCS.read_text(encoding="utf-8")
    for kind in KINDS.values():
        for n in kind.names:
            assert f"`{{{n}}}`" in doc, (kind.name, n)
    for ft in REGISTRY.values():
        for n in ft.placeholder_names:
            assert f"`{{{n}}}`" in doc, (ft.name, n)


def test_placeholders__found_in_order_doubled_braces_are_not():
    assert placeholders("{a} {{b}} {0} {c} {a}") == ["a", "c", "a"]


def test_fill__line_of_empty_placeholders__left_out_with_its_paragraph_gap():
    """An unanswered optional `{note}` on a line of its own leaves no blank lines."""
    body = "Bonjour,\n\nLe {date}.\n\n{note}\n\nMerci."
    assert fill_text(body, {"date": "3 mars", "note": ""}) == "Bonjour,\n\nLe 3 mars.\n\nMerci."
    assert fill_text(body, {"date": "3 mars", "note": "Apportez vos papiers."}) == (
        "Bonjour,\n\nLe 3 mars.\n\nApportez vos papiers.\n\nMerci.")
    assert fill_text("{note}\n\nMerci.", {"note": " "}) == "Merci."  # first line
    assert fill_text("Merci.\n\n{note}", {"note": ""}) == "Merci."  # last line
    assert fill_text("Ligne\n {a} {b} \nSuite", {"a": "", "b": ""}) == "Ligne\nSuite"
    assert fill_text("Titre\n{note}\n\nSuite", {"note": ""}) == "Titre\n\nSuite"


def test_fill__line_with_text_or_an_unknown_or_filled_placeholder__kept():
    assert fill_text("A\n\nNote : {note}\n\nB", {"note": ""}) == "A\n\nNote : \n\nB"
    assert fill_text("A\n\n{autre}\n\nB", {"note": ""}) == "A\n\n{autre}\n\nB"  # as typed
    assert fill_text("A\n\n{note} {x}\n\nB", {"note": "", "x": "1"}) == "A\n\n 1\n\nB"
    assert fill_text("A\n\n{{note}}\n\nB", {"note": ""}) == "A\n\n{note}\n\nB"
    assert fill_text("{note}", {"note": ""}) == ""  # one line: nothing else to keep
