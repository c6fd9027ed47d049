"""The part of a definition that passed the meta-schema, for the meaning checks.

A designer sees every error of a file in one run (issue 16): when some parts have
shape errors, the meaning checks still run on the rest. This module leaves out each
part (a field, a rule, a section, a transition, a state, a document...) that holds a
shape error and builds the others, so `check.check_meaning` never reads a shape it was
not written for.
"""

from __future__ import annotations

from typing import Any

from . import build
from .check import meta_errors, misspelt_keys
from .load import Located, LocatedList
from .model import Definition

# the paths of the parts that may be left out, from the deepest: "*" is a list index or
# a mapping key (a state's, document's or message's id)
PARTS: tuple[tuple[str, ...], ...] = (
    ("sections", "*", "fields", "*", "fields", "*"),
    ("sections", "*", "fields", "*"),
    ("sections", "*", "rules", "*"),
    ("sections", "*"),
    ("workflow", "transitions", "*"),
    ("workflow", "states", "*"),
    ("documents", "*"),
    ("messages", "*"),
    ("migrations", "*"),
    ("eligibility", "*"),
    ("notification",),
    ("profile",),
    ("description",),
    ("intro",),
)


def _misspelt_keys_renamed(data: Located) -> Located:
    """A copy of `data` (lines kept) where each unknown key whose closest known key
    (the checker's "did you mean") is missing from its mapping takes that key's name:
    `lable:` is read as the `label:` it was meant to be."""
    copy = _without(data, set(), (), [])
    for detail in meta_errors(data):
        node = copy
        for step in detail.absolute_path:
            node = node[step]
        for key, close in misspelt_keys(detail):
            if close and close not in node and key in node and isinstance(node, Located):
                node[close] = node.pop(key)
                node.key_lines[close] = node.key_lines.get(key, node.line)
    return copy


def shape_error_places(data: Any) -> list[tuple[list[Any], bool]]:
    """The path (keys and list indexes from the top) of each meta-schema error of
    `data` (a loaded definition mapping), at its most precise place, each with whether
    it is a key the meta-schema does not allow there (then leaving out that key alone
    loses nothing the checks could read)."""
    places = []
    for detail in meta_errors(data):
        place = list(detail.absolute_path)
        if detail.validator == "additionalProperties" and isinstance(detail.instance, dict):
            places += [([*place, key], True) for key, _close in misspelt_keys(detail)]
        else:
            places.append((place, False))
    return places


def _part_of(place: list[Any]) -> tuple[Any, ...] | None:
    """The deepest part in PARTS that holds `place`; None when none does (an error in
    the definition's id, title, numbering or workflow itself)."""
    for pattern in PARTS:
        if len(place) >= len(pattern) and all(
                p == "*" or p == step for p, step in zip(pattern, place, strict=False)):
            return tuple(place[:len(pattern)])
    return None


def _ids(node: Any, key: Any) -> list[str]:
    """The ids a left-out part takes with it: its own (its `id`, or its key in a
    mapping of states, documents, messages) and its questions'; a transition's target
    state too (whether that state can be reached is unknown without the transition)."""
    ids = [key] if isinstance(key, str) else []
    if isinstance(node, dict):
        if isinstance(node.get("id"), str):
            ids.append(node["id"])
        if isinstance(node.get("to"), str) and "from" in node:
            ids.append(node["to"])
        for child in node.get("fields", ()) if isinstance(node.get("fields"), list) else ():
            ids += _ids(child, None)
    return ids


def _without(node: Any, parts: set[tuple[Any, ...]], steps: tuple[Any, ...],
             left_out: list[str]) -> Any:
    """A copy of `node` (lines kept) without the `parts`; their ids go in `left_out`."""
    if isinstance(node, Located):
        copy = Located()
        copy.line, copy.key_lines = node.line, dict(node.key_lines)
        copy.spelled_bools = dict(getattr(node, "spelled_bools", {}))
        copy.spelled_lines = dict(getattr(node, "spelled_lines", {}))
        copy.block_lines = dict(getattr(node, "block_lines", {}))
        for key, value in node.items():
            if (*steps, key) in parts:
                left_out += _ids(value, key)
            else:
                copy[key] = _without(value, parts, (*steps, key), left_out)
        return copy
    if isinstance(node, LocatedList):
        kept = [(i, v) for i, v in enumerate(node) if (*steps, i) not in parts]
        for i, v in enumerate(node):
            if (*steps, i) in parts:
                left_out += _ids(v, None)
        copy = LocatedList(_without(v, parts, (*steps, i), left_out) for i, v in kept)
        copy.line = node.line
        copy.item_lines = [node.line_of(i) for i, _ in kept]
        words = getattr(node, "spelled_bools", {})
        copy.spelled_bools = {new: words[old] for new, (old, _v) in enumerate(kept)
                              if old in words}
        lines = getattr(node, "spelled_lines", {})
        copy.spelled_lines = {new: lines[old] for new, (old, _v) in enumerate(kept)
                              if old in lines}
        return copy
    return node


def shape_valid_part(data: Located, path: str) -> tuple[Definition, set[str]] | None:
    """The Definition built from `data`, its misspelt keys read as the keys meant
    (`_misspelt_keys_renamed`), without each part still holding a meta-schema error
    (`shape_error_places`; an unknown key alone, else the deepest part of PARTS holding
    it; `path` names the file); and the ids of what was left out (a question, a
    section and its questions, a state...): the meaning checks' errors naming one of
    them are about the left-out part, not the designer's. None when an error is in no
    part that can be left out, or when what remains still breaks the meta-schema."""
    renamed = _misspelt_keys_renamed(data)
    parts = set()
    for place, unknown_key in shape_error_places(renamed):
        if unknown_key:
            parts.add(tuple(place))
            continue
        part = _part_of(place)
        if part is None:
            return None
        parts.add(part)
    left_out: list[str] = []
    rest = _without(renamed, parts, (), left_out)
    if shape_error_places(rest):
        return None
    try:
        return build.definition(rest, path), set(left_out)
    except (KeyError, TypeError, ValueError):
        return None
