"""The recap model: what the applicant answered, as they saw it.

One model feeds the recap page, the submission wizard and the PDF, so the
three never disagree on order, wording, hidden questions or masked values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .compile import CompiledDefinition
from .model import Field, Text
from .validate import clean, visible_fields

# Guide: the recap PDF shows the identity numbers as XXXXXXXXXX.
MASK = "XXXXXXXXXX"
YES_NO = {True: Text("Oui", "Yes"), False: Text("Non", "No")}


@dataclass(frozen=True)
class RecapItem:
    """One shown question of the recap, in the recap's language.

    label: the question; values: the answer as labels (("Lundi Matin",
    "Mardi Matin"), ("Oui",)), () when unanswered; value: those joined by
    ", "; masked: the answer is replaced by MASK (Guide: identity numbers are
    masked in the recap PDF); answered: False for a shown but empty question.
    """

    field: str
    label: str
    value: str
    values: tuple[str, ...] = ()
    masked: bool = False
    answered: bool = True


@dataclass(frozen=True)
class RecapSection:
    """One section of the recap: its title, shown questions in order, and its note."""

    id: str
    title: str
    items: tuple[RecapItem, ...]
    note: str | None = None


@dataclass(frozen=True)
class Recap:
    """What the applicant answered, as they saw it, in one language ("fr" or "en").

    Feeds the recap page, the submission wizard and the PDF; storage keeps
    one per language when a dossier is submitted (the `freeze_recap` action).
    """

    type_id: str
    title: str
    lang: str
    sections: tuple[RecapSection, ...] = field(default_factory=tuple)

    def section(self, section_id: str) -> RecapSection | None:
        """The recap's section with that id, or None (also when left out)."""
        return next((s for s in self.sections if s.id == section_id), None)


def display_values(f: Field, value: Any, lang: str) -> tuple[str, ...]:
    """The answer as the labels the applicant picked ("Lundi Matin", "Oui", ...).

    value: one stored answer (None gives ()); lang: "fr" or "en". A value
    without an option gives its own text; a grid gives "<column> <row>" per
    ticked cell, in the grid's order (Guide: "Lundi Matin" in the recap PDF).
    """
    if value is None:
        return ()
    if f.type == "yesno":
        return (YES_NO[bool(value)].get(lang),)
    if f.type in ("select", "radio"):
        option = f.option(value)
        return (option.label.get(lang) if option and option.label else str(value),)
    if f.type == "checkboxes":
        labels = {o.value: o.label.get(lang) for o in f.options if o.label}
        return tuple(labels.get(v, str(v)) for v in f_order(f, value))
    if f.type == "grid":
        return tuple(
            f"{col.label.get(lang)} {row.label.get(lang)}"
            for col in f.columns
            for row in f.rows
            if f"{col.value}_{row.value}" in value and col.label and row.label
        )
    return (str(value),)


def f_order(f: Field, values: list[str]) -> list[str]:
    """List answers in the order the options are offered, not the order ticked.

    values: option values (list[str]); unknown values go last. Returns a new list.
    """
    order = {o.value: i for i, o in enumerate(f.options)}
    return sorted(values, key=lambda v: order.get(v, len(order)))


def build_recap(compiled: CompiledDefinition, answers: dict[str, Any], lang: str = "fr",
                sections: tuple[str, ...] | None = None) -> Recap:
    """The recap of a dossier's answers in `lang` ("fr" or "en").

    answers: field id -> value, stored or raw; cleaned first, so answers to
    hidden questions never show. Every shown question is listed, answered or
    not; masked fields show MASK. sections: the ids to include, in the
    definition's order (None: all). Guide: the recap lists the Identification
    and Premier rendez-vous answers with identity numbers masked.
    """
    d = compiled.definition
    cleaned = clean(compiled, answers)
    result = []
    for s in d.sections:
        if sections is not None and s.id not in sections:
            continue
        items = []
        for f in visible_fields(compiled, s, cleaned):
            value = cleaned.get(f.id)
            values = display_values(f, value, lang)
            if f.mask and value is not None:
                values = (MASK,)
            items.append(RecapItem(f.id, f.label.get(lang), ", ".join(values), values,
                                   masked=f.mask and value is not None,
                                   answered=value is not None))
        result.append(RecapSection(s.id, s.title.get(lang), tuple(items),
                                   s.note.get(lang) if s.note else None))
    return Recap(d.id, d.title.get(lang), lang, tuple(result))
