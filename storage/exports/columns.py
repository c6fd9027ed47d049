"""The columns of an export: one per question of a definition version, flattened.

An export is a table (CSV, XLSX) or a list of flat records (JSON) with the same
columns, so the three formats say the same thing and docs/exports.md describes them
once. Each column is named by stable ids, never by a label in one language, so a
spreadsheet or a script keeps working when a wording changes:

- the dossier's own columns first (`DOSSIER_COLUMNS`), named with a leading `_`,
  which no field id can have (ids match ^[a-z][a-z0-9_]*$);
- then every question of every section, in the definition's order, conditional
  ones included (an unanswered question is an empty cell);
- a question answered by a list of choices (its type `is_list`: checkboxes, grid)
  gets one column per choice, `<field>.<choice>` (a grid's choices are its
  "column_row" cells), holding True when ticked, False when answered without it;
- a composite answer (its type has `part_names`: an address) one column per part,
  `<field>.<part>`;
- a repeating group (its type has `children`) one column per child and item,
  `<group>.<n>.<child>` with n from 1 to the group's `repeat.max` (else the engine's
  cap), each child flattened by the same rules;
- any other answer one column `<field>`: a text, a number, a bool or an ISO date as
  stored; a list of texts joined by "; "; another shape (files, a ticked
  declaration) as compact JSON.

The rules ask the field-type registry (engine.fieldtypes), never a type's name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from engine.fieldtypes.group import MAX_ITEMS
from engine.model import Definition, Field

# What a masked answer's cell holds when the export leaves masked answers out.
MASKED = "masqué"

Cell = str | int | float | bool | None
# the dossier's columns, in order: (name, what `dossier_cells` reads)
DOSSIER_COLUMNS = ("_number", "_state", "_version", "_created_at", "_submitted_at",
                   "_deadline")


@dataclass(frozen=True)
class Column:
    """One column of answers: `name` (its header), `mask` (the question is `mask:
    true`) and `read`, which takes a dossier's answers (field id -> stored value) and
    returns the cell (None: empty)."""

    name: str
    mask: bool
    read: Callable[[Mapping[str, Any]], Cell]


def answer_columns(d: Definition) -> tuple[Column, ...]:
    """Every answer column of definition `d`, in order (see the module's rules)."""
    return tuple(c for s in d.sections for f in s.fields for c in _field_columns(f, f.id,
                                                                               _top(f.id)))


def header(d: Definition) -> tuple[str, ...]:
    """The header row of an export of `d`: the dossier's columns, then the answers'."""
    return DOSSIER_COLUMNS + tuple(c.name for c in answer_columns(d))


def _top(field_id: str) -> Callable[[Mapping[str, Any]], Any]:
    return lambda answers: answers.get(field_id)


def _item(group: Callable[[Mapping[str, Any]], Any], index: int, child: str
          ) -> Callable[[Mapping[str, Any]], Any]:
    def get(answers: Mapping[str, Any]) -> Any:
        items = group(answers)
        if not isinstance(items, list) or index >= len(items):
            return None
        item = items[index]
        return item.get(child) if isinstance(item, dict) else None
    return get


def _field_columns(f: Field, name: str, get: Callable[[Mapping[str, Any]], Any]
                   ) -> Iterator[Column]:
    ft = f.kind
    children = ft.children(f)
    if children:
        for n in range(1, (f.max_items or MAX_ITEMS) + 1):
            for c in children:
                yield from _field_columns(c, f"{name}.{n}.{c.id}", _item(get, n - 1, c.id))
        return
    if ft.is_list:
        for option in ft.choices(f):
            yield Column(f"{name}.{option.value}", f.mask, _ticked(get, option.value))
        return
    parts = ft.part_names(f)
    if parts:
        for part in parts:
            yield Column(f"{name}.{part}", f.mask, _part(get, part))
        return
    yield Column(name, f.mask, lambda answers: cell(get(answers)))


def _ticked(get: Callable[[Mapping[str, Any]], Any], value: str
            ) -> Callable[[Mapping[str, Any]], Cell]:
    def read(answers: Mapping[str, Any]) -> Cell:
        answer = get(answers)
        return value in answer if isinstance(answer, list) else None
    return read


def _part(get: Callable[[Mapping[str, Any]], Any], part: str
          ) -> Callable[[Mapping[str, Any]], Cell]:
    def read(answers: Mapping[str, Any]) -> Cell:
        answer = get(answers)
        return cell(answer.get(part)) if isinstance(answer, dict) else None
    return read


def cell(value: Any) -> Cell:
    """A stored answer as one cell: None, "" and [] are empty (None); a str, bool or
    number as is; a list of texts joined by "; "; anything else compact JSON with
    sorted keys."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def answer_cells(columns: tuple[Column, ...], answers: Mapping[str, Any],
                 masked: bool) -> list[Cell]:
    """The answer cells of one dossier: each column's value read from `answers`; a
    masked question's cell is MASKED (when answered) unless `masked` (the export
    includes masked answers: a supervisor's)."""
    out: list[Cell] = []
    for c in columns:
        value = c.read(answers)
        out.append(MASKED if c.mask and not masked and value is not None else value)
    return out
