"""Mes dossiers: the table, creating a dossier of any type, refusals, linking."""

from __future__ import annotations

import re
from datetime import date

from markupsafe import escape

import storage
from tests.definitions import ESSAI
from tests.web.conftest import years_ago


def test_mes_dossiers__none_yet__says_so_and_offers_to_create(maria):
    page = maria.get("/dossiers/").get_data(as_text=True)
    assert "Vous n&#39;avez aucun dossier." in page
    assert "Créer un nouveau dossier" in page


def test_create_page__every_type_of_the_registry__offered_with_both_modes(maria, registry):
    page = maria.get("/dossiers/nouveau").get_data(as_text=True)
    assert "Type de dossier à créer" in page
    for compiled in registry:
        assert f'value="{compiled.id}">{escape(compiled.definition.title.fr)}</option>' in page
    assert ("Créer un dossier lié à une demande de parcours en cours de traitement au "
            "Ministère") in page
    assert ">Créer</button>" in page and ">Annuler</a>" in page


def test_create__new_dossier__opens_form_and_lists_it_in_its_initial_state(maria):
    number = maria.create_dossier()
    page = maria.get("/dossiers/").get_data(as_text=True)
    for text in ("Numéro du dossier", "Type de dossier", "Date de soumission", "Statut du dossier",
                 number, "Dossier d&#39;essai", "En rédaction"):
        assert text in page
    assert number.startswith("G") and len(number) == 11


def test_create__every_type__works_from_its_definition_alone(maria, registry):
    for compiled in registry:
        number = maria.create_dossier(compiled.id)
        page = maria.get(f"/dossiers/{number}/", follow_redirects=True).get_data(as_text=True)
        first = compiled.definition.sections[0]
        assert first.title.fr in page
        assert all(f.label.fr.replace("'", "&#39;") in page for f in first.fields if not f.when)


def test_create__under_18__clear_refusal_and_no_dossier(applicant):
    applicant.register(birth_date=years_ago(17))
    applicant.get("/dossiers/nouveau")
    response = applicant.post("/dossiers/nouveau", {"type_id": ESSAI, "mode": "new"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vous devez avoir au moins 18 ans pour ouvrir un dossier d&#39;essai." in page
    assert 'role="alert"' in page
    assert "Vous n&#39;avez aucun dossier." in applicant.get("/dossiers/").get_data(as_text=True)


def test_create__no_type_chosen__error_linked_to_the_select(maria):
    maria.get("/dossiers/nouveau")
    response = maria.post("/dossiers/nouveau", {"type_id": "", "mode": "new"})
    assert response.status_code == 422
    assert '<a href="#f-type_id">Sélectionnez le type de dossier à créer.' in response.get_data(
        as_text=True)


def test_create__linked_mode__goes_to_identifier_mon_dossier(maria):
    maria.get("/dossiers/nouveau")
    response = maria.post("/dossiers/nouveau", {"type_id": ESSAI, "mode": "linked"})
    assert response.location == f"/dossiers/identifier?type_id={ESSAI}"
    page = maria.get(response.location).get_data(as_text=True)
    assert "Identifier mon dossier" in page and "Rechercher" in page
    assert "Valdero" in page and "2000-01-01" in page  # identity read-only, from the profile


def test_link__registered_dossier_same_person__linked_and_listed(maria, registry):
    storage.register_existing(registry, ESSAI, "G2100076952", "Maria", "Valdero", "F",
                              date(2000, 1, 1))
    maria.get(f"/dossiers/identifier?type_id={ESSAI}")
    response = maria.post("/dossiers/identifier", {"type_id": ESSAI, "number": "g2100076952"})
    assert response.location == "/dossiers/G2100076952/"
    assert "G2100076952" in maria.get("/dossiers/").get_data(as_text=True)


def test_link__wrong_identity_or_number__one_message_that_says_nothing_more(maria, registry):
    storage.register_existing(registry, ESSAI, "G2100076952", "Gunter", "DiCaprio", "M",
                              date(1970, 7, 1))
    pages = []
    for number in ("G2100076952", "G2199999999"):
        maria.get(f"/dossiers/identifier?type_id={ESSAI}")
        response = maria.post("/dossiers/identifier", {"type_id": ESSAI, "number": number})
        assert response.status_code == 422
        pages.append(response.get_data(as_text=True))
    assert all("Votre dossier n&#39;a pas été trouvé." in p for p in pages)
    assert all('<a href="#f-number">' in p for p in pages)


def test_mes_dossiers__message_column__unread_messages_of_each_dossier_linked(maria):
    """The guide's "Mes dossiers" has a fifth column, "Message": a dossier with an unread
    message about it says so and links to it; once read, the cell is empty."""
    number = maria.submitted_dossier()
    page = maria.get("/dossiers/").get_data(as_text=True)
    assert '<th scope="col">Message</th>' in page
    row = re.search(rf"<tr>\s*<td[^>]*><a href=\"[^\"]*{number}[^\"]*\">.*?</tr>", page, re.S)
    link = re.search(r'<a href="(/messages/[^"]+)">1 message non lu</a>', row.group(0))
    assert link is not None
    assert maria.get(link.group(1)).status_code == 200  # read now
    page = maria.get("/dossiers/").get_data(as_text=True)
    assert "message non lu" not in page


def test_create_page__dossiers_in_progress__listed_with_the_guides_advice(maria):
    """Found by an applicant's trial: someone whose request was already sent created a
    second dossier of the same type, nothing said; the guide sends them to "Créer un
    dossier lié" instead. The page to create one lists the dossiers still in progress
    and says so (it refuses nothing: a designer's eligibility rules do that)."""
    assert "Vous avez déjà des dossiers en cours" not in maria.get(
        "/dossiers/nouveau").get_data(as_text=True)
    number = maria.submitted_dossier()
    page = maria.get("/dossiers/nouveau").get_data(as_text=True)
    assert "Vous avez déjà des dossiers en cours" in page
    assert f'href="/dossiers/{number}/">Dossier d&#39;essai – {number}</a>' in page
    assert "Créer un dossier lié à une demande de parcours" in page
