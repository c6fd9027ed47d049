"""Check-digit algorithms a text answer may have to pass (`check_digit:` on a text field).

Issue 15: a social insurance number with a wrong digit (123456789) was accepted. A SIN's
last digit is a Luhn check digit; other identifiers use other algorithms, so they are a
small registry, name -> function, that the meta-schema's enum and the validator read:
adding one is adding an entry to CHECK_DIGITS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import register_keyword

CHECK_DIGIT_KEYWORD = "x-guichet-check-digit"


def luhn(digits: str) -> bool:
    """Whether the ASCII digits `digits` pass the Luhn (mod 10) check: from the right,
    every second digit doubled (minus 9 above 9), the sum a multiple of 10. Canada's
    social insurance numbers and payment card numbers use it."""
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# algorithm name (YAML `check_digit:`) -> check of a string of ASCII digits
CHECK_DIGITS: dict[str, Callable[[str], bool]] = {"luhn": luhn}


class CheckDigitKeyword:
    """jsonschema_rs keyword CHECK_DIGIT_KEYWORD (its value: an algorithm of
    CHECK_DIGITS): a string of ASCII digits that fails the check fails; any other string
    passes (the field's pattern says what it must look like)."""

    def __init__(self, parent_schema: dict[str, Any], value: str,
                 schema_path: list[str | int]) -> None:
        self.check = CHECK_DIGITS[value]

    def validate(self, instance: Any) -> None:
        """Raise ValueError when `instance` is digits with a wrong check digit."""
        if (isinstance(instance, str) and instance.isascii() and instance.isdigit()
                and not self.check(instance)):
            raise ValueError("wrong check digit")


register_keyword(CHECK_DIGIT_KEYWORD, CheckDigitKeyword, "check_digit")
