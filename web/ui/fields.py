"""What a field macro needs to draw one question: labels, value, choices, error.

Built from an engine `Field` (dossier sections: web/forms/fields.py) or from the
profile's field list, so one set of Jinja macros (templates/macros/fields.html)
draws both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

# the macros that draw a group of inputs (a fieldset), for views that do not say
# (`FieldView.fieldset` None: the portal's own forms, such as the profile's)
FIELDSET_MACROS = frozenset({"radio", "yesno", "checkboxes", "grid"})


@dataclass(frozen=True)
class Choice:
    """One option of a select, radio, checkbox list or grid: the value posted, its
    label in the current language, and whether it is chosen. `group`: for a select,
    the label of the <optgroup> it is in (consecutive choices of one group share it;
    "" for none)."""

    value: str
    label: str
    checked: bool = False
    group: str = ""


@dataclass(frozen=True)
class GridRow:
    """One row of a grid question (Guide: a day of the availability grid, Lundi to
    Vendredi), with one checkbox per column (Matin, Après-midi)."""

    value: str
    label: str
    cells: tuple[Choice, ...]  # one per column; label is "Column Row"


@dataclass(frozen=True)
class PartView:
    """One input of a composite question (an address's city...), in the current language:
    `name` posted as "<field id>.<name>"; `choices` make it a drop-down list (None: a
    text input); `error` its own message; `refresh`: the address htmx posts the form to
    when it changes ("" for none)."""

    field_id: str
    name: str
    label: str
    value: str = ""
    required: bool = False
    error: str = ""
    autocomplete: str | None = None
    max_length: int | None = None
    choices: tuple[Choice, ...] | None = None
    refresh: str = ""

    @property
    def input_name(self) -> str:
        """The form name: "<field id>.<part>"."""
        return f"{self.field_id}.{self.name}"

    @property
    def dom_id(self) -> str:
        """The element id of the input: "f-<field id>-<part>"."""
        return f"f-{self.field_id}-{self.name}"

    @property
    def aria(self) -> Markup:
        """The ARIA attributes of the input, ready to print."""
        out = ' aria-required="true"' if self.required else ""
        if self.error:
            out += f' aria-invalid="true" aria-describedby="{escape(self.dom_id)}-error"'
        return Markup(out)

    @property
    def refresh_attr(self) -> Markup:
        """The htmx attribute that posts the form to `refresh` on change, ready to print."""
        return Markup(' hx-post="%s"') % self.refresh if self.refresh else Markup("")


@dataclass(frozen=True)
class FileItem:
    """One file a file question holds, as its list shows it: `id`, `name`, `size` as
    people read it ("1,2 Mo"), `sha256` (64 hex digits), `url` to download it, `ref`
    what the page posts back to keep it (the answer's reference, JSON)."""

    id: str
    name: str
    size: str
    sha256: str
    url: str
    ref: str

@dataclass(frozen=True)
class ItemView:
    """One item of a repeating group as the `group` macro draws it: a fieldset whose
    legend is `legend` ("Enfant 1"), its shown questions (FieldViews named
    "<group>-<index>-<id>"), whether it may be removed (more items than the minimum),
    whether it takes the focus (the item just added), and what precedes its questions'
    errors in the error summary (`prefix`: "Enfant 2 : ")."""

    index: int
    legend: str
    fields: tuple[FieldView, ...]
    removable: bool = False
    focus: bool = False
    prefix: str = ""


@dataclass(frozen=True)
class FieldView:
    """One question as the macros draw it (templates/macros/fields.html).

    `type`: the name of the macro drawing it (text, email, date, select, radio, yesno,
    checkboxes, grid, password...: a definition field's `FieldType.macro`); `fieldset`:
    drawn as a group of inputs with a legend (None: as its macro is, FIELDSET_MACROS);
    `label`, `help`, `error`: display text in the current language ("" for none);
    `value`: the answer as the input holds it (str: "true"/"false" for yes/no);
    `choices`, or `columns` and `rows` for a grid; `max_length` in characters (the
    input's maxlength); `autocomplete`: the HTML token; `readonly`: shown, not editable;
    `files`, `accept` (the input's accept attribute), `multiple`: a file question's
    list of files and what its input takes;
    `refresh`: the address htmx posts the form to when this answer changes, to update
    the questions ("" when no condition reads it: its changes refresh nothing);
    `inputmode`: the input's keyboard ("decimal" for a number; "" none); `extra`: what a
    type's own macro reads besides `value`: its other inputs' texts by form name (a
    phone's "<id>.ext") and its own texts (`FieldType.view`: "ext_label").
    """

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
    refresh: str = ""
    fieldset: bool | None = None
    files: tuple[FileItem, ...] = ()
    accept: str = ""
    multiple: bool = False
    max_bytes: int = 0  # a file question: the largest file it takes, and its message
    too_big: str = ""
    not_attached: tuple[str, ...] = ()  # "Fichier(s) non joint(s) : {names}." (1, several)
    parts: tuple[PartView, ...] = ()  # a composite question's inputs (an address)
    # a repeating group: its items, the add button's text ("" when the maximum is
    # reached), and the addresses its add/remove buttons post to without JavaScript
    # (`save`: they save the draft) and with htmx (`update`: the questions' update)
    items: tuple[ItemView, ...] = ()
    add_label: str = ""
    save: str = ""
    update: str = ""

    @property
    def summary_errors(self) -> tuple[tuple[str, str], ...]:
        """The error summary's lines for this question, as (anchor, message): its own
        error, linked to `anchor`, then each part's, linked to that part's input, then
        for a repeating group each item's questions' lines, prefixed by the item's
        legend ("Enfant 2 : ...")."""
        own = ((self.anchor, self.error),) if self.error else ()
        own += tuple((p.dom_id, p.error) for p in self.parts if p.error)
        return own + tuple((a, item.prefix + m) for item in self.items for f in item.fields
                           for a, m in f.summary_errors)

    inputmode: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        """The element id of the input (or fieldset): "f-<field id>"."""
        return f"f-{self.id}"

    @property
    def anchor(self) -> str:
        """Where the error summary's link for this field goes: its first input."""
        if self.parts:
            return self.parts[0].dom_id
        return f"{self.dom_id}-0" if self.is_fieldset else self.dom_id

    @property
    def is_fieldset(self) -> bool:
        """Whether the question is a group of inputs (radio, yes/no, checkboxes, grid)
        drawn as a fieldset with a legend, not one input with a label."""
        return self.type in FIELDSET_MACROS if self.fieldset is None else self.fieldset

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
    def refresh_attr(self) -> Markup:
        """The htmx attribute of each of the question's inputs that makes a change post
        the form to `refresh` (the form's hx-target and hx-swap apply), ready to print;
        empty when the question refreshes nothing."""
        return Markup(' hx-post="%s"') % self.refresh if self.refresh else Markup("")

    @property
    def describedby(self) -> str:
        """The ids of the help and error texts, space-separated, for aria-describedby
        ("" when there is neither)."""
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
    """The values chosen in a list answer (list[str]) or a single non-empty str, as a
    set of str; empty for anything else."""
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value)} if isinstance(value, str) and value else set()


def simple_choices(pairs: Iterable[tuple[str, str]], current: str) -> tuple[Choice, ...]:
    """Choices from (value, label) pairs, the one equal to `current` chosen."""
    return tuple(Choice(v, label, v == current) for v, label in pairs)
