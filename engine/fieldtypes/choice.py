"""The one-choice types: `select` (a drop-down list) and `radio` (radio buttons).

The answer is the value (a str) of one of the field's options; an option may be
offered only while its own `when` holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Field, Option
from . import ChoiceItem, FieldType, register
from .text import AUTOCOMPLETE_PROPERTY

OPTIONS_PROPERTY: dict[str, Any] = {"type": "array", "minItems": 1,
                                    "items": {"$ref": "#/$defs/option"}}


def option_label(f: Field, value: Any, lang: str) -> tuple[str, ...]:
    """The label of the option whose value is `value` (its value when it has no label),
    as a 1-tuple; () when no option has that value."""
    option = f.option(value) if isinstance(value, str) else None
    return (option.label.get(lang) if option.label else option.value,) if option else ()


class SelectType(FieldType):
    """`select`: one of `options`, in a drop-down list."""

    name = "select"
    macro = "select"
    input_type = "select"
    value_kind = "option"
    properties = {"options": OPTIONS_PROPERTY, "autocomplete": AUTOCOMPLETE_PROPERTY}
    keeps_answers_of = frozenset({"radio"})

    def example(self) -> dict[str, Any]:
        """Two labelled options, a and b."""
        return {"options": [{"value": "a", "label": {"fr": "A", "en": "A"}},
                            {"value": "b", "label": {"fr": "B", "en": "B"}}]}

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """Each option chosen."""
        return tuple({name: [o.value]} for o in f.options)

    def option_lists(self, f: Field) -> tuple[tuple[str, tuple[Option, ...]], ...]:
        """("options", f.options)."""
        return (("options", f.options),)

    def schema(self, f: Field) -> dict[str, Any]:
        """A string among the option values."""
        return {"type": "string", "enum": [o.value for o in f.options]}

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """The chosen option's label."""
        return option_label(f, value, lang)

    def choices(self, f: Field) -> tuple[Option, ...]:
        """The options."""
        return f.options

    def unknown_choices(self, f: Field, value: Any) -> tuple[Any, ...]:
        """The answer, when it is no option's value (or not a str)."""
        if value is None:
            return ()
        known = {o.value for o in f.options}
        return () if isinstance(value, str) and value in known else (value,)

    def offered(self, f: Field, value: Any, options: Iterable[Option]) -> tuple[ChoiceItem, ...]:
        """The offered options, the one equal to `value` checked."""
        current = "true" if value is True else "false" if value is False else str(
            "" if value is None else value)
        return tuple(ChoiceItem(o.value, o.label, o.value == current) for o in options)


class RadioType(SelectType):
    """`radio`: one of `options`, as radio buttons in a fieldset."""

    name = "radio"
    macro = "radio"
    input_type = "radio"
    fieldset = True
    properties = {"options": OPTIONS_PROPERTY}
    keeps_answers_of = frozenset({"select"})


register(SelectType())
register(RadioType())
