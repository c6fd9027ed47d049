"""The `address` type: a postal address in parts, one answer (issue 15).

The answer is a dict (only its non-empty parts are stored):

    {"line1": "4500, rue Saint-Denis", "line2": "app. 3", "line3": "...",
     "city": "Montréal", "region": "QC", "postal_code": "H2J 2L3", "country": "CA"}

line1 (number, street, apartment), city and country are required; line2 and line3
are optional; region is the ISO 3166-2 code without the country ("QC" for CA-QC),
asked (and required) only for the countries with a list (`places.REGION_COUNTRIES`:
CA, US) and chosen from it; postal_code is written and checked as the country's post
does (`postal_code` type, `engine.places`), required where the post requires one;
country is an ISO 3166-1 alpha-2 code chosen from pycountry's list, CA by default.
The recap and PDF show a postal block, one line per part, with the region and the
country named in the reader's language.

`prefill: profile.<group>` shows, while the question has no answer, the applicant
profile's group of that `id` (engine/profile.yaml, e.g. `address`): each profile field
goes to the part its autocomplete token names (address-line1 -> line1, address-level2
-> city, address-level1 -> region, postal-code, country-name -> country), a country or
a province written by name ("Canada", "Québec") made its code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..answer_keyword import ANSWER_KEYWORD
from ..errors import DesignerError, ErrorCode, error
from ..model import Definition, Field, Text
from ..places import (
    REGION_COUNTRIES,
    countries,
    country_codes,
    country_name,
    find_country,
    find_region,
    normalize_postal_code,
    postal_format,
    region_codes,
    region_name,
    regions,
)
from ..profile import PROFILE
from . import FieldType, GetList, Part, register
from .postal_code import DEFAULT_COUNTRY, postal_message

# the parts, in the order asked and shown: (key, label, autocomplete token, max length)
PARTS: tuple[tuple[str, Text, str, int], ...] = (
    ("line1", Text("Adresse (numéro, rue, appartement)", "Address (number, street, apartment)"),
     "address-line1", 200),
    ("line2", Text("Adresse (ligne 2)", "Address (line 2)"), "address-line2", 200),
    ("line3", Text("Adresse (ligne 3)", "Address (line 3)"), "address-line3", 200),
    ("city", Text("Ville", "City"), "address-level2", 200),
    ("region", Text("Province, territoire ou État", "Province, territory or state"),
     "address-level1", 3),
    ("postal_code", Text("Code postal", "Postal code"), "postal-code", 12),
    ("country", Text("Pays", "Country"), "country", 2),
)
PART_NAMES = tuple(p[0] for p in PARTS)
TEXT_PARTS = ("line1", "line2", "line3", "city")
ALWAYS_REQUIRED = ("line1", "city", "country")
# profile autocomplete token -> part (`prefill: profile.<group>`)
TOKEN_PARTS = {"address-line1": "line1", "address-line2": "line2", "address-line3": "line3",
               "address-level2": "city", "address-level1": "region",
               "postal-code": "postal_code", "country-name": "country", "country": "country"}

PART_MESSAGES: dict[tuple[str, str], Text] = {
    ("line1", "required"): Text("Entrez l'adresse : numéro, rue et appartement.",
                                "Enter the address: number, street and apartment."),
    ("city", "required"): Text("Entrez la ville.", "Enter the city."),
    ("region", "required"): Text("Choisissez la province, le territoire ou l'État.",
                                 "Choose the province, territory or state."),
    ("region", "option"): Text("Choisissez la province, le territoire ou l'État dans la liste.",
                               "Choose the province, territory or state from the list."),
    ("postal_code", "required"): Text("Entrez le code postal.", "Enter the postal code."),
    ("country", "required"): Text("Choisissez le pays.", "Choose the country."),
    ("country", "option"): Text("Choisissez un pays de la liste.",
                                "Choose a country from the list."),
}
PREFILL_PROPERTY: dict[str, Any] = {
    "description": "profile.<group id>: show the applicant profile's group (e.g. "
                   "profile.address) while the question has no answer.",
    "type": "string", "pattern": "^profile\\.[a-z][a-z0-9_]*$"}


def _country(value: Any) -> str:
    country = value.get("country") if isinstance(value, dict) else None
    return country if isinstance(country, str) and country else DEFAULT_COUNTRY


class AddressType(FieldType):
    """`address`: a fieldset of labelled inputs, one per part; the answer a dict."""

    name = "address"
    macro = "address"
    input_type = "text"
    fieldset = True
    value_kind = "dict"
    operators = frozenset({"answered"})
    display_lines = True
    properties = {"prefill": PREFILL_PROPERTY}

    def check(self, f: Field, d: Definition) -> Iterator[DesignerError]:
        """FIELD_TYPE for a `prefill` naming no group of the profile (engine/profile.yaml)."""
        prefill = f.extra.get("prefill")
        if prefill is not None and str(prefill).split(".", 1)[1] not in PROFILE.group_ids():
            yield error(ErrorCode.FIELD_TYPE, d.path, f.line, field=f.id, type=self.name,
                        problem=f"prefill {prefill!r} names no group of the profile; "
                                "profile groups: " + ", ".join(
                                    f"profile.{g}" for g in PROFILE.group_ids()))

    # --- answers ----------------------------------------------------------------

    def schema(self, f: Field) -> dict[str, Any]:
        """An object of the parts (strings; `additionalProperties` false): line1, city
        and country required; country one of ISO 3166-1 (`$defs/country`, see
        `schema_defs`); the rest, which depends on the country, is `answer_errors`
        (through ANSWER_KEYWORD): in JSON Schema it took one branch per postal code
        format, ~19 KB compiled again for every address question."""
        props: dict[str, Any] = {name: {"type": "string", "minLength": 1, "maxLength": length}
                                 for name, _, _, length in PARTS}
        props["country"] = {"$ref": "#/$defs/country"}
        return {"type": "object", "properties": props, "required": list(ALWAYS_REQUIRED),
                "additionalProperties": False, ANSWER_KEYWORD: self.name}

    def schema_defs(self) -> Mapping[str, dict[str, Any]]:
        """country: one of the ISO 3166-1 alpha-2 codes, sorted."""
        return {"country": {"enum": sorted(country_codes())}}

    def answer_errors(self, value: Any) -> tuple[tuple[str | None, str], ...]:
        """For an address of a known country: for CA and US, ("region", "required") or
        ("region", "option") for a region that is none of the country's; for another
        country, (None, "option") for a region at all; ("postal_code", "pattern") for a
        postal code not in the country's format, ("postal_code", "required") for none
        where the post requires one (`places.postal_format`). () for anything else (the
        schema refuses a part that is not a string and an unknown country)."""
        if not isinstance(value, dict):
            return ()
        country = value.get("country")
        if not isinstance(country, str) or country not in country_codes():
            return ()
        errors: list[tuple[str | None, str]] = []
        region = value.get("region")
        if country in REGION_COUNTRIES:
            if region is None:
                errors.append(("region", "required"))
            elif isinstance(region, str) and region not in region_codes(country):
                errors.append(("region", "option"))
        elif region is not None:
            errors.append((None, "option"))
        fmt = postal_format(country)
        code = value.get("postal_code")
        if code is None:
            if fmt.required:
                errors.append(("postal_code", "required"))
        elif isinstance(code, str) and not fmt.matches(code):
            errors.append(("postal_code", "pattern"))
        return tuple(errors)

    def parse(self, f: Field, getlist: GetList, name: str) -> Any:
        """{part: the last value posted under `<name>.<part>`}; None when no part but
        the country was typed (a country alone is no address)."""
        value = {}
        for part in PART_NAMES:
            raw = [r for r in getlist(f"{name}.{part}") if isinstance(r, str)]
            if raw:
                value[part] = raw[-1]
        if not any(v.strip() for k, v in value.items() if k != "country"):
            return None
        return value

    def normalize(self, f: Field, value: Any) -> Any:
        """Each text part's spaces collapsed and trimmed, the country and region upper
        case, the postal code as the country writes it (`places.normalize_postal_code`),
        a region dropped for a country without regions, unknown keys and empty parts
        dropped; None when only a country is left. Anything but a dict of strings is
        kept as given, for the schema to refuse."""
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return value
        out = {k: " ".join(v.split()) for k, v in value.items() if k in PART_NAMES}
        country = out.get("country", "").upper() or DEFAULT_COUNTRY
        out["country"] = country
        if "region" in out:
            out["region"] = out["region"].upper()
            if country not in REGION_COUNTRIES:
                del out["region"]
        if "postal_code" in out:
            out["postal_code"] = normalize_postal_code(country, out["postal_code"])
        out = {k: v for k, v in out.items() if v}
        if set(out) <= {"country"}:
            return None
        return {k: out[k] for k in PART_NAMES if k in out}

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """The postal block, one line per part in order, the region and the country by
        their names in `lang` ("4500, rue Saint-Denis", "Montréal", "Québec",
        "H2J 2L3", "Canada")."""
        if not isinstance(value, dict):
            return ()
        country = _country(value)
        lines = []
        for part in PART_NAMES:
            text = value.get(part)
            if not isinstance(text, str) or not text:
                continue
            if part == "region":
                text = region_name(country, text, lang)
            elif part == "country":
                text = country_name(text, lang)
            lines.append(text)
        return tuple(lines)

    # --- composite parts ----------------------------------------------------------

    def part_names(self, f: Field) -> tuple[str, ...]:
        """line1, line2, line3, city, region, postal_code, country."""
        return PART_NAMES

    def parts(self, f: Field, value: Any, lang: str) -> tuple[Part, ...]:
        """Its inputs for `value`: the lines and city as text, the region as a list of
        the country's provinces or states (left out for a country without), the postal
        code, the country as a list of every country (changing it redraws the question)."""
        value = value if isinstance(value, dict) else {}
        country = _country(value)
        fmt = postal_format(country)
        out = []
        for name, label, token, length in PARTS:
            typed = value.get(name) if name != "country" else country
            typed = typed if isinstance(typed, str) else ""
            choices = None
            if name == "region":
                if country not in REGION_COUNTRIES:
                    continue
                choices = regions(country, lang)
            elif name == "country":
                choices = countries(lang)
            elif name == "postal_code" and not fmt.used:
                continue
            required = name in ALWAYS_REQUIRED or name == "region" or (
                name == "postal_code" and fmt.required)
            out.append(Part(name, label, typed, required, token, length, choices,
                            refreshes=name == "country"))
        return tuple(out)

    def part_message(self, f: Field, part: str, kind: str, value: Any) -> Text | None:
        """The part's own message; a postal code's names an example of the address's
        country ("par exemple H3Z 2Y7")."""
        if part == "postal_code" and kind in ("pattern", "max_length"):
            return postal_message(_country(value))
        return PART_MESSAGES.get((part, kind))

    def examples(self, f: Field) -> tuple[Any, ...]:
        """A Canadian, a US and a French address, as stored."""
        return ({"line1": "4500, rue Saint-Denis", "line2": "app. 3", "city": "Montréal",
                 "region": "QC", "postal_code": "H2J 2L3", "country": "CA"},
                {"line1": "350 Fifth Avenue", "city": "New York", "region": "NY",
                 "postal_code": "10118", "country": "US"},
                {"line1": "20 rue Monge", "city": "Paris", "postal_code": "75005",
                 "country": "FR"})

    def form_values(self, f: Field, value: Any, name: str) -> dict[str, list[str]]:
        """{"<name>.<part>": [text]} per part of the stored dict."""
        if not isinstance(value, dict):
            return {}
        return {f"{name}.{part}": [str(text)] for part, text in value.items()}

    def prefill(self, f: Field, profile: Mapping[str, Any]) -> Any:
        """The profile group named by `prefill` as an answer (see the module's
        docstring), normalised; None without `prefill` or when the profile holds no
        part of it."""
        prefill = f.extra.get("prefill")
        if not prefill:
            return None
        value: dict[str, str] = {}
        for pf in PROFILE.group_fields(str(prefill).split(".", 1)[1]):
            part = TOKEN_PARTS.get(pf.autocomplete or "")
            typed = profile.get(pf.key)
            if part and isinstance(typed, str) and typed.strip():
                value[part] = typed
        if "country" in value:
            value["country"] = find_country(value["country"]) or value["country"]
        if "region" in value:
            value["region"] = find_region(_country(value), value["region"]) or ""
        return self.normalize(f, value) if value else None


register(AddressType())
