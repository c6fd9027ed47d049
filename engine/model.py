"""The typed model of a dossier type, built from a checked YAML definition.

Later stages (compile, validate, render, workflow, recap) read these frozen
dataclasses, never the raw YAML, so a typo in a key is caught once, by the
checker, instead of surfacing as a KeyError in a page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, Literal

from .durations import parse_duration
from .placeholders import DOCUMENT_FILENAME, TextKind, fill, fill_text

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")



@dataclass(frozen=True)
class Text:
    """A text in both languages; missing translations are reported by the checker.

    fr, en: the designer's wording ("" when missing); line: 1-based line of the
    `{fr, en}` mapping in the definition file, 0 when it comes from code;
    block_lines: for a language written as a block scalar (`fr: >-` then lines), that
    language -> its source lines as (1-based line, text), so the checker can point at
    the line holding a mistake (not compared: layout, not meaning).
    """

    fr: str
    en: str
    line: int = 0
    block_lines: dict[str, tuple[tuple[int, str], ...]] = field(
        default_factory=dict, compare=False, repr=False)

    def get(self, lang: str) -> str:
        """The text in `lang` ("en", else French), or the other language when that one is ""."""
        return (self.en if lang == "en" else self.fr) or self.fr or self.en

    def filled(self, **values: str | int | Text) -> Text:
        """This text with its `{name}` placeholders replaced by `values` (a `Text` value
        gives each language its own wording) by `placeholders.fill_text`: `{{`/`}}` become
        single braces and any other brace a designer wrote stays as typed, so a message
        such as "au format {NNNNNN}" never fails."""
        return self.filled_as(None, values)

    def filled_as(self, kind: TextKind | None, values: Mapping[str, str | int | Text],
                  extra: frozenset[str] = frozenset()) -> Text:
        """`filled` for a designer's text of `kind` (engine.placeholders.KINDS; None: any
        names): ValueError when `values` names a placeholder the kind does not list
        (besides `extra`), a mistake of the engine's code."""
        def each(lang: str) -> dict[str, str | int]:
            return {k: v.get(lang) if isinstance(v, Text) else v for k, v in values.items()}

        if kind is None:
            return Text(fill_text(self.fr, each("fr")), fill_text(self.en, each("en")),
                        self.line)
        return Text(fill(kind, self.fr, each("fr"), extra),
                    fill(kind, self.en, each("en"), extra), self.line)


def fill_placeholders(text: str, **values: str | int) -> str:
    """`text` with each `{name}` of `values` replaced by the value (engine.placeholders
    `fill_text`): `{{`/`}}` are single braces, any other brace stays as typed; unlike
    `str.format`, it never raises."""
    return fill_text(text, values)


# --- conditions -------------------------------------------------------------


@dataclass(frozen=True)
class FieldTest:
    """One test on one answer: equality, membership, list containment, presence or order.

    field: the id of the answer tested. `value` by `op`: "eq" a value the field
    can hold (bool for yesno, an option value str otherwise); "in" a list of
    such values; "contains" one option value of a checkboxes or grid field (a
    grid's as "column_row"); "answered" a bool (True: has an answer); "gt", "ge",
    "lt", "le" (greater than, at least, less than, at most) a number, a date
    "YYYY-MM-DD", "today", an offset from today ("-12m", "+1y", "-30d", "+2w") or a
    FieldRef (another answer), compared as `comparable_kind` says (engine.compare).
    line: 1-based line of the test in the definition file. words: the source word of
    each value YAML read as a boolean from on/off/yes/no, by position in the values
    (0 for a single value): the checker tells "`on` was read as yes/no" where the field
    holds texts (an option `on`); not compared.
    """

    field: str
    op: Literal["eq", "in", "contains", "answered", "gt", "ge", "lt", "le"]
    value: Any
    line: int
    words: dict[int, str] | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class FieldRef:
    """The operand of a comparison that is another answer: YAML `{field: other_id}`."""

    field: str


COMPARISON_OPS = ("gt", "ge", "lt", "le")


def comparable_kind(f: Field) -> str | None:
    """What a comparison (`gt`, `ge`, `lt`, `le`) compares an answer to `f` as: "date"
    (a "YYYY-MM-DD" answer, compared with dates, `today` and offsets), "number" (a JSON
    number, compared with numbers: a number literal compiles to JSON Schema's `minimum`
    family), or None when its answers have no order (text, yes/no, choices).

    Each type says it (`FieldType.value_kind`, engine.fieldtypes): a new ordered type
    (e.g. `number`) declares `value_kind = "number"`; the checker, the compiler and
    engine.compare follow.
    """
    kind = f.kind.value_kind
    return kind if kind in ("date", "number") else None


@dataclass(frozen=True)
class AllOf:
    """Holds when every item holds: YAML `all: [...]`, or several keys in one mapping."""

    items: tuple[Condition, ...]
    line: int


@dataclass(frozen=True)
class AnyOf:
    """Holds when at least one item holds: YAML `any: [...]`.

    Guide: "at least one of the two numbers" (MIFI or IRCC) is an `any`.
    """

    items: tuple[Condition, ...]
    line: int


@dataclass(frozen=True)
class Not:
    """Holds when its item does not: YAML `not: {...}`."""

    item: Condition
    line: int


Condition = FieldTest | AllOf | AnyOf | Not


def condition_fields(condition: Condition | None) -> list[FieldTest]:
    """Every FieldTest inside a condition, in reading order; [] for None."""
    if condition is None:
        return []
    if isinstance(condition, FieldTest):
        return [condition]
    if isinstance(condition, Not):
        return condition_fields(condition.item)
    return [test for item in condition.items for test in condition_fields(item)]


def condition_reads(condition: Condition | None) -> list[str]:
    """The ids of every answer a condition reads, in reading order, repeats kept: each
    test's field and each comparison's other field (`FieldRef`); [] for None."""
    ids = []
    for test in condition_fields(condition):
        ids.append(test.field)
        if isinstance(test.value, FieldRef):
            ids.append(test.value.field)
    return ids


# --- questions --------------------------------------------------------------


# The field-type registry's table, type name -> engine.fieldtypes.FieldType: filled
# by `engine.fieldtypes.register` (which owns it: read `engine.fieldtypes.REGISTRY`);
# it lives here so that `Field.kind` needs no import of the types, which import this.
FIELD_TYPES: dict[str, Any] = {}


@dataclass(frozen=True)
class Option:
    """One offered answer of a choice field, or one row or column of a grid.

    value: what is stored (always a str); label: None only when the designer
    wrote a bare value (the checker reports it); line: 1-based line in the
    definition file; when: the option is offered only while this condition
    holds on the earlier answers (Guide: the status detail's options depend on
    the immigration status).
    """

    value: str
    label: Text | None
    line: int
    when: Condition | None = None


@dataclass(frozen=True)
class Field:
    """One question of a section, as the designer declared it.

    id: the answer's key in the answers mapping; type: the name of a registered
    `engine.fieldtypes.FieldType` (built in: select, radio, yesno, text, textarea,
    checkboxes, grid, date, email, tel), which says what the answer is and which of
    the attributes below apply. required: must be answered
    when shown. when: the question is shown, required and kept only while this
    holds (DESIGN.md: answers to questions that became hidden leave the dossier
    on save, for its archive). pattern: a regular expression the normalised answer must match
    (Guide: the MIFI number has 8 to 11 letters or digits, written as a
    pattern in the YAML). min_length, max_length: characters. normalize: names
    of `validate.NORMALIZERS`, applied in order (default: strip). min_items,
    max_items: ticked boxes of a list field. mask: the answer shows as
    XXXXXXXXXX in recaps and PDFs (Guide: identity numbers in the recap PDF).
    autocomplete: an HTML autofill value ("mobile tel-national": engine.autofill).
    messages: rule name (required, pattern, min_length, max_length, min_items,
    max_items, option, format, type) -> the designer's message for it.
    extra: the YAML keys its type declares (`FieldType.properties`) that are none of
    the attributes above, as written (plain JSON values).
    fields: the questions nested in this one (a repeating group's `fields:`, each asked
    once per item), in order; () for a plain question. A group's `repeat: {min, max}`
    is its min_items and max_items (items of its list answer).
    """

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
    extra: dict[str, Any] = field(default_factory=dict)
    fields: tuple[Field, ...] = ()

    @property
    def kind(self) -> Any:
        """The registered `engine.fieldtypes.FieldType` of this field; KeyError for a type
        no module registered (the meta-schema refuses it first)."""
        return FIELD_TYPES[self.type]

    @property
    def is_list(self) -> bool:
        """True when the answer is a list of choice values (checkboxes, grid); else one value."""
        return self.kind.is_list

    def choices(self) -> tuple[Option, ...]:
        """Every value the field can hold (its type's `choices`); a grid's are
        "column_row" pairs.

        Guide: the availability grid is Lundi-Vendredi x Matin/Après-midi, so
        its values are like "lundi_matin" (as the AQ definition names them).
        """
        return self.kind.choices(self)

    def option(self, value: Any) -> Option | None:
        """The option whose value is `value` (a stored str), or None; grid cells are not options."""
        for option in self.options:
            if option.value == value:
                return option
        return None


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: when `when` holds (or always), `require` must hold.

    message: shown when it does not; fields: ids of fields of the same section,
    the first of which carries the message (none: the message is the
    section's); id: optional, for the designer; line: 1-based.
    Guide: "at least one of the two numbers" (MIFI or IRCC) is such a rule.
    """

    require: Condition
    message: Text
    line: int
    id: str | None = None
    when: Condition | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """One page of the form (Guide: Identification, Premier rendez-vous).

    fields: in the order asked; rules: their errors come after the fields' own;
    intro: shown above the questions; note: shown below them and in the recap.
    when: the section is shown (in the navigation, the recap, the PDF), required and
    its answers kept only while this holds on the answers of earlier sections (issue
    15: a spouse's section only when married); None: always.
    """

    id: str
    title: Text
    fields: tuple[Field, ...]
    line: int
    rules: tuple[Rule, ...] = ()
    intro: Text | None = None
    note: Text | None = None
    when: Condition | None = None

    def field(self, field_id: str) -> Field | None:
        """The field of this section with that id, or None."""
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
    """How dossier numbers are written: prefix + last `year_digits` of the year + serial.

    Guide: the service's dossier number is G + two-digit year + 8 digits
    (G2200045108), declared as {prefix: G, year_digits: 2, digits: 8}.
    digits: the serial's width; year_digits: 0 leaves the year out.
    """

    prefix: str
    digits: int
    year_digits: int = 2

    def format(self, year: int, serial: int) -> str:
        """The number for a four-digit `year` and a serial >= 0: format(2022, 45108) -> G2200045108.

        The serial is zero-padded to `digits`; a wider one is not cut (callers
        check that it fits).
        """
        year_part = str(year)[-self.year_digits :] if self.year_digits else ""
        return f"{self.prefix}{year_part}{serial:0{self.digits}d}"

    @property
    def regex(self) -> str:
        """A regular expression (for `re.fullmatch`) that every number of this type matches."""
        return rf"^{re.escape(self.prefix)}\d{{{self.year_digits}}}\d{{{self.digits}}}$"


@dataclass(frozen=True)
class Eligibility:
    """Who may create a dossier: an age range in whole years, and the message if not.

    Guide: the service's applicant is at least 18 years old (min_age: 18).
    min_age, max_age: years, inclusive; None: no bound.
    """

    message: Text
    line: int
    min_age: int | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class State:
    """A workflow state (Guide: "Inscription en cours", "Présenté").

    editable: the applicant may still change the answers (Guide: after
    submission the dossier is locked).
    """

    id: str
    label: Text
    line: int
    editable: bool = False


@dataclass(frozen=True)
class Action:
    """What a transition does once allowed; storage carries it out.

    kind: the name of a registered action (`workflow.ACTIONS`); built in:
    "freeze_recap" (ref None): keep the recap as submitted; "document":
    produce the document `ref` (an id under `documents`); "message": post the
    message `ref` (an id under `messages`) to the applicant's message centre.
    """

    kind: str
    ref: str | None
    line: int


# who takes a transition: the applicant (a button), an agent (a button in the back office,
# with the transition's small form), the deadline (by itself once it has passed) or the
# schedule (by itself once the dossier has waited `after` in a source state)
By = Literal["applicant", "agent", "deadline", "schedule"]
BY_VALUES: tuple[str, ...] = ("applicant", "agent", "deadline", "schedule")


@dataclass(frozen=True)
class Transition:
    """A move from one of `sources` to `target`, taken by `by`.

    by: "applicant" (a button, e.g. Soumettre), "agent" (a button in the back office,
    labelled `label`, the checker requires it), "deadline" (taken by itself once the
    deadline has passed) or "schedule" (taken by itself once the dossier has been
    `after` in a source state). YAML `by:`; the old key `trigger:` is read the same
    (both at once: the checker's BY_AND_TRIGGER, at `alias_line`, the line of
    `trigger:`; 0 when not both). guards: names of registered guards
    (`workflow.GUARDS`: sections_valid, before_deadline); actions: run in order inside
    the transaction that moves the dossier. form: the agent's small form (questions
    written like a section's `fields:`, `engine.agentforms`), () for none.
    after_text: for `by: schedule` only, how long the dossier waits in a source state,
    as written (`14d`; None: not written), at `after_line`; read it as `after`.
    """

    id: str
    sources: tuple[str, ...]
    target: str
    line: int
    by: By = "applicant"
    label: Text | None = None
    guards: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()
    form: tuple[Field, ...] = ()
    after_text: str | None = None
    after_line: int = field(default=0, compare=False)
    alias_line: int = field(default=0, compare=False)

    @property
    def after(self) -> timedelta | None:
        """`after_text` as a duration (`durations.parse_duration`); None when not written
        or not a duration (the checker refuses the latter: DURATION)."""
        if self.after_text is None:
            return None
        try:
            return parse_duration(self.after_text)
        except ValueError:
            return None


@dataclass(frozen=True)
class Reminder:
    """A message posted to drafts once their deadline is `before_deadline` away
    (`workflow.reminders`, issue 17: "vous avez jusqu'au ... pour soumettre").

    message: the id of one of the definition's `messages`; sent once per dossier.
    """

    before_deadline: timedelta
    message: str
    line: int
    before_text: str = field(default="", compare=False)  # as written, for the checker


@dataclass(frozen=True)
class Retention:
    """How long a dossier in one of `in_states` keeps its personal data
    (`workflow.retention`): after `after` in such a state, its answers, snapshots,
    files and PDFs are purged; its number, type, states and dates stay."""

    after: timedelta
    in_states: tuple[str, ...]
    line: int
    after_text: str = field(default="", compare=False)  # as written, for the checker


@dataclass(frozen=True)
class Workflow:
    """The states of a dossier type (state id -> State) and the transitions between them.

    initial: the state a new dossier starts in; the checker requires it editable.
    initial_line: the line of `initial:` (0 when unknown). reminders: messages to
    drafts before their deadline, in the designer's order; retention: None to keep
    personal data for ever.
    """

    initial: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]
    line: int
    initial_line: int = 0
    reminders: tuple[Reminder, ...] = ()
    retention: Retention | None = None

    def transition(self, transition_id: str) -> Transition | None:
        """The transition with that id, or None."""
        for t in self.transitions:
            if t.id == transition_id:
                return t
        return None


@dataclass(frozen=True)
class Document:
    """A document a transition produces (Guide: the recap of the application, a PDF in
    Mes documents).

    sections: what it shows, in order: section ids, or "profile" for the
    applicant's personal information and contact details; intro, outro: texts
    before and after them; filename: a pattern where "{number}" becomes the
    dossier number (None: "<id>-{number}.pdf"); filename_line: its line (0: none).
    """

    id: str
    title: Text
    sections: tuple[str, ...]
    line: int
    intro: Text | None = None
    outro: Text | None = None
    filename: str | None = None
    filename_line: int = 0

    def file_name(self, number: str) -> str:
        """The PDF's file name for the dossier `number`: `filename` with its `{number}`
        filled (engine.placeholders DOCUMENT_FILENAME), else "<id>-<number>.pdf"."""
        return fill(DOCUMENT_FILENAME, self.filename or f"{self.id}-{{number}}.pdf",
                    {"number": number})


@dataclass(frozen=True)
class MessageTemplate:
    """A message a transition posts to the applicant's message centre.

    subject, body: may hold "{number}" and "{submitted_at}", filled by storage.
    notify: also send the definition's `notification` email (Guide: the email
    only says a new message is waiting).
    """

    id: str
    subject: Text
    body: Text
    line: int
    notify: bool = False


@dataclass(frozen=True)
class Notification:
    """The email sent when a message with `notify` is posted.

    Guide: it says only that a message is waiting ("Du nouveau sur le portail
    Arrima"); DESIGN.md: so no personal data. "{portal_url}" is filled by storage.
    """

    subject: Text
    body: Text
    line: int


@dataclass(frozen=True)
class Migration:
    """How a draft of version `from_version` becomes one of the definition declaring it
    (issue 14: `drafts: migrate`). Declared in the NEW version's YAML.

    rename_fields: old field id -> new id; rename_options: field id in the new version ->
    {old option value -> new value} (a grid's values are its "column_row" cells);
    rename_states: old state id -> new id; drop_fields: old field ids whose answers go
    to the archive; message: told to the applicant once after the migration (None:
    a generic one). line: the entry's line; lines: ("rename_fields", old id),
    ("rename_options", field, old value), ("rename_states", old id), ("drop_fields",
    id), ("from",) -> the line of that key, for errors.
    """

    from_version: int
    line: int
    rename_fields: dict[str, str] = field(default_factory=dict)
    rename_options: dict[str, dict[str, str]] = field(default_factory=dict)
    rename_states: dict[str, str] = field(default_factory=dict)
    drop_fields: tuple[str, ...] = ()
    message: Text | None = None
    lines: dict[tuple[str, ...], int] = field(default_factory=dict)

    def at(self, *key: str) -> int:
        """The line of `key` (see `lines`), else the entry's line."""
        return self.lines.get(tuple(key), self.line)


@dataclass(frozen=True)
class Definition:
    """A whole dossier type, version `version` of the YAML file at `path`.

    deadline_days: days from the creation date to the deadline to submit
    (Guide: the "Date limite pour soumettre" of a draft; the guide's
    service declares 90). eligibility: every rule must hold to create a
    dossier. documents, messages: by id. Published once per (id, version).
    drafts: "keep" (drafts of older versions stay on theirs) or "migrate" (they are
    moved to this version by the chain of `migrations`, each from one older version).
    """

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
    drafts: str = "keep"  # or "migrate": drafts of older versions move to this one
    migrations: tuple[Migration, ...] = ()
    drafts_line: int = 0  # the line of `drafts:` (0: not written)
    region: str = "CA"  # `region:`, the default country of phone numbers (ISO 3166 alpha-2)

    def migration_from(self, version: int) -> Migration | None:
        """The migration this version declares from `version`, or None."""
        for m in self.migrations:
            if m.from_version == version:
                return m
        return None

    def section(self, section_id: str) -> Section | None:
        """The section with that id, or None ("profile" is not a section)."""
        for s in self.sections:
            if s.id == section_id:
                return s
        return None

    def all_fields(self) -> dict[str, Field]:
        """field id -> Field, across every section, in the order asked (the questions
        nested in a repeating group are not listed: see `nested_fields`)."""
        return {f.id: f for s in self.sections for f in s.fields}

    def nested_fields(self) -> dict[str, tuple[Field, Field]]:
        """nested field id -> (the group holding it, the nested Field), for every
        question asked once per item of a repeating group, in the order asked."""
        return {c.id: (f, c) for s in self.sections for f in s.fields for c in f.fields}


def agent_form_section(t: Transition) -> Section:
    """The form of transition `t` as a Section: id the transition's, title its label (its
    id in both languages when it has none), fields its `form` (none: no question), line
    its line. What the back office renders with the sections' field macros."""
    return Section(t.id, t.label or Text(t.id, t.id), t.form, t.line)


def agent_form_definition(d: Definition, t: Transition) -> Definition:
    """A definition holding only the form of `t` (a transition of `d`), as its one section
    (`agent_form_section`), so the same engine compiles, cleans and validates it: its
    conditions read its own questions only; its workflow has the states of `d` and no
    transition, and it has no document, message, eligibility nor migration."""
    workflow = Workflow(d.workflow.initial, d.workflow.states, (), d.workflow.line)
    return replace(d, title=t.label or Text(t.id, t.id), sections=(agent_form_section(t),),
                   workflow=workflow, description=None, intro=None, eligibility=(),
                   documents={}, messages={}, notification=None, profile=None,
                   migrations=(), drafts="keep")


def fields_in_scope(d: Definition, f: Field) -> dict[str, Field]:
    """The questions a condition or a bound of `f` may name, id -> Field: inside a
    repeating group, the item's own questions first (they hide nothing: nested ids are
    unique in the whole definition), then the dossier's top-level questions; outside,
    the top-level questions only. Types resolving a field name at check time (a date's
    `min: other_date`) use it; at validation time the answers they read are the item's
    scope (`validate.item_scope`)."""
    top = d.all_fields()
    nested = d.nested_fields().get(f.id)
    return top if nested is None else {**{c.id: c for c in nested[0].fields}, **top}


def fields_before(d: Definition, f: Field) -> dict[str, Field]:
    """The questions in `fields_in_scope(d, f)` asked before `f`, id -> Field: what a
    condition or a bound of `f` may name (inside a repeating group: the item's earlier
    questions and the dossier's questions before the group). {} for a field that is not
    in `d`."""
    order = [g for s in d.sections for top in s.fields for g in (top, *top.fields)]
    position = next((i for i, g in enumerate(order) if g is f), None)
    if position is None:
        return {}
    earlier = {g.id for g in order[:position]}
    return {k: g for k, g in fields_in_scope(d, f).items() if k in earlier and g is not f}
