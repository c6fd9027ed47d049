"""storage.submit_once: one submission per Idempotency-Key, its first answer given
again, even to a request arriving while the first one is still in its transaction."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest

import storage
from tests.definitions import VALID_ANSWERS
from tests.storage.conftest import count, rows


def render(view: storage.DossierView, submission: storage.SubmissionView | None
           ) -> dict[str, Any]:
    return {"number": view.number, "version": view.version,
            "seq": submission.seq if submission else None}


def test_submit_once__same_key_twice__one_submission_same_answer(registry, account,
                                                                 valid_draft):
    first = storage.submit_once(registry, account.id, valid_draft.number, "k-1", "fr", render)
    again = storage.submit_once(registry, account.id, valid_draft.number, "k-1", "en", render)
    assert not first.replayed and again.replayed
    assert first.status == again.status == 200
    assert again.body == first.body == {"number": valid_draft.number,
                                        "version": valid_draft.version + 1, "seq": 1}
    assert again.lang == "fr"  # the first answer's language
    assert len(storage.submissions_of(valid_draft.id)) == 1


def test_submit_once__key_of_another_dossier__refused_nothing_submitted(
        registry, account, valid_draft):
    storage.submit_once(registry, account.id, valid_draft.number, "k-1", "fr", render)
    other = storage.create_dossier(registry, account.id, valid_draft.type_id)
    with pytest.raises(storage.IdempotencyKeyReused):
        storage.submit_once(registry, account.id, other.number, "k-1", "fr", render)
    assert storage.submissions_of(other.id) == []


def test_submit_once__refused__nothing_kept_and_the_key_works_after_correction(
        registry, account, draft):
    with pytest.raises(storage.SubmitRefused):
        storage.submit_once(registry, account.id, draft.number, "k-1", "fr", render)
    assert count("IdempotencyRecord") == 0
    version = draft.version
    for section_id, answers in VALID_ANSWERS.items():
        version = storage.save_section(registry, account.id, draft.number, section_id,
                                       answers, version).version
    done = storage.submit_once(registry, account.id, draft.number, "k-1", "fr", render)
    assert not done.replayed and done.body["seq"] == 1


def test_submit_once__same_key_another_account__its_own_key(registry, account,
                                                            make_account, valid_draft):
    storage.submit_once(registry, account.id, valid_draft.number, "k-1", "fr", render)
    stranger = make_account()
    with pytest.raises(storage.NotFound):  # not theirs: no claim, no answer given
        storage.submit_once(registry, stranger.id, valid_draft.number, "k-1", "fr", render)


def test_submit_once__a_new_claim__forgets_the_expired_records(registry, account,
                                                               make_account, valid_draft):
    storage.submit_once(registry, account.id, valid_draft.number, "old", "fr", render)
    storage.clock.set(storage.clock.now() + storage.IDEMPOTENCY_KEEP_FOR + timedelta(1))
    someone = make_account()
    theirs = storage.create_dossier(registry, someone.id, valid_draft.type_id)
    with pytest.raises(storage.SubmitRefused):  # refused: its claim rolled back, not the purge
        storage.submit_once(registry, someone.id, theirs.number, "new", "fr", render)
    assert count("IdempotencyRecord") == 1  # a refusal keeps nothing, the old one stays
    for section_id, answers in VALID_ANSWERS.items():
        theirs = storage.save_section(registry, someone.id, theirs.number, section_id,
                                      answers, theirs.version)
    storage.submit_once(registry, someone.id, theirs.number, "new", "fr", render)
    assert [r["key"] for r in rows("IdempotencyRecord")] == ["new"]


def test_submit_once__after_keep_for__key_forgotten(registry, account, valid_draft):
    storage.submit_once(registry, account.id, valid_draft.number, "k-1", "fr", render)
    storage.clock.set(storage.clock.now() + storage.IDEMPOTENCY_KEEP_FOR + timedelta(1))
    assert storage.purge_idempotency() == 1
    with pytest.raises(storage.SubmitRefused) as refused:  # judged anew: already done
        storage.submit_once(registry, account.id, valid_draft.number, "k-1", "fr", render)
    assert refused.value.codes == ["wrong_state"]


def test_submit_once__second_request_during_the_first__waits_and_replays(
        db, registry, account, valid_draft):
    inside = threading.Event()
    answers: list[Any] = []

    def slow_render(view, submission):
        inside.set()
        time.sleep(0.3)  # the second request arrives now, and must wait for our commit
        return render(view, submission)

    def call(fn) -> None:
        with db.bound():
            try:
                answers.append(storage.submit_once(registry, account.id, valid_draft.number,
                                                   "same", "fr", fn))
            except Exception as exc:  # noqa: BLE001 - reported by the assertions
                answers.append(exc)
            finally:
                db.disconnect()

    first = threading.Thread(target=call, args=(slow_render,))
    first.start()
    assert inside.wait(5)
    second = threading.Thread(target=call, args=(render,))
    second.start()
    first.join(10)
    second.join(10)
    assert len(answers) == 2 and all(isinstance(a, storage.IdempotentAnswer) for a in answers)
    assert sorted(a.replayed for a in answers) == [False, True]
    assert answers[0].body == answers[1].body
    assert len(storage.submissions_of(valid_draft.id)) == 1


def test_submit_once__first_fails_while_the_second_waits__the_second_submits(
        db, registry, account, valid_draft):
    inside = threading.Event()
    answers: list[Any] = []

    def failing_render(view, submission):
        inside.set()
        time.sleep(0.3)  # the second request waits on our claim...
        raise RuntimeError("the first request dies")  # ...which rolls back with us

    def call(fn) -> None:
        with db.bound():
            try:
                answers.append(storage.submit_once(registry, account.id, valid_draft.number,
                                                   "same", "fr", fn))
            except Exception as exc:  # noqa: BLE001 - reported by the assertions
                answers.append(exc)
            finally:
                db.disconnect()

    first = threading.Thread(target=call, args=(failing_render,))
    first.start()
    assert inside.wait(5)
    second = threading.Thread(target=call, args=(render,))
    second.start()
    first.join(10)
    second.join(10)
    failed, done = answers
    assert isinstance(failed, RuntimeError)
    assert isinstance(done, storage.IdempotentAnswer) and not done.replayed
    assert len(storage.submissions_of(valid_draft.id)) == 1
