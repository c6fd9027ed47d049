"""The applicant portal: a Flask app whose pages are generated from the dossier definitions.

`create_app` follows Flask's tutorial (flaskr): configuration (web/config.py),
extensions and one blueprint per area. Each app opens its own storage store (its
database, registry and portal address) and makes it current for every request it
serves, so two apps in one process never share a database. Views call storage's
public functions, each its own transaction (storage/orm/transactions.py): a commit
that fails raises inside the call, and reaches the error handlers like any error.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_htmx import HTMX

import storage
from engine import load_registry
from engine.pipeline import republished_error
from web import api, config, forms, i18n
from web.accounts import auth, login_session, password_reset, profile, signup
from web.agent import auth as agent_auth
from web.agent import bp as agent_bp
from web.dossiers import views
from web.forms import page_cache, saving, uploads
from web.http import (
    body_length,
    cookies,
    csrf,
    errors,
    faults,
    headers,
    hosts,
    limits,
    logs,
    nul_bytes,
)
from web.inbox import documents, messages
from web.registry import EXTENSION as REGISTRY_EXTENSION
from web.ui import redisplay

log = logging.getLogger("guichet.definitions")

htmx = HTMX()
STORE = "guichet.store"  # app.extensions key: the app's storage.Store


class GuichetFlask(Flask):
    """Flask with the app's store current during each request.

    The store is made current around the whole WSGI call (hooks such as the session
    check read the database before the view). No transaction spans the request: each
    storage call is one, so a page holds no database session while it renders.
    """

    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Any:
        """Flask's WSGI application, with this app's store current for the request."""
        with self.extensions[STORE].bound():
            return super().wsgi_app(environ, start_response)


def store_of(app: Flask) -> storage.Store:
    """The storage store `create_app` opened for `app` (bind it with `.bound()` to call
    storage outside a request: tests, commands)."""
    return app.extensions[STORE]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the portal: configuration (web/config.py: defaults, then the environment,
    then `test_config`), its own storage store, the registry of dossier types,
    extensions and blueprints. Raises config.ConfigError for a setting that cannot be
    used, engine.DefinitionError for a wrong definition."""
    settings = config.load(test_config)
    app = GuichetFlask(__name__, instance_relative_config=True,
                       instance_path=settings["INSTANCE_PATH"])
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    registry = app.config["REGISTRY"] or load_registry(config.forms_paths(app.config))
    app.extensions[REGISTRY_EXTENSION] = registry
    store = storage.open_store(app.config["DATABASE_URL"], app.instance_path,
                               registry=registry, portal_url=app.config["PORTAL_URL"],
                               timeouts=config.database_timeouts(app.config),
                               files=config.file_settings(app.config),
                               receipt_key=config.receipt_key(app.config))
    app.extensions[STORE] = store
    with store.bound():
        storage.init_db()
        for changed in storage.publish_definitions(registry):
            # `guichet check` and `guichet serve` refuse this; a process started anyway
            # serves its own file for that version, and says so
            log.error("%s", republished_error(changed))
        # every older version a dossier is pinned to, compiled now rather than on a page
        for type_id, version in storage.load_pinned(registry):
            log.warning("dossiers of %s version %s: that version is not published here, "
                        "they cannot be shown", type_id, version)
    store.disconnect()  # requests come on other threads: keep no idle connection here

    errors.init_app(app)  # first: the request id and the logs, for every page
    hosts.init_app(app)  # then: a forged Host header is refused before anything else
    i18n.init_app(app)  # the language, before anything may refuse a request
    nul_bytes.init_app(app)  # before any hook that reads the database
    uploads.init_app(app)  # before CSRF's check reads the body: its limit is set first
    body_length.init_app(app)  # then a chunked body is held to that limit
    csrf.init_app(app)
    redisplay.init_app(app)  # after CSRF's check: only a valid post switches the language
    login_session.init_app(app)  # after CSRF's check: answers kept aside only on a valid token
    cookies.init_app(app)
    logs.init_app(app)
    faults.init_app(app)
    headers.init_app(app)
    limits.init_app(app)
    htmx.init_app(app)
    page_cache.init_app(app)
    saving.init_app(app)
    auth.init_app(app)
    for bp in (auth.bp, signup.bp, password_reset.bp, profile.bp, views.bp, forms.bp, messages.bp,
               documents.bp, agent_bp):
        app.register_blueprint(bp)
    api.init_app(app)
    app.add_url_rule("/", "index", auth.index)
    errors.add_area(app, errors.Area(cookies.is_agent_path, "agent/base.html", "agent.home",
                                     agent_auth.load_agent))
    return app
