"""Answers kept aside (issue #13 item 8): a section posted after its session ended is
kept for its account, never written to the dossier; offered back, then saved or
discarded; another account never reads them; forgotten after KEPT_DAYS."""

from __future__ import annotations

from datetime import timedelta

import pytest

import storage

from .conftest import count, rows

TYPED = {"a_numero": True, "numero": "87654321"}


def test_keep_answers__dossier_untouched__read_back_for_that_account_only(
        registry, account, make_account, draft):
    storage.keep_answers(registry, account.id, draft.number, "identite", TYPED)
    stored = storage.get_dossier(account.id, draft.number)
    assert stored.answers == draft.answers and stored.version == draft.version
    assert storage.kept_answers(account.id, draft.number, "identite") == TYPED
    assert storage.kept_answers(account.id, draft.number, "rendez_vous") is None
    other = make_account()
    assert storage.kept_answers(other.id, draft.number, "identite") is None


def test_keep_answers__twice__one_row_the_newer_answers_other_sections_dropped(
        registry, account, draft):
    storage.keep_answers(registry, account.id, draft.number, "identite", TYPED)
    storage.keep_answers(registry, account.id, draft.number, "identite",
                         {"numero": "11112222", "ville": "quebec"})
    assert storage.kept_answers(account.id, draft.number, "identite") == {"numero": "11112222"}
    assert count("KeptAnswers") == 1


def test_keep_answers__another_accounts_dossier_or_unknown_section__not_found(
        registry, account, make_account, draft):
    other = make_account()
    with pytest.raises(storage.NotFound):
        storage.keep_answers(registry, other.id, draft.number, "identite", TYPED)
    with pytest.raises(storage.NotFound):
        storage.keep_answers(registry, account.id, draft.number, "nulle_part", TYPED)
    assert count("KeptAnswers") == 0


def test_keep_answers__submitted_dossier__locked_nothing_kept(registry, account, valid_draft):
    storage.submit(registry, account.id, valid_draft.number)
    with pytest.raises(storage.Locked):
        storage.keep_answers(registry, account.id, valid_draft.number, "identite", TYPED)
    assert count("KeptAnswers") == 0


def test_keep_answers__nul_byte_and_lone_surrogate__stored_as_a_save_would(
        registry, account, draft):
    """PostgreSQL refuses a NUL in JSON: a kept answer is made storable first."""
    storage.keep_answers(registry, account.id, draft.number, "identite",
                         {"numero": "8765\x004321", "code": "ab\ud800"})
    kept = storage.kept_answers(account.id, draft.number, "identite")
    assert kept["numero"] == "87654321" and "\x00" not in kept["code"]
    assert "\ud800" not in kept["code"]


def test_save_section__answers_kept_for_it__deleted_in_the_save_others_stay(
        registry, account, draft):
    storage.keep_answers(registry, account.id, draft.number, "identite", TYPED)
    storage.keep_answers(registry, account.id, draft.number, "rendez_vous", {"ville": "quebec"})
    saved = storage.save_section(registry, account.id, draft.number, "identite", TYPED,
                                 draft.version)
    assert saved.answers["numero"] == TYPED["numero"]
    assert storage.kept_answers(account.id, draft.number, "identite") is None
    assert storage.kept_answers(account.id, draft.number, "rendez_vous") == {"ville": "quebec"}


def test_save_section__caller_read_none_kept__no_lookup_what_was_kept_since_stays_offered(
        registry, account, draft):
    """`kept_aside=False` (the caller's visit read none): the save does not look for
    kept answers, so some kept in between stay offered; by default they are dropped."""
    storage.keep_answers(registry, account.id, draft.number, "identite", TYPED)
    saved = storage.save_section(registry, account.id, draft.number, "identite", TYPED,
                                 draft.version, kept_aside=False)
    assert saved.version == draft.version + 1
    assert storage.kept_answers(account.id, draft.number, "identite") == TYPED
    again = storage.save_section(registry, account.id, draft.number, "identite", TYPED,
                                 saved.version)
    assert again.version == saved.version  # the same answers: no new version...
    assert storage.kept_answers(account.id, draft.number, "identite") is None  # ...dropped


def test_discard_kept_answers__gone_dossier_untouched(registry, account, draft):
    storage.keep_answers(registry, account.id, draft.number, "identite", TYPED)
    assert storage.discard_kept_answers(account.id, draft.number, "identite") is True
    assert storage.kept_answers(account.id, draft.number, "identite") is None
    assert storage.discard_kept_answers(account.id, draft.number, "identite") is False
    assert storage.get_dossier(account.id, draft.number).version == draft.version


def test_kept_answers__older_than_kept_days__not_offered_then_purged(
        registry, account, make_account, draft):
    storage.keep_answers(registry, account.id, draft.number, "identite", TYPED)
    storage.clock.set(storage.clock.now() + timedelta(days=storage.KEPT_DAYS, minutes=1))
    assert storage.kept_answers(account.id, draft.number, "identite") is None
    other = make_account()  # any later keeping forgets the old rows
    theirs = storage.create_dossier(registry, other.id, draft.type_id)
    storage.keep_answers(registry, other.id, theirs.number, "identite", TYPED)
    assert [r["account"] for r in rows("KeptAnswers")] == [other.id]


def test_visit__answers_kept_in_the_dossier__said_by_the_visit_for_that_account(
        registry, account, make_account, draft):
    assert storage.visit("sid", account.id, draft.number).kept is False
    storage.keep_answers(registry, account.id, draft.number, "identite", TYPED)
    assert storage.visit("sid", account.id, draft.number).kept is True
    assert storage.visit("sid", account.id).kept is False  # no dossier asked about
    other = make_account()
    assert storage.visit("sid", other.id, draft.number).kept is False
