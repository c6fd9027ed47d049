"""The back office in a real browser, on a 390 px wide phone: enrolment (QR code and key),
the two login steps, the home page and the supervisor's agents page fit the screen and
axe finds no violation on any of them."""

from __future__ import annotations

import pyotp

import storage
from tests.browser.test_guide import axe_check, fits_the_screen

PASSWORD = "phrase-de-passe-agent"
PHONE = {"width": 390, "height": 844}


def test_agent_pages__enrol_login_home_agents__fit_a_phone_and_axe_clean(browser,
                                                                          live_server,
                                                                          live_store):
    email = "superviseure.navigateur@example.gc.ca"
    _, token = storage.create_agent(email, "Sophie Navigateur", "supervisor", [])
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/agent/inscription/{token}")
        assert page.locator("svg title").first.text_content().startswith("Code QR")
        fits_the_screen(page, "agent enrolment")
        axe_check(page, "agent enrolment")
        secret = page.locator(".secret-key code").inner_text().replace(" ", "")
        totp = pyotp.TOTP(secret)
        page.fill("#f-password", PASSWORD)
        page.fill("#f-password_confirm", PASSWORD)
        page.fill("#f-code", totp.now())
        page.click("button[type=submit].button--primary")
        assert page.locator("h1").inner_text() == "Compte activé"
        page.goto("/agent/connexion")
        axe_check(page, "agent login")
        page.fill("#f-email", email)
        page.fill("#f-password", PASSWORD)
        page.click("button[type=submit].button--primary")
        page.wait_for_url("**/agent/connexion/code")
        fits_the_screen(page, "agent code")
        axe_check(page, "agent code")
        # the enrolment used this step's code: the next step's (within the window) works
        page.fill("#f-code", totp.at(storage.clock.now().timestamp() + 30))
        page.click("button[type=submit].button--primary")
        page.wait_for_url("**/agent/")
        assert "Sophie Navigateur" in page.content()
        fits_the_screen(page, "agent home")
        axe_check(page, "agent home")
        page.goto("/agent/agents")
        fits_the_screen(page, "agents")
        axe_check(page, "agents")
    finally:
        context.close()
