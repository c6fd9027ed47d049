"""Long unbroken values on the pages that show answers (profile, recap, submission
wizard: one `answers` list): each wraps inside its own column in a real browser, at a
desktop and at a phone's width, instead of running over the next column."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.walk import PROFILE_LABELS, Walk
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
