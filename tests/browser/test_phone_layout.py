"""A phone's width (375 px): a grid question (the guide's availability grid) shows
every box without scrolling sideways, its rows stacked, each box next to its column's
name; at a desktop's width it stays a table. The boxes keep their names ("Lundi
Matin") for screen readers either way."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_leaving import nav_link
from tests.browser.walk import Walk

# boxes out of view: past the screen's edge, or past their grid's region (scrolled to)
BOXES_PAST_THE_EDGE = """() => [...document.querySelectorAll('.grid input[type=checkbox]')]
  .filter((box) => { const r = box.getBoundingClientRect();
                     const wrap = box.closest('.grid-wrap').getBoundingClientRect();
                     return r.right > Math.min(document.documentElement.clientWidth, wrap.right)
                            || r.left < Math.max(0, wrap.left); })
  .map((box) => box.id)"""


def test_grid__phone_width__every_box_on_screen_with_its_column_name(page, essai):
    walk = Walk(page, essai)
    walk.register()
    walk.create_dossier()
    nav_link(page, essai, 1).click()
    page.set_viewport_size({"width": 375, "height": 800})
    grid = page.locator(".field--grid").first
    assert page.evaluate(BOXES_PAST_THE_EDGE) == []
    assert grid.locator(".grid__cell-label").first.bounding_box()["width"] > 20
    box = page.get_by_role("checkbox", name="Mardi Soir", exact=True)
    grid.locator(".grid__col", has_text="Mardi").nth(1).click()  # the name ticks its box
    expect(box).to_be_checked()
    page.set_viewport_size({"width": 1280, "height": 800})
    assert grid.locator(".grid__cell-label").first.bounding_box()["width"] <= 1  # hidden
    expect(grid.locator("thead th").first).to_be_visible()
    expect(page.get_by_role("checkbox", name="Lundi Matin", exact=True)).to_be_visible()


def test_grid__every_width_beside_the_side_menu__no_box_scrolled_to(page, essai):
    """Tablets and turned phones (769 to 900 px) show the side menu beside the form: the
    grid follows the room its column leaves, not the screen's width (English's longer
    day names included)."""
    walk = Walk(page, essai, "en")
    walk.register()
    walk.create_dossier()
    nav_link(page, essai, 1, "en").click()
    # the guide's grid has five days (Monday to Friday) where the tests' type has three:
    # its headings made as wide
    page.evaluate("""() => document.querySelectorAll('.grid thead th').forEach(
        (th) => { th.textContent = th.textContent + '\u00a0' + th.textContent; })""")
    for width in (320, 375, 600, 769, 800, 820, 850, 880, 900, 1024, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate(BOXES_PAST_THE_EDGE) == [], f"at {width} px"
