"""A long answer's line breaks are kept where the applicant reads it back: the recap
page (the PDF: tests/web/test_recap_pdf_layout.py)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.definitions import RENDEZ_VOUS

CSS = Path(__file__).parents[2] / "web" / "static" / "css" / "guichet.css"


def test_recap_page__a_long_answer_keeps_its_lines(maria):
    number = maria.create_dossier()
    needs = "Fauteuil roulant\r\nInterprète en wolof\r\n\r\nMerci"
    answers = {**RENDEZ_VOUS, "mode": "sur_place", "besoins": needs}
    assert maria.fill(number, "rendez_vous", answers).status_code == 302
    recap = maria.get(f"/dossiers/{number}/recapitulatif").get_data(as_text=True)
    assert re.search(r"<dd>Fauteuil roulant\r?\nInterprète en wolof\r?\n\r?\nMerci</dd>", recap)
    # shown as typed: the recap's answers keep their line breaks, a group's items do not
    # take the template's own
    css = CSS.read_text()
    assert ".recap-section .answers dd { white-space: pre-line; }" in css
    assert ".recap-section .answers dd.recap-groups { white-space: normal; }" in css
