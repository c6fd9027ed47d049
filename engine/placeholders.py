"""The `{name}` placeholders of designers' texts: which names each kind of text takes,
and the one safe filler.

A designer writes `{number}` in a message's subject, `{min_items}` in a field's
message, `{n}` in a repeating group's item label... The table `KINDS` says, in one
place, which names the engine fills in which kind of text; the checker refuses any
other `{name}` there (`check.check_placeholders`, UNKNOWN_PLACEHOLDER) and the run-time
callers fill through `fill`, which refuses (ValueError) a name the table does not list
for that kind, so the checker and the fillers cannot drift apart. docs/placeholders.md
says the same for designers.

The syntax, in every text of a kind listed here:
- `{name}` (a letter or `_`, then letters, digits, `_`) is a placeholder;
- `{{` and `}}` are a literal `{` and `}` ("au format {{NNNNNN}}" shows
  "au format {NNNNNN}");
- any other brace (`{0}`, `{a.b}`, `{ }`, a lone `{`) is plain text, shown as typed.
At run time a `{name}` the engine has no value for also stays as typed: a designer's
text never makes a page fail, whatever braces it holds (`str.format` is never used on
one). A line holding nothing but placeholders (and spaces) whose values are all empty
is left out, with the blank line that would be left doubled: a paragraph made of an
optional answer (`{note}`) disappears whole when it is unanswered. Texts of the kinds
not listed (labels, titles, help, rule and eligibility messages, migration messages...)
are never filled: their braces are shown as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# the generic names of a field's messages (`validate.message_for`); a field's type adds
# its own (`FieldType.message_values`: a date's {min}/{max}, a postal code's {example})
FIELD_MESSAGE_NAMES = frozenset({"min_items", "max_items", "min_length", "max_length"})


@dataclass(frozen=True)
class TextKind:
    """One kind of designer text that the engine fills: `names` it fills there, and
    `where` the designer writes it (for the checker's messages and the docs)."""

    name: str
    where: str
    names: frozenset[str]


FIELD_MESSAGE = TextKind(
    "field_message", "a field's `messages`", FIELD_MESSAGE_NAMES)
ITEM_LABEL = TextKind(
    "item_label", "a repeating group's `item_label`", frozenset({"n"}))
MESSAGE = TextKind(
    "message", "a message's `subject` and `body` (`messages:`)",
    frozenset({"number", "submitted_at", "deadline"}))
NOTIFICATION = TextKind(
    "notification", "the `notification` email's `subject` and `body`",
    frozenset({"portal_url"}))
DOCUMENT_FILENAME = TextKind(
    "document_filename", "a document's `filename`", frozenset({"number"}))

# kind name -> TextKind: every kind of designer text the engine fills
KINDS: dict[str, TextKind] = {k.name: k for k in (
    FIELD_MESSAGE, ITEM_LABEL, MESSAGE, NOTIFICATION, DOCUMENT_FILENAME)}

def field_message_names(f: Any) -> frozenset[str]:
    """The placeholders filled in the messages of the field `f` (a `model.Field`, untyped
    here: model imports this module) (`validate.message_for`): the generic
    FIELD_MESSAGE ones and its type's `FieldType.placeholder_names`."""
    return FIELD_MESSAGE.names | f.kind.placeholder_names


NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_TOKEN = re.compile(r"\{\{|\}\}|\{(" + NAME + r")\}")


def placeholders(text: str) -> list[str]:
    """The `{name}` placeholders of `text`, in order, repeats kept (`{{`/`}}` and any
    other brace are not placeholders)."""
    return [m.group(1) for m in _TOKEN.finditer(text) if m.group(1)]


_PLACEHOLDERS_ONLY = re.compile(r"[ \t]*(?:\{(" + NAME + r")\}[ \t]*)+")


def _empty_line(line: str, values: Mapping[str, object]) -> bool:
    """Whether `line` holds only placeholders (and spaces or tabs), each with a value in
    `values` that is empty once stripped."""
    if _PLACEHOLDERS_ONLY.fullmatch(line) is None:
        return False
    names = placeholders(line)
    return all(n in values and not str(values[n]).strip() for n in names)


def _without_empty_lines(text: str, values: Mapping[str, object]) -> str:
    """`text` (several lines) without its lines of empty placeholders (`_empty_line`).
    When such a line stands alone between blank lines (or a blank line and the start or
    end), one of those blank lines goes too, so no paragraph gap is doubled."""
    lines = text.split("\n")
    kept: list[str] = []
    skip_blank = False
    for i, line in enumerate(lines):
        if skip_blank and not line.strip():
            skip_blank = False
            continue
        skip_blank = False
        if not _empty_line(line, values):
            kept.append(line)
            continue
        if i + 1 == len(lines) or not lines[i + 1].strip():  # a paragraph of its own
            if kept and not kept[-1].strip():
                kept.pop()
            elif not kept:
                skip_blank = True
    return "\n".join(kept)


def fill_text(text: str, values: Mapping[str, object]) -> str:
    """`text` with each `{name}` of `values` replaced by `str(value)`, in one pass (a
    value holding braces is not filled again), `{{` and `}}` made single braces, and any
    other brace left as typed. In a text of several lines, a line holding only
    placeholders whose values are all empty is left out, and with it the blank line
    that would otherwise be doubled (`_without_empty_lines`). Never raises for any
    `text`."""
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name is None:
            return m.group(0)[0]
        return str(values[name]) if name in values else m.group(0)

    if "{" not in text and "}" not in text:
        return text
    if "\n" in text:
        text = _without_empty_lines(text, values)
    return _TOKEN.sub(one, text)


def fill(kind: TextKind, text: str, values: Mapping[str, object],
         extra: frozenset[str] = frozenset()) -> str:
    """`fill_text` for a text of `kind`: `values` may only name the kind's placeholders
    (and `extra`, a field type's own for FIELD_MESSAGE); ValueError for another name,
    a mistake of the engine's code (never of the designer's text)."""
    unknown = set(values) - kind.names - extra
    if unknown:
        raise ValueError(f"{kind.name} has no placeholder {sorted(unknown)}: add it to "
                         "engine/placeholders.py and docs/placeholders.md")
    return fill_text(text, values)
