"""The `number` type: an amount or a count, read as people type it, stored as a JSON number.

Issue 15: "12500,00" next to "14000.50" in one dossier. People write "12 500,50",
"12500.50", "12 500", "12 500,5 $"; all are read here into one JSON number (an int
when `decimals` is 0, else a float with at most `decimals` decimals), which
comparisons (engine.compare, JSON Schema's minimum/maximum) order as numbers.
Text that cannot be read without guessing ("12,500" for a field with 2 decimals: twelve
and a half, or twelve thousand five hundred?) stays as typed and is refused with a
message showing the expected writing. Shown with Babel per language: fr-CA
"12 500,50 $", en-CA "$12,500.50".
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale
from babel.numbers import NumberPattern

from ..errors import DesignerError, ErrorCode, error
from ..model import Definition, Field, Text
from . import FieldType, register, register_keyword
from .text import AUTOCOMPLETE_PROPERTY

LOCALES = {"fr": "fr_CA", "en": "en_CA"}
CURRENCY = re.compile(r"^[A-Z]{3}$")
DOLLAR_UNITS = frozenset({"$", "CAD"})  # "$" means the Canadian dollar
MAX_DIGITS = 15  # a float holds 15 significant digits exactly
# the largest amount a number question takes, whatever its `max` (and its negative, the
# smallest): past it a JSON number is no longer kept exactly, and Babel cannot write it
LARGEST = 10**MAX_DIGITS - 1
DECIMALS_KEYWORD = "x-guichet-decimals"

# spaces people put between thousands: space, no-break, narrow no-break, thin, apostrophes
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009\u2007'\u2019]+")
_MINUS = "-\u2212\u2012\u2013"
_NUMBER = re.compile(r"^([+-]?)([0-9][0-9.,]*)$")


def _unit_words(f: Field) -> tuple[str, ...]:
    """What may be typed along with the number and is left out: the unit, and for a
    Canadian-dollar amount "$", "CAD", "CA$", "$CA"."""
    unit = str(f.extra.get("unit", "") or "")
    words = [unit] if unit else []
    if unit in DOLLAR_UNITS:
        words += ["CA$", "$CA", "CAD", "$"]
    elif CURRENCY.match(unit):
        words += ["$"] if unit.endswith("D") else []
    return tuple(sorted(set(words), key=len, reverse=True))


def decimals_of(f: Field) -> int:
    """The decimals `f` allows (`decimals`, default 0: a whole number)."""
    return int(f.extra.get("decimals", 0) or 0)


def read_number(text: str, decimals: int, units: tuple[str, ...] = ()) -> Decimal | None:
    """The number written in `text`, or None when it cannot be read without guessing.

    Accepted: digits with "," or "." as the decimal mark, thousands grouped by spaces
    (any Unicode space, or an apostrophe), or by the other mark ("12,500.50",
    "12.500,50"), a sign, and any of `units` before or after ("12 500 $"). A single mark
    followed by exactly three digits ("12,500") is a thousands separator when `decimals`
    is 0, a decimal mark when it is 3 or more or the whole part is 0 ("0,001"), and
    ambiguous (None) otherwise. None too
    for more than MAX_DIGITS digits, exponents, "NaN" and anything else.
    """
    s = text.strip()
    for word in units:
        if s.upper().startswith(word.upper()):
            s = s[len(word):]
        if s.upper().endswith(word.upper()):
            s = s[:-len(word)]
    s = s.strip()
    if not s:
        return None
    if s[0] in _MINUS:
        s = "-" + s[1:]
    grouped_by_spaces = _GROUPING.search(s) is not None
    s = _GROUPING.sub("", s)
    m = _NUMBER.match(s)
    if not m:
        return None
    sign, body = m.groups()
    marks = [c for c in body if c in ".,"]
    if not marks:
        digits = body
    elif len(set(marks)) == 2:
        decimal_mark = body[max(body.rfind("."), body.rfind(","))]
        whole, _, frac = body.rpartition(decimal_mark)
        group_mark = "," if decimal_mark == "." else "."
        if decimal_mark in whole or not _grouped(whole, group_mark):
            return None
        digits = whole.replace(group_mark, "") + "." + frac
    elif len(marks) > 1:  # one mark, several times: thousands
        if not _grouped(body, marks[0]):
            return None
        digits = body.replace(marks[0], "")
    else:
        whole, _, frac = body.partition(marks[0])
        if not frac or not whole:
            return None
        if len(frac) == 3 and not grouped_by_spaces and decimals < 3 and whole != "0":
            if decimals > 0 or len(whole) > 3:
                return None  # "12,500": twelve and a half, or twelve thousand five hundred?
            digits = whole + frac
        else:
            digits = whole + "." + frac
    if len(digits.replace(".", "").lstrip("0")) > MAX_DIGITS:
        return None
    try:
        return Decimal(sign + digits)
    except InvalidOperation:
        return None


def _grouped(text: str, mark: str) -> bool:
    """Whether `text` is digits grouped by threes with `mark` ("12,500,000")."""
    head, *groups = text.split(mark)
    return 1 <= len(head) <= 3 and all(len(g) == 3 for g in groups)


def as_json_number(value: Decimal, decimals: int) -> int | float:
    """`value` as the JSON number stored: an int when it is whole and `decimals` is 0,
    else a float (exact to MAX_DIGITS digits)."""
    if decimals == 0 and value == value.to_integral_value():
        return int(value)
    return float(value)


def _decimal(value: Any) -> Decimal | None:
    """`value` as a Decimal when it is a JSON number within ±LARGEST, else None (a
    bool, text, a number too large to be kept exactly: 1e26 sent through the API)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return None
    if not amount.is_finite() or abs(amount) > LARGEST:
        return None
    return amount.copy_abs() if amount.is_zero() else amount  # -0 kept before: shown 0


def _pattern(kind: str, lang: str, decimals: int) -> NumberPattern:
    """The locale's pattern of `kind` ("decimal", "currency", "percent") with exactly
    `decimals` fraction digits, unscaled (a percent is written as stored: 12.5 -> 12,5 %)."""
    locale = Locale.parse(LOCALES.get(lang, "fr_CA"))
    formats = {"decimal": locale.decimal_formats, "percent": locale.percent_formats,
               "currency": locale.currency_formats}[kind]
    pattern = copy.copy(formats["standard"] if kind == "currency" else formats[None])
    pattern.frac_prec = (decimals, decimals)
    pattern.scale = 0
    return pattern


def format_number(value: Any, decimals: int, unit: str, lang: str) -> str:
    """`value` (a JSON number) as written in `lang` with Babel: fr "12 500,50 $", en
    "$12,500.50" for a currency (`unit` an ISO 4217 code, or "$" for CAD); "12,5 %" /
    "12.5%"; another unit after the number ("7,5 h"). str(value) for a non-number or a
    number past ±LARGEST (never an error: a draft may hold one)."""
    amount = _decimal(value)
    if amount is None:
        return str(value)
    locale = LOCALES.get(lang, "fr_CA")
    if unit in DOLLAR_UNITS or CURRENCY.match(unit):
        code = "CAD" if unit in DOLLAR_UNITS else unit
        return _pattern("currency", lang, decimals).apply(amount, locale, currency=code,
                                                          currency_digits=False)
    if unit == "%":
        return _pattern("percent", lang, decimals).apply(amount, locale)
    text = _pattern("decimal", lang, decimals).apply(amount, locale)
    return f"{text}\u00a0{unit}" if unit else text


def bounds(f: Field) -> tuple[int | float, int | float]:
    """(lowest, highest) amount `f` takes: its `min` and `max`, within ±LARGEST."""
    low, high = f.extra.get("min"), f.extra.get("max")
    return (max(-LARGEST, low) if low is not None else -LARGEST,
            min(LARGEST, high) if high is not None else LARGEST)


class DecimalsKeyword:
    """jsonschema_rs keyword DECIMALS_KEYWORD (its value: the decimals allowed): a number
    with more decimals than that fails (12.555 with 2)."""

    def __init__(self, parent_schema: dict[str, Any], value: int,
                 schema_path: list[str | int]) -> None:
        self.decimals = value

    def validate(self, instance: Any) -> None:
        """Raise ValueError when `instance` is a number with too many decimals."""
        amount = _decimal(instance)
        if amount is not None and amount != round(amount, self.decimals):
            raise ValueError(f"{instance!r} has more than {self.decimals} decimals")


register_keyword(DECIMALS_KEYWORD, DecimalsKeyword, "decimals")
# the same check for a whole number (decimals: 0), whose message asks for a whole number
WHOLE_KEYWORD = "x-guichet-whole"
register_keyword(WHOLE_KEYWORD, DecimalsKeyword, "whole")


class NumberType(FieldType):
    """`number`: `decimals` (0: a whole number), `min`, `max` (inclusive), `unit`."""

    name = "number"
    macro = "text"  # the one-input macro, with inputmode decimal or numeric
    input_type = "text"
    value_kind = "number"
    default_max_length = 40
    properties = {
        "decimals": {"type": "integer", "minimum": 0, "maximum": 6},
        "min": {"type": "number"},
        "max": {"type": "number"},
        "unit": {"type": "string", "minLength": 1, "maxLength": 12},
        "autocomplete": AUTOCOMPLETE_PROPERTY,
    }
    messages = {
        "type": Text("Entrez un nombre en chiffres, par exemple {example}. Séparez les "
                     "milliers par une espace (12 500) : « 12,500 » se lirait aussi 12,5.",
                     "Enter a number in digits, for example {example}. Separate thousands "
                     "with a space (12 500): \"12,500\" could also be read as 12.5."),
        "decimals": Text("Entrez un nombre d'au plus {decimals}, par exemple {example}.",
                         "Enter a number with at most {decimals}, for example {example}."),
        "whole": Text("Entrez un nombre entier, sans décimales, par exemple {example}.",
                      "Enter a whole number, without decimals, for example {example}."),
        "min": Text("Entrez un nombre d'au moins {min}.", "Enter a number of at least {min}."),
        "max": Text("Entrez un nombre d'au plus {max}.", "Enter a number of at most {max}."),
    }

    def example(self) -> dict[str, Any]:
        """Two decimals, 0 to 1,000,000 CAD."""
        return {"decimals": 2, "min": 0, "max": 1000000, "unit": "CAD"}

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """"12 500,50", "12500.5", "12 500" (with the unit when there is one)."""
        unit = str(f.extra.get("unit", ""))
        return ({name: ["12 500,50"]}, {name: ["12500.5"]}, {name: [f"12 500 {unit}"]})

    def check(self, f: Field, d: Definition) -> Iterator[DesignerError]:
        """MIN_ABOVE_MAX when min > max; FIELD_TYPE for a bound with more decimals than
        `decimals` allows."""
        low, high = f.extra.get("min"), f.extra.get("max")
        if low is not None and high is not None and low > high:
            yield error(ErrorCode.MIN_ABOVE_MAX, d.path, f.line, field=f.id, low=low, high=high)
        decimals = decimals_of(f)
        for key in ("min", "max"):
            bound = _decimal(f.extra.get(key))
            if bound is not None and bound != round(bound, decimals):
                yield error(ErrorCode.FIELD_TYPE, d.path, f.line, field=f.id, type=self.name,
                            problem=f"`{key}: {f.extra[key]}` has more decimals than "
                                    f"`decimals: {decimals}` allows")

    def schema(self, f: Field) -> dict[str, Any]:
        """A JSON number within `bounds` (min and max, never past ±LARGEST), with at
        most `decimals` decimals (DECIMALS_KEYWORD; WHOLE_KEYWORD when `decimals` is 0)."""
        decimals = decimals_of(f)
        # "number", not "integer", for a whole number too: 3.5 then fails WHOLE_KEYWORD,
        # whose message asks for a whole number, instead of "type"'s "a number in digits"
        low, high = bounds(f)
        schema: dict[str, Any] = {"type": "number", "minimum": low, "maximum": high}
        schema[DECIMALS_KEYWORD if decimals else WHOLE_KEYWORD] = decimals
        return schema

    def normalize(self, f: Field, value: Any) -> Any:
        """Text read by `read_number` becomes a JSON number (`as_json_number`); text
        left blank is ""; text that cannot be read stays as typed, for its error; a
        minus zero is 0."""
        if isinstance(value, str):
            text = super().normalize(f, value)
            if not isinstance(text, str) or not text:
                return text
            amount = read_number(text, decimals_of(f), _unit_words(f))
            value = text if amount is None else as_json_number(amount, decimals_of(f))
        # "-0" typed or -0.0 sent as JSON: a zero, never written "-0,00 $"
        return 0.0 if isinstance(value, float) and value == 0 else value

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """The number with its unit, per `lang` (`format_number`)."""
        if value is None:
            return ()
        return (format_number(value, decimals_of(f), str(f.extra.get("unit", "")), lang),)

    def input_texts(self, f: Field, value: Any, lang: str, name: str) -> dict[str, str] | None:
        """A stored number as written in `lang`, without its unit ("12 500,50"); text
        as typed. A number with more decimals than allowed (refused, shown back for its
        error) keeps every decimal typed: never rounded into a number that looks right."""
        amount = _decimal(value)
        if amount is None:
            return None
        exponent = amount.normalize().as_tuple().exponent
        typed = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return {name: format_number(value, max(decimals_of(f), typed), "", lang)}

    def input_mode(self, f: Field) -> str | None:
        """"numeric" for a whole number, else "decimal" (never type=number, which refuses
        a French decimal comma in some browsers)."""
        return "numeric" if decimals_of(f) == 0 else "decimal"

    placeholder_names = frozenset({"min", "max", "decimals", "example"})

    def message_values(self, f: Field, answers: Mapping[str, Any] | None = None
                       ) -> dict[str, Any]:
        """{min}, {max}: the bounds (`bounds`) with the unit, per language; {decimals} ("2
        décimales" / "2 decimals"); {example}:
        12 500 with the field's decimals, per language."""
        decimals, unit = decimals_of(f), str(f.extra.get("unit", ""))

        def both(value: Any, with_unit: str) -> Text:
            return Text(format_number(value, decimals, with_unit, "fr"),
                        format_number(value, decimals, with_unit, "en"))

        plural = "s" if decimals > 1 else ""
        values: dict[str, Any] = {
            "decimals": Text(f"{decimals} décimale{plural}", f"{decimals} decimal{plural}"),
            "example": both(12500.5, "")}
        for key, bound in zip(("min", "max"), bounds(f), strict=True):
            values[key] = both(bound, unit)
        return values


register(NumberType())
