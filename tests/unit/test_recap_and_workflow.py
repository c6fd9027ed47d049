"""The recap model and the workflow decisions that storage and pages rely on."""

from __future__ import annotations

from datetime import date, datetime

from engine import validate
from engine.recap import MASK, build_recap
from engine.workflow import (
    applicant_transitions,
    deadline_for,
    deadline_transition,
    eligibility_failures,
    guard_failures,
    is_editable,
)
from tests.definitions import ATELIER


def test_recap__answers__labels_in_definition_order_and_numbers_masked(essai, valid_answers):
    answers = {**valid_answers, "francais": False, "langues": ["autre", "anglais"],
               "autre_langue": "Wolof", "creneaux": ["mardi_soir", "lundi_matin"]}
    recap = build_recap(essai, answers, "fr")
    ident = {i.field: i.value for i in recap.section("identite").items}
    assert ident["categorie"] == "Aux études"
    assert ident["a_numero"] == "Oui"
    assert ident["numero"] == MASK and "12345678" not in str(recap)
    assert "code" not in ident  # hidden: "Non" was answered
    rdv = {i.field: i.value for i in recap.section("rendez_vous").items}
    assert rdv["langues"] == "Anglais, Une autre langue"
    assert rdv["creneaux"] == "Lundi Matin, Mardi Soir"
    assert [s.id for s in recap.sections] == ["identite", "rendez_vous"]


def test_recap__english__english_labels(essai, valid_answers):
    recap = build_recap(essai, valid_answers, "en")
    rdv = {i.field: i.value for i in recap.section("rendez_vous").items}
    assert rdv["creneaux"] == "Monday Morning"
    assert rdv["mode"] == "By video call"


def test_deadline__created_2022_07_11__is_2022_10_09(essai):
    assert deadline_for(essai.definition, date(2022, 7, 11)) == date(2022, 10, 9)


ADULT = date(1990, 5, 17)


def test_eligibility__under_18__designer_message(essai):
    d = essai.definition
    today = date(2026, 11, 26)
    assert eligibility_failures(d, date(2008, 11, 27), today) == [d.eligibility[0].message]
    assert eligibility_failures(d, date(2008, 11, 26), today) == []


def test_workflow__submit_guards__invalid_section_and_deadline(essai, valid_answers):
    d = essai.definition
    submit = applicant_transitions(d, d.workflow.initial)[0]
    now = datetime(2026, 11, 26, 12, 0)
    ok = guard_failures(essai, submit, d.workflow.initial, valid_answers, date(2026, 12, 1), now,
                        birth_date=ADULT)
    assert ok == []
    late = guard_failures(essai, submit, d.workflow.initial, {}, date(2026, 11, 25), now,
                          birth_date=ADULT)
    assert [(f.code, f.section) for f in late] == [
        ("section_invalid", "identite"), ("section_invalid", "rendez_vous"),
        ("deadline_passed", None)]
    assert "Situation et numéros" in late[0].message.fr
    done = guard_failures(essai, submit, submit.target, valid_answers, None, now,
                          birth_date=ADULT)
    assert [f.code for f in done] == ["wrong_state"]


def test_workflow__submit_guards__applicant_now_under_age__not_eligible_with_designer_message(
        essai, valid_answers):
    d = essai.definition
    submit = applicant_transitions(d, d.workflow.initial)[0]
    now = datetime(2026, 11, 26, 12, 0)
    failures = guard_failures(essai, submit, d.workflow.initial, valid_answers,
                              date(2026, 12, 1), now, birth_date=date(2008, 11, 27))
    assert [(f.code, f.message) for f in failures] == [
        ("not_eligible", d.eligibility[0].message)]
    unknown = guard_failures(essai, submit, d.workflow.initial, valid_answers,
                             date(2026, 12, 1), now, birth_date=None)
    assert [f.code for f in unknown] == ["not_eligible"]
    assert guard_failures(essai, submit, d.workflow.initial, valid_answers, date(2026, 12, 1),
                          now, birth_date=date(2008, 11, 26)) == []


def test_workflow__states__only_initial_editable_and_deadline_transition(essai):
    d = essai.definition
    assert is_editable(d, "brouillon")
    assert not is_editable(d, "presente")
    assert deadline_transition(d, "brouillon").target == "expire"
    assert deadline_transition(d, "presente") is None


def test_second_type__no_python_change__validates_its_own_condition(registry):
    workshop = registry[ATELIER]
    base = {"deja_inscrit": False, "horaire": "soir", "date_debut": "2027-01-11"}
    assert validate(workshop, base) == []
    assert [e.field for e in validate(workshop, {**base, "deja_inscrit": True})] == [
        "dernier_atelier"]
    assert [e.kind for e in validate(workshop, {**base, "date_debut": "2027-02-30"})] == [
        "format"]
    assert [e.kind for e in validate(workshop, {**base, "courriel_contact": "pas un courriel"})
            ] == ["format"]
