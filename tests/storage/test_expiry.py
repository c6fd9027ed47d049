"""Deadlines: overdue drafts take the definition's deadline transition, on access or in bulk."""

from __future__ import annotations

from datetime import date, timedelta

import storage
from tests.definitions import ESSAI

from .conftest import count


def test_get_dossier__past_deadline__expired_on_access_with_audit(registry, account, draft):
    storage.clock.set(draft.deadline)
    assert storage.get_dossier(account.id, draft.number).status == "brouillon"  # last day
    storage.clock.set(draft.deadline + timedelta(days=1))
    expired = storage.get_dossier(account.id, draft.number)
    assert (expired.status, expired.version) == ("expire", draft.version + 1)
    assert count("AuditEvent", action="expirer", actor="system") == 1
    assert storage.get_dossier(account.id, draft.number) == expired  # once only


def test_list_dossiers__past_deadline__shown_expired(registry, account, draft):
    storage.clock.set(draft.deadline + timedelta(days=1))
    (listed,) = storage.list_dossiers(account.id)
    assert listed.status == "expire"


def test_save_section__past_deadline__locked(registry, account, draft):
    storage.clock.set(draft.deadline + timedelta(days=1))
    try:
        storage.save_section(registry, account.id, draft.number, "identite",
                             {"a_numero": False}, draft.version)
    except storage.Locked as locked:
        assert locked.status == "expire"
    else:
        raise AssertionError("an overdue draft was saved")
    assert storage.get_dossier(account.id, draft.number).answers == {}


def test_expire_overdue__mixed_dossiers__only_overdue_drafts_moved_and_counted(
        registry, make_account):
    owner = make_account()
    storage.clock.set(date(2022, 1, 1))
    old = [storage.create_dossier(registry, owner.id, ESSAI) for _ in range(3)]
    storage.register_existing(registry, ESSAI, "G2100076952", "Gunter", "DiCaprio", "M",
                              date(1970, 7, 1))  # no owner: expires too
    storage.clock.set(date(2022, 3, 1))
    recent = storage.create_dossier(registry, owner.id, ESSAI)
    storage.clock.set(old[0].deadline + timedelta(days=1))
    assert storage.expire_overdue(registry) == 4
    assert storage.expire_overdue(registry) == 0
    statuses = {d.number: d.status for d in storage.list_dossiers(owner.id)}
    assert statuses == {**{d.number: "expire" for d in old}, recent.number: "brouillon"}
    assert count("AuditEvent", action="expirer") == 4


def test_list_dossiers__several_accounts__own_only_newest_first(registry, make_account):
    me, other = make_account(), make_account()
    storage.clock.set(date(2022, 7, 1))
    first = storage.create_dossier(registry, me.id, ESSAI)
    storage.create_dossier(registry, other.id, ESSAI)
    storage.clock.set(date(2022, 7, 2))
    second = storage.create_dossier(registry, me.id, ESSAI)
    third = storage.create_dossier(registry, me.id, ESSAI)  # same instant: later id first
    assert [d.number for d in storage.list_dossiers(me.id)] == [
        third.number, second.number, first.number]
    assert storage.list_dossiers(make_account().id) == []


def test_get_dossier__other_account_or_unknown__not_found(registry, make_account, draft):
    for account_id, number in ((make_account().id, draft.number),
                               (draft.owner_id, "G0000000000"), (draft.owner_id, "")):
        try:
            storage.get_dossier(account_id, number)
        except storage.NotFound:
            continue
        raise AssertionError(f"{number} visible to account {account_id}")
