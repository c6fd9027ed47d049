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
from collections.abc import Callable, Iterator
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from .compare import date_operand, is_number
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


def meta_validator() -> jsonschema.Draft202012Validator:
    """The validator of `meta_schema()`, made once per field-type registry generation."""
    return _meta_validator(generation())


@cache
def _meta_validator(_generation: int) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(_meta_schema(_generation))


def _line_at(data: Any, path: list[Any]) -> int:
    """The line of the deepest node on `path` that knows its line."""
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
        line = getattr(node, "line", line)
    return line


def _where(path: list[Any]) -> str:
    where = ""
    for step in path:
        where += f"[{step}]" if isinstance(step, int) else (f".{step}" if where else str(step))
    return where or "definition"


def _problem(detail: jsonschema.ValidationError) -> str:
    """The designer's sentence for one meta-schema error: a pattern's own
    `patternErrorMessage` (the keyword editors such as VS Code show too) after the
    value, else jsonschema's message."""
    if detail.validator == "pattern" and isinstance(detail.schema, dict):
        said = detail.schema.get("patternErrorMessage")
        if said:
            return f"{detail.instance!r} {said}"
    return detail.message


def check_shape(data: Any, path: str) -> list[DesignerError]:
    """Validate against the meta-schema; each error names its place and line.

    data: what `load.load_text` returned; path: the file, for the errors.
    Returns [] when the shape is right, else (unsorted): one YAML_BOOLEAN per word
    on/off/yes/no that YAML read as a boolean where the meta-schema wanted a text
    (`_booleans_meant_as_words`; that value in `data` becomes the word, so later stages
    read it as meant), one UNKNOWN_KEY (with the closest known key) or
    UNKNOWN_KEY_NO_MATCH per key unknown at its place, PROPERTY_NOT_FOR_TYPE per key of
    a field that only other types take, and one META_SCHEMA per other problem (or a
    single NOT_A_MAPPING when `data` is not a mapping). A key missing because it was
    misspelt is told once, by the misspelling's UNKNOWN_KEY.
    """
    if not isinstance(data, dict):
        return [error(ErrorCode.NOT_A_MAPPING, path, getattr(data, "line", 1))]
    found = list(_meta_validator(generation()).iter_errors(plain(data)))
    if not found:
        return []
    meant = _booleans_meant_as_words(data, len(found))
    if meant:
        found = list(_meta_validator(generation()).iter_errors(plain(data)))
    errors = [error(ErrorCode.YAML_BOOLEAN, path, _line_at(data, steps), word=word)
              for steps, word in meant]
    details = [best_match(err.context) if err.context else err for err in found]
    suggested: set[tuple[tuple[Any, ...], str]] = set()  # (place, key) told by UNKNOWN_KEY
    unknown = []
    for detail in details:
        if detail.validator == "additionalProperties" and isinstance(detail.instance, dict):
            unknown.append(detail)
            suggested |= {(tuple(detail.absolute_path), s)
                          for _key, s in refused_keys(detail) if s}
    for detail in details:
        location = list(detail.absolute_path)
        if detail in unknown:
            errors += _unknown_key_errors(data, path, location, detail)
        elif detail.validator == "required" and any(
                (tuple(location), name) in suggested for name in _missing(detail)):
            continue  # `lable:` already says "did you mean `label`?"
        else:
            errors.append(error(ErrorCode.META_SCHEMA, path, _line_at(data, location),
                                where=_where(location), problem=_problem(detail)))
    return errors


def _missing(detail: jsonschema.ValidationError) -> list[str]:
    """The keys a "required" error finds missing."""
    return [k for k in detail.validator_value if isinstance(detail.instance, dict)
            and k not in detail.instance]


def _known_keys(detail: jsonschema.ValidationError) -> list[str]:
    schema = detail.schema if isinstance(detail.schema, dict) else {}
    return list(schema.get("properties", {}))


def refused_keys(detail: jsonschema.ValidationError) -> list[tuple[str, str | None]]:
    """The keys an additionalProperties error refuses, each with the closest known key
    of that place (difflib), or None."""
    schema = detail.schema if isinstance(detail.schema, dict) else {}
    known = _known_keys(detail)
    patterns = list(schema.get("patternProperties", {}))
    found = []
    for key in detail.instance:
        if key in known or any(re.search(p, key) for p in patterns):
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        found.append((key, close[0] if close else None))
    return found


def _unknown_key_errors(data: Any, path: str, location: list[Any],
                        detail: jsonschema.ValidationError) -> list[DesignerError]:
    """For each key an additionalProperties error refuses, at the key's line:
    PROPERTY_NOT_FOR_TYPE for a field's key that some other type accepts (the branch of
    its type, marked "x-field-type", refused it), else UNKNOWN_KEY with the closest known
    key, else UNKNOWN_KEY_NO_MATCH listing the known keys."""
    type_name = detail.schema.get("x-field-type") if isinstance(detail.schema, dict) else None
    known = _known_keys(detail)
    errors = []
    for key, close in refused_keys(detail):
        line = _line_at(data, [*location, key])
        types = applies_to(key) if type_name else ()
        if types:
            errors.append(error(ErrorCode.PROPERTY_NOT_FOR_TYPE, path, line, property=key,
                                type=type_name, field=detail.instance.get("id", "?"),
                                applies_to=", ".join(types)))
        elif close:
            errors.append(error(ErrorCode.UNKNOWN_KEY, path, line, where=_where(location),
                                key=key, suggestion=close))
        else:
            errors.append(error(ErrorCode.UNKNOWN_KEY_NO_MATCH, path, line,
                                where=_where(location), key=key,
                                known=", ".join(f"`{k}`" for k in known)))
    return errors


def _spelled_bools(node: Any, steps: tuple[Any, ...] = ()) -> Iterator[tuple[list[Any], str]]:
    """(path, word) of every value YAML read as a boolean from on/off/yes/no."""
    words = getattr(node, "spelled_bools", {})
    items = node.items() if isinstance(node, dict) else (
        enumerate(node) if isinstance(node, list) else ())
    for key, value in items:
        if key in words:
            yield [*steps, key], words[key]
        else:
            yield from _spelled_bools(value, (*steps, key))


def _set_at(node: Any, steps: list[Any], value: Any) -> None:
    for step in steps[:-1]:
        node = node[step]
    node[steps[-1]] = value


def _booleans_meant_as_words(data: Any, before: int) -> list[tuple[list[Any], str]]:
    """The words on/off/yes/no (any case) YAML read as booleans where the meta-schema
    wants a text (an option's `value: on`, `label: {en: Off}`), as (path, word); each is
    put back as the word in `data`. A boolean is "meant as a word" when the definition
    with that one value written as the word has fewer meta-schema errors than `before`,
    the definition's count (`editable: yes` is a boolean meant, and stays one)."""
    candidates = list(_spelled_bools(data))
    if not candidates:
        return []
    validator = _meta_validator(generation())
    meant = []
    for steps, word in candidates:
        trial = plain(data)
        _set_at(trial, steps, word)
        if sum(1 for _ in validator.iter_errors(trial)) < before:
            meant.append((steps, word))
    for steps, word in meant:
        _set_at(data, steps, word)
        parent = data
        for step in steps[:-1]:
            parent = parent[step]
        getattr(parent, "spelled_bools", {}).pop(steps[-1], None)
    return meant


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
        for f in s.fields:
            yield f.label
            if f.help:
                yield f.help
            yield from f.messages.values()
            yield from (o.label for o in (*f.options, *f.rows, *f.columns) if o.label)
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


def check_translations(d: Definition) -> Iterator[DesignerError]:
    """MISSING_TRANSLATION for every designer text whose "fr" or "en" is blank."""
    for t in _texts(d):
        for lang in LANGS:
            if not getattr(t, lang).strip():
                yield error(ErrorCode.MISSING_TRANSLATION, d.path, t.line, lang=lang)


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
    """Errors in the workflow: UNKNOWN_STATE (initial, or a transition's source or
    target), NO_EDITABLE_INITIAL, the errors of its guards and actions
    (`workflow.check_actions_and_guards`: UNKNOWN_GUARD, UNKNOWN_ACTION, ACTION_REF,
    UNKNOWN_MESSAGE, UNKNOWN_DOCUMENT), UNREACHABLE_STATE for a state no chain of
    transitions leads to."""
    wf = d.workflow
    if wf.initial not in wf.states:
        yield error(ErrorCode.UNKNOWN_STATE, d.path, wf.line, transition="initial",
                    state=wf.initial)
    elif not wf.states[wf.initial].editable:
        yield error(ErrorCode.NO_EDITABLE_INITIAL, d.path, wf.states[wf.initial].line,
                    state=wf.initial)
    for t in wf.transitions:
        for state in (*t.sources, t.target):
            if state not in wf.states:
                yield error(ErrorCode.UNKNOWN_STATE, d.path, t.line, transition=t.id, state=state)
    yield from check_actions_and_guards(d)
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


def _placeholder_texts(d: Definition) -> Iterator[tuple[TextKind, frozenset[str], str, int]]:
    """(kind, names filled there, text, line) of every designer text the engine fills."""
    for f in _all_fields(d):
        names = field_message_names(f)
        for message in f.messages.values():
            yield from ((FIELD_MESSAGE, names, t, message.line) for t in (message.fr, message.en))
        label = f.extra.get("item_label")
        if isinstance(label, dict):
            yield from ((ITEM_LABEL, ITEM_LABEL.names, t, f.line) for t in label.values()
                        if isinstance(t, str))
    for m in d.messages.values():
        for t in (m.subject, m.body):
            yield from ((MESSAGE, MESSAGE.names, s, t.line) for s in (t.fr, t.en))
    if d.notification:
        for t in (d.notification.subject, d.notification.body):
            yield from ((NOTIFICATION, NOTIFICATION.names, s, t.line) for s in (t.fr, t.en))
    for doc in d.documents.values():
        if doc.filename:
            yield (DOCUMENT_FILENAME, DOCUMENT_FILENAME.names, doc.filename,
                   doc.filename_line or doc.line)


def check_placeholders(d: Definition) -> Iterator[DesignerError]:
    """UNKNOWN_PLACEHOLDER for each `{name}` in a text the engine fills (a field's
    messages, an item label, a message, the notification, a document's file name:
    engine.placeholders.KINDS) that the engine does not fill there, once per text and
    name (its French and English once). `{{`/`}}` are literal braces; other braces
    ({0}, a lone {) are plain text."""
    told: set[tuple[int, str, str]] = set()
    for kind, names, text, line in _placeholder_texts(d):
        for name in placeholders(text):
            if name not in names and (line, kind.name, name) not in told:
                told.add((line, kind.name, name))
                yield error(ErrorCode.UNKNOWN_PLACEHOLDER, d.path, line, name=name,
                            where=kind.where,
                            known=", ".join(f"{{{n}}}" for n in sorted(names)))


CHECKS: tuple[Check, ...] = (
    check_unique_ids,
    check_translations,
    check_options,
    check_conditions,
    check_field_bounds,
    check_autocomplete,
    check_field_types,
    check_workflow,
    check_documents,
    check_profile,
    check_targets,
    check_placeholders,
)


def check_meaning(d: Definition) -> list[DesignerError]:
    """Every error of every check in CHECKS, in that order (callers sort by line); [] if none."""
    return [e for check in CHECKS for e in check(d)]
