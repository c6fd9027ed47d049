"""Published definition versions: kept in the database, never changed, read by every process.

Issue 14: a dossier is pinned to the (type, version) it was created with, and a
designer's later edit of forms/ must not change how it reads. So every version
that a process loads from forms/ is *published* here once (its YAML text, the
sha256 of that text, when), with one `INSERT ... ON CONFLICT DO NOTHING` on the
unique (type_id, version): several processes starting together publish each
version once, without an error. A published text is never updated: a file whose
text differs from the stored one of its (id, version) is a designer mistake that
`guichet check` reports (`conflicts`).

`definition_of` is the one lookup of a dossier's definition by (type, version):
the registry's own definition when it is that version (forms/, the newest), else
the published text, compiled once per store (`Store.published`) and kept for the
life of the process, never per request. A type removed from forms/ is still
served this way, read-only (`is_current` says whether a type takes new dossiers).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pony.orm import count, select

from engine import CompiledDefinition, Registry, convert_text
from engine.model import Definition
from storage.clock import clock, from_db, to_db
from storage.errors import Locked, NotFound
from storage.orm.db import current_store, database
from storage.orm.entities import ROW_ID_MAX, column
from storage.orm.transactions import transaction


@dataclass(frozen=True)
class PublishedVersion:
    """One published version of a type, and the dossiers it holds.

    dossiers: status -> how many dossiers of this (type, version) are in it.
    """

    type_id: str
    version: int
    source_hash: str
    published_at: object  # datetime, timezone-aware (UTC)
    dossiers: dict[str, int] = field(default_factory=dict)


def _insert_statement(db: Any) -> str:
    """The insert-or-ignore of one published version, its table and column names taken
    from the entity (`_table_`, each attribute's `columns`): one statement that both
    SQLite and PostgreSQL run atomically against the unique (type_id, version)."""
    entity = db.PublishedDefinition
    names = ("type_id", "version", "text", "source_hash", "published_at")
    columns = ", ".join(f'"{column(getattr(entity, n))}"' for n in names)
    values = ", ".join("$" + n for n in names)
    key = f'"{column(entity.type_id)}", "{column(entity.version)}"'
    return (f'INSERT INTO "{entity._table_}" ({columns}) VALUES ({values}) '
            f"ON CONFLICT ({key}) DO NOTHING")


@transaction(write=True)
def publish_definitions(compiled: Iterable[CompiledDefinition]) -> list[CompiledDefinition]:
    """Publish each definition whose (id, version) is not stored yet; returns those whose
    stored text differs (the same (id, version) published with other content), which
    stay as they were published.

    Safe when several processes publish at once: one insert per version, the unique
    (type_id, version) deciding, the others doing nothing. Definitions compiled from a
    model (no `source_text`) are skipped.
    """
    db = database()
    now = to_db(clock.now())
    insert = _insert_statement(db)
    changed = []
    for c in compiled:
        if not c.source_text:
            continue
        d = c.definition
        db.execute(insert, {}, {"type_id": d.id, "version": d.version, "text": c.source_text,
                                "source_hash": c.source_hash, "published_at": now})
        stored = _stored_hash(d.id, d.version)
        if stored is not None and stored != c.source_hash:
            changed.append(c)
    return changed


def _stored_hash(type_id: str, version: int) -> str | None:
    rows = select(p.source_hash for p in database().PublishedDefinition
                  if p.type_id == type_id and p.version == version)[:]
    return rows[0] if rows else None


@transaction(write=False)
def republished(compiled: Iterable[CompiledDefinition]) -> list[CompiledDefinition]:
    """The definitions whose (id, version) is published with another text than theirs
    (what `guichet check` refuses); reads only."""
    return [c for c in compiled if c.source_text
            and _stored_hash(c.definition.id, c.definition.version) not in (None, c.source_hash)]


def is_current(registry: Registry, type_id: str) -> bool:
    """Whether `type_id` is a type of `registry` (forms/), which takes new dossiers and
    changes to its drafts; a type removed from forms/ only shows its dossiers."""
    return registry.get(type_id) is not None


def definition_of(registry: Registry, type_id: str, version: int) -> CompiledDefinition:
    """The definition of (type_id, version): the registry's when it holds that version,
    else the published text compiled once for the current store and cached. NotFound
    when the version was never published here (any version under 1 or over
    ROW_ID_MAX), or its text no longer compiles (then
    nothing is served rather than a wrong form). Reads the database on the first use
    of a version only; joins the caller's transaction, or opens one."""
    compiled = registry.get(type_id)
    if compiled is not None and compiled.definition.version == version:
        return compiled
    if not 0 < version <= ROW_ID_MAX:  # no version is; the database refuses it
        raise NotFound(f"dossier type {type_id} version {version}")
    store = current_store()
    key = (type_id, version)
    found = store.published.get(key)
    if found is None:
        text = _published_text(type_id, version)
        result = convert_text(text, f"<published {type_id} version {version}>") if text else None
        if result is None or not result.ok:
            raise NotFound(f"dossier type {type_id} version {version}")
        with store.published_lock:
            found = store.published.setdefault(key, result.compiled)
    return found


def pinned(registry: Registry, dossier: Any) -> CompiledDefinition:
    """The definition a dossier row (or view) is pinned to: `definition_of` its
    (type_id, definition_version). NotFound as `definition_of`."""
    return definition_of(registry, dossier.type_id, dossier.definition_version)


def pinned_or_none(registry: Registry, dossier: Any) -> CompiledDefinition | None:
    """`pinned`, or None when that version cannot be found (nothing to expire it by)."""
    try:
        return pinned(registry, dossier)
    except NotFound:
        return None


def pinned_to_change(registry: Registry, dossier: Any) -> CompiledDefinition:
    """`pinned`, for a change to the dossier (save, submit, answers kept aside): Locked
    when its type was removed from forms/ (read-only from then on)."""
    compiled = pinned(registry, dossier)
    if not is_current(registry, dossier.type_id):
        raise Locked(dossier.status)
    return compiled


@transaction(write=False)
def load_pinned(registry: Registry) -> list[tuple[str, int]]:
    """Compile now, for the current store, every version that a dossier uses and the
    registry does not hold (a process's start: no first page pays for it); returns the
    (type id, version) pairs that could not be found or compiled."""
    missing = []
    pairs = select((d.type_id, d.definition_version) for d in database().Dossier)[:]
    for type_id, version in sorted(set(pairs)):
        try:
            definition_of(registry, type_id, version)
        except NotFound:
            missing.append((type_id, version))
    return missing


@transaction(write=False)
def published_definitions(type_ids: Iterable[str]) -> dict[str, dict[int, Definition]]:
    """Every published version of each of `type_ids`, compiled from its stored text:
    type id -> version -> Definition (`guichet check` verifies a file's migrations
    against them). A stored text that no longer compiles is left out."""
    wanted = set(type_ids)
    found: dict[str, dict[int, Definition]] = defaultdict(dict)
    for p in database().PublishedDefinition.select():
        if p.type_id not in wanted:
            continue
        result = convert_text(p.text, f"<published {p.type_id} version {p.version}>")
        if result.ok and result.definition is not None:
            found[p.type_id][p.version] = result.definition
    return dict(found)


@transaction(write=False)
def _published_text(type_id: str, version: int) -> str | None:
    rows = select(p.text for p in database().PublishedDefinition
                  if p.type_id == type_id and p.version == version)[:]
    return rows[0] if rows else None


@transaction(write=False)
def version_numbers(type_ids: Iterable[str]) -> dict[str, list[int]]:
    """The published version numbers of each of `type_ids` that has any: type id ->
    versions, ascending (the back office's export form). Reads one small table, compiles
    nothing, counts no dossier."""
    wanted = set(type_ids)
    found: dict[str, list[int]] = defaultdict(list)
    for type_id, version in select((p.type_id, p.version)
                                   for p in database().PublishedDefinition).order_by(1, 2):
        if type_id in wanted:
            found[type_id].append(version)
    return dict(found)


@transaction(write=False)
def published_versions() -> list[PublishedVersion]:
    """Every published version, by type id then version, each with how many dossiers it
    holds by state (`guichet definitions list`). Versions that dossiers use without
    being published (dossiers older than publication) are listed too, hash "" ."""
    orm = database()
    counts: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for type_id, version, status, n in select(
            (d.type_id, d.definition_version, d.status, count(d)) for d in orm.Dossier):
        counts[(type_id, version)][status] = n
    found = {(p.type_id, p.version): PublishedVersion(p.type_id, p.version, p.source_hash,
                                                       from_db(p.published_at))
             for p in orm.PublishedDefinition.select()}
    for key in counts.keys() - found.keys():
        found[key] = PublishedVersion(key[0], key[1], "", None)
    return [PublishedVersion(v.type_id, v.version, v.source_hash, v.published_at,
                             dict(sorted(counts.get(k, {}).items())))
            for k, v in sorted(found.items())]
