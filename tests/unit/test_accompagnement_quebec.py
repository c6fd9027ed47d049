"""The Accompagnement Québec definition enforces the guide's rules (sections 2.1-2.2)."""

from __future__ import annotations

import pytest

from engine import SectionStatus, clean, section_status, validate


def fields_in_error(aq, answers):
    return [(e.field, e.message.fr) for e in validate(aq, answers)]


@pytest.mark.parametrize("number", ["ABC12345", "12345678901", "abcd1234", "12345678"])
def test_numero_mifi__8_to_11_letters_or_digits__accepted(aq, valid_aq_answers, number):
    assert validate(aq, {**valid_aq_answers, "numero_mifi": number}) == []


@pytest.mark.parametrize("number", ["8765+321", "123456789012", "1234567", "ABC_12345"])
def test_numero_mifi__other_characters_or_length__refused(aq, valid_aq_answers, number):
    errors = validate(aq, {**valid_aq_answers, "numero_mifi": number})
    field = aq.definition.all_fields()["numero_mifi"]
    assert [(e.field, e.message) for e in errors] == [("numero_mifi", field.messages["pattern"])]


@pytest.mark.parametrize(("number", "ok"), [
    ("12345678", True), ("1234567890", True), ("123456789", False), ("1234-5678", True),
    (" 1234 5678 ", True), ("12345678901", False), ("1234567A", False),
])
def test_numero_ircc__8_or_10_digits_after_normalisation(aq, valid_aq_answers, number, ok):
    answers = {**valid_aq_answers, "a_numero_ircc": True, "numero_ircc": number}
    errors = validate(aq, answers)
    assert (errors == []) is ok, errors
    if ok:
        assert clean(aq, answers)["numero_ircc"].isdigit()


def test_numbers__both_answers_no__refused_with_designer_message(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "a_numero_mifi": False, "a_numero_ircc": False}
    errors = validate(aq, answers)
    rule = aq.definition.section("identification").rules[0]
    assert [(e.section, e.field, e.message) for e in errors] == [
        ("identification", "a_numero_mifi", rule.message)]
    assert "au moins un des deux numéros" in errors[0].message.fr
    assert "at least one of the two numbers" in errors[0].message.en


def test_langues__french_not_sufficient_and_no_language__refused(aq, valid_aq_answers):
    errors = fields_in_error(aq, {**valid_aq_answers, "francais_suffisant": False})
    assert errors == [("langues", "Cochez au moins une langue que vous parlez.")]


def test_langue_autre__autre_ticked_without_detail__refused(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "francais_suffisant": False, "langues": ["autre"]}
    assert [f for f, _ in fields_in_error(aq, answers)] == ["langue_autre"]
    assert validate(aq, {**answers, "langue_autre": "Wolof"}) == []


def test_disponibilites__none_ticked__refused(aq, valid_aq_answers):
    for empty in ([], None):
        answers = {**valid_aq_answers, "disponibilites": empty}
        assert [f for f, _ in fields_in_error(aq, answers)] == ["disponibilites"]


def test_disponibilites__grid_values__column_row(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "disponibilites": ["vendredi_apres_midi", "lundi_matin"]}
    assert validate(aq, answers) == []
    assert [f for f, _ in fields_in_error(
        aq, {**valid_aq_answers, "disponibilites": ["samedi_matin"]})] == ["disponibilites"]


def test_numero_mifi__sent_while_answer_no__dropped_not_validated(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "a_numero_mifi": False, "a_numero_ircc": True,
               "numero_ircc": "12345678", "numero_mifi": "not valid at all!"}
    assert validate(aq, answers) == []
    assert "numero_mifi" not in clean(aq, answers)


def test_detail_statut__option_of_other_status__refused(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "detail_statut": "refugie_parraine"}
    assert [f for f, _ in fields_in_error(aq, answers)] == ["detail_statut"]
    answers["statut_immigration"] = "resident_permanent"
    assert validate(aq, answers) == []


def test_messages__english__designer_english_message(aq, valid_aq_answers):
    errors = validate(aq, {**valid_aq_answers, "numero_mifi": "8765+321"})
    assert errors[0].message.get("en").startswith("The individual reference number")


def test_section_status__empty_partial_valid(aq, valid_aq_answers):
    assert section_status(aq, "identification", {}) is SectionStatus.NOT_STARTED
    partial = clean(aq, {"statut_immigration": "citoyen_canadien"})
    assert section_status(aq, "identification", partial) is SectionStatus.IN_PROGRESS
    full = clean(aq, valid_aq_answers)
    assert section_status(aq, "identification", full) is SectionStatus.VALID
    assert section_status(aq, "premier_rendez_vous", full) is SectionStatus.VALID


def test_unknown_fields_and_wrong_types__no_crash_and_no_unknown_kept(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "evil": "<script>", "ville": 5, "numero_mifi": "x" * 10**5}
    kinds = {(e.field, e.kind) for e in validate(aq, answers)}
    assert kinds == {("ville", "type"), ("numero_mifi", "max_length")}
    assert "evil" not in clean(aq, answers)
