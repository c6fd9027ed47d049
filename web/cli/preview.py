"""`guichet preview [PATH...]`: the designer's live preview (web/preview), served by
Werkzeug's development server on this machine only, unless `--host` says otherwise.

The address it binds to comes from `--host` and nowhere else (no setting, no
environment variable): a designer's draft, with the answers typed into it, is never
offered to the network by accident.
"""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Flask

from engine.pipeline import forms_dir
from web import config
from web.cli.data import settings
from web.preview import create_preview_app, is_loopback
from web.preview.views import WATCH

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8001  # beside the portal's 8000


def bind_host(host: str | None) -> str:
    """The address to bind to: `host` as given with --host, else 127.0.0.1."""
    return host or DEFAULT_HOST


class QuietPolls(logging.Filter):
    """Werkzeug logs every request: not the pages' polls, twice a second each."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False (dropped) for the log line of a poll."""
        return f"/{WATCH} " not in record.getMessage()


def serve_preview(app: Flask, host: str, port: int) -> None:
    """Serve `app` on host:port with Werkzeug's threaded development server until
    interrupted (tests replace this function); the pages' polls are not logged."""
    logging.getLogger("werkzeug").addFilter(QuietPolls())
    app.run(host=host, port=port, threaded=True, use_reloader=False, debug=False)


def register(main: click.Group) -> None:
    """Add `preview` to the `guichet` group."""

    @main.command()
    @click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
    @click.option("--host", default=None,
                  help="Address to bind to [127.0.0.1]. Any other one must be given here.")
    @click.option("--port", default=DEFAULT_PORT, show_default=True,
                  type=click.IntRange(1, 65535))
    def preview(paths: tuple[Path, ...], host: str | None, port: int) -> None:
        """Preview definitions (PATH: files or folders; default forms/) as applicants see
        them, with no login and no database: every section, the recap and the PDF from the
        answers typed, sample answers from each definition's tests file. The page
        reloads by itself when a file is saved, and shows the file's errors instead of
        the form while it has some."""
        where = list(paths) or [Path(p) for p in config.forms_paths(settings()) or [forms_dir()]]
        address = bind_host(host)
        if not is_loopback(address):
            click.echo(f"Warning: the preview answers on {address}, not only on this "
                       "machine: anyone who can reach it sees these drafts and what is "
                       "typed in them.", err=True)
        app = create_preview_app(where, address)
        shown = f"[{address}]" if ":" in address else address
        click.echo(f"Guichet preview of {', '.join(str(p) for p in where)}: "
                   f"http://{shown}:{port}/")
        serve_preview(app, address, port)
