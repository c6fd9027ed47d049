"""The free-text types: `text` (one line) and `textarea` (several lines).

Their answer is a string, normalised by the field's `normalize` list, bounded by
min_length/max_length and matched against `pattern`. `TextType` is also the base of
the other one-input types (email, tel, date).
"""

from __future__ import annotations

from typing import Any

from . import FieldType, register

NORMALIZE_PROPERTY: dict[str, Any] = {
    "description": (
        "Applied in order to a text answer before it is checked and stored (default: "
        "[strip]); every answer is first composed (NFC), full-width ASCII made ASCII, with "
        "its line breaks made LF, and one left with only spaces or invisible characters is "
        "no answer. strip: spaces and invisible characters (zero-width, no-break, byte order "
        "mark...) off both ends; collapse_spaces: runs of spaces become one, then strip; "
        "remove_spaces_hyphens: every space, invisible character, dash (hyphen, en dash, em "
        "dash...) and minus sign removed; digits: digits of any script (full-width, "
        "Arabic-Indic, Devanagari...) made ASCII 0-9, for answers whose pattern expects "
        "digits; upper, lower: case."),
    "type": "array",
    "items": {"enum": ["strip", "collapse_spaces", "remove_spaces_hyphens", "digits",
                       "upper", "lower"]},
}
AUTOCOMPLETE_PROPERTY: dict[str, Any] = {"$ref": "#/$defs/autocomplete"}

# the keys of a free-text answer
TEXT_PROPERTIES: dict[str, dict[str, Any]] = {
    "pattern": {"type": "string"},
    "min_length": {"type": "integer", "minimum": 0},
    "max_length": {"type": "integer", "minimum": 1, "maximum": 10000},
    "normalize": NORMALIZE_PROPERTY,
    "autocomplete": AUTOCOMPLETE_PROPERTY,
}


class TextType(FieldType):
    """`text`: one line of text, at most 200 characters unless max_length says otherwise."""

    name = "text"
    properties = TEXT_PROPERTIES
    macro = "text"
    input_type = "text"
    default_max_length = 200


class TextareaType(TextType):
    """`textarea`: several lines of text, at most 2000 characters by default."""

    name = "textarea"
    macro = "textarea"
    default_max_length = 2000
    keeps_answers_of = frozenset({"text"})


register(TextType())
register(TextareaType())
