"""`guichet openapi`: the API's OpenAPI document, printed without a server.

The same document GET /api/v1/openapi.json serves (web/api/openapi.py): the portal app
is built as `guichet serve` builds it (configuration from the environment, forms/,
the database's published versions), and its document is printed. Under Flask's test
runner the app under test is used, so tests compare the two.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import ScriptInfo

from web import config, create_app, store_of
from web.api.openapi import document_json


def _app() -> Flask:
    """The app of Flask's test runner when there is one, else the portal from settings."""
    info = click.get_current_context().find_object(ScriptInfo)
    if info is not None and info.create_app is not None:
        return info.load_app()
    try:
        return create_app()
    except config.ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command("openapi")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the document to this file (UTF-8) instead of printing it.")
def openapi_cmd(output: Path | None) -> None:
    """Print the OpenAPI 3.1 document of the JSON API (/api/v1), with every published
    version's schemas and form descriptions: the one /api/v1/openapi.json serves."""
    app = _app()
    with store_of(app).bound():
        text = document_json(app)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"OpenAPI document written to {output}", err=True)


def register(main: click.Group) -> None:
    """Add `guichet openapi` to `main`."""
    main.add_command(openapi_cmd)
