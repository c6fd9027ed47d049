"""The `grid` type: a table of checkboxes, `rows` by `columns` (Guide: the availability
grid, Lundi-Vendredi x Matin/Après-midi); each ticked cell is stored as "column_row"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model import Field, Option, Text
from . import ChoiceItem, register
from .checkboxes import ITEMS_PROPERTIES, ListType, ticked
from .choice import OPTIONS_PROPERTY


class GridType(ListType):
    """`grid`: rows x columns of checkboxes; the answer lists the ticked "column_row" cells."""

    name = "grid"
    macro = "grid"
    input_type = "checkbox"
    properties = {"rows": OPTIONS_PROPERTY, "columns": OPTIONS_PROPERTY, **ITEMS_PROPERTIES}

    def example(self) -> dict[str, Any]:
        """Two rows (lundi, mardi) by two columns (matin, soir)."""
        def two(*values: str) -> list[dict[str, Any]]:
            return [{"value": v, "label": {"fr": v, "en": v}} for v in values]

        return {"rows": two("lundi", "mardi"), "columns": two("matin", "soir")}

    def option_lists(self, f: Field) -> tuple[tuple[str, tuple[Option, ...]], ...]:
        """("rows", f.rows) and ("columns", f.columns)."""
        return (("rows", f.rows), ("columns", f.columns))

    def choices(self, f: Field) -> tuple[Option, ...]:
        """Every "column_row" cell, column by column (Guide: "lundi_matin")."""
        return tuple(Option(f"{col.value}_{row.value}", None, col.line)
                     for col in f.columns for row in f.rows)

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """"<column> <row>" per ticked cell, in the grid's order (Guide: "Lundi Matin")."""
        if not isinstance(value, list):
            return ()
        return tuple(f"{col.label.get(lang)} {row.label.get(lang)}"
                     for col in f.columns for row in f.rows
                     if f"{col.value}_{row.value}" in value and col.label and row.label)

    def offered(self, f: Field, value: Any, options: Iterable[Option]) -> tuple[ChoiceItem, ...]:
        """Every cell, row by row (the order the table draws them), labelled
        "<column> <row>", those in `value` checked; the columns and rows themselves come
        from `option_lists`."""
        on = ticked(value)
        return tuple(ChoiceItem(f"{c.value}_{r.value}", _cell_label(c, r),
                                f"{c.value}_{r.value}" in on)
                     for r in f.rows for c in f.columns)


def _cell_label(column: Option, row: Option) -> Text | None:
    if column.label is None or row.label is None:
        return None
    return Text(f"{column.label.fr} {row.label.fr}", f"{column.label.en} {row.label.en}")


register(GridType())
