"""The draft saved on the way out of a section (web/static/js/guichet.js posts the
section with `guichet_leaving=1` before following a link, or as a beacon): the server
saves as ENREGISTRER does and answers 204 with the new version, no notice for a page
that is no longer there; a refusal answers as ENREGISTRER (the script then sends the
form normally, so the applicant sees why).
"""

from __future__ import annotations

from urllib.parse import quote

import storage
from tests.definitions import IDENTITE
from tests.web.conftest import MARIA

LEAVING = {"guichet_leaving": "1"}


def test_leaving_with_unsaved_answers__saved_204_new_version_no_notice(maria):
    number = maria.create_dossier()
    version = maria.version(number, "identite")
    response = maria.post(maria.section_url(number, "identite"),
                          {**IDENTITE, "numero": "1234", "version": version, **LEAVING})
    assert response.status_code == 204 and response.get_data() == b""
    account = storage.find_account_by_email(MARIA["email"]).id
    saved = storage.get_dossier(account, number)
    assert saved.answers["numero"] == "1234"  # a draft with a mistake is still saved
    assert response.headers["Guichet-Version"] == str(saved.version)
    page = maria.get("/dossiers/").get_data(as_text=True)
    assert "Vos réponses ont été enregistrées" not in page


def test_leaving_from_an_outdated_page__409_conflict_nothing_overwritten(maria):
    number = maria.create_dossier()
    version = maria.version(number, "identite")
    assert maria.fill(number, "identite", IDENTITE).status_code == 302  # another tab
    response = maria.post(maria.section_url(number, "identite"),
                          {**IDENTITE, "numero": "99998888", "version": version, **LEAVING})
    assert response.status_code == 409
    account = storage.find_account_by_email(MARIA["email"]).id
    assert storage.get_dossier(account, number).answers["numero"] == IDENTITE["numero"]


def test_quitter_recap_soumettre_are_buttons_of_the_form_that_save_then_go(maria):
    """Without JavaScript too: each posts the section's save with where to go next."""
    number = maria.create_dossier()
    html = maria.get(maria.section_url(number, "identite")).get_data(as_text=True)
    for target in ("/dossiers/", f"/dossiers/{number}/recapitulatif?retour=identite",
                   f"/dossiers/{number}/soumettre"):
        encoded = quote(target, safe="/")
        assert f'formaction="{maria.section_url(number, "identite")}?next={encoded}"' in (
            html.replace("&amp;", "&")), target


def test_save_with_next__saved_even_with_mistakes_then_sent_there_with_the_notice(maria):
    number = maria.create_dossier()
    version = maria.version(number, "identite")
    response = maria.post(f"{maria.section_url(number, 'identite')}?next=/dossiers/",
                          {**IDENTITE, "numero": "12", "version": version})
    assert response.status_code == 302 and response.location == "/dossiers/"
    account = storage.find_account_by_email(MARIA["email"]).id
    assert storage.get_dossier(account, number).answers["numero"] == "12"
    page = maria.get("/dossiers/").get_data(as_text=True)
    assert "certaines sont à corriger" in page


def test_save_with_a_next_elsewhere__back_to_the_section(maria):
    number = maria.create_dossier()
    version = maria.version(number, "identite")
    response = maria.post(f"{maria.section_url(number, 'identite')}?next=//elsewhere.example/",
                          {**IDENTITE, "version": version})
    assert response.status_code == 302
    assert response.location == maria.section_url(number, "identite")


def test_save_with_a_next_holding_a_line_break__saved_and_back_to_the_section_not_500(maria):
    number = maria.create_dossier()
    version = maria.version(number, "identite")
    response = maria.post(f"{maria.section_url(number, 'identite')}?next=/a%0D%0AX-Injected:%201",
                          {**IDENTITE, "version": version})
    assert response.status_code == 302
    assert response.location == maria.section_url(number, "identite")
    assert "X-Injected" not in response.headers
