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
from dataclasses import dataclass, field
from typing import Any

from flask import request, url_for

from engine.compile import CompiledDefinition
from engine.fieldtypes import ChoiceItem
from engine.fieldtypes.file import file_size, human_types
from engine.fieldtypes.group import item_name
from engine.model import Field, Section
from engine.validate import (
    clean,
    item_scope,
    items_of,
    offered_options,
    visible_fields,
    visible_item_fields,
)
from web.i18n import _, current_lang, localize, ngettext
from web.ui.fields import (
    Choice,
    FieldView,
    FileItem,
    GridRow,
    ItemView,
    PartView,
    display_value,
)


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
    each with its download address), the input's `accept` and `multiple`, the help
    followed by what it takes ("PDF, JPEG ou PNG, 10 Mo au plus par fichier"), and the
    largest file it takes in bytes with the message for a larger one (`max_bytes`,
    `too_big`: the page says it before sending, web/static/js/guichet.js), and the
    sentences naming the files not kept when several were chosen (`not_attached`: one,
    several; "{names}" stands for them)."""
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
            "help": f"{help_text} {takes}".strip(), "max_bytes": rules.max_bytes,
            "too_big": localize(f.kind.upload_message(f, "too_large", rules.max_bytes)),
            # several chosen, some too big: which were not kept ("{names}" filled there)
            "not_attached": (not_attached("{names}", 1), not_attached("{names}", 2))}


def not_attached(names: str, count: int) -> str:
    """The sentence naming the `count` files of a choice that were not attached, in the
    current language ("Fichier non joint : a.pdf." / "Fichiers non joints : a.pdf et
    b.pdf."); `names`: already joined as a list is written."""
    return ngettext("Fichier non joint : %(names)s.", "Fichiers non joints : %(names)s.",
                    count, names=names)


# macro name -> how its view is built from the type's choices (default: `choices`)
TABLE_MACROS = {"grid": _table}
# macro name -> what its view holds besides the common parts (a file question's files)
VIEW_PARTS = {"file": _files}


def _items(compiled: CompiledDefinition, f: Field, value: Any, cleaned: Mapping[str, Any],
           shown: ItemsShown) -> dict[str, Any]:
    """The items of the repeating group `f` as the `group` macro draws them: its answers
    as typed (`value`), at least `shown.counts[f.id]` items (and its minimum), each item's
    questions shown by their conditions in the item's scope, named
    "<group>-<index>-<id>", their errors from `shown.errors` (keyed
    "<group>.<index>.<id>", and "<group>.<index>.<id>.<part>" for a part)."""
    typed = items_of(value)
    stored = items_of(cleaned.get(f.id))
    minimum = f.min_items or 0
    count = max(len(typed), shown.counts.get(f.id, 0), minimum)
    if f.max_items:
        count = min(count, f.max_items)
    views = []
    for i in range(count):
        item = typed[i] if i < len(typed) else {}
        kept = stored[i] if i < len(stored) else clean_item(compiled, f, item, cleaned)
        legend = localize(f.kind.item_label(f, i + 1))
        fields = tuple(
            engine_field_view(compiled, c, item.get(c.id), item_scope(cleaned, kept),
                              shown.errors.get(f"{f.id}.{i}.{c.id}", ""), shown.refresh,
                              _parts_of(shown.errors, f"{f.id}.{i}.{c.id}"),
                              name=item_name(f.id, i, c.id))
            for c in visible_item_fields(compiled, f, kept, cleaned))
        views.append(ItemView(i, legend, fields, removable=count > minimum,
                              focus=shown.focus == f"{f.id}.{i}",
                              prefix=_("%(item)s : ", item=legend)))
    can_add = f.max_items is None or count < f.max_items
    return {"items": tuple(views), "add_label": localize(f.kind.add_label(f)) if can_add else "",
            "save": shown.save, "update": shown.update}


def _parts_of(errors: Mapping[str, str], where: str) -> dict[str, str]:
    """The errors of the parts of the answer at `where` (a field id, or
    "<group>.<index>.<id>"), part -> message."""
    return {k[len(where) + 1:]: m for k, m in errors.items()
            if k.startswith(where + ".") and "." not in k[len(where) + 1:]}


def clean_item(compiled: CompiledDefinition, f: Field, item: Mapping[str, Any],
               cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """One item as typed, cleaned as the engine would keep it (for its questions'
    visibility): the dossier's cleaned answers with this one item in the group."""
    alone = clean(compiled, {**cleaned, f.id: [dict(item)]})
    items = items_of(alone.get(f.id))
    return items[0] if items else {}


@dataclass(frozen=True)
class ItemsShown:
    """What the page asks of its repeating groups: how many items to show at least
    (`counts`: group id -> the page's count, one more after "add"), which item takes the
    focus ("<group>.<index>", "" for none), the errors of their questions
    ("<group>.<index>.<id>" -> message), the update address (`refresh`, for the
    questions' conditions) and the addresses the add/remove buttons post to (`save`
    without JavaScript, `update` with htmx)."""

    counts: Mapping[str, int] = field(default_factory=dict)
    focus: str = ""
    errors: Mapping[str, str] = field(default_factory=dict)
    refresh: str = ""
    save: str = ""
    update: str = ""


NO_ITEMS = ItemsShown()


def engine_field_view(compiled: CompiledDefinition, f: Field, value: Any,
                      cleaned: Mapping[str, Any], error: str = "",
                      refresh: str = "", part_errors: Mapping[str, str] | None = None,
                      name: str = "", items: ItemsShown = NO_ITEMS) -> FieldView:
    """One definition question, with the options its conditions offer for these answers;
    a composite one (an address) with its inputs (`FieldType.parts`), each with its
    error from `part_errors` (part -> message), the country's changes always refreshing;
    `refresh`: the address that updates the questions, kept only when some condition
    reads this question's answer (engine `read_by_conditions`), or when the question
    shows an error: correcting it then clears its error and its line of the summary.
    `name`: its form name (default its id; "<group>-<index>-<id>" inside a repeating
    group's item); `items`: what the page asks of its repeating groups."""
    address = refresh
    refresh = refresh if f.id in compiled.read_by_conditions or error else ""
    kind = f.kind
    name = name or f.id
    common = dict(id=name, type=kind.macro, label=localize(f.label), required=f.required,
                  help=localize(f.help), error=error,
                  autocomplete=f.autocomplete or kind.default_autocomplete,
                  max_length=kind.max_length(f), refresh=refresh, fieldset=kind.fieldset)
    extra = VIEW_PARTS.get(kind.macro)
    if extra is not None:
        common.update(extra(f, value, common["help"]))
    parts = kind.parts(f, value, current_lang())
    if parts:
        return FieldView(**common, parts=tuple(
            PartView(name, p.name, localize(p.label), p.value, p.required,
                     (part_errors or {}).get(p.name, ""), p.autocomplete, p.max_length,
                     None if p.choices is None else
                     tuple(Choice(v, label, v == p.value) for v, label in p.choices),
                     address if p.refreshes or refresh else "")
            for p in parts))
    if kind.children(f):
        return FieldView(**common, **_items(compiled, f, value, cleaned, items))
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
                        errors: Mapping[str, str], refresh: str = "",
                        items: ItemsShown = NO_ITEMS) -> list[FieldView]:
    """The shown questions of a section: visibility and options from the cleaned answers,
    `errors` by field id or "<field id>.<part>" (a composite answer's part),
    values as the applicant typed them (so a mistake stays on screen to be corrected);
    `refresh`: the section's update address, set on the questions conditions read;
    `items`: what the page asks of its repeating groups (their errors: `errors` keyed
    "<group>.<index>.<id>")."""
    return [engine_field_view(compiled, f, values.get(f.id), cleaned, errors.get(f.id, ""),
                              refresh, _parts_of(errors, f.id), items=items)
            for f in visible_fields(compiled, section, cleaned)]
