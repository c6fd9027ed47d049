"""The recap model: what the applicant answered, as they saw it.

One model feeds the recap page, the submission wizard and the PDF, so the
three never disagree on order, wording, hidden questions or masked values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .compile import CompiledDefinition
from .model import LANGS, Field, Text
from .validate import (
    clean,
    items_of,
    unknown_choices,
    visible_fields,
    visible_item_fields,
    visible_sections,
)

# Guide: the recap PDF shows the identity numbers as XXXXXXXXXX.
MASK = "XXXXXXXXXX"
# What the recap shows instead of an answer that is none of its question's choices
# (an option removed or renamed since it was given): never the stored code.
TO_REVIEW = Text("Réponse à revoir", "Answer to review")


@dataclass(frozen=True)
class RecapItem:
    """One shown question of the recap, in the recap's language.

    label: the question; values: the answer as labels (("Lundi Matin",
    "Mardi Matin"), ("Oui",)), () when unanswered; value: those joined by
    ", "; masked: the answer is replaced by MASK (Guide: identity numbers are
    masked in the recap PDF); answered: False for a shown but empty question.
    to_review: part of the answer is none of the question's choices (an option
    since removed or renamed): `values` then ends with one TO_REVIEW text
    ("Réponse à revoir") in place of every such stored code, and `review` flags
    it: review[i] is True for values[i] that is that text, so pages mark it
    (() when nothing is to review). Known choices of the same answer show as usual.
    """

    field: str
    label: str
    value: str
    values: tuple[str, ...] = ()
    masked: bool = False
    answered: bool = True
    to_review: bool = False
    review: tuple[bool, ...] = ()
    lines: bool = False  # values are the lines of a block (an address), not a list
    groups: tuple[RecapGroup, ...] = ()


@dataclass(frozen=True)
class RecapGroup:
    """One item of a repeating group in the recap: its label ("Enfant 1") and its shown
    questions, as `RecapItem`s (listed in `RecapItem.groups` of the group's row)."""

    label: str
    items: tuple[RecapItem, ...]


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

    value: one stored answer (None gives ()); lang: "fr" or "en". Only the
    known choices are listed: the parts of the answer in `unknown_choices`
    are left out (`build_recap` shows them as TO_REVIEW, never as the stored
    code). A choice without a label gives its own value; a grid gives
    "<column> <row>" per ticked cell, in the grid's order (Guide: "Lundi
    Matin" in the recap PDF). Each type says it: `FieldType.display`.
    """
    if value is None:
        return ()
    return f.kind.display(f, value, lang)


def recap_item(f: Field, value: Any, lang: str) -> RecapItem:
    """One shown question of the recap: `value` is its cleaned answer (None when
    unanswered), `lang` "fr" or "en". Masked fields show MASK; the parts of the
    answer that are none of its choices show as one TO_REVIEW text, after the
    known choices, flagged in `review`."""
    values = display_values(f, value, lang)
    masked = f.mask and value is not None
    to_review = bool(unknown_choices(f, value))
    review: tuple[bool, ...] = ()
    if masked:
        values = (MASK,)
    elif to_review:
        values = (*values, TO_REVIEW.get(lang))
        review = (False,) * (len(values) - 1) + (True,)
    return RecapItem(f.id, f.label.get(lang), ", ".join(values), values, masked=masked,
                     answered=value is not None, to_review=to_review, review=review,
                     lines=f.kind.display_lines and not masked)


def recap_groups(compiled: CompiledDefinition, f: Field, cleaned: dict[str, Any],
                 lang: str) -> tuple[RecapGroup, ...]:
    """Each item of the repeating group `f` under its label (`FieldType.item_label`),
    with its questions shown in the item's scope, answered or not."""
    return tuple(
        RecapGroup(f.kind.item_label(f, n).get(lang),
                   tuple(recap_item(c, item.get(c.id), lang)
                         for c in visible_item_fields(compiled, f, item, cleaned)))
        for n, item in enumerate(items_of(cleaned.get(f.id)), start=1))


def build_recap(compiled: CompiledDefinition, answers: dict[str, Any], lang: str = "fr",
                sections: tuple[str, ...] | None = None) -> Recap:
    """The recap of a dossier's answers in `lang` ("fr" or "en").

    answers: field id -> value, stored or raw; cleaned first, so answers to
    hidden questions (and hidden sections) never show. Every shown question is listed, answered or
    not; masked fields show MASK; an answer that is none of its question's
    choices shows TO_REVIEW, flagged (`RecapItem.to_review`). sections: the ids
    to include, in the definition's order (None: all). Guide: the recap lists
    the Identification and Premier rendez-vous answers with identity numbers masked.
    """
    d = compiled.definition
    cleaned = clean(compiled, answers)
    result = []
    for s in visible_sections(compiled, cleaned):  # a hidden section is not in the recap
        if sections is not None and s.id not in sections:
            continue
        items = []
        for f in visible_fields(compiled, s, cleaned):
            item = recap_item(f, cleaned.get(f.id), lang)
            if f.kind.children(f):
                item = replace(item, groups=recap_groups(compiled, f, cleaned, lang))
            items.append(item)
        result.append(RecapSection(s.id, s.title.get(lang), tuple(items),
                                   s.note.get(lang) if s.note else None))
    return Recap(d.id, d.title.get(lang), lang, tuple(result))


def recap_snapshot(compiled: CompiledDefinition, answers: dict[str, Any]
                   ) -> dict[str, dict[str, Any]]:
    """The recap of `answers` in every language, as plain data (lang -> `asdict` of
    `build_recap`): what a submission's snapshot keeps and the recap PDF reads, so the
    PDF needs no definition to show the answers as they were."""
    return {lang: asdict(build_recap(compiled, answers, lang)) for lang in LANGS}
