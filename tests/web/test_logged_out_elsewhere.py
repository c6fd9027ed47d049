"""A section saved (or its questions updated) after the applicant logged out in another
tab: what was typed is kept aside for the dossier's owner (server-side, never in the
cookie, never in the dossier), and comes back after logging in again as that owner
(issue #12: applicants never lose what they typed; issue #13 item 8: an ended session
never writes). Anyone else, a forged owner, or a post from another site gets "Page
expirée" as before, and nothing is kept.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import storage
from tests.definitions import IDENTITE
from tests.web.conftest import MARIA, PASSWORD, Applicant
from tests.web.test_redisplay import EXPIRED, Forms, submit, text, value_of

SITE = {"Origin": "http://localhost"}  # the browser's Origin for a post from the portal
NOTICE = "Votre session a pris fin. Connectez-vous pour retrouver vos réponses"
KEPT = "Des réponses que vous aviez saisies avant la fin de votre session"
TYPED = {**IDENTITE, "numero": "87654321", "code": "ZZTOP42"}


def tab_a_then_logout_in_tab_b(maria: Applicant) -> tuple[str, str, int]:
    """Maria opens Identification (tab A), then logs out in tab B: (number, page, version)."""
    number = maria.create_dossier()
    page = text(maria.get(maria.section_url(number, "identite")))
    version = storage.get_dossier(account(maria), number).version
    assert maria.logout().status_code == 302
    return number, page, version


def account(person: Applicant) -> int:
    return storage.find_account_by_email(person.profile["email"]).id


def login_to(person: Applicant, location: str) -> str:
    """Follow the login page at `location` (its `next`) and log in: the page landed on."""
    next_url = parse_qs(urlsplit(location).query)["next"][0]
    person.get(location)
    response = person.post("/connexion", {"email": person.profile["email"],
                                          "password": PASSWORD,
                                          "next": next_url})
    assert response.status_code == 302, text(response)
    assert response.location == next_url
    return text(person.get(next_url))


def test_logged_out_elsewhere__save__answers_kept_then_shown_after_login_not_saved(maria):
    number, page, version = tab_a_then_logout_in_tab_b(maria)
    response = submit(maria, page, "section-form", TYPED, **SITE)  # tab A: ENREGISTRER
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/connexion"
    login_page = text(maria.get(response.location))
    assert NOTICE in login_page and EXPIRED not in login_page
    assert storage.get_dossier(account(maria), number).version == version  # nothing written
    html = login_to(maria, response.location)
    assert KEPT in html
    assert value_of(html, "numero") == TYPED["numero"]
    assert value_of(html, "code") == TYPED["code"]
    saved = storage.get_dossier(account(maria), number)
    assert saved.version == version and "numero" not in saved.answers  # still not saved
    response = submit(maria, html, "section-form", TYPED)  # ENREGISTRER, logged in
    assert response.status_code == 302
    assert storage.get_dossier(account(maria), number).answers["numero"] == TYPED["numero"]


def test_logged_out_elsewhere__htmx_update__401_to_login_then_answers_shown(maria):
    number, page, version = tab_a_then_logout_in_tab_b(maria)
    form = Forms(page).forms["section-form"]
    response = maria.client.post(f"{maria.section_url(number, 'identite')}/actualiser",
                                 data={**form["hidden"], **TYPED},
                                 headers={"HX-Request": "true", **SITE})
    assert response.status_code == 401
    target = response.headers["HX-Redirect"]
    assert NOTICE in text(maria.get(target))
    html = login_to(maria, target)
    assert value_of(html, "numero") == TYPED["numero"]
    assert storage.get_dossier(account(maria), number).version == version


def test_logged_out_elsewhere__another_account_logs_in__answers_not_shown_to_it(maria):
    number, page, _ = tab_a_then_logout_in_tab_b(maria)
    response = submit(maria, page, "section-form", TYPED, **SITE)
    assert response.status_code == 302
    gunter = Applicant(maria.client, {**MARIA, "email": "gunter@example.com"})
    assert gunter.register().status_code == 302  # someone else, in the same browser
    with maria.client.session_transaction() as session:
        assert TYPED["numero"] not in str(dict(session))  # the cookie carries none
    theirs = gunter.create_dossier()
    html = text(gunter.get(gunter.section_url(theirs, "identite")))
    assert KEPT not in html and TYPED["numero"] not in html
    gunter.logout()
    html = login_to(maria, response.location)  # Maria again: hers, still kept for her
    assert KEPT in html and value_of(html, "numero") == TYPED["numero"]


def test_logged_out_elsewhere__forged_missing_owner_or_other_site__page_expired(
        maria, other):
    number, page, version = tab_a_then_logout_in_tab_b(maria)
    gunters = Forms(text(other.get("/profil/modifier"))).forms["page-form"]["hidden"][
        "guichet_owner"]  # a real owner mark, of another account
    for owner, headers in (("0" * 32, SITE), ("", SITE), (gunters, SITE),
                           (None, {"Origin": "https://elsewhere.example"}), (None, {})):
        typed = TYPED if owner is None else {**TYPED, "guichet_owner": owner}
        response = submit(maria, page, "section-form", typed, **headers)
        assert response.status_code == 400 and EXPIRED in text(response), (owner, headers)
        assert storage.kept_answers(account(maria), number, "identite") is None
    assert storage.get_dossier(account(maria), number).version == version


def test_logged_out_elsewhere__saved_on_leaving__401_to_the_login_once_not_sent_twice(maria):
    """The draft guichet.js saves as the applicant follows a link gets a 401 naming the
    login page (guichet.js goes there): never a redirect it would follow by sending the
    form again, and one notice on the login page, not two."""
    number, page, version = tab_a_then_logout_in_tab_b(maria)
    response = submit(maria, page, "section-form", {**TYPED, "guichet_leaving": "1"}, **SITE)
    assert response.status_code == 401
    location = response.headers["Guichet-Login"]
    assert urlsplit(location).path == "/connexion"
    login_page = text(maria.get(location))
    assert login_page.count(NOTICE) == 1
    assert storage.get_dossier(account(maria), number).version == version  # nothing written
    html = login_to(maria, location)
    assert KEPT in html and value_of(html, "numero") == TYPED["numero"]
