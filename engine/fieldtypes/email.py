"""The `email` type: one email address, checked and normalised by email-validator."""

from __future__ import annotations

from typing import Any

from ..email_address import normalized_email
from ..model import Field, Text
from . import register
from .text import TEXT_PROPERTIES, TextType


class EmailType(TextType):
    """`email`: one address by email-validator's rules (the schema's "email" format),
    stored normalised (domain lower-cased) when valid, as typed otherwise (for its error)."""

    name = "email"
    macro = "email"
    input_type = "email"
    default_max_length = 254

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """One address, with a domain in capitals."""
        return ({name: ["nom@Exemple.com"]},)
    properties = TEXT_PROPERTIES
    messages = {"format": Text("Entrez une adresse courriel valide, par exemple nom@exemple.com.",
                               "Enter a valid email address, for example name@example.com.")}

    def schema(self, f: Field) -> dict[str, Any]:
        """A string of format "email", bounded like any text."""
        schema = super().schema(f)
        return {"type": "string", "format": "email", **schema}

    def normalize(self, f: Field, value: Any) -> Any:
        """The text normalised, then the address normalised when it is a valid one."""
        value = super().normalize(f, value)
        if isinstance(value, str) and value:
            value = normalized_email(value) or value
        return value


register(EmailType())
