"""`guichet serve`: the portal behind gunicorn (Flask's dev server only with --debug)."""

from __future__ import annotations

import os

import click


def _start_background_worker(app) -> None:
    """Documents and emails are done after the response, by a thread of each process."""
    from .mailer import transport_for
    from .worker import Worker

    transport = transport_for(os.environ.get("SMTP_URL") or None)
    app.extensions["guichet.worker"] = Worker(app.extensions["guichet.registry"],
                                              transport).start()


def register(main: click.Group) -> None:
    @main.command()
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=8000, show_default=True, type=int)
    @click.option("--debug", is_flag=True, help="Flask's development server, with reloader.")
    @click.option("--workers", type=int, default=None,
                  help="gunicorn worker processes [GUICHET_WORKERS or 2-4]")
    @click.option("--threads", type=int, default=None,
                  help="threads per worker [GUICHET_THREADS or 8]")
    @click.option("--no-background", is_flag=True,
                  help="Do not render documents or send emails from this server.")
    def serve(host: str, port: int, debug: bool, workers: int | None, threads: int | None,
              no_background: bool) -> None:
        """Serve the applicant portal (DATABASE_URL, GUICHET_SECRET_KEY from the environment)."""
        from . import create_app

        hook = None if no_background else _start_background_worker
        if debug:
            app = create_app({"DEBUG": True})
            if hook and os.environ.get("WERKZEUG_RUN_MAIN") == "true":
                hook(app)
            app.run(host=host, port=port, debug=True)
            return
        from .server import PortalServer, server_options

        click.echo(f"Guichet: http://{host}:{port}/ (gunicorn)")
        PortalServer(create_app, server_options(host, port, workers=workers, threads=threads),
                     on_worker_start=hook).run()
