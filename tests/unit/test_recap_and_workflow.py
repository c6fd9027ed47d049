"""The recap model and the workflow decisions that storage and pages rely on."""

from __future__ import annotations

from datetime import date, datetime

from engine.recap import MASK, build_recap
from engine.workflow import (
    applicant_transitions,
    deadline_for,
    deadline_transition,
    eligibility_failures,
    guard_failures,
    is_editable,
)


def test_recap__answers__labels_in_definition_order_and_numbers_masked(aq, valid_aq_answers):
    answers = {**valid_aq_answers, "francais_suffisant": False, "langues": ["autre", "anglais"],
               "langue_autre": "Wolof", "disponibilites": ["mardi_apres_midi", "lundi_matin"]}
    recap = build_recap(aq, answers, "fr")
    ident = {i.field: i.value for i in recap.section("identification").items}
    assert ident["statut_immigration"] == "Citoyenne ou citoyen canadien"
    assert ident["a_numero_mifi"] == "Oui"
    assert ident["numero_mifi"] == MASK and "ABC12345" not in str(recap)
    assert "numero_ircc" not in ident  # hidden: "Non" was answered
    rdv = {i.field: i.value for i in recap.section("premier_rendez_vous").items}
    assert rdv["langues"] == "Anglais, Autre"
    assert rdv["disponibilites"] == "Lundi Matin, Mardi Après-midi"
    assert [s.id for s in recap.sections] == ["identification", "premier_rendez_vous"]


def test_recap__english__english_labels(aq, valid_aq_answers):
    recap = build_recap(aq, valid_aq_answers, "en")
    rdv = {i.field: i.value for i in recap.section("premier_rendez_vous").items}
    assert rdv["disponibilites"] == "Monday Morning"
    assert rdv["type_rendez_vous"] == "Online"


def test_deadline__created_2022_07_11__is_2022_10_09(aq):
    assert deadline_for(aq.definition, date(2022, 7, 11)) == date(2022, 10, 9)


def test_eligibility__under_18__designer_message(aq):
    d = aq.definition
    today = date(2026, 11, 26)
    assert eligibility_failures(d, date(2008, 11, 27), today) == [d.eligibility[0].message]
    assert eligibility_failures(d, date(2008, 11, 26), today) == []


def test_workflow__submit_guards__invalid_section_and_deadline(aq, valid_aq_answers):
    d = aq.definition
    submit = applicant_transitions(d, d.workflow.initial)[0]
    now = datetime(2026, 11, 26, 12, 0)
    ok = guard_failures(aq, submit, d.workflow.initial, valid_aq_answers, date(2026, 12, 1), now)
    assert ok == []
    late = guard_failures(aq, submit, d.workflow.initial, {}, date(2026, 11, 25), now)
    assert [(f.code, f.section) for f in late] == [
        ("section_invalid", "identification"), ("section_invalid", "premier_rendez_vous"),
        ("deadline_passed", None)]
    assert "Identification" in late[0].message.fr
    done = guard_failures(aq, submit, submit.target, valid_aq_answers, None, now)
    assert [f.code for f in done] == ["wrong_state"]


def test_workflow__states__only_initial_editable_and_deadline_transition(aq):
    d = aq.definition
    assert is_editable(d, "inscription_en_cours")
    assert not is_editable(d, "presente")
    assert deadline_transition(d, "inscription_en_cours").target == "expire"
    assert deadline_transition(d, "presente") is None


def test_second_type__no_python_change__validates_its_own_condition(registry):
    courses = registry["cours-francais"]
    from engine import validate

    base = {"deja_suivi": False, "formule": "soir", "date_debut": "2027-01-11"}
    assert validate(courses, base) == []
    assert [e.field for e in validate(courses, {**base, "deja_suivi": True})] == [
        "dernier_niveau"]
    assert [e.kind for e in validate(courses, {**base, "date_debut": "2027-02-30"})] == [
        "format"]
    assert [e.kind for e in validate(courses, {**base, "courriel_contact": "pas un courriel"})
            ] == ["format"]
