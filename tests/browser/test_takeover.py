"""Issue #13, item 1, end to end: an impostor who registers with the victim's given name,
family name, sex and birth date can neither take a dossier the victim linked nor guess
the number of one: numbers of consecutive dossiers are not consecutive."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

import storage
from tests.browser.walk import Walk

NUMBER = "G2173950286"
NOT_FOUND = ("Votre dossier n'a pas été trouvé. Vérifiez le numéro de dossier et les "
             "renseignements de votre profil")


@pytest.fixture
def impostor_page(browser, live_server, live_store):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def link(walk: Walk, number: str) -> None:
    walk.page.goto(f"/dossiers/identifier?type_id={walk.d.id}")
    walk.field(walk.t("Numéro de dossier")).fill(number)
    walk.button("Rechercher").click()


def test_impostor_with_the_same_identity__cannot_take_a_linked_dossier_nor_guess_numbers(
        page, impostor_page, essai, registry):
    storage.register_existing(registry, essai.id, NUMBER, "Maria", "Valdero", "F",
                              date(2000, 1, 1))
    owner = Walk(page, essai)
    owner.register()  # Maria Valdero, F, 2000-01-01: the registered identity
    link(owner, NUMBER)
    expect(page.get_by_text(owner.t("Votre dossier a été identifié avec succès."))).to_be_visible()
    page.goto("/messages/")
    expect(page.get_by_text(f"Dossier {NUMBER} lié à votre compte")).to_be_visible()

    impostor = Walk(impostor_page, essai)
    impostor.register()  # the very same identity, another account
    link(impostor, NUMBER)
    expect(impostor_page.locator(".error-summary")).to_contain_text(NOT_FOUND)
    impostor_page.goto("/dossiers/")
    expect(impostor_page.get_by_text(NUMBER)).to_have_count(0)
    page.goto("/dossiers/")
    expect(page.get_by_text(NUMBER)).to_be_visible()  # still the owner's

    numbers = []
    for _ in range(2):
        impostor_page.goto("/dossiers/")
        impostor.create_dossier()
        numbers.append(impostor.number)
    first, second = (int(n[3:]) for n in numbers)
    assert abs(second - first) > 1, numbers  # the next number is not the previous + 1
