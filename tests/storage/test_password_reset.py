"""Password reset tokens: random, stored as a hash only, single use, one hour, per account."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import storage
from storage.accounts.password_reset import token_hash

from .conftest import rows


def test_start_password_reset__unknown_email__none_and_nothing_stored(account):
    assert storage.start_password_reset("nobody@example.org") is None
    assert rows("PasswordResetToken") == []


def test_start_password_reset__account__token_kept_only_as_its_hash(account):
    started = storage.start_password_reset(account.email.upper())
    assert started.account.id == account.id and len(started.token) >= 43
    (row,) = rows("PasswordResetToken")
    assert row["token_hash"] == token_hash(started.token)
    assert started.token not in str(row)
    assert storage.start_password_reset(account.email).token != started.token


def test_reset_password__once__new_hash_and_every_link_used_up(account):
    first = storage.start_password_reset(account.email)
    second = storage.start_password_reset(account.email)
    assert storage.check_reset_token(first.token).id == account.id
    assert storage.reset_password(first.token, "new-hash").id == account.id
    assert storage.get_account(account.id).password_hash == "new-hash"
    for token in (first.token, second.token):
        with pytest.raises(storage.ResetRefused):
            storage.check_reset_token(token)
        with pytest.raises(storage.ResetRefused):
            storage.reset_password(token, "other-hash")
    assert storage.get_account(account.id).password_hash == "new-hash"


def test_reset_password__one_hour_later__refused(account):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    started = storage.start_password_reset(account.email)
    storage.clock.advance(timedelta(minutes=59, seconds=59))
    storage.check_reset_token(started.token)
    storage.clock.advance(timedelta(seconds=1))
    with pytest.raises(storage.ResetRefused):
        storage.reset_password(started.token, "new-hash")
    assert storage.get_account(account.id).password_hash == "hash"


def test_reset_password__a_token_resets_only_its_account(make_account):
    maria, gunter = make_account(), make_account()
    token = storage.start_password_reset(maria.email).token
    assert storage.reset_password(token, "new-hash").id == maria.id
    assert storage.get_account(gunter.id).password_hash == "hash"


@pytest.mark.parametrize("token", ["", "x", "A" * 43, "é" * 500])
def test_check_reset_token__unknown_or_malformed__refused(account, token):
    storage.start_password_reset(account.email)
    with pytest.raises(storage.ResetRefused):
        storage.check_reset_token(token)


def test_queued_reset__account__token_made_when_sent_and_it_works(account):
    email = storage.queue_password_reset(account.email.upper(), "s",
                                         f"lien /{storage.RESET_TOKEN_SLOT}")
    assert (email.to, email.purpose) == (account.email, storage.RESET_PURPOSE)
    token = storage.start_queued_password_reset(email.id)
    assert storage.check_reset_token(token).id == account.id


def test_queued_reset__no_account__row_deleted_nothing_made():
    email = storage.queue_password_reset("personne@example.org", "s",
                                         f"lien /{storage.RESET_TOKEN_SLOT}")
    assert storage.start_queued_password_reset(email.id) is None
    assert storage.pending_emails(storage.clock.now() + timedelta(days=1)) == []
    assert rows("PasswordResetToken") == []
