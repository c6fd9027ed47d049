"""An expired session never writes (issue #13 item 8; ASVS 3.3.1, 3.3.2, 8.2.2).

A section saved, updated or left after its session expired (idle, or older than its
absolute lifetime) changes nothing in the dossier: its answers are kept aside,
server-side, for that account, never in the cookie. After the next login the section
shows them with a notice, not saved; ENREGISTRER saves them through the one save path,
"Ignorer ces réponses" forgets them; another account never sees them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

import storage
from tests.definitions import IDENTITE
from tests.web.conftest import MARIA, PASSWORD, Applicant
from tests.web.test_redisplay import submit, switch_language, text, value_of
from tests.web.test_sessions import IDLE, cookie_value, readable

SECTION = "identite"
TYPED = {**IDENTITE, "numero": "98769876"}
IDLE_NOTICE = ("Votre session a expiré après une période d'inactivité. Vos réponses sont "
               "conservées")
LIFETIME_NOTICE = ("Par sécurité, une session prend fin quelques heures après la connexion. "
                   "Vos réponses sont conservées")
KEPT = ("Des réponses que vous aviez saisies avant la fin de votre session n'ont pas été "
        "enregistrées.")


@pytest.fixture
def now() -> datetime:
    """Time stands still from now on (advanced by the tests); reset by the app fixture."""
    start = storage.clock.now()
    storage.clock.set(start)
    return start


def account_id(person: Applicant) -> int:
    return storage.find_account_by_email(person.profile["email"]).id


def stored(person: Applicant, number: str) -> storage.DossierView:
    return storage.get_dossier(account_id(person), number)


def log_in_back(person: Applicant, location: str) -> str:
    """Follow the login page at `location` and log in: the page it comes back to."""
    next_url = parse_qs(urlsplit(location).query)["next"][0]
    person.get(location)
    back = person.post("/connexion", {"email": person.profile["email"], "password": PASSWORD,
                                      "next": next_url})
    assert back.status_code == 302 and back.location == next_url
    return text(person.get(next_url))


def expired_save(maria: Applicant, after: timedelta, **extra: str):
    """Maria opens Identification, then ENREGISTRER `after` that: (number, version,
    the response)."""
    number = maria.create_dossier()
    version = maria.version(number, SECTION)
    storage.clock.advance(after)
    response = maria.post(maria.section_url(number, SECTION),
                          {**TYPED, "version": version, **extra})
    return number, int(version), response


def test_idle__section_saved_after_31_minutes__nothing_written_offered_after_login_saved(
        maria, now):
    number, version, response = expired_save(maria, IDLE + timedelta(minutes=1))
    here = maria.section_url(number, SECTION)
    assert response.status_code == 302 and response.location == f"/connexion?next={here}"
    dossier = stored(maria, number)
    assert dossier.answers == {} and dossier.version == version  # nothing written
    assert IDLE_NOTICE in text(maria.get(response.location))
    assert TYPED["numero"] not in readable(cookie_value(maria))  # never in the cookie
    page = log_in_back(maria, response.location)
    assert KEPT in page and "Ignorer ces réponses" in page
    assert value_of(page, "numero") == TYPED["numero"]
    assert stored(maria, number).version == version  # offered, still not saved
    again = text(maria.get(here))  # offered until saved or discarded
    assert KEPT in again and value_of(again, "numero") == TYPED["numero"]
    saved = submit(maria, again, "section-form", TYPED)  # ENREGISTRER: the fields as shown
    assert saved.status_code == 302
    dossier = stored(maria, number)
    assert dossier.answers["numero"] == TYPED["numero"] and dossier.version == version + 1
    after = text(maria.get(here))
    assert KEPT not in after and value_of(after, "numero") == TYPED["numero"]


def test_idle__htmx_update_after_31_minutes__nothing_written_401_then_offered(maria, now):
    number = maria.create_dossier()
    version = maria.version(number, SECTION)
    storage.clock.advance(IDLE + timedelta(minutes=1))
    response = maria.post(maria.section_url(number, SECTION) + "/actualiser",
                          {**TYPED, "version": version}, headers={"HX-Request": "true"})
    assert response.status_code == 401
    target = response.headers["HX-Redirect"]
    assert target == f"/connexion?next={maria.section_url(number, SECTION)}"
    assert stored(maria, number).answers == {}
    page = log_in_back(maria, target)
    assert KEPT in page and value_of(page, "numero") == TYPED["numero"]


def test_idle__saved_on_leaving_after_31_minutes__nothing_written_401_then_offered(
        maria, now):
    """The draft guichet.js saves when a link is followed, or as a beacon."""
    number, version, response = expired_save(maria, IDLE + timedelta(minutes=1),
                                             guichet_leaving="1")
    assert response.status_code == 401
    location = response.headers["Guichet-Login"]
    assert stored(maria, number).version == version and stored(maria, number).answers == {}
    assert IDLE_NOTICE in text(maria.get(location))
    page = log_in_back(maria, location)
    assert KEPT in page and value_of(page, "numero") == TYPED["numero"]


def test_lifetime__section_saved_12_hours_after_login__nothing_written_offered_after_login(
        maria, now):
    number = maria.create_dossier()
    version = maria.version(number, SECTION)
    for _ in range(24):  # active all along (11 h 36 min)
        storage.clock.advance(timedelta(minutes=29))
        assert maria.get("/dossiers/").status_code == 200
    storage.clock.advance(timedelta(minutes=25))  # 12 h 01 min after the login
    response = maria.post(maria.section_url(number, SECTION), {**TYPED, "version": version})
    assert response.status_code == 302 and response.location.startswith("/connexion?next=")
    assert stored(maria, number).answers == {}
    assert LIFETIME_NOTICE in text(maria.get(response.location))
    page = log_in_back(maria, response.location)
    assert KEPT in page and value_of(page, "numero") == TYPED["numero"]


def test_kept_answers__ignorer__forgotten_dossier_untouched(maria, now):
    number, version, response = expired_save(maria, IDLE + timedelta(minutes=1))
    page = log_in_back(maria, response.location)
    discarded = submit(maria, page, "discard-form", {})
    here = maria.section_url(number, SECTION)
    assert discarded.status_code == 302 and discarded.location == here
    after = text(maria.get(here))
    assert "Les réponses non enregistrées ont été ignorées." in after
    assert KEPT not in after and value_of(after, "numero") is None
    assert stored(maria, number).version == version
    assert storage.kept_answers(account_id(maria), number, SECTION) is None


def test_kept_answers__another_account_on_that_browser__never_sees_them(maria, now):
    number, _, response = expired_save(maria, IDLE + timedelta(minutes=1))
    gunter = Applicant(maria.client, {**MARIA, "email": "gunter@example.com"})
    assert gunter.register().status_code == 302  # someone else, same browser
    assert TYPED["numero"] not in readable(cookie_value(gunter))
    assert gunter.get(maria.section_url(number, SECTION)).status_code == 404
    theirs = gunter.create_dossier()
    page = text(gunter.get(gunter.section_url(theirs, SECTION)))
    assert KEPT not in page and TYPED["numero"] not in page
    assert submit(gunter, page, "section-form", {}).status_code == 302
    # and Gunter's discard address for Maria's dossier is "not found"
    assert gunter.post(maria.section_url(number, SECTION) + "/ignorer").status_code == 404
    gunter.logout()
    page = log_in_back(maria, response.location)  # Maria's are still waiting for her
    assert KEPT in page and value_of(page, "numero") == TYPED["numero"]


def test_idle__page_saved_in_another_tab_meanwhile__nothing_overwritten_offered_over_it(
        maria, now):
    number = maria.create_dossier()
    stale = maria.version(number, SECTION)
    maria.fill(number, SECTION, IDENTITE)  # the other tab
    newer = stored(maria, number)
    maria.get(maria.section_url(number, SECTION))
    storage.clock.advance(IDLE + timedelta(minutes=1))
    response = maria.post(maria.section_url(number, SECTION), {**TYPED, "version": stale})
    assert response.status_code == 302
    assert stored(maria, number) == newer
    page = log_in_back(maria, response.location)
    assert value_of(page, "numero") == TYPED["numero"]
    assert value_of(page, "version") == str(newer.version)  # saved over the newer one
    assert submit(maria, page, "section-form", TYPED).status_code == 302
    assert stored(maria, number).answers["numero"] == TYPED["numero"]


def test_idle__posted_after_the_keeping_window__nothing_kept(maria, now):
    number, version, response = expired_save(maria, timedelta(hours=13))
    assert response.status_code == 302
    assert storage.kept_answers(account_id(maria), number, SECTION) is None
    assert KEPT not in log_in_back(maria, response.location)
    assert stored(maria, number).version == version


def test_kept_answers__language_switch_on_their_page__notice_still_there_in_english(
        maria, now):
    _, _, response = expired_save(maria, IDLE + timedelta(minutes=1))
    page = log_in_back(maria, response.location)
    switched = text(switch_language(maria, page, TYPED))
    assert "Some answers you typed before your session ended were not saved." in switched
    assert "Discard these answers" in switched
    assert value_of(switched, "numero") == TYPED["numero"]


def test_idle__nul_byte_in_an_answer__kept_storable_no_server_error(maria, now):
    """PostgreSQL refuses a NUL in JSON: kept answers are made storable first."""
    number, _, response = expired_save(maria, IDLE + timedelta(minutes=1),
                                       numero="8765\x004321")
    assert response.status_code == 302
    page = log_in_back(maria, response.location)
    assert value_of(page, "numero") == "87654321"
