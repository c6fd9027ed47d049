"""The Accompagnement Québec definition enforces the guide's rules (sections 2.1-2.3).

The one test file that reads forms/accompagnement-quebec.yaml: it is the specification
of the first dossier type. It asserts behaviour (which answers pass, which fail, which
rule or field says so, with the designer's own message, whatever its wording); every
other test runs on tests/definitions/.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from engine import CompiledDefinition, SectionStatus, clean, convert, section_status, validate
from engine.pipeline import forms_dir
from engine.profile import PROFILE, profile_layout
from engine.recap import MASK, build_recap
from engine.workflow import (
    applicant_transitions,
    deadline_for,
    deadline_transition,
    eligibility_failures,
    guard_failures,
)


@pytest.fixture(scope="module")
def aq() -> CompiledDefinition:
    """The Accompagnement Québec definition, compiled as the portal does."""
    result = convert(forms_dir() / "accompagnement-quebec.yaml")
    assert result.ok, [str(e) for e in result.errors]
    return result.compiled


@pytest.fixture
def valid_aq_answers() -> dict:
    return {
        "statut_immigration": "citoyen_canadien",
        "detail_statut": "citoyen_naturalise_selectionne_quebec",
        "a_numero_mifi": True,
        "numero_mifi": "ABC12345",
        "a_numero_ircc": False,
        "ville": "montreal",
        "type_rendez_vous": "virtuel",
        "francais_suffisant": True,
        "disponibilites": ["lundi_matin"],
    }


def fields_in_error(aq, answers) -> list[tuple[str | None, str]]:
    """(field, rule) of every error, each checked to carry the designer's message for that
    field and rule when one is declared (the section rule's for a rule), in both languages."""
    fields = aq.definition.all_fields()
    rules = [r.message for s in aq.definition.sections for r in s.rules]
    errors = validate(aq, answers)
    for e in errors:
        declared = fields[e.field].messages.get(e.kind) if e.kind != "rule" else None
        assert e.message in rules if e.kind == "rule" else e.message == (declared or e.message)
        assert e.message.fr and e.message.en and e.message.fr != e.message.en
    return [(e.field, e.kind) for e in errors]


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
    assert fields_in_error(aq, answers) == [("a_numero_mifi", "rule")]
    assert validate(aq, {**answers, "a_numero_ircc": True, "numero_ircc": "12345678"}) == []


def test_langues__french_not_sufficient_and_no_language__refused(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "francais_suffisant": False}
    assert fields_in_error(aq, answers) == [("langues", "required")]
    assert fields_in_error(aq, {**answers, "langues": []}) == [("langues", "required")]
    assert validate(aq, {**answers, "langues": ["anglais"]}) == []


def test_langue_autre__autre_ticked_without_detail__refused(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "francais_suffisant": False, "langues": ["autre"]}
    assert fields_in_error(aq, answers) == [("langue_autre", "required")]
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
    assert fields_in_error(aq, answers) == [("detail_statut", "option")]
    answers["statut_immigration"] = "resident_permanent"
    assert validate(aq, answers) == []


def test_messages__english__designer_english_message(aq, valid_aq_answers):
    errors = validate(aq, {**valid_aq_answers, "numero_mifi": "8765+321"})
    declared = aq.definition.all_fields()["numero_mifi"].messages["pattern"]
    assert errors[0].message.get("en") == declared.en != declared.fr


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


def test_recap__identity_numbers__masked(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "a_numero_ircc": True, "numero_ircc": "87654321"}
    recap = build_recap(aq, clean(aq, answers), "fr")
    items = {i.field: i.value for s in recap.sections for i in s.items}
    assert items["numero_mifi"] == items["numero_ircc"] == MASK
    assert "ABC12345" not in str(recap) and "87654321" not in str(recap)


def test_dossier__guide_rules__g_number_90_days_18_years(aq):
    d = aq.definition
    assert re.fullmatch(d.numbering.regex, "G2200045108")
    assert not re.fullmatch(d.numbering.regex, "G22000451")
    assert deadline_for(d, date(2022, 7, 11)) == date(2022, 10, 9)
    today = date(2026, 11, 26)
    assert eligibility_failures(d, date(2008, 11, 27), today) == [d.eligibility[0].message]
    assert eligibility_failures(d, date(2008, 11, 26), today) == []


def test_submission__valid_answers__guards_pass_then_recap_document_and_notifying_message(
        aq, valid_aq_answers):
    d = aq.definition
    (submit,) = applicant_transitions(d, d.workflow.initial)
    now = datetime(2026, 11, 26, 12, 0)
    answers = clean(aq, valid_aq_answers)
    assert guard_failures(aq, submit, d.workflow.initial, answers, date(2026, 12, 1), now,
                          birth_date=date(1990, 5, 17)) == []
    assert [f.code for f in guard_failures(aq, submit, d.workflow.initial, answers,
                                           date(2026, 11, 25), now,
                                           birth_date=date(1990, 5, 17))] == ["deadline_passed"]
    assert d.workflow.states[d.workflow.initial].editable
    assert not d.workflow.states[submit.target].editable
    assert deadline_transition(d, d.workflow.initial) is not None
    actions = [(a.kind, a.ref) for a in submit.actions]
    documents = [t for k, t in actions if k == "document"]
    messages = [t for k, t in actions if k == "message"]
    assert ("freeze_recap", None) in actions and documents and messages
    assert "profile" in d.documents[documents[0]].sections
    assert d.messages[messages[0]].notify and d.notification is not None


def test_recap_profile__names__as_in_the_passport_as_the_guide_shows(aq):
    """The guide's recap PDF labels the names as written in the passport, and shows the
    whole profile (identity, contact, address, the three telephones)."""
    labels = {s.field.key: s.label for s in profile_layout(aq.definition).fields()}
    assert "passeport" in labels["family_names"].fr and "passeport" in labels["given_names"].fr
    assert "passport" in labels["family_names"].en and "passport" in labels["given_names"].en
    assert list(labels) == list(PROFILE.fields)
