"""`guichet db init`, `guichet dossiers expire|register-existing|import|audit`, `guichet demo`.

`web/cli/__init__.py` calls `register(main)`. Every command reads the portal's
configuration (web/config.py: DATABASE_URL, unset meaning SQLite in the instance
folder, GUICHET_INSTANCE or ./instance) and works on a store of its own, current
for the command (`bound_store`). Each command calls storage's public functions only.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import click

import storage
from engine import CompiledDefinition, DefinitionError, DesignerError, Registry, load_registry
from engine.migrate import MIGRATE, check_versions
from engine.model import Definition
from engine.pipeline import republished_error
from web import config

T = TypeVar("T")


def settings() -> dict[str, Any]:
    """The configuration, as `create_app` reads it (defaults, then the environment); a
    value that cannot be used stops the command with the variable's name."""
    try:
        return config.load()
    except config.ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def bound_store(registry: Registry | None = None) -> Iterator[storage.Store]:
    """A store on the configured database (`registry`: the dossier types, None: forms/
    compiled on need), current for the block; this thread's connection closed after."""
    values = settings()
    store = storage.open_store(values["DATABASE_URL"], values["INSTANCE_PATH"],
                               registry=registry, portal_url=values["PORTAL_URL"],
                               timeouts=config.database_timeouts(values),
                               files=config.file_settings(values),
                               receipt_key=config.receipt_key(values))
    try:
        with store.bound():
            yield store
    finally:
        store.disconnect()


def forms() -> Registry:
    """The dossier types of the configured forms folder (GUICHET_FORMS_DIR, unset:
    forms/), compiled; a wrong definition, or a file that cannot be read, stops the
    command with its errors (file:line, as `guichet check` prints them)."""
    try:
        return load_registry(config.forms_paths(settings()))
    except DefinitionError as exc:
        raise click.ClickException(str(exc)) from exc


class Refused(Exception):
    """The definitions cannot be served. `lines`: every problem, one a line, each
    "file:line: message" (a designer error, an unreadable or non-UTF-8 file too): the
    same text `guichet check` prints."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def checked_forms(paths: list[str] | None) -> Registry:
    """Read, check and publish the definitions to serve: every definition file of
    `paths` (config.forms_paths: None is forms/), compiled, then compared with the
    configured database as `guichet check` does (an (id, version) published with other
    content; migrations against the published older versions), then published
    (storage.publish_definitions; the tables are created when missing). Returns them
    compiled. Raises Refused, listing every problem of every file, when one cannot be
    read or has errors, or two files have one type id (pipeline.duplicate_types); then
    nothing is published. Database errors propagate."""
    try:
        registry = load_registry(paths)
    except DefinitionError as exc:
        raise Refused([str(e) for e in exc.errors]) from None
    compiled = list(registry)
    with bound_store(registry):
        storage.init_db()
        errors = [republished_error(c) for c in storage.republished(compiled)]
        published = storage.published_definitions({c.definition.id for c in compiled})
        errors += version_errors(compiled, published)
        if not errors:  # a race with another server publishing: its text is kept
            errors = [republished_error(c) for c in storage.publish_definitions(compiled)]
    if errors:
        raise Refused([str(e) for e in DefinitionError(errors).errors])
    return registry


def refuse(exc: Refused, outcome: str) -> NoReturn:
    """Print `exc`'s lines on stderr, then "N error(s): `outcome`.", and exit with
    status 2 (a definition cannot be used, as `guichet diff` and `impact` say)."""
    for line in exc.lines:
        click.echo(line, err=True)
    click.echo(f"{len(exc.lines)} error(s): {outcome}.", err=True)
    sys.exit(2)


@click.group("db")
def db_group() -> None:
    """The database (DATABASE_URL, or SQLite in the instance folder)."""


def republished_errors(compiled: list[CompiledDefinition]) -> list[DesignerError]:
    """`guichet check`'s comparison with the published versions: an error at the
    `version:` line of each definition whose (id, version) the configured database holds
    with other content, and each error of its migrations against the published older
    versions of its type (engine.migrate.check_versions) and against the other files
    checked with it (an older version given on the command line). Compared with the
    database only when one is there (DATABASE_URL, or the instance folder's SQLite file):
    none configured, the files alone are compared; one that cannot be read
    (unreachable, tables not made yet) is said on stderr and not compared."""
    older: dict[str, dict[int, Definition]] = defaultdict(dict)
    for c in compiled:
        older[c.definition.id][c.definition.version] = c.definition
    errors = _published_errors(compiled, older)
    for c in compiled:
        d = c.definition
        if d.drafts == MIGRATE and not any(v < d.version for v in older[d.id]):
            click.echo(f"{d.id} version {d.version}: no older version found (published or "
                       "given): only the targets of its migrations were checked", err=True)
    return errors + version_errors(compiled, older)


def version_errors(compiled: list[CompiledDefinition],
                   published: Mapping[str, Mapping[int, Definition]]) -> list[DesignerError]:
    """The errors of each definition's migrations (engine.migrate.check_versions)
    against the older versions of its type: those of `compiled` itself, else those of
    `published` (type id -> version -> Definition, as storage.published_definitions
    gives)."""
    older: dict[str, dict[int, Definition]] = defaultdict(dict)
    for type_id, versions in published.items():
        older[type_id].update(versions)
    for c in compiled:
        older[c.definition.id][c.definition.version] = c.definition
    return [e for c in compiled for e in check_versions(c.definition, older[c.definition.id])]


def _published_errors(compiled: list[CompiledDefinition],
                      older: dict[str, dict[int, Definition]]) -> list[DesignerError]:
    """The republished errors; adds the published versions to `older` (files win)."""
    values = settings()
    if not compiled or not storage.store_exists(values["DATABASE_URL"], values["INSTANCE_PATH"]):
        return []
    try:
        with bound_store(Registry(compiled)) as store:
            changed = storage.republished(compiled)
            published = storage.published_definitions({c.definition.id for c in compiled})
    except Exception as exc:  # the check of the files stands without the database
        click.echo(f"not compared with the published versions: {type(exc).__name__}: "
                   f"{str(exc).splitlines()[0] if str(exc) else ''}", err=True)
        return []
    click.echo(f"compared with the published versions of {store.describe()}", err=True)
    for type_id, versions in published.items():
        for version, definition in versions.items():
            older[type_id].setdefault(version, definition)
    return [republished_error(c) for c in changed]


def impact(compiled: CompiledDefinition) -> list[storage.StateImpact]:
    """`guichet impact`: storage.impact of `compiled` on the configured database, with
    forms/ as the registry (published versions read from the database); reads only."""
    registry = forms()
    with bound_store(registry):
        return storage.impact(registry, compiled)


@db_group.command("init")
def db_init() -> None:
    """Create the tables (harmless when they exist) and publish every definition of
    forms/ whose (id, version) is not stored yet. Exit status 2, with every error as
    file:line, when a definition cannot be served (what `guichet check` says), and then
    nothing is published."""
    try:
        checked_forms(config.forms_paths(settings()))
    except Refused as exc:
        refuse(exc, "nothing published")
    with bound_store() as store:
        click.echo(f"database ready ({store.describe()})")


@click.group("definitions")
def definitions_group() -> None:
    """The published versions of the dossier types."""


@definitions_group.command("list")
def definitions_list() -> None:
    """Each type, its published versions (newest in forms/ marked), and how many
    dossiers each version holds, by state."""
    registry = forms()
    with bound_store(registry):
        storage.init_db()
        versions = storage.published_versions()
    if not versions:
        click.echo("No published definition.")
    for v in versions:
        current = registry.get(v.type_id)
        mark = ("  (forms/)" if current is not None and current.definition.version == v.version
                else "" if current is not None else "  (removed from forms/)")
        held = ", ".join(f"{n} {status}" for status, n in v.dossiers.items()) or "no dossier"
        published = v.published_at.isoformat(timespec="seconds") if v.published_at else "never"
        click.echo(f"{v.type_id} version {v.version}{mark}: {held}; published {published}")


@click.group("dossiers")
def dossiers_group() -> None:
    """Dossier maintenance."""


@dossiers_group.command("expire")
def dossiers_expire() -> None:
    """Move drafts past their deadline to their definition's deadline state."""
    registry = forms()
    with bound_store(registry):
        click.echo(f"{storage.expire_overdue(registry)} dossier(s) expired")


def _registering(register: Callable[[Registry], T], refused: str) -> T:
    """`register(registry)` on the configured database with the definitions of forms/;
    a refused row (storage.RowRefused) stops the command with `refused` + the reason."""
    registry = forms()
    try:
        with bound_store(registry):
            return register(registry)
    except storage.RowRefused as exc:
        raise click.ClickException(f"{refused}{exc}") from exc


@dossiers_group.command("register-existing")
@click.option("--type", "type_id", required=True, help="dossier type id (a file of forms/)")
@click.option("--number", required=True, help="the dossier number, e.g. G2100076952")
@click.option("--given-name", required=True, help="given name(s), as in the passport")
@click.option("--family-name", required=True, help="family name(s), as in the passport")
@click.option("--sex", required=True, type=click.Choice(["F", "M", "X"], case_sensitive=False))
@click.option("--birth-date", required=True, metavar="YYYY-MM-DD")
def dossiers_register_existing(type_id: str, number: str, given_name: str, family_name: str,
                               sex: str, birth_date: str) -> None:
    """Register a dossier opened by an agent, so its applicant can link it from the
    portal ("Identifier mon dossier") with the same number and identity."""
    row = {"type": type_id, "number": number, "given_name": given_name,
           "family_name": family_name, "sex": sex, "birth_date": birth_date}
    registered = _registering(lambda registry: storage.register_row(registry, row),
                              "refused: ")
    click.echo(f"registered {registered} ({type_id})")


@dossiers_group.command("import")
@click.argument("csv_file", type=click.File("rb"))
def dossiers_import(csv_file) -> None:
    """Register existing dossiers from a CSV file (UTF-8; commas or semicolons) with
    the header type,number,given_name,family_name,sex,birth_date; print what was refused
    and why. Exit status 1 when any row was refused; nothing registered when the file is
    not UTF-8 CSV or its header lacks a column (storage.import_csv)."""
    data = csv_file.read()
    report = _registering(lambda registry: storage.import_csv(registry, data),
                          f"{csv_file.name}: ")
    for line, number in report.registered:
        click.echo(f"line {line}: registered {number}")
    for line, reason in report.refused:
        click.echo(f"line {line}: refused: {reason}", err=True)
    click.echo(f"{len(report.registered)} row(s) registered, {len(report.refused)} refused")
    if report.refused:
        raise SystemExit(1)


@dossiers_group.command("audit")
@click.argument("number")
def dossiers_audit(number: str) -> None:
    """Print a dossier's audit trail, oldest first, then its archive: the answers it no
    longer holds (hidden, a choice no longer offered, dropped by a migration...), each
    with the version it came from, when and why. For agents: never shown to applicants."""
    with bound_store(forms()):
        try:
            events = storage.dossier_audit(number)
            archived = storage.archived_answers(number)
        except storage.NotFound as exc:
            raise click.ClickException(f"no dossier {number.strip().upper()}") from exc
    for e in events:
        detail = f" {json.dumps(e.detail, ensure_ascii=False)}" if e.detail else ""
        click.echo(f"{e.at.isoformat(timespec='seconds')} {e.actor} {e.action}{detail}")
    click.echo(f"archive: {len(archived)} answer(s)")
    for a in archived:
        click.echo(f"{a.at.isoformat(timespec='seconds')} {a.field_id} = "
                   f"{json.dumps(a.value, ensure_ascii=False)} (version {a.from_version}, "
                   f"{a.why})")


@click.command("demo")
def demo() -> None:
    """Create demo accounts and an agent-registered dossier (idempotent)."""
    registry = forms()
    with bound_store(registry):
        storage.init_db()
        report = storage.load_demo(registry)
    for line in report.created:
        click.echo(f"created  {line}")
    for line in report.existing:
        click.echo(f"exists   {line}")
    for line in report.skipped:
        click.echo(f"skipped  {line}", err=True)
    click.echo("demo accounts (password for all: " + report.password + "):")
    for email in report.accounts:
        click.echo(f"  {email}")


def register(main: click.Group) -> None:
    """Add the storage commands to the `guichet` group."""
    main.add_command(db_group)
    main.add_command(definitions_group)
    main.add_command(dossiers_group)
    main.add_command(demo)
