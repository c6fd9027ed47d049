"""Small helpers shared by the blueprints: who is logged in, the registry, rendering."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import current_app, g, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

import storage
from engine import Registry

V = TypeVar("V", bound=Callable[..., ResponseReturnValue])


SITE_ENDPOINTS = ("index", "dossiers.index", "documents.index", "messages.index",
                  "profile.show", "auth.login", "auth.register", "auth.logout",
                  "auth.switch_language")
STATIC_FILES = {"css": "css/guichet.css", "htmx": "vendor/htmx/htmx.min.js"}


def site_urls() -> dict[str, str]:
    """The addresses every page links to, built once per mount point (url_for is not
    free and the layout would call it on every page)."""
    cache = current_app.extensions.setdefault("guichet.site_urls", {})
    urls = cache.get(request.script_root)
    if urls is None:
        urls = {e: url_for(e) for e in SITE_ENDPOINTS}
        urls.update({k: url_for("static", filename=f) for k, f in STATIC_FILES.items()})
        cache[request.script_root] = urls
    return urls


def registry() -> Registry:
    return current_app.extensions["guichet.registry"]


def account_id() -> int:
    return session["account_id"]


def current_account() -> Any | None:
    """The logged-in account (storage AccountView), read once per request."""
    if "account" not in g:
        g.account = None
        if "account_id" in session:
            try:
                g.account = storage.get_account(session["account_id"])
            except storage.NotFound:
                session.clear()
    return g.account


def dossier_stamp(number: str) -> storage.DossierStamp:
    """The (number, version) of one of the applicant's dossiers: the one read with the
    session check (web/sessions.py) when the address names it, else read now."""
    visit = g.get("visit")
    if visit is not None and visit.number == number.strip():
        if visit.dossier is None:
            raise storage.NotFound(f"dossier {number}")
        return visit.dossier
    return storage.dossier_stamp(account_id(), number, registry())


def account_name() -> str:
    """The applicant's name for page headers, kept in the session (no query per page)."""
    return session.get("name", "")


def login_required(view: V) -> V:
    """Anonymous users go to the login page, and come back here after (htmx requests get
    a 401 with HX-Redirect: web/sessions.py)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if "account_id" not in session:
            from .sessions import to_login

            return to_login()
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site (no scheme, no host, no '//'): never an open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def is_htmx() -> bool:
    """An htmx request wanting a fragment (a history restore wants the whole page)."""
    htmx = current_app.htmx
    return bool(htmx) and not htmx.history_restore_request


def render_page(full: str, fragment: str, status: int = 200, **context: Any
                ) -> ResponseReturnValue:
    """The full page, or only its fragment when htmx asks; caches keep both apart."""
    html = render_template(fragment if is_htmx() else full, **context)
    return html, status, {"Vary": "HX-Request"}


def page_url(url: str) -> None:
    """The address the language switch comes back to when this response is a POST's."""
    g.page_url = url


def current_page_url() -> str:
    if "page_url" in g:
        return g.page_url
    if request.method == "GET":
        return request.full_path.rstrip("?")
    return url_for("dossiers.index")
