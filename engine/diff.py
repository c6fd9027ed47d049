"""Compare two versions of a dossier type and say what each change means for dossiers in flight.

A designer edits a YAML file while applicants have drafts and submitted dossiers of it
(issue #14). Some edits are harmless (a label, a new optional question, a new option);
others ask applicants something new (a new required question, a stricter pattern or
bound, a condition that may show a required question) or need a migration (a removed
or renamed field, option or state: stored answers and states would no longer fit).
`diff` lists every change between two checked definitions, each classified and placed
at `file:line` (in the new file, or in the old one for what was removed), so that
`guichet diff OLD.yaml NEW.yaml` tells the designer before deploying. Like the error
catalogue (`errors.py`), every kind of change has one message template here.

A rename cannot be told from a removal and an addition: only a declared migration says
so, hence "removed (or renamed: declare it in `migrations`)". When the new file declares
a migration from the old file's version, its renames are reported as renames and its
dropped fields as dropped (compatible: drafts are migrated, answers archived), and
`drafts` / `migrations` themselves are no property to review. A property this module
does not know how to judge is reported as `needs_review`, never ignored: the generic
comparison walks every attribute of the model's dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields, is_dataclass, replace
from enum import Enum
from typing import Any

from .load import Located
from .model import (
    AllOf,
    AnyOf,
    Condition,
    Definition,
    FieldRef,
    FieldTest,
    Migration,
    Not,
    Section,
    Text,
)
from .pipeline import Result


class Effect(Enum):
    """What a change means for dossiers already stored (the class printed by `guichet diff`).

    COMPATIBLE: nothing to do (a label, a new optional question, a new option).
    ASKS_NEW: drafts must answer something new, or again (a new required question,
    a changed pattern, narrowed bounds, a condition that may show a required question).
    NEEDS_MIGRATION: stored answers or states would no longer fit (a removed or renamed
    field, option or state; a changed field type): declare it in `migrations`.
    NEEDS_REVIEW: the engine cannot judge it alone (workflow, numbering, a condition that
    may hide answers already given...): a person must look.
    """

    NEEDS_MIGRATION = "needs_migration"
    ASKS_NEW = "asks_new"
    NEEDS_REVIEW = "needs_review"
    COMPATIBLE = "compatible"


class Kind(Enum):
    """Every kind of change: its value is (default effect, message template).

    The template is a `str.format` string filled by the change's parameters; tests build
    the expected text from these same templates. `kind.effect` is the usual class; a few
    kinds (conditions) take another one depending on the field.
    """

    TYPE_ID_CHANGED = (
        Effect.NEEDS_MIGRATION,
        "The dossier type id changed from '{old}' to '{new}': dossiers of '{old}' would no "
        "longer find their type. Keep the id, or publish a new type.")
    VERSION_NOT_INCREASED = (
        Effect.NEEDS_REVIEW,
        "The content changed but `version` is {new} (the old file's is {old}): "
        "give the new content a higher `version`.")
    SECTION_ADDED = (Effect.COMPATIBLE, "New section '{section}'.")
    SECTION_REMOVED = (
        Effect.NEEDS_REVIEW,
        "The section '{section}' was removed (or renamed): links to it and answers kept "
        "aside for it no longer work.")
    SECTION_MOVED = (Effect.COMPATIBLE,
                     "The section '{section}' moved from position {old} to {new}.")
    FIELDS_REORDERED = (Effect.COMPATIBLE,
                        "The questions of the section '{section}' are asked in another order.")
    FIELD_ADDED_OPTIONAL = (Effect.COMPATIBLE,
                            "New optional question '{field}' in the section '{section}'.")
    FIELD_ADDED_REQUIRED = (
        Effect.ASKS_NEW,
        "New required question '{field}' in the section '{section}': drafts must answer "
        "it{when}.")
    FIELD_REMOVED = (
        Effect.NEEDS_MIGRATION,
        "The field '{field}' was removed (or renamed: declare it in `migrations`); "
        "its stored answers no longer fit the dossier.")
    FIELD_MOVED = (Effect.COMPATIBLE,
                   "The field '{field}' moved from the section '{old}' to '{new}'; "
                   "its answers stay.")
    FIELD_NOW_REQUIRED = (Effect.ASKS_NEW,
                          "The field '{field}' is now required: drafts without an answer "
                          "must give one.")
    FIELD_NOW_OPTIONAL = (Effect.COMPATIBLE, "The field '{field}' is now optional.")
    TYPE_CHANGED = (
        Effect.NEEDS_MIGRATION,
        "The field '{field}' changed type from {old} to {new}: stored answers may not fit. "
        "Give it a new id and drop the old one in `migrations`.")
    INPUT_CHANGED = (Effect.COMPATIBLE,
                     "The field '{field}' is now shown as {new} instead of {old}; "
                     "its answers stay valid.")
    CONDITION_WIDENED = (Effect.ASKS_NEW,
                         "The field '{field}' may now be asked in dossiers where it was "
                         "not{consequence}.")
    CONDITION_NARROWED = (
        Effect.NEEDS_REVIEW,
        "The field '{field}' is now asked in fewer cases: answers already given where it "
        "no longer applies are set aside.")
    CONDITION_CHANGED = (
        Effect.ASKS_NEW,
        "The condition of the field '{field}' changed: it may be asked where it was "
        "not{consequence}, and answers given where it no longer applies are set aside.")
    CONDITION_REWRITTEN = (Effect.COMPATIBLE,
                           "The condition of {owner} is written differently, "
                           "with the same meaning.")
    PATTERN_CHANGED = (
        Effect.ASKS_NEW,
        "The pattern of the field '{field}' changed from {old} to {new}: stored answers "
        "may no longer match and must then be given again.")
    PATTERN_REMOVED = (Effect.COMPATIBLE,
                       "The field '{field}' no longer has a pattern: every answer allowed "
                       "before is still allowed.")
    BOUNDS_NARROWED = (
        Effect.ASKS_NEW,
        "The {bound} of the field '{field}' changed from {old} to {new}: stored answers "
        "may no longer fit and must then be given again.")
    BOUNDS_WIDENED = (Effect.COMPATIBLE,
                      "The {bound} of the field '{field}' changed from {old} to {new}: "
                      "every answer allowed before is still allowed.")
    NORMALIZE_CHANGED = (
        Effect.NEEDS_REVIEW,
        "The field '{field}' cleans answers with {new} instead of {old}: stored answers "
        "were cleaned the old way; check that they still fit.")
    OPTION_ADDED = (Effect.COMPATIBLE, "New {part} '{option}' for the field '{field}'.")
    OPTION_REMOVED = (
        Effect.NEEDS_MIGRATION,
        "The {part} '{option}' of the field '{field}' was removed (or renamed: declare it "
        "in `migrations`); answers that chose it no longer fit.")
    OPTIONS_REORDERED = (Effect.COMPATIBLE,
                         "The {part}s of the field '{field}' are offered in another order.")
    OPTION_OFFERED_MORE = (Effect.COMPATIBLE,
                           "The {part} '{option}' of the field '{field}' is now offered "
                           "in more cases.")
    OPTION_OFFERED_LESS = (
        Effect.ASKS_NEW,
        "The {part} '{option}' of the field '{field}' is offered on another condition: "
        "answers that chose it where it is no longer offered must be given again.")
    RULE_ADDED = (Effect.ASKS_NEW,
                  "New rule {rule} in the section '{section}': stored answers may break it, "
                  "and drafts must then fix them.")
    RULE_REMOVED = (Effect.COMPATIBLE,
                    "The rule {rule} of the section '{section}' was removed.")
    RULE_CHANGED = (Effect.ASKS_NEW,
                    "The rule {rule} of the section '{section}' checks something else now: "
                    "stored answers may break it, and drafts must then fix them.")
    RULE_RELAXED = (Effect.COMPATIBLE,
                    "The rule {rule} of the section '{section}' is less strict now.")
    STATE_ADDED = (Effect.COMPATIBLE, "New workflow state '{state}'.")
    FIELD_RENAMED = (Effect.COMPATIBLE,
                     "The field '{old}' is renamed '{field}' (declared in `migrations`).")
    FIELD_DROPPED = (Effect.COMPATIBLE,
                     "The field '{field}' is dropped (declared in `migrations`): migrated "
                     "drafts' answers to it move to their archive.")
    OPTION_RENAMED = (Effect.COMPATIBLE, "The {part} '{old}' of the field '{field}' is "
                      "renamed '{option}' (declared in `migrations`).")
    STATE_RENAMED = (Effect.COMPATIBLE,
                     "The workflow state '{old}' is renamed '{state}' (declared in "
                     "`migrations`).")
    DRAFTS_CHANGED = (Effect.COMPATIBLE,
                      "Drafts of older versions: `drafts` changed from {old} to {new}.")
    STATE_REMOVED = (
        Effect.NEEDS_MIGRATION,
        "The workflow state '{state}' was removed (or renamed: declare it in `migrations`); "
        "dossiers in that state would have no state.")
    STATE_EDITABLE_CHANGED = (Effect.NEEDS_REVIEW,
                              "Dossiers in the state '{state}' become {now}.")
    INITIAL_CHANGED = (Effect.NEEDS_REVIEW,
                       "New dossiers start in the state '{new}' instead of '{old}'.")
    ITEM_ADDED = (Effect.COMPATIBLE, "New {what} '{id}'.")
    ITEM_REMOVED = (Effect.NEEDS_REVIEW,
                    "The {what} '{id}' was removed: check what it means for dossiers "
                    "in flight.")
    PROFILE_CHANGED = (Effect.COMPATIBLE,
                       "The profile block changed: the submission wizard and the recap PDF "
                       "show other profile fields or labels.")
    LABEL_CHANGED = (Effect.COMPATIBLE, "The label of {owner} changed.")
    HELP_CHANGED = (Effect.COMPATIBLE, "The help of {owner} changed.")
    TEXT_CHANGED = (Effect.COMPATIBLE, "The {name} of {owner} changed.")
    DISPLAY_CHANGED = (Effect.COMPATIBLE,
                       "The {name} of {owner} changed{values}; answers are not affected.")
    PROPERTY_CHANGED = (Effect.NEEDS_REVIEW,
                        "The {name} of {owner} changed{values}: check what it means for "
                        "dossiers in flight.")

    @property
    def effect(self) -> Effect:
        """The class this kind of change usually has."""
        return self.value[0]

    @property
    def template(self) -> str:
        """The message template, a `str.format` string."""
        return self.value[1]


@dataclass(frozen=True)
class Change:
    """One difference between two versions, classified and placed.

    kind: the catalogue entry; effect: its class for this change; path, line: where to
    look (1-based; the new file, or the old one for what was removed); message: the
    filled template, in English; ids: what it is about, among "section", "field",
    "option", "state", "transition", "document", "message", "rule".
    `str()` gives "path:line: effect: message", as `guichet diff` prints it.
    """

    kind: Kind
    effect: Effect
    path: str
    line: int
    message: str
    ids: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.effect.value}: {self.message}"


# --- comparing values without their lines -------------------------------------------


def _bare(value: Any) -> Any:
    """`value` as nested tuples without any `line` (nor `*_line`): equal when the
    designer's meaning is."""
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(
            (f.name, _bare(getattr(value, f.name))) for f in fields(value)
            if f.name != "line" and not f.name.endswith(("_line", "_lines"))))
    if isinstance(value, list | tuple):
        return tuple(_bare(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted(((k, _bare(v)) for k, v in value.items()), key=lambda kv: kv[0]))
    return value


def _values(test: FieldTest) -> frozenset | None:
    if test.op == "eq":
        return frozenset([test.value])
    if test.op == "in":
        return frozenset(test.value)
    return None


def implies(a: Condition | None, b: Condition | None) -> bool:
    """True when `a` holding surely means `b` holds (None: "always").

    Sound but not complete: False means "could not prove it", so a caller treats False
    as "may differ". Knows all/any, equal conditions, `in` lists that grow, and that an
    equality or `in` test implies `answered: true` on the same field.
    """
    if b is None or _bare(a) == _bare(b):
        return True
    if a is None:
        return False
    if isinstance(b, AllOf):
        return all(implies(a, item) for item in b.items)
    if isinstance(a, AnyOf):
        return all(implies(item, b) for item in a.items)
    if isinstance(a, AllOf):
        return any(implies(item, b) for item in a.items)
    if isinstance(b, AnyOf):
        return any(implies(a, item) for item in b.items)
    if isinstance(a, FieldTest) and isinstance(b, FieldTest) and a.field == b.field:
        if b.op == "answered" and b.value is True and a.op in ("eq", "in"):
            return True
        mine, theirs = _values(a), _values(b)
        return mine is not None and theirs is not None and mine <= theirs
    return False


def in_new_terms(condition: Condition | None, m: Migration) -> Condition | None:
    """`condition` of the older version written as the newer one would, after the
    migration `m`: its fields renamed (`rename_fields`), the option values it tests
    renamed (`rename_options`), so that a `when` that only follows a declared rename
    compares equal to the new one."""
    if condition is None:
        return None
    if isinstance(condition, Not):
        return replace(condition, item=in_new_terms(condition.item, m))
    if isinstance(condition, AllOf | AnyOf):
        return replace(condition, items=tuple(in_new_terms(i, m) for i in condition.items))
    field_id = m.rename_fields.get(condition.field, condition.field)
    options = m.rename_options.get(field_id, {})
    value = condition.value
    if isinstance(value, FieldRef):
        value = FieldRef(m.rename_fields.get(value.field, value.field))
    elif isinstance(value, str):
        value = options.get(value, value)
    elif isinstance(value, list | tuple):
        value = type(value)(options.get(v, v) if isinstance(v, str) else v for v in value)
    return replace(condition, field=field_id, value=value)


def _show(value: Any) -> str | None:
    """A short printable form of a scalar or a list of scalars; None for anything bigger."""
    if value is None:
        return "none"
    if isinstance(value, str | int | float | bool):
        return repr(value)
    if isinstance(value, tuple | list) and all(isinstance(v, str | int | bool) for v in value):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return None


def _same_shapes(old: Any, new: Any) -> bool:
    """True for two tuples of as many dataclasses, of the same types in the same order."""
    return (isinstance(old, tuple) and isinstance(new, tuple) and len(old) == len(new)
            and all(is_dataclass(x) and type(x) is type(y)
                    for x, y in zip(old, new, strict=True)))


def _order_changed(old: Iterable[str], new: Iterable[str]) -> bool:
    """True when the ids present on both sides are not in the same relative order."""
    new_list = list(new)
    common = [i for i in old if i in new_list]
    return common != [i for i in new_list if i in common]


# --- where things are, in each file --------------------------------------------------

_YAML_KEYS = {"sources": "from", "target": "to"}


class _Side:
    """One file: its definition, and its YAML nodes by (kind, id) for the line of a key."""

    def __init__(self, result: Result) -> None:
        self.path = result.path
        self.definition: Definition = result.definition
        data = result.data
        self.nodes: dict[tuple[str, str], Any] = {("definition", ""): data}
        for s in data["sections"]:
            self.nodes["section", s["id"]] = s
            for f in s["fields"]:
                self.nodes["field", f["id"]] = f
        workflow = data["workflow"]
        self.nodes["workflow", ""] = workflow
        for sid, state in workflow["states"].items():
            self.nodes["state", sid] = state
        for t in workflow["transitions"]:
            self.nodes["transition", t["id"]] = t
        for kind in ("document", "message"):
            for item_id, item in data.get(kind + "s", {}).items():
                self.nodes[kind, item_id] = item
        for index, item in enumerate(data.get("eligibility", ())):
            self.nodes["eligibility", str(index)] = item
        for key in ("numbering", "notification", "profile"):
            if key in data:
                self.nodes[key, ""] = data[key]

    def line(self, node: tuple[str, str], key: str | None, default: int) -> int:
        """The line of `key` in that node, else the node's own line, else `default`."""
        found = self.nodes.get(node)
        if isinstance(found, Located):
            return found.line_of(_YAML_KEYS.get(key, key)) if key else found.line
        return default


# --- the comparison --------------------------------------------------------------------


class _Differ:
    """Walks both definitions and collects the changes, each at its line."""

    def __init__(self, old: Result, new: Result) -> None:
        self.old, self.new = _Side(old), _Side(new)
        self.changes: list[Change] = []
        declared = new.definition.migration_from(old.definition.version)
        self.migration = declared or Migration(old.definition.version, 1)

    def emit(self, kind: Kind, side: _Side, line: int, ids: dict[str, str] | None = None,
             effect: Effect | None = None, **params: object) -> None:
        """Record one change in `side`'s file: the template filled with `ids` and `params`,
        of class `effect` (default: the kind's)."""
        message = kind.template.format(**{**(ids or {}), **params})
        self.changes.append(Change(kind, effect or kind.effect, side.path, line, message,
                                   dict(ids or {})))

    # generic: every attribute of a dataclass, texts compatible, the rest reviewed

    def props(self, a: Any, b: Any, owner: str, node: tuple[str, str], ids: dict[str, str],
              skip: Iterable[str] = (), display: Iterable[str] = (),
              default_line: int | None = None) -> None:
        """Compare every attribute of two dataclasses of the same type but those in `skip`.

        node: where `b` is in the new file, for the line of each key (default_line, else
        `b.line`, when the node or the key is not found); display: attributes that only
        change how answers are shown (compatible).
        """
        for f in fields(b):
            name = f.name
            if name in skip or name in ("line", "path") or name.endswith(("_line", "_lines")):
                continue
            old, new = getattr(a, name), getattr(b, name)
            if _bare(old) == _bare(new):
                continue
            line = self.new.line(node, name, default_line or getattr(b, "line", 1))
            self.prop(name, old, new, owner, ids, line, name in display)

    def prop(self, name: str, old: Any, new: Any, owner: str, ids: dict[str, str], line: int,
             display: bool) -> None:
        """One attribute that differs: texts are compatible, nested dataclasses compared
        attribute by attribute, anything else `display` or needs review."""
        texts = (Text, type(None))
        if isinstance(old, texts) and isinstance(new, texts):
            kind = {"label": Kind.LABEL_CHANGED, "help": Kind.HELP_CHANGED}.get(name)
            self.emit(kind or Kind.TEXT_CHANGED, self.new, line, ids, owner=owner, name=name)
        elif isinstance(old, dict) and isinstance(new, dict) and all(
                isinstance(v, Text) for v in (*old.values(), *new.values())):
            for key in sorted(set(old) | set(new)):
                if _bare(old.get(key)) != _bare(new.get(key)):
                    at = new[key].line if key in new and new[key].line else line
                    self.emit(Kind.TEXT_CHANGED, self.new, at, ids, owner=owner,
                              name=f"{name.removesuffix('s')} '{key}'")
        elif is_dataclass(old) and type(old) is type(new):
            self.props(old, new, f"{name} of {owner}", (name, ""), ids, default_line=line)
        elif _same_shapes(old, new):
            for index, (x, y) in enumerate(zip(old, new, strict=True)):
                self.props(x, y, f"{name}[{index}] of {owner}", (name, str(index)), ids,
                           default_line=getattr(y, "line", line))
        else:
            shown = (_show(old), _show(new))
            values = f" from {shown[0]} to {shown[1]}" if None not in shown else ""
            kind = Kind.DISPLAY_CHANGED if display else Kind.PROPERTY_CHANGED
            self.emit(kind, self.new, line, ids, owner=owner, name=name, values=values)

    def keyed(self, what: str, old: dict[str, Any], new: dict[str, Any],
              removed: Effect = Effect.NEEDS_REVIEW, added: Effect = Effect.COMPATIBLE) -> None:
        """Items by id (transitions, documents, messages): added, removed, changed."""
        for item_id, item in new.items():
            if item_id not in old:
                self.emit(Kind.ITEM_ADDED, self.new, item.line, {what: item_id}, added,
                          what=what, id=item_id)
        for item_id, item in old.items():
            if item_id not in new:
                self.emit(Kind.ITEM_REMOVED, self.old, item.line, {what: item_id}, removed,
                          what=what, id=item_id)
            else:
                self.props(item, new[item_id], f"the {what} '{item_id}'", (what, item_id),
                           {what: item_id}, skip=("id",))

    # the dossier type

    def definition(self) -> None:
        o, n = self.old.definition, self.new.definition
        top = ("definition", "")
        if o.id != n.id:
            self.emit(Kind.TYPE_ID_CHANGED, self.new, self.new.line(top, "id", 1),
                      old=o.id, new=n.id)
        self.sections(o.sections, n.sections)
        self.workflow()
        self.keyed("document", o.documents, n.documents)
        self.keyed("message", o.messages, n.messages)
        if _bare(o.profile) != _bare(n.profile):
            self.emit(Kind.PROFILE_CHANGED, self.new, self.new.line(top, "profile", 1))
        if o.drafts != n.drafts:
            self.emit(Kind.DRAFTS_CHANGED, self.new, self.new.line(top, "drafts", 1),
                      old=o.drafts, new=n.drafts)
        self.props(o, n, "the dossier type", top, {}, skip=(
            "id", "version", "sections", "workflow", "documents", "messages", "profile",
            "drafts", "migrations", "drafts_line"))
        if self.changes and n.version <= o.version:
            self.emit(Kind.VERSION_NOT_INCREASED, self.new, self.new.line(top, "version", 1),
                      old=o.version, new=n.version)

    def sections(self, old: tuple[Section, ...], new: tuple[Section, ...]) -> None:
        old_ids, new_ids = [s.id for s in old], [s.id for s in new]
        for s in new:
            if s.id not in old_ids:
                self.emit(Kind.SECTION_ADDED, self.new, s.line, {"section": s.id})
        for s in old:
            if s.id not in new_ids:
                self.emit(Kind.SECTION_REMOVED, self.old, s.line, {"section": s.id})
        if _order_changed(old_ids, new_ids):
            common_old = [i for i in old_ids if i in new_ids]
            common_new = [i for i in new_ids if i in old_ids]
            for s in new:
                if s.id in common_old and common_old.index(s.id) != common_new.index(s.id):
                    self.emit(Kind.SECTION_MOVED, self.new, s.line, {"section": s.id},
                              old=old_ids.index(s.id) + 1, new=new_ids.index(s.id) + 1)
        old_by_id = {s.id: s for s in old}
        for s in new:
            if s.id in old_by_id:
                self.section(old_by_id[s.id], s)
        self.fields(old, new)

    def section(self, a: Section, b: Section) -> None:
        ids = {"section": b.id}
        self.props(a, b, f"the section '{b.id}'", ("section", b.id), ids,
                   skip=("id", "fields", "rules"))
        if _order_changed([f.id for f in a.fields], [f.id for f in b.fields]):
            self.emit(Kind.FIELDS_REORDERED, self.new, b.line, ids)
        self.rules(a, b)

    def fields(self, old: tuple[Section, ...], new: tuple[Section, ...]) -> None:
        m = self.migration
        old_fields = {m.rename_fields.get(f.id, f.id): (s.id, f) for s in old for f in s.fields
                      if f.id not in m.drop_fields}
        new_fields = {f.id: (s.id, f) for s in new for f in s.fields}
        for s in old:
            for f in s.fields:
                if f.id in m.drop_fields:
                    self.emit(Kind.FIELD_DROPPED, self.old, f.line, {"section": s.id,
                                                                     "field": f.id})
        for fid, (sid, f) in new_fields.items():
            ids = {"section": sid, "field": fid}
            if fid not in old_fields:
                if f.required:
                    when = " (when its condition holds)" if f.when else ""
                    self.emit(Kind.FIELD_ADDED_REQUIRED, self.new, f.line, ids, when=when)
                else:
                    self.emit(Kind.FIELD_ADDED_OPTIONAL, self.new, f.line, ids)
                continue
            old_sid, old_f = old_fields[fid]
            if old_f.id != fid:
                self.emit(Kind.FIELD_RENAMED, self.new, f.line, ids, old=old_f.id)
            if old_sid != sid:
                self.emit(Kind.FIELD_MOVED, self.new, f.line, ids, old=old_sid, new=sid)
            _FieldDiffer(self, old_f, f, ids).run()
        for fid, (sid, f) in old_fields.items():
            if fid not in new_fields:
                self.emit(Kind.FIELD_REMOVED, self.old, f.line, {"section": sid, "field": fid})

    def rules(self, a: Section, b: Section) -> None:
        def keyed(section: Section) -> dict[str, Any]:
            unnamed = [r for r in section.rules if r.id is None]
            return {**{f"#{unnamed.index(r) + 1}": r for r in unnamed},
                    **{r.id: r for r in section.rules if r.id is not None}}

        def name(key: str) -> str:
            return f"number {key[1:]} (without id)" if key.startswith("#") else f"'{key}'"

        old, new = keyed(a), keyed(b)
        for key, r in new.items():
            ids = {"section": b.id, "rule": key}
            if key not in old:
                self.emit(Kind.RULE_ADDED, self.new, r.line, ids, rule=name(key))
                continue
            o = old[key]
            m = self.migration
            o_require, o_when = in_new_terms(o.require, m), in_new_terms(o.when, m)
            if _bare((o_require, o_when)) != _bare((r.require, r.when)):
                relaxed = implies(r.when, o_when) and implies(o_require, r.require)
                self.emit(Kind.RULE_RELAXED if relaxed else Kind.RULE_CHANGED, self.new,
                          r.line, ids, rule=name(key))
            self.props(o, r, f"the rule {name(key)}", ("rule", key), ids,
                       skip=("id", "require", "when"), display=("fields",))
        for key, r in old.items():
            if key not in new:
                self.emit(Kind.RULE_REMOVED, self.old, r.line, {"section": a.id, "rule": key},
                          rule=name(key))

    def workflow(self) -> None:
        a, b = self.old.definition.workflow, self.new.definition.workflow
        node = ("workflow", "")
        renames = self.migration.rename_states
        if renames.get(a.initial, a.initial) != b.initial:
            self.emit(Kind.INITIAL_CHANGED, self.new, self.new.line(node, "initial", b.line),
                      old=a.initial, new=b.initial)
        old_states = {renames.get(sid, sid): state for sid, state in a.states.items()}
        for sid, state in b.states.items():
            if sid not in old_states:
                self.emit(Kind.STATE_ADDED, self.new, state.line, {"state": sid})
                continue
            old = old_states[sid]
            if old.id != sid:
                self.emit(Kind.STATE_RENAMED, self.new, state.line, {"state": sid}, old=old.id)
            if old.editable != state.editable:
                now = "editable" if state.editable else "read-only"
                self.emit(Kind.STATE_EDITABLE_CHANGED, self.new,
                          self.new.line(("state", sid), "editable", state.line),
                          {"state": sid}, now=now)
            self.props(old, state, f"the state '{sid}'", ("state", sid), {"state": sid},
                       skip=("id", "editable"))
        for sid, state in a.states.items():
            if renames.get(sid, sid) not in b.states:
                self.emit(Kind.STATE_REMOVED, self.old, state.line, {"state": sid})
        self.keyed("transition", {t.id: t for t in a.transitions},
                   {t.id: t for t in b.transitions}, added=Effect.NEEDS_REVIEW)
        self.props(a, b, "the workflow", node, {},
                   skip=("initial", "states", "transitions"))


_BOUNDS = {"min_length": "low", "min_items": "low", "max_length": "high", "max_items": "high"}
_HANDLED = {"id", "type", "required", "when", "options", "rows", "columns", "pattern",
            "normalize", *_BOUNDS}


class _FieldDiffer:
    """The changes of one field present in both versions."""

    def __init__(self, differ: _Differ, a: Any, b: Any, ids: dict[str, str]) -> None:
        self.d, self.a, self.b, self.ids = differ, a, b, ids
        self.node = ("field", b.id)

    def line(self, key: str) -> int:
        return self.d.new.line(self.node, key, self.b.line)

    def emit(self, kind: Kind, key: str, effect: Effect | None = None, **params: object) -> None:
        self.d.emit(kind, self.d.new, self.line(key), self.ids, effect, **params)

    def run(self) -> None:
        a, b = self.a, self.b
        if a.type != b.type:
            same = a.type in b.kind.keeps_answers_of  # only the input changed
            kind = Kind.INPUT_CHANGED if same else Kind.TYPE_CHANGED
            self.emit(kind, "type", old=a.type, new=b.type)
        if a.required != b.required:
            kind = Kind.FIELD_NOW_REQUIRED if b.required else Kind.FIELD_NOW_OPTIONAL
            self.emit(kind, "required")
        self.condition()
        if a.pattern != b.pattern:
            if b.pattern is None:
                self.emit(Kind.PATTERN_REMOVED, "pattern")
            else:
                self.emit(Kind.PATTERN_CHANGED, "pattern", old=_show(a.pattern),
                          new=_show(b.pattern))
        for bound, side in _BOUNDS.items():
            self.bound(bound, side)
        if a.normalize != b.normalize:
            self.emit(Kind.NORMALIZE_CHANGED, "normalize", old=_show(a.normalize),
                      new=_show(b.normalize))
        for attr, part in (("options", "option"), ("rows", "row"), ("columns", "column")):
            self.options(attr, part)
        self.d.props(a, b, f"the field '{b.id}'", self.node, self.ids, skip=_HANDLED,
                     display=("mask", "autocomplete"))

    def bound(self, name: str, side: str) -> None:
        old, new = getattr(self.a, name), getattr(self.b, name)
        if old == new:
            return
        if side == "low":
            narrowed = new is not None and (old is None or new > old)
        else:
            narrowed = new is not None and (old is None or new < old)
        self.emit(Kind.BOUNDS_NARROWED if narrowed else Kind.BOUNDS_WIDENED, name,
                  bound=name, old=_show(old), new=_show(new))

    def condition(self) -> None:
        old, new = in_new_terms(self.a.when, self.d.migration), self.b.when
        if _bare(old) == _bare(new):
            return
        shows_more, hides = not implies(new, old), not implies(old, new)
        consequence = ": drafts must answer it" if self.b.required else " (it is optional)"
        if shows_more and hides:
            effect = Effect.ASKS_NEW if self.b.required else Effect.NEEDS_REVIEW
            self.emit(Kind.CONDITION_CHANGED, "when", effect, consequence=consequence)
        elif shows_more:
            effect = Effect.ASKS_NEW if self.b.required else Effect.COMPATIBLE
            self.emit(Kind.CONDITION_WIDENED, "when", effect, consequence=consequence)
        elif hides:
            self.emit(Kind.CONDITION_NARROWED, "when")
        else:
            self.emit(Kind.CONDITION_REWRITTEN, "when", owner=f"the field '{self.b.id}'")

    def options(self, attr: str, part: str) -> None:
        fid = self.b.id
        renames = self.d.migration.rename_options.get(fid, {}) if attr == "options" else {}
        old = {renames.get(o.value, o.value): o for o in getattr(self.a, attr)}
        new = {o.value: o for o in getattr(self.b, attr)}
        for value, o in new.items():
            ids = {**self.ids, "option": value}
            if value not in old:
                self.d.emit(Kind.OPTION_ADDED, self.d.new, o.line, ids, part=part)
                continue
            before = old[value]
            if before.value != value:
                self.d.emit(Kind.OPTION_RENAMED, self.d.new, o.line, ids, part=part,
                            old=before.value)
            before_when = in_new_terms(before.when, self.d.migration)
            if _bare(before_when) != _bare(o.when):
                if not implies(before_when, o.when):
                    kind = Kind.OPTION_OFFERED_LESS
                elif not implies(o.when, before_when):
                    kind = Kind.OPTION_OFFERED_MORE
                else:
                    kind = Kind.CONDITION_REWRITTEN
                self.d.emit(kind, self.d.new, o.line, ids, part=part,
                            owner=f"the {part} '{value}' of the field '{fid}'")
            self.d.props(before, o, f"the {part} '{value}' of the field '{fid}'",
                         ("option", value), ids, skip=("value", "when"))
        for value, o in old.items():
            if value not in new:
                self.d.emit(Kind.OPTION_REMOVED, self.d.old, o.line,
                            {**self.ids, "option": value}, part=part)
        if _order_changed(old, new):
            self.emit(Kind.OPTIONS_REORDERED, attr, part=part)


_ORDER = {effect: rank for rank, effect in enumerate(Effect)}  # as Effect lists them


def diff(old: Result, new: Result) -> list[Change]:
    """Every change from `old` to `new`, two results of `pipeline.convert` without errors.

    Returned in the order a designer reads them: what needs a migration, then what asks
    applicants something new, then what needs review, then what is compatible; within
    each, the new file's lines in order, then the old file's (removals). [] when the
    two mean the same (lines, comments and key order do not count).
    Raises ValueError when either result has errors.
    """
    if not (old.ok and new.ok):
        raise ValueError("diff needs two definitions without errors")
    differ = _Differ(old, new)
    differ.definition()
    return sorted(differ.changes, key=lambda c: (
        _ORDER[c.effect], c.path != new.path, c.line, c.message))


def compatible(changes: list[Change]) -> bool:
    """True when every change is compatible (`guichet diff` then exits 0)."""
    return all(c.effect is Effect.COMPATIBLE for c in changes)
