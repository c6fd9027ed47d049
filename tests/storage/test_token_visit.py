"""The JSON API's visit (storage.token_visit): the access token's account and the stamp
of the dossier its address names, in one read. It must refuse exactly what
storage.token_account refuses (a revoked token at the very next request), and its stamp
must be the dossier's as storage.dossier_stamp reads it: the API reuses a section's answer
per stamp."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import storage
from tests.definitions import ESSAI


def _refused(access: str, number: str | None = None) -> str:
    with pytest.raises(storage.TokenRefused) as refused:
        storage.token_visit(access, number)
    return refused.value.reason


def test_token_visit__valid_access_token__its_account_and_no_dossier(account):
    pair = storage.issue_tokens(account.id, 900, 3600)
    assert storage.token_visit(pair.access_token) == storage.TokenVisit(account.id)


def test_token_visit__refuses_what_token_account_refuses(account, draft):
    pair = storage.issue_tokens(account.id, 900, 3600)
    for number in (None, draft.number):
        assert _refused(pair.refresh_token, number) == "unknown"  # not an access token
        assert _refused("gat_forged", number) == "unknown"
        assert _refused("", number) == "unknown"
    storage.clock.advance(timedelta(seconds=901))
    assert _refused(pair.access_token) == "expired"
    assert _refused(pair.access_token, draft.number) == "expired"


def test_token_visit__revoked_at_once__logout_and_password_change(account, draft):
    mine, phone = (storage.issue_tokens(account.id, 900, 3600) for _ in range(2))
    assert storage.token_visit(mine.access_token, draft.number).account_id == account.id
    storage.revoke_chain(mine.access_token)
    assert _refused(mine.access_token, draft.number) == "revoked"
    assert storage.token_visit(phone.access_token, draft.number).account_id == account.id
    storage.change_password(account.id, storage.hash_password("y" * 12))
    assert _refused(phone.access_token) == "revoked"
    assert _refused(phone.access_token, draft.number) == "revoked"


def test_token_visit__own_dossier__the_stamp_dossier_stamp_reads(account, valid_draft):
    pair = storage.issue_tokens(account.id, 900, 3600)
    visit = storage.token_visit(pair.access_token, f" {valid_draft.number} ")
    assert visit.number == valid_draft.number
    assert visit.dossier == storage.dossier_stamp(account.id, valid_draft.number)
    assert visit.dossier is not None and visit.dossier.version == valid_draft.version


def test_token_visit__not_the_accounts_dossier__no_stamp(registry, account, make_account,
                                                        draft):
    stranger = make_account()
    pair = storage.issue_tokens(stranger.id, 900, 3600)
    storage.register_existing(registry, ESSAI, "G2100076952", "Ana", "Ruiz", "F",
                              date(1980, 1, 1))  # no owner yet
    for number in (draft.number, "G0000000000", "G2100076952", "", "x" * 500, "G\x00"):
        visit = storage.token_visit(pair.access_token, number)
        assert (visit.account_id, visit.dossier) == (stranger.id, None)


def test_token_visit__overdue_draft__stamp_unsettled(account, draft):
    storage.clock.set(draft.deadline + timedelta(days=1))
    pair = storage.issue_tokens(account.id, 900, 3600)
    stamp = storage.token_visit(pair.access_token, draft.number).dossier
    assert stamp is not None and (stamp.version, stamp.settled) == (draft.version, False)


def test_token_visit__whole__the_dossier_get_dossier_reads(registry, account, draft,
                                                          valid_draft):
    pair = storage.issue_tokens(account.id, 900, 3600)
    visit = storage.token_visit(pair.access_token, draft.number, whole=True)
    assert visit.view == storage.get_dossier(account.id, draft.number)
    assert visit.view is not None and visit.view.answers and visit.view.snapshot is None
    storage.submit(registry, account.id, draft.number)
    submitted = storage.token_visit(pair.access_token, draft.number, whole=True).view
    assert submitted == storage.get_dossier(account.id, draft.number)
    assert submitted is not None and submitted.snapshot and submitted.submitted_at
    assert storage.token_visit(pair.access_token, draft.number).view is None  # not asked


def test_token_visit__whole__says_whether_answers_are_kept_aside_for_the_account(
        registry, account, draft):
    pair = storage.issue_tokens(account.id, 900, 3600)
    assert storage.token_visit(pair.access_token, draft.number, whole=True).kept is False
    storage.keep_answers(registry, account.id, draft.number, "identite", {"numero": "1"})
    assert storage.token_visit(pair.access_token, draft.number, whole=True).kept is True


def test_token_visit__whole__overdue_or_not_the_accounts__no_view(account, make_account,
                                                                 draft):
    stranger = make_account()
    other = storage.issue_tokens(stranger.id, 900, 3600)
    assert storage.token_visit(other.access_token, draft.number, whole=True).view is None
    storage.clock.set(draft.deadline + timedelta(days=1))
    pair = storage.issue_tokens(account.id, 900, 3600)
    visit = storage.token_visit(pair.access_token, draft.number, whole=True)
    assert visit.dossier is not None and not visit.dossier.settled and visit.view is None
