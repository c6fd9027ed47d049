"""`guichet export TYPE`: the submitted dossiers of one type and version as CSV, XLSX or
JSON, on stdout or in a file, streamed (docs/exports.md). Each export is audited with
the actor "cli" (the command runs on the server, outside any agent session)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import storage
from web.cli.data import bound_store, forms

CLI_ACTOR = "cli"


@click.command("export")
@click.argument("type_id", metavar="TYPE")
@click.option("--version", type=int, default=None,
              help="definition version (default: the one forms/ serves now)")
@click.option("--state", default=None, help="only dossiers in this state (a state id)")
@click.option("--format", "fmt", required=True, type=click.Choice(storage.EXPORT_FORMATS))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="file to write (default: stdout)")
@click.option("--include-masked", is_flag=True,
              help="include the answers of masked questions (otherwise: \"masqué\")")
def export_cmd(type_id: str, version: int | None, state: str | None, fmt: str,
               output: Path | None, include_masked: bool) -> None:
    """Export the submitted dossiers of TYPE: their number, state and dates, then one
    column per question of that version (docs/exports.md). Exit 1 with the reason for
    an unknown type, version or state (nothing is written then)."""
    with bound_store(forms()):
        try:
            chunks = storage.export_dossiers(type_id, version, state, fmt, include_masked,
                                             CLI_ACTOR, None)
        except storage.NotFound as exc:
            raise click.ClickException(f"{exc}: not published here") from exc
        except storage.ExportRefused as exc:
            raise click.ClickException(f"unknown {exc.code} {state!r}; known: "
                                       + ", ".join(exc.known)) from exc
        if output is None:
            stdout = sys.stdout.buffer
            for chunk in chunks:
                stdout.write(chunk)
            stdout.flush()
            return
        # written beside, then renamed: a failed export never leaves half a file
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("wb") as out:
                for chunk in chunks:
                    out.write(chunk)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
