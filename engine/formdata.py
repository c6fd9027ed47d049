"""Turn posted form fields (every value a string) into JSON answers.

Browsers send strings; the schema wants booleans for yes/no and lists for
checkboxes and grids. This conversion lives in the engine, not in a view,
so every client of the engine (web pages, an API, imports) reads forms alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import Field, Section

TRUE_WORDS = frozenset({"true", "oui", "yes", "1", "on"})
FALSE_WORDS = frozenset({"false", "non", "no", "0", "off"})


def field_value(f: Field, raw: list[str]) -> Any:
    """The answer held by the posted values of one field; None when unanswered.

    raw: every value posted under the field's id. A list field gets its
    non-empty values (list[str]); another field its last value (str), as a
    bool for yesno when it is a yes/no word (true/oui/yes/1/on, false/non/no/0/off).
    """
    raw = [r for r in raw if isinstance(r, str)]
    if f.is_list:
        return [r for r in raw if r != ""] or None
    if not raw:
        return None
    value = raw[-1]
    if f.type == "yesno":
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return value or None  # kept as is: validation will say it is not a yes/no
    return value


def section_answers(section: Section, getlist: Callable[[str], list[str]]) -> dict[str, Any]:
    """Every field of the section read from a form (`getlist` as in werkzeug's MultiDict)."""
    return {f.id: field_value(f, getlist(f.id)) for f in section.fields}
