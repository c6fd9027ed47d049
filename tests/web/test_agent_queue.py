"""The agents' queue page (/agent/dossiers): counts, filters, search and pages, only for
the types the agent is granted, as one GET form that works without JavaScript."""

from __future__ import annotations

import re
from datetime import date

import storage
from tests.definitions import ATELIER, ESSAI

QUEUE = "/agent/dossiers"


def register(registry, number, given="Maria", family="Valdero", status="brouillon",
             type_id=ESSAI):
    return storage.register_existing(registry, type_id, number, given, family, "F",
                                     date(1980, 1, 2), status=status)


def numbers(page) -> list[str]:
    return re.findall(r'href="/agent/dossiers/([A-Z0-9]+)"', page.get_data(as_text=True))


def test_queue__drafts_of_granted_type__counted_listed_and_linked(registry, agent):
    register(registry, "G2100000001", given="Ève-Marie", family="D’Ávila")
    register(registry, "A2021000001", type_id=ATELIER)  # a type the agent is not granted
    page = agent.get(QUEUE, query_string={"etat": "brouillon"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert numbers(page) == ["G2100000001"]
    assert "Ève-Marie D’Ávila" in html and "A2021000001" not in html
    assert re.search(r'<td data-label="Nombre">1</td>', html)  # the draft is counted
    assert 'href="/agent/dossiers?type=essai&amp;etat=brouillon"' in html


def test_queue__default__only_submitted_dossiers(registry, agent):
    register(registry, "G2100000001")
    page = agent.get(QUEUE)
    assert numbers(page) == []
    assert "Aucun dossier ne correspond à ces critères." in page.get_data(as_text=True)


def test_queue__search_by_name_without_accents_or_by_number(registry, agent):
    register(registry, "G2100000001", given="Ève-Marie", family="D’Ávila")
    register(registry, "G2200000002", given="Paul", family="Martin")
    for search, found in (("eve davila", []), ("eve d avi", ["G2100000001"]),
                          ("MARTIN", ["G2200000002"]), ("g22", ["G2200000002"])):
        page = agent.get(QUEUE, query_string={"etat": "brouillon", "q": search})
        assert numbers(page) == found, search


def test_queue__many_dossiers__next_page_link_keeps_the_filters(registry, agent):
    for n in range(storage.PAGE_SIZE + 1):
        register(registry, f"G21{n:08d}")
    first = agent.get(QUEUE, query_string={"etat": "brouillon"})
    assert len(numbers(first)) == storage.PAGE_SIZE
    link = re.search(r'href="([^"]+)" rel="next">Page suivante', first.get_data(as_text=True))
    href = link.group(1).replace("&amp;", "&")
    assert "etat=brouillon" in href
    second = agent.get(href)
    assert numbers(second) == [f"G21{storage.PAGE_SIZE:08d}"]
    assert "Page suivante" not in second.get_data(as_text=True)
    assert "Première page" in second.get_data(as_text=True)


def test_queue__filters_that_cannot_be_used__said_next_to_the_field_and_in_the_summary(
        registry, agent):
    register(registry, "G2100000001")
    page = agent.get(QUEUE, query_string={"etat": "brouillon", "echeance": "31/12/2030",
                                          "type": ATELIER})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert html.count("Saisissez la date au format AAAA-MM-JJ.") == 2  # summary + field
    assert html.count("Choisissez un type de dossier de la liste.") == 2
    assert numbers(page) == ["G2100000001"]  # listed without those filters
    assert "<title>Erreur :" in html


def test_queue__deadline_and_unassigned_filters(registry, agent):
    register(registry, "G2100000001")
    deadline = storage.agent_queue([ESSAI], state="brouillon").rows[0].deadline
    before = agent.get(QUEUE, query_string={"etat": "brouillon",
                                            "echeance": deadline.isoformat()})
    assert numbers(before) == ["G2100000001"]
    earlier = agent.get(QUEUE, query_string={"etat": "brouillon",
                                             "echeance": date(2000, 1, 1).isoformat()})
    assert numbers(earlier) == []
    nobody = agent.get(QUEUE, query_string={"etat": "brouillon", "attribution": "personne"})
    assert numbers(nobody) == ["G2100000001"]
    mine = agent.get(QUEUE, query_string={"etat": "brouillon", "attribution": "moi"})
    assert numbers(mine) == []


def test_queue__in_english(registry, agent):
    register(registry, "G2100000001")
    agent.post("/agent/langue", {"lang": "en", "next": QUEUE})
    page = agent.get(QUEUE, query_string={"etat": "brouillon"})
    html = page.get_data(as_text=True)
    assert "Files to process" in html and "Show files" in html
    assert "File number or name" in html


def test_queue__wildcards_and_quotes_find_nothing(registry, agent):
    register(registry, "G2100000001")
    for search in ("%", "_", "'", "%25"):
        page = agent.get(QUEUE, query_string={"etat": "brouillon", "q": search})
        assert page.status_code == 200 and numbers(page) == [], search


def test_queue__number_typed_without_its_prefix_letter__found(registry, agent):
    register(registry, "G2619014023")
    register(registry, "G2600000001")
    page = agent.get(QUEUE, query_string={"etat": "brouillon", "q": "2619014023"})
    assert numbers(page) == ["G2619014023"]


def test_queue__over_long_search__said_next_to_the_field_not_a_server_page(registry, agent):
    register(registry, "G2100000001")
    page = agent.get(QUEUE, query_string={"etat": "brouillon", "q": "a" * 5000})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert 'href="#f-q"' in html  # in the error summary, linked to the field
    assert "Saisissez au plus 100 caractères" in html and 'maxlength="100"' in html
    assert f'name="q" value="{"a" * 100}"' in html  # the box keeps what it can hold
