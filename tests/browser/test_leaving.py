"""Leaving a section by any link never loses what was typed (issue #12: applicants never
lose what they typed): the section's unsaved answers are saved as a draft on the way
out, so coming back shows them, and SOUMETTRE submits what was just typed. On the
tests' own type (tests/definitions/essai.yaml).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine import CompiledDefinition
from tests.browser.test_guide import axe_check, axe_check_without_js
from tests.browser.test_typing import answer
from tests.browser.walk import PASSWORD, Walk
from tests.definitions import IDENTITE, RENDEZ_VOUS


def nav_link(page: Page, essai: CompiledDefinition, index: int, lang: str = "fr"):
    """The side menu's link to the essai section at `index`, by its title."""
    title = essai.definition.sections[index].title.get(lang)
    return page.locator("#section-nav").get_by_role("link", name=title)


def log_out_in_another_tab(page: Page, walk: Walk) -> None:
    """Tab B of the same browser logs out (and stays out); tab A is `page`."""
    tab_b = page.context.new_page()
    tab_b.goto("/dossiers/")
    tab_b.get_by_role("link", name=walk.t("Déconnexion")).click()
    tab_b.get_by_role("button", name=walk.t("Oui"), exact=True).click()
    # logged out once the login page shows; the tab stays open (the test's context
    # closes it): closing a tab while it navigates has hung Chromium in CI
    expect(tab_b.get_by_role("heading", name=walk.t("Connexion"))).to_be_visible()


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
    page.locator('#section-body [name="autre_langue"]').fill("Tigrinya")  # not saved
    walk.button("Soumettre").click()  # saves first, with or without JavaScript
    steps = page.locator('.steps [aria-current="step"]')
    expect(steps).to_contain_text("1")  # the applicant's profile
    walk.link("Suivant").click()
    expect(steps).to_contain_text("2")  # the answers, as they will be submitted
    main = page.locator("main")
    expect(main).to_contain_text("Tigrinya")
    expect(main).not_to_contain_text("Wolof")


def test_back_button_with_unsaved_answers__saved_by_the_way_out(page, essai):
    """Back is no link to intercept: the draft goes as a beacon when the page is hidden."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    nav_link(page, essai, 1).click()
    expect(nav_link(page, essai, 1)).to_have_attribute("aria-current", "page")
    url = page.url
    answer(page, {"ville": RENDEZ_VOUS["ville"], "francais": RENDEZ_VOUS["francais"]})
    page.go_back()
    expect(nav_link(page, essai, 0)).to_have_attribute("aria-current", "page")
    for _ in range(20):  # the beacon is on its way while the previous page loads
        page.goto(url)
        if page.locator("#f-ville").input_value() == RENDEZ_VOUS["ville"]:
            break
        page.wait_for_timeout(100)
    expect(page.locator("#f-ville")).to_have_value(RENDEZ_VOUS["ville"])
    expect(page.locator('#section-body [name="francais"][value="false"]')).to_be_checked()


def test_language_switch_then_a_link__the_answers_shown_again_are_saved(page, essai):
    """The page the language switch shows again holds answers not yet stored: following
    a link from it saves them too, though nothing was typed since it loaded."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    answer(page, {k: IDENTITE[k] for k in ("categorie", "a_numero", "numero")})
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav_link(page, essai, 1, "en").click()
    expect(nav_link(page, essai, 1, "en")).to_have_attribute("aria-current", "page")
    nav_link(page, essai, 0, "en").click()
    expect(page.locator('#section-body [name="numero"]')).to_have_value(IDENTITE["numero"])


def test_without_javascript__quitter_saves_the_answers_first(page_without_js, essai):
    page = page_without_js
    walk = Walk(page, essai, "fr", javascript=False)
    walk.register()
    walk.create_dossier()
    page.locator("#f-categorie").select_option(IDENTITE["categorie"])
    page.locator(f'#section-body [name="a_numero"][value="{IDENTITE["a_numero"]}"]').check()
    walk.updated()  # "Mettre à jour les questions": the number's question appears
    page.locator('#section-body [name="numero"]').fill(IDENTITE["numero"])
    walk.button("Quitter").click()
    expect(page.get_by_role("heading", name=walk.t("Mes dossiers"))).to_be_visible()
    expect(page.locator(".notice--warning")).to_be_visible()  # saved, some still to answer
    page.get_by_role("link", name=walk.number).click()
    expect(page.locator('#section-body [name="numero"]')).to_have_value(IDENTITE["numero"])


KEPT_TITLE = "Réponses non enregistrées"


def log_in(page: Page, walk: Walk) -> None:
    page.get_by_label(walk.t("Adresse courriel")).fill(walk.email)
    page.get_by_label(walk.t("Mot de passe")).fill(PASSWORD)
    page.get_by_role("button", name=walk.t("Se connecter")).click()


def test_two_tabs__logged_out_in_the_other__answers_kept_until_login(page, essai):
    """Tab A has unsaved answers; tab B logs out (and stays out). ENREGISTRER in tab A:
    the login page with a notice; after login the section shows what was typed, not
    saved, under a notice (axe: no violation); ENREGISTRER saves it."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    answer(page, {k: IDENTITE[k] for k in ("categorie", "a_numero", "numero")})  # tab A
    log_out_in_another_tab(page, walk)

    walk.button("Enregistrer").click()  # tab A
    expect(page.locator(".notice--warning")).to_contain_text(
        walk.t("Votre session a pris fin. Connectez-vous pour retrouver vos réponses et les "
               "enregistrer."))
    expect(page.get_by_role("heading", name=walk.t("Page expirée"))).to_have_count(0)
    log_in(page, walk)
    expect(nav_link(page, essai, 0)).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("alert").get_by_role("heading", name=walk.t(KEPT_TITLE))
           ).to_be_visible()
    expect(page.locator('#section-body [name="numero"]')).to_have_value(IDENTITE["numero"])
    axe_check(page, "section with answers kept aside")
    walk.button("Enregistrer").click()
    expect(page.locator(".notice").first).to_contain_text("enregistrées")
    expect(page.get_by_role("heading", name=walk.t(KEPT_TITLE))).to_have_count(0)
    expect(page.locator('#section-body [name="numero"]')).to_have_value(IDENTITE["numero"])


def test_two_tabs__logged_out_in_the_other__a_link_in_the_first_sends_the_answers_once(
        page, essai):
    """Tab B logs out; in tab A, with unsaved answers, the side menu's link: the answers
    are posted once (no second post after the login page's answer), the login page
    says so once, and after login the section shows them."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    answer(page, {k: IDENTITE[k] for k in ("categorie", "a_numero", "numero")})  # tab A
    log_out_in_another_tab(page, walk)

    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    nav_link(page, essai, 1).click()  # tab A, no ENREGISTRER
    notice = walk.t("Votre session a pris fin. Connectez-vous pour retrouver vos réponses et "
                    "les enregistrer.")
    expect(page.locator(".notice--warning")).to_contain_text(notice)
    expect(page.locator(".notice--warning", has_text=notice)).to_have_count(1)
    assert len([u for u in posts if "/sections/" in u]) == 1, posts
    log_in(page, walk)
    expect(nav_link(page, essai, 0)).to_have_attribute("aria-current", "page")
    expect(page.locator('#section-body [name="numero"]')).to_have_value(IDENTITE["numero"])
    expect(page.get_by_role("heading", name=walk.t(KEPT_TITLE))).to_be_visible()


def test_two_tabs_without_javascript__answers_kept__ignorer_forgets_them(
        page_without_js, essai):
    """Without JavaScript: tab B logs out, ENREGISTRER in tab A keeps the answers aside;
    after login they are offered (axe: no violation), and "Ignorer ces réponses"
    forgets them: the section shows the stored (empty) answers, nothing saved."""
    page = page_without_js
    walk = Walk(page, essai, "fr", javascript=False)
    walk.register()
    walk.create_dossier()
    page.locator("#f-categorie").select_option(IDENTITE["categorie"])
    log_out_in_another_tab(page, walk)
    walk.button("Enregistrer").click()
    expect(page.get_by_role("heading", name=walk.t("Connexion"))).to_be_visible()
    log_in(page, walk)
    expect(page.get_by_role("heading", name=walk.t(KEPT_TITLE))).to_be_visible()
    expect(page.locator("#f-categorie")).to_have_value(IDENTITE["categorie"])
    axe_check_without_js(page, "section with answers kept aside, without JavaScript")
    page.get_by_role("button", name=walk.t("Ignorer ces réponses")).click()
    expect(page.locator(".notice--success")).to_contain_text(
        walk.t("Les réponses non enregistrées ont été ignorées."))
    expect(page.get_by_role("heading", name=walk.t(KEPT_TITLE))).to_have_count(0)
    expect(page.locator("#f-categorie")).not_to_have_value(IDENTITE["categorie"])


def test_language_switch__the_address_is_the_sections_a_reload_posts_nothing(page, essai):
    """Found by an applicant's trial: after the language switch (a post of the section to
    its update address) the address bar showed /actualiser, and reloading or going Back
    and Forward asked to send the form again. The page takes the section's own address;
    a reload shows the answers, saved on the way out as the page is left."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    answer(page, {k: IDENTITE[k] for k in ("categorie", "a_numero", "numero")})
    section_url = page.url
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(section_url)  # not /actualiser
    numero = page.locator('#section-body [name="numero"]')
    for _ in range(20):  # the beacon is on its way while the page loads again
        page.reload()
        if numero.count() and numero.input_value() == IDENTITE["numero"]:
            break
        page.wait_for_timeout(100)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(numero).to_have_value(IDENTITE["numero"])


def test_back_to_a_page_with_restored_answers__its_questions_updated(page, essai):
    """Found by an applicant's trial: Back to a section page the browser loads anew and
    fills with the answers typed before (form restoration) showed "Yes" ticked without
    the question that answer calls for. The page updates its questions once for the
    restored answers. (The restoration is played here: the answer set without an
    event, then the `pageshow` a browser fires.)"""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    numero = page.locator('#section-body [name="numero"]')
    expect(numero).to_have_count(0)
    # a page as drawn (an unanswered list shows its placeholder) posts no update
    updates = []
    page.on("request", lambda r: updates.append(r.url) if "/actualiser" in r.url else None)
    page.evaluate("""() => window.dispatchEvent(
        new PageTransitionEvent("pageshow", {persisted: false}))""")
    page.wait_for_timeout(300)
    assert updates == []
    page.evaluate("""() => {
        document.querySelector('#section-body [name="a_numero"][value="true"]').checked = true;
        window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: false}));
    }""")
    expect(numero).to_have_count(1)
    page.wait_for_timeout(300)
    updates.clear()
    # a page the back-forward cache kept whole is as it was left: no update
    page.evaluate("""() => {
        document.querySelector('#section-body [name="a_numero"][value="false"]').checked = true;
        window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: true}));
    }""")
    page.wait_for_timeout(300)
    assert updates == []
    expect(numero).to_have_count(1)


def test_reload_with_typed_answers__shows_them_without_a_second_reload(page, essai):
    """Found by a trial: a reload right after typing showed the answers as they were;
    only a second reload showed what was typed (the reload's GET was served before the
    beacon that saves the page as it is left). The page that finds its beacon still on
    the way loads itself once more."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    answer(page, {k: IDENTITE[k] for k in ("categorie", "a_numero", "numero")})
    numero = page.locator('#section-body [name="numero"]')
    page.reload()
    expect(numero).to_have_value(IDENTITE["numero"], timeout=10_000)
