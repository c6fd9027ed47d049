"""Turn posted form fields (every value a string) into JSON answers.

Browsers send strings; the schema wants booleans for yes/no and lists for
checkboxes and grids. This conversion lives in the engine, not in a view,
so every client of the engine (web pages, an API, imports) reads forms alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .fieldtypes.yesno import FALSE_WORDS, TRUE_WORDS
from .model import Field, Section

__all__ = ["FALSE_WORDS", "TRUE_WORDS", "field_value", "form_values", "merged_answers",
           "section_answers"]

def field_value(f: Field, raw: list[str]) -> Any:
    """The answer held by the posted values of one field; None when unanswered.

    raw: every value posted under the field's id (a type's other form names, such as a
    phone's "<id>.ext", post nothing), read by its type's `parse`: a
    list field gets its non-empty values (list[str]); another field its last value
    (str), as a bool for yesno when it is a yes/no word (true/oui/yes/1/on, false/non/no/0/off).
    """
    return f.kind.parse(f, lambda name: raw if name == f.id else [], f.id)


def section_answers(section: Section, getlist: Callable[[str], list[str]]) -> dict[str, Any]:
    """Every field of the section read from a form (`getlist` as in werkzeug's MultiDict),
    each by its type's `FieldType.parse` under its id."""
    return {f.id: f.kind.parse(f, getlist, f.id) for f in section.fields}


def form_values(f: Field, getlist: Callable[[str], list[str]], name: str | None = None
                ) -> dict[str, list[str]]:
    """The form names `f`'s type reads (its `FieldType.parse`, `getlist` as in
    werkzeug's MultiDict) that hold a non-empty value, each with every value posted
    under it: what a form must post again to give `f` the same answer (a page carrying
    the answer of a question it hides). `name`: the question's form name (default its
    id; "<group>-<index>-<id>" inside a repeating group's item). {} for an unanswered
    question."""
    held: dict[str, list[str]] = {}

    def reading(name: str) -> list[str]:
        values = getlist(name)
        if any(isinstance(v, str) and v.strip() for v in values):
            held[name] = [v for v in values if isinstance(v, str)]
        return values

    return {} if f.kind.parse(f, reading, name or f.id) is None else held


def merged_answers(section: Section, stored: Mapping[str, Any],
                   answers: Mapping[str, Any]) -> dict[str, Any]:
    """`stored` (a dossier's answers, field id -> value) with the section's `answers`
    over them, as a save stores them before cleaning: each answer given is read by its
    type (`FieldType.resave` may keep part of the stored one: a file question's files);
    a question of the section left out keeps its stored answer (an API PUT names only
    what it changes; a page posts every question, None when unanswered); keys of other
    sections are ignored."""
    merged = dict(stored)
    for f in section.fields:
        if f.id in answers:
            merged[f.id] = f.kind.resave(f, merged.get(f.id), answers[f.id])
    return merged
