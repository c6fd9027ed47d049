"""The designer's preview (`guichet preview`): every section of a definition as
applicants see it, redrawn by itself within a second of the file being saved.

Design: a small Flask app of its own, with no login, no database and no storage at all.
It draws the portal's own section page (web/forms/page.py `draw_section`, the
templates of web/templates/forms/, the same htmx updates of the questions and the
same language switch), the recap and the recap PDF (web/background/pdf.py) from
answers held in memory for each browser (`answers`). Its blueprint is named `forms`
and its site links take the portal's endpoint names, so the portal's templates build
their addresses unchanged; the preview only adds its bar above the page
(templates/preview/). Files are watched by polling (web/preview/watch.py); a
definition's tests file gives sample answers (web/preview/samples.py).

Since nothing is published, a designer's save that keeps the version with new content
is simply shown: the portal's protection of published versions is about its database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_htmx import HTMX

from web import config
from web.accounts import auth
from web.http import csrf, errors, hosts
from web.i18n import init_app as i18n_init_app
from web.preview import views
from web.preview.watch import WORKSPACE, Workspace
from web.ui import redisplay

LOOPBACK = (*config.LOCAL_HOSTS, "::1", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or name to bind to) is this machine only."""
    return host in LOOPBACK or host.startswith("127.")


def create_preview_app(paths: Iterable[Path], host: str = "127.0.0.1",
                       test_config: Mapping[str, Any] | None = None) -> Flask:
    """The preview app for the definitions under `paths` (files, or folders whose
    *.yaml files are definitions, their *.tests.yaml left out). `host`: the address it
    is bound to; on a loopback address only requests naming this machine are answered
    (a web page of another site cannot reach it by a name of its own). A new secret
    key each time: nothing survives the process."""
    app = Flask("web", static_folder="static", template_folder="templates")
    app.config.update(
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_NAME="guichet_preview",  # not the portal's, on the same host
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,  # a preview left open for hours still reloads
        TRUSTED_HOSTS=[*config.LOCAL_HOSTS, "::1"] if is_loopback(host) else None,
    )
    app.config.update(test_config or {})
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["without_accounts"] = True  # no Connexion, no Créer un compte
    app.jinja_env.globals["without_downloads"] = True  # files are not kept: names, no links
    app.extensions[WORKSPACE] = Workspace(list(paths))
    errors.init_app(app)  # as the portal: request id, logs, friendly error pages
    hosts.init_app(app)
    i18n_init_app(app)
    csrf.init_app(app)
    redisplay.init_app(app)  # the language switch of the section page
    auth.init_app(app)  # the layout's globals (site links, error titles)
    HTMX().init_app(app)
    views.init_app(app)
    return app
