"""The `phone` type: a telephone number read and checked by Google's libphonenumber
(the `phonenumbers` package), stored in E.164 form, shown in national form.

Issue 15: a phone number was free text. Here "514 555-0123", "(514) 555-0123" and
"+1 514 555 0123" are one answer, "+15145550123"; an extension, typed in the main box
("ext. 210", "x210", "poste 210", "#210") or in its own box (`extension: true`), is
kept as RFC 3966 writes it: "+15145550123;ext=210". The region a number without "+"
belongs to is the field's `region`, else the definition's `region:` (default CA).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from ..errors import DesignerError, ErrorCode, error
from ..model import Definition, Field, Text
from . import FieldType, GetList, register, register_keyword

DEFAULT_REGION = "CA"
EXT_SUFFIX = ".ext"
EXT_MARK = ";ext="
EXT_TYPED = " ext. "  # joins the number and its own box's extension, as typed
E164 = r"^\+[1-9][0-9]{1,14}(;ext=[0-9]{1,10})?$"
PHONE_KEYWORD = "x-guichet-phone"
_POSTE = re.compile(r"(?i)[,;]?\s*\b(poste|p\.)\s*(?=\d)")
EXTENSION_WORD = Text("poste", "ext.")
EXTENSION_LABEL = Text("Poste (facultatif)", "Extension (optional)")
PHONE_MESSAGE = Text(
    "Entrez un numéro de téléphone valide, par exemple 514 555-0123. Pour un numéro hors "
    "du Canada, commencez par + et l'indicatif du pays.",
    "Enter a valid telephone number, for example 514 555-0123. For a number outside "
    "Canada, start with + and the country code.")


def region_of(f: Field) -> str:
    """The region of numbers written without "+": the field's `region` (the definition's
    `region:` when the field has none, engine.build), else CA."""
    return str(f.extra.get("region") or DEFAULT_REGION)


def parse_number(text: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The valid telephone number written in `text` (a French "poste 210" read as an
    extension), None when libphonenumber reads none or says it is not a valid number."""
    try:
        number = phonenumbers.parse(_POSTE.sub(" ext. ", text), region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(number: phonenumbers.PhoneNumber) -> str:
    """The stored form: E.164, then ";ext=<digits>" when there is an extension."""
    text = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return text + (EXT_MARK + number.extension if number.extension else "")


def stored_number(value: Any) -> phonenumbers.PhoneNumber | None:
    """A stored answer ("+15145550123;ext=210") read back; None for anything else."""
    if not isinstance(value, str) or not re.match(E164, value):
        return None
    main, _, ext = value.partition(EXT_MARK)
    try:
        number = phonenumbers.parse(main, None)
    except NumberParseException:
        return None
    if ext:
        number.extension = ext
    return number if phonenumbers.is_valid_number(number) else None


def national(number: phonenumbers.PhoneNumber, region: str) -> str:
    """The number without its extension, in national form when it belongs to `region`
    ("(514) 555-0123"), else in international form ("+33 1 23 45 67 89")."""
    plain = phonenumbers.PhoneNumber(country_code=number.country_code,
                                     national_number=number.national_number,
                                     italian_leading_zero=number.italian_leading_zero,
                                     number_of_leading_zeros=number.number_of_leading_zeros)
    same = phonenumbers.region_code_for_number(plain) == region
    return phonenumbers.format_number(
        plain, PhoneNumberFormat.NATIONAL if same else PhoneNumberFormat.INTERNATIONAL)


class PhoneKeyword:
    """jsonschema_rs keyword PHONE_KEYWORD: a string that is not a valid stored number
    ("+12345" has the E.164 shape but no such number exists) fails."""

    def __init__(self, parent_schema: dict[str, Any], value: Any,
                 schema_path: list[str | int]) -> None:
        pass

    def validate(self, instance: Any) -> None:
        """Raise ValueError unless `instance` is a valid number as stored."""
        if isinstance(instance, str) and stored_number(instance) is None:
            raise ValueError(f"{instance!r} is not a valid telephone number")


register_keyword(PHONE_KEYWORD, PhoneKeyword, "format")


class PhoneType(FieldType):
    """`phone`: one telephone number; `region` (ISO 3166 alpha-2, default the
    definition's), `extension: true` for an extension box of its own."""

    name = "phone"
    macro = "phone"
    input_type = "tel"
    default_max_length = 40
    properties = {
        "region": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "extension": {"type": "boolean"},
        "autocomplete": {"$ref": "#/$defs/autocomplete"},
    }
    messages = {"format": PHONE_MESSAGE, "pattern": PHONE_MESSAGE, "max_length": PHONE_MESSAGE}

    def example(self) -> dict[str, Any]:
        """With its own extension box."""
        return {"extension": True}

    def example_posts(self, f: Field, name: str) -> tuple[dict[str, list[str]], ...]:
        """A Montréal number, with an extension in the main box or in its own."""
        posts: tuple[dict[str, list[str]], ...] = (
            {name: ["514 555-0123"]}, {name: ["(418) 555-0199 poste 210"]},
            {name: ["+33 1 23 45 67 89"]})
        if f.extra.get("extension"):
            posts += ({name: ["514-555-0123"], name + EXT_SUFFIX: ["210"]},)
        return posts

    def check(self, f: Field, d: Definition) -> Iterator[DesignerError]:
        """FIELD_TYPE for a region libphonenumber does not know."""
        region = region_of(f)
        if region not in phonenumbers.SUPPORTED_REGIONS:
            yield error(ErrorCode.FIELD_TYPE, d.path, f.line, field=f.id, type=self.name,
                        problem=f"the region {region!r} is not a country code libphonenumber "
                                "knows (ISO 3166 alpha-2, such as CA, US, FR)")

    def form_names(self, f: Field, name: str) -> tuple[str, ...]:
        """The number's box, and the extension's when `extension: true`."""
        return (name, name + EXT_SUFFIX) if f.extra.get("extension") else (name,)

    def parse(self, f: Field, getlist: GetList, name: str) -> Any:
        """The number as typed; with an extension box, " ext. <extension>" added when
        it holds something."""
        main = super().parse(f, getlist, name)
        if not f.extra.get("extension"):
            return main
        ext = super().parse(f, getlist, name + EXT_SUFFIX)
        if ext is None or not ext.strip():
            return main
        return f"{main or ''}{EXT_TYPED}{ext.strip()}"

    def schema(self, f: Field) -> dict[str, Any]:
        """A stored number: E.164 with an optional ";ext=", and a valid one."""
        return {"type": "string", "pattern": E164, "maxLength": 40, PHONE_KEYWORD: True}

    def normalize(self, f: Field, value: Any) -> Any:
        """Text that holds a valid number becomes its stored form (`e164`); other text
        stays as typed, for its error."""
        value = super().normalize(f, value)
        if isinstance(value, str) and value:
            number = parse_number(value, region_of(f))
            if number is not None:
                return e164(number)
        return value

    def display(self, f: Field, value: Any, lang: str) -> tuple[str, ...]:
        """National form, with "poste 210" (fr, after a comma) or "ext. 210" (en);
        a value that is no stored number as it is."""
        if value is None:
            return ()
        number = stored_number(value)
        if number is None:
            return (str(value),)
        text = national(number, region_of(f))
        if number.extension:
            sep = ", " if lang == "fr" else " "
            text += f"{sep}{EXTENSION_WORD.get(lang)} {number.extension}"
        return (text,)

    def input_texts(self, f: Field, value: Any, lang: str, name: str) -> dict[str, str] | None:
        """A stored number in national form, its extension in its own box (or after the
        number when there is none); text as typed, each box showing what was typed in it
        (a number refused with its extension: the extension back in its own box)."""
        number = stored_number(value)
        if number is None:
            if f.extra.get("extension") and isinstance(value, str) and EXT_TYPED in value:
                main, _, ext = value.rpartition(EXT_TYPED)
                return {name: main, name + EXT_SUFFIX: ext}
            return None
        if not f.extra.get("extension"):
            return {name: self.display(f, value, lang)[0]}
        return {name: national(number, region_of(f)), name + EXT_SUFFIX: number.extension or ""}

    def view(self, f: Field, lang: str) -> dict[str, str]:
        """The extension box's label and autocomplete token ("tel-extension", with the
        field's own token's section and contact kind: "work tel" -> "work tel-extension"),
        when the field has one."""
        if not f.extra.get("extension"):
            return {}
        kind = (f.autocomplete or "tel").split()
        token = " ".join([*kind[:-1], "tel-extension"]) if kind[-1].startswith("tel") else "off"
        return {"ext_label": EXTENSION_LABEL.get(lang), "ext_autocomplete": token}


register(PhoneType())
