"""The recap PDF as an applicant from any country reads it: every letter of a name in
any script is printed (no empty .notdef box), and every value, however long and
unbroken, wraps inside its own cell instead of running over the next column."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pdfplumber
import pypdf
import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from tests.definitions import RENDEZ_VOUS
from tests.web.test_documents import download_url
from web.background.worker import render_pending_documents

# A name in each script applicants write in (emoji: some people type one in a name).
NAMES = {
    "Latin with diacritics": "Nguyễn Thị Ánh Łukasz Żółć Øyvind Şükrü Ağaoğlu Ñúñez",
    "Cyrillic": "Людмила Щербакова",
    "Greek": "Γιώργος Παπαδόπουλος",
    "Arabic": "محمد عبد الله",
    "Hebrew": "יעל כהן",
    "Chinese": "王 小明",
    "Japanese": "山田 はなこ ハナコ",
    "Korean": "김민준",
    "Devanagari": "अनिल कुमार",
    "Ethiopic": "አበበ ቢቂላ",
    "emoji": "🌷",
}
INSTALL = "the fonts are installed by scripts/install (Debian packages): run it"

# Unbroken values wider than a cell: a long place name, languages typed without spaces.
LONG_CITY = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch" + "x" * 27
LONG_LIST = "Tigrinya,Amharic,Oromo,Somali,Swahili,Kinyarwanda,Kirundi,Lingala"


def _font_objects(resources: Any) -> Iterator[Any]:
    """Every font dictionary of a page's resources, form XObjects included."""
    resources = resources.get_object() if resources is not None else {}
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _font_objects(xobject.get("/Resources"))


def _embedded_program(font: Any) -> TTFont:
    """The font program embedded for `font` (simple or Type0), read by fontTools."""
    descendants = font.get("/DescendantFonts") or [font]
    descriptor = (descendants[0].get_object().get("/FontDescriptor") or {}).get_object()
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            return TTFont(io.BytesIO(descriptor[key].get_object().get_data()))
    raise AssertionError(f"font not embedded: {font.get('/BaseFont')}")


def _has_outline(program: TTFont, glyph: str) -> bool:
    glyphs = program.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[glyph].draw(pen)
    return pen.bounds is not None


def glyphs_of(pdf: bytes) -> tuple[set[str], set[str]]:
    """(the characters `pdf` prints with a real glyph, those it prints as a .notdef box).

    Each font's ToUnicode map tells which text each glyph id it draws shows (a shaped
    glyph shows its whole cluster); the embedded font program, read by fontTools, tells
    whether that glyph exists and has an outline (.notdef, glyph 0, an id past the font's
    last glyph: a box). Spaces count as printed."""
    printed: set[str] = set()
    boxes: set[str] = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in _font_objects(page.get("/Resources")):
            program = _embedded_program(font)
            order = program.getGlyphOrder()
            to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", to_unicode, re.S):
                for gid, utf16 in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                    shown = bytes.fromhex(utf16).decode("utf-16-be")
                    gid = int(gid, 16)
                    real = (0 < gid < len(order) and order[gid] != ".notdef"
                            and (shown.isspace() or _has_outline(program, order[gid])))
                    (printed if real else boxes).update(shown)
    return printed, boxes


def recap_of(applicant, registry, rendez_vous: dict[str, Any], **profile: str) -> bytes:
    """The recap PDF of `applicant`, registered with `profile` changes and submitted with
    `rendez_vous` answers, as downloaded from Mes documents."""
    assert applicant.register(**profile).status_code == 302
    applicant.submitted_dossier(rendez_vous)
    assert render_pending_documents(registry) == 1
    return applicant.get(download_url(applicant)).data


def test_recap_pdf__names_in_every_script__every_character_has_a_glyph(applicant, registry):
    pdf = recap_of(applicant, registry, RENDEZ_VOUS, family_names=" ".join(NAMES.values()),
                   given_names=NAMES["Chinese"])
    printed, boxes = glyphs_of(pdf)
    missing = {script: "".join(sorted({c for c in name if not c.isspace()} - printed))
               for script, name in NAMES.items()}
    missing = {script: chars for script, chars in missing.items() if chars}
    assert not missing, f"no glyph in the PDF's fonts for {missing}; {INSTALL}"
    assert not boxes, f".notdef boxes printed for {''.join(sorted(boxes))!r}; {INSTALL}"


def _runs(chars: list[dict[str, Any]], value: str) -> list[list[dict[str, Any]]]:
    """Every place `value` is printed: its characters in reading order, the spaces and
    line breaks WeasyPrint adds to wrap it left out."""
    shown = [c for c in chars if not c["text"].isspace()]
    text = "".join(c["text"] for c in shown)
    return [shown[m.start():m.start() + len(value)]
            for m in re.finditer(re.escape(value), text)]


def _cell(chars: list[dict[str, Any]], edges: list[dict[str, Any]], run: list[dict[str, Any]]
          ) -> tuple[float, float]:
    """The x-range (points) of the cell `run` is printed in: the rule under it, the
    nearest horizontal border below the run's first character that starts left of it."""
    first = run[0]
    below = [e for e in edges if e["orientation"] == "h" and e["top"] >= first["bottom"]
             and e["x0"] <= first["x0"] + 0.5 and e["x1"] > first["x0"]]
    assert below, f"no cell border under {first['text']!r} at {first['x0']:.0f}pt"
    rule = min(below, key=lambda e: (e["top"], first["x0"] - e["x0"]))
    return rule["x0"], rule["x1"]


@pytest.mark.parametrize("value", [LONG_CITY, LONG_LIST], ids=["85-letter city", "list"])
def test_recap_pdf__long_unbroken_value__wraps_inside_its_own_cell(applicant, registry, value):
    """In the profile's two columns (left, right: birth city, country) and a section's."""
    recap = recap_of(applicant, registry, {**RENDEZ_VOUS, "autre_langue": value},
                     birth_city=value, birth_country=value)
    with pdfplumber.open(io.BytesIO(recap)) as pdf:
        checked = 0
        for page in pdf.pages:
            runs = _runs(page.chars, value)
            for run in runs:
                x0, x1 = _cell(page.chars, page.edges, run)
                outside = [c["text"] for c in run if c["x1"] > x1 + 0.5 or c["x0"] < x0 - 0.5]
                assert not outside, (
                    f"{value[:20]}… runs out of its cell [{x0:.0f}, {x1:.0f}] pt:"
                    f" {''.join(outside)!r}")
                assert max(c["x1"] for c in run) <= page.width
                checked += 1
    assert checked == 3, f"{value!r} printed in {checked} cell(s), not 3"




def test_recap_pdf__a_long_answer_keeps_its_lines(applicant, registry):
    """A textarea's paragraphs print on their own lines, not run together."""
    needs = "Fauteuil roulant au rez-de-chaussée\r\nInterprète en wolof\r\n\r\nMerci"
    recap = recap_of(applicant, registry, {**RENDEZ_VOUS, "mode": "sur_place",
                                           "besoins": needs})
    with pdfplumber.open(io.BytesIO(recap)) as pdf:
        lines = [line.strip() for page in pdf.pages
                 for line in (page.extract_text() or "").splitlines()]
    # each typed line starts a printed line (the cell beside it may share the first)
    assert any(line.startswith("Fauteuil roulant au rez-de-chaussée") for line in lines)
    assert "Interprète en wolof" in lines and "Merci" in lines, lines
    assert not any("chaussée Interprète" in line or "wolof Merci" in line for line in lines)
