"""Does an account's profile name the same person as a registered dossier?

Agents type names as they hear them, on a keyboard; applicants as in their
passport, often on a phone. The comparison ignores what differs between two
spellings of one name and nothing else:

- case, accents and surrounding or repeated spaces ("Gunter" matches "GÜNTER ");
- which apostrophe or dash was typed, and whether words are joined by a space, a
  hyphen or an apostrophe ("O'Connor" = "O’Connor" = "O Connor", "Jean-François" =
  "Jean François");
- Latin letters written without their stroke or ligature, which do not decompose
  into a base letter and an accent (ø/o, ł/l, đ/d, ß/ss, æ/ae, œ/oe, ı/i): these
  are transliterated by anyascii, a maintained table, rather than by our own;
- invisible characters (zero-width spaces, joiners, byte order marks).

"Gunter" still differs from "Gunther", and letters of other scripts are compared as
written (only their accents dropped): two Chinese names with the same romanisation
stay different.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from anyascii import anyascii


def _latin(c: str) -> bool:
    return unicodedata.name(c, "").startswith("LATIN ")


def _fold_char(c: str) -> str:
    """One character (of an NFKD text) as compared: "" to drop it, " " for a separator."""
    if c.isascii():
        return c if c.isalnum() else " "
    if unicodedata.combining(c) or unicodedata.category(c) == "Cf":
        return ""  # an accent, or an invisible character
    ascii_ = anyascii(c)
    if not any(a.isalnum() for a in ascii_):
        return " " if ascii_ else c  # apostrophes, dashes, spaces of any kind
    if _latin(c):
        return "".join(a if a.isalnum() else " " for a in ascii_)
    return c


def fold(text: str | None) -> str:
    """Comparable form of a name: case-folded, no accents, Latin letters in ASCII,
    words separated by single spaces whatever separated them (spaces, dashes,
    apostrophes, dots), invisible characters dropped; "" for None.
    "  Ève-Marie  D’ÁVILA " -> "eve marie d avila"; "Søren Łukasz" -> "soren lukasz"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(map(_fold_char, decomposed)).casefold().split())


def same_person(given_names: str, family_names: str, sex: str, birth_date: date | None,
                registered: Any) -> bool:
    """True when all four match the identity stored on `registered` (a Dossier): names
    and sex compared by `fold`, the birth date exactly; an empty value never matches.
    Guide: Prénom, Nom, Sexe and Date de naissance, from the profile, must be identical
    to those of the existing dossier."""
    return (
        birth_date is not None
        and registered.birth_date == birth_date
        and fold(sex) == fold(registered.sex) != ""
        and fold(given_names) == fold(registered.given_names) != ""
        and fold(family_names) == fold(registered.family_names) != ""
    )
