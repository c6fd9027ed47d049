"""The custom JSON Schema keyword through which a field type checks answers in Python.

Some rules of an answer would take JSON Schema one branch per case: an address's
postal code format and region depend on its country (~100 branches, ~19 KB compiled
for every address question). A type says them in `FieldType.answer_errors` instead and
puts {ANSWER_KEYWORD: "<its name>"} in its `schema`; every compiled validator knows
the keyword (registered by engine.fieldtypes with `register_keyword`), and
engine/validate.py asks the type which parts are wrong. Other JSON Schema validators
ignore the keyword, so what `answer_errors` checks is not in the schema `guichet
schema` prints.

Apart from engine.fieldtypes so that validate need not import the registry's package
(which imports validate for its messages).
"""

from __future__ import annotations

from typing import Any

from .model import FIELD_TYPES

# custom JSON Schema keyword of an answer's schema: {ANSWER_KEYWORD: "<type name>"} has
# the validators call that type's `answer_errors` (`AnswerKeyword`)
ANSWER_KEYWORD = "x-guichet-type"


class AnswerKeyword:
    """jsonschema_rs custom keyword ANSWER_KEYWORD, known to every compiled validator
    (`fieldtypes.register_keyword`): its value names a registered type; an answer fails
    (ValueError, which jsonschema_rs turns into a validation error) when that type's
    `answer_errors` finds a mistake. engine/validate.py then asks the type which parts are wrong."""

    def __init__(self, parent_schema: dict[str, Any], value: str,
                 schema_path: list[str | int]) -> None:
        self.kind = FIELD_TYPES[value]

    def validate(self, instance: Any) -> None:
        """Raise ValueError when the answer `instance` has a mistake of its type's own."""
        if errors := self.kind.answer_errors(instance):
            raise ValueError(f"{self.kind.name}: {errors!r}")

