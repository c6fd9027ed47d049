"""Mot de passe oublié ? The same answer for any email; for an account, a single-use link
valid one hour, sent through the outbox; the new password replaces the old one."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import storage
from storage.inbox.outbox import recent_emails
from tests.web.conftest import MARIA, PASSWORD, SENT, Applicant, delivered
from web.background.mailer import send_pending, transport_for

NEW_PASSWORD = "un-tout-nouveau-secret-2026"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/mot-de-passe/[A-Za-z0-9_-]+)")


def ask_link(applicant, email: str = MARIA["email"], **kwargs):
    applicant.get("/mot-de-passe-oublie", **kwargs)
    return applicant.post("/mot-de-passe-oublie", {"email": email}, **kwargs)


def reset_emails() -> list:
    """The outbox's reset emails, newest first (not the registration's)."""
    return [e for e in recent_emails() if e.purpose == storage.RESET_PURPOSE]


def link_path(email: str = MARIA["email"]) -> str:
    """The link of the newest email sent to `email` (the outbox sent first)."""
    delivered()
    body = next(e.body for e in reversed(SENT) if e.to == email)
    return LINK.search(body).group(1)


def set_password(applicant, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    applicant.get(path)
    return applicant.post(path, {"password": password,
                                 "password_confirm": password if confirm is None else confirm})


def logged_in_with(applicant, password: str, email: str = MARIA["email"]) -> bool:
    applicant.logout()
    return applicant.login(email, password).status_code == 302


def test_login_page__forgot_password_link(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert '<a href="/mot-de-passe-oublie">Mot de passe oublié ?</a>' in page


def test_forgot__known_and_unknown_email__same_answer_email_only_for_the_account(
        maria, client):
    maria.logout()
    known = ask_link(maria)
    unknown = ask_link(maria, "personne@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location == "/mot-de-passe-oublie/envoye"
    page = maria.get(known.location).get_data(as_text=True)
    assert "Si un compte existe avec cette adresse courriel" in page
    assert len(reset_emails()) == 2  # the same work for both: one row queued each
    (email,) = delivered()
    assert [e.to for e in reset_emails()] == [MARIA["email"]]  # the stranger's is gone
    assert email.to == MARIA["email"] and email.subject == "Réinitialisation de votre mot de passe"
    for personal in (MARIA["given_names"], MARIA["family_names"], MARIA["email"]):
        assert personal not in email.subject + email.body
    assert LINK.search(email.body)


def test_forgot__email_in_other_case__sent_in_the_accounts_language(maria):
    maria.switch_language("en")
    maria.logout()
    ask_link(maria, MARIA["email"].upper())
    (email,) = delivered()
    assert email.subject == "Resetting your password" and "within the next hour" in email.body


def test_forgot__malformed_email__field_error_nothing_sent(client, applicant):
    response = ask_link(applicant, "pas-une-adresse")
    assert response.status_code == 422
    assert "Entrez une adresse courriel valide" in response.get_data(as_text=True)
    assert recent_emails() == []


def test_reset_link__works_once__old_password_stops_new_one_works(maria):
    maria.logout()
    ask_link(maria)
    path = link_path()
    form = maria.get(path)
    assert form.status_code == 200 and form.headers["Referrer-Policy"] == "same-origin"
    assert "Choisir un nouveau mot de passe" in form.get_data(as_text=True)
    response = set_password(maria, path)
    assert response.status_code == 302 and response.location == "/connexion"
    assert "Votre mot de passe a été changé" in maria.get("/connexion").get_data(as_text=True)
    assert not logged_in_with(maria, PASSWORD)
    assert logged_in_with(maria, NEW_PASSWORD)
    maria.logout()
    again = maria.get(path)
    assert again.status_code == 410 and "Lien expiré ou déjà utilisé" in again.get_data(
        as_text=True)
    assert maria.post(path, {"password": "encore-un-autre-secret",
                             "password_confirm": "encore-un-autre-secret"}).status_code == 410
    assert logged_in_with(maria, NEW_PASSWORD)


def test_reset_link__after_one_hour__refused_and_password_unchanged(maria):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    maria.logout()
    ask_link(maria)
    path = link_path()
    storage.clock.advance(timedelta(minutes=59))
    assert maria.get(path).status_code == 200
    storage.clock.advance(timedelta(minutes=1))
    assert maria.get(path).status_code == 410
    assert set_password(maria, path).status_code == 410
    assert logged_in_with(maria, PASSWORD)


def test_reset_link__one_accounts_token__never_changes_another_account(maria, other):
    maria.logout()
    other.logout()
    ask_link(maria)
    ask_link(other, other.profile["email"])
    marias, others = link_path(), link_path(other.profile["email"])
    assert marias != others
    other.get(marias)
    assert other.post(marias, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
                               "email": other.profile["email"]}).status_code == 302
    assert logged_in_with(other, PASSWORD, other.profile["email"])  # untouched
    assert logged_in_with(maria, NEW_PASSWORD)
    assert maria.get(others).status_code == 200  # the other link still works, for its owner


def test_reset_link__unknown_or_forged_token__refused(client, applicant):
    for token in ("x", "A" * 43, "a" * 300):
        assert applicant.get(f"/mot-de-passe/{token}").status_code == 410


def test_reset__password_rules_as_registration(maria):
    maria.logout()
    ask_link(maria)
    path = link_path()
    short = set_password(maria, path, "court")
    assert short.status_code == 422 and "au moins" in short.get_data(as_text=True)
    mismatch = set_password(maria, path, NEW_PASSWORD, NEW_PASSWORD + "x")
    assert mismatch.status_code == 422
    assert "Les deux mots de passe ne sont pas identiques." in mismatch.get_data(as_text=True)
    assert set_password(maria, path).status_code == 302  # the link survived the errors


def test_forgot__link_built_from_portal_url_not_from_the_host_header(maria):
    maria.logout()
    assert ask_link(maria, headers={"Host": "evil.example"}).status_code == 400  # untrusted
    assert not delivered()
    # a trusted name other than the portal's (the test client's "localhost")
    assert ask_link(maria, headers={"Host": "localhost:5000"}).status_code == 302
    (email,) = delivered()
    assert "localhost" not in email.body and LINK.search(email.body)


def test_forgot__sixth_request_within_the_hour__refused_with_when_no_email(applicant, maria):
    maria.logout()
    for _ in range(5):
        assert ask_link(maria).status_code == 302
    refused = ask_link(maria)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Trop de tentatives" in page and re.search(r"réessayer dans \d+ min\.", page)
    assert len(reset_emails()) == 5


def test_reset__email_through_smtp__the_received_link_works(maria, smtp):
    maria.logout()
    ask_link(maria)
    assert send_pending(transport_for(smtp.url)).sent == 1
    (received,) = smtp.inbox.received
    path = LINK.search(received.body).group(1)
    assert set_password(maria, path).status_code == 302
    assert logged_in_with(maria, NEW_PASSWORD)


def test_reset__sessions_open_elsewhere__ended_even_on_a_kept_page_new_login_works(
        app, maria):
    number = maria.create_dossier()
    section = maria.section_url(number, "identite")
    maria.get(section)  # the one with the "created" notice
    assert maria.get(section).status_code == 200  # this one is kept (web/forms/page_cache.py)
    assert maria.get(section).status_code == 200  # and reused
    elsewhere = Applicant(app.test_client())  # e.g. whoever fears the account is used
    ask_link(elsewhere)
    assert set_password(elsewhere, link_path()).status_code == 302

    response = maria.get(section)
    assert response.status_code == 302 and response.location.startswith("/connexion")
    assert maria.get("/dossiers/").status_code == 302  # and stays logged out
    assert maria.login(MARIA["email"], NEW_PASSWORD).status_code == 302
    assert maria.get(section).status_code == 200
    assert maria.get("/dossiers/").status_code == 200


def statements_of(applicant, email: str, caplog) -> list[str]:
    """The SQL statements (text, no values) a Mot de passe oublié request for `email` runs."""
    response, statements = applicant.post_counting_sql(
        "/mot-de-passe-oublie", {"email": email}, caplog)
    assert response.status_code == 302
    return statements


def test_forgot__known_and_unknown_email__the_very_same_database_work(app, maria, caplog):
    """Nothing in the time taken can tell an account's address from another: the request
    runs the same statements either way (the attempt counted against the email and the
    address, one lookup, one outbox row), the token and the dropping of a stranger's
    address come later, in the sender."""
    maria.logout()
    known = statements_of(maria, MARIA["email"], caplog)
    unknown = statements_of(Applicant(app.test_client()), "personne@example.com", caplog)
    assert known == unknown
    inserts = [s.split(" (")[0] for s in known if s.startswith("INSERT")]
    assert inserts == ['INSERT INTO "attempt"'] * 2 + ['INSERT INTO "outgoing_email"']
    assert not any("password_reset_token" in s for s in known)


def test_reset_link__opened_in_a_new_browser__in_the_accounts_language(app, maria):
    maria.switch_language("en")
    maria.logout()
    ask_link(maria)
    page = app.test_client().get(link_path()).get_data(as_text=True)
    assert '<html lang="en">' in page
