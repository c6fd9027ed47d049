"""The postal_code and address field types (issue 15): per-country postal codes as
people type them, the address's parts, its JSON Schema, per-part errors, its display in
French and English, the profile pre-fill and the checker's errors at file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine import convert, convert_text, places
from engine.errors import ErrorCode, error
from engine.fieldtypes import field_type
from engine.places import (
    countries,
    find_country,
    find_region,
    normalize_postal_code,
    postal_format,
    regions,
)
from engine.profile import PROFILE
from engine.recap import build_recap
from engine.validate import clean, validate
from tests.definitions import one_field_definition

ADRESSES = Path(__file__).parent.parent / "definitions" / "adresses.yaml"
FIXTURES = Path(__file__).parent.parent / "fixtures"
COMPILED = convert(ADRESSES).compiled
ADDRESS = COMPILED.definition.all_fields()["adresse"]
MONTREAL = {"line1": "4500, rue Saint-Denis", "line2": "app. 3", "city": "Montréal",
            "region": "QC", "postal_code": "H2J 2L3", "country": "CA"}


@pytest.mark.parametrize("typed", ["h2x2s5", "H2X-2S5", " h2x 2s5 ", "H2X 2S5", "h2x\u20112s5"])
def test_canadian_postal_code__as_typed__stored_as_canada_post_writes_it(typed):
    assert normalize_postal_code("CA", typed) == "H2X 2S5"
    assert postal_format("CA").matches("H2X 2S5")


@pytest.mark.parametrize("code", ["D2X 2S5", "H2F 2S5", "H2X 2S0".replace("0", "O"),
                                  "W2X 2S5", "Z2X 2S5", "H2X 2U5", "H2X 2S", "12345"])
def test_canadian_postal_code__letters_canada_post_never_uses__refused(code):
    assert not postal_format("CA").matches(normalize_postal_code("CA", code))


@pytest.mark.parametrize(("country", "typed", "stored"), [
    ("US", "12345", "12345"), ("US", "123456789", "12345-6789"),
    ("US", "12345 6789", "12345-6789"), ("FR", "75 001", "75001"),
    ("GB", "sw1a1aa", "SW1A 1AA"), ("GB", "m2 5bq", "M2 5BQ"), ("BE", "1000", "1000"),
    ("CH", "1211", "1211"), ("DE", "10115", "10115"), ("NL", "1234ab", "1234 AB"),
])
def test_postal_codes_of_other_countries__normalised_and_valid(country, typed, stored):
    assert normalize_postal_code(country, typed) == stored
    assert postal_format(country).matches(stored)


@pytest.mark.parametrize(("country", "code"), [("US", "1234"), ("US", "12345-67"),
                                               ("FR", "7500"), ("GB", "QQ1 1AA"),
                                               ("DE", "1011")])
def test_postal_codes_of_other_countries__wrong_format_refused(country, code):
    assert not postal_format(country).matches(normalize_postal_code(country, code))


def test_postal_code_field__schema_validation_and_messages():
    assert COMPILED.sections["codes"].validator.is_valid(
        clean(COMPILED, {"code_postal": "h2x-2s5"}))
    assert clean(COMPILED, {"code_postal": " h2x 2s5 ", "code_france": "75 001"}) == {
        "code_postal": "H2X 2S5", "code_france": "75001"}
    errors = validate(COMPILED, {"code_postal": "W2X 2S5", "code_france": "7500"})
    assert [(e.field, e.kind, e.message.fr, e.message.en) for e in errors[-2:]] == [
        ("code_postal", "pattern", "Entrez un code postal valide, par exemple H3Z 2Y7.",
         "Enter a valid postal code, for example H3Z 2Y7."),
        ("code_france", "pattern", "Entrez un code postal valide, par exemple 33380.",
         "Enter a valid postal code, for example 33380.")]


def test_postal_code__zeros_only__refused_as_no_place_of_any_post():
    """A pattern of digits allows "00000"; no post numbers a place so (a question, an
    address's part, the profile alike)."""
    errors = validate(COMPILED, {"code_postal": "H2X 2S5", "code_france": "00000"})
    assert [(e.field, e.kind) for e in errors if e.field == "code_france"] == [
        ("code_france", "pattern")]
    assert not postal_format("US").matches("00000") and postal_format("US").matches("00501")
    assert not postal_format("FR").matches("00 000")


def test_address__parsed_from_its_parts():
    posted = {"adresse.line1": [" 4500,  rue Saint-Denis "], "adresse.city": ["Montréal"],
              "adresse.region": ["qc"], "adresse.postal_code": ["h2j2l3"],
              "adresse.country": ["CA"], "adresse.line2": [""]}
    value = field_type("address").parse(ADDRESS, lambda n: posted.get(n, []), "adresse")
    assert clean(COMPILED, {"adresse": value})["adresse"] == {
        "line1": "4500, rue Saint-Denis", "city": "Montréal", "region": "QC",
        "postal_code": "H2J 2L3", "country": "CA"}
    only_country = {"adresse.country": ["CA"], "adresse.line1": ["  "]}
    assert field_type("address").parse(ADDRESS, lambda n: only_country.get(n, []),
                                       "adresse") is None


def test_address__region_dropped_for_a_country_without_regions():
    value = {**MONTREAL, "country": "FR", "postal_code": "75 005"}
    assert clean(COMPILED, {"adresse": value})["adresse"] == {
        "line1": "4500, rue Saint-Denis", "line2": "app. 3", "city": "Montréal",
        "postal_code": "75005", "country": "FR"}


def test_address__schema_is_an_object_of_parts():
    schema = field_type("address").schema(ADDRESS)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert schema["required"] == ["line1", "city", "country"]
    assert schema["properties"]["country"] == {"$ref": "#/$defs/country"}
    assert "CA" in field_type("address").schema_defs()["country"]["enum"]
    assert validate(COMPILED, {"adresse": MONTREAL, "code_postal": "H2X 2S5"}) == []


def test_address__country_list_once_per_schema_and_country_rules_in_every_validator():
    """The country list is one `$defs` entry of each schema, however many address
    questions it holds (not a copy per question, and not twice in the dossier's); the
    region and postal code rules (`answer_errors`) hold in the section's and the whole
    dossier's validators alike."""
    for schema in (COMPILED.schema, COMPILED.sections["coordonnees"].schema):
        assert set(schema["$defs"]) == {"country"}
        assert json.dumps(schema).count('"enum": ["AD"') == 1
    assert "$defs" not in COMPILED.sections["codes"].schema
    wrong = clean(COMPILED, {"adresse": {**MONTREAL, "postal_code": "12345"},
                             "code_postal": "H2X 2S5"})
    assert COMPILED.validator.is_valid(clean(COMPILED, {"adresse": MONTREAL,
                                                        "code_postal": "H2X 2S5"}))
    assert not COMPILED.validator.is_valid(wrong)
    assert not COMPILED.sections["coordonnees"].validator.is_valid(wrong)
    assert [e.path for e in validate(COMPILED, wrong)] == ["adresse.postal_code"]


def test_address__exported_schema_valid_for_other_validators():
    """`guichet schema` prints a draft 2020-12 schema another validator reads: the
    country list through `$defs` (an unknown country refused); the region and postal
    code rules are Guichet's own keyword, which it ignores (README)."""
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(COMPILED.schema)
    other = Draft202012Validator(COMPILED.schema)
    assert other.is_valid({"adresse": MONTREAL, "code_postal": "H2X 2S5"})
    assert not other.is_valid({"adresse": {**MONTREAL, "country": "ZZ"},
                               "code_postal": "H2X 2S5"})
    assert not other.is_valid({"adresse": MONTREAL, "code_postal": "12345"})


def test_address__each_part_its_own_error_in_order():
    wrong = {**MONTREAL, "city": "", "region": "ZZ", "postal_code": "D2J 2L3"}
    errors = validate(COMPILED, {"adresse": wrong})
    assert [(e.path, e.kind, e.message.fr) for e in errors[:3]] == [
        ("adresse.city", "required", "Entrez la ville."),
        ("adresse.region", "option",
         "Choisissez la province, le territoire ou l'État dans la liste."),
        ("adresse.postal_code", "pattern",
         "Entrez un code postal valide, par exemple H3Z 2Y7.")]
    assert errors[0].as_json("en") == {"section": "coordonnees", "field": "adresse",
                                       "message": "Enter the city.", "part": "city"}
    us = validate(COMPILED, {"adresse": {**MONTREAL, "country": "US", "postal_code": "1234"}})
    assert [(e.path, e.message.en) for e in us[:2]] == [
        ("adresse.region", "Choose the province, territory or state from the list."),
        ("adresse.postal_code", "Enter a valid postal code, for example 95014.")]
    missing = validate(COMPILED, {"autre_adresse": {"line1": "1 Main", "country": "CA"}})
    assert {e.path for e in missing} >= {"adresse", "autre_adresse.city",
                                         "autre_adresse.region", "autre_adresse.postal_code"}


def test_address__unknown_country__its_own_error_at_the_country_part():
    """Found by an API trial: an unknown country (the schema's shared `$defs/country`,
    which the validator names by the definition's place) gave one anonymous error at the
    section, "Cette réponse n'est pas valide.", with no field: now the country part's."""
    errors = validate(COMPILED, {"adresse": {**MONTREAL, "country": "NARNIA<script>"}})
    assert [(e.path, e.kind, e.message.fr) for e in errors if e.field is None] == []
    assert ("adresse.country", "option", "Choisissez un pays de la liste.") in [
        (e.path, e.kind, e.message.fr) for e in errors]


def test_address__unknown_country_in_a_group_item__at_that_item_and_part():
    text = one_field_definition({
        "id": "lieux", "type": "group", "repeat": {"max": 3},
        "item_label": {"fr": "Lieu {n}", "en": "Place {n}"},
        "label": {"fr": "Lieux", "en": "Places"},
        "fields": [{"id": "adresse", "type": "address",
                    "label": {"fr": "Adresse", "en": "Address"}}]})
    compiled = convert_text(text, "x.yaml").compiled
    place = {"line1": "1 rue", "city": "Paris", "postal_code": "75005", "country": "FR"}
    errors = validate(compiled, {"lieux": [{"adresse": place},
                                          {"adresse": {**place, "country": "NARNIA"}}]})
    assert [(e.path, e.kind, e.message.fr) for e in errors] == [
        ("lieux.1.adresse.country", "option", "Choisissez un pays de la liste.")]


def test_address__display_a_postal_block_in_each_language():
    fr = build_recap(COMPILED, {"adresse": {**MONTREAL, "region": "PE"}}, "fr")
    en = build_recap(COMPILED, {"adresse": {**MONTREAL, "country": "US", "region": "NY",
                                            "postal_code": "10001"}}, "en")
    item = fr.sections[0].items[0]
    assert item.lines and item.values == ("4500, rue Saint-Denis", "app. 3", "Montréal",
                                          "Île-du-Prince-Édouard", "H2J 2L3", "Canada")
    assert en.sections[0].items[0].values[-3:] == ("New York", "10001", "United States")
    assert build_recap(COMPILED, {"adresse": {**MONTREAL, "country": "US", "region": "NY",
                                              "postal_code": "10001"}},
                       "fr").sections[0].items[0].values[-1] == "États-Unis"


def test_address__condition_answered():
    cleaned = clean(COMPILED, {"autre_adresse": MONTREAL, "depuis_autre": True})
    assert cleaned["depuis_autre"] is True
    assert "depuis_autre" not in clean(COMPILED, {"depuis_autre": True})


def test_address__prefill_from_the_profile_group_by_autocomplete_tokens():
    profile = {"address_line1": "4500, rue Saint-Denis", "address_line2": "app. 3",
               "city": "Montréal", "province": "Québec", "postal_code": "h2j2l3",
               "country": "Canada", "given_names": "Samira"}
    assert field_type("address").prefill(ADDRESS, profile) == MONTREAL
    assert field_type("address").prefill(ADDRESS, {}) is None
    other = COMPILED.definition.all_fields()["autre_adresse"]
    assert field_type("address").prefill(other, profile) is None
    assert "address" in PROFILE.group_ids()


def test_lists__from_iso_with_french_names():
    assert ("QC", "Québec") in regions("CA", "fr") and ("QC", "Quebec") in regions("CA", "en")
    assert len(regions("CA", "en")) == 13 and regions("FR", "fr") == ()
    names = [name for _, name in countries("fr")]
    assert names.index("États-Unis") < names.index("France")  # accents ignored in order
    assert find_country("Etats-Unis") == "US" and find_country("canada") == "CA"
    assert find_region("CA", "Nouveau-Brunswick") == "NB" and find_region("US", "ny") == "NY"


@pytest.mark.parametrize(("typed", "code"), [
    ("Vietnam", "VN"), ("Viet Nam", "VN"), ("Corée du Sud", "KR"), ("Corée, République de", "KR"),
    ("Deutschland", "DE"), ("Russie", "RU"), ("Royaume-Uni", "GB"), ("Brasil", "BR"),
    ("Côte d'Ivoire", "CI"), ("Atlantide", None),
    # spaces and punctuation ignored; ISO's inverted names read either way
    ("Etats Unis", "US"), ("cote d ivoire", "CI"), ("Fédération de Russie", "RU"),
    ("Russie, Fédération de", "RU"), ("République islamique d'Iran", "IR"),
    ("Republic of Korea", "KR"),
    # what neither ISO nor CLDR lists (engine/country_aliases.yaml)
    ("UK", "GB"), ("Angleterre", "GB"), ("RDC", "CD"), ("R.D.C.", "CD"), ("Hollande", "NL"),
    ("République tchèque", "CZ"), ("EAU", "AE"),
    # names that only look alike stay apart
    ("Niger", "NE"), ("Nigeria", "NG"), ("Guinée", "GN"), ("Guinée-Bissau", "GW"),
    ("Soudan", "SD"), ("Soudan du Sud", "SS"), ("Dominique", "DM"),
])
def test_find_country__names_people_type_in_several_languages(typed, code):
    """ISO's names, pycountry's French ones, and CLDR's in fr, en, es, pt, de and it."""
    assert find_country(typed) == code


def test_country_aliases__each_names_a_country_no_list_already_names(monkeypatch):
    aliases = places.country_aliases()
    assert aliases and set(aliases.values()) <= places.country_codes()
    assert all(find_country(name) == code for name, code in aliases.items())
    monkeypatch.setattr(places, "country_aliases", dict)  # ISO's and CLDR's names alone
    places._country_names.cache_clear()
    try:
        assert [name for name in aliases if find_country(name) is not None] == []
    finally:
        monkeypatch.undo()
        places._country_names.cache_clear()


def test_check__unknown_profile_group_country_and_key_not_for_type_at_their_lines():
    path = FIXTURES / "bad_address.yaml"
    errors = [str(e) for e in convert(path).errors]
    assert str(error(ErrorCode.FIELD_TYPE, str(path), 10, field="adresse", type="address",
                     problem="prefill 'profile.adresse' names no group of the profile; "
                             "profile groups: profile.address")) in errors
    assert str(error(ErrorCode.FIELD_TYPE, str(path), 14, field="code", type="postal_code",
                     problem="country 'XX' is not an ISO 3166-1 alpha-2 code (e.g. CA, US, "
                             "FR)")) in errors
    assert len(errors) == 2
    text = path.read_text().replace("prefill: profile.adresse", 'pattern: "^x$"')
    # shape and meaning errors in one run (issue 16), sorted by line
    assert [str(e) for e in convert_text(text, "x.yaml").errors] == [str(error(
        ErrorCode.PROPERTY_NOT_FOR_TYPE, "x.yaml", 12, property="pattern", type="address",
        field="adresse", applies_to="text, textarea, email, tel")), str(error(
        ErrorCode.FIELD_TYPE, "x.yaml", 14, field="code", type="postal_code",
        problem="country 'XX' is not an ISO 3166-1 alpha-2 code (e.g. CA, US, FR)"))]


@pytest.mark.parametrize("field_id", ["adresse", "autre_adresse", "code_postal", "code_france"])
def test_examples__valid_and_survive_form_data_and_recap(field_id):
    f = COMPILED.definition.all_fields()[field_id]
    section = next(s for s in COMPILED.definition.sections if s.field(field_id))
    for value in f.kind.examples(f):
        posted = f.kind.form_values(f, value, field_id)
        parsed = f.kind.parse(f, lambda n, posted=posted: posted.get(n, []), field_id)
        assert clean(COMPILED, {field_id: parsed})[field_id] == value
        errors = validate(COMPILED, {field_id: value})
        assert not [e for e in errors if e.field == field_id and e.section == section.id]
        assert build_recap(COMPILED, {field_id: value}, "en").section(section.id).items
