"""The user guide walked in a real browser: French at 1280 px, then French and English,
with and without JavaScript, on a 320 px phone, with axe-core checking every page met on
the way (errors and revealed questions too; at 320 px, once per kind of page:
`NARROW_CHECKS`) and, at 320 px, that nothing but the availability grid scrolls
sideways, long unbroken values typed included.
The guide is the first dossier type's (forms/, named in tests/browser/guide_walk.yaml);
the other pages are checked on the tests' own type (tests/definitions/essai.yaml)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

import storage
from tests.browser.walk import GUIDE_TYPE, Walk

AXE = Axe()
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                     "best-practice"]}}


@pytest.fixture(scope="module")
def compiled(registry):
    """The dossier type the guide describes."""
    return registry[GUIDE_TYPE]


def axe_check(page: Page, name: str) -> None:
    results = AXE.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{name}: {page.url}\n{results.generate_report()}"


NARROW = {"width": 320, "height": 640}
# what applicants type, unbroken: the 85-letter name of a place, a list without spaces
LONG_CITY = {"birth_city": "Taumatawhakatangihangakoauauotamateaturipukakapikimaungahoronuku"
                           "pokaiwhenuakitanatahu"}
LONG_VALUES = {**LONG_CITY,
               "address_line1": "Tigrinya,Amharic,Oromo,Somali,Swahili,Tigre,Afar,Saho,Bilen"}
# Elements and text drawn past the right edge of the screen, outside the availability
# grid's own scrolling region; skipped: what is visually hidden (clipped), and the
# skip link parked off screen.
PAST_THE_EDGE = """() => {
  const width = document.documentElement.clientWidth;
  const hidden = (el) => {
    for (let a = el; a; a = a.parentElement) {
      if (a.matches('.grid-wrap')) return true;
      const style = getComputedStyle(a);
      if (style.clip !== 'auto' || style.display === 'none') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width && box.height && box.right > width + 1 && !hidden(el))
      out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)}`);
  }
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (texts.nextNode()) {
    const text = texts.currentNode;
    if (!text.data.trim() || hidden(text.parentElement)) continue;
    range.selectNodeContents(text);
    const box = range.getBoundingClientRect();
    if (box.right > width + 1)
      out.push(`"${text.data.trim().slice(0, 40)}" ends at ${Math.round(box.right)}`);
  }
  return out;
}"""


def fits_the_screen(page: Page, name: str) -> None:
    """No sideways scrolling of the page, and nothing cut at the right edge, words in
    scrolled tables included (only the availability grid scrolls, inside itself)."""
    page.wait_for_load_state("load")  # measured with the stylesheet, not before it came
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    past = page.evaluate(PAST_THE_EDGE)
    assert scroll <= width and not past, f"{name}: {page.url} is {scroll} px wide at " \
                                         f"{width} px: {past}"


def axe_check_without_js(page: Page, name: str) -> None:
    """axe needs JavaScript, which this page has not: axe checks the page's DOM as the
    browser built it without JavaScript (<noscript> content shown), with its stylesheet,
    copied into a page of the same size with JavaScript on and no network."""
    def inline(link: re.Match) -> str:
        css = page.context.request.get(urljoin(page.url, link.group(1))).text()
        return f"<style>{css}</style>"

    html = re.sub(r"</?noscript>", "", page.content())
    html, styled = re.subn(r'<link rel="stylesheet" href="([^"]+)">', inline, html)
    assert styled == 1, f"{name}: the page's stylesheet link was not found"
    context = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        context.route("**/*", lambda route: route.abort())
        copy = context.new_page()
        copy.set_content(html)
        axe_check(copy, f"{name} (without JavaScript: {page.url})")
    finally:
        context.close()


def narrow_check(page: Page, name: str) -> None:
    fits_the_screen(page, name)
    axe_check(page, name)


def narrow_check_without_js(page: Page, name: str) -> None:
    fits_the_screen(page, name)
    axe_check_without_js(page, name)


def test_guide__french_with_javascript__account_to_submitted_dossier_without_a11y_issue(
        page, compiled, mail_server):
    Walk(page, compiled, "fr", check=axe_check, inbox=mail_server.inbox).whole_guide()


# At 320 px every page and state is checked for anything drawn past the right edge in
# both languages, with and without JavaScript; axe runs once per kind of page at that
# width: in English with JavaScript, in French without (the French walk with JavaScript
# is checked by axe at 1280 px; the pages without JavaScript are the same in English
# but for their words, which the English walk with JavaScript checks).
NARROW_CHECKS = {("fr", True): fits_the_screen, ("en", True): narrow_check,
                 ("fr", False): narrow_check_without_js, ("en", False): fits_the_screen}


@pytest.mark.parametrize(("lang", "javascript"), list(NARROW_CHECKS))
def test_guide__320_px_wide__nothing_scrolls_sideways_but_the_grid_and_no_a11y_issue(
        request, compiled, mail_server, lang, javascript):
    """The smallest phones: the same walk, every page and state checked for anything
    drawn past the screen's right edge (and by axe: `NARROW_CHECKS`), with an 85-letter
    city of birth."""
    page = request.getfixturevalue("page" if javascript else "page_without_js")
    page.set_viewport_size(NARROW)
    check = NARROW_CHECKS[(lang, javascript)]
    Walk(page, compiled, lang, javascript=javascript, check=check,
         inbox=mail_server.inbox, profile=LONG_CITY).whole_guide()


def test_create__under_18__refusal_shown(page, essai, mail_server):
    walk = Walk(page, essai, "fr", inbox=mail_server.inbox)  # the module's worker sends
    walk.register(birth_date="2015-01-01")
    page.get_by_role("link", name=walk.t("Créer un nouveau dossier")).click()
    page.get_by_label(walk.t("Type de dossier à créer")).select_option(label="Dossier d'essai")
    page.get_by_role("button", name=walk.t("Créer"), exact=True).click()
    alert = page.get_by_role("alert")
    assert ("Vous devez avoir au moins 18 ans pour ouvrir un dossier d'essai."
            in alert.inner_text())
    axe_check(page, "create-refused")


@pytest.mark.parametrize("width", [1280, NARROW["width"]])
def test_other_pages__axe__no_violation(page, essai, width, mail_server):
    """At 320 px, with long unbroken values in the profile, nothing scrolls sideways."""
    page.set_viewport_size({**NARROW, "width": width})
    check = narrow_check if width == NARROW["width"] else axe_check
    walk = Walk(page, essai, "fr", profile=LONG_VALUES, inbox=mail_server.inbox)
    walk.register()
    for url in ("/profil/", "/profil/modifier", "/profil/mot-de-passe", "/dossiers/nouveau",
                f"/dossiers/identifier?type_id={essai.id}", "/nulle-part", "/messages/",
                "/documents/"):
        page.goto(url)
        check(page, url)
    page.goto("/profil/modifier")
    page.locator("#f-family_names").fill("")
    page.get_by_role("button", name=walk.t("Enregistrer")).click()
    assert page.locator(".error-summary").is_visible()
    check(page, "profile-errors")
    page.goto("/profil/mot-de-passe")
    page.get_by_role("button", name=walk.t("Changer le mot de passe")).click()
    assert page.locator(".error-summary").is_visible()
    check(page, "password-change-errors")
    page.goto(f"/dossiers/identifier?type_id={essai.id}")
    page.get_by_role("button", name=walk.t("Rechercher")).click()
    assert page.locator(".error-summary").is_visible()
    check(page, "link-errors")
    page.get_by_role("link", name=walk.t("Déconnexion")).click()
    page.get_by_role("button", name=walk.t("Oui"), exact=True).click()
    walk.field(walk.t("Adresse courriel")).fill(walk.email)
    page.get_by_role("button", name=walk.t("Se connecter")).click()
    check(page, "login-failed")
    page.get_by_role("link", name=walk.t("Mot de passe oublié ?")).click()
    check(page, "forgot")
    walk.field(walk.t("Adresse courriel")).fill(walk.email)
    page.get_by_role("button", name=walk.t("Envoyer le lien")).click()
    assert page.get_by_text(walk.t(
        "Si un compte existe avec cette adresse courriel, un courriel vient de lui être "
        "envoyé avec un lien pour choisir un nouveau mot de passe.")).is_visible()
    check(page, "forgot-sent")
    page.goto(f"/mot-de-passe/{storage.start_password_reset(walk.email).token}")
    walk.field(walk.t("Nouveau mot de passe")).fill("court")
    page.get_by_role("button", name=walk.t("Enregistrer le mot de passe")).click()
    assert page.locator(".error-summary").is_visible()
    check(page, "reset-errors")
    page.goto("/mot-de-passe/plus-valide")
    check(page, "reset-invalid")
    page.goto("/inscription/activer/plus-valide")
    check(page, "activation-invalid")
