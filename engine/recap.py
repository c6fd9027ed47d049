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

MASK = "XXXXXXXXXX"
YES_NO = {True: Text("Oui", "Yes"), False: Text("Non", "No")}


@dataclass(frozen=True)
class RecapItem:
    field: str
    label: str
    value: str
    values: tuple[str, ...] = ()
    masked: bool = False
    answered: bool = True


@dataclass(frozen=True)
class RecapSection:
    id: str
    title: str
    items: tuple[RecapItem, ...]
    note: str | None = None


@dataclass(frozen=True)
class Recap:
    type_id: str
    title: str
    lang: str
    sections: tuple[RecapSection, ...] = field(default_factory=tuple)

    def section(self, section_id: str) -> RecapSection | None:
        return next((s for s in self.sections if s.id == section_id), None)


def display_values(f: Field, value: Any, lang: str) -> tuple[str, ...]:
    """The answer as the labels the applicant picked ("Lundi Matin", "Oui", ...)."""
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
    """List answers in the order the options are offered, not the order ticked."""
    order = {o.value: i for i, o in enumerate(f.options)}
    return sorted(values, key=lambda v: order.get(v, len(order)))


def build_recap(compiled: CompiledDefinition, answers: dict[str, Any], lang: str = "fr",
                sections: tuple[str, ...] | None = None) -> Recap:
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
