"""The field-type registry (engine/fieldtypes): the meta-schema is assembled from it, a
key that does not apply to a type is a coded error at its line, and a type registered
only by the tests (tests/colour_type.py) is checked, compiled, parsed, normalised,
validated and shown in the recap with no change outside its module."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from engine import ErrorCode, convert, convert_text
from engine.errors import error
from engine.fieldtypes import field_type, registered, unregister
from engine.fieldtypes.metaschema import SCHEMA_FILE, write
from engine.formdata import section_answers
from engine.model import Field, Option, Text
from engine.recap import build_recap
from engine.validate import clean, validate
from tests.colour_type import register_colour

FIXTURES = Path(__file__).parent.parent / "fixtures"
NUANCIER = Path(__file__).parent.parent / "colour" / "nuancier.yaml"
BUILT_IN = {"text", "textarea", "email", "tel", "date", "yesno", "select", "radio",
            "checkboxes", "grid", "address", "postal_code", "file", "group",
            "number", "phone", "declaration"}
# the types drawn by another type's macro (a postal code is one text input)
SHARED_MACRO = {"postal_code": "text", "number": "text"}


@pytest.fixture
def colour():
    """The example type, registered for one test and removed after it."""
    yield register_colour()
    unregister("colour")


def _errors(path: Path) -> list[str]:
    return [str(e) for e in convert(path).errors]


def test_registry__built_in_types__all_registered_each_with_its_macro():
    assert set(registered()) == BUILT_IN
    assert all(field_type(name).macro == SHARED_MACRO.get(name, name) for name in BUILT_IN)


def test_meta_schema_file__field_part__is_the_registry_s_assembly(tmp_path):
    copy = tmp_path / "definition.schema.json"
    shutil.copy(SCHEMA_FILE, copy)
    assert write(copy) is False, "run .venv/bin/python -m engine.fieldtypes.metaschema"


def test_check__key_of_another_type__refused_at_its_line_naming_the_type():
    path = FIXTURES / "property_not_for_type.yaml"
    assert _errors(path) == [
        str(error(ErrorCode.PROPERTY_NOT_FOR_TYPE, str(path), 13, property="pattern",
                  type="date", field="naissance", applies_to="text, textarea, email, tel")),
        str(error(ErrorCode.PROPERTY_NOT_FOR_TYPE, str(path), 16, property="options",
                  type="date", field="arrivee", applies_to="select, radio, checkboxes")),
    ]
    assert "`pattern` does not apply to a field of type date" in _errors(path)[0]


def test_check__example_type_unregistered__unknown_type():
    errors = _errors(NUANCIER)
    assert errors and all("`type`: `colour` is not allowed here" in e for e in errors)


def test_check__example_type__own_property_accepted_options_refused_own_check_run(colour):
    assert _errors(NUANCIER) == []
    path = FIXTURES / "colour_options.yaml"
    assert _errors(path) == [
        str(error(ErrorCode.PROPERTY_NOT_FOR_TYPE, str(path), 13, property="options",
                  type="colour", field="teinte", applies_to="select, radio, checkboxes"))]
    text = NUANCIER.read_text().replace('"#00ff00"', '"#0f0"')
    assert [str(e) for e in convert_text(text, "nuancier.yaml").errors] == [
        str(error(ErrorCode.FIELD_TYPE, "nuancier.yaml", 15, field="porte", type="colour",
                  problem="the palette entry '#0f0' is not a #RRGGBB colour"))]


def test_example_type__parsed_normalised_validated_compiled_shown(colour):
    compiled = convert(NUANCIER).compiled
    section = compiled.definition.sections[0]
    assert compiled.schema["properties"]["porte"] == {
        "type": "string", "pattern": "^#[0-9a-f]{6}$", "enum": ["#ff0000", "#00ff00"]}
    posted = MultiDict({"preferee": " #FFAA00 ", "porte": "#00FF00"})
    answers = section_answers(section, posted.getlist)
    assert clean(compiled, answers) == {"preferee": "#ffaa00", "porte": "#00ff00"}
    assert validate(compiled, answers) == []
    wrong = validate(compiled, {"preferee": "orange", "porte": "#123456"})
    assert [(e.field, e.kind) for e in wrong] == [("preferee", "pattern"), ("porte", "option")]
    for lang in ("fr", "en"):
        items = build_recap(compiled, answers, lang).sections[0].items
        assert [i.value for i in items] == ["#FFAA00", "#00FF00"]


def _field(type_: str, **kw) -> Field:
    opts = (Option("a", Text("Un", "One"), 1), Option("b", Text("Deux", "Two"), 1))
    return Field(id="q", type=type_, label=Text("Q", "Q"), line=1, options=opts,
                 rows=opts, columns=(Option("x", Text("Matin", "Morning"), 1),), **kw)


@pytest.mark.parametrize("type_, posted, stored, fr, en", [
    ("text", [" Marie "], "Marie", ("Marie",), ("Marie",)),
    ("textarea", ["a\r\nb"], "a\nb", ("a\nb",), ("a\nb",)),
    ("email", [" Marie@EXAMPLE.com"], "Marie@example.com", ("Marie@example.com",),
     ("Marie@example.com",)),
    ("tel", ["514 555-0101"], "514 555-0101", ("514 555-0101",), ("514 555-0101",)),
    ("date", ["2026-01-31"], "2026-01-31", ("2026-01-31",), ("2026-01-31",)),
    ("yesno", ["oui"], True, ("Oui",), ("Yes",)),
    ("select", ["b"], "b", ("Deux",), ("Two",)),
    ("radio", ["a", "b"], "b", ("Deux",), ("Two",)),
    ("checkboxes", ["b", "", "a", "b"], ["b", "a"], ("Un", "Deux"), ("One", "Two")),
    ("grid", ["x_b"], ["x_b"], ("Matin Deux",), ("Morning Two",)),
])
def test_built_in_type__parse_normalise_display_both_languages(type_, posted, stored, fr, en):
    from engine.validate import normalize

    f = _field(type_)
    kind = field_type(type_)
    value = normalize(f, kind.parse(f, MultiDict([("q", p) for p in posted]).getlist, "q"))
    assert value == stored
    assert (kind.display(f, value, "fr"), kind.display(f, value, "en")) == (fr, en)
    assert kind.parse(f, MultiDict().getlist, "q") is None
