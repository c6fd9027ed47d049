"""Security headers on every page (every GET route of url_map, as the owner and as an
anonymous visitor, error pages too), and pages that need nothing the CSP forbids: no
inline script, no inline style, no event-handler attribute, htmx without eval."""

from __future__ import annotations

import re

import pytest

from tests.web.routes import World, build_world, calls, logged_in, request

REQUIRED_CSP = {
    "default-src": {"'self'"}, "script-src": {"'self'"}, "object-src": {"'none'"},
    "frame-ancestors": {"'none'"}, "base-uri": {"'self'"}, "form-action": {"'self'"},
}
FORBIDDEN_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}
# the one page with a looser policy of its own: the API reference page, whose Redoc
# writes its styles at run time (web/api/openapi.py DOCS_CSP); its scripts stay 'self'
INLINE_STYLES_ALLOWED = {"/api/v1/docs"}
# the same for everyone, no personal data: cacheable (web/api/openapi.py, with an ETag)
PUBLIC_DOCUMENTS = {"/api/v1/openapi.json"}


@pytest.fixture
def world(maria, other, registry) -> World:
    return build_world(maria, other, registry)


def csp(response) -> dict[str, set[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = [d.strip().split() for d in policy.split(";") if d.strip()]
    return {d[0]: set(d[1:]) for d in directives}


def header_problems(response) -> list[str]:
    problems = []
    policy = csp(response)
    for name, sources in REQUIRED_CSP.items():
        if policy.get(name) != sources:
            problems.append(f"CSP {name} is {policy.get(name)}")
    for name in ("script-src", "style-src", "default-src"):
        forbidden = FORBIDDEN_SOURCES
        if name == "style-src" and response.request.path in INLINE_STYLES_ALLOWED:
            forbidden = FORBIDDEN_SOURCES - {"'unsafe-inline'"}
        if policy.get(name, set()) & forbidden:
            problems.append(f"CSP {name} allows {policy[name] & forbidden}")
    expected = {"X-Content-Type-Options": {"nosniff"}, "X-Frame-Options": {"DENY"},
                "Referrer-Policy": {"strict-origin-when-cross-origin", "same-origin"}}
    for name, allowed in expected.items():
        if response.headers.get(name) not in allowed:
            problems.append(f"{name}: {response.headers.get(name)}")
    if "camera=()" not in response.headers.get("Permissions-Policy", ""):
        problems.append("Permissions-Policy missing")
    return problems


INLINE = [
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>"), "inline script"),
    (re.compile(r"<script[^>]*>[^<]+</script>"), "script with a body"),
    (re.compile(r"<style[\s>]"), "style element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on (needs eval)"),
    (re.compile(r"\shx-vals=['\"]\s*js:", re.I), "hx-vals js: (needs eval)"),
]


def markup_problems(response) -> list[str]:
    if response.mimetype != "text/html":
        return []
    page = response.get_data(as_text=True)
    return [what for pattern, what in INLINE if pattern.search(page)]


def test_headers__every_get_page_anonymous_and_owner__csp_and_friends(app, world):
    wrong = []
    for who in ("owner", "anonymous"):
        if who == "anonymous":
            world.owner.logout()
        for call in calls(app, world, frozenset({"GET"})):
            if who == "owner" and not logged_in(world.owner):
                world.owner.login()
            for htmx in (False, True):
                response = request(world.owner, call,
                                   headers={"HX-Request": "true"} if htmx else None)
                problems = header_problems(response) + markup_problems(response)
                wrong += [f"{who} {call}{' htmx' if htmx else ''}: {p}" for p in problems]
    assert not wrong, "\n".join(wrong)


def test_headers__error_pages_and_static_files__same_headers(client):
    responses = [client.get("/nulle-part"), client.delete("/connexion"),
                 client.post("/connexion", data={}),  # no CSRF token: 400
                 client.get("/static/css/guichet.css"),
                 client.get("/static/vendor/htmx/htmx.min.js")]
    assert [r.status_code for r in responses] == [404, 405, 400, 200, 200]
    for response in responses:
        assert header_problems(response) == [], response.request.path
        assert markup_problems(response) == []
        response.close()


def test_base_page__htmx_configured_for_the_csp__no_eval_no_inline_styles(client):
    page = client.get("/connexion").get_data(as_text=True)
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)
    import json

    settings = json.loads(config)
    assert settings["allowEval"] is False
    assert settings["includeIndicatorStyles"] is False
    assert settings["allowScriptTags"] is False  # no script runs from a swapped fragment


def test_no_store__every_page_and_post_of_a_logged_in_applicant__back_asks_the_server(
        app, world):
    """Issue #12.6: a page kept by the browser shows a stale dossier on Back (a live
    SOUMETTRE after submitting) and keeps personal data on disk after logout."""
    wrong = []
    for call in calls(app, world):
        if not logged_in(world.owner):
            world.owner.login()
        for htmx in (False, True):
            response = request(world.owner, call,
                               headers={"HX-Request": "true"} if htmx else None)
            if response.request.path in PUBLIC_DOCUMENTS:
                assert "private" not in response.headers.get("Cache-Control", "")
                continue
            if "no-store" not in response.headers.get("Cache-Control", ""):
                wrong.append(f"{call}{' htmx' if htmx else ''}: "
                             f"{response.status_code} {response.headers.get('Cache-Control')}")
    assert not wrong, "\n".join(wrong)


def test_no_store__pages_of_an_anonymous_visitor_too__static_files_stay_cacheable(client):
    for path in ("/connexion", "/inscription", "/mot-de-passe-oublie"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path
    css = client.get("/static/css/guichet.css")
    assert "no-store" not in css.headers.get("Cache-Control", "")
    css.close()


def test_icon__every_page_names_one__it_is_served(client):
    """Browsers ask for the site's icon on every page: it is named and found, never a
    404 in the log (/favicon.ico is not asked for when a page names its icon)."""
    page = client.get("/connexion").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    icon = client.get(href)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert b"<svg" in icon.data
    icon.close()
