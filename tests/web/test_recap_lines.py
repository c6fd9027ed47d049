"""A long answer's line breaks are kept where the applicant reads it back: the recap
page's markup (as rendered: tests/browser/test_long_values.py; the PDF:
tests/web/test_recap_pdf_layout.py)."""

from __future__ import annotations

import re

from tests.definitions import RENDEZ_VOUS


def test_recap_page__a_long_answer_keeps_its_lines(maria):
    number = maria.create_dossier()
    needs = "Fauteuil roulant\r\nInterprète en wolof\r\n\r\nMerci"
    answers = {**RENDEZ_VOUS, "mode": "sur_place", "besoins": needs}
    assert maria.fill(number, "rendez_vous", answers).status_code == 302
    recap = maria.get(f"/dossiers/{number}/recapitulatif").get_data(as_text=True)
    assert re.search(r"<dd>Fauteuil roulant\r?\nInterprète en wolof\r?\n\r?\nMerci</dd>", recap)
