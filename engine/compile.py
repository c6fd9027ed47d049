"""Compile the model into JSON Schema (draft 2020-12) and build validators once.

Conditions compile one-to-one to JSON Schema, so the very same compiled
condition decides whether a question is shown, whether it is required,
whether its stored value is kept and whether an option may be chosen.
Every `allOf` clause is recorded in `clauses`, which lets validation map an
error's schema path back to the field and the designer's message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import jsonschema_rs

from .compare import KEYWORD, KEYWORDS, is_number
from .email_address import is_email_address
from .model import (
    COMPARISON_OPS,
    AllOf,
    AnyOf,
    Condition,
    Definition,
    Field,
    FieldRef,
    FieldTest,
    Not,
    Rule,
    Section,
    agent_form_definition,
    condition_reads,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# a comparison with a number literal -> its JSON Schema keyword
NUMBER_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum",
                 "le": "maximum"}


def condition_schema(c: Condition) -> dict[str, Any]:
    """A JSON Schema that an answers object satisfies exactly when `c` holds.

    A test on an unanswered field is false (it requires the field), except
    `answered: false`. A comparison with a number literal is JSON Schema's
    `minimum` family (the answer must be a number); any other comparison (a date,
    `today`, an offset, another field) is the custom keyword `compare.KEYWORD`,
    judged when validating (engine.compare.holds), so "today" is never frozen here.
    """
    if isinstance(c, AllOf):
        return {"allOf": [condition_schema(i) for i in c.items]}
    if isinstance(c, AnyOf):
        return {"anyOf": [condition_schema(i) for i in c.items]}
    if isinstance(c, Not):
        return {"not": condition_schema(c.item)}
    assert isinstance(c, FieldTest)
    if c.op == "answered":
        present = {"required": [c.field]}
        return present if c.value else {"not": present}
    if c.op in COMPARISON_OPS:
        if is_number(c.value):
            bound = {"type": "number", NUMBER_BOUNDS[c.op]: c.value}
            return {"properties": {c.field: bound}, "required": [c.field]}
        than = {"field": c.value.field} if isinstance(c.value, FieldRef) else c.value
        return {"required": [c.field], KEYWORD: {"field": c.field, "op": c.op, "than": than}}
    test = {
        "eq": lambda: {"const": c.value},
        "in": lambda: {"enum": list(c.value)},
        "contains": lambda: {"type": "array", "contains": {"const": c.value}},
    }[c.op]()
    return {"properties": {c.field: test}, "required": [c.field]}


def field_schema(f: Field) -> dict[str, Any]:
    """The schema of one answer, as stored after normalisation: its type's
    (`FieldType.schema`: yesno a boolean, select and radio one option value,
    checkboxes and grid a list of distinct choice values, the others a string)."""
    return f.kind.schema(f)


def schema_defs(fields: Iterable[Field]) -> dict[str, Any]:
    """The `$defs` the schemas of `fields` and of the questions nested in them (a
    repeating group's) refer to (`FieldType.schema_defs`: the address's country list),
    name -> schema, each once; {} when none does. They go at the root of a section's
    or the dossier's schema, where `#/$defs/...` points."""
    defs: dict[str, Any] = {}
    for kind in dict.fromkeys(g.kind for f in fields for g in (f, *f.fields)):
        defs.update(kind.schema_defs())
    return defs


ClauseKind = Literal["required", "hidden", "option", "rule", "check"]


@dataclass(frozen=True)
class Clause:
    """What one `allOf` entry of a section schema stands for.

    kind "required": `field` is required while shown; "hidden": `field` must
    be absent while hidden; "option": one of `field`'s options is not offered
    now; "rule": the section rule `rule`; "check": one of the type's own checks of
    `field` (`FieldType.clauses`), whose error has the message key `message`.
    """

    kind: ClauseKind
    field: Field | None = None
    rule: Rule | None = None
    message: str = ""


def _option_exclusion(f: Field, value: str) -> dict[str, Any]:
    if f.is_list:
        return {"properties": {f.id: {"not": {"contains": {"const": value}}}}}
    return {"properties": {f.id: {"not": {"const": value}}}}


def fields_schema(fields: tuple[Field, ...], rules: tuple[Rule, ...]
                  ) -> tuple[dict[str, Any], tuple[Clause, ...]]:
    """The object schema of some questions asked together (a section's, or the nested
    questions of one item of a repeating group), and what each entry of its `allOf`
    stands for.

    Unconditional required fields go to `required`; a field with `when` gets an
    if/then making it required while shown and absent while hidden; an option
    with `when` an if/then refusing it while not offered; each rule its
    `require` (under if/then when it has `when`). Guide: "at least one of the
    two numbers" is such a rule. clauses[i] explains schema["allOf"][i].
    """
    clauses: list[Clause] = []
    all_of: list[dict[str, Any]] = []
    required: list[str] = []
    for f in fields:
        if f.when is None:
            if f.required:
                required.append(f.id)
        else:
            shown = condition_schema(f.when)
            if f.required:
                all_of.append({"if": shown, "then": {"required": [f.id]}})
                clauses.append(Clause("required", field=f))
            all_of.append({"if": {"not": shown}, "then": {"not": {"required": [f.id]}}})
            clauses.append(Clause("hidden", field=f))
        for o in (*f.options, *f.rows, *f.columns):
            if o.when is not None:
                all_of.append({"if": {"not": condition_schema(o.when)},
                               "then": _option_exclusion(f, o.value)})
                clauses.append(Clause("option", field=f))
        for message, check in f.kind.clauses(f):
            all_of.append(check)
            clauses.append(Clause("check", field=f, message=message))
    for r in rules:
        require = condition_schema(r.require)
        all_of.append({"if": condition_schema(r.when), "then": require} if r.when else require)
        clauses.append(Clause("rule", rule=r))
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {f.id: field_schema(f) for f in fields},
    }
    if required:
        schema["required"] = required
    if all_of:
        schema["allOf"] = all_of
    return schema, tuple(clauses)


def section_schema(section: Section) -> tuple[dict[str, Any], tuple[Clause, ...]]:
    """The section's JSON Schema (`fields_schema` of its questions and rules, titled),
    and what each entry of its `allOf` stands for."""
    body, clauses = fields_schema(section.fields, section.rules)
    schema = {"$schema": DRAFT, "title": section.title.fr, **body}
    if defs := schema_defs(section.fields):
        schema["$defs"] = defs
    return schema, clauses


def _validator(schema: dict[str, Any]) -> jsonschema_rs.Draft202012Validator:
    # "email": one address by email-validator's rules, not jsonschema's looser check;
    # comparisons JSON Schema cannot say: engine.compare's keyword; and the field types'
    # own keywords (fieldtypes.register_keyword: a check digit, a phone's validity...)
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True,
                                              formats={"email": is_email_address},
                                              keywords=KEYWORDS)


@dataclass(frozen=True)
class CompiledCondition:
    """One `when`, compiled once: its validator and the ids of the answers it reads.

    `is_valid(answers)` gives the validator only those answers once there are more than
    `SUBSET_FROM`: jsonschema_rs converts the whole object it is given on every call, so
    judging each question's condition on a whole dossier's answers made cleaning a
    dossier of n questions cost n x n (bench/scale.py, 1,000 questions: validating the
    dossier 23 -> 16 ms of CPU, against 1.1 ms for 100). Below it, converting the few
    answers costs less than picking them (the AQ dossier, 12 answers: 15.5 µs to
    validate either way, 16.3 µs when always picking).
    """

    validator: Any = field(repr=False)
    reads: tuple[str, ...]

    def is_valid(self, answers: Mapping[str, Any]) -> bool:
        """Whether the condition holds for `answers` (field id -> cleaned value)."""
        if len(answers) > SUBSET_FROM:
            answers = {k: answers[k] for k in self.reads if k in answers}
        return self.validator.is_valid(answers)


# answers a condition is given whole; beyond, only the ones it reads (CompiledCondition)
SUBSET_FROM = 32


def compiled_condition(c: Condition) -> CompiledCondition:
    """`c` compiled (`condition_schema`) with the answers it reads (`condition_reads`)."""
    return CompiledCondition(_validator(condition_schema(c)),
                             tuple(dict.fromkeys(condition_reads(c))))


@dataclass
class CompiledSection:
    """One section with its schema, the meaning of its `allOf` entries and its validator."""

    section: Section
    schema: dict[str, Any]
    clauses: tuple[Clause, ...]
    validator: Any = field(repr=False)


@dataclass
class CompiledDefinition:
    """A definition with its schemas and validators, built once at start-up."""

    definition: Definition
    sections: dict[str, CompiledSection]
    schema: dict[str, Any]
    validator: Any = field(repr=False)
    # field id -> the condition under which it is shown
    shown_when: dict[str, CompiledCondition] = field(default_factory=dict, repr=False)
    # (field id, option value) -> the condition under which it is offered
    offered_when: dict[tuple[str, str], CompiledCondition] = field(default_factory=dict,
                                                                   repr=False)
    # section id -> the condition under which that section is shown
    section_shown_when: dict[str, CompiledCondition] = field(default_factory=dict,
                                                             repr=False)
    # repeating group id -> what each `allOf` entry of its items' schema stands for
    # (`fields_schema` of its nested questions), to map an item's error back
    item_clauses: dict[str, tuple[Clause, ...]] = field(default_factory=dict, repr=False)
    # ids of the fields whose answer some section's, question's or option's `when` reads
    # (a section's: the navigation shows or hides it): only a
    # change to one of them can show, hide or change the options of another question
    read_by_conditions: frozenset[str] = frozenset()
    # sha256 (64 hex digits) of the definition's YAML text as loaded (UTF-8), set once by
    # `pipeline.convert_text`: which text of (id, version) a snapshot was judged by;
    # "" for a definition compiled from a model rather than from text
    source_hash: str = ""
    # the YAML text itself (what is published into the database, storage/definitions.py)
    # and the 1-based line of its `version:` key (where a republication error points);
    # "" and 0 for a definition compiled from a model rather than from text
    source_text: str = field(default="", repr=False)
    version_line: int = 0
    # transition id -> its agent's form compiled as a definition of one section
    # (`model.agent_form_definition`), for every `by: agent` transition and every
    # transition with a `form`: read it through engine.agentforms
    agent_forms: dict[str, CompiledDefinition] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        """The dossier type's id (its file's name in forms/, without .yaml)."""
        return self.definition.id


def dossier_schema(d: Definition, section_schemas: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole dossier: every section at once, and no answer the definition doesn't ask.

    Each answer's schema is in the top-level `properties`, once: a section's part of
    `allOf` keeps its `required` and conditional clauses but not its `properties` (they
    would judge every answer a second time: ~40 % of validating a dossier of 1,000
    questions). A section with `when` holds only while shown; while hidden, none of its
    answers may be present (as a hidden question's). section_schemas: in `d.sections`'
    order. The sections' `$defs` are the dossier's, once.
    """
    all_of = []
    for section, schema in zip(d.sections, section_schemas, strict=True):
        body = {k: v for k, v in schema.items() if k not in ("$schema", "$defs", "properties")}
        if section.when is not None:
            absent = {"not": {"anyOf": [{"required": [f.id]} for f in section.fields]}}
            body = {"if": condition_schema(section.when), "then": body, "else": absent}
        all_of.append(body)
    schema = {
        "$schema": DRAFT,
        "title": d.title.fr,
        "type": "object",
        "properties": {f.id: field_schema(f) for s in d.sections for f in s.fields},
        "additionalProperties": False,
        "allOf": all_of,
    }
    if defs := schema_defs(f for s in d.sections for f in s.fields):
        schema["$defs"] = defs
    return schema


def compile_definition(d: Definition) -> CompiledDefinition:
    """Schemas and validators for a checked definition: each section, the whole dossier,
    each section's, field's and option's condition (`section_shown_when`, `shown_when`,
    `offered_when`), the
    fields those conditions read (`read_by_conditions`), and each agent transition's form
    (`agent_forms`, compiled the same way).

    Raises jsonschema_rs.ValidationError (a ValueError) when a schema cannot
    be built, today only for a pattern Python's `re` accepts but jsonschema_rs
    refuses (see `check.check_field_bounds`).
    """
    sections = {}
    for s in d.sections:
        schema, clauses = section_schema(s)
        sections[s.id] = CompiledSection(s, schema, clauses, _validator(schema))
    whole = dossier_schema(d, [c.schema for c in sections.values()])
    compiled = CompiledDefinition(d, sections, whole, _validator(whole))
    for s in d.sections:
        if s.when is not None:
            compiled.section_shown_when[s.id] = compiled_condition(s.when)
        for f in (f for top in s.fields for f in (top, *top.fields)):
            if f.fields:
                compiled.item_clauses[f.id] = fields_schema(f.fields, ())[1]
            if f.when is not None:
                compiled.shown_when[f.id] = compiled_condition(f.when)
            for o in f.options:
                if o.when is not None:
                    compiled.offered_when[(f.id, o.value)] = compiled_condition(o.when)
    compiled.read_by_conditions = frozenset(
        field_id for s in d.sections for top in s.fields for f in (top, *top.fields)
        for c in (s.when, f.when, *(o.when for o in (*f.options, *f.rows, *f.columns)))
        for field_id in condition_reads(c))
    compiled.agent_forms = {t.id: compile_definition(agent_form_definition(d, t))
                            for t in d.workflow.transitions if t.by == "agent" or t.form}
    return compiled
