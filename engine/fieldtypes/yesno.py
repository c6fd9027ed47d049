"""The `yesno` type: a yes/no question, stored as a JSON boolean."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Field, Option, Text
from . import ChoiceItem, FieldType, GetList, register

TRUE_WORDS = frozenset({"true", "oui", "yes", "1", "on"})
FALSE_WORDS = frozenset({"false", "non", "no", "0", "off"})
YES_NO = {True: Text("Oui", "Yes"), False: Text("Non", "No")}


class YesNoType(FieldType):
    """`yesno`: two inline radio buttons, Oui/Yes (true) and Non/No (false)."""

    name = "yesno"
    macro = "yesno"
    input_type = "radio"
    fieldset = True
    value_kind = "bool"

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """Oui, Non, and the words a form may post."""
        return ({name: ["true"]}, {name: ["false"]}, {name: [" Oui "]})

    def schema(self, f: Field) -> dict[str, Any]:
        """A boolean."""
        return {"type": "boolean"}

    def parse(self, f: Field, getlist: GetList, name: str) -> Any:
        """The last value posted, as a bool when it is a yes/no word (true/oui/yes/1/on,
        false/non/no/0/off, any case, spaces around); another word is kept as typed, for
        validation to refuse; "" is None."""
        value = super().parse(f, getlist, name)
        if value is None:
            return None
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return value or None

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """("Oui",) / ("Non",) in French, ("Yes",) / ("No",) in English; () for a non-bool."""
        return (YES_NO[value].get(lang),) if isinstance(value, bool) else ()

    def condition_values(self, f: Field) -> tuple[list[Any] | None, str]:
        """true or false."""
        return [True, False], "true or false"

    def unknown_choices(self, f: Field, value: Any) -> tuple[Any, ...]:
        """A stored answer that is not a bool, as a whole."""
        return () if value is None or isinstance(value, bool) else (value,)

    def offered(self, f: Field, value: Any, options: Iterable[Option]) -> tuple[ChoiceItem, ...]:
        """Oui ("true") and Non ("false"), the one matching `value` (a bool or the posted
        word) checked."""
        current = "true" if value is True else "false" if value is False else str(value or "")
        return (ChoiceItem("true", YES_NO[True], current == "true"),
                ChoiceItem("false", YES_NO[False], current == "false"))


register(YesNoType())
