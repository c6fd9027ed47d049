"""What a field macro needs to draw one question: labels, value, choices, error.

Built from an engine `Field` (dossier sections) or from the profile's field list,
so one set of Jinja macros (templates/macros/fields.html) draws both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from engine.compile import DEFAULT_MAX_LENGTH, CompiledDefinition
from engine.model import Field, Section
from engine.validate import offered_options, visible_fields

from .i18n import t, tx

FIELDSET_TYPES = frozenset({"radio", "yesno", "checkboxes", "grid"})


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    checked: bool = False


@dataclass(frozen=True)
class GridRow:
    value: str
    label: str
    cells: tuple[Choice, ...]  # one per column; label is "Column Row"


@dataclass(frozen=True)
class FieldView:
    id: str
    type: str
    label: str
    required: bool = True
    help: str = ""
    error: str = ""
    value: str = ""
    choices: tuple[Choice, ...] = ()
    columns: tuple[Choice, ...] = ()
    rows: tuple[GridRow, ...] = ()
    autocomplete: str | None = None
    max_length: int | None = None
    readonly: bool = False

    @property
    def dom_id(self) -> str:
        return f"f-{self.id}"

    @property
    def anchor(self) -> str:
        """Where the error summary's link for this field goes: its first input."""
        return f"{self.dom_id}-0" if self.type in FIELDSET_TYPES else self.dom_id

    @property
    def is_fieldset(self) -> bool:
        return self.type in FIELDSET_TYPES

    @property
    def aria(self) -> Markup:
        """The ARIA attributes of a single input (select, text...), ready to print."""
        out = ' aria-required="true"' if self.required else ""
        if self.error:
            out += ' aria-invalid="true"'
        if self.describedby:
            out += f' aria-describedby="{escape(self.describedby)}"'
        return Markup(out)

    @property
    def describedby(self) -> str:
        ids = [f"{self.dom_id}-help"] if self.help else []
        if self.error:
            ids.append(f"{self.dom_id}-error")
        return " ".join(ids)


def display_value(value: Any) -> str:
    """A stored or posted single answer as the string an input holds."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def ticked(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value)} if isinstance(value, str) and value else set()


def _grid(f: Field, value: Any) -> tuple[tuple[Choice, ...], tuple[GridRow, ...]]:
    on = ticked(value)
    columns = tuple(Choice(c.value, tx(c.label)) for c in f.columns)
    rows = []
    for r in f.rows:
        cells = tuple(
            Choice(f"{c.value}_{r.value}", f"{tx(c.label)} {tx(r.label)}",
                   f"{c.value}_{r.value}" in on)
            for c in f.columns
        )
        rows.append(GridRow(r.value, tx(r.label), cells))
    return columns, tuple(rows)


def engine_field_view(compiled: CompiledDefinition, f: Field, value: Any,
                      cleaned: Mapping[str, Any], error: str = "") -> FieldView:
    """One definition question, with the options its conditions offer for these answers."""
    common = dict(id=f.id, type=f.type, label=tx(f.label), required=f.required,
                  help=tx(f.help), error=error, autocomplete=f.autocomplete,
                  max_length=f.max_length or DEFAULT_MAX_LENGTH.get(f.type))
    if f.type == "grid":
        columns, rows = _grid(f, value)
        return FieldView(**common, columns=columns, rows=rows)
    if f.type == "yesno":
        current = display_value(value)
        choices = (Choice("true", t("yes"), current == "true"),
                   Choice("false", t("no"), current == "false"))
        return FieldView(**common, value=current, choices=choices)
    if f.type in ("select", "radio", "checkboxes"):
        on = ticked(value) if f.type == "checkboxes" else {display_value(value)}
        choices = tuple(Choice(o.value, tx(o.label), o.value in on)
                        for o in offered_options(compiled, f, cleaned))
        return FieldView(**common, value=display_value(value), choices=choices)
    return FieldView(**common, value=display_value(value))


def section_field_views(compiled: CompiledDefinition, section: Section,
                        values: Mapping[str, Any], cleaned: Mapping[str, Any],
                        errors: Mapping[str, str]) -> list[FieldView]:
    """The shown questions of a section: visibility and options from the cleaned answers,
    values as the applicant typed them (so a mistake stays on screen to be corrected)."""
    return [engine_field_view(compiled, f, values.get(f.id), cleaned, errors.get(f.id, ""))
            for f in visible_fields(compiled, section, cleaned)]


def simple_choices(pairs: Iterable[tuple[str, str]], current: str) -> tuple[Choice, ...]:
    return tuple(Choice(v, label, v == current) for v, label in pairs)
