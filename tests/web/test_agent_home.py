"""/agent/: the home page links every page of the back office (the agents' page only
for a supervisor), each link answering 200, with the granted types by title; no
"coming soon" list."""

from __future__ import annotations

import re

PAGES = ["/agent/dossiers", "/agent/dossiers/inscrire", "/agent/dossiers/importer",
         "/agent/exports", "/agent/recapitulatifs/verifier"]


def main_links(html: str) -> list[str]:
    main = html.split('<main', 1)[1]
    return re.findall(r'<a href="([^"]+)"', main)


def test_home__agent__links_every_page_each_opens(agent):
    html = agent.get("/agent/").get_data(as_text=True)
    assert main_links(html) == PAGES
    assert "Bientôt" not in html
    assert "<li>Dossier d&#39;essai (essai)</li>" in html  # the granted type, by title
    for url in PAGES:
        assert agent.get(url).status_code == 200, url


def test_home__supervisor__also_the_agents_page(supervisor):
    html = supervisor.get("/agent/").get_data(as_text=True)
    assert main_links(html) == [*PAGES, "/agent/agents"]
    assert supervisor.get("/agent/agents").status_code == 200


def test_home__in_english(agent):
    agent.post("/agent/langue", {"lang": "en", "next": "/agent/"})
    html = agent.get("/agent/").get_data(as_text=True)
    assert "What would you like to do?" in html and "<li>Test dossier (essai)</li>" in html
    assert "Check that a PDF summary or a fingerprint matches a submission." in html
