"""Answers as people actually type them: composed or decomposed accents, dashes and
invisible spaces pasted from elsewhere, digits of another script, a textarea's CR LF,
an answer of spaces only. The engine judges what the person meant, before any
pattern, length or required check, and keeps that."""

from __future__ import annotations

import unicodedata

import pytest

from engine import clean, validate
from engine.typed_text import clean_text

from .conftest import compile_sections

SECTIONS = """\
- id: s
  title: {fr: S, en: S}
  fields:
    - id: nom
      type: text
      label: {fr: Nom, en: Name}
      pattern: "^[A-Za-zÀ-ÖØ-öø-ÿ' -]+$"
      max_length: 6
    - id: numero
      type: text
      required: false
      label: {fr: Numéro, en: Number}
      normalize: [strip, remove_spaces_hyphens, digits]
      pattern: "^[0-9]{8}$"
    - id: code
      type: text
      required: false
      label: {fr: Code, en: Code}
      normalize: [remove_spaces_hyphens, upper]
      pattern: "^[A-Z0-9]{6}$"
    - id: notes
      type: textarea
      required: false
      label: {fr: Notes, en: Notes}
      max_length: 500
    - id: ville
      type: text
      required: false
      label: {fr: Ville, en: City}
      normalize: [collapse_spaces]
"""

COMPILED = compile_sections(SECTIONS)


def kinds(answers: dict) -> dict[str, str]:
    """Field id -> the kind of mistake, for answers with a valid `nom` unless given."""
    return {e.field: e.kind for e in validate(COMPILED, {"nom": "Zoé", **answers})}


def kept(answers: dict) -> dict:
    return clean(COMPILED, {"nom": "Zoé", **answers})


DECOMPOSED = unicodedata.normalize("NFD", "Hélène")


def test_decomposed_accents__pass_the_pattern_count_once_and_are_kept_composed():
    assert len(DECOMPOSED) == 8  # as a Mac keyboard or a copied PDF may send it
    assert kinds({"nom": DECOMPOSED}) == {}
    assert kept({"nom": DECOMPOSED})["nom"] == "Hélène" == unicodedata.normalize("NFC", "Hélène")


@pytest.mark.parametrize("typed", [
    "1234–5678",             # en dash
    "1234—5678",             # em dash
    "1234‐5678",             # Unicode hyphen
    "1234‑5678",             # non-breaking hyphen
    "1234−5678",             # minus sign
    "1234－5678",            # full-width hyphen-minus
    "1234\u00a05678",        # no-break space
    "1234\u202f5678",        # narrow no-break space
    "1234\u20095678",        # thin space
    "1234\u200b5678",        # zero-width space
    "\ufeff12345678\u200d",  # byte order mark, zero-width joiner
    "12 34 - 56 78",
])
def test_remove_spaces_hyphens__any_dash_or_invisible_space__removed(typed):
    assert kinds({"numero": typed}) == {}
    assert kept({"numero": typed})["numero"] == "12345678"


@pytest.mark.parametrize("typed", [
    "１２３４５６７８",    # full-width
    "١٢٣٤٥٦٧٨",           # Arabic-Indic
    "۱۲۳۴۵۶۷۸",           # extended Arabic-Indic (Persian, Urdu)
    "१२३४५६७८",           # Devanagari
    "১২৩৪ ৫৬৭৮",           # Bengali, with a space
    "１２３４－５６７８",  # full-width, full-width dash
])
def test_digits__digits_of_another_script__ascii(typed):
    assert kinds({"numero": typed}) == {}
    assert kept({"numero": typed})["numero"] == "12345678"


@pytest.mark.parametrize("typed", ["1234567", "12345678a", "1234/5678", "¹²³⁴⁵⁶⁷⁸"])
def test_digits__not_eight_digits__still_refused(typed):
    assert kinds({"numero": typed}) == {"numero": "pattern"}


def test_code__invisible_and_dashes_removed_then_upper():
    assert kept({"code": "\u200bab-12\u00adcd "})["code"] == "AB12CD"


@pytest.mark.parametrize("typed", ["ａｂ１２ｃｄ", "ＡＢ－１２　ＣＤ", "ab12cd"])
def test_full_width__letters_digits_and_signs__ascii(typed):
    """An East Asian keyboard left in full-width mode: the code is what was meant."""
    assert kinds({"code": typed}) == {}
    assert kept({"code": typed})["code"] == "AB12CD"


def test_full_width__in_a_name__ascii_and_other_scripts_kept():
    assert kept({"ville": "Ｍｏｎｔｒéａｌ　王"})["ville"] == "Montréal 王"
    assert clean_text("　Ｌｉ　") == "Li"


def test_line_breaks__crlf_and_cr__one_character_each():
    lines = ["x" * 49] * 10  # ten lines, 490 letters + 9 breaks + 1 = 500 with LF
    crlf = "\r\n".join(lines) + "\r\n"
    assert len(crlf) == 510
    assert kinds({"notes": crlf}) == {}
    assert kept({"notes": "a\r\nb\rc\nd"})["notes"] == "a\nb\nc\nd"


def test_line_breaks__really_too_long__still_refused():
    assert kinds({"notes": "\r\n".join(["x" * 50] * 10)}) == {"notes": "max_length"}


@pytest.mark.parametrize("typed", [
    "   ", "\u00a0\u00a0", "\u200b", "\ufeff \u200b\u2060", "\u3000", "\t\r\n", "\u202f\u2009",
])
@pytest.mark.parametrize("field", ["nom", "numero", "code", "notes", "ville"])
def test_only_spaces_or_invisible__no_answer(field, typed):
    assert field not in kept({field: typed})
    assert kinds({"nom": typed} if field == "nom" else {field: typed}).get("nom") == (
        "required" if field == "nom" else None)


def test_strip_and_collapse__invisible_at_the_ends_removed_inside_kept():
    assert kept({"nom": "\u200b\u00a0Zoé\ufeff "})["nom"] == "Zoé"
    assert kept({"ville": "\u00a0Trois\u00a0 -  Rivières\u200b"})["ville"] == "Trois - Rivières"


def test_clean_text__profile_values_composed_and_trimmed():
    assert clean_text(f"\u200b {DECOMPOSED}\u00a0") == "Hélène"
    assert clean_text("\ufeff\u200b ") == ""
