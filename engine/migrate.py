"""Migrations between versions of a dossier type: checked against both versions, applied to drafts.

Issue 14, item 3: a definition declares `drafts: keep` (drafts stay on their version) or
`drafts: migrate`, and its `migrations`, each from one older version, say what became
of what: renamed fields, options and states, dropped fields. This module checks them
(`check_targets` within the new file, `check_versions` against the older versions a
caller found: the published ones, or other files), finds the chain from a draft's
version to the newest (`chain`), applies one step to answers and a state (`apply`),
and says what the applicant must look at again (`what_changed`). It knows nothing of
storage: what is lost here is returned as `SetAside`, for storage to archive.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .compile import CompiledDefinition
from .errors import DesignerError, ErrorCode, error
from .model import Definition, Field, Migration, Text
from .validate import SetAside, clean, set_aside, unknown_choices, visible_fields

KEEP, MIGRATE = "keep", "migrate"


# --- checks ---------------------------------------------------------------------


def _option_values(f: Field) -> set[str]:
    return {o.value for o in f.choices()}


def check_targets(d: Definition) -> Iterator[DesignerError]:
    """Errors of `d`'s own migrations: MIGRATION_FROM (not older than `d`, or twice),
    MIGRATION_UNKNOWN_TARGET (a renamed field, option or state that `d` lacks; an option
    renamed in a field `d` lacks), each at the line of the key."""
    seen: set[int] = set()
    fields = d.all_fields()
    for m in d.migrations:
        src = m.from_version
        if src >= d.version or src in seen:
            yield error(ErrorCode.MIGRATION_FROM, d.path, m.at("from"), source=src,
                        version=d.version)
        seen.add(src)
        for old, new in m.rename_fields.items():
            if new not in fields:
                yield error(ErrorCode.MIGRATION_UNKNOWN_TARGET, d.path,
                            m.at("rename_fields", old), source=src,
                            what=f"the field '{old}'", target=new, where="a field")
        for field_id, renames in m.rename_options.items():
            f = fields.get(field_id)
            if f is None:
                yield error(ErrorCode.MIGRATION_UNKNOWN_TARGET, d.path,
                            m.at("rename_options", field_id), source=src,
                            what="options of a field", target=field_id, where="a field")
                continue
            for old, new in renames.items():
                if new not in _option_values(f):
                    yield error(ErrorCode.MIGRATION_UNKNOWN_TARGET, d.path,
                                m.at("rename_options", field_id, old), source=src,
                                what=f"the option '{old}'", target=new,
                                where=f"an option of the field '{field_id}'")
        for old, new in m.rename_states.items():
            if new not in d.workflow.states:
                yield error(ErrorCode.MIGRATION_UNKNOWN_TARGET, d.path,
                            m.at("rename_states", old), source=src,
                            what=f"the state '{old}'", target=new, where="a workflow state")


def _old_field(m: Migration, new_id: str) -> str:
    for old, new in m.rename_fields.items():
        if new == new_id:
            return old
    return new_id


def _check_sources(new: Definition, m: Migration, old: Definition) -> Iterator[DesignerError]:
    old_fields = old.all_fields()
    src, path = old.version, new.path
    onto: dict[str, str] = {}
    for old_id, new_id in m.rename_fields.items():
        if old_id not in old_fields:
            yield error(ErrorCode.MIGRATION_UNKNOWN_SOURCE, path, m.at("rename_fields", old_id),
                        source=src, what=f"the field '{old_id}'")
        elif new_id in onto:  # two fields renamed to one
            yield error(ErrorCode.MIGRATION_RENAME_ONTO, path, m.at("rename_fields", old_id),
                        source=src, field=old_id, target=new_id,
                        clash=f"as it renames '{onto[new_id]}'")
        elif (new_id in old_fields and new_id not in m.rename_fields
              and new_id not in m.drop_fields):  # onto a field still there
            yield error(ErrorCode.MIGRATION_RENAME_ONTO, path, m.at("rename_fields", old_id),
                        source=src, field=old_id, target=new_id,
                        clash=f"a field version {src} already has")
        onto.setdefault(new_id, old_id)
    for old_id in m.drop_fields:
        if old_id not in old_fields:
            yield error(ErrorCode.MIGRATION_UNKNOWN_SOURCE, path, m.at("drop_fields", old_id),
                        source=src, what=f"the field '{old_id}'")
    for field_id, renames in m.rename_options.items():
        f = old_fields.get(_old_field(m, field_id))
        for value in renames:
            if f is None or value not in _option_values(f):
                yield error(ErrorCode.MIGRATION_UNKNOWN_SOURCE, path,
                            m.at("rename_options", field_id, value), source=src,
                            what=f"the option '{value}' of the field '{field_id}'")
    for state in m.rename_states:
        if state not in old.workflow.states:
            yield error(ErrorCode.MIGRATION_UNKNOWN_SOURCE, path, m.at("rename_states", state),
                        source=src, what=f"the state '{state}'")


def _check_disappearances(new: Definition, m: Migration | None,
                          old: Definition) -> Iterator[DesignerError]:
    m = m or Migration(old.version, new.drafts_line or new.line)
    line, src = m.at("from"), old.version
    new_fields = new.all_fields()
    for old_id, f in old.all_fields().items():
        if old_id in m.drop_fields:
            continue
        new_id = m.rename_fields.get(old_id, old_id)
        target = new_fields.get(new_id)
        if target is None:
            yield error(ErrorCode.UNMIGRATED_FIELD, new.path, line, field=old_id, source=src)
            continue
        renames = m.rename_options.get(new_id, {})
        for value in sorted(_option_values(f) - _option_values(target) - set(renames)):
            yield error(ErrorCode.UNMIGRATED_OPTION, new.path, line, field=new_id,
                        option=value, source=src)
    for state in old.workflow.states:
        if state not in new.workflow.states and state not in m.rename_states:
            yield error(ErrorCode.UNMIGRATED_STATE, new.path, line, state=state, source=src)


def check_versions(new: Definition, older: Mapping[int, Definition]) -> list[DesignerError]:
    """`new`'s migrations against the older versions found (version -> Definition of the
    same type; those not older than `new` are ignored): every renamed or dropped id must
    exist in the version migrated from (MIGRATION_UNKNOWN_SOURCE); under `drafts:
    migrate`, the newest older version must have a migration (MIGRATION_MISSING, at the
    `drafts:` line) and, for each migration checked, every field, option and state of the
    old version that is gone must be renamed or (fields) dropped (UNMIGRATED_*, at the
    migration's `from:` line). Under `drafts: keep` a disappearance is allowed."""
    errors: list[DesignerError] = []
    versions = sorted(v for v in older if v < new.version)
    for v in versions:
        m = new.migration_from(v)
        if m is not None:
            errors += _check_sources(new, m, older[v])
    if new.drafts == MIGRATE and versions:
        previous = versions[-1]
        if new.migration_from(previous) is None:
            errors.append(error(ErrorCode.MIGRATION_MISSING, new.path,
                                new.drafts_line or new.line, source=previous))
        for v in versions:
            m = new.migration_from(v)
            if m is not None or v == previous:
                errors += _check_disappearances(new, m, older[v])
    return sorted(errors, key=lambda e: (e.line, e.message))


# --- applying ---------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One step of a chain: `migration`, declared by version `to_version`."""

    migration: Migration
    to_version: int


def chain(versions: Mapping[int, Definition], start: int) -> list[Step] | None:
    """The steps from version `start` to the newest of `versions` (version -> Definition
    of one type), each time to the lowest version declaring a migration from where the
    draft is; [] when `start` is the newest; None when no declared chain reaches it."""
    newest = max(versions)
    steps: list[Step] = []
    current = start
    while current != newest:
        found = next((Step(d.migration_from(current), v) for v, d in sorted(versions.items())
                      if v > current and d.migration_from(current) is not None), None)
        if found is None:
            return None
        steps.append(found)
        current = found.to_version
    return steps


@dataclass
class Migrated:
    """Answers and state after a migration step or chain; `lost`: what left the answers
    (DROPPED_BY_MIGRATION, RENAMED_CONFLICT, unknown options...), for the archive;
    `renamed`: old field id -> field id now, across the chain."""

    answers: dict[str, Any]
    status: str
    lost: list[SetAside] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)


def _rename_values(value: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(value, list):
        return [renames.get(v, v) if isinstance(v, str) else v for v in value]
    return renames.get(value, value) if isinstance(value, str) else value


def apply(m: Migration, migrated: Migrated) -> Migrated:
    """One step: dropped fields set aside ("dropped_by_migration"), fields renamed, their
    options renamed, the state renamed. A field renamed onto an id that the draft still
    answers keeps that answer; the renamed one is set aside ("renamed_conflict")."""
    answers: dict[str, Any] = {}
    lost = list(migrated.lost)
    moved = []
    for old_id, value in migrated.answers.items():
        if old_id in m.drop_fields:
            lost.append(SetAside(old_id, value, "dropped_by_migration"))
        elif old_id in m.rename_fields:
            moved.append((old_id, value))
        else:
            answers[old_id] = _rename_values(value, m.rename_options.get(old_id, {}))
    for old_id, value in moved:
        new_id = m.rename_fields[old_id]
        if new_id in answers:
            lost.append(SetAside(old_id, value, "renamed_conflict"))
        else:
            answers[new_id] = _rename_values(value, m.rename_options.get(new_id, {}))
    renamed = {old: m.rename_fields.get(now, now) for old, now in migrated.renamed.items()}
    for old_id, new_id in m.rename_fields.items():
        renamed.setdefault(old_id, new_id)
    return Migrated(answers, m.rename_states.get(migrated.status, migrated.status), lost,
                    renamed)


def fit(compiled: CompiledDefinition, migrated: Migrated) -> Migrated:
    """The migrated answers made to fit `compiled` (the newest version): an answer holding
    choices it no longer offers is set aside whole ("unknown_option"), its known choices
    kept when it is a list; then `clean` (hidden or unknown answers set aside too)."""
    fields = compiled.definition.all_fields()
    lost = list(migrated.lost)
    answers: dict[str, Any] = {}
    for field_id, value in migrated.answers.items():
        f = fields.get(field_id)
        unknown = unknown_choices(f, value) if f is not None else ()
        if unknown:
            lost.append(SetAside(field_id, value, "unknown_option"))
            if isinstance(value, list) and f is not None and f.is_list:
                value = [v for v in value if v not in unknown]
            else:
                continue
        answers[field_id] = value
    kept = clean(compiled, answers)
    for field_id, value in answers.items():
        if field_id not in kept:
            why = "hidden" if field_id in fields else "unknown_field"
            lost.append(SetAside(field_id, value, why))
    # inside the items of a repeating group kept: its nested answers now hidden
    lost += [x for x in set_aside(compiled, answers, answers, kept)
             if x.field_id not in answers]
    return Migrated(kept, migrated.status, lost, migrated.renamed)


def _words(t: Text) -> tuple[str, str]:
    return (t.fr, t.en)


@dataclass(frozen=True)
class SectionChanges:
    """The questions of one section to look at after a migration, by label."""

    section_id: str
    title: Text
    new: tuple[Text, ...]
    changed: tuple[Text, ...]


def what_changed(old: Definition, new: CompiledDefinition,
                 migrated: Migrated) -> list[SectionChanges]:
    """Per section of `new` (in order, only those with something to say): the questions
    shown to the migrated draft that version `old` did not ask (new), and those whose
    label changed or whose answer was set aside (changed)."""
    old_fields = old.all_fields()
    now_of = {old_id: migrated.renamed.get(old_id, old_id) for old_id in old_fields}
    before = {new_id: old_fields[old_id] for old_id, new_id in now_of.items()}
    set_aside_ids = {migrated.renamed.get(x.field_id, x.field_id) for x in migrated.lost}
    result = []
    for section in new.definition.sections:
        shown = visible_fields(new, section, migrated.answers)
        added = tuple(f.label for f in shown if f.id not in before)
        changed = tuple(f.label for f in shown if f.id in before and (
            _words(before[f.id].label) != _words(f.label) or f.id in set_aside_ids))
        if added or changed:
            result.append(SectionChanges(section.id, section.title, added, changed))
    return result
