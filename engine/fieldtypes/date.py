"""The `date` type: a calendar date stored as YYYY-MM-DD."""

from __future__ import annotations

from typing import Any

from ..model import Field, Text
from . import register
from .text import AUTOCOMPLETE_PROPERTY, NORMALIZE_PROPERTY, TextType

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


class DateType(TextType):
    """`date`: a string of format "date" (YYYY-MM-DD); conditions compare it as a date.
    No pattern or length: the format says it all."""

    name = "date"
    macro = "date"
    input_type = "date"
    default_max_length = None
    value_kind = "date"
    properties = {"normalize": NORMALIZE_PROPERTY, "autocomplete": AUTOCOMPLETE_PROPERTY}
    messages = {"format": Text("Entrez une date valide au format AAAA-MM-JJ.",
                               "Enter a valid date as YYYY-MM-DD.")}

    def schema(self, f: Field) -> dict[str, Any]:
        """A string of format "date" matching YYYY-MM-DD (at most 200 characters)."""
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN,
                **super().schema(f)}


register(DateType())
