"""Accounts and profiles; password hashing shared with the web login."""

from __future__ import annotations

import pytest

import storage
from storage.accounts.hashing import hash_password, needs_rehash, verify_password


def test_create_account__profile_given__every_key_back_as_string(make_account):
    account = make_account(city="Paris", phone_home_code="33")
    assert set(account.profile) == set(storage.PROFILE_FIELDS)
    assert account.profile["birth_date"] == "1990-05-17"
    assert account.profile["city"] == "Paris" and account.profile["province"] == ""
    assert storage.get_account(account.id) == account


def test_create_account__same_email_other_case__email_taken():
    storage.create_account("Maria@Example.org", "h", {})
    with pytest.raises(storage.EmailTaken):
        storage.create_account(" maria@EXAMPLE.org ", "h", {})
    assert storage.find_account_by_email("MARIA@example.ORG").email == "maria@example.org"
    assert storage.find_account_by_email("nobody@example.org") is None


def test_update_profile__some_fields__others_kept(account):
    updated = storage.update_profile(account.id, {"city": "Montréal", "birth_date": ""})
    assert updated.profile["city"] == "Montréal"
    assert updated.profile["birth_date"] == ""
    assert updated.profile["given_names"] == "Maria"


@pytest.mark.parametrize("profile", [{"nickname": "x"}, {"sex": "Q"}, {"birth_date": "1-2-3"}])
def test_update_profile__bad_value__value_error_nothing_changed(account, profile):
    with pytest.raises(ValueError):
        storage.update_profile(account.id, profile)
    assert storage.get_account(account.id) == account


def test_set_lang_and_password__changed__read_back(account):
    storage.set_lang(account.id, "en")
    storage.set_password_hash(account.id, "new-hash")
    again = storage.get_account(account.id)
    assert (again.lang, again.password_hash) == ("en", "new-hash")
    with pytest.raises(ValueError):
        storage.set_lang(account.id, "de")


def test_get_account__unknown__not_found():
    with pytest.raises(storage.NotFound):
        storage.get_account(999_999)


def test_passwords__hash_then_verify__right_true_wrong_false():
    hashed = hash_password("Demo-Guichet-2026!")
    assert hashed.startswith("$argon2id$") and not needs_rehash(hashed)
    assert verify_password(hashed, "Demo-Guichet-2026!")
    assert not verify_password(hashed, "demo-guichet-2026!")
    assert not verify_password("not a hash", "Demo-Guichet-2026!")
