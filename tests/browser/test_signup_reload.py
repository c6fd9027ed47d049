"""Reloading the "email sent" page of Créer un compte does not post the registration
again (a second activation email): the page takes /inscription?envoye=1 in the
browser's history and shows the same words, without the address."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.walk import PASSWORD, PROFILE_LABELS, Walk


def test_register__sent_page_reloaded__shown_again_no_second_email(page, essai):
    walk = Walk(page, essai)
    walk.open_register()
    walk.field(walk.t("Adresse courriel")).fill(walk.email)
    walk.field(walk.t("Mot de passe")).fill(PASSWORD)
    walk.field(walk.t("Confirmez le mot de passe")).fill(PASSWORD)
    profile = {"family_names": "Valdero", "given_names": "Maria", "birth_date": "2000-01-01",
               "birth_city": "Paris", "birth_country": "France",
               "address_line1": "20 rue Monge", "country": "France", "city": "Paris"}
    for key, value in profile.items():
        walk.field(PROFILE_LABELS[key].get("fr")).fill(value)
    walk.field(PROFILE_LABELS["sex"].get("fr")).select_option("F")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text(f"Un courriel vous a été envoyé à {walk.email}.")).to_be_visible()
    expect(page).to_have_url("/inscription?envoye=1")
    first = walk.activation_path()
    page.reload()
    expect(page.get_by_text("Un courriel vous a été envoyé à l'adresse indiquée.")).to_be_visible()
    assert walk.email not in page.content()
    page.wait_for_timeout(500)
    assert walk.activation_path() == first  # no second registration, no second email
