"""Comparisons in conditions (`gt`, `ge`, `lt`, `le`) that JSON Schema cannot say.

A comparison with a number literal compiles to plain JSON Schema (`minimum`...,
engine/compile.py). Every other one (a date, `today`, an offset from today such as
"-12m", another field's answer) compiles to the custom keyword `KEYWORD`, whose
validator (`CompareKeyword`) is given to every compiled validator: so the one compiled
condition still decides visibility, requirement, options and rules, and "today" is
read each time an answer is judged, never when the definition is compiled (a compiled
definition lives for days).

"Today" is the service's date (America/Toronto), from the clock `use_now` was given (storage.clock)
(storage gives its own, which tests freeze); without one, the wall clock in that zone.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

SERVICE_ZONE = ZoneInfo("America/Toronto")
KEYWORD = "x-guichet-compare"
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
OFFSET = re.compile(r"^([+-])(\d{1,4})([dwmy])$")
_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


_today: Callable[[], date] | None = None  # a test's fixed date; None: from `now()`


def use_today(source: Callable[[], date] | None) -> Callable[[], date] | None:
    """Take "today" from `source` (a function giving the service's local date) instead
    of from `now()`; None goes back to `now()`. Returns the source used until now (to
    put it back). For tests of the engine alone: the service sets only `use_now`."""
    global _today
    previous, _today = _today, source
    return previous


def today() -> date:
    """The service's date now (America/Toronto): `now()` in that zone, unless a test gave
    a date through `use_today`."""
    return _today() if _today is not None else now().astimezone(SERVICE_ZONE).date()


def _wall_clock_now() -> datetime:
    return datetime.now(UTC)


_now: Callable[[], datetime] = _wall_clock_now


def use_now(source: Callable[[], datetime]) -> Callable[[], datetime]:
    """Take the current instant from `source` (aware datetimes) from now on; returns the
    source used until now. storage.clock calls it with its own clock, so "today" in
    conditions and the moment an answer records (a declaration ticked) follow a frozen
    test clock too."""
    global _now
    previous, _now = _now, source
    return previous


def now() -> datetime:
    """The current instant, aware, in UTC, from the source given to `use_now`."""
    return _now().astimezone(UTC)


def is_number(value: Any) -> bool:
    """True for an int or float answer or operand (a bool is not a number)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_date(value: Any) -> date | None:
    """A "YYYY-MM-DD" string as a date; None for anything else (a malformed answer)."""
    if not isinstance(value, str) or not DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def date_operand(value: Any, on: date) -> date | None:
    """A date operand as a date: "YYYY-MM-DD", "today" (`on`), or an offset from `on`.

    Offsets: a sign, a count and a unit d (days), w (weeks), m (months) or y (years):
    "-12m", "+1y", "-30d". Calendar arithmetic: one month after 2025-01-31 is 2025-02-28.
    None when `value` is none of these (the checker refuses such operands).
    """
    if value == "today":
        return on
    if isinstance(value, str) and (m := OFFSET.match(value)):
        count = int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
        return on + relativedelta(**{_UNITS[m.group(3)]: count})
    return parse_date(value)


def holds(answers: Mapping[str, Any], field: str, op: str, than: Any,
          on: date | None = None) -> bool:
    """Whether the answer to `field` is `op` ("gt", "ge", "lt", "le") `than`.

    than: a number, a date operand (`date_operand`) or {"field": other id} (that
    field's answer). Numbers compare with numbers, dates with dates. False when either
    side is unanswered or malformed (not a date), or when they are of different kinds;
    never raises. on: "today" (default: `today()`, read now).
    """
    if not isinstance(answers, Mapping):
        return False
    left = answers.get(field)
    if isinstance(than, Mapping):
        right = answers.get(than.get("field"))
        if is_number(left) and is_number(right):
            return COMPARISONS[op](left, right)
        left_date, right_date = parse_date(left), parse_date(right)
    elif is_number(than):
        return is_number(left) and COMPARISONS[op](left, than)
    else:
        left_date = parse_date(left)
        right_date = date_operand(than, on or today()) if left_date else None
    if left_date is None or right_date is None:
        return False
    return COMPARISONS[op](left_date, right_date)


class CompareKeyword:
    """jsonschema_rs custom keyword `KEYWORD`: {"field": id, "op": "gt", "than": operand}.

    Applied to the answers object (field id -> value); fails (raises ValueError, which
    jsonschema_rs turns into a validation error) when `holds` is False.
    """

    def __init__(self, parent_schema: dict[str, Any], value: dict[str, Any],
                 schema_path: list[str | int]) -> None:
        self.field, self.op, self.than = value["field"], value["op"], value["than"]

    def validate(self, instance: Any) -> None:
        """Raise ValueError unless the comparison holds for `instance` (the answers)."""
        if not holds(instance, self.field, self.op, self.than):
            raise ValueError(f"{self.field} is not {self.op} {self.than!r}")


# the keywords of our own every compiled validator knows (engine.compile): this one, and
# the field types' (fieldtypes.register_keyword: a check digit, a phone's validity...)
KEYWORDS: dict[str, type] = {KEYWORD: CompareKeyword}
# keyword -> the message key of its error (engine.validate), for the field types' keywords
KEYWORD_MESSAGES: dict[str, str] = {}
