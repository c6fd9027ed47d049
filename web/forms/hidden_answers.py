"""Answers typed for questions the page hides: the page carries them until it is saved.

A question hidden by another answer is not on the page, so its form posts nothing for
it. Without this, an applicant who typed under "Non", clicked "Oui" (the questions
updated, hiding what they typed) then "Non" again found those questions blank, before
any save: what they typed was lost by a misclick (a newcomer's trial, 2026-12-02).

A section page drawn from a post (an update of the questions, with or without
JavaScript; a save shown again) keeps, in one hidden input (`CARRIED`, JSON: form name
-> values), the values posted for every question it hides (also inside the items of a
repeating group), and reading a post (`posted`) takes a name the form lacks from it:
when the question shows again, its answer is back. Nothing else changes: a save stores
what the engine keeps (engine.validate.clean drops the answers of hidden questions, as
DESIGN.md says), so the carried answers last only as long as the page, never in a
dossier.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from flask import request

from engine.fieldtypes import GetList
from engine.fieldtypes.group import item_name
from engine.formdata import form_values
from engine.model import Section
from web.forms.groups import removed_item
from web.ui.fields import FieldView

CARRIED = "guichet_masquees"  # the hidden input's name (no question id has a dot or this)


def _carried(raw: str | None) -> dict[str, list[str]]:
    """The CARRIED input's value read back: form name -> values; {} when missing or not
    that shape (the browser sends it: nothing in it is trusted beyond being strings)."""
    try:
        value: Any = json.loads(raw) if raw else {}
    except (ValueError, RecursionError):  # not JSON; arrays nested past Python's stack
        return {}
    if not isinstance(value, dict):
        return {}
    return {name: [v for v in values if isinstance(v, str)]
            for name, values in value.items()
            if isinstance(name, str) and isinstance(values, list)}


def posted() -> GetList:
    """The posted form's `getlist` (werkzeug's MultiDict), where a name the form does
    not hold is read from the answers the page carried for its hidden questions. Every
    reading of a section's post goes through it (engine.formdata.section_answers)."""
    form = request.form
    carried = _carried(form.get(CARRIED))
    if not carried:
        return form.getlist
    return lambda name: form.getlist(name) if name in form else carried.get(name, [])


def carry(section: Section, fields: Iterable[FieldView], getlist: GetList | None) -> str:
    """The CARRIED input's value for a page of `section` drawing `fields` (its shown
    questions' FieldViews), drawn from a post read by `getlist` (`posted`): the form
    values of every question it hides that holds an answer, a question hidden inside an
    item of a repeating group included (not those of the items after one just removed:
    they are renumbered), as JSON; "" when there is none or no post."""
    if getlist is None:
        return ""
    views = {view.id: view for view in fields}
    values: dict[str, list[str]] = {}
    removal = removed_item(getlist)
    for f in section.fields:
        view = views.get(f.id)
        if view is None:
            values.update(form_values(f, getlist))
            continue
        for item in view.items:  # a repeating group's items: their hidden questions
            if removal is not None and removal[0] == f.id and item.index >= removal[1]:
                continue  # renumbered by the removal: its posted names are another item's
            shown = {nested.id for nested in item.fields}
            for child in f.kind.children(f):
                name = item_name(f.id, item.index, child.id)
                if name not in shown:
                    values.update(form_values(child, getlist, name))
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")) if values else ""

