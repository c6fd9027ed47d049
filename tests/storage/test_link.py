"""Linking an agent-registered dossier: all four identity parts must match, and every
refusal is the same, so it reveals nothing about which part was wrong."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import storage
from storage.dossiers.identity import fold
from tests.definitions import ESSAI

from .conftest import count, rows

NUMBER = "G2100076952"


@pytest.fixture
def registered(registry):
    return storage.register_existing(registry, ESSAI, NUMBER, "Günter José", "DiCaprio",
                                     "M", date(1970, 7, 1))


def gunter(make_account, **changes):
    profile = {"given_names": "  gunter  JOSE ", "family_names": "dicáprio", "sex": "M",
               "birth_date": "1970-07-01", **changes}
    return make_account(**profile)


def test_register_existing__agent__no_owner_initial_state_audited(registered):
    assert registered.owner_id is None and registered.status == "brouillon"
    assert count("AuditEvent", action="register", actor="agent") == 1


def test_link_existing__case_accent_space_differences__linked_and_audited(
        registered, make_account):
    account = gunter(make_account)
    linked = storage.link_existing(account.id, ESSAI, f" {NUMBER.lower()} ")
    assert linked.owner_id == account.id and linked.number == NUMBER
    assert [d.number for d in storage.list_dossiers(account.id)] == [NUMBER]
    assert count("AuditEvent", action="link", actor=f"account:{account.id}") == 1


@pytest.mark.parametrize("type_id, number, changes", [
    (ESSAI, "G2100076953", {}),
    ("other-type", NUMBER, {}),
    (ESSAI, "", {}),
    (ESSAI, NUMBER, {"given_names": "Gunther José"}),
    (ESSAI, NUMBER, {"family_names": "Caprio"}),
    (ESSAI, NUMBER, {"sex": "F"}),
    (ESSAI, NUMBER, {"birth_date": "1970-01-07"}),
    (ESSAI, NUMBER, {"given_names": ""}),
], ids=["number", "type", "no-number", "given", "family", "sex", "birth", "empty-given"])
def test_link_existing__one_part_differs__same_link_refused(
        registered, make_account, type_id, number, changes):
    account = gunter(make_account, **changes)
    with pytest.raises(storage.LinkRefused) as caught:
        storage.link_existing(account.id, type_id, number)
    assert str(caught.value) == str(storage.LinkRefused())
    assert storage.list_dossiers(account.id) == []


def test_link_existing__already_linked__same_link_refused(registered, make_account):
    storage.link_existing(gunter(make_account).id, ESSAI, NUMBER)
    with pytest.raises(storage.LinkRefused):
        storage.link_existing(gunter(make_account).id, ESSAI, NUMBER)
    assert count("AuditEvent", action="link") == 1


def test_link_existing__dossier_created_online__refused(registry, make_account):
    owner = gunter(make_account)
    created = storage.create_dossier(registry, owner.id, ESSAI)
    with pytest.raises(storage.LinkRefused):
        storage.link_existing(gunter(make_account).id, ESSAI, created.number)


def test_fold__accents_case_spaces__equal_other_letters__different():
    assert fold("  Ève-Marie  D'ÁVILA ") == fold("eve-marie d'avila") == "eve marie d avila"
    assert fold("Gunter") != fold("Gunther")


@pytest.mark.parametrize("registered_names, typed_names", [
    (("Seán", "O'Connor"), ("Sean", "O’Connor")),
    (("Jean-François", "Łukasiewicz-Ørsted"), ("Jean François", "lukasiewicz orsted")),
    (("Æbbe", "Straße"), ("AEBBE", "Strasse")),
    (("Đurđa", "Yıldız"), ("Durda", "Yildiz")),
    (("Anne‐Marie", "D´Ávila"), ("anne–marie\u200b", " d'avila ")),
], ids=["apostrophe", "hyphen-stroke", "ligature-eszett", "stroke-dotless", "dashes-invisible"])
def test_link_existing__harmless_spelling_variants__linked(
        registry, make_account, registered_names, typed_names):
    storage.register_existing(registry, ESSAI, NUMBER, *registered_names, "F",
                              date(1988, 3, 9))
    given, family = typed_names
    account = make_account(given_names=given, family_names=family, sex="F",
                           birth_date="1988-03-09")
    assert storage.link_existing(account.id, ESSAI, NUMBER).owner_id == account.id


@pytest.mark.parametrize("typed_family", ["Connor", "O'Conner", "OConnell", "Ørstedt"])
def test_link_existing__another_name__refused(registry, make_account, typed_family):
    storage.register_existing(registry, ESSAI, NUMBER, "Seán", "O'Connor", "F",
                              date(1988, 3, 9))
    account = make_account(given_names="Sean", family_names=typed_family, sex="F",
                           birth_date="1988-03-09")
    with pytest.raises(storage.LinkRefused):
        storage.link_existing(account.id, ESSAI, NUMBER)


def test_register_existing__malformed_or_taken_number__refused(registry, registered):
    for number in ("X2100076952", "G21000769", NUMBER):
        with pytest.raises(ValueError):
            storage.register_existing(registry, ESSAI, number, "A", "B", "F",
                                      date(1990, 1, 1))
    assert count("Dossier") == 1


def test_link_existing__linked__audited_with_number_and_message_in_account_language(
        registered, make_account):
    storage.clock.set(datetime(2022, 7, 11, 9, 30))
    account = gunter(make_account, lang="en")
    storage.link_existing(account.id, ESSAI, NUMBER)
    [event] = rows("AuditEvent", action="link")
    assert event["actor"] == f"account:{account.id}" and event["detail"] == {"number": NUMBER}
    [message] = storage.list_messages(account.id)
    assert message.dossier_number == NUMBER and message.read_at is None
    assert message.subject == f"File {NUMBER} linked to your account"
    assert "2022-07-11 09:30" in message.body and "did not do this" in message.body


def test_link_existing__impostor_same_identity_after_owner_linked__refused_owner_keeps_it(
        registered, make_account):
    owner, impostor = gunter(make_account), gunter(make_account)
    storage.link_existing(owner.id, ESSAI, NUMBER)
    with pytest.raises(storage.LinkRefused) as caught:
        storage.link_existing(impostor.id, ESSAI, NUMBER)
    assert str(caught.value) == str(storage.LinkRefused())
    assert [d.number for d in storage.list_dossiers(owner.id)] == [NUMBER]
    assert storage.list_dossiers(impostor.id) == []
    assert storage.list_messages(impostor.id) == []


def test_update_profile__identity_of_linked_dossier_changed__audited_old_and_new(
        registered, make_account):
    account = gunter(make_account)
    storage.link_existing(account.id, ESSAI, NUMBER)
    storage.update_profile(account.id, {"family_names": "Caprio",
                                        "birth_date": date(1971, 8, 2), "city": "Laval"})
    [event] = rows("AuditEvent", action="profile_identity")
    assert event["actor"] == f"account:{account.id}"
    assert event["detail"] == {"changes": {
        "family_names": {"old": "dicáprio", "new": "Caprio"},
        "birth_date": {"old": "1970-07-01", "new": "1971-08-02"}}}
    assert "hash" not in str(event["detail"])


def test_update_profile__identity_of_submitted_dossier_changed__audited(
        registry, account, valid_draft):
    storage.submit(registry, account.id, valid_draft.number)
    storage.update_profile(account.id, {"sex": "X"})
    [event] = rows("AuditEvent", action="profile_identity")
    assert event["detail"] == {"changes": {"sex": {"old": "F", "new": "X"}}}


def test_update_profile__draft_only_or_other_fields__nothing_audited(
        registry, account, valid_draft):
    storage.update_profile(account.id, {"given_names": "Marie"})  # an unsubmitted draft
    storage.update_profile(account.id, {"city": "Laval"})
    assert count("AuditEvent", action="profile_identity") == 0
