"""The `group` type: a repeating group of questions ("add a child"), asked once per item.

YAML: `type: group`, `repeat: {min, max}` (items), `item_label: {fr: "Enfant {n}", en:
"Child {n}"}` (each item's legend, {n} its 1-based number), optional `add_label` (the
"add" button's text) and nested `fields:` (any type but another group: one level of
nesting is what the engine supports).

The answer is a list of items, each a dict nested field id -> answer, in order. Its
JSON Schema is an `array` whose `items` is the object schema of the nested questions,
built by the same function as a section's (`compile.fields_schema`: required, `when`,
options offered), and validated against each item's scope (`validate.item_scope`: the
item's answers over the dossier's), so a nested condition reads the item first, then
the dossier. Form names: `<group>-<index>-<nested id>` (index from 0), and
`<group>-items`, the number of items the page showed (web/forms/groups.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..errors import ErrorCode, error
from ..model import Field, Text
from ..placeholders import ITEM_LABEL, placeholders
from . import FieldType, GetList, register
from .checkboxes import array_schema

if TYPE_CHECKING:
    from ..errors import DesignerError
    from ..model import Definition

# how many items a form may post at most when the group sets no `max`
MAX_ITEMS = 50
DEFAULT_ITEM_LABEL = Text("Élément {n}", "Item {n}")
DEFAULT_ADD_LABEL = Text("Ajouter", "Add another")
EMPTY = (None, "", [])  # no answer (validate.is_empty)


def _text(value: Any, default: Text) -> Text:
    """A YAML {fr, en} mapping kept in `Field.extra` as a Text (default when absent)."""
    if not isinstance(value, dict):
        return default
    return Text(str(value.get("fr", "")), str(value.get("en", "")))


class GroupType(FieldType):
    """`group`: nested `fields`, asked `repeat.min` to `repeat.max` times."""

    name = "group"
    macro = "group"
    input_type = "group"
    fieldset = True
    value_kind = "list"
    operators = frozenset({"answered"})
    required_rule = "min_items"  # no item at all: "add at least n"
    properties = {
        "fields": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/field"}},
        "repeat": {"type": "object", "additionalProperties": False,
                   "properties": {"min": {"type": "integer", "minimum": 0, "maximum": 100},
                                  "max": {"type": "integer", "minimum": 1, "maximum": 100}}},
        "item_label": {"$ref": "#/$defs/text"},
        "add_label": {"$ref": "#/$defs/text"},
    }
    messages = {
        "min_items": Text("Ajoutez au moins {min_items} élément(s).",
                          "Add at least {min_items} item(s)."),
        "max_items": Text("Inscrivez au plus {max_items} élément(s).",
                          "Enter at most {max_items} item(s)."),
    }

    # --- the definition ---------------------------------------------------------

    def children(self, f: Field) -> tuple[Field, ...]:
        """The nested questions, in order."""
        return f.fields

    def item_label(self, f: Field, n: int) -> Text:
        """The legend of item number `n` (1-based): `item_label` with {n} filled."""
        return _text(f.extra.get("item_label"), DEFAULT_ITEM_LABEL).filled_as(ITEM_LABEL, {"n": n})

    def add_label(self, f: Field) -> Text:
        """The "add an item" button's text: `add_label`, else "Ajouter" / "Add another"."""
        return _text(f.extra.get("add_label"), DEFAULT_ADD_LABEL)

    def check(self, f: Field, d: Definition) -> Iterable[DesignerError]:
        """NESTED_TOO_DEEP for a group inside this group (one level is supported);
        FIELD_TYPE for an `item_label` without `{n}` in a language (every item would
        bear the same legend, and the error summary could not tell them apart); the
        nested ids' uniqueness and min > max are the generic checks'."""
        for c in f.fields:
            if c.fields or c.kind is self:
                yield error(ErrorCode.NESTED_TOO_DEEP, d.path, c.line, field=c.id,
                            group=f.id)
        label = f.extra.get("item_label")
        if isinstance(label, dict):
            for lang in ("fr", "en"):
                if isinstance(label.get(lang), str) and "n" not in placeholders(label[lang]):
                    yield error(ErrorCode.FIELD_TYPE, d.path, f.line, field=f.id,
                                type=self.name,
                                problem=f"its item_label ({lang}) has no {{n}}: every item "
                                        "would bear the same legend (write e.g. "
                                        "\"Enfant {n}\")")

    # --- answers ----------------------------------------------------------------

    def schema(self, f: Field) -> dict[str, Any]:
        """An array of item objects (`compile.fields_schema` of the nested questions),
        `min_items` to `max_items` of them."""
        from ..compile import fields_schema

        return array_schema(f, fields_schema(f.fields, ())[0])

    def parse(self, f: Field, getlist: GetList, name: str) -> Any:
        """The items posted: item i's nested question `c` under `<name>-<i>-<c.id>`, read
        by its own type's `parse`; as many items as `<name>-items` says (the page's
        count) and any further one that holds an answer, at most `max_items` (else
        MAX_ITEMS). Each item is a dict of its answered questions; empty items at the
        end are dropped; None when no item is left."""
        cap = f.max_items or MAX_ITEMS
        counts = [r for r in getlist(f"{name}-items") if isinstance(r, str)]
        try:
            shown = min(int(counts[-1]), cap) if counts else 0
        except ValueError:
            shown = 0
        items: list[dict[str, Any]] = []
        for i in range(cap):
            item = {}
            for c in f.fields:
                value = c.kind.parse(c, getlist, item_name(name, i, c.id))
                if value is not None:
                    item[c.id] = value
            if not item and i >= shown:
                break
            items.append(item)
        while items and not items[-1]:
            items.pop()
        return items or None

    def form_values(self, f: Field, value: Any, name: str) -> dict[str, list[str]]:
        """Items as the page posts them (the inverse of `parse`): `<name>-items` and each
        nested answer by its own type under `<name>-<i>-<id>`."""
        items = [i for i in value if isinstance(i, dict)] if isinstance(value, list) else []
        if not items:
            return {}
        by_id = {c.id: c for c in f.fields}
        out: dict[str, list[str]] = {f"{name}-items": [str(len(items))]}
        for i, item in enumerate(items):
            for c_id, answer in item.items():
                if c_id in by_id:
                    c = by_id[c_id]
                    out.update(c.kind.form_values(c, answer, item_name(name, i, c_id)))
        return out

    def example(self) -> dict[str, Any]:
        """One to three items, each a name and a yes/no."""
        return {"item_label": {"fr": "Personne {n}", "en": "Person {n}"},
                "repeat": {"min": 1, "max": 3},
                "fields": [{"id": "nom_element", "type": "text",
                            "label": {"fr": "Nom", "en": "Name"}},
                           {"id": "oui_element", "type": "yesno",
                            "label": {"fr": "Présent ?", "en": "Present?"}}]}

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """Two items, each nested question posted as its own type's first valid post."""
        post: dict[str, list[str]] = {f"{name}-items": ["2"]}
        for index in range(2):
            for c in f.fields:
                if c.when is None:
                    post.update(c.kind.example_posts(c, item_name(name, index, c.id))[0])
        return (post,)

    def examples(self, f: Field) -> tuple[Any, ...]:
        """One item answering each nested question that has an example and no `when`;
        () when a required one has none."""
        item = {}
        for c in f.fields:
            if c.when is not None:
                continue
            found = c.kind.examples(c)
            if found:
                item[c.id] = found[0]
            elif c.required:
                return ()
        return ([item],) if item else ()

    def normalize(self, f: Field, value: Any) -> Any:
        """Each item's answers normalised by their own types, empty ones dropped; empty
        items at the end dropped ([] when none is left); a non-list, or an item that is
        not a dict, comes back unchanged for the schema to refuse."""
        if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
            return value
        by_id = {c.id: c for c in f.fields}
        items = []
        for item in value:
            kept = {}
            for c_id, answer in item.items():
                c = by_id.get(c_id)
                # strings inside were made safe with the whole answer (validate.normalize)
                if c is not None and (answer := c.kind.normalize(c, answer)) not in EMPTY:
                    kept[c_id] = answer
            items.append(kept)
        while items and not items[-1]:
            items.pop()
        return items

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """One part per item: its label ("Enfant 1"); the recap lists each item's
        questions under it (engine.recap, from `children`)."""
        if not isinstance(value, list):
            return ()
        return tuple(self.item_label(f, n).get(lang) for n in range(1, len(value) + 1))


def item_name(name: str, index: int, child: str) -> str:
    """The form name of nested question `child` in item `index` (from 0) of the group
    posted as `name`: "membres-0-prenom"."""
    return f"{name}-{index}-{child}"


register(GroupType())
