"""Registrations waiting for activation (issue #13 item 9): one request and one outbox row
whatever the address; the sender makes the link's token, or turns the email into the
"already registered" one; the link makes the account from its own request, once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import storage
from storage.accounts.password_reset import token_hash

from .conftest import rows

PROFILE = {"given_names": "Maria", "family_names": "Valdero", "sex": "F",
           "birth_date": "2000-01-01"}
ACTIVATION = ("Activez votre compte", f"Lien : /inscription/activer/{storage.SIGNUP_TOKEN_SLOT}")
KNOWN = ("Tentative de création de compte", "Un compte existe déjà avec cette adresse.")


def queue(email: str = "Maria@Example.org", password_hash: str = "hash") -> storage.EmailView:
    return storage.queue_signup(email, password_hash, PROFILE, "en", ACTIVATION, KNOWN)


def test_queue_signup__new_or_known_address__one_request_one_email_no_account(account):
    queue()
    queue(account.email)
    assert len(rows("SignupRequest")) == 2 and len(rows("OutgoingEmail")) == 2
    assert storage.find_account_by_email("maria@example.org") is None
    assert {r["address"] for r in rows("SignupRequest")} == {"maria@example.org", account.email}


def test_start_queued_signup__new_address__token_only_as_its_hash(account):
    queued = queue()
    subject, body = storage.start_queued_signup(queued.id)
    token = body.rsplit("/", 1)[1]
    assert subject == "Activez votre compte" and len(token) >= 43
    (request,) = rows("SignupRequest")
    assert request["token_hash"] == token_hash(token) and token not in str(request)
    assert storage.SIGNUP_TOKEN_SLOT in rows("OutgoingEmail")[0]["body"]  # never the token


def test_start_queued_signup__known_address__already_registered_email_account_unchanged(
        account):
    queued = queue(account.email.upper(), "a-strangers-hash")
    assert storage.start_queued_signup(queued.id) == KNOWN
    assert rows("SignupRequest") == []  # the stranger's password hash is not kept
    (row,) = rows("OutgoingEmail")
    assert (row["subject"], row["body"], row["purpose"]) == (*KNOWN, None)  # a retry: same
    assert storage.get_account(account.id) == account


def test_confirm_signup__once__account_as_registered_and_every_link_of_the_address_ends():
    first, second = queue(password_hash="first-hash"), queue(password_hash="second-hash")
    first_token = storage.start_queued_signup(first.id)[1].rsplit("/", 1)[1]
    second_token = storage.start_queued_signup(second.id)[1].rsplit("/", 1)[1]
    account = storage.confirm_signup(second_token)
    assert (account.email, account.password_hash, account.lang) == (
        "maria@example.org", "second-hash", "en")
    assert account.profile["family_names"] == "Valdero"
    assert account.profile["birth_date"] == "2000-01-01"
    assert rows("SignupRequest") == []
    for token in (first_token, second_token):
        with pytest.raises(storage.SignupRefused):
            storage.check_signup_token(token)
        with pytest.raises(storage.SignupRefused):
            storage.confirm_signup(token)


def test_confirm_signup__after_24_hours__refused_no_account_and_request_deleted_later():
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    queued = queue()
    token = storage.start_queued_signup(queued.id)[1].rsplit("/", 1)[1]
    storage.clock.advance(timedelta(hours=23, minutes=59, seconds=59))
    storage.check_signup_token(token)
    storage.clock.advance(timedelta(seconds=1))
    with pytest.raises(storage.SignupRefused):
        storage.confirm_signup(token)
    assert storage.find_account_by_email("maria@example.org") is None
    storage.start_queued_signup(queue("other@example.org").id)
    assert [r["address"] for r in rows("SignupRequest")] == ["other@example.org"]


def test_start_queued_signup__request_gone__email_deleted_nothing_sent():
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    queued = queue()
    storage.clock.advance(timedelta(hours=25))  # expired before it could be sent
    assert storage.start_queued_signup(queued.id) is None
    assert rows("OutgoingEmail") == [] and rows("SignupRequest") == []


@pytest.mark.parametrize("token", ["", "x", "a" * 300])
def test_check_signup_token__unknown_or_malformed__refused(token):
    with pytest.raises(storage.SignupRefused):
        storage.check_signup_token(token)


def test_queue_signup__bad_profile_value__value_error_nothing_kept():
    with pytest.raises(ValueError):
        storage.queue_signup("maria@example.org", "hash", {"sex": "Z"}, "fr", ACTIVATION, KNOWN)
    assert rows("SignupRequest") == [] and rows("OutgoingEmail") == []
