"""The `date` type: a calendar date stored as YYYY-MM-DD, between bounds.

`min` and `max` (issue 15) are each a date "YYYY-MM-DD", `today`, an offset from today
("-120y", "+1y", "-12m": engine.compare's operands) or the id of an earlier date
question (a child's birth date bounds the day it came to live with the applicant).
Unset, they are 1900-01-01 and 2100-12-31, so the year 0020 is refused. Bounds are
judged when answers are validated (`DateBoundKeyword`), never when the definition is
compiled, so "today" is always today. Every date error (format, min, max) says the
same thing by default: the format and the bounds in force, written per language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from babel.dates import format_date

from ..compare import date_operand, parse_date, today
from ..errors import DesignerError, ErrorCode, error
from ..model import Definition, Field, Text, fields_before, fields_in_scope
from . import register, register_keyword
from .text import AUTOCOMPLETE_PROPERTY, NORMALIZE_PROPERTY, TextType

# the year a date may have by (designer sets min, designer sets max): DEFAULT_BOUNDS on
# the sides left unset (any date of the year 2100 is at most 2100-12-31)
# years 0001 to 0999: "0000" is no year (RFC 3339's format takes it, no calendar does:
# a bound could not judge it, and it was kept as an answer)
_EARLY = "000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}"
YEARS = {(False, False): "(19[0-9]{2}|20[0-9]{2}|2100)",
         (False, True): "(19[0-9]{2}|[2-9][0-9]{3})",
         (True, False): f"({_EARLY}|1[0-9]{{3}}|20[0-9]{{2}}|2100)",
         (True, True): f"({_EARLY}|[1-9][0-9]{{3}})"}
DEFAULT_BOUNDS = {"min": date(1900, 1, 1), "max": date(2100, 12, 31)}
BOUND_KEYWORD = "x-guichet-date-bound"
LOCALES = {"fr": "fr_CA", "en": "en_CA"}
DATE_MESSAGE = Text("Entrez une date valide au format AAAA-MM-JJ, entre le {min} et le {max}.",
                    "Enter a valid date as YYYY-MM-DD, between {min} and {max}.")
BOUND_PROPERTY: dict[str, Any] = {
    "type": "string",
    "description": "A date YYYY-MM-DD, today, an offset from today (-120y, +1y, -12m, "
                   "-30d, +2w) or the id of an earlier date question."}


def other_answer(answers: Mapping[str, Any], field_id: str) -> Any:
    """The answer to `field_id` a bound reads, in `answers` (the object being judged:
    the section's answers). The one place a bound looks another answer up: a repeating
    group extends it to look in the item first, then in the answers before the group."""
    return answers.get(field_id) if isinstance(answers, Mapping) else None


def is_field_id(bound: Any) -> bool:
    """Whether a bound names a question rather than a date, today or an offset."""
    return isinstance(bound, str) and date_operand(bound, date(2000, 1, 1)) is None


def bound_date(f: Field, side: str, answers: Mapping[str, Any], on: date) -> date:
    """The date bound `side` ("min" or "max") of `f` for these answers on the day `on`:
    the designer's bound, or DEFAULT_BOUNDS when there is none or when it names a
    question not answered (or not with a date within DEFAULT_BOUNDS)."""
    bound = f.extra.get(side)
    if bound is None:
        return DEFAULT_BOUNDS[side]
    if is_field_id(bound):
        found = parse_date(other_answer(answers, bound))
        if found is not None and not DEFAULT_BOUNDS["min"] <= found <= DEFAULT_BOUNDS["max"]:
            found = None  # that answer is refused itself: its own error says so
    else:
        found = date_operand(bound, on)
    return found or DEFAULT_BOUNDS[side]


class DateBoundKeyword:
    """jsonschema_rs keyword BOUND_KEYWORD, on the object holding the answer:
    {"field": id, "side": "min" | "max", "bound": the designer's bound or null}. Fails
    when the answer is a real date beyond the bound in force today (`bound_date`);
    an absent or malformed answer passes (its format error says it)."""

    def __init__(self, parent_schema: dict[str, Any], value: dict[str, Any],
                 schema_path: list[str | int]) -> None:
        self.field_id, self.side = value["field"], value["side"]
        self.field = Field(self.field_id, "date", Text("", ""), 0,
                           extra={self.side: value["bound"]} if value["bound"] else {})

    def validate(self, instance: Any) -> None:
        """Raise ValueError when the answer is beyond its bound."""
        answer = parse_date(other_answer(instance, self.field_id))
        if answer is None:
            return
        bound = bound_date(self.field, self.side, instance, today())
        if answer < bound if self.side == "min" else answer > bound:
            raise ValueError(f"{answer} is beyond the {self.side} {bound}")


register_keyword(BOUND_KEYWORD, DateBoundKeyword, "format")


def format_long(day: date, lang: str) -> str:
    """`day` written out with Babel: "2 janvier 1900" / "January 2, 1900". French writes
    the first of a month as an ordinal, "1er janvier 1900", which CLDR's pattern (`d`)
    does not: Babel's text gets its "er"."""
    text = format_date(day, "long", locale=LOCALES.get(lang, "fr_CA"))
    if day.day == 1 and lang == "fr":
        text = re.sub(r"^1(?=\s)", "1er", text)
    return text


class DateType(TextType):
    """`date`: a string of format "date" (YYYY-MM-DD) within `min` and `max`;
    conditions compare it as a date. No pattern or length: the format says it all."""

    name = "date"
    macro = "date"
    input_type = "date"
    default_max_length = None
    value_kind = "date"
    properties = {"normalize": NORMALIZE_PROPERTY, "autocomplete": AUTOCOMPLETE_PROPERTY,
                  "min": BOUND_PROPERTY, "max": BOUND_PROPERTY}
    messages = {"format": DATE_MESSAGE, "pattern": DATE_MESSAGE, "min": DATE_MESSAGE,
                "max": DATE_MESSAGE}

    def example(self) -> dict[str, Any]:
        """At most 120 years ago, at the latest today."""
        return {"min": "-120y", "max": "today"}

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """A day of 2000 (within the example's bounds)."""
        return ({name: ["2000-02-29"]}, {name: [" 2000-12-31 "]})

    def schema(self, f: Field) -> dict[str, Any]:
        """A string of format "date" matching YYYY-MM-DD (at most 200 characters), its
        year within the default bounds on each side the designer leaves unset (a plain
        pattern: no call per answer for the bounds nobody wrote)."""
        year = YEARS[("min" in f.extra, "max" in f.extra)]
        return {"type": "string", "format": "date", **super().schema(f),
                "pattern": rf"^{year}-\d{{2}}-\d{{2}}$"}

    def clauses(self, f: Field) -> tuple[tuple[str, dict[str, Any]], ...]:
        """The "min" and "max" bounds the designer set (`DateBoundKeyword`), judged on
        the answers when they are validated."""
        return tuple((side, {BOUND_KEYWORD: {"field": f.id, "side": side,
                                             "bound": f.extra[side]}})
                     for side in ("min", "max") if side in f.extra)

    placeholder_names = frozenset({"min", "max"})

    def message_values(self, f: Field, answers: Mapping[str, Any] | None = None
                       ) -> dict[str, Any]:
        """{min}, {max}: the bounds in force today for these answers, written out per
        language ("1er janvier 1900" / "January 1, 1900")."""
        on = today()
        return {side: Text(format_long(day, "fr"), format_long(day, "en"))
                for side in ("min", "max")
                for day in (bound_date(f, side, answers or {}, on),)}

    def check(self, f: Field, d: Definition) -> Iterator[DesignerError]:
        """MIN_ABOVE_MAX when both bounds are dates, or both relative to today, and min
        is after max; FIELD_TYPE for a bound that is no date, today, offset nor the id of
        an earlier date question (unknown, not a date, asked later)."""
        before = fields_before(d, f)  # in a repeating group: the item's earlier ones too
        known = fields_in_scope(d, f)
        for side in ("min", "max"):
            bound = f.extra.get(side)
            if bound is None or not is_field_id(bound):
                continue
            other = before.get(bound)
            if other is None:
                problem = ("is asked later: a bound may only name an earlier question"
                           if bound in known else
                           "is no date (YYYY-MM-DD), today, offset (-120y, +1y, -12m) nor "
                           "the id of a date question")
            elif other.kind.value_kind != "date":
                problem = f"names the {other.type} question '{bound}', not a date question"
            else:
                continue
            yield error(ErrorCode.FIELD_TYPE, d.path, f.line, field=f.id, type=self.name,
                        problem=f"`{side}: {bound}` {problem}")
        low, high = f.extra.get("min"), f.extra.get("max")
        if low is None or high is None or is_field_id(low) or is_field_id(high):
            return
        relative = [b == "today" or b[:1] in "+-" for b in (low, high)]
        if relative[0] == relative[1]:
            on = date(2000, 1, 1)
            if date_operand(low, on) > date_operand(high, on):
                yield error(ErrorCode.MIN_ABOVE_MAX, d.path, f.line, field=f.id, low=low,
                            high=high)


register(DateType())
