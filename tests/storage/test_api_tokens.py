"""Tokens of the JSON API (storage/accounts/api_tokens.py): issued, checked, rotated
with reuse detection, revoked on logout and with a password change or reset."""

from __future__ import annotations

from datetime import timedelta

import pytest

import storage
from storage.accounts.api_tokens import token_hash
from storage.orm.db import database
from storage.orm.transactions import transaction

PROFILE = {"family_names": "Valdero", "given_names": "Maria", "sex": "F",
           "birth_date": "1990-01-01"}


@pytest.fixture
def account_id() -> int:
    return storage.create_account("maria@example.com", storage.hash_password("x" * 12),
                                  PROFILE).id


def _refused(access: str) -> str:
    with pytest.raises(storage.TokenRefused) as refused:
        storage.token_account(access)
    return refused.value.reason


@transaction(write=False)
def _stored_hashes() -> set[str]:
    return {t.token_hash for t in database().ApiToken.select()}


def test_an_access_token_opens_its_account_and_only_its_hash_is_kept(account_id: int) -> None:
    pair = storage.issue_tokens(account_id, 900, 3600)
    assert storage.token_account(pair.access_token) == account_id
    assert pair.access_token.startswith("gat_") and pair.refresh_token.startswith("grt_")
    assert _stored_hashes() == {token_hash(pair.access_token), token_hash(pair.refresh_token)}
    assert _refused(pair.refresh_token) == "unknown"  # a refresh token opens nothing
    assert _refused("gat_forged") == "unknown"


def test_an_access_token_expires(account_id: int) -> None:
    pair = storage.issue_tokens(account_id, 900, 3600)
    storage.clock.advance(timedelta(seconds=901))
    assert _refused(pair.access_token) == "expired"


def test_refreshing_rotates_and_a_reused_refresh_token_revokes_the_chain(
        account_id: int) -> None:
    first = storage.issue_tokens(account_id, 900, 3600)
    second = storage.refresh_tokens(first.refresh_token, 900, 3600)
    assert storage.token_account(second.access_token) == account_id
    third = storage.refresh_tokens(second.refresh_token, 900, 3600)
    other_login = storage.issue_tokens(account_id, 900, 3600)
    with pytest.raises(storage.TokenRefused) as refused:  # the first one, replayed
        storage.refresh_tokens(first.refresh_token, 900, 3600)
    assert refused.value.reason == "reused"
    for token in (first.access_token, second.access_token, third.access_token):
        assert _refused(token) == "revoked"
    with pytest.raises(storage.TokenRefused):
        storage.refresh_tokens(third.refresh_token, 900, 3600)
    assert storage.token_account(other_login.access_token) == account_id  # another chain


def test_an_expired_refresh_token_is_refused(account_id: int) -> None:
    pair = storage.issue_tokens(account_id, 900, 3600)
    storage.clock.advance(timedelta(seconds=3601))
    with pytest.raises(storage.TokenRefused) as refused:
        storage.refresh_tokens(pair.refresh_token, 900, 3600)
    assert refused.value.reason == "expired"


def test_logging_out_revokes_the_chain_only(account_id: int) -> None:
    mine = storage.issue_tokens(account_id, 900, 3600)
    phone = storage.issue_tokens(account_id, 900, 3600)
    storage.revoke_chain(mine.access_token)
    assert _refused(mine.access_token) == "revoked"
    with pytest.raises(storage.TokenRefused):
        storage.refresh_tokens(mine.refresh_token, 900, 3600)
    assert storage.token_account(phone.access_token) == account_id


def test_a_password_change_or_reset_revokes_every_token(account_id: int) -> None:
    pairs = [storage.issue_tokens(account_id, 900, 3600) for _ in range(2)]
    storage.change_password(account_id, storage.hash_password("y" * 12))
    for pair in pairs:
        assert _refused(pair.access_token) == "revoked"
        with pytest.raises(storage.TokenRefused):
            storage.refresh_tokens(pair.refresh_token, 900, 3600)
    pair = storage.issue_tokens(account_id, 900, 3600)
    request = storage.start_password_reset("maria@example.com")
    storage.reset_password(request.token, storage.hash_password("z" * 12))
    assert _refused(pair.access_token) == "revoked"
