"""The rules that make typed text storable, before any check: safe characters,
composed accents, full-width ASCII made ASCII, one kind of line break, and the
designer's `normalize` steps.

They live apart from validation because every field type's normalising uses them
(engine.fieldtypes) and validation uses the field types: one module each way, no cycle.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from .model import Field

# Characters that take no room on screen and that people paste or type without
# seeing them: soft hyphen, Mongolian vowel separator, zero-width space, non-joiner
# and joiner, direction marks and embeddings, word joiner and invisible operators,
# byte order mark, the Hangul fillers and the blank Braille pattern. With every
# Unicode space (no-break, narrow no-break, thin, ideographic...) they are trimmed
# from an answer's ends, and an answer made only of them is no answer.
_INVISIBLE = ("\u00ad\u115f\u1160\u180e\u200b\u200c\u200d\u200e\u200f"
              "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064"
              "\u2066\u2067\u2068\u2069\u2800\u3164\ufeff\uffa0")
# every character str.isspace() accepts (all below U+3001), then the invisible ones
BLANK = "".join(chr(i) for i in range(0x3001) if chr(i).isspace()) + _INVISIBLE
# minus signs that are not in the dash category (Pd): minus, hyphen bullet,
# modifier letter minus, superscript and subscript minus, heavy minus
_MINUS = "\u2212\u2043\u02d7\u207b\u208b\u2796"
_SPACES = re.compile(r"\s+")
_ASCII_SPACES_HYPHENS = re.compile(r"[\s\-]+")
_LINE_BREAKS = re.compile(r"\r\n?")
# Full-width forms of ASCII (U+FF01-U+FF5E: "ＡＢ１２", typed with an East Asian input
# method left in full-width mode) and the ideographic space: their ASCII characters.
_FULL_WIDTH = {0xFF01 + i: 0x21 + i for i in range(0x5E)} | {0x3000: 0x20}


def _strip(text: str) -> str:
    return text.strip(BLANK)


def _collapse_spaces(text: str) -> str:
    return _SPACES.sub(" ", text).strip(BLANK)


def _is_separator(c: str) -> bool:
    return c in BLANK or c in _MINUS or unicodedata.category(c) in ("Pd", "Cf")


def _remove_spaces_hyphens(text: str) -> str:
    if text.isascii():
        return _ASCII_SPACES_HYPHENS.sub("", text)
    return "".join(c for c in text if not _is_separator(c))


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


# the names a field's `normalize` may list (the meta-schema's enum), each str -> str:
# strip: spaces and invisible characters off both ends; collapse_spaces: every run of
# spaces becomes one space, then strip; remove_spaces_hyphens: every space, invisible
# character, dash (Unicode Pd: hyphen, en dash, em dash...) and minus sign removed
# ("1234–5678" -> "12345678"); digits: decimal digits of any script made ASCII
# (full-width "１２", Arabic-Indic "١٢", Devanagari "१२" -> "12"); upper, lower: case.
NORMALIZERS = {
    "strip": _strip,
    "collapse_spaces": _collapse_spaces,
    "remove_spaces_hyphens": _remove_spaces_hyphens,
    "digits": _ascii_digits,
    "upper": str.upper,
    "lower": str.lower,
}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_text(value: str) -> str:
    """Text that can be stored, validated and printed: no lone surrogates, no control codes."""
    if not value.isprintable():
        value = value.encode("utf-8", "replace").decode("utf-8")
        value = _CONTROL.sub("", value)
    return value


def typed_text(value: str) -> str:
    """Text as the person meant it, before any check: `safe_text`, composed (NFC: an
    "é" typed as "e" + combining accent is one character, for patterns and lengths
    alike), full-width ASCII made ASCII ("ＡＢ１２" is "AB12"), and with every line
    break one LF (a textarea posts CR LF, which would count twice against
    max_length)."""
    value = safe_text(value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value).translate(_FULL_WIDTH)
    if "\r" in value:
        value = _LINE_BREAKS.sub("\n", value)
    return value


def message_text(value: str) -> str:
    """A message or a reply as written (a long text in any script): `safe_text`, with
    spaces and invisible characters trimmed from both ends ("" when nothing else: such a
    message is empty). Unlike `clean_text`, full-width characters stay as typed ("！"
    in a Chinese sentence is not "!")."""
    return safe_text(value).strip(BLANK)


def clean_text(value: str) -> str:
    """A one-line answer outside a definition (a profile field, a registered name):
    `typed_text`, with spaces and invisible characters (zero-width space...) trimmed
    from both ends ("" when nothing else: such a text is empty)."""
    return typed_text(value).strip(BLANK)


def made_safe(value: Any) -> Any:
    """Any JSON value with every string inside made safe and composed (`typed_text`);
    wrong shapes are kept, and refused."""
    if isinstance(value, str):
        return typed_text(value)
    if isinstance(value, list):
        return [made_safe(v) for v in value]
    if isinstance(value, dict):
        return {safe_text(str(k)): made_safe(v) for k, v in value.items()}
    return value


def normalize_text(f: Field, value: Any) -> Any:
    """A string answer with `f.normalize` applied (default: strip); a string left with
    nothing but spaces or invisible characters is "" (no answer, so a required question
    says so); a list of strings loses its repeats, in order; other values unchanged."""
    if isinstance(value, str):
        for name in f.normalize or ("strip",):
            value = NORMALIZERS[name](value)
        if not value.strip(BLANK):
            value = ""
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = list(dict.fromkeys(value))  # a box ticked twice is one tick
    return value
