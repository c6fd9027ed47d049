"""The dossier archive: answers a save removes from a dossier are moved there, never
deleted (issue 14, item 4), with the version, when and why; the audit trail says so."""

from __future__ import annotations

import storage
from storage.orm.db import database

from .conftest import rows


def save(registry, account, dossier, section, answers):
    return storage.save_section(registry, account.id, dossier.number, section, answers,
                                dossier.version)


def stored_as(number, answers):
    """Put answers straight into a dossier row, as an older definition stored them."""
    with storage.db_session:
        dossier = database().Dossier.get(number=number)
        dossier.answers = answers
        dossier.version += 1
        return dossier.version


def test_save__condition_turned_off__hidden_answer_moved_to_archive(registry, account, draft):
    first = save(registry, account, draft, "identite", {"a_numero": True, "numero": "12345678"})
    second = save(registry, account, first, "identite", {"a_numero": False})
    assert second.answers == {"a_numero": False}
    archived = storage.archived_answers(draft.number)
    assert [(a.field_id, a.value, a.why, a.from_version) for a in archived] == [
        ("numero", "12345678", "hidden", draft.definition_version)]
    events = storage.dossier_audit(draft.number)
    assert events[-1].action == "archive"
    assert events[-1].detail == {"fields": {"numero": "hidden"}}
    assert events[-1].actor == f"account:{account.id}"


def test_save__answer_cleared_by_applicant__not_archived(registry, account, draft):
    first = save(registry, account, draft, "rendez_vous", {"ville": "quebec"})
    save(registry, account, first, "rendez_vous", {"ville": ""})
    assert storage.archived_answers(draft.number) == []


def test_save__unknown_option_replaced__old_value_archived(registry, account, draft):
    version = stored_as(draft.number, {"ville": "atlantide", "a_numero": False})
    saved = storage.save_section(registry, account.id, draft.number, "rendez_vous",
                                 {"ville": "quebec"}, version)
    assert saved.answers == {"ville": "quebec", "a_numero": False}
    assert [(a.field_id, a.value, a.why) for a in storage.archived_answers(draft.number)] == [
        ("ville", "atlantide", "unknown_option")]


def test_save__unknown_question_and_other_section__unknown_archived_other_untouched(
        registry, account, draft):
    version = stored_as(draft.number, {"ancienne_question": "oui", "ville": "quebec"})
    saved = storage.save_section(registry, account.id, draft.number, "identite",
                                 {"a_numero": False}, version)
    assert saved.answers == {"ville": "quebec", "a_numero": False}
    assert [(a.field_id, a.value, a.why) for a in storage.archived_answers(draft.number)] == [
        ("ancienne_question", "oui", "unknown_field")]


def test_save__every_answer_once_stored__is_in_the_dossier_or_its_archive(
        registry, account, draft):
    seen: dict[str, object] = {}
    steps = [("identite", {"categorie": "etudiant", "precision": "temps_plein",
                           "a_numero": True, "numero": "12345678"}),
             ("identite", {"categorie": "", "a_numero": False}),
             ("rendez_vous", {"francais": False, "langues": ["autre"], "autre_langue": "Wolof"}),
             ("rendez_vous", {"langues": ["espagnol"]})]
    dossier = draft
    cleared = {"categorie"}  # what the applicant emptied on purpose
    for section, answers in steps:
        dossier = save(registry, account, dossier, section, answers)
        seen.update(dossier.answers)
    archived = {a.field_id: a.value for a in storage.archived_answers(draft.number)}
    for field_id, value in seen.items():
        if field_id in cleared:
            continue
        assert dossier.answers.get(field_id) == value or archived.get(field_id) == value, field_id
    assert archived == {"precision": "temps_plein", "numero": "12345678",
                        "autre_langue": "Wolof"}


def test_archive__stored_with_its_dossier__rows_name_it(registry, account, draft):
    first = save(registry, account, draft, "identite", {"a_numero": True, "numero": "12345678"})
    save(registry, account, first, "identite", {"a_numero": False})
    [row] = rows("ArchivedAnswer")
    assert row["field_id"] == "numero" and row["why"] == "hidden"
    assert row["dossier"] == rows("Dossier", number=draft.number)[0]["id"]


def test_save__hidden_question_posted_empty_as_forms_do__still_archived(
        registry, account, draft):
    first = save(registry, account, draft, "identite", {"a_numero": True, "numero": "12345678"})
    save(registry, account, first, "identite", {"a_numero": False, "numero": ""})
    assert [(a.field_id, a.why) for a in storage.archived_answers(draft.number)] == [
        ("numero", "hidden")]
