"""Créer un compte (issue #13 item 9): the address is proven by an emailed link before
the account exists; the page answers the same, after the same work, whether the address
has an account or not (that address gets an email saying someone tried); registrations
are limited per email and per address."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import storage
from storage.inbox.outbox import recent_emails
from tests.web.conftest import (
    ACTIVATION_LINK,
    CSRF,
    MARIA,
    PASSWORD,
    Applicant,
    activation_path,
    delivered,
)

SENT_PAGE = ("Un courriel vous a été envoyé à maria.valdero@example.com. Cliquez sur le lien "
             "qu&#39;il contient pour activer votre compte.")
OTHER_PASSWORD = "une-autre-phrase-secrete"


def without_token(html: str) -> str:
    """A page with its CSRF token and owner mark blanked (they differ by session)."""
    html = html.replace(CSRF.search(html).group(1), "")
    return re.sub(r'(name="guichet_owner" value=)"[^"]*"', r'\1""', html)


def activate(applicant: Applicant, path: str):
    applicant.get(path)
    return applicant.post(path)


def test_register__valid_form__email_sent_page_and_no_account_until_the_link(applicant):
    response = applicant.register_only()
    assert response.status_code == 200
    assert SENT_PAGE in response.get_data(as_text=True)
    assert storage.find_account_by_email(MARIA["email"]) is None
    assert applicant.login().status_code == 401  # nothing to log in to yet
    (email,) = delivered()
    assert email.to == MARIA["email"] and email.subject == "Activez votre compte"
    assert "dans les 24 heures" in email.body and ACTIVATION_LINK.search(email.body)
    for personal in (MARIA["given_names"], MARIA["family_names"], MARIA["email"]):
        assert personal not in email.subject + email.body


def test_register__sent_page__reloaded_by_its_own_address_without_posting(applicant):
    """The "email sent" page takes /inscription?envoye=1 in the browser's history
    (guichet.js), so a reload shows it again, without the address, and sends nothing."""
    page = applicant.register_only().get_data(as_text=True)
    assert 'data-replace-url="/inscription?envoye=1"' in page
    (email,) = delivered()
    again = applicant.get("/inscription?envoye=1")
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "Un courriel vous a été envoyé à l&#39;adresse indiquée" in html
    assert MARIA["email"] not in html
    assert delivered() == []  # no second email


def test_activation_link__get_changes_nothing__button_makes_the_account_then_login(applicant):
    applicant.register_only()
    path = activation_path(MARIA["email"])
    page = applicant.get(path)
    assert page.status_code == 200 and "Activer mon compte" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert storage.find_account_by_email(MARIA["email"]) is None  # a GET is no activation
    response = applicant.post(path)
    assert response.status_code == 302 and response.location == "/connexion"
    assert "Votre compte est activé" in applicant.get("/connexion").get_data(as_text=True)
    assert applicant.login().status_code == 302
    account = storage.find_account_by_email(MARIA["email"])
    assert account.profile["family_names"] == "Valdero" and account.lang == "fr"
    assert "Maria Valdero" in applicant.get("/dossiers/").get_data(as_text=True)
    again = activate(applicant, path)
    assert again.status_code == 410
    assert "Lien expiré ou déjà utilisé" in again.get_data(as_text=True)


def test_register__known_and_unknown_address__the_very_same_answer(app, maria):
    """Registering an address that has an account answers exactly as for a new one;
    its owner is told by email, with the login and Mot de passe oublié links, and the
    account does not change (its password stays the owner's)."""
    maria.logout()
    before = storage.find_account_by_email(MARIA["email"])
    known = maria.register_only(password=OTHER_PASSWORD)
    stranger = Applicant(app.test_client())
    unknown = stranger.register_only(email="personne@example.com")
    assert known.status_code == unknown.status_code == 200
    assert without_token(known.get_data(as_text=True)) == without_token(
        unknown.get_data(as_text=True).replace("personne@example.com", MARIA["email"]))
    assert "Un compte existe déjà" not in known.get_data(as_text=True)
    sent = {e.to: e for e in delivered()}
    told = sent[MARIA["email"]]
    assert told.subject == "Tentative de création de compte"
    assert "Quelqu'un a essayé de créer un compte" in told.body
    assert "http://127.0.0.1:8000/connexion" in told.body
    assert "http://127.0.0.1:8000/mot-de-passe-oublie" in told.body
    assert not ACTIVATION_LINK.search(told.body)
    assert ACTIVATION_LINK.search(sent["personne@example.com"].body)
    assert storage.find_account_by_email(MARIA["email"]) == before
    assert maria.login().status_code == 302


def test_register__known_and_unknown_address__the_very_same_database_work(app, maria, caplog):
    """Nothing in the time taken tells a registered address: the same statements run
    either way (the attempt counted against the email and the address, one lookup, one
    registration and one outbox row); which email goes is decided later, by the
    sender."""
    maria.logout()
    form = {**MARIA, "password": PASSWORD, "password_confirm": PASSWORD}
    known_answer, known = maria.post_counting_sql("/inscription", form, caplog)
    unknown_answer, unknown = Applicant(app.test_client()).post_counting_sql(
        "/inscription", {**form, "email": "personne@example.com"}, caplog)
    assert known_answer.status_code == unknown_answer.status_code == 200
    assert known == unknown
    inserts = sorted(s.split(" (")[0] for s in known if s.startswith("INSERT"))
    assert inserts == ['INSERT INTO "attempt"'] * 2 + [
        'INSERT INTO "outgoing_email"', 'INSERT INTO "signup_request"']


def test_register__address_not_activated_again__each_link_its_own_password(app, applicant):
    """Registering again before activating sends a new link; each link makes the
    account with the password of its own registration, and the first one used
    ends the others."""
    applicant.register_only()
    first = activation_path(MARIA["email"])
    applicant.register_only(password=OTHER_PASSWORD, password_confirm=OTHER_PASSWORD)
    applicant.get("/inscription")
    applicant.post("/inscription", {**MARIA, "password": OTHER_PASSWORD,
                                    "password_confirm": OTHER_PASSWORD})
    second = activation_path(MARIA["email"])
    assert second != first
    assert activate(applicant, second).status_code == 302
    assert applicant.login(password=PASSWORD).status_code == 401
    assert applicant.login(password=OTHER_PASSWORD).status_code == 302
    assert activate(Applicant(app.test_client()), first).status_code == 410


def test_activation_link__after_24_hours_or_unknown__410_and_no_account(applicant):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    applicant.register_only()
    path = activation_path(MARIA["email"])
    storage.clock.advance(timedelta(hours=23, minutes=59))
    assert applicant.get(path).status_code == 200
    storage.clock.advance(timedelta(minutes=1))
    late = activate(applicant, path)
    assert late.status_code == 410 and "après 24 heures" in late.get_data(as_text=True)
    assert storage.find_account_by_email(MARIA["email"]) is None
    assert applicant.get("/inscription/activer/pas-un-lien").status_code == 410


def test_register__in_english__email_and_account_in_english(applicant):
    applicant.get("/inscription")
    applicant.switch_language("en", "/inscription")
    response = applicant.register_only()
    assert ("An email has been sent to maria.valdero@example.com. Click the link it contains "
            "to activate your account.") in response.get_data(as_text=True)
    (email,) = delivered()
    assert email.subject == "Activate your account" and "within 24 hours" in email.body
    assert activate(applicant, ACTIVATION_LINK.search(email.body).group(1)).status_code == 302
    assert storage.find_account_by_email(MARIA["email"]).lang == "en"


def test_register__one_email_over_and_over__429_with_retry_after(applicant):
    """Forty registrations of one address in a row: the sixth and after are refused
    with when to try again, and send nothing."""
    answers = [applicant.register_only().status_code for _ in range(40)]
    assert answers[:5] == [200] * 5 and set(answers[5:]) == {429}
    page = applicant.last.get_data(as_text=True)
    assert "Trop de tentatives" in page and "Vous pourrez réessayer dans 60 min." in page
    assert 0 < int(applicant.last.headers["Retry-After"]) <= 3600
    assert len(recent_emails()) == 5


def test_register__many_emails_from_one_address__429(applicant):
    answers = [applicant.register_only(email=f"personne{n}@example.com").status_code
               for n in range(31)]
    assert answers[:30] == [200] * 30 and answers[30] == 429
    assert "Retry-After" in applicant.last.headers


def test_activation_link__opened_in_a_new_browser__in_the_language_of_its_email(
        app, applicant):
    """Found by an applicant's trial: the link of an English activation email opened a
    French page in a browser that had chosen no language. It opens in the language of
    the registration; a language chosen in the browser is kept."""
    applicant.get("/inscription")
    applicant.switch_language("en", "/inscription")
    applicant.register_only()
    (email,) = delivered()
    path = ACTIVATION_LINK.search(email.body).group(1)
    fresh = app.test_client()
    page = fresh.get(path).get_data(as_text=True)
    assert '<html lang="en">' in page
    other = Applicant(app.test_client())
    other.get("/connexion")
    other.switch_language("fr", "/connexion")
    assert '<html lang="fr">' in other.get(path).get_data(as_text=True)
