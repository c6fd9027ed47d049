"""One dossier in the back office, on a 390 px wide phone and without JavaScript: the
page fits the screen, axe finds nothing, and an agent sets a meeting with the
transition's form (a mistake first, shown by its question), all by plain posts."""

from __future__ import annotations

import pyotp
from playwright.sync_api import Page

import storage
from tests.browser.test_guide import axe_check_without_js, fits_the_screen
from tests.definitions import ESSAI, VALID_ANSWERS

PASSWORD = "phrase-de-passe-agent"
PHONE = {"width": 390, "height": 844}


def _submitted(registry, email: str = "requerante.navigateur@example.org") -> str:
    account = storage.create_account(email, "hash",
                                     {"given_names": "Maria", "family_names": "Valdero",
                                      "sex": "F", "birth_date": "1990-05-17"}, "fr")
    draft = storage.create_dossier(registry, account.id, ESSAI)
    version = draft.version
    for section_id, answers in VALID_ANSWERS.items():
        version = storage.save_section(registry, account.id, draft.number, section_id,
                                       answers, version).version
    return storage.submit(registry, account.id, draft.number).number


def _log_in(page: Page, email: str, totp: pyotp.TOTP) -> None:
    """Both login steps of an enrolled agent (the code of the next TOTP step: one
    already used is refused)."""
    page.goto("/agent/connexion")
    page.fill("#f-email", email)
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit].button--primary")
    page.fill("#f-code", totp.at(storage.clock.now().timestamp() + 30))
    page.click("button[type=submit].button--primary")


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
        _log_in(page, email, totp)
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


def test_action_refused_by_a_stale_page__what_the_agent_typed_is_given_back(
        browser, live_server, live_store, registry):
    """Two tabs on one dossier: the first takes it in charge, the second (stale) asks for
    a correction with a long reason: refused ("Le dossier a changé..."), and the reason
    is back in its form, not lost; a done action leaves nothing behind."""
    number = _submitted(registry, "requerante.onglets@example.org")
    email = "agent.deux.onglets@example.gc.ca"
    _, token = storage.create_agent(email, "Alain Onglets", "agent", [ESSAI])
    totp = pyotp.TOTP(storage.enrolment_secret(token))
    storage.complete_enrolment(token, PASSWORD, totp.now())
    context = browser.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    first = context.new_page()
    try:
        _log_in(first, email, totp)
        first.goto(f"/agent/dossiers/{number}")
        second = context.new_page()
        second.goto(f"/agent/dossiers/{number}")
        reason = "Le numéro d'essai est illisible.\nJoignez une photo plus nette, svp."
        second.fill("#f-corriger-motif", reason)
        first.click("form[action$='/actions/prendre'] button[type=submit]")
        first.wait_for_load_state()
        second.click("form[action$='/actions/corriger'] button[type=submit]")
        second.wait_for_load_state()
        assert "Le dossier a changé" in second.locator(".notices").inner_text()
        assert second.input_value("#f-corriger-motif") == reason
        second.click("form[action$='/actions/corriger'] button[type=submit]")
        second.wait_for_load_state()
        assert "C’est fait" in second.locator(".notices").inner_text()
        assert "À corriger" in second.locator(".dossier-facts").inner_text()
        # the applicant sends it again at once: the agent's next page offers the same
        # action, empty (the reason already sent is not given back)
        owner = storage.find_account_by_email("requerante.onglets@example.org")
        storage.submit(registry, owner.id, number)
        second.reload()
        assert "Transmis" in second.locator(".dossier-facts").inner_text()
        assert second.input_value("#f-corriger-motif") == ""
    finally:
        context.close()
