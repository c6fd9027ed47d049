"""The agent's tools in a real browser, on a 390 px wide phone: register a dossier (with
its errors), import (with its errors), export, check a receipt: each page fits the
screen and axe finds no violation, errors shown included."""

from __future__ import annotations

import pyotp

import storage
from tests.browser.test_guide import axe_check, fits_the_screen
from tests.definitions import ESSAI

PASSWORD = "phrase-de-passe-agent"
PHONE = {"width": 390, "height": 844}


def test_agent_tools__register_import_export_receipts__fit_a_phone_and_axe_clean(
        browser, live_server, live_store):
    email = "agent.outils@example.gc.ca"
    _, token = storage.create_agent(email, "Odile Outils", "supervisor", [ESSAI])
    context = browser.new_context(base_url=live_server, viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto(f"/agent/inscription/{token}")
        totp = pyotp.TOTP(page.locator(".secret-key code").inner_text().replace(" ", ""))
        page.fill("#f-password", PASSWORD)
        page.fill("#f-password_confirm", PASSWORD)
        page.fill("#f-code", totp.now())
        page.click("button[type=submit].button--primary")
        page.goto("/agent/connexion")
        page.fill("#f-email", email)
        page.fill("#f-password", PASSWORD)
        page.click("button[type=submit].button--primary")
        page.wait_for_url("**/agent/connexion/code")
        page.fill("#f-code", totp.at(storage.clock.now().timestamp() + 30))
        page.click("button[type=submit].button--primary")
        page.wait_for_url("**/agent/")
        page.click("a:text('Inscrire un dossier')")
        page.click("button[type=submit].button--primary")  # nothing typed
        assert page.locator(".error-summary li").count() == 5  # the type is preselected
        fits_the_screen(page, "register, errors")
        axe_check(page, "register, errors")
        page.fill("#f-number", "G2100076952")
        page.fill("#f-given_name", "Gunter")
        page.fill("#f-family_name", "DiCaprio")
        page.check("#f-sex-M")
        page.fill("#f-birth_date", "1970-07-01")
        page.click("button[type=submit].button--primary")
        assert "Dossier G2100076952 inscrit." in page.locator(".notice").inner_text()
        axe_check(page, "register, done")
        page.click("a:text('Importer des dossiers')")
        page.set_input_files("#f-file", files=[{
            "name": "dossiers.csv", "mimeType": "text/csv",
            "buffer": (b"type,number,given_name,family_name,sex,birth_date\n"
                       b"essai,G2100076952,Gunter,DiCaprio,M,1970-07-01\n"
                       b"essai,G2100076953,Ana,Lopez,F,1980-02-03\n")}])
        page.click("button[type=submit].button--primary")
        assert "1 ligne inscrite, 1 ligne refusée." in page.locator(".notice").inner_text()
        fits_the_screen(page, "import report")
        axe_check(page, "import report")
        page.click("a:text('Exports')")
        fits_the_screen(page, "exports")
        axe_check(page, "exports")
        page.goto("/agent/exports/fichier?type=inconnu&format=csv")
        axe_check(page, "exports, errors")
        page.click("a:text('Vérifier un récapitulatif')")
        page.fill("#f-fingerprint", "AAAA BBBB CCCC DDDD EEEE")
        page.click("button[type=submit].button--primary")
        assert "Récapitulatif inconnu" in page.locator(".notice").inner_text()
        fits_the_screen(page, "receipt check")
        axe_check(page, "receipt check")
    finally:
        context.close()
