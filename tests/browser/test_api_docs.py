"""The API reference page (GET /api/v1/docs) in Chromium: Redoc draws the document under
the page's Content-Security-Policy, from this site's files only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_api_docs__redoc_draws_the_document__only_local_requests(page, live_server) -> None:
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto("/api/v1/docs")
    page.get_by_role("heading", name="Guichet API").first.wait_for()
    page.get_by_role("heading", name="Dossier types' schemas").first.wait_for()
    outside = [u for u in requests if not u.startswith(live_server) and not u.startswith(
        ("data:", "blob:"))]
    assert outside == [], outside
    refused = [m for m in console if "Content Security Policy" in m]
    assert refused == [], refused
