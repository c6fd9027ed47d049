"""Long unbroken values on the pages that show answers (profile, recap, submission
wizard: one `answers` list): each wraps inside its own column in a real browser, at a
desktop and at a phone's width, instead of running over the next column."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_typing import answer
from tests.browser.walk import PROFILE_LABELS, Walk
from tests.definitions import IDENTITE
from tests.web.test_recap_pdf_layout import LONG_CITY, LONG_LIST

# Every label or answer whose text runs past its own box.
OVERFLOWING = """() => [...document.querySelectorAll(".answers dt, .answers dd")]
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => e.textContent.trim().slice(0, 30))"""


def test_profile_page__long_unbroken_values__each_wraps_inside_its_column(page, essai):
    walk = Walk(page, essai)
    walk.register()
    page.goto("/profil/modifier")
    walk.field(PROFILE_LABELS["birth_city"].get("fr")).fill(LONG_CITY)
    walk.field(PROFILE_LABELS["birth_country"].get("fr")).fill(LONG_LIST)
    walk.button("Enregistrer").click()
    expect(page.get_by_text(LONG_CITY)).to_be_visible()
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate(OVERFLOWING) == [], f"at {width} px"


def test_section__answers_over_the_body_limit__said_on_the_page_nothing_typed_lost(page, essai):
    """ENREGISTRER with an answer of 300,000 characters (over the portal's 256 KB body
    limit): the page says so above the form and links the longest answer, and what was
    typed stays in the form, instead of the server's 413 page replacing it."""
    walk = Walk(page, essai)
    walk.register()
    walk.create_dossier()  # on the first section
    answer(page, IDENTITE)
    here = page.url
    field = page.locator('#section-body [name="numero"]')
    field.evaluate("e => e.removeAttribute('maxlength')")  # as a question without one
    huge = "a" * 300_000
    field.fill(huge)
    # an update of the questions (a choice that shows or hides another) refused (413)
    page.locator('#section-body [name="a_code"][value="false"]').check()
    summary = page.locator("#too-large-summary")
    expect(summary).to_be_visible()
    summary.evaluate("e => e.remove()")
    walk.button("Enregistrer").click()
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("trop longues pour être envoyées")
    expect(summary.get_by_role("link")).to_have_attribute(
        "href", "#" + field.get_attribute("id"))
    assert page.url == here
    assert field.input_value() == huge
    field.fill("12345678")  # shortened: sent as usual
    walk.button("Enregistrer").click()
    expect(page.locator(".notice--success, .notice--warning").first).to_be_visible()
    expect(summary).to_have_count(0)  # the page after the save: no stale message


MULTILINE_QUESTION = """(e) => { const t = document.createElement('textarea');
  t.name = e.name; t.id = e.id; e.replaceWith(t); }"""


def test_section__many_short_lines_over_the_limit__counted_as_sent_said_on_the_page(
        page, essai):
    """A long answer of short lines: the browser sends each line break as CR LF (6 bytes
    encoded), so 60,000 lines of "a" make ~420 KB, over the limit, though they are
    240 KB counted with bare LFs. Refused on the page, nothing typed lost."""
    walk = Walk(page, essai)
    walk.register()
    walk.create_dossier()
    answer(page, IDENTITE)
    page.locator('#section-body [name="numero"]').evaluate(MULTILINE_QUESTION)
    field = page.locator('#section-body [name="numero"]')
    lines = "a\n" * 60_000
    field.evaluate("(e, text) => { e.value = text; }", lines)  # pasted
    walk.button("Enregistrer").click()
    summary = page.locator("#too-large-summary")
    expect(summary).to_be_visible()
    link = summary.get_by_role("link")
    expect(link).to_have_attribute("href", "#" + field.get_attribute("id"))
    assert not link.inner_text().endswith("*")  # the question's words, no required mark
    assert field.input_value() == lines


def test_recap_page__a_long_answer_shows_its_lines(page, essai):
    """A textarea's paragraphs are read back on the recap page as typed (rendered line
    breaks: innerText follows the CSS), not run together into one line."""
    walk = Walk(page, essai)
    walk.register()
    walk.create_dossier()
    page.goto(page.url.rsplit("/sections/", 1)[0] + "/sections/rendez_vous")
    answer(page, {"ville": "laval", "mode": "sur_place"})
    page.locator('#section-body [name="besoins"]').fill(
        "Fauteuil roulant\nInterprète en wolof\n\nMerci")
    walk.button("Enregistrer").click()
    page.goto(page.url.split("/sections/", 1)[0] + "/recapitulatif")
    needs = page.locator(".answers__row", has_text="Besoins particuliers").locator("dd")
    assert needs.inner_text().splitlines() == ["Fauteuil roulant", "Interprète en wolof",
                                               "", "Merci"]
