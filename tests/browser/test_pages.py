"""Pages that keep what was typed, and pages the browser does not keep (issue #12, items
3, 4 and 6), in Debian's Chromium, on the tests' own type (tests/definitions/essai.yaml):

- the language switch brings the same page back in the other language with every
  typed value: a section with JavaScript, the registration after an error without;
- logging out and in again in another tab does not cost the first tab its answers;
- Back after submitting asks the server, which shows the dossier as submitted.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.walk import PASSWORD, PROFILE_LABELS, Walk
from tests.definitions import IDENTITE, RENDEZ_VOUS


def new_dossier(page: Page, walk: Walk) -> str:
    """Create a dossier of the walk's type; its number (the page is its first section)."""
    page.goto("/dossiers/nouveau")
    walk.field(walk.t("Type de dossier à créer")).select_option(label=walk.d.title.get(walk.lang))
    page.get_by_role("button", name=walk.t("Créer"), exact=True).click()
    expect(page.locator(".dossier-header__table")).to_be_visible()
    return page.locator(".dossier-header__table tbody td").nth(1).inner_text().strip()


def section_url(number: str, section: str) -> str:
    return f"/dossiers/{number}/sections/{section}"


def type_identification(page: Page, walk: Walk, numero: str) -> None:
    """Answer the first section without saving: a category, "Oui", a number."""
    walk.field(walk.label("categorie")).select_option("etudiant")
    walk.group("a_numero").get_by_label(walk.t("Oui"), exact=True).check()
    walk.updated()
    walk.field(walk.label("numero")).fill(numero)


def save_by_request(page: Page, number: str, section: str, answers: dict) -> None:
    """ENREGISTRER a section as the form posts it, with the browser's own cookies."""
    page.goto(section_url(number, section))
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    data = {**answers, "csrf_token": token,
            "version": page.locator('input[name="version"]').input_value()}
    response = page.request.post(section_url(number, section), data=urlencode(data, doseq=True),
                                 headers={"Content-Type": "application/x-www-form-urlencoded"},
                                 max_redirects=0)
    assert response.status == 302, response.text()


def test_language__section_with_typed_answers__english_with_every_value(page, essai):
    walk = Walk(page, essai, "fr")
    walk.register()
    number = new_dossier(page, walk)
    type_identification(page, walk, "87654321")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    english = Walk(page, essai, "en")
    expect(page.get_by_role("heading", name=essai.definition.sections[0].title.get("en"))
           ).to_be_visible()
    expect(english.field(english.label("categorie"))).to_have_value("etudiant")
    expect(english.group("a_numero").get_by_label("Yes", exact=True)).to_be_checked()
    expect(english.field(english.label("numero"))).to_have_value("87654321")
    page.get_by_role("button", name=english.t("Enregistrer"), exact=True).click()
    page.goto(section_url(number, "identite"))  # it was the page's, and now it is saved
    expect(english.field(english.label("numero"))).to_have_value("87654321")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_enter_in_a_field__the_form_is_sent_the_language_stays(request, essai, javascript):
    """Enter in a text field presses the form's own button (ENREGISTRER on a section,
    "Se connecter" on the login page), never the language switch placed before it."""
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    walk = Walk(page, essai, "fr", javascript=javascript)
    walk.register()
    number = new_dossier(page, walk)
    type_identification(page, walk, "87654321")
    walk.field(walk.label("numero")).press("Enter")
    expect(page.locator(".notice--success, .error-summary").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(section_url(number, "identite"))
    expect(walk.field(walk.label("numero"))).to_have_value("87654321")  # saved
    page.get_by_role("link", name=walk.t("Déconnexion")).click()
    page.get_by_role("button", name=walk.t("Oui"), exact=True).click()
    walk.field(walk.t("Adresse courriel")).fill(walk.email)
    walk.field(walk.t("Mot de passe")).fill(PASSWORD)
    walk.field(walk.t("Mot de passe")).press("Enter")
    expect(page.get_by_role("heading", name=walk.t("Mes dossiers"))).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")


def test_language__registration_after_an_error_without_javascript__stays_there(
        page_without_js, essai):
    page = page_without_js
    walk = Walk(page, essai, "fr", javascript=False)
    walk.open_register()
    walk.field(walk.t("Adresse courriel")).fill("maria@exemple")
    walk.field(walk.t("Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name=walk.t("Créer mon compte")).click()
    expect(page.locator(".error-summary")).to_be_visible()
    walk.field(PROFILE_LABELS["family_names"].get("fr")).fill("Valdero")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/inscription")
    english = Walk(page, essai, "en", javascript=False)
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".error-summary")).to_contain_text("Enter a valid email address")
    expect(english.field(english.t("Adresse courriel"))).to_have_value("maria@exemple")
    expect(english.field(PROFILE_LABELS["family_names"].get("en"))).to_have_value("Valdero")


def test_two_tabs__logged_in_again_in_the_other__the_first_keeps_its_answers(page, essai):
    walk = Walk(page, essai, "fr")
    walk.register()
    number = new_dossier(page, walk)
    type_identification(page, walk, "11223344")  # tab A, not saved
    tab_b = page.context.new_page()
    tab_b.goto("/dossiers/")
    tab_b.get_by_role("link", name=walk.t("Déconnexion")).click()
    tab_b.get_by_role("button", name=walk.t("Oui"), exact=True).click()
    tab_b.get_by_label(walk.t("Adresse courriel")).fill(walk.email)
    tab_b.get_by_label(walk.t("Mot de passe")).fill(PASSWORD)
    tab_b.get_by_role("button", name=walk.t("Se connecter")).click()
    expect(tab_b.get_by_role("heading", name=walk.t("Mes dossiers"))).to_be_visible()

    walk.button("Enregistrer").click()  # tab A
    expect(page.locator(".notice--warning")).to_contain_text(
        "Votre session a changé depuis l'ouverture de cette page")
    expect(page.get_by_role("heading", name=walk.t("Page expirée"))).to_have_count(0)
    expect(walk.field(walk.label("numero"))).to_have_value("11223344")
    walk.button("Enregistrer").click()
    expect(page.locator(".notice").first).to_contain_text("enregistrées")
    tab_b.goto(section_url(number, "identite"))
    expect(tab_b.get_by_label(re.compile("^" + walk.label("numero")))).to_have_value("11223344")


@pytest.fixture
def page_with_bfcache(browser, live_server, live_store):
    """A page of a Chromium with its back/forward cache on, as people's browsers have it
    (Playwright turns it off by default: `--disable-back-forward-cache`)."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        ignore_default_args=["--disable-back-forward-cache"])
    context = chromium.new_context(base_url=live_server)
    context.set_default_timeout(10_000)
    yield context.new_page()
    chromium.close()


def test_back_after_submitting__the_server_shows_the_submitted_dossier(page_with_bfcache,
                                                                       essai):
    page = page_with_bfcache
    walk = Walk(page, essai, "fr")
    walk.register()
    number = new_dossier(page, walk)
    save_by_request(page, number, "identite", IDENTITE)
    save_by_request(page, number, "rendez_vous", RENDEZ_VOUS)
    page.goto(f"/dossiers/{number}/soumettre?etape=3")
    walk.button("Soumettre").click()
    expect(page.locator(".notice--success")).to_contain_text(number)
    page.go_back(wait_until="commit")  # a page restored from the cache fires no load
    expect(page.locator(".dossier-header__table tbody")).to_contain_text(
        essai.definition.workflow.states["presente"].label.get("fr"))
    expect(walk.button("Soumettre")).to_have_count(0)
