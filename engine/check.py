"""Check a definition: first its shape against the meta-schema, then its meaning.

Each semantic check is a small function that yields DesignerErrors;
`check_meaning` runs them all so a designer sees every mistake of a file in
one run. The module exists so that a definition is refused at start-up, with
`file:line` and a plain sentence, instead of failing later in an applicant's
page.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from .agentforms import form_names
from .compare import date_operand, is_number
from .durations import parse_duration
from .errors import DesignerError, ErrorCode, error
from .fieldtypes import REGISTRY, applies_to, field_meta_schema, generation
from .load import Located, LocatedList, plain
from .migrate import check_targets
from .model import (
    COMPARISON_OPS,
    LANGS,
    Definition,
    Field,
    FieldRef,
    FieldTest,
    Text,
    agent_form_definition,
    comparable_kind,
    condition_fields,
    condition_reads,
    fields_in_scope,
)
from .placeholders import (
    DOCUMENT_FILENAME,
    FIELD_MESSAGE,
    ITEM_LABEL,
    MESSAGE,
    NOTIFICATION,
    TextKind,
    field_message_names,
    placeholders,
)
from .profile import PROFILE, unknown_keys
from .workflow import check_actions_and_guards

# the field types an agent's form may not ask: a file (its storage belongs to the
# applicant's answers) and a repeating group
NOT_IN_AGENT_FORMS = frozenset({"file", "group"})

RESERVED_SECTION_IDS = frozenset({"profile"})


@cache
def shipped_meta_schema() -> dict[str, Any]:
    """The meta-schema file `forms/definition.schema.json` as a dict, read once and cached
    (what editors read; its `$defs.field` is `fieldtypes.field_meta_schema()` of the
    built-in types, written there by `scripts/meta-schema`).

    Raises OSError or json.JSONDecodeError only if the installed package is broken.
    """
    return json.loads(resources.files("forms").joinpath("definition.schema.json").read_text())


def meta_schema() -> dict[str, Any]:
    """The meta-schema definitions are checked against: the shipped file with its field
    part assembled from the field-type registry (`fieldtypes.field_meta_schema`), so a
    registered type's properties are accepted on it and refused on the others."""
    return _meta_schema(generation())


@cache
def _meta_schema(_generation: int) -> dict[str, Any]:
    schema = dict(shipped_meta_schema())
    schema["$defs"] = {**schema["$defs"], "field": field_meta_schema()}
    return schema


@cache
def _meta_validator(_generation: int) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_meta_schema(_generation))


def _line_at(data: Any, path: list[Any]) -> int:
    """The line of the deepest node on `path` that knows its line: a key's own line
    (`options:`), not the line of the block list or mapping under it."""
    line = getattr(data, "line", 1)
    node = data
    for step in path:
        if isinstance(node, Located) and step in node:
            line = node.line_of(step)
            node = node[step]
        elif isinstance(node, LocatedList) and isinstance(step, int) and step < len(node):
            line = node.line_of(step)
            node = node[step]
        else:
            break
    return line


# the nouns of the items of a list (or the entries of a mapping by id) under a key
_NOUNS = {"sections": "section", "fields": "question", "form": "question", "rules": "rule",
          "transitions": "transition", "options": "option", "rows": "row",
          "columns": "column", "eligibility": "eligibility condition",
          "migrations": "migration", "groups": "profile group", "states": "state",
          "documents": "document", "messages": "message"}
_BY_ID = frozenset({"states", "documents", "messages"})  # mappings whose keys are ids
_NAMING_KEYS = ("id", "value", "from")  # the key naming a list item, tried in this order


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _child(node: Any, step: Any) -> Any:
    if isinstance(node, dict) and step in node:
        return node[step]
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return None


def where(data: Any, path: list[Any]) -> str:
    """The place at `path` (keys and list indexes from the top of `data`) as a designer
    reads it: each list item or state, document, message by its id ("section
    `identite`, question `date_naissance`"), or by position when it has none ("the 3rd
    question"), then the keys below it in backquotes (`label.en`); "the definition"
    for the top."""
    parts: list[str] = []
    keys = ""  # the plain keys since the last named item, as `a.b[0].c`
    node: Any = data
    parent: Any = None
    for i, step in enumerate(path):
        child = _child(node, step)
        noun = _NOUNS.get(parent) if isinstance(parent, str) else None
        if noun == "question" and path[:1] == ["profile"]:
            noun = "profile field"
        if noun and (isinstance(step, int) or parent in _BY_ID):
            name = step if parent in _BY_ID else next(
                (child[k] for k in _NAMING_KEYS if isinstance(child, dict)
                 and isinstance(child.get(k), str | int) and not isinstance(child[k], bool)),
                None)
            parts.append(f"{noun} `{name}`" if name is not None
                         else f"the {_ordinal(step + 1)} {noun}")
            keys = ""
        elif isinstance(step, str) and step in _NOUNS and i < len(path) - 1:
            pass  # named by its item
        elif isinstance(step, int):
            keys += f"[{step}]"
        else:
            keys += f".{step}" if keys else str(step)
        node, parent = child, step
    if keys:
        parts.append(f"`{keys}`")
    return ", ".join(parts) or "the definition"


def _fitting_branch(detail: jsonschema.ValidationError) -> list[jsonschema.ValidationError] | None:
    """The errors of the branch of an anyOf/oneOf meant by the designer: the one taking
    the value's kind (the mapping branch of an option written as a mapping); when
    several do, the one with the fewest errors, then with the fewest unknown keys (a
    comparison `{gt: [1, 2]}` is read as a comparison). None when no branch takes that
    kind."""
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for err in detail.context or ():
        branches.setdefault(err.relative_schema_path[0], []).append(err)
    fitting = [errs for errs in branches.values()
               if not any(e.validator == "type" and not e.relative_path for e in errs)]
    return min(fitting, key=lambda errs: (
        len(errs), sum(e.validator == "additionalProperties" for e in errs))) if fitting else None


def _leaves(detail: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
    """The errors a designer should read for one meta-schema error: through every
    anyOf/oneOf, those of the branch meant (`_fitting_branch`); the anyOf's own error
    when no branch takes the value's kind."""
    if not detail.context:
        return [detail]
    branch = _fitting_branch(detail)
    if branch is None:
        return [detail]
    return [leaf for err in branch for leaf in _leaves(err)]


def meta_errors(data: Any) -> list[jsonschema.ValidationError]:
    """Every meta-schema error of `data` (a loaded definition), each at its most precise
    place (`_leaves`: inside the branch of an anyOf/oneOf that takes the value's kind)."""
    return [leaf for err in _meta_validator(generation()).iter_errors(plain(data))
            for leaf in _leaves(err)]


_KINDS = {"string": "a text", "integer": "a whole number", "number": "a number",
          "boolean": "yes/no (true or false)", "object": "a mapping (key: value)",
          "array": "a list", "null": "nothing"}


def _kind_of(value: Any) -> str:
    """What a designer wrote, in words: "the text `x`", "a mapping"..."""
    if isinstance(value, bool):
        return f"yes/no (`{str(value).lower()}`)"
    if isinstance(value, str):
        return f"the text `{value}`"
    if isinstance(value, int | float):
        return f"the number `{value}`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "empty"


def _expected_kinds(detail: jsonschema.ValidationError) -> str:
    """The kinds a type error (or an anyOf none of whose branches takes the value's
    kind) expects, in words."""
    errs = [detail] if detail.validator == "type" else [
        e for e in detail.context or () if e.validator == "type" and not e.relative_path]
    kinds: list[str] = []
    for err in errs:
        types = err.validator_value
        for t in [types] if isinstance(types, str) else types:
            if _KINDS.get(t, t) not in kinds:
                kinds.append(_KINDS.get(t, t))
    return " or ".join(filter(None, (", ".join(kinds[:-1]), kinds[-1]))) if kinds else "?"


def _allowed(values: list[Any]) -> str:
    """Allowed values in words: "`a` or `b`", "one of `a`, `b` or `c`"."""
    shown = [f"`{v}`" for v in values]
    if len(shown) == 1:
        return shown[0]
    listed = f"{', '.join(shown[:-1])} or {shown[-1]}"
    return listed if len(shown) == 2 else f"one of {listed}"


# what a pattern of the meta-schema without its own `patternErrorMessage` asks for
_PATTERN_RULES = {
    "^[a-z][a-z0-9_]*$": "is not an id here: write lower-case letters, digits or `_`, "
                         "starting with a letter, e.g. `date_naissance`",
    "^[A-Z]{1,4}$": "is not a prefix: write 1 to 4 capital letters, e.g. `AQ`",
    "^[A-Z]{2}$": "is not a country code: write its two capital letters (ISO 3166), e.g. `CA`",
    "^[A-Za-z0-9_{}.-]+$": "is not a file name: write letters, digits, `_`, `.`, `-` and "
                           "placeholders such as `{number}`, without spaces",
    "^profile\\.[a-z][a-z0-9_]*$": "is not a profile field: write `profile.` then the "
                                   "field's id, e.g. `profile.region`",
}


def _rule(detail: jsonschema.ValidationError) -> str:
    """What a `pattern` of the meta-schema asks for: its `patternErrorMessage` (the
    keyword editors such as VS Code show too), else `_PATTERN_RULES`'s sentence."""
    schema = detail.schema if isinstance(detail.schema, dict) else {}
    said = schema.get("patternErrorMessage") or _PATTERN_RULES.get(detail.validator_value)
    return said or f"does not have the form this place takes ({detail.validator_value})"


# the keys holding a duration (`durations.parse_duration`): a bare number there gets a hint
DURATION_KEYS = frozenset({"after", "before_deadline"})


def _problem_error(data: Any, path: str, detail: jsonschema.ValidationError) -> DesignerError:
    """The designer error for one meta-schema error other than a key's: WRONG_KIND,
    NOT_ALLOWED (with the closest allowed value) or NOT_ALLOWED_NO_MATCH, BAD_FORM for a
    pattern, else META_SCHEMA with jsonschema's sentence."""
    location = list(detail.absolute_path)
    line, place = _line_at(data, location), where(data, location)
    if (location and location[-1] in DURATION_KEYS and isinstance(detail.instance, int)
            and not isinstance(detail.instance, bool)):
        return error(ErrorCode.DURATION_NUMBER, path, line, where=place,
                     value=detail.instance)
    if detail.validator == "type" or detail.context:
        return error(ErrorCode.WRONG_KIND, path, line, where=place,
                     got=_kind_of(detail.instance), expected=_expected_kinds(detail))
    if detail.validator in ("enum", "const"):
        values = detail.validator_value if detail.validator == "enum" else [
            detail.validator_value]
        close = difflib.get_close_matches(str(detail.instance), [str(v) for v in values],
                                          n=1, cutoff=0.6)
        if close:
            return error(ErrorCode.NOT_ALLOWED, path, line, where=place,
                         value=detail.instance, suggestion=close[0], allowed=_allowed(values))
        return error(ErrorCode.NOT_ALLOWED_NO_MATCH, path, line, where=place,
                     value=detail.instance, allowed=_allowed(values))
    if detail.validator == "pattern":
        return error(ErrorCode.BAD_FORM, path, line, where=place, value=detail.instance,
                     rule=_rule(detail))
    problem = detail.message
    if detail.validator == "maxProperties":
        problem = f"has more than {detail.validator_value} key(s), one at most is allowed"
    elif detail.validator == "minProperties":
        problem = "is empty, and needs at least one key"
    elif detail.validator == "minItems":
        problem = "is an empty list, and needs at least one item"
    elif detail.validator == "maxLength":
        problem = (f"is {len(detail.instance)} characters long, more than the "
                   f"{detail.validator_value} allowed")
    return error(ErrorCode.META_SCHEMA, path, line, where=place, problem=problem)


def check_shape(data: Any, path: str) -> list[DesignerError]:
    """Validate against the meta-schema; each error names its place (`where`) and line.

    data: what `load.load_text` returned; path: the file, for the errors.
    Returns [] when the shape is right, else (unsorted, each error once): one
    YAML_BOOLEAN (or YAML_BOOLEAN_LOWER when the word quoted would still break the place's
    rule, as `ON` for an option's value) per word on/off/yes/no/true/false that YAML read
    as a boolean where the meta-schema wanted a text (`_booleans_meant_as_words`; that
    value in `data` becomes the word, so later stages read it as meant), at the line of
    the word as written (an anchor's, for its aliases); one UNKNOWN_KEY (with the
    closest known key) or UNKNOWN_KEY_NO_MATCH per key unknown at its place, and an
    UNKNOWN_KEY for a misspelt required key (`typ:`); PROPERTY_NOT_FOR_TYPE per key of a
    field that only other types take; MISSING_KEY, WRONG_KIND, NOT_ALLOWED(_NO_MATCH),
    BAD_FORM, and META_SCHEMA for any other problem (or a single NOT_A_MAPPING when
    `data` is not a mapping). Inside an anyOf/oneOf, the errors are those of the branch
    taking the value's kind (`meta_errors`). A key missing because it was misspelt is
    told once, by the misspelling's UNKNOWN_KEY.
    """
    if not isinstance(data, dict):
        return [error(ErrorCode.NOT_A_MAPPING, path, getattr(data, "line", 1))]
    details = meta_errors(data)
    if not details:
        return []
    errors = _booleans_meant_as_words(data, path, details)
    if errors:
        details = meta_errors(data)
    suggested: set[tuple[tuple[Any, ...], str]] = set()  # (place, key) told by UNKNOWN_KEY
    for detail in details:
        suggested |= {(tuple(detail.absolute_path), s)
                      for _key, s in misspelt_keys(detail) if s}
    for detail in details:
        location = list(detail.absolute_path)
        if detail.validator == "additionalProperties" and isinstance(detail.instance, dict):
            errors += _unknown_key_errors(data, path, location, detail)
        elif detail.validator == "required" and isinstance(detail.instance, dict):
            for key, meant in misspelt_keys(detail):
                errors.append(error(ErrorCode.UNKNOWN_KEY, path,
                                    _line_at(data, [*location, key]),
                                    where=where(data, location), key=key, suggestion=meant))
            for name in _missing(detail):
                if (tuple(location), name) not in suggested:
                    errors.append(error(ErrorCode.MISSING_KEY, path, _line_at(data, location),
                                        where=where(data, location), key=name,
                                        a="an" if name[:1] in "aeiou" else "a"))
        else:
            errors.append(_problem_error(data, path, detail))
    return list(dict.fromkeys(errors))


def _missing(detail: jsonschema.ValidationError) -> list[str]:
    """The keys a "required" error finds missing."""
    return [k for k in detail.validator_value if isinstance(detail.instance, dict)
            and k not in detail.instance]


def _known_keys(detail: jsonschema.ValidationError) -> list[str]:
    """The keys known at the error's mapping: its schema's, and inside an anyOf/oneOf
    those of every branch refusing a key of that same mapping (a condition's `in`,
    `contains`... and `gt`, `ge`...)."""
    schema = detail.schema if isinstance(detail.schema, dict) else {}
    known = list(schema.get("properties", {}))
    parent = detail.parent
    if detail.validator == "additionalProperties" and parent is not None \
            and parent.validator in ("anyOf", "oneOf"):
        for sibling in parent.context or ():
            if sibling.validator == "additionalProperties" and \
                    sibling.absolute_path == detail.absolute_path and \
                    isinstance(sibling.schema, dict):
                known += [k for k in sibling.schema.get("properties", {}) if k not in known]
    return known


def _unknown_here(detail: jsonschema.ValidationError) -> list[str]:
    """The keys of the error's mapping that its schema neither names nor matches."""
    schema = detail.schema if isinstance(detail.schema, dict) else {}
    known = list(schema.get("properties", {}))
    patterns = list(schema.get("patternProperties", {}))
    return [key for key in detail.instance
            if key not in known and not any(re.search(p, key) for p in patterns)]


def refused_keys(detail: jsonschema.ValidationError) -> list[tuple[str, str | None]]:
    """The keys an additionalProperties error refuses, each with the closest known key
    of that place (difflib), or None."""
    known = _known_keys(detail)
    return [(key, next(iter(difflib.get_close_matches(key, known, n=1, cutoff=0.6)), None))
            for key in _unknown_here(detail)]


def misspelt_keys(detail: jsonschema.ValidationError) -> list[tuple[str, str | None]]:
    """(key written, key meant or None) for a meta-schema error about keys: those an
    additionalProperties error refuses (`refused_keys`), and for a "required" error
    each unknown key of the mapping close to a missing one (`typ:` for `type:`, told
    even where unknown keys are allowed); [] for another error."""
    if not isinstance(detail.instance, dict):
        return []
    if detail.validator == "additionalProperties":
        return refused_keys(detail)
    if detail.validator != "required":
        return []
    unknown = _unknown_here(detail)
    found = []
    for name in _missing(detail):
        close = difflib.get_close_matches(name, unknown, n=1, cutoff=0.6)
        if close:
            found.append((close[0], name))
            unknown.remove(close[0])
    return found


def _unknown_key_errors(data: Any, path: str, location: list[Any],
                        detail: jsonschema.ValidationError) -> list[DesignerError]:
    """For each key an additionalProperties error refuses, at the key's line:
    PROPERTY_NOT_FOR_TYPE for a field's key that some other type accepts (the branch of
    its type, marked "x-field-type", refused it), else UNKNOWN_KEY with the closest known
    key, else UNKNOWN_KEY_NO_MATCH listing the known keys."""
    type_name = detail.schema.get("x-field-type") if isinstance(detail.schema, dict) else None
    known = _known_keys(detail)
    place = where(data, location)
    errors = []
    for key, close in refused_keys(detail):
        line = _line_at(data, [*location, key])
        types = applies_to(key) if type_name else ()
        if types:
            errors.append(error(ErrorCode.PROPERTY_NOT_FOR_TYPE, path, line, property=key,
                                type=type_name, field=detail.instance.get("id", "?"),
                                applies_to=", ".join(types)))
        elif close:
            errors.append(error(ErrorCode.UNKNOWN_KEY, path, line, where=place,
                                key=key, suggestion=close))
        else:
            errors.append(error(ErrorCode.UNKNOWN_KEY_NO_MATCH, path, line,
                                where=place, key=key,
                                known=", ".join(f"`{k}`" for k in known)))
    return errors


def _spelled_bools(node: Any, steps: tuple[Any, ...] = ()
                   ) -> Iterator[tuple[list[Any], str, int | None]]:
    """(path, word, line) of every value YAML read as a boolean from on/off/yes/no/
    true/false; the line is the word's own (an anchor's, for its aliases)."""
    words = getattr(node, "spelled_bools", {})
    lines = getattr(node, "spelled_lines", {})
    items = node.items() if isinstance(node, dict) else (
        enumerate(node) if isinstance(node, list) else ())
    for key, value in items:
        if key in words:
            yield [*steps, key], words[key], lines.get(key)
        else:
            yield from _spelled_bools(value, (*steps, key))


def _set_at(node: Any, steps: list[Any], value: Any) -> None:
    for step in steps[:-1]:
        node = node[step]
    node[steps[-1]] = value


def _count_with(data: Any, steps: list[Any], word: str) -> int:
    trial = plain(data)
    _set_at(trial, steps, word)
    return len(meta_errors(trial))


def _booleans_meant_as_words(data: Any, path: str,
                             details: list[jsonschema.ValidationError]) -> list[DesignerError]:
    """YAML_BOOLEAN for each word on/off/yes/no/true/false (any case) YAML read as a
    boolean where the meta-schema wants a text (an option's `value: on`, `label: {en:
    Off}`), in the word as written, at its line; YAML_BOOLEAN_LOWER when only the word in
    lower case fits (`value: ON`: an option's value is in lower case). Each is put back
    in `data` as the word (in lower case for the latter). A boolean is "meant as a word"
    when the definition with that one value written as the word has fewer meta-schema
    errors than `details`, the definition's (`meta_errors`; `editable: yes` is a boolean
    meant, and stays one); only a boolean at or under an error's place is tried."""
    errors, meant = [], []
    before = len(details)
    places = [list(d.absolute_path) for d in details]
    for steps, word, line in _spelled_bools(data):
        if not any(steps[:len(place)] == place for place in places):
            continue
        at = line or _line_at(data, steps)
        if _count_with(data, steps, word) < before:
            meant.append((steps, word))
            errors.append(error(ErrorCode.YAML_BOOLEAN, path, at, word=word))
        elif word != word.lower() and _count_with(data, steps, word.lower()) < before:
            trial = plain(data)
            _set_at(trial, steps, word)
            rules = [_rule(e) for e in meta_errors(trial)
                     if e.validator == "pattern" and list(e.absolute_path) == steps]
            meant.append((steps, word.lower()))
            errors.append(error(ErrorCode.YAML_BOOLEAN_LOWER, path, at, word=word,
                                lower=word.lower(),
                                rule=rules[0] if rules else "is refused here"))
    for steps, word in meant:
        parent = data
        for step in steps[:-1]:
            parent = parent[step]
        parent[steps[-1]] = word
        getattr(parent, "spelled_bools", {}).pop(steps[-1], None)
    return errors


# --- semantic checks on the built model --------------------------------------

Check = Callable[[Definition], Iterator[DesignerError]]


def _all_fields(d: Definition) -> list[Field]:
    """Every question in the order asked, each repeating group followed by its nested
    questions (their ids are unique in the whole definition, as top-level ones)."""
    return [f for s in d.sections for top in s.fields for f in (top, *top.fields)]


def _unreadable(d: Definition, field_id: str, line: int) -> DesignerError:
    """GROUP_INSIDE_REFERENCE when `field_id` is a question of a repeating group's items
    (out of the condition's scope), else UNKNOWN_FIELD."""
    inside = d.nested_fields().get(field_id)
    if inside is not None:
        return error(ErrorCode.GROUP_INSIDE_REFERENCE, d.path, line, field=field_id,
                     group=inside[0].id)
    return error(ErrorCode.UNKNOWN_FIELD, d.path, line, field=field_id)


def check_unique_ids(d: Definition) -> Iterator[DesignerError]:
    """DUPLICATE_ID for a section, field or transition id used twice in the definition,
    or an option, row or column value used twice in one field (at the second use)."""
    def dupes(kind: str, items: list[tuple[str, int]]) -> Iterator[DesignerError]:
        seen: dict[str, int] = {}
        for item_id, line in items:
            if item_id in seen:
                yield error(
                    ErrorCode.DUPLICATE_ID, d.path, line, kind=kind, id=item_id,
                    first_line=seen[item_id],
                )
            else:
                seen[item_id] = line

    yield from dupes("section", [(s.id, s.line) for s in d.sections])
    yield from dupes("field", [(f.id, f.line) for f in _all_fields(d)])
    yield from dupes("transition", [(t.id, t.line) for t in d.workflow.transitions])
    for f in _all_fields(d):
        for kind, opts in (("option", f.options), ("row", f.rows), ("column", f.columns)):
            yield from dupes(f"{kind} of '{f.id}'", [(o.value, o.line) for o in opts])


def _texts(d: Definition) -> Iterator[Text]:
    yield d.title
    yield from (t for t in (d.description, d.intro) if t)
    yield from (e.message for e in d.eligibility)
    for s in d.sections:
        yield s.title
        yield from (t for t in (s.intro, s.note) if t)
        yield from _field_texts(s.fields)
        yield from (r.message for r in s.rules)
    for state in d.workflow.states.values():
        yield state.label
    yield from (t.label for t in d.workflow.transitions if t.label)
    for doc in d.documents.values():
        yield doc.title
        yield from (t for t in (doc.intro, doc.outro) if t)
    for m in d.messages.values():
        yield from (m.subject, m.body)
    if d.notification:
        yield from (d.notification.subject, d.notification.body)
    yield from (m.message for m in d.migrations if m.message)
    if d.profile:
        yield from (t for t in (d.profile.title,) if t)
        for g in d.profile.groups:
            yield from (t for t in (g.title, g.subtitle) if t)
            yield from (e.label for e in g.entries if e.label)


def _field_texts(fields: tuple[Field, ...]) -> Iterator[Text]:
    """The designer's texts of some questions: label, help, messages, options' labels."""
    for f in fields:
        yield f.label
        if f.help:
            yield f.help
        yield from f.messages.values()
        yield from (o.label for o in (*f.options, *f.rows, *f.columns) if o.label)


# invisible characters no label needs, which turn a text around on screen ("Trojan
# source": U+202E shows "txt.exe" as "exe.txt") or hide a control: bidi embeddings,
# overrides, isolates and marks, and control characters other than tab and line feed
_HIDDEN = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f"
                     "\u202a-\u202e\u2066-\u2069]")


def check_translations(d: Definition) -> Iterator[DesignerError]:
    """MISSING_TRANSLATION for every designer text whose "fr" or "en" is blank;
    HIDDEN_CHARACTER for the first bidi control or control character of one (`_HIDDEN`)."""
    for t in _texts(d):
        for lang in LANGS:
            text = getattr(t, lang)
            if not text.strip():
                yield error(ErrorCode.MISSING_TRANSLATION, d.path, t.line, lang=lang)
            elif hidden := _HIDDEN.search(text):
                char = hidden.group()
                yield error(ErrorCode.HIDDEN_CHARACTER, d.path, t.line, lang=lang,
                            codepoint=f"U+{ord(char):04X}",
                            name=unicodedata.name(char, "a control character"))


def check_options(d: Definition) -> Iterator[DesignerError]:
    """OPTIONS_REQUIRED for a choice field without options (a grid without rows or
    columns) and OPTION_WITHOUT_LABEL for each of its options written as a bare value."""
    for f in _all_fields(d):
        needs = f.kind.option_lists(f)
        for _key, options in needs:
            if not options:
                yield error(ErrorCode.OPTIONS_REQUIRED, d.path, f.line, field=f.id, type=f.type)
        for _key, options in needs:
            for o in options:
                if o.label is None:
                    yield error(
                        ErrorCode.OPTION_WITHOUT_LABEL, d.path, o.line, value=o.value, field=f.id
                    )


def _possible_values(f: Field) -> tuple[list[Any] | None, str]:
    return f.kind.condition_values(f)


def _operator_applies_to(op: str) -> str:
    """Which answers the condition operator `op` tests, in words: "single answers" when
    no list type takes it, else the plural names of the types that do."""
    types = [ft for ft in REGISTRY.values() if op in ft.operators]
    if not any(ft.is_list for ft in types):
        return "single answers"
    names = [ft.name if ft.name.endswith("s") else ft.name + "s" for ft in types]
    return " and ".join(filter(None, (", ".join(names[:-1]), names[-1])))


def _check_test(
    d: Definition, test: FieldTest, fields: dict[str, Field], order: dict[str, int],
    owner: str | None,
) -> Iterator[DesignerError]:
    target = fields.get(test.field)
    if target is None:
        yield _unreadable(d, test.field, test.line)
        return
    yield from _check_order(d, test.field, test.line, order, owner)
    if test.op == "answered":
        return
    if test.op in COMPARISON_OPS:
        yield from _check_comparison(d, test, target, fields, order, owner)
        return
    if test.op not in target.kind.operators:
        yield error(ErrorCode.OPERATOR_MISMATCH, d.path, test.line, operator=test.op,
                    field=test.field, type=target.type,
                    applies_to=_operator_applies_to(test.op))
        return
    possible, expected = _possible_values(target)
    if possible is None:
        return
    values = test.value if test.op == "in" else [test.value]
    for i, value in enumerate(values):
        word = (test.words or {}).get(i)
        if word and isinstance(value, bool) and not isinstance(possible[0], bool):
            yield error(ErrorCode.YAML_BOOLEAN, d.path, test.line, word=word)
        elif value not in possible or isinstance(value, bool) != isinstance(possible[0], bool):
            yield error(ErrorCode.IMPOSSIBLE_VALUE, d.path, test.line, field=test.field,
                        value=value, expected=expected)


def _check_order(d: Definition, field_id: str, line: int, order: dict[str, int],
                 owner: str | None) -> Iterator[DesignerError]:
    """SELF_REFERENCE or FORWARD_REFERENCE when the condition of `owner` (a field id;
    None: a rule's, which may read any answer) reads `field_id`, itself or a later one."""
    if owner is None:
        return
    if field_id == owner:
        yield error(ErrorCode.SELF_REFERENCE, d.path, line, field=owner)
    elif order[field_id] > order[owner]:
        yield error(ErrorCode.FORWARD_REFERENCE, d.path, line, field=owner, other=field_id)


def _operand_kind(value: Any) -> str | None:
    """"number" or "date" for a comparison's literal operand; None when malformed."""
    if is_number(value):
        return "number"
    if isinstance(value, str) and date_operand(value, date(2000, 1, 1)) is not None:
        return "date"
    return None


def _check_comparison(
    d: Definition, test: FieldTest, target: Field, fields: dict[str, Field],
    order: dict[str, int], owner: str | None,
) -> Iterator[DesignerError]:
    """A `gt`/`ge`/`lt`/`le` test: OPERATOR_MISMATCH on a field whose answers have no
    order (`comparable_kind` None), UNKNOWN_FIELD, SELF_REFERENCE or FORWARD_REFERENCE for
    an operand {field: x}, COMPARISON_MISMATCH for an operand of another kind (a date
    field with a number, a number field with a date, a date field with a number field),
    BAD_COMPARISON_OPERAND for a string that is no date, `today` nor offset."""
    kind = comparable_kind(target)
    if kind is None:
        yield error(ErrorCode.OPERATOR_MISMATCH, d.path, test.line, operator=test.op,
                    field=test.field, type=target.type, applies_to="dates and numbers")
        return
    if isinstance(test.value, FieldRef):
        other = fields.get(test.value.field)
        if other is None:
            yield _unreadable(d, test.value.field, test.line)
            return
        yield from _check_order(d, other.id, test.line, order, owner)
        if comparable_kind(other) != kind:
            yield error(ErrorCode.COMPARISON_MISMATCH, d.path, test.line, kind=kind,
                        field=test.field, operand=f"the {other.type} field '{other.id}'")
        return
    operand_kind = _operand_kind(test.value)
    if operand_kind is None and isinstance(test.value, str) and kind == "date":
        yield error(ErrorCode.BAD_COMPARISON_OPERAND, d.path, test.line, field=test.field,
                    operand=test.value)
    elif operand_kind != kind:
        yield error(ErrorCode.COMPARISON_MISMATCH, d.path, test.line, kind=kind,
                    field=test.field, operand=repr(test.value))


def check_conditions(d: Definition) -> Iterator[DesignerError]:
    """Errors in the conditions of fields, options and rules.

    UNKNOWN_FIELD, OPERATOR_MISMATCH (`contains` on a single answer, `eq`/`in`
    on a list), IMPOSSIBLE_VALUE (a value the field can never hold), and, for
    a field's or its options' conditions, SELF_REFERENCE and FORWARD_REFERENCE:
    a condition may only look at questions asked before it, which lets
    `validate.clean` decide visibility in one pass. Comparisons (`_check_comparison`).
    Inside a repeating group a condition may read the item's earlier questions and the
    dossier's (`model.fields_in_scope`); outside, reading an item's question is
    GROUP_INSIDE_REFERENCE. A section's `when`: SECTION_FORWARD_REFERENCE for a
    question of the same or a later section. UNKNOWN_RULE_FIELD for a rule's `fields`
    entry that is not in the rule's section.
    """
    fields = d.all_fields()  # what a condition outside repeating groups may read
    order = {f.id: i for i, f in enumerate(_all_fields(d))}
    asked_before: set[str] = set()  # the questions of the sections before `s`
    for s in d.sections:
        for test in condition_fields(s.when):
            yield from _check_test(d, test, fields, order, None)
            for field_id in condition_reads(test):
                if field_id in fields and field_id not in asked_before:
                    yield error(ErrorCode.SECTION_FORWARD_REFERENCE, d.path, test.line,
                                section=s.id, other=field_id)
        asked_before |= {f.id for f in s.fields}
        for f in (f for top in s.fields for f in (top, *top.fields)):
            scope = fields_in_scope(d, f)  # inside a group: the item's questions too
            for test in condition_fields(f.when):
                yield from _check_test(d, test, scope, order, f.id)
            for o in (*f.options, *f.rows, *f.columns):
                for test in condition_fields(o.when):
                    yield from _check_test(d, test, scope, order, f.id)
        for r in s.rules:
            for test in condition_fields(r.when) + condition_fields(r.require):
                yield from _check_test(d, test, fields, order, None)
            for fid in r.fields:
                if s.field(fid) is None:
                    yield error(ErrorCode.UNKNOWN_RULE_FIELD, d.path, r.line, field=fid,
                                section=s.id)


def check_field_bounds(d: Definition) -> Iterator[DesignerError]:
    """BAD_PATTERN for a pattern Python's `re` cannot compile; MIN_ABOVE_MAX when
    min_length > max_length (characters) or min_items > max_items (ticked boxes).

    A pattern `re` accepts but the answers' validator (jsonschema_rs, whose
    regex dialect differs) refuses, such as `\\Z`, passes here and then makes
    `compile.compile_definition` raise.
    """
    for f in _all_fields(d):
        if f.pattern is not None:
            try:
                re.compile(f.pattern)
            except re.error as exc:
                yield error(ErrorCode.BAD_PATTERN, d.path, f.line, field=f.id, problem=exc)
        for low, high in ((f.min_length, f.max_length), (f.min_items, f.max_items)):
            if low is not None and high is not None and low > high:
                yield error(ErrorCode.MIN_ABOVE_MAX, d.path, f.line, field=f.id, low=low,
                            high=high)


def check_autocomplete(d: Definition) -> Iterator[DesignerError]:
    """AUTOCOMPLETE_TYPE for a field whose autocomplete token does not suit its type (the
    meta-schema already refused a value outside the autofill grammar)."""
    for f in _all_fields(d):
        says = f.kind.autocomplete_mismatch(f.autocomplete) if f.autocomplete else None
        if says:
            yield error(ErrorCode.AUTOCOMPLETE_TYPE, d.path, f.line, field=f.id, type=f.type,
                        autocomplete=f.autocomplete, says=says)


def check_field_types(d: Definition) -> Iterator[DesignerError]:
    """Each field's own type's checks (`FieldType.check`), in question order."""
    for f in _all_fields(d):
        yield from f.kind.check(f, d)


def check_workflow(d: Definition) -> Iterator[DesignerError]:
    """Errors in the workflow: UNKNOWN_INITIAL_STATE (with the closest declared state) or
    UNKNOWN_INITIAL_STATE_NO_MATCH, UNKNOWN_STATE_SUGGESTION (a transition's source or
    target, with the closest declared state) or UNKNOWN_STATE, NO_EDITABLE_INITIAL, the
    errors of its guards and actions (`workflow.check_actions_and_guards`: UNKNOWN_GUARD,
    UNKNOWN_ACTION, ACTION_REF, UNKNOWN_MESSAGE, UNKNOWN_DOCUMENT), UNREACHABLE_STATE for
    a state no chain of transitions leads to (not told while a state named is unknown)."""
    wf = d.workflow
    if wf.initial not in wf.states:
        close = difflib.get_close_matches(wf.initial, list(wf.states), n=1, cutoff=0.6)
        if close:
            yield error(ErrorCode.UNKNOWN_INITIAL_STATE, d.path, wf.initial_line or wf.line,
                        state=wf.initial, suggestion=close[0])
        else:
            yield error(ErrorCode.UNKNOWN_INITIAL_STATE_NO_MATCH, d.path,
                        wf.initial_line or wf.line, state=wf.initial,
                        known=", ".join(f"'{s}'" for s in wf.states))
    elif not wf.states[wf.initial].editable:
        yield error(ErrorCode.NO_EDITABLE_INITIAL, d.path, wf.states[wf.initial].line,
                    state=wf.initial)
    for t in wf.transitions:
        for state in (*t.sources, t.target):
            if state in wf.states:
                continue
            close = difflib.get_close_matches(state, list(wf.states), n=1, cutoff=0.6)
            if close:
                yield error(ErrorCode.UNKNOWN_STATE_SUGGESTION, d.path, t.line,
                            transition=t.id, state=state, suggestion=close[0])
            else:
                yield error(ErrorCode.UNKNOWN_STATE, d.path, t.line, transition=t.id, state=state)
    yield from check_actions_and_guards(d)
    if wf.initial not in wf.states or any(
            s not in wf.states for t in wf.transitions for s in (*t.sources, t.target)):
        return  # which states are reached depends on the states meant
    reached, frontier = {wf.initial}, [wf.initial]
    while frontier:
        current = frontier.pop()
        for t in wf.transitions:
            if current in t.sources and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    for state in wf.states.values():
        if state.id not in reached:
            yield error(ErrorCode.UNREACHABLE_STATE, d.path, state.line, state=state.id,
                        initial=wf.initial)


def check_schedules(d: Definition) -> Iterator[DesignerError]:
    """The workflow's schedules (issue 17): REMINDER_UNKNOWN_MESSAGE for a reminder
    naming no declared message, REMINDER_TOO_EARLY for one due before the dossier
    exists (longer than deadline_days), RETENTION_UNKNOWN_STATE for a retention state not
    declared, RETENTION_EDITABLE_STATE for an editable one (a draft's data would vanish
    under the applicant), SCHEDULE_DURATION for a duration `durations.parse_duration`
    refuses (its sentence)."""
    wf = d.workflow
    written = [(f"The reminder `before_deadline: {r.before_text}`", r.before_text, r.line)
               for r in wf.reminders]
    if wf.retention is not None:
        written.append(("The retention's `after`", wf.retention.after_text,
                        wf.retention.line))
    for where, text, line in written:
        try:
            parse_duration(text)
        except ValueError as exc:
            yield error(ErrorCode.SCHEDULE_DURATION, d.path, line, where=where, problem=exc)
    for r in wf.reminders:
        if not r.before_deadline:
            continue  # told above
        if r.message not in d.messages:
            yield error(ErrorCode.REMINDER_UNKNOWN_MESSAGE, d.path, r.line,
                        before=r.before_text, message=r.message,
                        known=", ".join(f"'{m}'" for m in d.messages) or "(none)")
        if r.before_deadline >= timedelta(days=d.deadline_days):
            yield error(ErrorCode.REMINDER_TOO_EARLY, d.path, r.line,
                        before=r.before_text, days=d.deadline_days)
    if wf.retention is not None:
        for state in wf.retention.in_states:
            if state not in wf.states:
                yield error(ErrorCode.RETENTION_UNKNOWN_STATE, d.path, wf.retention.line,
                            state=state, known=", ".join(f"'{s}'" for s in wf.states))
            elif wf.states[state].editable:
                yield error(ErrorCode.RETENTION_EDITABLE_STATE, d.path, wf.retention.line,
                            state=state)


def check_documents(d: Definition) -> Iterator[DesignerError]:
    """UNKNOWN_SECTION for a document section that is neither a section id nor "profile"."""
    known = {s.id for s in d.sections} | RESERVED_SECTION_IDS
    for doc in d.documents.values():
        for sid in doc.sections:
            if sid not in known:
                yield error(ErrorCode.UNKNOWN_SECTION, d.path, doc.line, document=doc.id,
                            section=sid)


def check_profile(d: Definition) -> Iterator[DesignerError]:
    """A `profile:` block names fields of the applicant profile, each once."""
    if d.profile is None:
        return
    known = ", ".join(PROFILE.fields)
    for key, line in unknown_keys(d.profile):
        yield error(ErrorCode.UNKNOWN_PROFILE_FIELD, d.path, line, field=key, known=known)
    seen: dict[str, int] = {}
    for entry in (e for g in d.profile.groups for e in g.entries):
        if entry.key in seen:
            yield error(ErrorCode.DUPLICATE_ID, d.path, entry.line, kind="profile field",
                        id=entry.key, first_line=seen[entry.key])
        seen.setdefault(entry.key, entry.line)


def _placeholder_texts(d: Definition) -> Iterator[tuple[TextKind, frozenset[str], str, Any]]:
    """(kind, names filled there, text, where) of every designer text the engine fills;
    where: its line, or for a language written as a block scalar, (that Text, the
    language) for `_placeholder_line`."""
    for f in _all_fields(d):
        names = field_message_names(f)
        for message in f.messages.values():
            yield from ((FIELD_MESSAGE, names, getattr(message, lang), (message, lang))
                        for lang in LANGS)
        label = f.extra.get("item_label")
        if isinstance(label, dict):
            yield from ((ITEM_LABEL, ITEM_LABEL.names, t, f.line) for t in label.values()
                        if isinstance(t, str))
    for m in d.messages.values():
        # the names some poster fills; a poster lacking one: check_message_posters
        names = MESSAGE.names.union(*(n for _, n in message_posters(d, m.id)))
        for t in (m.subject, m.body):
            yield from ((MESSAGE, names, getattr(t, lang), (t, lang)) for lang in LANGS)
    if d.notification:
        for t in (d.notification.subject, d.notification.body):
            yield from ((NOTIFICATION, NOTIFICATION.names, getattr(t, lang), (t, lang))
                        for lang in LANGS)
    for doc in d.documents.values():
        if doc.filename:
            yield (DOCUMENT_FILENAME, DOCUMENT_FILENAME.names, doc.filename,
                   doc.filename_line or doc.line)


def message_posters(d: Definition, message_id: str) -> list[tuple[str, frozenset[str]]]:
    """Everything that posts the message `message_id`, each as (how the checker names it,
    the placeholders it fills besides engine.placeholders.MESSAGE's): every transition
    posting it (agent, schedule, deadline, applicant: its form's question ids,
    `form_names`, none without a form) and every `workflow.reminders` entry naming it
    (none: a reminder has no form)."""
    posters = [(f"the transition '{t.id}'", form_names(t)) for t in d.workflow.transitions
               if any(a.kind == "message" and a.ref == message_id for a in t.actions)]
    posters += [(f"the reminder `before_deadline: {r.before_text}`", frozenset())
                for r in d.workflow.reminders if r.message == message_id]
    return posters


def message_form_names(d: Definition, message_id: str) -> frozenset[str]:
    """The agent form answers the message `message_id` may show besides {number} and
    {submitted_at}: the placeholders every poster of it fills (`message_posters`: the
    question ids common to the forms of all transitions posting it; none when a
    transition without a form or a reminder posts it, or nothing does)."""
    posters = message_posters(d, message_id)
    if not posters:
        return frozenset()
    return frozenset.intersection(*(names for _, names in posters))


def check_message_posters(d: Definition) -> Iterator[DesignerError]:
    """PLACEHOLDER_NOT_FILLED_BY for each `{name}` of a message that the form of one of
    its posters fills but another poster (`message_posters`: a transition without that
    question, a reminder) does not, naming that poster, at the placeholder's line, once per
    line, name and poster: its recipient would read `{name}` as typed. (A name no poster
    fills is check_placeholders' UNKNOWN_PLACEHOLDER.)"""
    told: set[tuple[int, str, str]] = set()
    for m in d.messages.values():
        posters = message_posters(d, m.id)
        for t in (m.subject, m.body):
            for lang in LANGS:
                for name in placeholders(getattr(t, lang)):
                    if name in MESSAGE.names:
                        continue
                    filling = [who for who, names in posters if name in names]
                    if not filling:
                        continue
                    line = _placeholder_line((t, lang), name)
                    for who, names in posters:
                        if name not in names and (line, name, who) not in told:
                            told.add((line, name, who))
                            yield error(ErrorCode.PLACEHOLDER_NOT_FILLED_BY, d.path, line,
                                        name=name, message=m.id, poster=who,
                                        filling=", ".join(filling))


def _placeholder_line(place: Any, name: str) -> int:
    """The line of `{name}` in a text: the line holding it when that language is a
    block scalar (`fr: >-` then lines), else the text's line."""
    if isinstance(place, int):
        return place
    text, lang = place
    for line, source in text.block_lines.get(lang, ()):
        if "{" + name + "}" in source:
            return line
    return text.line


def check_placeholders(d: Definition) -> Iterator[DesignerError]:
    """UNKNOWN_PLACEHOLDER for each `{name}` in a text the engine fills (a field's
    messages, an item label, a message, the notification, a document's file name:
    engine.placeholders.KINDS) that the engine does not fill there, at the line holding it
    (`_placeholder_line`), once per line and
    name (a French and English on one line once). `{{`/`}}` are literal braces; other braces
    ({0}, a lone {) are plain text."""
    told: set[tuple[int, str, str]] = set()
    for kind, names, text, place in _placeholder_texts(d):
        for name in placeholders(text):
            line = _placeholder_line(place, name)
            if name not in names and (line, kind.name, name) not in told:
                told.add((line, kind.name, name))
                yield error(ErrorCode.UNKNOWN_PLACEHOLDER, d.path, line, name=name,
                            where=kind.where,
                            known=", ".join(f"{{{n}}}" for n in sorted(names)))


# the actions only an agent's transition takes (the agent assigned, the correction asked)
AGENT_ACTIONS = frozenset({"assign", "unlock_for_correction"})


def check_transitions(d: Definition) -> Iterator[DesignerError]:
    """What each kind of transition needs (`Transition.by`): BY_AND_TRIGGER when `by:` and
    its old name `trigger:` are both written (at `trigger:`); AGENT_LABEL_MISSING for an
    agent transition without `label:`; FORM_NOT_FOR_AGENT for a `form:` on another;
    AFTER_MISSING for a schedule transition without `after:`, AFTER_NOT_FOR_SCHEDULE for
    `after:` on another (at `after:`), DURATION for an `after:` that is no duration
    (`durations.parse_duration`'s sentence, at `after:`); AGENT_ACTION_NOT_AGENT for
    an agents' action (AGENT_ACTIONS: assign, unlock_for_correction) on a transition not
    `by: agent`, at the action's line."""
    for t in d.workflow.transitions:
        if t.by != "agent":
            for a in t.actions:
                if a.kind in AGENT_ACTIONS:
                    yield error(ErrorCode.AGENT_ACTION_NOT_AGENT, d.path, a.line or t.line,
                                transition=t.id, by=f"`by: {t.by}`", action=a.kind)
        if t.alias_line:
            yield error(ErrorCode.BY_AND_TRIGGER, d.path, t.alias_line, transition=t.id)
        if t.by == "agent" and t.label is None:
            yield error(ErrorCode.AGENT_LABEL_MISSING, d.path, t.line, transition=t.id)
        if t.form and t.by != "agent":
            yield error(ErrorCode.FORM_NOT_FOR_AGENT, d.path, t.line, transition=t.id,
                        by=f"`by: {t.by}`")
        if t.by == "schedule" and t.after_text is None:
            yield error(ErrorCode.AFTER_MISSING, d.path, t.line, transition=t.id)
        elif t.after_text is not None and t.by != "schedule":
            yield error(ErrorCode.AFTER_NOT_FOR_SCHEDULE, d.path, t.after_line or t.line,
                        transition=t.id, by=f"`by: {t.by}`")
        elif t.after_text is not None:
            try:
                parse_duration(t.after_text)
            except ValueError as exc:
                yield error(ErrorCode.DURATION, d.path, t.after_line or t.line,
                            transition=t.id, problem=exc)


# the checks of a section's questions, which an agent's form passes too
FORM_CHECKS: tuple[Check, ...] = (
    check_unique_ids, check_options, check_conditions, check_field_bounds,
    check_autocomplete, check_field_types, check_placeholders)


def check_agent_forms(d: Definition) -> Iterator[DesignerError]:
    """Each transition's `form:` checked as a section's questions (FORM_CHECKS on
    `model.agent_form_definition`: ids, options, conditions reading the form's earlier
    questions only, bounds, types, placeholders of its messages), plus MISSING_TRANSLATION
    for its texts, AGENT_FORM_TYPE for a question of a type it cannot ask
    (NOT_IN_AGENT_FORMS), FORM_ID_RESERVED for a question whose id is a placeholder
    every message fills (`{number}`, `{submitted_at}`), and AGENT_FORM_UNKNOWN_FIELD in
    place of UNKNOWN_FIELD (a condition naming a question not of that form)."""
    allowed = ", ".join(sorted(set(REGISTRY) - NOT_IN_AGENT_FORMS))
    for t in d.workflow.transitions:
        if not t.form:
            continue
        for f in t.form:
            if f.id in MESSAGE.names:
                yield error(ErrorCode.FORM_ID_RESERVED, d.path, f.line, field=f.id,
                            transition=t.id)
            if f.type in NOT_IN_AGENT_FORMS:
                yield error(ErrorCode.AGENT_FORM_TYPE, d.path, f.line, field=f.id,
                            transition=t.id, type=f.type, known=allowed)
        form = agent_form_definition(d, t)
        own = ", ".join(f"'{f.id}'" for f in t.form)
        for check in FORM_CHECKS:
            for e in check(form):
                if e.code is ErrorCode.UNKNOWN_FIELD:
                    (field,) = e.about
                    e = error(ErrorCode.AGENT_FORM_UNKNOWN_FIELD, d.path, e.line,
                              field=field, transition=t.id, known=own)
                yield e
        for text in _field_texts(t.form):
            for lang in LANGS:
                if not getattr(text, lang).strip():
                    yield error(ErrorCode.MISSING_TRANSLATION, d.path, text.line, lang=lang)


CHECKS: tuple[Check, ...] = (
    check_unique_ids,
    check_translations,
    check_options,
    check_conditions,
    check_field_bounds,
    check_autocomplete,
    check_field_types,
    check_workflow,
    check_transitions,
    check_agent_forms,
    check_schedules,
    check_documents,
    check_profile,
    check_targets,
    check_placeholders,
    check_message_posters,
)


def check_meaning(d: Definition) -> list[DesignerError]:
    """Every error of every check in CHECKS, in that order (callers sort by line); [] if none."""
    return [e for check in CHECKS for e in check(d)]
