"""The free-text types: `text` (one line) and `textarea` (several lines).

Their answer is a string, normalised by the field's `normalize` list, bounded by
min_length/max_length and matched against `pattern`. `TextType` is also the base of
the other one-input types (email, tel, date).
"""

from __future__ import annotations

from typing import Any

from ..model import Field, Text
from . import FieldType, register
from .check_digits import CHECK_DIGIT_KEYWORD, CHECK_DIGITS

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
    """`text`: one line of text, at most 200 characters unless max_length says otherwise;
    `check_digit` (an algorithm of check_digits.CHECK_DIGITS, e.g. luhn for a SIN): the
    normalised answer, when it is digits, must pass it."""

    name = "text"
    properties = {**TEXT_PROPERTIES, "check_digit": {"enum": list(CHECK_DIGITS)}}
    macro = "text"
    input_type = "text"
    default_max_length = 200
    messages = {"check_digit": Text(
        "Ce numéro n'existe pas : un chiffre est probablement mal saisi. Vérifiez-le.",
        "This number does not exist: a digit is probably mistyped. Check it.")}

    def schema(self, f: Field) -> dict[str, Any]:
        """A string bounded in length, matching `pattern`, passing `check_digit`."""
        schema = super().schema(f)
        if f.extra.get("check_digit"):
            schema[CHECK_DIGIT_KEYWORD] = f.extra["check_digit"]
        return schema


class TextareaType(TextType):
    """`textarea`: several lines of text, at most 2000 characters by default."""

    name = "textarea"
    properties = TEXT_PROPERTIES
    macro = "textarea"
    default_max_length = 2000
    keeps_answers_of = frozenset({"text"})


register(TextType())
register(TextareaType())
