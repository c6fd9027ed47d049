"""The user guide walked in a real browser: French, English, and without JavaScript,
with axe-core checking every page met on the way (errors and revealed questions too).
The guide is Accompagnement Québec's (forms/); the other pages are checked on the
tests' own type (tests/definitions/essai.yaml)."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

import storage
from tests.browser.walk import AQ, Walk

AXE = Axe()
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                     "best-practice"]}}


@pytest.fixture(scope="module")
def compiled(registry):
    """The dossier type the guide describes."""
    return registry[AQ]


def axe_check(page: Page, name: str) -> None:
    results = AXE.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{name}: {page.url}\n{results.generate_report()}"


def test_guide__french_with_javascript__account_to_submitted_dossier_without_a11y_issue(
        page, compiled, mail_server):
    Walk(page, compiled, "fr", check=axe_check, inbox=mail_server.inbox).whole_guide()


def test_guide__english__the_same_walk(page, compiled, mail_server):
    Walk(page, compiled, "en", inbox=mail_server.inbox).whole_guide()


def test_guide__javascript_off_on_a_phone__the_same_walk(page_without_js, compiled, mail_server):
    Walk(page_without_js, compiled, "fr", javascript=False,
         inbox=mail_server.inbox).whole_guide()


def test_create__under_18__refusal_shown(page, essai):
    walk = Walk(page, essai, "fr")
    walk.register(birth_date="2015-01-01")
    page.get_by_role("link", name=walk.t("Créer un nouveau dossier")).click()
    page.get_by_label(walk.t("Type de dossier à créer")).select_option(label="Dossier d'essai")
    page.get_by_role("button", name=walk.t("Créer"), exact=True).click()
    alert = page.get_by_role("alert")
    assert ("Vous devez avoir au moins 18 ans pour ouvrir un dossier d'essai."
            in alert.inner_text())
    axe_check(page, "create-refused")


def test_other_pages__axe__no_violation(page, essai):
    walk = Walk(page, essai, "fr")
    walk.register()
    for url in ("/profil/", "/profil/modifier", "/dossiers/nouveau",
                f"/dossiers/identifier?type_id={essai.id}", "/nulle-part", "/messages/",
                "/documents/"):
        page.goto(url)
        axe_check(page, url)
    page.goto("/profil/modifier")
    page.locator("#f-family_names").fill("")
    page.get_by_role("button", name=walk.t("Enregistrer")).click()
    assert page.locator(".error-summary").is_visible()
    axe_check(page, "profile-errors")
    page.goto(f"/dossiers/identifier?type_id={essai.id}")
    page.get_by_role("button", name=walk.t("Rechercher")).click()
    assert page.locator(".error-summary").is_visible()
    axe_check(page, "link-errors")
    page.get_by_role("link", name=walk.t("Déconnexion")).click()
    page.get_by_role("button", name=walk.t("Oui"), exact=True).click()
    walk.field(walk.t("Adresse courriel")).fill(walk.email)
    page.get_by_role("button", name=walk.t("Se connecter")).click()
    axe_check(page, "login-failed")
    page.get_by_role("link", name=walk.t("Mot de passe oublié ?")).click()
    axe_check(page, "forgot")
    walk.field(walk.t("Adresse courriel")).fill(walk.email)
    page.get_by_role("button", name=walk.t("Envoyer le lien")).click()
    assert page.get_by_text(walk.t(
        "Si un compte existe avec cette adresse courriel, un courriel vient de lui être "
        "envoyé avec un lien pour choisir un nouveau mot de passe.")).is_visible()
    axe_check(page, "forgot-sent")
    page.goto(f"/mot-de-passe/{storage.start_password_reset(walk.email).token}")
    walk.field(walk.t("Nouveau mot de passe")).fill("court")
    page.get_by_role("button", name=walk.t("Enregistrer le mot de passe")).click()
    assert page.locator(".error-summary").is_visible()
    axe_check(page, "reset-errors")
    page.goto("/mot-de-passe/plus-valide")
    axe_check(page, "reset-invalid")
