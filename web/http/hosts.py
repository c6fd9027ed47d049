"""Only the configured host names are served: a forged Host header gets a bare 400.

Flask checks the Host header (or X-Forwarded-Host, when PROXY_FIX trusts it)
against TRUSTED_HOSTS (web/config.py: the configured names, else 127.0.0.1 and
localhost, and always the host of PORTAL_URL). Without it, `Host: evil.example`
on `/dossiers` was answered by a redirect to `http://evil.example/dossiers/`, and
any absolute address built from the request would point there. Absolute
addresses (emails, reset links) are built from PORTAL_URL only.

Flask refuses such a request when it matches its URL, and builds no address for
it, so the portal's own error page (whose layout links every page) cannot be
shown: the first hook of the request answers a short, self-contained page
instead, before any other hook runs. An area that answers errors itself (the JSON API
under /api: problem+json) answers there in its own way.
"""

from __future__ import annotations

import logging

from flask import Flask, request
from flask.typing import ResponseReturnValue
from markupsafe import escape
from werkzeug.exceptions import SecurityError

from web.http.errors import area_responds, friendly_page
from web.http.logs import request_id

log = logging.getLogger("guichet.web")

PAGE = ("<!doctype html><html lang=\"fr\"><meta charset=\"utf-8\"><title>400</title>"
        "<h1>Adresse inconnue</h1><p>Ce site ne répond pas à cette adresse. "
        "<span lang=\"en\">This site does not answer at this address.</span></p>"
        "<p>Référence / Reference: {id}</p></html>")


def _refuse_untrusted_host() -> ResponseReturnValue | None:
    if not isinstance(request.routing_exception, SecurityError):
        return None
    log.warning("untrusted host refused", extra={"event": "untrusted_host"})
    if area_responds():  # the JSON API: its 400 problem+json, never this HTML page
        return friendly_page(400)
    return PAGE.format(id=escape(request_id())), 400, {"Content-Type": "text/html; "
                                                             "charset=utf-8"}


def init_app(app: Flask) -> None:
    """Answer a request naming a host outside TRUSTED_HOSTS with a bare 400 page.
    Register right after the request id, before any hook that builds an address."""
    app.before_request(_refuse_untrusted_host)
