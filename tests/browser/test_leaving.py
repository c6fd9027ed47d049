"""Leaving a section by any link never loses what was typed (issue #12: applicants never
lose what they typed): the section's unsaved answers are saved as a draft on the way
out, so coming back shows them, and SOUMETTRE submits what was just typed. On the
tests' own type (tests/definitions/essai.yaml).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine import CompiledDefinition
from tests.browser.test_typing import answer
from tests.browser.walk import Walk
from tests.definitions import IDENTITE, RENDEZ_VOUS


def nav_link(page: Page, essai: CompiledDefinition, index: int):
    """The side menu's link to the essai section at `index`, by its French title."""
    title = essai.definition.sections[index].title.get("fr")
    return page.locator("#section-nav").get_by_role("link", name=title)


def test_side_menu_link_with_unsaved_answers__saved_on_the_way_and_shown_again(page, essai):
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()  # on the first section
    answer(page, {k: IDENTITE[k] for k in ("categorie", "a_numero", "numero")})
    nav_link(page, essai, 1).click()  # no ENREGISTRER
    expect(nav_link(page, essai, 1)).to_have_attribute("aria-current", "page")
    nav_link(page, essai, 0).click()
    expect(nav_link(page, essai, 0)).to_have_attribute("aria-current", "page")
    expect(page.locator('#section-body [name="numero"]')).to_have_value(IDENTITE["numero"])
    expect(page.locator("#f-categorie")).to_have_value(IDENTITE["categorie"])


def test_soumettre_with_an_unsaved_change__the_submission_shows_the_new_answer(page, essai):
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    answer(page, IDENTITE)
    walk.button("Enregistrer").click()
    expect(page.locator(".notice--success")).to_be_visible()
    nav_link(page, essai, 1).click()
    answer(page, RENDEZ_VOUS)
    walk.button("Enregistrer").click()
    expect(page.locator(".notice--success")).to_be_visible()  # a complete dossier
    page.locator('#section-body [name="langue_autre"]').fill("Tigrinya")  # not saved
    walk.link("Soumettre").click()
    steps = page.locator('.steps [aria-current="step"]')
    expect(steps).to_contain_text("1")  # the applicant's profile
    walk.link("Suivant").click()
    expect(steps).to_contain_text("2")  # the answers, as they will be submitted
    main = page.locator("main")
    expect(main).to_contain_text("Tigrinya")
    expect(main).not_to_contain_text("Wolof")
