"""Changer le mot de passe, from the profile (ASVS 2.1.5): the current password first,
with its own attempt limit; the new one twice under the registration's rules; every
other session of the account ended, this one kept; an email says it was changed."""

from __future__ import annotations

import re

import storage
from tests.web.conftest import MARIA, PASSWORD, Applicant, emails

NEW_PASSWORD = "un-tout-nouveau-secret-2026"
PAGE = "/profil/mot-de-passe"


def change(applicant: Applicant, current: str = PASSWORD, new: str = NEW_PASSWORD,
           confirm: str | None = None):
    applicant.get(PAGE)
    return applicant.post(PAGE, {"current_password": current, "password": new,
                                 "password_confirm": new if confirm is None else confirm})


def error_of(page: str, field: str) -> str:
    start = page.index(f'id="f-{field}-error"')
    return page[start:page.index("</p>", start)]


def can_log_in(app, password: str) -> bool:
    return Applicant(app.test_client()).login(MARIA["email"], password).status_code == 302


def test_profile__link_to_the_page_with_three_password_fields(maria):
    profile = maria.get("/profil/").get_data(as_text=True)
    assert f'href="{PAGE}"' in profile and "Changer le mot de passe" in profile
    response = maria.get(PAGE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    for field, autocomplete in (("current_password", "current-password"),
                                ("password", "new-password"),
                                ("password_confirm", "new-password")):
        assert re.search(rf'<input[^>]*id="f-{field}"[^>]*', page)
        assert f'autocomplete="{autocomplete}"' in page


def test_change__right_current_password__other_sessions_ended_this_one_kept_email_sent(
        app, maria):
    elsewhere = Applicant(app.test_client())
    assert elsewhere.login(MARIA["email"]).status_code == 302
    assert elsewhere.get("/dossiers/").status_code == 200
    response = change(maria)
    assert response.status_code == 302 and response.location == "/profil/"
    assert "Votre mot de passe a été changé." in maria.get("/profil/").get_data(as_text=True)
    assert maria.get("/dossiers/").status_code == 200  # still logged in here
    gone = elsewhere.get("/dossiers/")
    assert gone.status_code == 302 and gone.location.startswith("/connexion")
    assert not can_log_in(app, PASSWORD)
    assert can_log_in(app, NEW_PASSWORD)
    (email,) = emails()
    assert email.to == MARIA["email"] and email.subject == "Votre mot de passe a été changé"
    assert "vient d'être changé" in email.body and "/mot-de-passe-oublie" in email.body
    assert NEW_PASSWORD not in email.body


def test_change__wrong_current_password__refused_next_to_the_field_nothing_changed(
        app, maria):
    elsewhere = Applicant(app.test_client())
    elsewhere.login(MARIA["email"])
    response = change(maria, current="pas-le-bon-mot-de-passe")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in error_of(page, "current_password")
    assert '<a href="#f-current_password">Le mot de passe actuel est incorrect.' in page
    assert NEW_PASSWORD not in page and "pas-le-bon" not in page  # never typed back
    assert elsewhere.get("/dossiers/").status_code == 200
    assert can_log_in(app, PASSWORD) and emails() == []


def test_change__five_wrong_current_passwords__then_refused_even_the_right_one(app, maria):
    for _ in range(5):
        assert change(maria, current="pas-le-bon-mot-de-passe").status_code == 422
    refused = change(maria)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Trop de tentatives" in page and re.search(r"réessayer dans \d+ min\.", page)
    assert can_log_in(app, PASSWORD)


def test_change__new_password_rules_as_registration__no_attempt_counted(app, maria):
    short = change(maria, new="court")
    assert short.status_code == 422
    assert "au moins 12 caractères" in error_of(short.get_data(as_text=True), "password")
    mismatch = change(maria, confirm=NEW_PASSWORD + "x")
    assert "Les deux mots de passe ne sont pas identiques." in error_of(
        mismatch.get_data(as_text=True), "password_confirm")
    missing = change(maria, current="")
    assert "Entrez votre mot de passe actuel." in error_of(
        missing.get_data(as_text=True), "current_password")
    for _ in range(5):
        change(maria, new="court")
    assert change(maria).status_code == 302  # rule errors never used up the attempts


def test_change__in_english__page_errors_and_email(maria):
    maria.switch_language("en")
    page = maria.get(PAGE).get_data(as_text=True)
    assert "Change the password" in page and "Current password" in page
    wrong = change(maria, current="pas-le-bon-mot-de-passe").get_data(as_text=True)
    assert "The current password is incorrect." in error_of(wrong, "current_password")
    assert change(maria).status_code == 302
    (email,) = emails()
    assert email.subject == "Your password was changed" and "was just changed" in email.body


def test_change__reset_link_sent_before__no_longer_works(maria):
    token = storage.start_password_reset(MARIA["email"]).token
    assert change(maria).status_code == 302
    assert maria.get(f"/mot-de-passe/{token}").status_code == 410


def test_change__new_password_same_as_the_current__refused_nothing_changed(app, maria):
    """Changing to the same password changes nothing: it is refused next to the new
    password, no email is sent and no other session is ended."""
    elsewhere = Applicant(app.test_client())
    elsewhere.login(MARIA["email"])
    response = change(maria, current=PASSWORD, new=PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choisissez un mot de passe différent de l&#39;actuel." in error_of(page, "password")
    assert elsewhere.get("/dossiers/").status_code == 200
    assert can_log_in(app, PASSWORD) and emails() == []
