"""Field views of a dossier section's questions, from the engine's `Field` and the answers.

Visibility and the options offered come from the engine (the same conditions
that decide what is required and kept), and so does everything about the field's
type (`engine.fieldtypes`: its macro, its choices, its default length); this module
only localises them into the `FieldView`s the macros draw. It knows no type name:
the only macro it treats apart is the grid table, which draws its cells by rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import request, url_for

from engine.compile import CompiledDefinition
from engine.fieldtypes import ChoiceItem
from engine.fieldtypes.file import file_size, human_types
from engine.model import Field, Section
from engine.validate import offered_options, visible_fields
from web.i18n import _, current_lang, localize
from web.ui.fields import Choice, FieldView, FileItem, GridRow, PartView, display_value


def _choice(item: ChoiceItem) -> Choice:
    return Choice(item.value, localize(item.label) if item.label else item.value, item.checked)


def _table(f: Field, cells: tuple[ChoiceItem, ...]) -> dict[str, Any]:
    """The columns and rows of a table of choices (the `grid` macro): the type's option
    lists ("rows", "columns") and its cells, given row by row."""
    lists = dict(f.kind.option_lists(f))
    columns = tuple(Choice(c.value, localize(c.label)) for c in lists["columns"])
    width = len(columns)
    rows = tuple(GridRow(r.value, localize(r.label),
                         tuple(_choice(c) for c in cells[i * width:(i + 1) * width]))
                 for i, r in enumerate(lists["rows"]))
    return {"columns": columns, "rows": rows}


def _files(f: Field, value: Any, help_text: str) -> dict[str, Any]:
    """A file question's view (the `file` macro): its files (the answer's references,
    each with its download address), the input's `accept` and `multiple`, and the help
    followed by what it takes ("PDF, JPEG ou PNG, 10 Mo au plus par fichier")."""
    rules = f.kind.upload_rules(f)
    lang = current_lang()
    number = (request.view_args or {}).get("number", "")
    files = tuple(
        FileItem(r["id"], r["name"], file_size(r["size"], lang), r["sha256"],
                 url_for("forms.download", number=number, file_id=r["id"]),
                 json.dumps(r, ensure_ascii=False, sort_keys=True))
        for r in (value if isinstance(value, list) else ())
        if isinstance(r, dict) and isinstance(r.get("id"), str)
        and isinstance(r.get("size"), int))
    takes = _("Formats acceptés : %(types)s. Taille maximale : %(size)s par fichier.",
              types=human_types(rules.accept, lang), size=file_size(rules.max_bytes, lang))
    takes += " " + (_("Jusqu'à %(count)s fichiers.", count=rules.max_files)
                    if rules.max_files > 1 else _("Un seul fichier."))
    return {"files": files, "accept": ",".join(rules.accept), "multiple": rules.max_files > 1,
            "help": f"{help_text} {takes}".strip()}


# macro name -> how its view is built from the type's choices (default: `choices`)
TABLE_MACROS = {"grid": _table}
# macro name -> what its view holds besides the common parts (a file question's files)
VIEW_PARTS = {"file": _files}


def engine_field_view(compiled: CompiledDefinition, f: Field, value: Any,
                      cleaned: Mapping[str, Any], error: str = "",
                      refresh: str = "", part_errors: Mapping[str, str] | None = None
                      ) -> FieldView:
    """One definition question, with the options its conditions offer for these answers;
    a composite one (an address) with its inputs (`FieldType.parts`), each with its
    error from `part_errors` (part -> message), the country's changes always refreshing;
    `refresh`: the address that updates the questions, kept only when some condition
    reads this question's answer (engine `read_by_conditions`), or when the question
    shows an error: correcting it then clears its error and its line of the summary."""
    address = refresh
    refresh = refresh if f.id in compiled.read_by_conditions or error else ""
    kind = f.kind
    common = dict(id=f.id, type=kind.macro, label=localize(f.label), required=f.required,
                  help=localize(f.help), error=error,
                  autocomplete=f.autocomplete or kind.default_autocomplete,
                  max_length=kind.max_length(f), refresh=refresh, fieldset=kind.fieldset)
    extra = VIEW_PARTS.get(kind.macro)
    if extra is not None:
        common.update(extra(f, value, common["help"]))
    parts = kind.parts(f, value, current_lang())
    if parts:
        return FieldView(**common, parts=tuple(
            PartView(f.id, p.name, localize(p.label), p.value, p.required,
                     (part_errors or {}).get(p.name, ""), p.autocomplete, p.max_length,
                     None if p.choices is None else
                     tuple(Choice(v, label, v == p.value) for v, label in p.choices),
                     address if p.refreshes or refresh else "")
            for p in parts))
    offered = kind.offered(f, value, offered_options(compiled, f, cleaned))
    table = TABLE_MACROS.get(kind.macro)
    if table is not None:
        return FieldView(**common, **table(f, offered))
    lang = current_lang()
    texts = kind.input_texts(f, value, lang, f.id)
    shown = display_value(value) if texts is None else texts.get(f.id, "")
    return FieldView(**common, value=shown, choices=tuple(_choice(c) for c in offered),
                     inputmode=kind.input_mode(f) or "",
                     extra={**(texts or {}), **kind.view(f, lang)})


def section_field_views(compiled: CompiledDefinition, section: Section,
                        values: Mapping[str, Any], cleaned: Mapping[str, Any],
                        errors: Mapping[str, str], refresh: str = "") -> list[FieldView]:
    """The shown questions of a section: visibility and options from the cleaned answers,
    `errors` by field id or "<field id>.<part>" (a composite answer's part),
    values as the applicant typed them (so a mistake stays on screen to be corrected);
    `refresh`: the section's update address, set on the questions conditions read."""
    return [engine_field_view(compiled, f, values.get(f.id), cleaned, errors.get(f.id, ""),
                              refresh, {k.split(".", 1)[1]: m for k, m in errors.items()
                                        if k.startswith(f.id + ".")})
            for f in visible_fields(compiled, section, cleaned)]
