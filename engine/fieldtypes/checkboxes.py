"""The `checkboxes` type: any number of `options`, ticked; the answer is the list of
their values, kept in the order offered when displayed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Field, Option
from . import ChoiceItem, FieldType, GetList, field_type, register
from .choice import OPTIONS_PROPERTY

ITEMS_PROPERTIES: dict[str, dict[str, Any]] = {
    "min_items": {"type": "integer", "minimum": 0},
    "max_items": {"type": "integer", "minimum": 1},
}


def array_schema(f: Field, items: dict[str, Any], **more: Any) -> dict[str, Any]:
    """The JSON Schema of a list answer: an array of `items`, with `more` keywords, and
    `f.min_items` to `f.max_items` long (minItems/maxItems, when set)."""
    schema: dict[str, Any] = {"type": "array", "items": items, **more}
    if f.min_items:
        schema["minItems"] = f.min_items
    if f.max_items:
        schema["maxItems"] = f.max_items
    return schema


def ticked(value: Any) -> set[str]:
    """The values chosen in a list answer (list[str]) or a single non-empty str."""
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value)} if isinstance(value, str) and value else set()


class ListType(FieldType):
    """What every list answer shares (checkboxes, grid): a list of distinct choice
    values, min_items to max_items of them, tested in conditions with `contains`."""

    is_list = True
    fieldset = True
    value_kind = "list"
    operators = frozenset({"contains", "answered"})

    def schema(self, f: Field) -> dict[str, Any]:
        """An array of distinct values among `choices`, min_items to max_items long."""
        return array_schema(f, {"type": "string", "enum": [o.value for o in self.choices(f)]},
                            uniqueItems=True)

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """The first choice ticked; the first two ticked."""
        values = [o.value for o in self.choices(f)]
        return ({name: values[:1]}, {name: values[:2]})

    def parse(self, f: Field, getlist: GetList, name: str) -> Any:
        """Every non-empty value posted (list[str]); None when there is none."""
        return [r for r in getlist(name) if isinstance(r, str) and r != ""] or None

    def unknown_choices(self, f: Field, value: Any) -> tuple[Any, ...]:
        """Each listed value that is no choice, in stored order; a non-list as a whole."""
        if value is None:
            return ()
        if not isinstance(value, list):
            return (value,)
        known = {o.value for o in self.choices(f)}
        return tuple(v for v in value if not (isinstance(v, str) and v in known))


class CheckboxesType(ListType):
    """`checkboxes`: tick any of `options`."""

    name = "checkboxes"
    macro = "checkboxes"
    input_type = "checkbox"
    properties = {"options": OPTIONS_PROPERTY, **ITEMS_PROPERTIES}

    def example(self) -> dict[str, Any]:
        """A select's example options."""
        return field_type("select").example()

    def option_lists(self, f: Field) -> tuple[tuple[str, tuple[Option, ...]], ...]:
        """("options", f.options)."""
        return (("options", f.options),)

    def choices(self, f: Field) -> tuple[Option, ...]:
        """The options."""
        return f.options

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """The ticked options' labels in the order offered; unknown values left out."""
        if not isinstance(value, list):
            return ()
        labels = {o.value: o.label.get(lang) if o.label else o.value for o in f.options}
        order = {o.value: i for i, o in enumerate(f.options)}
        known = [v for v in value if isinstance(v, str) and v in labels]
        return tuple(labels[v] for v in sorted(known, key=lambda v: order.get(v, len(order))))

    def offered(self, f: Field, value: Any, options: Iterable[Option]) -> tuple[ChoiceItem, ...]:
        """The offered options, those in `value` checked."""
        on = ticked(value)
        return tuple(ChoiceItem(o.value, o.label, o.value in on) for o in options)


register(CheckboxesType())
