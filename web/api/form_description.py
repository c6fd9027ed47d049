"""The UI description of a dossier type version: what a mobile app needs to draw its form.

The answers' JSON Schema (engine.compile) says what may be stored; it does not say how
to ask for it: labels and help texts in both languages, the order of the questions,
the kind of input, which options are offered when, which questions and sections are
shown when, the repeating groups and their nested questions. This module writes that
down, from the same typed model the pages draw (engine.model, engine.fieldtypes,
web/forms/fields.py), as plain JSON described by the `FormDescription` schema below,
so an app renders the same form as the portal and the server's engine judges both.

Conditions are given as written in the definition (`Condition` below), to be evaluated
on the answers the app holds (the whole dossier's answers; inside a repeating group's
item, the item's answers first, then the dossier's). The server stays the judge: the
answers' schema and `POST .../validate` say what is missing or wrong.

No type name is known here: each type's facts come from its `FieldType`.
"""

from __future__ import annotations

import json
from typing import Any

from engine.compile import CompiledDefinition
from engine.model import (
    AllOf,
    AnyOf,
    Condition,
    Field,
    FieldRef,
    FieldTest,
    Not,
    Option,
    Rule,
    Section,
    Text,
)

REF = "#/components/schemas/"


def text(t: Text | None) -> dict[str, str] | None:
    """A definition's text as {"fr", "en"}; None for no text."""
    return None if t is None else {"fr": t.fr, "en": t.en}


def condition(c: Condition | None) -> dict[str, Any] | None:
    """A condition as JSON: {"field", "op", "value"} for one test (a comparison with
    another answer: value {"field": id}), {"all": [...]}, {"any": [...]}, {"not": ...};
    None for no condition (always holds)."""
    if c is None:
        return None
    if isinstance(c, AllOf):
        return {"all": [condition(i) for i in c.items]}
    if isinstance(c, AnyOf):
        return {"any": [condition(i) for i in c.items]}
    if isinstance(c, Not):
        return {"not": condition(c.item)}
    assert isinstance(c, FieldTest)
    value = {"field": c.value.field} if isinstance(c.value, FieldRef) else c.value
    if isinstance(value, tuple):
        value = list(value)
    return {"field": c.field, "op": c.op, "value": value}


def _option(o: Option) -> dict[str, Any]:
    return {"value": o.value, "label": text(o.label) or {"fr": o.value, "en": o.value},
            "when": condition(o.when)}


def _parts(f: Field) -> list[dict[str, Any]]:
    """The inputs of a composite answer (an address's), as the pages show an empty one:
    labels in both languages, drop-down choices with their labels in both languages."""
    fr, en = f.kind.parts(f, None, "fr"), f.kind.parts(f, None, "en")
    found = []
    for p, q in zip(fr, en, strict=False):
        part: dict[str, Any] = {"name": p.name, "label": text(p.label), "required": p.required,
                                "autocomplete": p.autocomplete, "max_length": p.max_length,
                                "refreshes": p.refreshes, "choices": None}
        if p.choices is not None:
            english = dict(q.choices or ())
            part["choices"] = [{"value": v, "label": {"fr": label, "en": english.get(v, label)}}
                               for v, label in p.choices]
        found.append(part)
    return found


def field(f: Field) -> dict[str, Any]:
    """One question's description (`Field` in the FormDescription schema)."""
    kind = f.kind
    lists = dict(kind.option_lists(f))
    upload = kind.upload_rules(f)
    children = kind.children(f)
    return {
        "id": f.id,
        "type": f.type,
        "input": kind.macro,
        "input_type": kind.input_type,
        "input_mode": kind.input_mode(f),
        "label": text(f.label),
        "help": text(f.help),
        "required": f.required,
        "when": condition(f.when),
        "list": kind.is_list,
        "options": [_option(o) for o in lists.get("options", ())],
        "rows": [_option(o) for o in lists.get("rows", ())],
        "columns": [_option(o) for o in lists.get("columns", ())],
        "pattern": f.pattern,
        "min_length": f.min_length,
        "max_length": kind.max_length(f),
        "min_items": f.min_items,
        "max_items": f.max_items,
        "mask": f.mask,
        "autocomplete": f.autocomplete or kind.default_autocomplete,
        "messages": {rule: text(m) for rule, m in f.messages.items()},
        "parts": _parts(f),
        "upload": None if upload is None else {
            "accept": list(upload.accept), "max_bytes": upload.max_bytes,
            "max_files": upload.max_files},
        "fields": [field(c) for c in children],
        "item_label": text(kind.item_label(f, "{n}")) if children else None,  # type: ignore[arg-type]
        "add_label": text(kind.add_label(f)) if children else None,
        "extra": json.loads(json.dumps(f.extra, default=str)),
    }


def _rule(r: Rule) -> dict[str, Any]:
    return {"id": r.id, "message": text(r.message), "fields": list(r.fields),
            "when": condition(r.when), "require": condition(r.require)}


def section(s: Section, schema_ref: str) -> dict[str, Any]:
    """One section's description (`FormSection` in the FormDescription schema)."""
    return {"id": s.id, "title": text(s.title), "intro": text(s.intro), "note": text(s.note),
            "when": condition(s.when), "schema": schema_ref,
            "fields": [field(f) for f in s.fields], "rules": [_rule(r) for r in s.rules]}


def describe(compiled: CompiledDefinition, answers_ref: str,
             section_refs: dict[str, str]) -> dict[str, Any]:
    """The `FormDescription` of one compiled definition version: `answers_ref` and
    `section_refs` (section id -> ref) are the components holding its answers' schemas."""
    d = compiled.definition
    return {
        "type": d.id, "version": d.version, "title": text(d.title),
        "description": text(d.description), "intro": text(d.intro), "schema": answers_ref,
        "sections": [section(s, section_refs[s.id]) for s in d.sections],
    }


# --- the schema of the description (components, JSON Schema 2020-12) -------------

_TEXT = {"$ref": REF + "Text"}
_MAYBE_TEXT = {"oneOf": [_TEXT, {"type": "null"}]}
_CONDITION = {"$ref": REF + "Condition"}
_MAYBE_CONDITION = {"oneOf": [_CONDITION, {"type": "null"}],
                    "description": "Shown (offered, required) only while this holds on the "
                                   "answers; null: always."}
_INT_OR_NULL = {"type": ["integer", "null"]}
_STR_OR_NULL = {"type": ["string", "null"]}
_OPTIONS = {"type": "array", "items": {"$ref": REF + "FormOption"}}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Text": {
        "type": "object",
        "description": "A designer's text in both languages (one may be \"\" when missing: "
                       "show the other).",
        "required": ["fr", "en"],
        "properties": {"fr": {"type": "string"}, "en": {"type": "string"}},
        "additionalProperties": False,
    },
    "Condition": {
        "description": (
            "A condition on the answers, as the definition writes it. One test: `field` "
            "(an answer id), `op` and `value`: `eq` (the answer equals value: a bool for "
            "yes/no, an option value), `in` (one of the values), `contains` (a list "
            "answer holds the value; a grid's as \"column_row\"), `answered` (value true: "
            "has an answer; false: has none), `gt`/`ge`/`lt`/`le` (compared as a number, "
            "or as a date: \"YYYY-MM-DD\", \"today\", an offset from today such as "
            "\"-12m\", \"+1y\", \"-30d\", \"+2w\", or {\"field\": id}, another answer). A "
            "test on an unanswered field is false (but `answered: false`). Or `all`, "
            "`any` (lists of conditions), `not` (one condition). Inside a repeating "
            "group's item, a field id names the item's own answer first."),
        "oneOf": [
            {"type": "object", "required": ["field", "op", "value"],
             "properties": {"field": {"type": "string"},
                            "op": {"enum": ["eq", "in", "contains", "answered",
                                            "gt", "ge", "lt", "le"]},
                            "value": {}},
             "additionalProperties": False},
            {"type": "object", "required": ["all"], "additionalProperties": False,
             "properties": {"all": {"type": "array", "items": _CONDITION}}},
            {"type": "object", "required": ["any"], "additionalProperties": False,
             "properties": {"any": {"type": "array", "items": _CONDITION}}},
            {"type": "object", "required": ["not"], "additionalProperties": False,
             "properties": {"not": _CONDITION}},
        ],
    },
    "FormOption": {
        "type": "object",
        "description": "One offered answer of a choice question (or a grid's row or column): "
                       "`value` is what is stored.",
        "required": ["value", "label", "when"],
        "properties": {"value": {"type": "string"}, "label": _TEXT,
                       "when": _MAYBE_CONDITION},
    },
    "FormPart": {
        "type": "object",
        "description": "One input of a composite answer (an address): the answer is an "
                       "object, part name -> value. `choices`: a drop-down list (null: "
                       "free text); `refreshes`: other parts' choices depend on it (the "
                       "choices given are for an empty answer; the answer's schema and "
                       "validation are the authority).",
        "required": ["name", "label", "required"],
        "properties": {"name": {"type": "string"}, "label": _TEXT,
                       "required": {"type": "boolean"}, "autocomplete": _STR_OR_NULL,
                       "max_length": _INT_OR_NULL, "refreshes": {"type": "boolean"},
                       "choices": {"oneOf": [{"type": "null"}, {
                           "type": "array", "items": {
                               "type": "object", "required": ["value", "label"],
                               "properties": {"value": {"type": "string"},
                                              "label": _TEXT}}}]}},
    },
    "FormField": {
        "type": "object",
        "description": (
            "One question. `type`: the definition's field type (text, textarea, select, "
            "radio, checkboxes, yesno, date, email, tel, phone, number, grid, address, "
            "file, group, declaration...); `input`: how the portal draws it (its macro); "
            "`input_type`: the HTML input type; `list`: the answer is a list of option "
            "values; `options` (select, radio, checkboxes), `rows` and `columns` (grid: "
            "values \"column_row\"); lengths in characters; `min_items`/`max_items`: "
            "ticked boxes or a group's items; `mask`: shown masked in recaps; `messages`: "
            "the designer's messages by rule; `parts`: a composite answer's inputs; "
            "`upload`: a file question's limits (bytes); `fields`: a repeating group's "
            "nested questions, asked once per item (its answer: a list of objects), "
            "`item_label` with {n} the item's number, `add_label` the add button; `extra`: "
            "the type's own keys."),
        "required": ["id", "type", "input", "label", "required", "when"],
        "properties": {
            "id": {"type": "string"}, "type": {"type": "string"},
            "input": {"type": "string"}, "input_type": {"type": "string"},
            "input_mode": _STR_OR_NULL, "label": _TEXT, "help": _MAYBE_TEXT,
            "required": {"type": "boolean"}, "when": _MAYBE_CONDITION,
            "list": {"type": "boolean"}, "options": _OPTIONS, "rows": _OPTIONS,
            "columns": _OPTIONS, "pattern": _STR_OR_NULL, "min_length": _INT_OR_NULL,
            "max_length": _INT_OR_NULL, "min_items": _INT_OR_NULL,
            "max_items": _INT_OR_NULL, "mask": {"type": "boolean"},
            "autocomplete": _STR_OR_NULL,
            "messages": {"type": "object", "additionalProperties": _TEXT},
            "parts": {"type": "array", "items": {"$ref": REF + "FormPart"}},
            "upload": {"oneOf": [{"type": "null"}, {
                "type": "object", "required": ["accept", "max_bytes", "max_files"],
                "properties": {"accept": {"type": "array", "items": {"type": "string"}},
                               "max_bytes": {"type": "integer"},
                               "max_files": {"type": "integer"}}}]},
            "fields": {"type": "array", "items": {"$ref": REF + "FormField"}},
            "item_label": _MAYBE_TEXT, "add_label": _MAYBE_TEXT,
            "extra": {"type": "object",
                      "description": "The type's own keys as the definition writes them "
                                     "(a number's or a date's bounds, a declaration's "
                                     "text...)."},
        },
    },
    "FormRule": {
        "type": "object",
        "description": "A rule across questions: while `when` holds (null: always), "
                       "`require` must hold, else `message` (next to the first of "
                       "`fields`, or the section's when none).",
        "required": ["message", "fields", "when", "require"],
        "properties": {"id": _STR_OR_NULL, "message": _TEXT,
                       "fields": {"type": "array", "items": {"type": "string"}},
                       "when": _MAYBE_CONDITION, "require": _CONDITION},
    },
    "FormSection": {
        "type": "object",
        "description": "One page of the form, its questions in order. `when`: the section "
                       "is shown (and its answers kept) only while this holds on the "
                       "answers of earlier sections; `schema`: the component of its "
                       "answers' JSON Schema.",
        "required": ["id", "title", "when", "schema", "fields"],
        "properties": {"id": {"type": "string"}, "title": _TEXT, "intro": _MAYBE_TEXT,
                       "note": _MAYBE_TEXT, "when": _MAYBE_CONDITION,
                       "schema": {"type": "string"},
                       "fields": {"type": "array", "items": {"$ref": REF + "FormField"}},
                       "rules": {"type": "array", "items": {"$ref": REF + "FormRule"}}},
    },
    "FormDescription": {
        "type": "object",
        "description": (
            "What an app needs to draw the form of one version of a dossier type, in "
            "French and English: its sections in order, each with its questions. Every "
            "version's own description is the `const` of its `Form.<type>.v<version>` "
            "component. `schema`: the component of the whole dossier's answers."),
        "required": ["type", "version", "title", "schema", "sections"],
        "properties": {"type": {"type": "string"}, "version": {"type": "integer"},
                       "title": _TEXT, "description": _MAYBE_TEXT, "intro": _MAYBE_TEXT,
                       "schema": {"type": "string"},
                       "sections": {"type": "array",
                                    "items": {"$ref": REF + "FormSection"}}},
    },
}
