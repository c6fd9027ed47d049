"""HTML autofill tokens (the `autocomplete` attribute), checked once for every input.

A browser fills a form from what it knows of the applicant (names, birth date,
address, telephones) only when each input says what it holds, in the WHATWG
autofill grammar ("given-name", "mobile tel-national"...), and shows a phone's
keypad only for `type="tel"`. The grammar is written once, as the pattern of
`$defs/autocomplete` in the meta-schema forms/definition.schema.json (which also
checks a dossier type's fields); this module reads that pattern so the profile
schema (engine/profile.yaml) and the checks of a field's type use the same one.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

TELEPHONE_TYPE = "tel"


@cache
def _grammar() -> re.Pattern[str]:
    meta = json.loads(resources.files("forms").joinpath("definition.schema.json").read_text())
    return re.compile(meta["$defs"]["autocomplete"]["pattern"])


def is_autocomplete(value: str) -> bool:
    """Whether `value` is a whole autofill value of the WHATWG grammar: "on", "off", or
    [section-*] [shipping|billing] then a field name ("given-name") or
    [home|work|mobile|fax|pager] and a contact field ("tel-national", "email")."""
    return bool(_grammar().fullmatch(value))


def is_telephone(value: str) -> bool:
    """Whether an autofill value asks for (part of) a telephone number: its last token is
    tel, tel-country-code, tel-national, tel-extension... (such an input must be of
    type "tel", and a "tel" input must hold one)."""
    tokens = value.split()
    return bool(tokens) and (tokens[-1] == "tel" or tokens[-1].startswith("tel-"))


def autocomplete_mismatch(type_: str, autocomplete: str | None) -> str | None:
    """Why a field's autocomplete value does not suit its type, or None when it does:
    a telephone token (tel-national, "home tel"...) belongs on a `tel` input, the one that
    shows a phone's keypad, and a `tel` input holds a telephone token, if any."""
    if autocomplete is None:
        return None
    if is_telephone(autocomplete) and type_ != TELEPHONE_TYPE:
        return "asks for a telephone number"
    if type_ == TELEPHONE_TYPE and not is_telephone(autocomplete):
        return "is not a telephone token"
    return None
