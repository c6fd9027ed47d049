"""Field views of a dossier section's questions, from the engine's `Field` and the answers.

Visibility and the options offered come from the engine (the same conditions
that decide what is required and kept); this module only turns them into the
`FieldView`s the macros draw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.compile import DEFAULT_MAX_LENGTH, CompiledDefinition
from engine.model import Field, Section
from engine.validate import offered_options, visible_fields
from web.i18n import _, localize
from web.ui.fields import Choice, FieldView, GridRow, display_value, ticked


def _grid(f: Field, value: Any) -> tuple[tuple[Choice, ...], tuple[GridRow, ...]]:
    on = ticked(value)
    columns = tuple(Choice(c.value, localize(c.label)) for c in f.columns)
    rows = []
    for r in f.rows:
        cells = tuple(
            Choice(f"{c.value}_{r.value}", f"{localize(c.label)} {localize(r.label)}",
                   f"{c.value}_{r.value}" in on)
            for c in f.columns
        )
        rows.append(GridRow(r.value, localize(r.label), cells))
    return columns, tuple(rows)


def engine_field_view(compiled: CompiledDefinition, f: Field, value: Any,
                      cleaned: Mapping[str, Any], error: str = "",
                      refresh: str = "") -> FieldView:
    """One definition question, with the options its conditions offer for these answers;
    `refresh`: the address that updates the questions, kept only when some condition
    reads this question's answer (engine `read_by_conditions`), or when the question
    shows an error: correcting it then clears its error and its line of the summary."""
    refresh = refresh if f.id in compiled.read_by_conditions or error else ""
    common = dict(id=f.id, type=f.type, label=localize(f.label), required=f.required,
                  help=localize(f.help), error=error, autocomplete=f.autocomplete,
                  max_length=f.max_length or DEFAULT_MAX_LENGTH.get(f.type), refresh=refresh)
    if f.type == "grid":
        columns, rows = _grid(f, value)
        return FieldView(**common, columns=columns, rows=rows)
    if f.type == "yesno":
        current = display_value(value)
        choices = (Choice("true", _("Oui"), current == "true"),
                   Choice("false", _("Non"), current == "false"))
        return FieldView(**common, value=current, choices=choices)
    if f.type in ("select", "radio", "checkboxes"):
        on = ticked(value) if f.type == "checkboxes" else {display_value(value)}
        choices = tuple(Choice(o.value, localize(o.label), o.value in on)
                        for o in offered_options(compiled, f, cleaned))
        return FieldView(**common, value=display_value(value), choices=choices)
    return FieldView(**common, value=display_value(value))


def section_field_views(compiled: CompiledDefinition, section: Section,
                        values: Mapping[str, Any], cleaned: Mapping[str, Any],
                        errors: Mapping[str, str], refresh: str = "") -> list[FieldView]:
    """The shown questions of a section: visibility and options from the cleaned answers,
    values as the applicant typed them (so a mistake stays on screen to be corrected);
    `refresh`: the section's update address, set on the questions conditions read."""
    return [engine_field_view(compiled, f, values.get(f.id), cleaned, errors.get(f.id, ""),
                              refresh)
            for f in visible_fields(compiled, section, cleaned)]
