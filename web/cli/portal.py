"""`guichet serve`, `guichet mail send` and `guichet documents render`.

The two one-round commands do what the server's background thread does every
few seconds; they suit a cron job, or a deployment that serves with
`--no-background` and runs the slow work elsewhere. Emails go over SMTP_URL
(smtp://host:port, `?starttls=1`, `user:password@` for login, smtps:// for
implicit TLS); without it they are written to the log. All of them read the
configuration of web/config.py, as the app does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import click
from flask import Flask
from werkzeug.serving import is_running_from_reloader, run_simple

import storage
from engine.pipeline import definition_paths
from web import config, create_app, store_of
from web.api.openapi import document_json
from web.background.mailer import Transport, describe, send_pending, transport_for
from web.background.worker import Worker, render_pending_documents
from web.cli.data import Refused, bound_store, checked_forms, forms, refuse, settings
from web.cli.served import Served, error_page
from web.cli.server import PortalServer, server_options
from web.http.logs import handler

NOT_STARTED = "the portal was not started (`guichet check` lists the same errors)"


def _log_to_stderr() -> None:
    """Background messages (emails logged without SMTP_URL, failures) reach stderr, as
    the server's own logs do (the app sets this up; these commands build no app)."""

    logger = logging.getLogger("guichet")
    if not logger.handlers:
        logger.addHandler(handler())
        logger.propagate = False
    logger.setLevel(logging.INFO)


def _transport(smtp_url: str | None) -> Transport:
    """Over `smtp_url` (the SMTP_URL setting), else to the log."""

    try:
        return transport_for(smtp_url)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


def _start_background_worker(app: Flask) -> None:
    """Documents and emails are done after the response, by a thread of each process,
    on the app's own store."""

    _log_to_stderr()
    transport = _transport(app.config["SMTP_URL"])
    logging.getLogger("guichet.worker").info("background worker: emails to %s",
                                             describe(transport))
    app.extensions["guichet.worker"] = Worker(store_of(app), transport).start()


@click.group("mail")
def mail_group() -> None:
    """The outbox (emails queued by submissions and password resets)."""


@mail_group.command("send")
@click.option("--limit", default=50, show_default=True, help="emails at most in this round")
def mail_send(limit: int) -> None:
    """Send the pending emails once (SMTP_URL; without it, write them to the log).
    Failures stay pending and are retried later, with backoff."""

    _log_to_stderr()
    transport = _transport(settings()["SMTP_URL"])
    with bound_store():
        report = send_pending(transport, limit)
    click.echo(f"{report.sent} email(s) sent to {describe(transport)}, "
               f"{report.failed} failed (kept for a later try)")


@click.group("documents")
def documents_group() -> None:
    """Documents of "Mes documents"."""


@documents_group.command("render")
@click.option("--limit", default=20, show_default=True, help="documents at most in this round")
def documents_render(limit: int) -> None:
    """Render the pending documents (recap PDFs) once, from their frozen snapshots."""

    _log_to_stderr()
    registry = forms()
    with bound_store(registry):
        done = render_pending_documents(registry, limit)
    click.echo(f"{done} document(s) rendered")


@click.group("schedules")
def schedules_group() -> None:
    """Reminders, schedule transitions and retention (the definitions' `workflow`)."""


@schedules_group.command("run")
def schedules_run() -> None:
    """Run every schedule once: due reminders are posted, due `by: schedule`
    transitions taken, dossiers past their retention purged. Safe beside a running
    portal: each job is done once."""

    _log_to_stderr()
    registry = forms()
    with bound_store(registry):
        report = storage.run_schedules(registry)
    click.echo(f"{report.reminders} reminder(s) sent, {report.transitions} dossier(s) "
               f"moved by a schedule, {report.purged} dossier(s) purged")


def register(main: click.Group) -> None:
    """Add `serve`, `mail`, `documents` and `schedules` to the `guichet` group."""
    main.add_command(mail_group)
    main.add_command(documents_group)
    main.add_command(schedules_group)

    @main.command()
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
    @click.option("--debug", is_flag=True, help="Flask's development server, with reloader.")
    @click.option("--workers", type=click.IntRange(1, config.MAX_PROCESSES), default=None,
                  help="gunicorn worker processes [GUICHET_WORKERS or 2-4]")
    @click.option("--threads", type=click.IntRange(1, config.MAX_PROCESSES), default=None,
                  help="threads per worker [GUICHET_THREADS or 8]")
    @click.option("--no-background", is_flag=True,
                  help="Do not render documents or send emails from this server.")
    def serve(host: str, port: int, debug: bool, workers: int | None, threads: int | None,
              no_background: bool) -> None:
        """Serve the applicant portal, configured from the environment (`guichet settings`
        lists the variables); each process renders documents and sends emails in the
        background."""

        values = settings()  # a variable that cannot be used stops here, not in every worker
        paths = config.forms_paths(values)
        if not no_background:
            _transport(values["SMTP_URL"])
        hook = None if no_background else _start_background_worker
        if debug:
            _serve_debug(host, port, paths, hook)
            return
        # a wrong definition or a published version edited in forms/ stops here too,
        # before any worker starts; on a reload (SIGHUP) they are logged and the
        # workers keep the definitions served before (web/cli/served.py)
        try:
            served = Served(paths)
        except Refused as exc:
            refuse(exc, NOT_STARTED)
        _log_to_stderr()  # the reloads' lines, from the master

        def factory() -> Flask:
            return openapi_ready(create_app({"REGISTRY": served.registry}))

        click.echo(f"Guichet: http://{host}:{port}/ (gunicorn)")
        PortalServer(factory, server_options(host, port, workers=workers, threads=threads),
                     on_worker_start=hook, on_reload=served.reload).run()


def openapi_ready(app: Flask) -> Flask:
    """`app` with its OpenAPI document built (web/api/openapi.py), as the server starts:
    generated at start-up (issue #18), so no request waits for it."""
    with store_of(app).bound():
        document_json(app)
    return app


def _serve_debug(host: str, port: int, paths: list[str] | None,
                 hook: Callable[[Flask], None] | None) -> None:
    """Flask's development server, restarted by its reloader when Python code or a
    definition file changes. Broken definitions stop the first start (exit 2, as
    without --debug); in a restarted process they are written to stderr and served as
    a plain page (served.error_page) until a save fixes them."""
    files = [str(p) for p in definition_paths(paths) if p.is_file()]
    try:
        registry = checked_forms(paths)
    except Refused as exc:
        if not is_running_from_reloader():
            refuse(exc, NOT_STARTED)
        for line in exc.lines:
            click.echo(line, err=True)
        click.echo(f"{len(exc.lines)} error(s): serving them as a page until a file is "
                   "saved", err=True)
        run_simple(host, port, error_page(exc.lines), use_reloader=True, extra_files=files)
        return
    app = openapi_ready(create_app({"DEBUG": True, "REGISTRY": registry}))
    if hook and is_running_from_reloader():
        hook(app)
    app.run(host=host, port=port, debug=True, extra_files=files)
