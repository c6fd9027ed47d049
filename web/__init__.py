"""The applicant portal: a Flask app whose pages are generated from the dossier definitions.

`create_app` follows Flask's tutorial (flaskr): configuration, extensions and one
blueprint per area. Each view runs inside one database session, opened around the
dispatch itself so that a failing commit reaches the error handlers like any error.
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask
from flask.typing import ResponseReturnValue
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect

import storage
from engine import load_registry

csrf = CSRFProtect()
htmx = HTMX()


class GuichetFlask(Flask):
    """Flask with one `storage.session` (Pony db_session) around each view's dispatch.

    `session_hooks` run inside that database session, after every before_request
    hook and before the view; like a before_request hook, one may answer instead of
    the view. The session check (web/sessions.py) is one: its read and the view's
    share one database session instead of opening two.
    """

    @functools.cached_property
    def session_hooks(self) -> list[Callable[[], ResponseReturnValue | None]]:
        return []

    def dispatch_request(self) -> ResponseReturnValue:
        with storage.session():
            for hook in self.session_hooks:
                answer = hook()
                if answer is not None:
                    return answer
            return super().dispatch_request()

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        """Flask's answer, remembered per function: Flask asks it for every hook and view
        on every request, and each answer inspects the function anew."""
        sync = self._sync_functions.get(func)
        if sync is None:
            sync = self._sync_functions[func] = super().ensure_sync(func)
        return sync

    @functools.cached_property
    def _sync_functions(self) -> dict[Callable[..., Any], Callable[..., Any]]:
        return {}


def _secret_key(instance_path: str) -> str:
    """GUICHET_SECRET_KEY, else a key made once and kept in the instance folder, so every
    server process (and every restart) signs sessions with the same key."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        tmp = f"{path}.{os.getpid()}"
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
            f.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # atomic: the first process wins, the others read its key
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    with open(path) as f:
        return f.read().strip()


def _configure(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("GUICHET_SECRET_KEY"),
        DATABASE_URL=os.environ.get("DATABASE_URL") or None,
        PORTAL_URL=os.environ.get("GUICHET_PORTAL_URL", "http://127.0.0.1:8000"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.config.from_prefixed_env("GUICHET")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _secret_key(app.instance_path)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal: config, database, registry of dossier types, blueprints."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.path.abspath(
        os.environ.get("GUICHET_INSTANCE") or "instance")  # as `guichet db init` reads it
    app = GuichetFlask(__name__, instance_relative_config=True, instance_path=instance_path)
    _configure(app, test_config)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    registry = app.config.get("REGISTRY") or load_registry()
    app.extensions["guichet.registry"] = registry
    storage.use_registry(registry)
    storage.configure(app.config["DATABASE_URL"], app.instance_path,
                      portal_url=app.config["PORTAL_URL"])
    storage.init_db()

    from . import (
        auth,
        csrf_tokens,
        documents,
        dossiers,
        errors,
        forms,
        i18n,
        limits,
        messages,
        page_cache,
        password,
        profile,
    )

    errors.init_app(app)  # first: the request id and the language, for every page
    i18n.init_app(app)
    csrf_tokens.init_app(app, csrf)  # CSRFProtect, checked for POST & co. only
    limits.init_app(app)
    page_cache.init_app(app)
    htmx.init_app(app)
    auth.init_app(app)
    from . import security

    security.init_app(app)  # after CSRF: headers, sessions, request logs, database faults
    for module in (auth, password, profile, dossiers, forms, messages, documents):
        app.register_blueprint(module.bp)
    app.add_url_rule("/", "index", auth.index)
    return app
