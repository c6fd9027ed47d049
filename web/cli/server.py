"""The production server: gunicorn, run from Python so `guichet serve` is the only command.

Each gunicorn worker process builds its own app (no `preload_app`): database
connections are never shared across a fork. What the master holds is only the
factory's arguments: `guichet serve` gives the dossier types the master checked, so a
reload (SIGHUP) whose definitions are broken leaves the workers on the previous ones
(web/cli/served.py). The benchmark serves a bare app through the same class and
options so the two are measured alike.

Responses do not advertise the server software (ASVS 14.3.3): gunicorn writes
`Server: gunicorn` on every response and has no setting for it (its maintainers
declined one: benoitc/gunicorn#825, #1617), and a `Server` header set by the app
would only be sent in addition. The one way is the module constant
`gunicorn.SERVER`, which gunicorn's HTTP module copies when it is first imported
(by the worker class, when the server starts): `PortalServer` sets it before
that. It is not a documented setting but a public module attribute that
deployments override by common practice (GOV.UK Notify, cds-snc's Notify); the
test that starts a real `guichet serve` checks it still works with each gunicorn.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import gunicorn
from flask import Flask
from gunicorn.app.base import BaseApplication

from web import config


def default_workers() -> int:
    """Worker processes when WORKERS is unset: 2 to 4, by the number of CPUs."""
    return max(2, min(4, os.cpu_count() or 1))


def server_options(host: str, port: int, *, workers: int | None = None,
                   threads: int | None = None) -> dict[str, Any]:
    """The gunicorn settings `guichet serve` uses. `workers`, `threads` (per worker:
    requests wait on the database): None takes WORKERS and THREADS from the
    configuration (web/config.py). Raises config.ConfigError for a bad variable."""
    values = config.load()
    return {
        "bind": f"{host}:{port}",
        "workers": workers or values["WORKERS"] or default_workers(),
        "worker_class": "gthread",
        "threads": threads or values["THREADS"],
        "keepalive": 5,
        "timeout": 60,
        "graceful_timeout": 20,
        # No access log: the app logs one JSON line per request with its id and the
        # path's secrets redacted (web/http/logs.py); gunicorn's line would hold the raw
        # path, a password-reset or activation link's token included.
        "accesslog": None,
        "errorlog": "-",
        "proc_name": "guichet",
        # Forwarded headers are trusted by the app alone, and only with PROXY_FIX
        # (werkzeug's ProxyFix: web/http/headers.py). gunicorn's defaults would trust
        # X-Forwarded-Proto (and SCRIPT_NAME/PATH_INFO headers) from 127.0.0.1 or a
        # FORWARDED_ALLOW_IPS variable, whatever PROXY_FIX says: they are emptied here.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "forwarder_headers": "",
        # gunicorn >= 24's control socket sits at one path per user: two servers on a
        # machine (tests, the benchmark) would fight over it, and nothing here uses it.
        "control_socket_disable": True,
    }


SERVER_HEADER = "guichet"  # the Server header's value: no server software, no version


class PortalServer(BaseApplication):
    """gunicorn around an app factory called once in each worker process; its responses
    say `Server: guichet` instead of gunicorn's name (see the module's docstring)."""

    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any],
                 on_worker_start: Callable[[Flask], None] | None = None,
                 on_reload: Callable[[], object] | None = None) -> None:
        """`on_reload()`: called in the master on each reload (SIGHUP), before the new
        workers are forked (gunicorn's `on_reload` server hook); its result is ignored."""
        gunicorn.SERVER = SERVER_HEADER  # before gunicorn's HTTP module is imported
        self.factory = factory
        self.options = options
        self.on_worker_start = on_worker_start
        self.on_reload = on_reload
        super().__init__()

    def load_config(self) -> None:
        """gunicorn's hook (at start and on each reload): apply `options` (gunicorn
        setting name -> value), skipping None values and names gunicorn does not know;
        then the `on_reload` server hook."""
        for key, value in self.options.items():
            if value is not None and key in self.cfg.settings:
                self.cfg.set(key, value)
        if self.on_reload is not None:
            reload = self.on_reload
            self.cfg.set("on_reload", lambda arbiter: reload())

    def load(self) -> Flask:
        """gunicorn's hook, in each worker process: a new app from the factory, then
        `on_worker_start(app)` (the background worker) when given."""
        app = self.factory()
        if self.on_worker_start is not None:
            self.on_worker_start(app)
        return app
