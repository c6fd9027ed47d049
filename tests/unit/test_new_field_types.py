"""The newer field types (number, phone, declaration), date bounds and text check digits:
parsing, normalising, schema and display in French and English, the designer's mistakes
at file:line, and each applicant mistake's message (tests/definitions/saisies.yaml)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from engine import convert
from engine.compare import use_today
from engine.fieldtypes import field_type
from engine.fieldtypes.check_digits import luhn
from engine.fieldtypes.date import format_long
from engine.fieldtypes.number import read_number
from engine.formdata import section_answers
from engine.recap import build_recap
from engine.validate import clean, validate
from tests.definitions import SAISIES, registry

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture
def compiled():
    return registry()[SAISIES]


@pytest.fixture
def fields(compiled):
    return compiled.definition.all_fields()


@pytest.fixture
def on_2026_11_30():
    previous = use_today(lambda: date(2026, 11, 30))
    yield
    use_today(previous)


def _norm(f, text):
    return f.kind.normalize(f, text)


def _errors(compiled, answers):
    return {e.field: e for e in validate(compiled, answers)}


def _shown(compiled, answers, lang):
    recap = build_recap(compiled, answers, lang)
    return {i.field: i.value for i in recap.sections[0].items}


# --- number -------------------------------------------------------------------------

@pytest.mark.parametrize("typed,stored", [
    ("12 500,50", 12500.5), ("12500.50", 12500.5), ("12 500", 12500), ("12 500,5", 12500.5),
    ("12\u202f500,50", 12500.5), ("12\u00a0500,50 $", 12500.5), ("$12,500.50", 12500.5),
    ("12.500,50", 12500.5), ("1,250,000", 1250000), ("0", 0), ("\u2212100", -100),
    ("12 500 CAD", 12500),
])
def test_number__as_people_type_it__one_json_number(fields, typed, stored):
    value = _norm(fields["revenu"], typed)
    assert value == stored and isinstance(value, int | float) and not isinstance(value, bool)


@pytest.mark.parametrize("typed", ["12,500", "12.500", "abc", "1e5", "12,5,0", "NaN", "--1",
                                   "1" * 20, "12 500 €"])
def test_number__ambiguous_or_garbage__kept_as_typed_and_refused(compiled, fields, typed):
    assert _norm(fields["revenu"], typed) == typed
    error = _errors(compiled, {"revenu": typed})["revenu"]
    assert error.kind == "type"
    assert error.message.fr.startswith("Entrez un nombre en chiffres, par exemple 12\u00a0500,50.")
    assert error.message.en.startswith("Enter a number in digits, for example 12,500.50.")
    assert "12,500" in error.message.fr and "12,500" in error.message.en  # says why


@pytest.mark.parametrize("typed", ["-0", "-0,00", -0.0])
def test_number__minus_zero__a_zero_never_written_with_its_sign(compiled, fields, typed):
    """"-0" typed on the page or -0.0 sent as JSON passed min 0 and was written
    "-0,00 $" in the recap and the PDF (newcomer trial)."""
    value = _norm(fields["revenu"], typed)
    assert value == 0 and str(value) in ("0", "0.0")
    assert "revenu" not in _errors(compiled, {"revenu": typed})
    assert _shown(compiled, {"revenu": -0.0}, "fr")["revenu"] == "0,00\u00a0$"


def test_number__whole_number_field__int_stored_and_thousands_comma_read(fields):
    assert _norm(fields["enfants_a_charge"], "3") == 3
    assert isinstance(_norm(fields["enfants_a_charge"], "3"), int)
    assert read_number("12,500", 0) == 12500


def test_number__bounds_and_decimals__own_messages(compiled):
    errors = _errors(compiled, {"revenu": "-5", "heures": "7,55", "enfants_a_charge": "25"})
    assert errors["revenu"].kind == "min"
    assert errors["revenu"].message.fr == "Le revenu ne peut pas être négatif."
    assert errors["heures"].kind == "decimals"  # 7,55 for a field of one decimal
    assert errors["heures"].message.fr == (
        "Entrez un nombre d'au plus 1 décimale, par exemple 12\u00a0500,5.")
    assert errors["enfants_a_charge"].kind == "max"
    assert errors["enfants_a_charge"].message.fr == "Entrez un nombre d'au plus 20."
    too_precise = _errors(compiled, {"revenu": 12.555})["revenu"]
    assert too_precise.kind == "decimals"
    assert too_precise.message.en == (
        "Enter a number with at most 2 decimals, for example 12,500.50.")


def test_number__schema__number_with_minimum_and_maximum(fields):
    schema = field_type("number").schema(fields["revenu"])
    assert schema["type"] == "number" and schema["minimum"] == 0
    assert schema["maximum"] == 1000000
    whole = field_type("number").schema(fields["enfants_a_charge"])
    assert whole["type"] == "number" and whole["x-guichet-whole"] == 0


def test_number__whole_number_field__decimals_refused_asking_for_a_whole_number_shown_as_typed(
        compiled, fields):
    """3.5 on a whole-number question: its own message, and the box shows 3,5 (never a
    rounded 4 that looks valid)."""
    f = fields["enfants_a_charge"]
    assert _norm(f, "3,5") == 3.5
    error = _errors(compiled, {"enfants_a_charge": "3,5"})["enfants_a_charge"]
    assert error.kind == "whole" and "nombre entier" in error.message.fr
    assert field_type("number").input_texts(f, 3.5, "fr", "n") == {"n": "3,5"}
    assert field_type("number").input_texts(f, 2.5, "en", "n") == {"n": "2.5"}


def test_number__whole_part_zero__read_as_decimals_then_refused_for_too_many(compiled, fields):
    assert _norm(fields["revenu"], "0,001") == 0.001
    assert _errors(compiled, {"revenu": "0,001"})["revenu"].kind == "decimals"


def test_number__display__babel_per_language(compiled):
    answers = {"revenu": 12500.5, "heures": 7.5, "enfants_a_charge": 2}
    fr, en = _shown(compiled, answers, "fr"), _shown(compiled, answers, "en")
    assert fr["revenu"] == "12\u00a0500,50\u00a0$" and en["revenu"] == "$12,500.50"
    assert fr["heures"] == "7,5\u00a0h" and en["heures"] == "7.5\u00a0h"
    assert fr["enfants_a_charge"] == "2"


def test_number__input__decimal_keyboard_and_french_digits(fields):
    f = fields["revenu"]
    assert f.kind.input_mode(f) == "decimal"
    assert f.kind.input_mode(fields["enfants_a_charge"]) == "numeric"
    assert f.kind.input_texts(f, 12500.5, "fr", "revenu") == {"revenu": "12\u00a0500,50"}
    assert f.kind.input_texts(f, "12,500", "fr", "revenu") is None  # as typed


# --- phone ----------------------------------------------------------------------------

@pytest.mark.parametrize("typed,stored", [
    ("514 555-0123", "+15145550123"), ("(514) 555-0123", "+15145550123"),
    ("+1 514 555 0123", "+15145550123"), ("418-555-0199 ext. 210", "+14185550199;ext=210"),
    ("418 555 0199 poste 210", "+14185550199;ext=210"), ("418 555 0199 x210",
                                                        "+14185550199;ext=210"),
    ("+33 1 23 45 67 89", "+33123456789"),
])
def test_phone__typed__stored_e164_with_extension(fields, typed, stored):
    assert _norm(fields["telephone"], typed) == stored


def test_phone__extension_box__read_with_the_number(compiled):
    section = compiled.definition.sections[0]
    posted = section_answers(section, MultiDict([("telephone_travail", "418 555-0199"),
                                                  ("telephone_travail.ext", " 210 ")]).getlist)
    assert clean(compiled, posted)["telephone_travail"] == "+14185550199;ext=210"


@pytest.mark.parametrize("typed", ["+12345", "555-0123", "abc", "514 555 012"])
def test_phone__not_a_number__refused_with_the_phone_message(compiled, typed):
    error = _errors(compiled, {"telephone": typed})["telephone"]
    assert error.message.fr.startswith("Entrez un numéro de téléphone valide")


def test_phone__display__national_with_poste_or_ext(compiled, fields):
    answers = {"telephone": "+15145550123", "telephone_travail": "+14185550199;ext=210"}
    fr, en = _shown(compiled, answers, "fr"), _shown(compiled, answers, "en")
    assert fr["telephone"] == en["telephone"] == "(514) 555-0123"
    assert fr["telephone_travail"] == "(418) 555-0199, poste 210"
    assert en["telephone_travail"] == "(418) 555-0199 ext. 210"
    assert _shown(compiled, {"telephone": "+33123456789"}, "fr")["telephone"] == "+33 1 23 45 67 89"
    f = fields["telephone_travail"]
    assert f.kind.input_texts(f, "+14185550199;ext=210", "fr", "t") == {
        "t": "(418) 555-0199", "t.ext": "210"}


def test_phone__refused_with_its_extension_box__each_box_shows_what_was_typed_in_it(
        compiled, fields):
    section = compiled.definition.sections[0]
    posted = section_answers(section, MultiDict([("telephone_travail", "0201234567890"),
                                                  ("telephone_travail.ext", "210")]).getlist)
    typed = clean(compiled, posted)["telephone_travail"]
    assert "telephone_travail" in _errors(compiled, {"telephone_travail": typed})
    f = fields["telephone_travail"]
    assert f.kind.input_texts(f, typed, "fr", "t") == {"t": "0201234567890", "t.ext": "210"}


def test_phone__region__definition_default_and_field_override(fields):
    assert fields["telephone"].extra["region"] == "CA"
    f = fields["telephone"]
    from dataclasses import replace
    french = replace(f, extra={**f.extra, "region": "FR"})
    assert _norm(french, "01 23 45 67 89") == "+33123456789"
    assert _norm(f, "01 23 45 67 89") == "01 23 45 67 89"


# --- declaration ----------------------------------------------------------------------

def test_declaration__ticked__text_language_and_aware_moment(compiled):
    section = compiled.definition.sections[0]
    before = datetime.now().astimezone()
    answer = section_answers(section, MultiDict([("attestation", "en")]).getlist)["attestation"]
    assert answer["text"] == "I certify that this information is correct."
    assert answer["lang"] == "en"
    moment = datetime.fromisoformat(answer["at"])
    assert moment.utcoffset() == timedelta(0) and moment >= before - timedelta(seconds=1)
    assert "attestation" not in _errors(compiled, {"attestation": answer})
    assert json.loads(json.dumps(answer)) == answer


def test_declaration__unticked_or_forged__required_or_refused(compiled):
    assert _errors(compiled, {})["attestation"].message.fr == (
        "Cochez la case pour faire cette déclaration.")
    forged = {"text": "Autre chose", "lang": "fr", "at": "2026-11-30T15:00:00+00:00"}
    assert _errors(compiled, {"attestation": forged})["attestation"].kind == "unknown_option"


def test_declaration__display__accepted_on_in_toronto_time(compiled):
    answer = {"text": "J'atteste que ces renseignements sont exacts.", "lang": "fr",
              "at": "2026-11-30T15:40:00+00:00"}
    assert _shown(compiled, {"attestation": answer}, "fr")["attestation"] == (
        "Accepté le 30 novembre 2026 à 10 h 40")
    assert _shown(compiled, {"attestation": answer}, "en")["attestation"] == (
        "Accepted on November 30, 2026 at 10:40\u202fa.m.")
    first = {**answer, "at": "2026-12-01T15:40:00+00:00"}
    assert _shown(compiled, {"attestation": first}, "fr")["attestation"] == (
        "Accepté le 1er décembre 2026 à 10 h 40")


def test_date__first_of_the_month__french_ordinal_english_plain():
    """French writes "1er": Babel's CLDR pattern gives "1 décembre", which reads wrong."""
    assert format_long(date(2026, 12, 1), "fr") == "1er décembre 2026"
    assert format_long(date(2026, 12, 11), "fr") == "11 décembre 2026"
    assert format_long(date(2026, 12, 21), "fr") == "21 décembre 2026"
    assert format_long(date(2026, 12, 1), "en") == "December 1, 2026"


def test_declaration__resaved_unchanged__first_moment_kept(fields):
    f = fields["attestation"]
    first = {"text": f.label.fr, "lang": "fr", "at": "2026-11-30T15:40:00+00:00"}
    again = {**first, "at": "2026-12-01T09:00:00+00:00"}
    assert f.kind.resave(f, first, again) is first
    other_language = {**again, "lang": "en", "text": f.label.en}
    assert f.kind.resave(f, first, other_language) is other_language


# --- date bounds ------------------------------------------------------------------------

def test_date__year_0020__refused_with_the_default_bounds(compiled, on_2026_11_30):
    error = _errors(compiled, {"arrivee": "0020-05-01"})["arrivee"]
    assert error.kind == "min"
    bad_format = _errors(compiled, {"naissance": "2020-13-01"})["naissance"]
    assert bad_format.message.fr == ("Entrez une date valide au format AAAA-MM-JJ, entre le "
                                     "30 novembre 1906 et le 30 novembre 2026.")
    assert bad_format.message.en == ("Enter a valid date as YYYY-MM-DD, between November 30, "
                                     "1906 and November 30, 2026.")


def test_date__year_0000__no_date_whatever_the_bounds(compiled, on_2026_11_30):
    """RFC 3339's format takes "0000-01-01"; no calendar has it, so no bound could judge
    it and it was kept as an answer (newcomer trial, through the API)."""
    for field in ("arrivee", "naissance"):
        assert field in _errors(compiled, {field: "0000-01-01"}), field
    assert "arrivee" not in _errors(compiled, {"arrivee": "2020-01-01"})


def test_date__today_and_offsets__read_when_validating(compiled):
    previous = use_today(lambda: date(2026, 11, 30))
    try:
        assert "naissance" not in _errors(compiled, {"naissance": "2026-11-30"})
        assert _errors(compiled, {"naissance": "2026-12-01"})["naissance"].kind == "max"
    finally:
        use_today(lambda: date(2026, 12, 2))
    try:
        assert "naissance" not in _errors(compiled, {"naissance": "2026-12-01"})
    finally:
        use_today(previous)


def test_date__bound_by_an_earlier_date__designer_message(compiled, on_2026_11_30):
    errors = _errors(compiled, {"naissance": "2024-03-10", "arrivee": "2020-01-01"})
    assert errors["arrivee"].kind == "min"
    assert errors["arrivee"].message.fr == (
        "La date d'arrivée ne peut pas précéder la date de naissance.")
    assert "arrivee" not in _errors(compiled, {"naissance": "2024-03-10",
                                               "arrivee": "2024-03-10"})
    # the other date unanswered: the default bound applies
    assert "arrivee" not in _errors(compiled, {"arrivee": "1950-01-01"})


def test_check__bounds_and_regions__errors_at_their_lines():
    path = FIXTURES / "bad_new_types.yaml"
    said = [(e.line, e.message) for e in convert(path).errors]
    lines = [line for line, _ in said]
    assert lines == [11, 16, 21, 26, 30, 34, 41]
    assert "at least 100 but at most 10" in said[0][1]
    assert "`min: 0.25` has more decimals than `decimals: 1` allows" in said[1][1]
    assert "at least 2020-01-01 but at most 2010-01-01" in said[2][1]
    assert "`min: fin` is asked later" in said[3][1]
    assert "names the number question 'montant', not a date question" in said[4][1]
    assert "`min: -12x` is no date" in said[5][1]
    assert "the region 'ZZ'" in said[6][1]


# --- check digits ----------------------------------------------------------------------

def test_luhn__known_numbers():
    assert luhn("130692544") and luhn("046454286") and not luhn("123456789")


def test_text_check_digit__wrong_digit__check_digit_message(compiled):
    errors = _errors(compiled, {"nas": "123 456 789"})
    assert errors["nas"].kind == "check_digit"
    assert errors["nas"].message.fr == "Ce numéro d'assurance sociale n'existe pas."
    assert "nas" not in _errors(compiled, {"nas": "130 692 544"})
    assert _errors(compiled, {"nas": "12345"})["nas"].kind == "pattern"
