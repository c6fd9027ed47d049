"""The small reads every page makes: a dossier's stamp (number, version) and the visit
(session ended? unread messages?). Pages are reused per stamp, so a stamp that missed
a write would show an applicant stale answers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import storage
import storage.accounts.password_reset as changing
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
    names = (account.profile["given_names"], account.profile["family_names"])
    assert storage.visit("sid-1", account.id) == storage.Visit(False, 0, names=names)
    storage.submit(registry, account.id, valid_draft.number)  # sends the confirmation message
    assert storage.visit("sid-1", account.id) == storage.Visit(False, 1, names=names)
    (message,) = storage.list_messages(account.id)
    storage.get_message(account.id, message.public_id)  # read
    assert storage.visit("sid-1", account.id) == storage.Visit(False, 0, names=names)


def test_visit__names__the_accounts_as_they_are_now(account):
    assert all(storage.visit("sid-1", account.id).names)
    storage.update_profile(account.id, {"given_names": "Ana", "family_names": "Lé"})
    assert storage.visit("sid-1", account.id).names == ("Ana", "Lé")


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


def test_visit__password_reset_within_the_second__microseconds_decide(account):
    # the reset time comes back from the database as a datetime (SQLite keeps text):
    # a session opened 0.3 s before it is over, one opened 0.3 s after it is not
    storage.clock.set(datetime(2026, 3, 2, 9, 15, 7, 100_000, tzinfo=UTC))
    before = storage.clock.now().timestamp()
    started = storage.start_password_reset(account.email)
    storage.clock.advance(timedelta(microseconds=300_000))
    storage.reset_password(started.token, "new-hash")
    storage.clock.advance(timedelta(microseconds=300_000))
    after = storage.clock.now().timestamp()
    assert storage.visit("sid-1", account.id, opened_at=before).ended
    assert not storage.visit("sid-2", account.id, opened_at=after).ended


def test_visit__several_resets__the_last_one_counts(account):
    storage.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    first = storage.start_password_reset(account.email)
    storage.reset_password(first.token, "hash-1")
    storage.clock.advance(timedelta(hours=1))
    between = storage.clock.now().timestamp()
    second = storage.start_password_reset(account.email)
    storage.clock.advance(timedelta(minutes=1))
    storage.reset_password(second.token, "hash-2")
    storage.clock.advance(timedelta(minutes=1))
    assert storage.visit("sid-1", account.id, opened_at=between).ended
    assert not storage.visit("sid-2", account.id,
                             opened_at=storage.clock.now().timestamp()).ended


def test_visit__another_accounts_dossier_number__own_unread_count_no_stamp(
        registry, account, make_account, valid_draft):
    storage.submit(registry, account.id, valid_draft.number)  # one unread message
    stranger = make_account()
    assert storage.visit("sid-1", account.id, valid_draft.number).unread_messages == 1
    visit = storage.visit("sid-2", stranger.id, valid_draft.number)
    assert (visit.ended, visit.unread_messages, visit.dossier) == (False, 0, None)


def test_visit__overdue_draft__stamp_unsettled(account, draft):
    storage.clock.set(draft.deadline + timedelta(days=1))
    stamp = storage.visit("sid-1", account.id, draft.number).dossier
    assert stamp is not None and (stamp.version, stamp.settled) == (draft.version, False)


def test_visit__unknown_account__ended(account, draft):
    missing = account.id + 1000
    assert storage.visit("sid-1", missing) == storage.Visit(True, 0)
    assert storage.visit("sid-1", missing, draft.number) == storage.Visit(True, 0, draft.number)


def test_visit__password_changed_while_logged_in__sessions_opened_before_ended(
        account, make_account):
    stranger = make_account()
    storage.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    before = storage.clock.now().timestamp()
    link = storage.start_password_reset(account.email)
    storage.clock.advance(timedelta(minutes=5))
    changed = storage.change_password(account.id, "new-hash")
    assert changed.password_hash == "new-hash"
    renewed = storage.clock.now().timestamp()  # the changing session, renewed at once
    storage.clock.advance(timedelta(minutes=1))
    assert storage.visit("sid-1", account.id, opened_at=before).ended
    assert not storage.visit("sid-2", account.id, opened_at=renewed).ended
    assert not storage.visit("sid-3", stranger.id, opened_at=before).ended
    with pytest.raises(storage.ResetRefused):  # an older link cannot undo the change
        storage.check_reset_token(link.token)


def test_change_password__notice__queued_in_the_same_transaction(account, monkeypatch):
    notice = ("Votre mot de passe a été changé", "Bonjour")
    storage.change_password(account.id, "new-hash", notice=notice)
    assert [(e["to"], e["subject"], e["body"]) for e in rows("OutgoingEmail")] == [
        (account.email, *notice)]

    # the email cannot be queued: the password is not changed either
    def refused(*args: object) -> None:
        raise RuntimeError("outbox refused")

    monkeypatch.setattr(changing, "queue_email", refused)
    with pytest.raises(RuntimeError):
        storage.change_password(account.id, "newer-hash", notice=notice)
    assert storage.get_account(account.id).password_hash == "new-hash"
