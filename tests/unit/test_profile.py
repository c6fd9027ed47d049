"""The applicant profile's one schema (engine/profile.yaml) and a dossier type's
`profile:` block: which fields its wizard and recap PDF show, under what labels."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from engine import DefinitionError, ErrorCode, convert, convert_text
from engine.errors import error
from engine.profile import (
    PROFILE,
    block_layout,
    format_error,
    load_schema_text,
    normalized,
    postal_code_as_stored,
    profile_layout,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"

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

DEFINITION = """\
id: mini
version: 1
title: {fr: Mini, en: Mini}
numbering: {prefix: M, digits: 6}
deadline_days: 10
sections:
  - id: main
    title: {fr: Principal, en: Main}
    fields:
      - {id: nom, type: text, label: {fr: Nom, en: Name}}
workflow:
  initial: draft
  states:
    draft: {label: {fr: Brouillon, en: Draft}, editable: true}
  transitions: []
%s"""


def definition(profile_yaml: str = ""):
    result = convert_text(DEFINITION % textwrap.dedent(profile_yaml), "inline.yaml")
    assert result.ok, [str(e) for e in result.errors]
    return result.definition


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
    keys = tuple(shown.field.key for shown in PROFILE.identity)
    assert keys == ("given_names", "family_names", "sex", "birth_date")
    assert all(PROFILE.fields[k].source == "profile" for k in keys)
    assert [shown.label.fr for shown in PROFILE.identity] == [
        "Prénom", "Nom", "Sexe", "Date de naissance"]  # the guide's link screen


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


def at(line: int, where: str, problem: str) -> str:
    """A profile schema mistake of profile.yaml, as the checker words it."""
    return str(error(ErrorCode.PROFILE_SCHEMA, "profile.yaml", line, where=where,
                     problem=problem))


def schema_mistakes(text: str) -> list[str]:
    """Every mistake the checker finds in a profile schema's `text`, worded."""
    with pytest.raises(DefinitionError) as raised:
        load_schema_text(text, "profile.yaml")
    return [str(e) for e in raised.value.errors]


def test_profile_schema__mistakes__every_one_reported_with_its_line():
    text = textwrap.dedent("""\
        title: {fr: Renseignements personnels, en: Personal information}
        identity: [given_names: {fr: Prénom, en: Name}, nickname: {fr: Surnom, en: Nick}]
        groups:
          - title: {fr: Identité}
            fields:
              - {key: given_names, kind: text, label: {fr: Prénom, en: Name}, max_length: 0}
              - {key: born, kind: date, label: {fr: Né, en: Born}, max_length: 10}
              - {key: sex, kind: choice, label: {fr: Sexe, en: Sex}, max_length: 1}
              - {key: given_names, kind: number, label: {fr: A, en: A}, max_length: 5}
              - {key: cell, kind: tel, label: {fr: A, en: A}, max_length: 5,
                 autocomplete: cellphone}
              - {key: work, kind: text, label: {fr: A, en: A}, max_length: 5,
                 autocomplete: work tel-national}
        """)
    assert schema_mistakes(text) == [
        at(2, "identity[1]", "'nickname' is not a declared field"),
        at(4, "groups[0].title", "has no 'en' text"),
        at(6, "groups[0].fields[0]", "needs a max_length of at least 1"),
        at(7, "groups[0].fields[1]", "a date has no max_length"),
        at(8, "groups[0].fields[2].options", "must be a non-empty list"),
        at(9, "groups[0].fields[3]", "kind must be one of text, date, choice, email, tel"),
        at(9, "groups[0].fields[3]", "the key 'given_names' is already declared"),
        at(11, "groups[0].fields[4]", "autocomplete 'cellphone' is not an HTML autofill value "
           "(e.g. 'given-name', 'bday', 'mobile tel-national')"),
        at(13, "groups[0].fields[5]", "the autocomplete 'work tel-national' asks for a "
           "telephone number: a telephone token goes with kind tel, and kind tel with a "
           "telephone token"),
    ]


def test_profile_schema__format_along_earliest_mistakes__reported_with_their_line():
    text = textwrap.dedent("""\
        title: {fr: Renseignements personnels, en: Personal information}
        identity: [born: {fr: Né, en: Born}]
        groups:
          - title: {fr: Identité, en: Identity}
            fields:
              - {key: born, kind: date, label: {fr: Né, en: Born}, earliest: 1900-13-01}
              - {key: code, kind: text, label: {fr: A, en: A}, max_length: 5, format: calling_code}
              - {key: cell, kind: tel, label: {fr: A, en: A}, max_length: 5, format: phone_number}
              - {key: zip, kind: text, label: {fr: A, en: A}, max_length: 5, format: postal_code,
                 along: pays}
              - {key: ext, kind: tel, label: {fr: A, en: A}, max_length: 5, format: fax}
              - {key: city, kind: text, label: {fr: A, en: A}, max_length: 5, along: born}
        """)
    assert schema_mistakes(text) == [
        at(6, "groups[0].fields[0]", "earliest is a date's first accepted day, YYYY-MM-DD"),
        at(7, "groups[0].fields[1]", "the format calling_code goes with kind tel"),
        at(8, "groups[0].fields[2]", "the format phone_number needs `along`: the key of the "
           "field it is read with (the calling code; the country)"),
        at(10, "groups[0].fields[3]", "along: 'pays' is not a declared field"),
        at(11, "groups[0].fields[4]", "format must be one of calling_code, phone_number, "
           "phone_extension, postal_code"),
        at(12, "groups[0].fields[5]", "along goes with a format"),
    ]


@pytest.mark.parametrize(("key", "value", "profile", "rule"), [
    ("phone_home_code", "1", {}, None),
    ("phone_home_code", "+33", {}, None),
    ("phone_home_code", "abc", {}, "calling_code"),
    ("phone_home_code", "999", {}, "calling_code"),  # no country has it
    ("phone_home", "514 555-0123", {"phone_home_code": "1"}, None),
    ("phone_home", "(514) 555.0123", {}, None),
    ("phone_home", "+33 1 55 55 55 55", {}, None),
    ("phone_home", "55555555", {"phone_home_code": "33"}, None),  # any plan: shape only
    ("phone_home", "téléphone", {}, "phone_number"),
    ("phone_home", "1" * 40, {}, "phone_number"),  # E.164: at most 15 digits
    ("phone_home", "1" * 14, {"phone_home_code": "33"}, "phone_number"),  # 16 with its code
    ("phone_home", "123", {}, "phone_number"),
    ("phone_home", "514 555+0123", {}, "phone_number"),
    ("phone_home_code", "0049", {}, None),  # the international prefix 00
    ("phone_home_code", "1 242", {}, None),  # the Bahamas: code 1, area code 242
    ("phone_home_code", "+1-242", {}, None),
    ("phone_home", "030/1234567", {"phone_home_code": "49"}, None),  # German slash
    ("phone_home", "0664 1234567890", {"phone_home_code": "43"}, None),  # trunk 0 not counted
    ("phone_home", "0000", {}, "phone_number"),
    ("phone_home", "+0000", {}, "phone_number"),
    ("phone_home", "((((1234", {}, "phone_number"),
    # written whole with "+": its code must be the code field's
    ("phone_home", "+33 6 12 34 56 78", {"phone_home_code": "1"}, "phone_code"),
    ("phone_home", "+33 6 12 34 56 78", {"phone_home_code": "0033"}, None),
    ("phone_home", "+1 242 555 0123", {"phone_home_code": "1 242"}, None),
    ("phone_home", "+1 514 555 0123", {"phone_home_code": "1 242"}, "phone_code"),
    ("phone_work_ext", "210", {}, None),
    ("phone_work_ext", "ext!", {}, "phone_extension"),
    ("phone_work_ext", "１２", {}, "phone_extension"),
    ("postal_code", "H3Z 2Y7", {"country": "Canada"}, None),
    ("postal_code", "h3z2y7", {"country": "canada"}, None),
    ("postal_code", "ZZZ 999", {"country": "Canada"}, "postal_code"),
    ("postal_code", "75005", {"country": "Canada"}, "postal_code"),
    ("postal_code", "75005", {"country": "France"}, None),
    ("postal_code", "ZZZ 999", {"country": "Atlantide"}, None),  # no known country: no rule
    ("postal_code", "ZZZ 999", {}, None),
    ("postal_code", "LT-01100", {"country": "Lituanie"}, None),  # the post's prefix
    ("postal_code", "〒100-0001", {"country": "Japon"}, None),
    ("postal_code", "1050", {"country": "Lettonie"}, None),  # kept as LV-1050
    ("postal_code", "Dublin 2", {"country": "Irlande"}, None),
    ("postal_code", "00000", {"country": "France"}, "postal_code"),  # no place is 00000
    ("postal_code", "000 000", {"country": "Fédération de Russie"}, "postal_code"),
    ("postal_code", "SW1A 1AA", {"country": "UK"}, None),
    ("postal_code", "75005", {"country": "UK"}, "postal_code"),
    ("birth_date", "1900-01-01", {}, None),
    ("birth_date", "1850-01-01", {}, "earliest"),
])
def test_format_error__shipped_schema__the_rule_broken(key, value, profile, rule):
    assert format_error(PROFILE.fields[key], value, profile) == rule


def test_normalized__postal_code_of_a_known_country__written_as_its_post_does():
    assert normalized({"postal_code": "h3z2y7", "country": "Canada"})["postal_code"] == "H3Z 2Y7"
    assert normalized({"postal_code": "zz 9", "country": "Canada"})["postal_code"] == "zz 9"
    assert normalized({"postal_code": "h3z2y7", "country": ""})["postal_code"] == "h3z2y7"


@pytest.mark.parametrize(("country", "typed", "stored"), [
    ("CA", "h2x2s5", "H2X 2S5"), ("CA", "H2X-2S5", "H2X 2S5"), ("CA", " h2x 2s5 ", "H2X 2S5"),
    ("SE", "114 55", "114 55"), ("SE", "SE-114 55", "114 55"), ("GB", "BFPO 1234", "BFPO 1234"),
    ("IE", "Dublin 2", "DUBLIN 2"),  # never rewritten into "DUB LIN2"
    ("LT", "LT-01100", "01100"), ("LV", "1050", "LV-1050"), ("JP", "〒100-0001", "100-0001"),
    ("US", "123456789", "12345-6789"), ("FR", "75 005", "75 005"),
    ("CA", "ZZZ 999", None), ("FR", "7500", None), ("US", "00000", None), ("FR", "00 000", None),
])
def test_postal_code_as_stored__as_typed_when_right_else_as_the_post_writes_it(
        country, typed, stored):
    assert postal_code_as_stored(country, typed) == stored


# --- a dossier type's profile block -------------------------------------------


def test_profile_block__none__every_field_with_its_generic_label():
    layout = profile_layout(definition())
    assert layout == PROFILE.layout
    assert [s.label for s in layout.fields()] == [f.label for f in PROFILE.fields.values()]


def test_profile_block__bare_ids_and_labels__shown_in_the_designers_order():
    d = definition("""\
        profile:
          title: {fr: Vous, en: You}
          groups:
            - title: {fr: Qui, en: Who}
              fields:
                - given_names: {fr: Prénom usuel, en: Usual given name}
                - family_names
            - subtitle: {fr: Joindre, en: Reach}
              fields: [email]
        """)
    layout = profile_layout(d)
    assert layout.title.fr == "Vous"
    assert [(s.field.key, s.label.fr) for s in layout.fields()] == [
        ("given_names", "Prénom usuel"), ("family_names", "Nom(s) de famille"),
        ("email", "Adresse courriel")]
    second = layout.groups[1]
    assert second.title is None and second.heading.fr == "Qui" and second.subtitle.fr == "Joindre"


def test_profile_block__no_title__the_schemas_title():
    d = definition("""\
        profile:
          groups:
            - {title: {fr: Qui, en: Who}, fields: [sex]}
        """)
    assert block_layout(d.profile).title == PROFILE.layout.title


def test_profile_block__unknown_field_missing_translation_duplicate__file_line_errors():
    path = FIXTURES / "unknown_profile_field.yaml"
    errors = [str(e) for e in convert(path).errors]
    known = ", ".join(PROFILE.fields)
    assert errors == [
        str(error(ErrorCode.UNKNOWN_PROFILE_FIELD, str(path), 16, field="passport_number",
                  known=known)),
        str(error(ErrorCode.MISSING_TRANSLATION, str(path), 17, lang="en")),
        str(error(ErrorCode.DUPLICATE_ID, str(path), 18, kind="profile field",
                  id="family_names", first_line=15)),
    ]


def test_profile_block__wrong_shape__meta_schema_error_at_its_line():
    text = DEFINITION % textwrap.dedent("""\
        profile:
          groups:
            - title: {fr: Qui, en: Who}
              fields:
                - {given_names: {fr: A, en: A}, family_names: {fr: B, en: B}}
        """)
    result = convert_text(text, "inline.yaml")
    assert len(result.errors) == 1
    assert result.errors[0].code is ErrorCode.META_SCHEMA
    assert str(result.errors[0]) == (
        "inline.yaml:20: the 1st profile group, the 1st profile field: has more than 1 "
        "key(s), one at most is allowed.")


def test_profile_block__type_with_block__its_fields_and_labels_only(registry):
    workshop = profile_layout(registry["atelier"].definition)
    labels = {s.field.key: s.label.fr for s in workshop.fields()}
    assert labels == {"family_names": "Nom de famille du participant",
                      "given_names": "Prénom du participant",
                      "email": PROFILE.fields["email"].label.fr,
                      "phone_home": PROFILE.fields["phone_home"].label.fr}


def test_profile_block__type_without_block__every_field_with_its_generic_label(registry):
    plain = profile_layout(registry["essai"].definition)
    assert [s.field.key for s in plain.fields()] == list(PROFILE.fields)
    assert all(s.label == s.field.label for s in plain.fields())
