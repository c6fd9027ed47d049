"""The typed model of a dossier type, built from a checked YAML definition.

Later stages (compile, validate, render, workflow, recap) read these frozen
dataclasses, never the raw YAML, so a typo in a key is caught once, by the
checker, instead of surfacing as a KeyError in a page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

CHOICE_TYPES = frozenset({"select", "radio"})
LIST_TYPES = frozenset({"checkboxes", "grid"})
STRING_TYPES = frozenset({"text", "textarea", "date", "email", "select", "radio"})


@dataclass(frozen=True)
class Text:
    """A text in both languages; missing translations are reported by the checker."""

    fr: str
    en: str
    line: int = 0

    def get(self, lang: str) -> str:
        return (self.en if lang == "en" else self.fr) or self.fr or self.en


# --- conditions -------------------------------------------------------------


@dataclass(frozen=True)
class FieldTest:
    """One test on one answer: equality, membership, list containment or presence."""

    field: str
    op: Literal["eq", "in", "contains", "answered"]
    value: Any
    line: int


@dataclass(frozen=True)
class AllOf:
    items: tuple[Condition, ...]
    line: int


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]
    line: int


@dataclass(frozen=True)
class Not:
    item: Condition
    line: int


Condition = FieldTest | AllOf | AnyOf | Not


def condition_fields(condition: Condition | None) -> list[FieldTest]:
    """Every field test inside a condition, in reading order."""
    if condition is None:
        return []
    if isinstance(condition, FieldTest):
        return [condition]
    if isinstance(condition, Not):
        return condition_fields(condition.item)
    return [test for item in condition.items for test in condition_fields(item)]


# --- questions --------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    value: str
    label: Text | None
    line: int
    when: Condition | None = None


@dataclass(frozen=True)
class Field:
    id: str
    type: str
    label: Text
    line: int
    required: bool = True
    when: Condition | None = None
    help: Text | None = None
    options: tuple[Option, ...] = ()
    rows: tuple[Option, ...] = ()
    columns: tuple[Option, ...] = ()
    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    normalize: tuple[str, ...] = ()
    min_items: int | None = None
    max_items: int | None = None
    mask: bool = False
    autocomplete: str | None = None
    messages: dict[str, Text] = field(default_factory=dict)

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES

    def choices(self) -> tuple[Option, ...]:
        """Every value the field can hold; a grid's are column_row pairs."""
        if self.type == "grid":
            return tuple(
                Option(f"{col.value}_{row.value}", None, col.line)
                for col in self.columns
                for row in self.rows
            )
        return self.options

    def option(self, value: Any) -> Option | None:
        for option in self.options:
            if option.value == value:
                return option
        return None


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: when `when` holds (or always), `require` must hold."""

    require: Condition
    message: Text
    line: int
    id: str | None = None
    when: Condition | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    fields: tuple[Field, ...]
    line: int
    rules: tuple[Rule, ...] = ()
    intro: Text | None = None
    note: Text | None = None

    def field(self, field_id: str) -> Field | None:
        for f in self.fields:
            if f.id == field_id:
                return f
        return None


# --- the applicant profile, as a dossier type shows it ------------------------


@dataclass(frozen=True)
class ProfileEntry:
    """One profile field named in a dossier type's `profile:` block: its key in the
    profile schema (engine/profile.yaml) and the label this type shows it under
    (None: the schema's generic label)."""

    key: str
    line: int
    label: Text | None = None


@dataclass(frozen=True)
class ProfileBlockGroup:
    """A group of a `profile:` block; without a title it continues the heading above."""

    entries: tuple[ProfileEntry, ...]
    line: int
    title: Text | None = None
    subtitle: Text | None = None


@dataclass(frozen=True)
class ProfileBlock:
    """A dossier type's `profile:` block: which profile fields its submission wizard and
    recap PDF show, grouped, and under what labels; `title` heads the whole block
    (None: the schema's "Renseignements personnels")."""

    groups: tuple[ProfileBlockGroup, ...]
    line: int
    title: Text | None = None


# --- dossier type -----------------------------------------------------------


@dataclass(frozen=True)
class Numbering:
    prefix: str
    digits: int
    year_digits: int = 2

    def format(self, year: int, serial: int) -> str:
        year_part = str(year)[-self.year_digits :] if self.year_digits else ""
        return f"{self.prefix}{year_part}{serial:0{self.digits}d}"

    @property
    def regex(self) -> str:
        return rf"^{re.escape(self.prefix)}\d{{{self.year_digits}}}\d{{{self.digits}}}$"


@dataclass(frozen=True)
class Eligibility:
    message: Text
    line: int
    min_age: int | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class State:
    id: str
    label: Text
    line: int
    editable: bool = False


@dataclass(frozen=True)
class Action:
    kind: Literal["freeze_recap", "document", "message"]
    ref: str | None
    line: int


@dataclass(frozen=True)
class Transition:
    id: str
    sources: tuple[str, ...]
    target: str
    line: int
    trigger: Literal["applicant", "deadline"] = "applicant"
    label: Text | None = None
    guards: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Workflow:
    initial: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]
    line: int

    def transition(self, transition_id: str) -> Transition | None:
        for t in self.transitions:
            if t.id == transition_id:
                return t
        return None


@dataclass(frozen=True)
class Document:
    id: str
    title: Text
    sections: tuple[str, ...]
    line: int
    intro: Text | None = None
    outro: Text | None = None
    filename: str | None = None


@dataclass(frozen=True)
class MessageTemplate:
    id: str
    subject: Text
    body: Text
    line: int
    notify: bool = False


@dataclass(frozen=True)
class Notification:
    subject: Text
    body: Text
    line: int


@dataclass(frozen=True)
class Definition:
    id: str
    version: int
    title: Text
    numbering: Numbering
    deadline_days: int
    sections: tuple[Section, ...]
    workflow: Workflow
    path: str
    line: int = 1
    description: Text | None = None
    intro: Text | None = None
    eligibility: tuple[Eligibility, ...] = ()
    documents: dict[str, Document] = field(default_factory=dict)
    messages: dict[str, MessageTemplate] = field(default_factory=dict)
    notification: Notification | None = None
    profile: ProfileBlock | None = None  # None: every profile field, generic labels

    def section(self, section_id: str) -> Section | None:
        for s in self.sections:
            if s.id == section_id:
                return s
        return None

    def all_fields(self) -> dict[str, Field]:
        return {f.id: f for s in self.sections for f in s.fields}
