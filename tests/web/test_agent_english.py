"""The back office in English says "file" for a dossier, as the applicants' portal
does, and "summary" for the PDF recap, as the PDF's own title: never a mix of
"dossier"/"file" or "recap"/"summary" from page to page."""

from __future__ import annotations

import re

MIXED = re.compile(r"\b(dossiers?|recaps?)\b", re.I)


def _text(page) -> str:
    """The page's words a reader sees (no tags, no addresses), without the test type's
    own title ("Test dossier", from its definition, not from the catalogue)."""
    html = page.get_data(as_text=True).replace("Test dossier", "")
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_agent_pages_in_english_say_file_and_summary(maria, supervisor):
    number = maria.submitted_dossier()
    supervisor.get("/agent/")
    supervisor.post("/agent/langue", {"lang": "en"})
    pages = ["/agent/", "/agent/dossiers", "/agent/exports", "/agent/dossiers/inscrire",
             "/agent/dossiers/importer", "/agent/recapitulatifs/verifier", "/agent/agents"]
    for url in pages:
        page = supervisor.get(url)
        text = _text(page)
        assert page.status_code == 200 and 'lang="en"' in page.get_data(as_text=True), url
        assert not MIXED.search(text), (url, [text[max(0, m.start() - 60):m.end() + 20]
                                             for m in MIXED.finditer(text)])
    text = _text(supervisor.get(f"/agent/dossiers/{number}"))
    assert f"File {number}" in text and "File history" in text
    # the definition's own words (actions, messages) may say anything: the catalogue's
    # are checked, in the history's headings and the consultations
    own = text.split("File history")[1]
    assert "Openings" in own and not MIXED.search(own), MIXED.findall(own)
