"""Saving a section as a draft: kept even if invalid, hidden answers dropped,
stale versions refused with both versions, nothing written once submitted.

Every test runs twice: the save given only the number (the row loaded and locked), and
the save given the dossier as the caller read it (`seen`: a save that only replaces
answers is written by one conditional UPDATE, storage/dossiers/answers_only.py); the
rules are the same."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

import storage

from .conftest import rows

SEEN = False  # set by `mode`: whether `save` gives the save the dossier it read


@pytest.fixture(autouse=True, params=["number", "seen"])
def mode(request, monkeypatch):
    monkeypatch.setattr(f"{__name__}.SEEN", request.param == "seen")
    return request.param


def save(registry, account, dossier, section, answers, version=None):
    seen = {"seen": dossier, "kept_aside": False} if SEEN else {}
    return storage.save_section(registry, account.id, dossier.number, section, answers,
                                dossier.version if version is None else version, **seen)


def test_save_section__invalid_answer__kept_as_draft_normalised(registry, account, draft):
    saved = save(registry, account, draft, "identite", {"a_numero": True, "numero": " 12-34 "})
    assert saved.answers == {"a_numero": True, "numero": "1234"}  # too short: still kept
    assert saved.version == draft.version + 1


def test_save_section__condition_turned_off__hidden_answer_dropped(registry, account, draft):
    first = save(registry, account, draft, "identite", {"a_numero": True, "numero": "12345678"})
    second = save(registry, account, first, "identite", {"a_numero": False,
                                                         "numero": "12345678"})
    assert second.answers == {"a_numero": False}
    assert rows("Dossier", number=draft.number)[0]["answers"] == {"a_numero": False}
    assert [(a.field_id, a.value, a.why) for a in storage.archived_answers(draft.number)] \
        == [("numero", "12345678", "hidden")]


def test_save_section__other_sections_and_unknown_keys__untouched_and_ignored(
        registry, account, draft):
    first = save(registry, account, draft, "rendez_vous", {"ville": "quebec"})
    second = save(registry, account, first, "identite",
                  {"a_numero": False, "ville": "montreal", "not_a_field": 1})
    assert second.answers == {"ville": "quebec", "a_numero": False}


def test_save_section__same_version_twice__second_gets_conflict_with_its_answers(
        registry, account, draft):
    mine = {"a_numero": True, "numero": "11112222"}
    won = save(registry, account, draft, "identite", {"a_numero": False})
    with pytest.raises(storage.Conflict) as caught:
        save(registry, account, draft, "identite", mine, version=draft.version)
    assert caught.value.mine == mine
    assert caught.value.theirs == won.answers == {"a_numero": False}
    assert caught.value.version == won.version
    assert storage.get_dossier(account.id, draft.number).answers == {"a_numero": False}


@pytest.mark.parametrize("reads_first", [False, True], ids=["save", "read-then-save"])
def test_save_section__two_threads_same_version__exactly_one_wins(
        store, registry, account, draft, reads_first):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def tab(value: bool) -> None:
        with store.bound():  # a new thread: no store current until it binds one
            tab_once(value)

    def tab_once(value: bool) -> None:
        try:
            if reads_first:  # as a page does: the dossier read, then saved (two calls)
                storage.get_dossier(account.id, draft.number)
            barrier.wait()
            save(registry, account, draft, "identite", {"a_numero": value})
            outcomes.append("saved")
        except storage.Conflict:
            outcomes.append("conflict")
        finally:
            storage.disconnect()

    threads = [threading.Thread(target=tab, args=(v,)) for v in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert storage.get_dossier(account.id, draft.number).version == draft.version + 1


def test_save_section__read_in_the_session_then_saved_elsewhere__conflict_with_theirs(
        registry, account, draft, store):
    def other_tab_saves() -> None:
        with store.bound():  # a new thread has no store current
            save(registry, account, draft, "identite", {"a_numero": False})
            storage.disconnect()

    other_tab = threading.Thread(target=other_tab_saves)
    # as a page does, one call after the other: the visit, the dossier, then the save
    storage.visit("sid-1", account.id, draft.number)
    storage.get_dossier(account.id, draft.number)
    other_tab.start()
    other_tab.join()
    with pytest.raises(storage.Conflict) as caught:
        save(registry, account, draft, "identite", {"a_numero": True})
    assert (caught.value.version, caught.value.theirs) == (draft.version + 1,
                                                           {"a_numero": False})


def test_save_section__after_submission__locked_and_unchanged(registry, account, valid_draft):
    submitted = storage.submit(registry, account.id, valid_draft.number)
    with pytest.raises(storage.Locked):
        save(registry, account, submitted, "rendez_vous", {"ville": "quebec"})
    assert storage.get_dossier(account.id, valid_draft.number).answers["ville"] == "montreal"


def test_save_section__other_account_or_unknown_section__not_found(
        registry, make_account, account, draft):
    stranger = make_account()
    with pytest.raises(storage.NotFound):
        save(registry, stranger, draft, "identite", {"a_numero": True})
    with pytest.raises(storage.NotFound):
        save(registry, account, draft, "no_such_section", {"a_numero": True})
    assert storage.get_dossier(account.id, draft.number).version == draft.version


def test_save_section__changing_nothing__no_new_version_and_no_conflict_for_the_other_tab(
        registry, account, draft):
    first = save(registry, account, draft, "identite", {"a_numero": False})
    # an answer to a question hidden by `a_numero: False`, then the same answers again
    for answers in ({"numero": "12345678"}, {"a_numero": False}):
        same = save(registry, account, first, "identite", answers)
        assert same.version == first.version and same.answers == {"a_numero": False}
    # another tab still holding that version saves without a conflict
    other = save(registry, account, first, "identite", {"a_numero": True})
    assert other.version == first.version + 1


def test_save_section__stored_row__as_read_back_with_its_new_version(registry, account, draft):
    saved = save(registry, account, draft, "identite", {"a_numero": True, "numero": "12345678"})
    again = save(registry, account, saved, "rendez_vous", {"ville": "quebec"})
    read = storage.get_dossier(account.id, draft.number)
    assert read == again
    assert (read.version, read.answers) == (draft.version + 2, {
        "a_numero": True, "numero": "12345678", "ville": "quebec"})


def test_save_section__past_deadline__expired_and_locked(registry, account, draft):
    storage.clock.set(draft.deadline + timedelta(days=1))
    with pytest.raises(storage.Locked):
        save(registry, account, draft, "identite", {"a_numero": True})
    after = storage.get_dossier(account.id, draft.number)
    assert after.status != draft.status and after.answers == draft.answers


def test_save_section__answers_kept_aside__dropped_by_the_save(registry, account, draft):
    storage.keep_answers(registry, account.id, draft.number, "identite", {"a_numero": True})
    storage.save_section(registry, account.id, draft.number, "identite", {"a_numero": False},
                         draft.version, seen=draft if SEEN else None)
    assert storage.kept_answers(account.id, draft.number, "identite") is None


def test_save_section__seen_of_another_dossier__that_number_saved_all_the_same(
        registry, account, draft):
    other = storage.create_dossier(registry, account.id, draft.type_id)
    saved = storage.save_section(registry, account.id, other.number, "identite",
                                 {"a_numero": False}, other.version,
                                 seen=draft if SEEN else None, kept_aside=False)
    assert saved.number == other.number
    assert storage.get_dossier(account.id, other.number).answers == {"a_numero": False}
    assert storage.get_dossier(account.id, draft.number).answers == draft.answers


def test_save_section__seen_and_only_answers_change__row_not_loaded(
        registry, account, draft, monkeypatch, mode):
    """Given the dossier it read, a save that only replaces answers is one conditional
    UPDATE: the whole path (the row loaded as an entity, and locked) is not taken."""
    import storage.dossiers.lifecycle as lifecycle

    def whole(*args, **kwargs):
        raise AssertionError("the whole path was taken")

    monkeypatch.setattr(lifecycle, "_save_section", whole)
    saved = storage.save_section(registry, account.id, draft.number, "identite",
                                 {"a_numero": False}, draft.version, seen=draft,
                                 kept_aside=False)
    assert storage.get_dossier(account.id, draft.number) == saved
