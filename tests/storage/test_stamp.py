"""The small reads every page makes: a dossier's stamp (number, version) and the visit
(session ended? unread messages?). Pages are reused per stamp, so a stamp that missed
a write would show an applicant stale answers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import storage
from tests.definitions import ESSAI

from .conftest import rows


def stamp_version(account, number) -> int:
    return storage.dossier_stamp(account.id, number).version


def test_dossier_stamp__own_draft__same_version_type_status_as_the_dossier(account, draft):
    stamp = storage.dossier_stamp(account.id, f" {draft.number} ")
    assert (stamp.number, stamp.type_id, stamp.status, stamp.version, stamp.settled) == (
        draft.number, ESSAI, draft.status, draft.version, True)


def test_dossier_stamp__another_account_or_unknown_or_unlinked__not_found(
        registry, make_account, draft):
    stranger = make_account()
    storage.register_existing(registry, ESSAI, "G2100076952", "Ana", "Ruiz", "F",
                              date(1980, 1, 1))
    for account_id, number in ((stranger.id, draft.number), (draft.owner_id, "G0000000000"),
                               (draft.owner_id, "G2100076952"), (draft.owner_id, "")):
        with pytest.raises(storage.NotFound):
            storage.dossier_stamp(account_id, number)


def test_dossier_stamp__every_write__new_version(registry, account, draft, valid_draft):
    seen = {draft.version, valid_draft.version}
    assert stamp_version(account, draft.number) == valid_draft.version
    assert len(seen) == 2  # saving the sections moved it
    submitted = storage.submit(registry, account.id, draft.number)
    assert stamp_version(account, draft.number) == submitted.version not in seen


def test_dossier_stamp__overdue_draft__unsettled_until_read_then_expired(
        registry, account, draft):
    storage.clock.set(draft.deadline + timedelta(days=1))
    stamp = storage.dossier_stamp(account.id, draft.number)
    assert (stamp.status, stamp.version, stamp.settled) == ("brouillon", draft.version, False)
    expired = storage.get_dossier(account.id, draft.number)  # moves it
    stamp = storage.dossier_stamp(account.id, draft.number)
    assert (stamp.status, stamp.version, stamp.settled) == (
        "expire", expired.version, True)
    assert expired.version == draft.version + 1


def test_dossier_stamp__deadline_day__still_settled(account, draft):
    storage.clock.set(draft.deadline)
    assert storage.dossier_stamp(account.id, draft.number).settled


def test_visit__fresh_session__not_ended_and_unread_count(registry, account, valid_draft):
    assert storage.visit("sid-1", account.id) == storage.Visit(False, 0)
    storage.submit(registry, account.id, valid_draft.number)  # sends the confirmation message
    assert storage.visit("sid-1", account.id) == storage.Visit(False, 1)
    (message,) = storage.list_messages(account.id)
    storage.get_message(account.id, message.id)  # read
    assert storage.visit("sid-1", account.id) == storage.Visit(False, 0)


def test_visit__ended_session__ended_others_not(account):
    storage.end_session("sid-1", storage.clock.now() + timedelta(hours=1))
    assert storage.visit("sid-1", account.id).ended
    assert not storage.visit("sid-2", account.id).ended
    assert [r["sid_hash"] for r in rows("EndedSession")] != ["sid-1"]  # only a hash is kept


def test_visit__with_a_dossier_number__its_stamp_read_along(
        registry, account, make_account, draft):
    visit = storage.visit("sid-1", account.id, f" {draft.number} ")
    assert (visit.ended, visit.unread_messages, visit.number) == (False, 0, draft.number)
    assert visit.dossier == storage.dossier_stamp(account.id, draft.number)
    stranger = make_account()
    for account_id, number in ((stranger.id, draft.number), (account.id, "G0000000000")):
        visit = storage.visit("sid-1", account_id, number)
        assert visit.dossier is None and not visit.ended


def test_visit__with_a_dossier_number__ended_session_still_ended(account, draft):
    storage.end_session("sid-1", storage.clock.now() + timedelta(hours=1))
    assert storage.visit("sid-1", account.id, draft.number).ended


def test_visit__password_reset__sessions_opened_before_ended_later_ones_not(
        account, make_account, draft):
    stranger = make_account()
    before = storage.clock.now().timestamp()
    assert not storage.visit("sid-1", account.id, opened_at=before).ended
    assert not storage.visit("sid-1", account.id, opened_at=None).ended  # no reset yet
    started = storage.start_password_reset(account.email)
    assert not storage.visit("sid-1", account.id, opened_at=before).ended  # link only asked
    storage.clock.set(storage.clock.now() + timedelta(minutes=5))
    storage.reset_password(started.token, "new-hash")
    after = storage.clock.now().timestamp()
    storage.clock.set(storage.clock.now() + timedelta(minutes=1))
    assert storage.visit("sid-1", account.id, opened_at=before).ended
    assert storage.visit("sid-1", account.id, draft.number, opened_at=before).ended
    assert storage.visit("sid-1", account.id, opened_at=None).ended  # says nothing: older
    assert not storage.visit("sid-2", account.id, opened_at=after).ended  # logged in since
    assert not storage.visit("sid-2", account.id, draft.number, opened_at=after).ended
    assert not storage.visit("sid-3", stranger.id, opened_at=before).ended
