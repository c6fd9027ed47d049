"""The add/remove buttons of repeating groups, read from a posted section form.

Without JavaScript "Ajouter" and "Retirer" are ordinary submit buttons of the section
form (name `item_action`, value "add:<group>" or "remove:<group>:<index>"): they post
the whole form, so nothing typed is lost; the save path keeps the draft, then draws the
page with one item more or less. With htmx the same buttons post to the questions'
update instead (nothing saved; leaving the page saves, web/static/js/guichet.js).
A group is any question whose type has `children` (engine.fieldtypes): no type name here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.model import Section
from engine.validate import items_of

ACTION = "item_action"


@dataclass(frozen=True)
class ItemChange:
    """The posted answers after an add/remove button, how many items each group shows
    (group id -> count) and which item takes the focus ("<group>.<index>", "")."""

    posted: dict[str, Any]
    counts: dict[str, int]
    focus: str = ""
    changed: bool = False


def page_counts(section: Section, getlist: Callable[[str], list[str]]) -> dict[str, int]:
    """group id -> the number of items the posted page showed (its `<group>-items`
    field; 0 when missing or not a number)."""
    counts = {}
    for f in section.fields:
        if not f.kind.children(f):
            continue
        try:
            counts[f.id] = max(0, int((getlist(f"{f.id}-items") or ["0"])[-1]))
        except ValueError:
            counts[f.id] = 0
    return counts


def removed_item(getlist: Callable[[str], list[str]]) -> tuple[str, int] | None:
    """(group id, item index) a posted "Retirer" asks to remove ("remove:<group>:<index>"),
    None for any other action or none."""
    parts = (getlist(ACTION) or [""])[-1].split(":")
    if len(parts) == 3 and parts[0] == "remove" and parts[2].isdigit():
        return parts[1], int(parts[2])
    return None


def item_change(section: Section, posted: Mapping[str, Any],
                getlist: Callable[[str], list[str]]) -> ItemChange:
    """Apply the posted `item_action`, if any, to `posted` (the section's answers as
    engine.formdata reads them). "add:<group>": one more item shown (up to the group's
    max), focused; "remove:<group>:<index>": that item dropped (not below the group's
    min items shown). An unknown group, a bad index or no action changes nothing."""
    counts = page_counts(section, getlist)
    answers = dict(posted)
    action = (getlist(ACTION) or [""])[-1]
    parts = action.split(":")
    f = section.field(parts[1]) if len(parts) >= 2 else None
    if f is None or not f.kind.children(f):
        return ItemChange(answers, counts)
    items = items_of(answers.get(f.id))
    shown = max(counts.get(f.id, 0), len(items))
    if parts[0] == "add" and len(parts) == 2:
        if f.max_items is not None and shown >= f.max_items:
            return ItemChange(answers, counts)
        counts[f.id] = shown + 1
        return ItemChange(answers, counts, f"{f.id}.{shown}", True)
    removal = removed_item(getlist)
    if removal is not None:
        index = removal[1]
        if index >= shown or shown <= (f.min_items or 0):
            return ItemChange(answers, counts)
        if index < len(items):
            del items[index]
        answers[f.id] = items or None
        counts[f.id] = shown - 1
        return ItemChange(answers, counts, "", True)
    return ItemChange(answers, counts)
