"""storage.submit_once and storage.create_once: one submission (one draft) per
Idempotency-Key, its first answer given again, even to a request arriving while the
first one is still in its transaction; a key never answers the other operation."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta
from typing import Any

import pytest

import storage
from storage.orm.db import database
from tests.definitions import ATELIER, ESSAI, VALID_ANSWERS
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


def _submit(registry, account, draft):
    """submit_once of `draft` with the key "same", the render left to the caller."""
    return lambda fn: storage.submit_once(registry, account.id, draft.number, "same", "fr", fn)


def _create(registry, account):
    """create_once of an ESSAI draft with the key "same", the render left to the caller."""
    return lambda fn: storage.create_once(registry, account.id, ESSAI, "same", "fr", fn)


def _two_at_once(db, once, first_render, render) -> list[Any]:
    """Two calls `once(render)` (a submit_once or create_once with one key): the first in
    a thread whose `first_render` is called inside its transaction (it sets its
    `inside` event when entered), the second started then with `render`; their answers
    (or exceptions) in the order they finished."""
    answers: list[Any] = []

    def call(fn) -> None:
        with db.bound():
            try:
                answers.append(once(fn))
            except Exception as exc:  # noqa: BLE001 - reported by the assertions
                answers.append(exc)
            finally:
                db.disconnect()

    first = threading.Thread(target=call, args=(first_render,))
    first.start()
    assert first_render.inside.wait(5)
    second = threading.Thread(target=call, args=(render,))
    second.start()
    first.join(10)
    second.join(10)
    return answers


def test_submit_once__second_request_during_the_first__waits_and_replays(
        db, registry, account, valid_draft):
    def slow_render(view, submission):
        slow_render.inside.set()
        time.sleep(0.3)  # the second request arrives now, and must wait for our commit
        return render(view, submission)

    slow_render.inside = threading.Event()
    answers = _two_at_once(db, _submit(registry, account, valid_draft), slow_render, render)
    assert len(answers) == 2 and all(isinstance(a, storage.IdempotentAnswer) for a in answers)
    assert sorted(a.replayed for a in answers) == [False, True]
    assert answers[0].body == answers[1].body
    assert len(storage.submissions_of(valid_draft.id)) == 1


def test_submit_once__first_fails_while_the_second_waits__the_second_submits(
        db, registry, account, valid_draft):
    def failing_render(view, submission):
        failing_render.inside.set()
        time.sleep(0.3)  # the second request waits on our claim...
        raise RuntimeError("the first request dies")  # ...which rolls back with us

    failing_render.inside = threading.Event()
    failed, done = _two_at_once(db, _submit(registry, account, valid_draft), failing_render,
                                render)
    assert isinstance(failed, RuntimeError)
    assert isinstance(done, storage.IdempotentAnswer) and not done.replayed
    assert len(storage.submissions_of(valid_draft.id)) == 1


# --- create_once: one draft per key -----------------------------------------------------

def render_created(view: storage.DossierView) -> dict[str, Any]:
    return {"number": view.number, "type": view.type_id, "version": view.version}


def test_create_once__same_key_twice__one_dossier_same_answer(registry, account):
    first = storage.create_once(registry, account.id, ESSAI, "c-1", "fr", render_created)
    again = storage.create_once(registry, account.id, ESSAI, "c-1", "en", render_created)
    assert not first.replayed and again.replayed
    assert first.status == again.status == 201
    assert again.body == first.body and again.lang == "fr"
    (made,) = storage.list_dossiers(account.id, registry)
    assert first.body == {"number": made.number, "type": ESSAI, "version": made.version}
    (record,) = rows("IdempotencyRecord")
    assert record["operation"] == "create" and record["dossier_id"] == made.id
    assert record["status"] == 201


def test_create_once__another_key__another_dossier(registry, account):
    one = storage.create_once(registry, account.id, ESSAI, "c-1", "fr", render_created)
    two = storage.create_once(registry, account.id, ESSAI, "c-2", "fr", render_created)
    assert one.body["number"] != two.body["number"]
    assert count("Dossier") == 2


def test_create_once__not_eligible__nothing_kept_and_the_key_works_after(
        registry, make_account):
    storage.clock.set(date(2022, 7, 10))
    minor = make_account(birth_date="2004-07-11")  # 18 tomorrow
    with pytest.raises(storage.NotEligible):
        storage.create_once(registry, minor.id, ESSAI, "c-1", "fr", render_created)
    assert count("IdempotencyRecord") == 0 and count("Dossier") == 0
    storage.clock.set(date(2022, 7, 11))
    done = storage.create_once(registry, minor.id, ESSAI, "c-1", "fr", render_created)
    assert not done.replayed and count("Dossier") == 1


def test_create_once__unknown_type__not_found_nothing_kept(registry, account):
    with pytest.raises(storage.NotFound):
        storage.create_once(registry, account.id, "no-such-type", "c-1", "fr",
                            render_created)
    assert count("IdempotencyRecord") == 0


def test_create_once__key_of_another_type__refused_nothing_created(registry, account):
    storage.create_once(registry, account.id, ESSAI, "c-1", "fr", render_created)
    with pytest.raises(storage.IdempotencyKeyReused):
        storage.create_once(registry, account.id, ATELIER, "c-1", "fr", render_created)
    assert count("Dossier") == 1


def test_create_once__key_of_a_submission__refused_nothing_created(registry, account,
                                                                 valid_draft):
    storage.submit_once(registry, account.id, valid_draft.number, "k-1", "fr", render)
    with pytest.raises(storage.IdempotencyKeyReused):
        storage.create_once(registry, account.id, ESSAI, "k-1", "fr", render_created)
    assert count("Dossier") == 1
    (record,) = rows("IdempotencyRecord")
    assert record["operation"] == "submit"


def test_submit_once__key_of_a_create__refused_even_on_the_dossier_it_made(
        registry, account):
    made = storage.create_once(registry, account.id, ESSAI, "c-1", "fr", render_created)
    number = made.body["number"]
    version = made.body["version"]
    for section_id, answers in VALID_ANSWERS.items():
        version = storage.save_section(registry, account.id, number, section_id, answers,
                                       version).version
    with pytest.raises(storage.IdempotencyKeyReused):
        storage.submit_once(registry, account.id, number, "c-1", "fr", render)
    assert storage.get_dossier(account.id, number).submitted_at is None


def test_create_once__same_key_another_account__its_own_key(registry, account,
                                                            make_account):
    storage.create_once(registry, account.id, ESSAI, "c-1", "fr", render_created)
    other = make_account()
    theirs = storage.create_once(registry, other.id, ESSAI, "c-1", "fr", render_created)
    assert not theirs.replayed and count("Dossier") == 2


def test_create_once__after_keep_for__key_forgotten_creates_again(registry, account):
    storage.create_once(registry, account.id, ESSAI, "c-1", "fr", render_created)
    storage.clock.set(storage.clock.now() + storage.IDEMPOTENCY_KEEP_FOR + timedelta(1))
    again = storage.create_once(registry, account.id, ESSAI, "c-1", "fr", render_created)
    assert not again.replayed and count("Dossier") == 2


def test_create_once__bad_key__value_error(registry, account):
    for key in ("", "x" * 256):
        with pytest.raises(ValueError):
            storage.create_once(registry, account.id, ESSAI, key, "fr", render_created)
    assert count("Dossier") == 0


def test_create_once__second_request_during_the_first__waits_and_replays(
        db, registry, account):
    def slow_render(view):
        slow_render.inside.set()
        time.sleep(0.3)  # the second request arrives now, and must wait for our commit
        return render_created(view)

    slow_render.inside = threading.Event()
    answers = _two_at_once(db, _create(registry, account), slow_render, render_created)
    assert len(answers) == 2 and all(isinstance(a, storage.IdempotentAnswer) for a in answers)
    assert sorted(a.replayed for a in answers) == [False, True]
    assert answers[0].body == answers[1].body
    assert count("Dossier") == 1


def test_create_once__first_fails_while_the_second_waits__the_second_creates(
        db, registry, account):
    def failing_render(view):
        failing_render.inside.set()
        time.sleep(0.3)  # the second request waits on our claim...
        raise RuntimeError("the first request dies")  # ...which rolls back with us

    failing_render.inside = threading.Event()
    failed, done = _two_at_once(db, _create(registry, account), failing_render,
                                render_created)
    assert isinstance(failed, RuntimeError)
    assert isinstance(done, storage.IdempotentAnswer) and not done.replayed
    assert count("Dossier") == 1


def test_init_db__database_made_before_creates_had_keys__records_are_submissions(
        registry, account, valid_draft):
    storage.submit_once(registry, account.id, valid_draft.number, "old", "fr", render)
    with storage.db_session:
        database().execute('ALTER TABLE "idempotency_record" DROP COLUMN "operation"')
    storage.init_db()
    storage.init_db()  # again: nothing to do
    assert [r["operation"] for r in rows("IdempotencyRecord")] == ["submit"]
    again = storage.submit_once(registry, account.id, valid_draft.number, "old", "fr", render)
    assert again.replayed
    with pytest.raises(storage.IdempotencyKeyReused):
        storage.create_once(registry, account.id, ESSAI, "old", "fr", render_created)
    made = storage.create_once(registry, account.id, ESSAI, "new", "fr", render_created)
    assert not made.replayed
