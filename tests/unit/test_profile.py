"""The applicant profile's one schema (engine/profile.yaml)."""

from __future__ import annotations

import textwrap

import pytest

from engine import DefinitionError, ErrorCode
from engine.errors import error
from engine.profile import PROFILE, load_schema_text

# The column lengths existing databases were created with (CI's PostgreSQL database
# and deployments persist): a change here needs a migration of those databases first.
COLUMN_LENGTHS = {
    "given_names": 200, "family_names": 200, "sex": 1, "birth_date": None,
    "birth_city": 200, "birth_country": 200, "email": 254, "address_line1": 200,
    "address_line2": 200, "address_line3": 200, "country": 200, "province": 200,
    "city": 200, "postal_code": 40, "phone_home_code": 10, "phone_home": 40,
    "phone_mobile_code": 10, "phone_mobile": 40, "phone_work_code": 10, "phone_work": 40,
    "phone_work_ext": 20,
}

# --- the schema -------------------------------------------------------------


def test_profile_schema__shipped__max_lengths_are_the_existing_column_lengths():
    assert {key: f.max_length for key, f in PROFILE.fields.items()} == COLUMN_LENGTHS


def test_profile_schema__shipped__every_field_grouped_once_with_both_labels():
    shown = [s.field.key for s in PROFILE.layout.fields()]
    assert shown == list(PROFILE.fields) and len(set(shown)) == len(shown)
    for f in PROFILE.fields.values():
        assert f.label.fr and f.label.en, f.key
    assert PROFILE.layout.title.fr == "Renseignements personnels"


def test_profile_schema__identity__the_four_fields_the_guide_compares():
    assert PROFILE.identity == ("given_names", "family_names", "sex", "birth_date")
    assert all(PROFILE.fields[k].source == "profile" for k in PROFILE.identity)


def test_profile_schema__sex__a_choice_shown_by_its_label():
    sex = PROFILE.fields["sex"]
    assert sex.kind == "choice" and sex.values == ("F", "M", "X")
    assert sex.display("F", "fr") == "Féminin" and sex.display("X", "en") == "Unspecified (X)"
    assert sex.display("", "fr") == ""


def test_profile_schema__email__kept_on_the_account_not_in_the_profile():
    assert PROFILE.fields["email"].source == "account"
    assert "email" not in {f.key for f in PROFILE.stored()}


def test_profile_schema__generic_names__plain_without_passport_wording():
    family, given = PROFILE.fields["family_names"], PROFILE.fields["given_names"]
    assert (family.label.fr, given.label.fr) == ("Nom(s) de famille", "Prénom(s)")
    assert "passport" not in family.label.en + given.label.en


def test_profile_schema__untitled_groups__continue_the_heading_above():
    phones = [g for g in PROFILE.layout.groups if g.heading.fr == "Téléphone"]
    assert [g.subtitle.fr for g in phones] == ["Domicile", "Cellulaire", "Travail"]
    assert [g.title is not None for g in phones] == [True, False, False]


def test_profile_schema__mistakes__every_one_reported_with_its_line():
    text = textwrap.dedent("""\
        title: {fr: Renseignements personnels, en: Personal information}
        identity: [given_names, nickname]
        groups:
          - title: {fr: Identité}
            fields:
              - {key: given_names, kind: text, label: {fr: Prénom, en: Name}, max_length: 0}
              - {key: born, kind: date, label: {fr: Né, en: Born}, max_length: 10}
              - {key: sex, kind: choice, label: {fr: Sexe, en: Sex}, max_length: 1}
              - {key: given_names, kind: number, label: {fr: A, en: A}, max_length: 5}
        """)
    with pytest.raises(DefinitionError) as raised:
        load_schema_text(text, "profile.yaml")

    def at(line: int, where: str, problem: str) -> str:
        return str(error(ErrorCode.PROFILE_SCHEMA, "profile.yaml", line, where=where,
                         problem=problem))

    assert [str(e) for e in raised.value.errors] == [
        at(2, "identity[1]", "'nickname' is not a declared field"),
        at(4, "groups[0].title", "has no 'en' text"),
        at(6, "groups[0].fields[0]", "needs a max_length of at least 1"),
        at(7, "groups[0].fields[1]", "a date has no max_length"),
        at(8, "groups[0].fields[2].options", "must be a non-empty list"),
        at(9, "groups[0].fields[3]", "kind must be one of text, date, choice, email"),
        at(9, "groups[0].fields[3]", "the key 'given_names' is already declared"),
    ]
