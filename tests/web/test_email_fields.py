"""Every email field of the accounts pages takes one address (email-validator: no list,
a domain with a dot), normalised: registration, login and Mot de passe oublié. A list
such as "root,postmaster,someone@example.org" once became one account whose reset went
to three recipients."""

from __future__ import annotations

import unicodedata

import pytest

import storage
from tests.web.conftest import MARIA, emails
from tests.web.test_password_reset import ask_link

LIST = "root,postmaster,someone@example.org"


def error_next_to_email(page: str) -> str:
    start = page.index('id="f-email-error"')
    return page[start:page.index("</p>", start)]


@pytest.mark.parametrize("typed, message", [
    (LIST, "Entrez une seule adresse courriel"),
    ("a@example.org; b@example.org", "Entrez une seule adresse courriel"),
    ("root@localhost", "Entrez une adresse courriel valide"),
    ("maria@[127.0.0.1]", "Entrez une adresse courriel valide"),
])
def test_register__not_one_address__refused_next_to_the_field_and_in_summary(
        applicant, typed, message):
    response = applicant.register(email=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in error_next_to_email(page)
    assert f'<a href="#f-email">{message}' in page
    assert storage.find_account_by_email(typed) is None


def test_register__list__english_message(applicant):
    applicant.switch_language("en")
    page = applicant.register(email=LIST).get_data(as_text=True)
    assert "Enter only one email address" in error_next_to_email(page)


def test_register_then_login__same_address_typed_differently__one_account(applicant):
    decomposed = unicodedata.normalize("NFD", "maría.valdero@Exemple.ORG")
    assert applicant.register(email=decomposed).status_code == 302
    applicant.logout()
    composed = unicodedata.normalize("NFC", " MARÍA.VALDERO@exemple.org ")
    assert applicant.login(composed).status_code == 302


def test_forgot__list__refused_with_the_message_nothing_sent(maria):
    maria.logout()
    response = ask_link(maria, f"{MARIA['email']},root@example.org")
    assert response.status_code == 422
    assert "Entrez une seule adresse courriel" in error_next_to_email(
        response.get_data(as_text=True))
    assert emails() == []


def test_forgot__address_with_domain_in_capitals__one_email_to_the_account(maria):
    maria.logout()
    local, _, domain = MARIA["email"].partition("@")
    assert ask_link(maria, f"{local}@{domain.upper()}").status_code == 302
    (email,) = emails()
    assert email.to == MARIA["email"]
