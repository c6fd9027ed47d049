"""Page rendering shared by the blueprints: full page or htmx fragment, the site's links,
safe redirect targets, the address the language switch comes back to, and whether the
page shows errors (its title then says so first, as GOV.UK and Canada.ca do)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, g, render_template, request, url_for
from flask.typing import ResponseReturnValue

SITE_ENDPOINTS = ("index", "dossiers.index", "documents.index", "messages.index",
                  "profile.show", "auth.login", "auth.register", "auth.logout",
                  "auth.switch_language")
STATIC_FILES = {"css": "css/guichet.css", "htmx": "vendor/htmx/htmx.min.js",
                "idiomorph": "vendor/idiomorph/idiomorph-ext.min.js", "js": "js/guichet.js",
                "icon": "favicon.svg"}
# A page whose address holds a key (a reset or activation link) or that shows a secret:
# never cached, and its address never sent to another site. Same-origin, not no-referrer:
# over HTTPS Flask-WTF refuses a POST without a Referer.
PRIVATE = {"Referrer-Policy": "same-origin", "Cache-Control": "no-store"}


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


def portal_url_for(endpoint: str, **values: Any) -> str:
    """The absolute address of a page, for an email: the configured PORTAL_URL (with its
    mount point, as in notification emails), then the page's path on this site; never
    the request's Host header, so a forged Host cannot send anyone to another site."""
    path = url_for(endpoint, **values)[len(request.script_root):]
    return current_app.config["PORTAL_URL"].rstrip("/") + path


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`: never an open redirect,
    never a header a server refuses. Refused: a scheme, a host, '//' (another host), a
    backslash (browsers read '/\\host' as '//host'), any control character (a line
    break cannot go in a Location header) and anything not starting with '/'."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7f for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


# "1" in a section's form: the draft saved by web/static/js/guichet.js as the applicant
# leaves the page (a link followed): no page is shown for it.
LEAVING_FIELD = "guichet_leaving"
LOGIN_HEADER = "Guichet-Login"  # where a leaving save sends the browser to log in


def is_leaving() -> bool:
    """A POST made by guichet.js while the applicant leaves the page: it wants no page,
    only whether it was saved (204) or where to log in (401 and `LOGIN_HEADER`)."""
    return request.method == "POST" and request.form.get(LEAVING_FIELD) == "1"


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
    """The path the language switch comes back to: the one a POST's view set
    (`page_url`), else this GET's path and query, else Mes dossiers (a POST must not be
    repeated by coming back)."""
    if "page_url" in g:
        return g.page_url
    if request.method == "GET":
        return request.full_path.rstrip("?")
    return url_for("dossiers.index")


def note_errors() -> str:
    """Mark this response's page as showing errors (an error summary or an error notice
    calls it while it renders; base.html renders the content before the title).
    Returns "" so a template can call it in place."""
    g.page_errors = True
    return ""


def page_has_errors() -> bool:
    """Whether the page rendered so far showed errors: its `<title>` starts with
    "Erreur :" ("Error:")."""
    return bool(g.get("page_errors"))
