"""How big an answer may be, even in a draft: the rule that stops a script, not a person.

Field lengths come from the definition (max_length, or the default of its type:
`FieldType.max_length`); a choice's from its type's kind of value. A draft may keep
a text a little too long, with its error shown, as it keeps any wrong answer; more
than twice the limit is refused at save with the field's error and nothing stored
(`overlong_fields`). The browser's maxlength stops a person; this stops a script.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.fieldtypes.group import MAX_ITEMS
from engine.model import Field, Section

# A draft may hold a text up to twice its max_length (with the "too long" error shown,
# like any wrong answer kept in a draft); beyond that the save is refused.
DRAFT_FACTOR = 2


def _longest_choice(f: Field) -> int:
    """The longest value a choice of `f` may be (at least a yes/no word's length)."""
    return max([len(o.value) for o in f.choices()] + [10])


def _too_big(f: Field, value: Any) -> bool:
    if f.kind.multipart and isinstance(value, list):  # files' references, rebuilt from
        return False  # storage's files on save (web/forms/uploads.py), never as posted
    children = f.kind.children(f)
    if children and isinstance(value, list):  # a repeating group: each item's answers
        by_id = {c.id: c for c in children}
        return len(value) > (f.max_items or MAX_ITEMS) or any(
            not isinstance(item, dict) or any(
                c_id not in by_id or _too_big(by_id[c_id], v) for c_id, v in item.items())
            for item in value)
    if isinstance(value, list):
        return len(value) > len(f.choices()) or any(
            not isinstance(v, str) or len(v) > DRAFT_FACTOR * _longest_choice(f)
            for v in value)
    if isinstance(value, dict):  # a composite answer (an address): each part a text
        return any(_too_big(f, v) for v in value.values())
    if not isinstance(value, str):
        return False
    if f.is_list or f.kind.value_kind in ("option", "bool"):
        return len(value) > DRAFT_FACTOR * _longest_choice(f)
    return len(value) > DRAFT_FACTOR * (f.kind.max_length(f) or 200)


def overlong_fields(section: Section, answers: Mapping[str, Any]) -> list[str]:
    """Fields of `section` whose answer is too big even for a draft: a text over twice its
    max_length, a choice over twice the longest choice, a list with more items than there
    are choices, a composite answer (an address) with such a part. Drafts may be wrong
    (and say so), never oversized."""
    return [f.id for f in section.fields if _too_big(f, answers.get(f.id))]
