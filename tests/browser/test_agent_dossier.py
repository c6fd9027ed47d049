"""One dossier in the back office, on a 390 px wide phone and without JavaScript: the
page fits the screen, axe finds nothing, and an agent sets a meeting with the
transition's form (a mistake first, shown by its question), all by plain posts."""

from __future__ import annotations

import pyotp

import storage
from tests.browser.test_guide import axe_check_without_js, fits_the_screen
from tests.definitions import ESSAI, VALID_ANSWERS

PASSWORD = "phrase-de-passe-agent"
PHONE = {"width": 390, "height": 844}


def _submitted(registry) -> str:
    account = storage.create_account("requerante.navigateur@example.org", "hash",
                                     {"given_names": "Maria", "family_names": "Valdero",
                                      "sex": "F", "birth_date": "1990-05-17"}, "fr")
    draft = storage.create_dossier(registry, account.id, ESSAI)
    version = draft.version
    for section_id, answers in VALID_ANSWERS.items():
        version = storage.save_section(registry, account.id, draft.number, section_id,
                                       answers, version).version
    return storage.submit(registry, account.id, draft.number).number


def test_dossier_page_without_js_on_a_phone(browser, live_server, live_store, registry):
    number = _submitted(registry)
    email = "agent.navigateur@example.gc.ca"
    _, token = storage.create_agent(email, "Alain Navigateur", "supervisor", [ESSAI])
    totp = pyotp.TOTP(storage.enrolment_secret(token))
    storage.complete_enrolment(token, PASSWORD, totp.now())
    context = browser.new_context(base_url=live_server, viewport=PHONE,
                                  java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/agent/connexion")
        page.fill("#f-email", email)
        page.fill("#f-password", PASSWORD)
        page.click("button[type=submit].button--primary")
        page.fill("#f-code", totp.at(storage.clock.now().timestamp() + 30))
        page.click("button[type=submit].button--primary")
        page.goto(f"/agent/dossiers/{number}")
        fits_the_screen(page, "agent dossier")
        axe_check_without_js(page, "agent dossier")
        page.click("form[action$='/actions/prendre'] button[type=submit]")
        assert "En traitement" in page.locator(".dossier-facts").inner_text()
        page.check("#f-fixer-formule-1")  # sur place, no date: refused by its questions
        page.click("form[action$='/actions/fixer'] button[type=submit]")
        assert page.locator(".error-summary").count() == 1
        assert page.locator("#f-fixer-jour-error").count() == 1
        fits_the_screen(page, "agent dossier with errors")
        axe_check_without_js(page, "agent dossier with errors")
        page.fill("#f-fixer-jour", "2026-12-03")
        page.fill("#f-fixer-endroit", "1000, rue Sherbrooke Ouest, Montréal")
        page.click("form[action$='/actions/fixer'] button[type=submit]")
        assert "Rencontre fixée" in page.locator(".dossier-facts").inner_text()
    finally:
        context.close()
