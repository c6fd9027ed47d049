"""Moving a draft to the newest version of its type, when the designer declared `drafts: migrate`.

Issue 14, item 3: when a draft on an older version is opened or saved and the newest
version of its type says `drafts: migrate`, the declared migrations are applied in a
chain (1→2→3, engine.migrate), in the transaction that opened or saved it: fields,
options and states renamed, what no longer fits moved to the archive (step 1,
storage/dossiers/archive.py), `definition_version` set to the newest, the dossier's
version + 1, one audit event "migrate". The applicant is told (item 5): a message in
the message centre, and a `MigrationNotice` handed back so the page shows it once. A
draft whose chain is not declared all the way stays on its version (as under keep).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pony.orm import select

from engine import CompiledDefinition, Registry
from engine.load import plain
from engine.migrate import MIGRATE, Migrated, Step, apply, chain, fit, what_changed
from engine.model import Definition, Text
from engine.validate import SetAside
from engine.workflow import is_editable
from storage.clock import clock, to_db
from storage.definitions import definition_of, pinned
from storage.dossiers import audit
from storage.dossiers.archive import (
    DROPPED_BY_MIGRATION,
    RENAMED_CONFLICT,
    UNKNOWN_OPTION,
    archive,
)
from storage.errors import NotFound
from storage.orm.db import database
from storage.orm.rows import owned_dossier
from storage.orm.transactions import transaction

# The message-centre message after a migration ({number}); its body is the designer's
# message (or MIGRATION_DEFAULT), then the questions to look at, by section.
MIGRATION_SUBJECT = Text(fr="Le formulaire de votre dossier {number} a changé",
                         en="The form of your file {number} has changed")
MIGRATION_DEFAULT = Text(fr="Le formulaire de ce type de dossier a été mis à jour.",
                         en="The form for this type of file has been updated.")
MIGRATION_NEW = Text(fr="Nouvelles questions", en="New questions")
MIGRATION_CHANGED = Text(fr="Questions modifiées", en="Changed questions")
MIGRATION_REMOVED = Text(fr="Questions retirées du formulaire (vos réponses restent au dossier)",
                         en="Questions removed from the form (your answers stay on file)")


@dataclass(frozen=True)
class MigrationNotice:
    """What the applicant is told once after a migration: `message` and each section's
    questions to look at, in both languages. sections: ({"id", "title": {fr, en},
    "new": [{fr, en}], "changed": [{fr, en}]}, ...), in form order; `removed`: the labels
    ({fr, en}, as the older version asked them) of the questions the migration dropped
    whose answers went to the archive. Plain data (JSON-able: the web keeps it in the
    session until shown; one kept before `removed` existed reads as none)."""

    number: str
    from_version: int
    to_version: int
    message: dict[str, str]
    sections: tuple[dict[str, Any], ...]
    removed: tuple[dict[str, str], ...] = ()


def _both(t: Text) -> dict[str, str]:
    return {"fr": t.fr, "en": t.en}


def _versions(registry: Registry, newest: CompiledDefinition, above: int) -> dict[int, Any]:
    """The definitions of `newest`'s type above version `above`: every published one
    below `newest`, and `newest` itself."""
    type_id, top = newest.definition.id, newest.definition.version
    numbers = set(select(p.version for p in database().PublishedDefinition
                         if p.type_id == type_id and p.version > above and p.version < top)[:])
    found: dict[int, Any] = {top: newest.definition}
    for n in sorted(numbers):
        try:
            found[n] = definition_of(registry, type_id, n).definition
        except NotFound:
            continue
    return found


@dataclass(frozen=True)
class Plan:
    """What migrating one draft would do: `old` its definition, the `steps` of the chain,
    and the answers, state and losses after them (`migrated`)."""

    old: Definition
    steps: tuple[Step, ...]
    migrated: Migrated


def plan(registry: Registry, dossier: Any, newest: CompiledDefinition) -> Plan | None:
    """The migration of the Dossier entity to `newest` (its type's newest version), or
    None when there is none: `newest` says keep, the dossier is not older, not a draft
    (editable state), its version is nowhere, or no declared chain reaches `newest`.
    Reads only."""
    start = dossier.definition_version
    if newest.definition.drafts != MIGRATE or start >= newest.definition.version:
        return None
    try:
        old = pinned(registry, dossier).definition
    except NotFound:
        return None
    if not is_editable(old, dossier.status):
        return None
    steps = chain({start: old, **_versions(registry, newest, start)}, start)
    if not steps:
        return None
    migrated = Migrated(plain(dossier.answers), dossier.status)
    for step in steps:
        migrated = apply(step.migration, migrated)
    return Plan(old, tuple(steps), fit(newest, migrated))


@dataclass(frozen=True)
class Moved:
    """A migration just made: what to tell (`notice`; None: nothing, see
    `migrate_draft`), the steps applied, and the
    answers posted with it (`migrate_draft`'s `posted`) in the newest version's terms
    (None when none were)."""

    notice: MigrationNotice | None
    steps: tuple[Step, ...]
    posted: dict[str, Any] | None = None


def _through(steps: list[Step] | tuple[Step, ...], answers: dict[str, Any]) -> Migrated:
    migrated = Migrated(dict(answers), "")
    for step in steps:
        migrated = apply(step.migration, migrated)
    return migrated


def in_version(registry: Registry, type_id: str, from_version: int,
               to: CompiledDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """`answers` (raw answers typed on a page of version `from_version` of `type_id`)
    in the terms of `to` (a later version of that type): fields and options renamed by
    the declared migrations between them, dropped fields left out. Unchanged when
    `from_version` is not older than `to` or no declared chain joins them (the caller
    keeps only the questions `to` asks). Reads only."""
    if from_version >= to.definition.version:
        return dict(answers)
    try:
        old = definition_of(registry, type_id, from_version).definition
    except NotFound:
        return dict(answers)
    steps = chain({from_version: old, **_versions(registry, to, from_version)}, from_version)
    return _through(steps, answers).answers if steps else dict(answers)


def is_typed(value: Any) -> bool:
    """Whether an answer, raw as posted or normalised as stored, holds something typed
    or chosen ("", blanks, [], None: no; a "Non" stored as False: yes)."""
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple)):
        return any(is_typed(v) for v in value)
    return value is not None


def _posted_lost(steps: list[Step] | tuple[Step, ...], posted: dict[str, Any],
                 stored_lost: list[SetAside]) -> tuple[dict[str, Any], list[SetAside]]:
    """`posted` (one section's raw answers, from a page of the older version) renamed as
    the stored answers were, and the typed ones a step dropped, for the archive: what the
    applicant sent last is kept as surely as what was stored (none twice)."""
    migrated = _through(steps, posted)
    already = {(x.field_id, repr(x.value)) for x in stored_lost}
    lost = [x for x in migrated.lost
            if is_typed(x.value) and (x.field_id, repr(x.value)) not in already]
    return migrated.answers, lost


def _move_kept(dossier: Any, steps: list[Step] | tuple[Step, ...],
               archived: list[SetAside]) -> list[SetAside]:
    """The answers kept aside in the Dossier entity (storage/dossiers/kept_answers.py:
    posted after a session ended, not saved yet) renamed as the stored ones are, so that
    the newer page offers them under its own questions; returns the typed ones a step
    dropped, for the archive (none already in `archived`)."""
    lost: list[SetAside] = []
    for row in database().KeptAnswers.select(lambda k: k.dossier == dossier):
        answers, dropped = _posted_lost(steps, plain(row.answers), [*archived, *lost])
        row.answers = answers
        lost += dropped
    return lost


def _removed_labels(old: Definition, lost: list[SetAside]) -> tuple[dict[str, str], ...]:
    """The labels, as `old` asked them, of the questions dropped with an answer."""
    fields = old.all_fields()
    ids = dict.fromkeys(x.field_id for x in lost if x.why == DROPPED_BY_MIGRATION)
    return tuple(_both(fields[i].label) for i in ids if i in fields)


def migrate_draft(registry: Registry, dossier: Any, actor: str,
                  posted: dict[str, Any] | None = None) -> Moved | None:
    """Move the Dossier entity (locked by the caller) to the newest version of its type
    when that version says `drafts: migrate`, the dossier is a draft (editable state) on
    an older version, and the declared chain reaches the newest; else None, nothing
    written. Call inside a write transaction that commits even when it is all it does
    (an exception after it would undo the migration, to be done again next time).
    `posted`: answers posted from a page of the older version (a save that migrates):
    renamed alike (`Moved.posted`), and those typed into a question the migration drops
    archived with the stored ones (a value typed on the open page is never lost), and
    named in the notice's `removed`.
    A dossier an agent registered in which nothing is written yet (no answer stored,
    none typed in `posted`: one just linked with "Identifier mon dossier") moves
    silently: the form is new to its applicant, who never saw the older one
    (`Moved.notice` None, no message). An applicant's own draft is always told."""
    newest = registry.get(dossier.type_id)
    found = plan(registry, dossier, newest) if newest is not None else None
    if found is None:
        return None
    old, steps, migrated, start = found.old, found.steps, found.migrated, dossier.definition_version
    translated, posted_lost = (None, []) if posted is None else _posted_lost(
        steps, posted, migrated.lost)
    kept_lost = _move_kept(dossier, steps, [*migrated.lost, *posted_lost])
    # from the version the answers were stored (or typed) under
    archive(dossier, [*migrated.lost, *posted_lost, *kept_lost], actor)
    to_version = newest.definition.version
    dossier.answers = migrated.answers
    dossier.status = migrated.status
    dossier.definition_version = to_version
    dossier.version += 1
    audit.record(actor, "migrate", dossier, {"from": start, "to": to_version,
                                             "status": migrated.status})
    written = bool(found.migrated.answers or found.migrated.lost) or is_typed(
        list((posted or {}).values()))
    if not written and dossier.events.select(lambda e: e.action == "register").exists():
        return Moved(None, tuple(steps), translated)
    messages = [s.migration.message for s in steps if s.migration.message]
    message = {lang: "\n\n".join(m.get(lang) for m in messages)
               or MIGRATION_DEFAULT.get(lang) for lang in ("fr", "en")}
    notice = MigrationNotice(dossier.number, start, to_version, message, tuple(
        {"id": c.section_id, "title": _both(c.title), "new": [_both(t) for t in c.new],
         "changed": [_both(t) for t in c.changed]}
        for c in what_changed(old, newest, migrated)),
        _removed_labels(old, [*migrated.lost, *posted_lost]))
    _post(dossier, notice)
    return Moved(notice, tuple(steps), translated)


def notice_text(notice: MigrationNotice, lang: str) -> str:
    """The notice as plain text in `lang` (the message-centre body): the message, then per
    section "Title — New questions: a; b. Changed questions: c." lines."""
    lines = [notice.message[lang]]
    for s in notice.sections:
        parts = [_listed(heading, s[key], lang)
                 for key, heading in (("new", MIGRATION_NEW), ("changed", MIGRATION_CHANGED))
                 if s[key]]
        lines.append(f"{s['title'][lang]} — " + " ".join(parts))
    if notice.removed:
        lines.append(_listed(MIGRATION_REMOVED, notice.removed, lang))
    return "\n\n".join(lines)


def _listed(heading: Text, labels: Iterable[dict[str, str]], lang: str) -> str:
    """"Heading : a; b." in `lang` (French's space before the colon), no dot after a
    label that ends a sentence itself ("…?")."""
    listed = "; ".join(label[lang].strip() for label in labels)
    end = "" if listed.endswith((".", "?", "!", "…")) else "."
    return f"{heading.get(lang)}{' :' if lang == 'fr' else ':'} {listed}{end}"


def _post(dossier: Any, notice: MigrationNotice) -> None:
    account = dossier.owner
    if account is None:
        return
    lang = account.lang if account.lang in ("fr", "en") else "fr"
    database().Message(account=account, dossier=dossier,
                       subject=MIGRATION_SUBJECT.filled(number=dossier.number).get(lang),
                       body=notice_text(notice, lang), created_at=to_db(clock.now()))


@transaction(write=True)
def open_draft(registry: Registry, account_id: int, number: str) -> MigrationNotice | None:
    """Opening one of the account's dossiers: a draft on an older version is migrated now
    when its type says `drafts: migrate` (`migrate_draft`); returns what to tell the
    applicant once, or None (nothing to do, nothing written). NotFound as get_dossier."""
    dossier = owned_dossier(account_id, number, for_update=True)
    moved = migrate_draft(registry, dossier, audit.account_actor(account_id))
    return moved.notice if moved else None


@dataclass(frozen=True)
class StateImpact:
    """What publishing a version would do to the dossiers of one state on older versions
    (`guichet impact`): how many there are, how many drafts would be migrated and how
    many stay on their version, the answers that would be archived ("field (why)" ->
    how many), and how many migrated drafts would have questions to answer: new ones,
    or ones whose answer was archived (`_asks_again`)."""

    status: str
    dossiers: int
    migrated: int
    staying: int
    archived: dict[str, int]
    new_questions: int


def _asks_again(newest: CompiledDefinition, p: Plan) -> bool:
    """Whether the migrated draft has questions to answer: a new question shown to it,
    or a question still asked whose answer was archived (a choice no longer offered, a
    rename onto an answered field)."""
    if any(c.new for c in what_changed(p.old, newest, p.migrated)):
        return True
    fields = newest.definition.all_fields()
    return any(x.why in (UNKNOWN_OPTION, RENAMED_CONFLICT) and x.field_id in fields
               and x.field_id not in p.migrated.answers for x in p.migrated.lost)


@transaction(write=False)
def impact(registry: Registry, newest: CompiledDefinition) -> list[StateImpact]:
    """A dry run of `newest` (a version about to be published) against the dossiers of
    its type on older versions, by state (in name order); writes nothing. Each draft is
    planned as opening it would migrate it (`plan`), with `newest` as the newest
    version and the published versions between."""
    d = newest.definition
    rows = select(x for x in database().Dossier
                  if x.type_id == d.id and x.definition_version < d.version)
    found: dict[str, dict[str, Any]] = {}
    for dossier in rows:
        state = found.setdefault(dossier.status, {"n": 0, "moved": 0, "archived": {},
                                                  "asked": 0})
        state["n"] += 1
        p = plan(registry, dossier, newest)
        if p is None:
            continue
        state["moved"] += 1
        for lost in p.migrated.lost:
            key = f"{lost.field_id} ({lost.why})"
            state["archived"][key] = state["archived"].get(key, 0) + 1
        if _asks_again(newest, p):
            state["asked"] += 1
    return [StateImpact(status, s["n"], s["moved"], s["n"] - s["moved"],
                        dict(sorted(s["archived"].items())), s["asked"])
            for status, s in sorted(found.items())]
