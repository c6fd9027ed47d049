"""`guichet db init`, `guichet dossiers expire` and `guichet demo`.

`web/cli.py` calls `register(main)`. The database comes from DATABASE_URL
(unset: SQLite in the instance folder, ./instance or GUICHET_INSTANCE).
Storage is imported inside the commands so `guichet check` stays fast.
"""

from __future__ import annotations

import os

import click

DEFAULT_INSTANCE = "instance"


def instance_path() -> str:
    return os.path.abspath(os.environ.get("GUICHET_INSTANCE") or DEFAULT_INSTANCE)


def _configure() -> None:
    from . import db

    db.configure(os.environ.get("DATABASE_URL") or None, instance_path())


def _registry():
    from engine import DefinitionError, load_registry

    try:
        return load_registry()
    except DefinitionError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("db")
def db_group() -> None:
    """The database (DATABASE_URL, or SQLite in the instance folder)."""


@db_group.command("init")
def db_init() -> None:
    """Create the tables (harmless when they exist)."""
    from . import db

    _configure()
    db.init_db()
    click.echo(f"database ready ({db.describe()})")


@click.group("dossiers")
def dossiers_group() -> None:
    """Dossier maintenance."""


@dossiers_group.command("expire")
def dossiers_expire() -> None:
    """Move drafts past their deadline to their definition's deadline state."""
    from .expiry import expire_overdue

    _configure()
    click.echo(f"{expire_overdue(_registry())} dossier(s) expired")


@click.command("demo")
def demo() -> None:
    """Create demo accounts and an agent-registered dossier (idempotent)."""
    from . import db
    from .demo import load_demo

    _configure()
    db.init_db()
    report = load_demo(_registry())
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
    main.add_command(dossiers_group)
    main.add_command(demo)
