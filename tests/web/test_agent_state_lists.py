"""The state lists of the queue and export pages, for an agent of several types: each
type's states under the type's title (<optgroup>), never a bare list where two types'
"Inscription en cours" look alike, never a type's raw id."""

from __future__ import annotations

import re

from tests.definitions import ATELIER, ESSAI
from tests.web.agents import enrolled_agent


def _groups(html: str, name: str) -> dict[str, list[str]]:
    """The <optgroup>s of the select `name`: title -> option labels."""
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {title: re.findall(r"<option[^>]*>([^<]+)</option>", body)
            for title, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>',
                                          select, re.S)}


def test_queue_and_export_states_grouped_by_type_title(app):
    agent = enrolled_agent(app, "deux@example.gc.ca", "Deux Types", "agent", (ESSAI, ATELIER))
    for url, name in (("/agent/dossiers", "etat"), ("/agent/exports", "state")):
        html = agent.get(url).get_data(as_text=True)
        groups = _groups(html, name)
        assert len(groups) == 2, url
        assert ESSAI not in groups and ATELIER not in groups  # titles, not ids
        for labels in groups.values():
            assert labels and len(labels) == len(set(labels)), url
        assert set(groups) == {"Dossier d&#39;essai", "Inscription à un atelier"}, url
        assert "Transmis" in groups["Dossier d&#39;essai"]
        assert "Inscription reçue" in groups["Inscription à un atelier"]


def test_chosen_state_selected_once_and_one_type_needs_no_groups(app):
    agent = enrolled_agent(app, "deux@example.gc.ca", "Deux Types", "agent", (ESSAI, ATELIER))
    html = agent.get("/agent/dossiers", query_string={"etat": "brouillon"}).get_data(
        as_text=True)
    assert html.count('value="brouillon" selected') == 1
    html = agent.get("/agent/dossiers", query_string={"type": ESSAI}).get_data(as_text=True)
    assert "<optgroup" not in html
