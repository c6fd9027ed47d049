"""Accounts: register, log in (a new session), log out through its question."""

from __future__ import annotations

import pytest

from tests.web.conftest import MARIA, PASSWORD


def test_register__complete_profile__activated_then_logged_in_on_mes_dossiers(applicant):
    response = applicant.register()  # the form, the emailed link, then the login
    assert response.status_code == 302
    assert response.location == "/dossiers/"
    page = applicant.get("/dossiers/").get_data(as_text=True)
    assert "Maria Valdero" in page


def test_register__missing_and_wrong_answers__errors_next_to_fields_and_in_summary(applicant):
    applicant.get("/inscription")
    response = applicant.post("/inscription", {"email": "pas-un-courriel", "password": "court",
                                               "family_names": "", "birth_date": "2999-01-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary" role="alert"' in page
    assert '<a href="#f-email">Entrez une adresse courriel valide' in page
    assert '<a href="#f-family_names">Ce champ est obligatoire.' in page
    assert 'id="f-birth_date-error"' in page
    assert 'aria-describedby="f-password-help f-password-error"' in page
    assert "au moins 12 caractères" in page


def test_login__right_password__new_session_and_mes_dossiers(applicant, client):
    applicant.register()
    applicant.logout()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    response = applicant.login()
    assert response.status_code == 302 and response.location == "/dossiers/"
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "account_id" in session


def test_login__wrong_password__one_message_and_401(applicant):
    applicant.register()
    applicant.logout()
    response = applicant.login(password="pas le bon")
    assert response.status_code == 401
    assert "L&#39;adresse courriel ou le mot de passe est incorrect." in response.get_data(
        as_text=True)


def test_login__next_on_this_site__goes_there_and_elsewhere__refused(applicant):
    applicant.register()
    applicant.logout()
    applicant.get("/connexion?next=/profil/")
    response = applicant.post("/connexion", {"email": MARIA["email"], "password": PASSWORD,
                                             "next": "/profil/"})
    assert response.location == "/profil/"
    applicant.logout()
    applicant.get("/connexion")
    response = applicant.post("/connexion", {"email": MARIA["email"], "password": PASSWORD,
                                             "next": "https://evil.example/"})
    assert response.location == "/dossiers/"


def test_logout__question__oui_logs_out_and_non_goes_back(maria):
    page = maria.get("/deconnexion?next=/profil/").get_data(as_text=True)
    assert "Voulez-vous vraiment vous déconnecter ?" in page
    assert ">Oui</button>" in page
    assert 'href="/profil/">Non</a>' in page
    response = maria.post("/deconnexion")
    assert response.location == "/connexion"
    assert maria.get("/dossiers/").status_code == 302


def test_logout__not_logged_in__goes_to_login(client):
    assert client.get("/deconnexion").location == "/connexion"


def test_index__anonymous_or_logged_in__login_or_mes_dossiers(client, maria):
    assert maria.get("/").location == "/dossiers/"
    maria.logout()
    assert maria.get("/").location == "/connexion"


@pytest.mark.parametrize("target", ["/profil/\r\nX-Injected: 1", "/\\evil.example/"])
def test_login__next_with_a_line_break_or_backslash__default(applicant, target):
    applicant.register()
    applicant.logout()
    applicant.get("/connexion")
    response = applicant.post("/connexion", {"email": MARIA["email"], "password": PASSWORD,
                                             "next": target})
    assert response.status_code == 302 and response.location == "/dossiers/"


def test_login__empty_fields__said_next_to_each_no_attempt_counted(applicant):
    applicant.get("/connexion")
    response = applicant.post("/connexion", {"email": " ", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert page.count("Entrez votre adresse courriel.") == 2  # next to the field, in the summary
    assert page.count("Entrez votre mot de passe.") == 2
    assert 'aria-describedby="f-password-error"' in page
    assert "incorrect" not in page


def test_login__wrong_password__reminds_that_a_new_account_is_activated_by_email(applicant):
    applicant.register()
    applicant.logout()
    applicant.get("/connexion")
    page = applicant.login(password="pas le bon").get_data(as_text=True)
    assert "Activez-le d&#39;abord avec le lien reçu par courriel." in page
