"""Conditions compile one-to-one to JSON Schema and decide visibility, requirement, validity."""

from __future__ import annotations

from engine import clean, validate
from engine.model import Text
from engine.validate import offered_options, visible_fields

from .conftest import compile_sections

SECTIONS = """
- id: main
  title: {fr: Principal, en: Main}
  fields:
    - id: a_enfant
      type: yesno
      label: {fr: Enfant, en: Child}
    - id: nombre
      type: select
      when: {a_enfant: true}
      label: {fr: Nombre, en: Number}
      options:
        - {value: un, label: {fr: Un, en: One}}
        - {value: plus, label: {fr: Plus, en: More}}
    - id: activites
      type: checkboxes
      required: false
      label: {fr: Activités, en: Activities}
      options:
        - {value: sport, label: {fr: Sport, en: Sport}}
        - {value: musique, label: {fr: Musique, en: Music}, when: {nombre: {in: [plus]}}}
    - id: precision
      type: text
      when: {any: [{activites: {contains: sport}}, {not: {a_enfant: false}}]}
      label: {fr: Précisez, en: Specify}
"""


def _pointer(schema: dict, pointer: str):
    node = schema
    for part in pointer.strip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_compile__field_condition__becomes_if_then_required():
    compiled = compile_sections(SECTIONS)
    schema = compiled.sections["main"].schema
    assert _pointer(schema, "/allOf/0/if") == {
        "properties": {"a_enfant": {"const": True}}, "required": ["a_enfant"]}
    assert _pointer(schema, "/allOf/0/then") == {"required": ["nombre"]}
    assert _pointer(schema, "/allOf/1/then") == {"not": {"required": ["nombre"]}}
    assert _pointer(schema, "/required") == ["a_enfant", "nombre"][:1]


def test_compile__option_condition__excludes_option_when_false():
    schema = compile_sections(SECTIONS).sections["main"].schema
    clause = _pointer(schema, "/allOf/2")
    assert clause["if"] == {"not": {"properties": {"nombre": {"enum": ["plus"]}},
                                    "required": ["nombre"]}}
    assert clause["then"] == {"properties": {"activites": {"not": {"contains":
                                                                   {"const": "musique"}}}}}


def test_compile__any_not_contains__compile_to_anyof_not_contains():
    schema = compile_sections(SECTIONS).sections["main"].schema
    shown = _pointer(schema, "/allOf/3/if")
    assert shown == {"anyOf": [
        {"properties": {"activites": {"type": "array", "contains": {"const": "sport"}}},
         "required": ["activites"]},
        {"not": {"properties": {"a_enfant": {"const": False}}, "required": ["a_enfant"]}},
    ]}


def test_compile__conditions_read__every_field_a_question_or_option_condition_tests():
    """The answers whose change can show, hide or change the options of a question (and
    only those) are known once compiled: the page updates its questions for them."""
    compiled = compile_sections(SECTIONS)
    assert compiled.read_by_conditions == {"a_enfant", "nombre", "activites"}


def test_visibility__condition_false__question_hidden_and_answer_dropped():
    compiled = compile_sections(SECTIONS)
    section = compiled.definition.sections[0]
    answers = clean(compiled, {"a_enfant": False, "nombre": "un", "precision": "x"})
    assert answers == {"a_enfant": False}
    assert [f.id for f in visible_fields(compiled, section, answers)] == [
        "a_enfant", "activites"]


def test_visibility__chain__hiding_a_parent_hides_its_children():
    compiled = compile_sections(SECTIONS)
    answers = clean(compiled, {"a_enfant": False, "nombre": "plus",
                               "activites": ["musique"]})
    # "musique" is only offered when nombre is "plus"; nombre is hidden, so it is refused.
    errors = validate(compiled, answers)
    assert [(e.field, e.kind) for e in errors] == [("activites", "option")]


def test_options__depend_on_answer__only_matching_offered():
    compiled = compile_sections(SECTIONS)
    field = compiled.definition.sections[0].field("activites")
    assert [o.value for o in offered_options(compiled, field, {})] == ["sport"]
    assert [o.value for o in offered_options(
        compiled, field, {"a_enfant": True, "nombre": "plus"})] == ["sport", "musique"]


def test_required__condition_true_and_no_answer__required_error():
    compiled = compile_sections(SECTIONS)
    errors = validate(compiled, {"a_enfant": True})
    assert [(e.field, e.kind) for e in errors] == [("nombre", "required"),
                                                   ("precision", "required")]


def test_message__designer_braces_besides_placeholders__kept_as_typed():
    """A designer's message may show a format such as {NNNNNN}: only the known
    placeholders are filled, the rest stays (str.format would raise KeyError)."""
    text = Text("Entrez {min_length} caractères au format {NNNNNN}.",
                "Enter {min_length} characters as {NNNNNN}.")
    filled = text.filled(min_length=6)
    assert filled.fr == "Entrez 6 caractères au format {NNNNNN}."
    assert filled.en == "Enter 6 characters as {NNNNNN}."


def test_compiled_condition__many_answers__judged_on_the_ones_it_reads_only():
    from engine.compile import SUBSET_FROM, compiled_condition
    from engine.model import FieldRef, FieldTest

    # what a 1,000-question dossier's cleaning gives each question's condition
    others = {f"q{i}": "x" for i in range(SUBSET_FROM + 10)}
    later = compiled_condition(FieldTest("fin", "gt", FieldRef("debut"), 1))
    assert later.reads == ("fin", "debut")
    assert later.is_valid({**others, "debut": "2020-01-01", "fin": "2021-01-01"})
    assert not later.is_valid({**others, "debut": "2021-01-01", "fin": "2020-01-01"})
    assert not later.is_valid({**others, "fin": "2021-01-01"})  # the other one unanswered
    assert later.is_valid({"debut": "2020-01-01", "fin": "2021-01-01"})  # few answers: whole


def test_clean__long_chain_over_many_sections__each_condition_judged_in_order():
    sections = "".join(
        f"- id: s{n}\n  title: {{fr: S, en: S}}\n  fields:\n"
        + "".join(f"    - {{id: q{k}, type: yesno, label: {{fr: Q, en: Q}}"
                  + (f", when: {{q{k - 1}: true}}" if k > 1 else "") + "}\n"
                  for k in range(10 * n - 9, 10 * n + 1))
        for n in range(1, 6))
    compiled = compile_sections(sections)
    answers = {f"q{k}": True for k in range(1, 51)}
    assert clean(compiled, answers) == answers
    answers["q25"] = False  # hides q26 and every question after it
    assert clean(compiled, answers) == {f"q{k}": k != 25 for k in range(1, 26)}
