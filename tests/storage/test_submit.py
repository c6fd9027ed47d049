"""Submission: guards, then every action in one transaction, exactly once."""

from __future__ import annotations

import hashlib
import threading
from datetime import date, datetime, timedelta

import pytest

import storage
from engine import Registry, convert_text
from storage.dossiers import actions
from tests.definitions import DIRECTORY, ESSAI, VALID_ANSWERS

from .conftest import born_years_ago, count, rows


def side_effects(dossier_id: int) -> dict[str, int]:
    return {
        "message": count("Message", dossier=dossier_id),
        "document": count("Document", dossier=dossier_id),
        "email": count("OutgoingEmail"),
        "submitted": count("AuditEvent", dossier=dossier_id, action="soumettre"),
    }


NOTHING = {"message": 0, "document": 0, "email": 0, "submitted": 0}
ONCE = {"message": 1, "document": 1, "email": 1, "submitted": 1}


def unchanged(before: storage.DossierView, account_id: int) -> None:
    after = storage.get_dossier(account_id, before.number)
    assert (after.status, after.version, after.answers, after.snapshot, after.submitted_at) == (
        before.status, before.version, before.answers, before.snapshot, before.submitted_at)
    assert side_effects(before.id) == NOTHING


def test_submit__valid__status_time_snapshot_document_message_email(
        registry, make_account):
    account = make_account(lang="en")
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    draft = storage.create_dossier(registry, account.id, ESSAI)
    version = draft.version
    for section_id, answers in VALID_ANSWERS.items():
        version = storage.save_section(registry, account.id, draft.number, section_id, answers,
                                       version).version
    submitted = storage.submit(registry, account.id, draft.number)
    assert submitted.status == "presente"
    assert submitted.submitted_at == storage.clock.now()
    snap = submitted.snapshot
    assert snap["number"] == draft.number and snap["definition_version"] == 3
    assert snap["answers"] == {**VALID_ANSWERS["identite"], "numero": "12345678",
                               **VALID_ANSWERS["rendez_vous"]}
    assert snap["profile"]["family_names"] == "Valdero"
    identite = snap["recap"]["fr"]["sections"][0]["items"]
    assert [i["value"] for i in identite if i["field"] == "numero"] == ["XXXXXXXXXX"]
    assert snap["recap"]["en"]["title"] == "Test dossier"
    assert side_effects(draft.id) == ONCE
    (message,) = storage.list_messages(account.id)
    assert message.subject == f"Application {draft.number} received"
    assert message.body == (f"Hello,\n\nWe received your test dossier {draft.number} on "
                            "2022-07-11 15:20.\n\nIts summary is in \"My documents\".")
    (document,) = storage.list_documents(account.id)
    assert (document.kind, document.name, document.filename, document.ready) == (
        "recapitulatif", "Summary of your test dossier", f"recapitulatif-{draft.number}.pdf",
        False)
    (email,) = storage.pending_emails()
    assert email.to == account.email and email.subject == "Something new on the test portal"
    assert draft.number not in email.body and "Valdero" not in email.body  # no personal data


@pytest.mark.parametrize("reads_first", [False, True], ids=["submit", "read-then-submit"])
def test_submit__20_concurrent_threads__one_submission_message_email_event(
        store, registry, account, valid_draft, reads_first):
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def submit() -> None:
        if reads_first:  # as the page does: the dossier read, then submitted (two calls)
            storage.get_dossier(account.id, valid_draft.number)
        storage.submit(registry, account.id, valid_draft.number)

    def click() -> None:
        barrier.wait()
        try:
            with store.bound():  # a new thread: no store current until it binds one
                submit()
            outcomes.append("submitted")
        except storage.SubmitRefused as refused:
            outcomes.append("+".join(refused.codes))
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test below
            outcomes.append(repr(exc))
        finally:
            store.disconnect()

    threads = [threading.Thread(target=click) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["submitted"] + ["wrong_state"] * 19
    assert side_effects(valid_draft.id) == ONCE
    assert storage.get_dossier(account.id, valid_draft.number).version == valid_draft.version + 1


def test_submit__invalid_dossier__refused_naming_the_section_nothing_changed(
        registry, account, draft):
    before = storage.save_section(registry, account.id, draft.number, "identite",
                                  VALID_ANSWERS["identite"], draft.version)
    with pytest.raises(storage.SubmitRefused) as caught:
        storage.submit(registry, account.id, draft.number)
    (failure,) = caught.value.failures
    assert (failure.code, failure.section) == ("section_invalid", "rendez_vous")
    assert "Rendez-vous" in failure.message.fr and "Appointment" in failure.message.en
    unchanged(before, account.id)


def test_submit__deadline_passed_not_yet_expired__refused_deadline_passed(
        registry, account, valid_draft):
    storage.clock.set(valid_draft.deadline + timedelta(days=1))
    with pytest.raises(storage.SubmitRefused) as caught:
        storage.submit(registry, account.id, valid_draft.number)
    assert caught.value.codes == ["deadline_passed"]
    assert valid_draft.deadline.isoformat() in caught.value.failures[0].message.fr
    assert count("Message") == count("Document") == count("OutgoingEmail") == 0


def test_submit__on_deadline_day__accepted(registry, account, valid_draft):
    storage.clock.set(datetime.combine(valid_draft.deadline, datetime.min.time())
                      + timedelta(hours=23, minutes=59))
    assert storage.submit(registry, account.id, valid_draft.number).status == "presente"


def test_submit__expired_dossier__refused_wrong_state_nothing_changed(
        registry, account, valid_draft):
    storage.clock.set(valid_draft.deadline + timedelta(days=1))
    expired = storage.get_dossier(account.id, valid_draft.number)
    assert expired.status == "expire"
    with pytest.raises(storage.SubmitRefused) as caught:
        storage.submit(registry, account.id, valid_draft.number)
    assert caught.value.codes == ["wrong_state"]
    assert "Échu" in caught.value.failures[0].message.fr  # the expired state's label
    unchanged(expired, account.id)


def test_submit__already_submitted__refused_wrong_state_nothing_changed(
        registry, account, valid_draft):
    first = storage.submit(registry, account.id, valid_draft.number)
    storage.clock.set(datetime.now() + timedelta(hours=1))
    with pytest.raises(storage.SubmitRefused) as caught:
        storage.submit(registry, account.id, valid_draft.number, lang="en")
    assert caught.value.codes == ["wrong_state"]
    assert "\"Sent in\"" in caught.value.failures[0].message.en  # the state's label
    after = storage.get_dossier(account.id, valid_draft.number)
    assert after == first
    assert side_effects(valid_draft.id) == ONCE


@pytest.mark.parametrize("failing", ["freeze_recap", "document", "message"])
def test_submit__action_fails__still_a_draft_nothing_half_written(
        registry, account, valid_draft, monkeypatch, failing):
    def boom(ctx, ref):
        raise RuntimeError("disk full")

    monkeypatch.setitem(actions.HANDLERS, failing, boom)
    with pytest.raises(RuntimeError, match="disk full"):
        storage.submit(registry, account.id, valid_draft.number)
    unchanged(valid_draft, account.id)
    assert count("AuditEvent", action="soumettre") == 0


def test_submit__other_account__not_found(registry, make_account, valid_draft):
    with pytest.raises(storage.NotFound):
        storage.submit(registry, make_account().id, valid_draft.number)


def test_create_dossier__under_18__refused_with_designer_message_nothing_created(
        registry, make_account):
    storage.clock.set(date(2022, 7, 11))
    minor = make_account(birth_date="2004-07-12")  # 18 tomorrow
    with pytest.raises(storage.NotEligible) as caught:
        storage.create_dossier(registry, minor.id, ESSAI)
    assert [m.fr for m in caught.value.messages] == [
        "Vous devez avoir au moins 18 ans pour ouvrir un dossier d'essai."]
    assert count("Dossier") == 0 and count("DossierNumber") == 0
    assert rows("AuditEvent") == []


def test_create_dossier__18_today__created(registry, make_account):
    storage.clock.set(date(2022, 7, 11))
    adult = make_account(birth_date="2004-07-11")
    assert storage.create_dossier(registry, adult.id, ESSAI).number.startswith("G22")


def test_create_dossier__no_birth_date__refused(registry, make_account):
    with pytest.raises(storage.NotEligible):
        storage.create_dossier(registry, make_account(birth_date="").id, ESSAI)
    assert count("Dossier") == 0


def test_create_dossier__unknown_type__not_found(registry, account):
    with pytest.raises(storage.NotFound):
        storage.create_dossier(registry, account.id, "no-such-type")


def test_submit__birth_date_changed_under_age_after_creation__refused_nothing_written(
        registry, account, valid_draft):
    storage.update_profile(account.id, {"birth_date": born_years_ago(17, storage.clock.today())})
    with pytest.raises(storage.SubmitRefused) as caught:
        storage.submit(registry, account.id, valid_draft.number)
    assert caught.value.codes == ["not_eligible"]
    assert [f.message.fr for f in caught.value.failures] == [
        "Vous devez avoir au moins 18 ans pour ouvrir un dossier d'essai."]
    assert storage.get_dossier(account.id, valid_draft.number).status == "brouillon"
    assert count("AuditEvent", action="soumettre") == 0 and count("Message") == 0
    storage.update_profile(account.id, {"birth_date": "1990-05-17"})
    assert storage.submit(registry, account.id, valid_draft.number).status == "presente"


def test_submit__draft_of_an_older_version__judged_by_its_own_version_snapshot_says_so(
        registry, account, valid_draft):
    # the draft was created under version 3, published; forms/ now holds version 4. The
    # draft stays on its version (`drafts: keep`, the default): version 3 judges it
    text = (DIRECTORY / f"{ESSAI}.yaml").read_text(encoding="utf-8")
    newer = text.replace("\nversion: 3\n", "\nversion: 4\n")
    assert newer != text
    result = convert_text(newer, f"{ESSAI}.yaml")
    assert result.ok
    storage.publish_definitions(registry)
    registry_v4 = Registry([result.compiled if c.id == ESSAI else c for c in registry])
    assert valid_draft.definition_version == 3
    snap = storage.submit(registry_v4, account.id, valid_draft.number).snapshot
    assert snap["definition_version"] == 3
    assert snap["definition_hash"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    stored = storage.get_dossier(account.id, valid_draft.number).snapshot
    assert (stored["definition_version"], stored["definition_hash"]) == (
        3, snap["definition_hash"])
