"""The French walk of the guide in a real browser, watched for security: no page breaks
the Content-Security-Policy (Chromium reports every refused script, style or handler in
its console), and the live server's logs of the whole walk hold nothing personal."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.walk import GUIDE_TYPE, PASSWORD, Walk
from tests.web.test_logs import capture_logs, leaks

# Reports every violation to the console too (the console listener sees all pages).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture(scope="module")
def compiled(registry):
    """The guide's dossier type: the walk is the guide's."""
    return registry[GUIDE_TYPE]


def record_csp_violations(page: Page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: seen.append(f"{page.url}: {m.text}")
            if "Content Security Policy" in m.text or "CSP violation" in m.text else None)
    page.on("pageerror", lambda e: seen.append(f"{page.url}: {e}"))
    return seen


def test_walk__french_with_javascript__no_csp_violation_and_nothing_personal_logged(
        page, compiled, live_app, mail_server):
    violations = record_csp_violations(page)
    logs = capture_logs(live_app)
    lines = next(logs)
    try:
        walk = Walk(page, compiled, "fr", inbox=mail_server.inbox)
        walk.whole_guide()
        walk.field(walk.t("Adresse courriel")).fill(walk.email)
        walk.field(walk.t("Mot de passe")).fill("pas-le-bon-mot-de-passe")
        page.get_by_role("button", name=walk.t("Se connecter")).click()
        page.get_by_role("alert").first.wait_for()
    finally:
        logs.close()
    assert not violations, "\n".join(violations)
    requests = [line for line in lines if '"guichet.request"' in line]
    assert len(requests) >= 30, "the live server's request lines were not captured"
    secrets = [walk.email, PASSWORD, "pas-le-bon-mot-de-passe", "ABC12345", "12345678",
               "8765+321", "Wolof", "Valdero", "20 rue Monge"]
    assert not leaks(lines, secrets)
