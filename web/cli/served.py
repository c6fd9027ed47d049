"""The dossier types a running `guichet serve` serves: a broken definition never takes
the portal down (issue 16).

`guichet serve` checks every definition of the forms folder before any worker starts,
as `guichet check` does with the database (data.checked_forms), and refuses to start
with the errors. A reload (SIGHUP to the gunicorn master: `kill -HUP`, `systemctl
reload`) checks the folder again in the master, before gunicorn forks the new
workers: definitions that pass are published and served by the new workers; broken
ones are logged (one JSON line listing every `file:line: message`) and the new
workers serve the definitions that were served before.

The master holds the compiled registry it checked, and each worker builds its app on
it (create_app's REGISTRY) instead of reading the folder again: a worker forked after a
refused reload (one that crashed or timed out) serves the same types as the others. A
registry holds no database connection, so each worker still opens its own.

With `--debug` (Flask's server and its reloader, which restarts a new process on each
change of a definition file), there is no process left holding the old definitions:
the restarted process serves a plain page listing the errors instead of the portal,
and the next save that fixes them brings the portal back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from engine import Registry
from web.cli.data import Refused, checked_forms

log = logging.getLogger("guichet.definitions")


class Served:
    """The registry the portal serves, checked (data.checked_forms) from `paths`
    (config.forms_paths: None is forms/). Building one raises data.Refused when the
    definitions cannot be served, and what checked_forms raises."""

    def __init__(self, paths: list[str] | None) -> None:
        self.paths = paths
        self.registry: Registry = checked_forms(paths)

    def reload(self) -> bool:
        """Read and check the definitions again; when they can be served, publish them
        and serve them from now on (True), else keep `registry` and log an error
        (False): logger `guichet.definitions`, message "definitions not reloaded...",
        field `errors` (the "file:line: message" list). A failure of the database is
        logged the same way, as its exception's type and first line."""
        try:
            registry = checked_forms(self.paths)
        except Refused as exc:
            log.error("definitions not reloaded: %d error(s); the previous ones are still "
                      "served", len(exc.lines), extra={"errors": exc.lines})
            return False
        except Exception as exc:  # the database, most likely: never leave the portal down
            first = str(exc).splitlines()[0] if str(exc) else ""
            log.error("definitions not reloaded: %s: %s; the previous ones are still served",
                      type(exc).__name__, first, extra={"errors": []})
            return False
        self.registry = registry
        log.info("definitions reloaded", extra={
            "types": [f"{c.id} version {c.definition.version}" for c in registry]})
        return True


def error_page(lines: Iterable[str]) -> Callable[..., Any]:
    """A WSGI app answering every request with 503 and a plain-text page listing
    `lines` (the definitions' errors): what `guichet serve --debug` serves while its
    definitions are broken, on the developer's machine only."""
    body = ("The dossier definitions have errors; the portal comes back when they are "
            "fixed and saved.\n\n" + "\n".join(lines) + "\n").encode("utf-8")

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("503 Service Unavailable", [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))), ("Retry-After", "1")])
        return [body]

    return app
