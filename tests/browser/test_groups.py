"""A repeating group in Debian's Chromium (tests/definitions/famille.yaml): with
JavaScript on, "Ajouter un enfant" adds an item in place (htmx) and "Retirer" removes
one, the answers typed in the other items staying; without JavaScript the same buttons
save and redraw the page; axe finds no violation on the page."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

import storage
from tests.browser.test_guide import axe_check
from tests.browser.test_pages import new_dossier, section_url
from tests.browser.walk import PASSWORD, Walk
from tests.web.conftest import MARIA


def _item(page, n):
    return page.locator("fieldset.group-item").nth(n)


def _log_in(page, walk: Walk) -> None:
    """A new account made in the live portal's database (not through the sign-up pages,
    which limit sign-ups per address and hour for the whole browser session), logged in."""
    email = f"famille.{uuid.uuid4().hex[:8]}@example.com"
    profile = {k: v for k, v in MARIA.items() if k != "email"}
    storage.create_account(email, storage.hash_password(PASSWORD), profile, lang="fr")
    page.goto("/connexion")
    walk.field(walk.t("Adresse courriel")).fill(email)
    walk.field(walk.t("Mot de passe")).fill(PASSWORD)
    walk.button("Se connecter").click()
    expect(page.get_by_role("heading", name=walk.t("Mes dossiers"))).to_be_visible()


def _add_after_lina(page, registry, javascript: bool) -> str:
    """Register, open the children's section of a new famille dossier, type "Lina" in the
    first item, press "Ajouter un enfant": the dossier's number, once Enfant 2 shows."""
    walk = Walk(page, registry["famille"], "fr", javascript=javascript)
    _log_in(page, walk)
    number = new_dossier(page, walk)
    page.goto(section_url(number, "enfants"))
    _item(page, 0).get_by_label("Prénom").fill("Lina")
    add = page.get_by_role("button", name="Ajouter un enfant")
    if javascript:  # htmx: the section updated in place
        with page.expect_response(lambda r: r.url.endswith("/actualiser")):
            add.click()
    else:
        add.click()
    expect(page.get_by_role("group", name="Enfant 2")).to_be_visible()
    return number


def test_group__add_and_remove_an_item_with_javascript__axe_clean(page, registry):
    number = _add_after_lina(page, registry, javascript=True)
    expect(_item(page, 0).get_by_label("Prénom")).to_have_value("Lina")
    _item(page, 1).get_by_label("Prénom").fill("Adam")
    axe_check(page, "group-two-items")
    page.get_by_role("button", name="Retirer Enfant 1").click()
    expect(page.get_by_role("group", name="Enfant 2")).to_have_count(0)
    expect(_item(page, 0).get_by_label("Prénom")).to_have_value("Adam")
    page.get_by_role("button", name="Enregistrer", exact=True).last.click()
    page.goto(section_url(number, "enfants"))
    expect(_item(page, 0).get_by_label("Prénom")).to_have_value("Adam")


def test_group__add_without_javascript__saves_and_shows_one_more(page_without_js, registry):
    page = page_without_js
    number = _add_after_lina(page, registry, javascript=False)
    page.goto(section_url(number, "enfants"))  # saved on the way
    expect(_item(page, 0).get_by_label("Prénom")).to_have_value("Lina")
