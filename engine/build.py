"""Build the typed model from a definition that passed the meta-schema.

The meta-schema has already vouched for the shape, so this module only
translates: YAML mappings (with their lines) become frozen dataclasses. It
exists so that the semantic checks and every later stage read typed values
with their lines, never raw YAML.

Every function here takes a node that passed `check.check_shape`; given
anything else it may raise KeyError, TypeError or ValueError.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .durations import parse_duration
from .fieldtypes import REGISTRY
from .load import Located, plain
from .model import (
    Action,
    AllOf,
    AnyOf,
    Condition,
    Definition,
    Document,
    Eligibility,
    Field,
    FieldRef,
    FieldTest,
    MessageTemplate,
    Migration,
    Not,
    Notification,
    Numbering,
    Option,
    ProfileBlock,
    ProfileBlockGroup,
    ProfileEntry,
    Reminder,
    Retention,
    Rule,
    Section,
    State,
    Text,
    Transition,
    Workflow,
)


def _line(node: Any, key: str | None = None, default: int = 1) -> int:
    if isinstance(node, Located):
        return node.line_of(key) if key else node.line
    return getattr(node, "line", default)


def text(node: Any, line: int = 0) -> Text | None:
    """A `{fr, en}` mapping as a Text, a missing language as ""; None for None.

    line: used when the node does not know its own line.
    """
    if node is None:
        return None
    return Text(fr=node.get("fr", ""), en=node.get("en", ""), line=_line(node, default=line),
                block_lines=dict(getattr(node, "block_lines", {})))


def condition(node: Any, line: int = 0) -> Condition:
    """A condition mapping as a Condition; several keys in one mapping mean all of them.

    Accepted: {all: [c, ...]}, {any: [c, ...]}, {not: c}, {field: value} (equality),
    {field: {is|in|contains|answered: v}} ("is" means equality), {field: {gt|ge|lt|le:
    operand, ...}} (several comparisons on one field: all of them; an operand
    {field: other} becomes a FieldRef). line: used when the node does not know its own line.
    """
    line = _line(node, default=line)
    parts: list[Condition] = []
    for key, value in node.items():
        key_line = node.line_of(key) if isinstance(node, Located) else line
        if key == "all":
            parts.append(AllOf(tuple(condition(v, key_line) for v in value), key_line))
        elif key == "any":
            parts.append(AnyOf(tuple(condition(v, key_line) for v in value), key_line))
        elif key == "not":
            parts.append(Not(condition(value, key_line), key_line))
        elif isinstance(value, dict):
            for op, operand in value.items():
                words = _words(value, op, operand)
                if isinstance(operand, dict):
                    operand = FieldRef(operand["field"])
                parts.append(FieldTest(key, "eq" if op == "is" else op, operand, key_line,
                                       words))
        else:
            parts.append(FieldTest(key, "eq", value, key_line, _words(node, key, value)))
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts), line)


def _words(node: Any, key: str, value: Any) -> dict[int, str] | None:
    """The source words of `node[key]`'s values YAML read as booleans from on/off/yes/no
    (`load.Located.spelled_bools`), by position (0 for a single value); None if none."""
    word = getattr(node, "spelled_bools", {}).get(key)
    words = {0: word} if word else dict(getattr(value, "spelled_bools", {}))
    return words or None


def _options(node: Any, parent_line: int) -> tuple[Option, ...]:
    if not node:
        return ()
    result = []
    for index, item in enumerate(node):
        line = node.line_of(index) if hasattr(node, "line_of") else parent_line
        if isinstance(item, dict):
            result.append(
                Option(
                    value=str(item["value"]),
                    label=text(item.get("label"), line),
                    line=line,
                    when=condition(item["when"], line) if "when" in item else None,
                )
            )
        else:  # a bare `on` is the option "on", not "True" (its error then says so)
            word = getattr(node, "spelled_bools", {}).get(index)
            result.append(Option(value=word or str(item), label=None, line=line))
    return tuple(result)


# keys a definition sets for all its questions: a question of a type that declares the
# same key (`FieldType.properties`) and leaves it out takes the definition's value
INHERITED_KEYS = ("region",)


def inherited(node: Located) -> dict[str, Any]:
    """The INHERITED_KEYS the definition mapping `node` sets, as plain values."""
    return {k: plain(node[k]) for k in INHERITED_KEYS if k in node}


def field(node: Located, defaults: dict[str, Any] | None = None) -> Field:
    """A field mapping (id, type, label, ...) as a Field; omitted keys take Field's
    defaults, and its type's own keys the definition's `defaults` (`inherited`)."""
    line = node.line
    return Field(
        id=node["id"],
        type=node["type"],
        label=text(node["label"], line),
        line=line,
        # a repeating group whose `repeat.min` is 0 is optional unless it says otherwise
        required=node.get("required", _repeat(node, "min") != 0),
        when=condition(node["when"], node.line_of("when")) if "when" in node else None,
        help=text(node.get("help"), line),
        options=_options(node.get("options"), line),
        rows=_options(node.get("rows"), line),
        columns=_options(node.get("columns"), line),
        pattern=node.get("pattern"),
        min_length=node.get("min_length"),
        max_length=node.get("max_length"),
        normalize=tuple(node.get("normalize", ())),
        min_items=node.get("min_items", _repeat(node, "min")),
        max_items=node.get("max_items", _repeat(node, "max")),
        mask=node.get("mask", False),
        autocomplete=node.get("autocomplete"),
        messages={k: text(v, line) for k, v in node.get("messages", {}).items()},
        extra=_extra(node, defaults or {}),
        fields=tuple(field(f, defaults) for f in node.get("fields", ())),
    )


def _repeat(node: Located, bound: str) -> int | None:
    """`repeat: {min, max}` (a repeating group's number of items) as min/max_items."""
    repeat = node.get("repeat")
    return repeat.get(bound) if isinstance(repeat, dict) else None


_FIELD_ATTRIBUTES = frozenset(Field.__dataclass_fields__)


def _extra(node: Located, defaults: dict[str, Any]) -> dict[str, Any]:
    """The keys of a field mapping that its type declares (`FieldType.properties`) and
    `Field` has no attribute for, as plain values: a new type's own settings; a key it
    leaves out that the definition sets for all (`defaults`) takes that value."""
    declared = REGISTRY.get(node["type"])
    if declared is None:
        return {}
    extra = {k: plain(node[k]) for k in declared.properties
             if k in node and k not in _FIELD_ATTRIBUTES}
    return {**{k: v for k, v in defaults.items() if k in declared.properties}, **extra}


def rule(node: Located) -> Rule:
    """A section rule mapping (require, message, optional id, when, fields) as a Rule."""
    return Rule(
        require=condition(node["require"], node.line_of("require")),
        message=text(node["message"], node.line),
        line=node.line,
        id=node.get("id"),
        when=condition(node["when"], node.line_of("when")) if "when" in node else None,
        fields=tuple(node.get("fields", ())),
    )


def section(node: Located, defaults: dict[str, Any] | None = None) -> Section:
    """A section mapping (id, title, fields, optional rules, intro, note, when) as a
    Section; `defaults`: the definition's keys its questions inherit (`inherited`)."""
    return Section(
        id=node["id"],
        title=text(node["title"], node.line),
        fields=tuple(field(f, defaults) for f in node["fields"]),
        line=node.line,
        rules=tuple(rule(r) for r in node.get("rules", ())),
        intro=text(node.get("intro")),
        note=text(node.get("note")),
        when=condition(node["when"], node.line_of("when")) if "when" in node else None,
    )


def _action(item: Any, line: int) -> Action:
    if isinstance(item, str):
        return Action(kind=item, ref=None, line=line)
    (kind, ref), = item.items()
    return Action(kind=kind, ref=ref, line=_line(item, default=line))


def workflow(node: Located, defaults: dict[str, Any] | None = None) -> Workflow:
    """The `workflow` mapping (initial, states, transitions) as a Workflow.

    A transition's `from` may be one state id or a list; `by` (or its old name
    `trigger`) defaults to "applicant"; an action is a bare kind ("freeze_recap") or a
    one-key mapping ({document: id}, {message: id}); `form` is a list of questions
    written as a section's `fields` (`defaults`: the definition's keys they inherit).
    """
    states_node = node["states"]
    states = {
        sid: State(sid, text(s["label"]), states_node.line_of(sid), s.get("editable", False))
        for sid, s in states_node.items()
    }
    transitions = []
    for t in node["transitions"]:
        sources = t["from"] if isinstance(t["from"], list) else [t["from"]]
        actions = t.get("actions", [])
        transitions.append(
            Transition(
                id=t["id"],
                sources=tuple(sources),
                target=t["to"],
                line=t.line,
                by=t.get("by", t.get("trigger", "applicant")),
                label=text(t.get("label")),
                guards=tuple(t.get("guards", ())),
                actions=tuple(
                    _action(a, actions.line_of(i) if hasattr(actions, "line_of") else t.line)
                    for i, a in enumerate(actions)
                ),
                form=tuple(field(f, defaults) for f in t.get("form", ())),
                after_text=t.get("after"),
                after_line=t.line_of("after") if "after" in t else 0,
                alias_line=t.line_of("trigger") if "by" in t and "trigger" in t else 0,
            )
        )
    return Workflow(node["initial"], states, tuple(transitions), node.line,
                    node.line_of("initial"), reminders=_reminders(node),
                    retention=_retention(node))


def _duration(value: Any) -> timedelta:
    """A duration as written; a malformed one (the checker tells it at its line:
    SCHEDULE_DURATION) counts as zero rather than stopping the build."""
    try:
        return parse_duration(value)
    except ValueError:
        return timedelta(0)


def _reminders(node: Located) -> tuple[Reminder, ...]:
    """`reminders: [{before_deadline: 14d, message: id}, ...]` under `workflow`."""
    items = node.get("reminders") or []
    return tuple(Reminder(_duration(r["before_deadline"]), r["message"],
                          items.line_of(i) if hasattr(items, "line_of") else node.line,
                          before_text=str(r["before_deadline"]))
                 for i, r in enumerate(items))


def _retention(node: Located) -> Retention | None:
    """`retention: {after: 730d, in_states: [id, ...]}` under `workflow`, or None."""
    r = node.get("retention")
    if r is None:
        return None
    return Retention(_duration(r["after"]), tuple(r["in_states"]),
                     node.line_of("retention"), after_text=str(r["after"]))


def profile_block(node: Located) -> ProfileBlock:
    """`profile: {title?, groups: [{title?, subtitle?, fields: [id | {id: label}]}]}`."""
    groups = []
    for group in node["groups"]:
        entries = []
        fields = group["fields"]
        for i, item in enumerate(fields):
            line = fields.line_of(i) if hasattr(fields, "line_of") else group.line
            if isinstance(item, dict):
                (key, label), = item.items()
                entries.append(ProfileEntry(str(key), line, text(label, line)))
            else:
                entries.append(ProfileEntry(str(item), line))
        groups.append(ProfileBlockGroup(tuple(entries), group.line, text(group.get("title")),
                                        text(group.get("subtitle"))))
    return ProfileBlock(tuple(groups), node.line, text(node.get("title")))


def migration(node: Located) -> Migration:
    """One `migrations` entry as a Migration, with the line of each of its keys."""
    lines: dict[tuple[str, ...], int] = {("from",): node.line_of("from")}
    for kind in ("rename_fields", "rename_states"):
        for old in node.get(kind, {}):
            lines[(kind, old)] = node[kind].line_of(old)
    for field_id, renames in node.get("rename_options", {}).items():
        lines[("rename_options", field_id)] = node["rename_options"].line_of(field_id)
        for old in renames:
            lines[("rename_options", field_id, old)] = _line(renames, old, renames.line)
    drops = node.get("drop_fields", [])
    for index, field_id in enumerate(drops):
        lines[("drop_fields", field_id)] = (drops.line_of(index) if hasattr(drops, "line_of")
                                            else node.line_of("drop_fields"))
    return Migration(
        from_version=node["from"], line=node.line,
        rename_fields=dict(node.get("rename_fields", {})),
        rename_options={k: dict(v) for k, v in node.get("rename_options", {}).items()},
        rename_states=dict(node.get("rename_states", {})),
        drop_fields=tuple(drops), message=text(node.get("message")), lines=lines)


def definition(node: Located, path: str) -> Definition:
    """The whole definition mapping as a Definition; `path` is kept for error messages."""
    numbering = node["numbering"]
    documents = node.get("documents", {})
    messages = node.get("messages", {})
    notification = node.get("notification")
    return Definition(
        id=node["id"],
        version=node["version"],
        title=text(node["title"], node.line_of("title")),
        numbering=Numbering(
            prefix=numbering["prefix"],
            digits=numbering["digits"],
            year_digits=numbering.get("year_digits", 2),
        ),
        deadline_days=node["deadline_days"],
        sections=tuple(section(s, inherited(node)) for s in node["sections"]),
        workflow=workflow(node["workflow"], inherited(node)),
        path=path,
        line=node.line,
        description=text(node.get("description")),
        intro=text(node.get("intro")),
        eligibility=tuple(
            Eligibility(text(e["message"]), e.line, e.get("min_age"), e.get("max_age"))
            for e in node.get("eligibility", ())
        ),
        documents={
            did: Document(
                id=did,
                title=text(d["title"]),
                sections=tuple(d["sections"]),
                line=documents.line_of(did),
                intro=text(d.get("intro")),
                outro=text(d.get("outro")),
                filename=d.get("filename"),
                filename_line=d.line_of("filename") if "filename" in d else 0,
            )
            for did, d in documents.items()
        },
        messages={
            mid: MessageTemplate(
                mid, text(m["subject"]), text(m["body"]), messages.line_of(mid),
                m.get("notify", False),
            )
            for mid, m in messages.items()
        },
        notification=Notification(
            text(notification["subject"]), text(notification["body"]), notification.line
        )
        if notification
        else None,
        profile=profile_block(node["profile"]) if "profile" in node else None,
        drafts=node.get("drafts", "keep"),
        migrations=tuple(migration(m) for m in node.get("migrations", ())),
        drafts_line=node.line_of("drafts") if "drafts" in node else 0,
        region=node.get("region", "CA"),
    )
