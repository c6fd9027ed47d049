"""The `postal_code` type: a postal code, checked and written as the post of its
country writes it (issue 15).

`country` (an ISO 3166-1 alpha-2 code, default CA) picks the format from Google's
address data (`engine.places`): a Canadian code is letter-digit-letter digit-letter-digit
without the letters Canada Post never uses (D, F, I, O, Q, U; W and Z not first), stored
"H2X 2S5" however typed ("h2x2s5", "H2X-2S5"); a US ZIP code is 5 or 9 digits
("12345-6789"); a country without a known format takes any text of at most 12
characters, trimmed. The address type reuses `postal_message` with the country of the
address itself, and checks its postal code against the same format in Python
(`AddressType.answer_errors`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..answer_keyword import ANSWER_KEYWORD
from ..errors import DesignerError, ErrorCode, error
from ..model import Definition, Field, Text
from ..places import (
    POSTAL_CODE_MAX,
    all_zeros,
    country_codes,
    normalize_postal_code,
    postal_format,
)
from . import FieldType, register
from .text import AUTOCOMPLETE_PROPERTY

DEFAULT_COUNTRY = "CA"
COUNTRY_PROPERTY: dict[str, Any] = {
    "description": "ISO 3166-1 alpha-2 code of the country whose postal codes are "
                   "accepted (default CA).",
    "type": "string", "pattern": "^[A-Z]{2}$"}

PATTERN_MESSAGE = Text("Entrez un code postal valide, par exemple {example}.",
                       "Enter a valid postal code, for example {example}.")
FREE_MESSAGE = Text("Ce code postal est trop long.", "This postal code is too long.")


def postal_message(country: str) -> Text:
    """The message for a postal code that is not one of `country`'s, with an example."""
    fmt = postal_format(country)
    if not fmt.examples:
        return FREE_MESSAGE
    return PATTERN_MESSAGE.filled(example=fmt.examples[0])


def field_country(f: Field) -> str:
    """The country of a postal_code field: its `country`, else CA."""
    return str(f.extra.get("country", DEFAULT_COUNTRY))


class PostalCodeType(FieldType):
    """`postal_code`: one postal code of the field's `country` (default CA), stored as
    the post writes it, drawn as a text input with autocomplete "postal-code"."""

    name = "postal_code"
    macro = "text"
    input_type = "text"
    default_max_length = POSTAL_CODE_MAX
    default_autocomplete = "postal-code"
    properties = {"country": COUNTRY_PROPERTY, "autocomplete": AUTOCOMPLETE_PROPERTY}
    messages = {"pattern": PATTERN_MESSAGE, "max_length": FREE_MESSAGE}

    def check(self, f: Field, d: Definition) -> Iterator[DesignerError]:
        """FIELD_TYPE for a `country` that is no ISO 3166-1 country."""
        country = f.extra.get("country")
        if country is not None and country not in country_codes():
            yield error(ErrorCode.FIELD_TYPE, d.path, f.line, field=f.id, type=self.name,
                        problem=f"country {country!r} is not an ISO 3166-1 alpha-2 code "
                                "(e.g. CA, US, FR)")

    def schema(self, f: Field) -> dict[str, Any]:
        """A string of at most POSTAL_CODE_MAX characters, in the country's postal code
        format (whole) when it has one; zeros only refused in Python (`answer_errors`)."""
        schema: dict[str, Any] = {"type": "string", "maxLength": POSTAL_CODE_MAX}
        if pattern := postal_format(field_country(f)).pattern:
            schema["pattern"] = f"^{pattern}$"
            schema[ANSWER_KEYWORD] = self.name
        return schema

    def answer_errors(self, value: Any) -> tuple[tuple[str | None, str], ...]:
        """(None, "pattern") for a postal code of zeros only ("00000"), which a pattern
        of digits allows and no post gives (`places.PostalFormat.matches`); () else."""
        return ((None, "pattern"),) if isinstance(value, str) and all_zeros(value) else ()

    def normalize(self, f: Field, value: Any) -> Any:
        """Written as the country's post writes it (`places.normalize_postal_code`);
        anything but a string is kept as given, for the schema to refuse."""
        if not isinstance(value, str):
            return value
        return normalize_postal_code(field_country(f), value)

    def examples(self, f: Field) -> tuple[Any, ...]:
        """The examples of the field's country from Google's data ("H3Z 2Y7"...), each
        as stored; "12345" for a country without a known format."""
        country = field_country(f)
        return tuple(normalize_postal_code(country, e)
                     for e in postal_format(country).examples) or ("12345",)

    placeholder_names = frozenset({"example"})

    def message_values(self, f: Field, answers: Mapping[str, Any] | None = None
                       ) -> Mapping[str, str | Text]:
        """{example}: the first example postal code of the field's country."""
        examples = postal_format(field_country(f)).examples
        return {"example": examples[0] if examples else ""}


register(PostalCodeType())
