"""What was typed for questions an update hid comes back when they show again, before any
save (web/forms/hidden_answers.py): a misclick on "Oui" then "Non" never blanks them.
A save still stores only what the page shows (hidden answers are not kept)."""

from __future__ import annotations

import html as html_module
import json
import re

import pytest

import storage

URL = "/dossiers/{}/sections/rendez_vous"
TYPED = {"ville": "laval", "mode": "en_ligne", "francais": "false",
         "langues": ["espagnol", "autre"], "autre_langue": "粤语 Cantonese 🀄"}


def _carried(html: str) -> str | None:
    found = re.search(r'<input type="hidden" name="guichet_masquees" value="([^"]*)">', html)
    return html_module.unescape(found.group(1)) if found else None


def _checked(html: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]+)"[^>]*checked', html)


@pytest.mark.parametrize("htmx", [True, False])
def test_hidden_then_shown_again__typed_answers_are_back(maria, htmx):
    number = maria.create_dossier()
    hidden = maria.refresh(number, "rendez_vous", {**TYPED, "francais": "true"}, htmx=htmx)
    page = hidden.get_data(as_text=True)
    assert hidden.status_code == 200
    assert 'name="langues"' not in page and 'name="autre_langue"' not in page
    carried = _carried(page)
    assert carried is not None
    assert json.loads(carried) == {"langues": ["espagnol", "autre"],
                                   "autre_langue": ["粤语 Cantonese 🀄"]}
    # "Non" again: the page posts no question it hid, only what it carried
    shown = maria.refresh(number, "rendez_vous", {"ville": "laval", "mode": "en_ligne",
                                                  "francais": "false",
                                                  "guichet_masquees": carried}, htmx=htmx)
    page = shown.get_data(as_text=True)
    assert _checked(page, "langues") == ["espagnol", "autre"]
    assert 'value="粤语 Cantonese 🀄"' in page
    assert _carried(page) is None  # nothing hidden any more


def test_a_shown_question_left_empty_is_not_filled_from_what_was_carried(maria):
    """Only the names the form lacks are read from the carried answers: a question shown
    again, then emptied by the applicant, stays empty."""
    number = maria.create_dossier()
    page = maria.refresh(number, "rendez_vous", {**TYPED, "francais": "true"}).get_data(
        as_text=True)
    carried = _carried(page)
    back = maria.refresh(number, "rendez_vous", {"ville": "laval", "francais": "false",
                                                 "langues": ["anglais"], "autre_langue": "",
                                                 "guichet_masquees": carried})
    page = back.get_data(as_text=True)
    assert _checked(page, "langues") == ["anglais"]
    assert 'name="autre_langue"' not in page  # "autre" unticked: hidden, its answer empty
    assert _carried(page) is None


def test_save_while_hidden__the_hidden_answers_are_not_stored(maria):
    number = maria.create_dossier()
    page = maria.refresh(number, "rendez_vous", {**TYPED, "francais": "true"}).get_data(
        as_text=True)
    saved = maria.fill(number, "rendez_vous", {"ville": "laval", "mode": "en_ligne",
                                               "francais": "true",
                                               "guichet_masquees": _carried(page)})
    assert saved.status_code == 302
    answers = storage.get_dossier(storage.dossier_owner(number), number).answers
    assert answers["francais"] is True
    assert "langues" not in answers and "autre_langue" not in answers
    assert storage.archived_answers(number) == []  # never stored, so nothing archived
    assert _carried(maria.get(URL.format(number)).get_data(as_text=True)) is None


@pytest.mark.parametrize("carried", ["not json", "[1, 2]", '{"langues": "autre"}', "[" * 50_000,
                                     '{"langues": [1, {"a": 2}], "ville": ["quebec"]}'])
def test_carried_answers_the_browser_mangled__ignored(maria, carried):
    number = maria.create_dossier()
    response = maria.refresh(number, "rendez_vous", {"ville": "laval", "francais": "false",
                                                     "guichet_masquees": carried})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _checked(page, "langues") == []
    assert re.search(r'<option value="laval"\s+selected', page)  # the form's own answer wins


GROUP = {"liste_enfants-items": "2", "liste_enfants-0-prenom": "Lina",
         "liste_enfants-0-ne_au_canada": "true", "liste_enfants-0-province": "on",
         "liste_enfants-1-prenom": "Adam", "liste_enfants-1-ne_au_canada": "false"}


def _group_refresh(maria, number, data):
    url = maria.section_url(number, "enfants") + "/actualiser"
    return maria.post(url, {**data, "version": maria.version(number, "enfants")},
                      headers={"HX-Request": "true"}).get_data(as_text=True)


def test_inside_a_repeating_group__a_hidden_question_comes_back_in_its_own_item(maria):
    number = maria.create_dossier("famille")
    # "Né au Canada ?" Non on child 1: its province is hidden, carried
    page = _group_refresh(maria, number, {**GROUP, "liste_enfants-0-ne_au_canada": "false"})
    assert 'name="liste_enfants-0-province"' not in page
    assert json.loads(_carried(page)) == {"liste_enfants-0-province": ["on"]}
    # Oui again: Ontario is back on child 1, child 2 untouched
    back = _group_refresh(maria, number, {**GROUP, "liste_enfants-0-province": None,
                                          "guichet_masquees": _carried(page)})
    assert re.search(r'<option value="on"\s+selected', back)
    assert 'name="liste_enfants-1-province"' not in back and _carried(back) is None


def test_inside_a_repeating_group__an_item_removed__nothing_carried_to_another_item(maria):
    number = maria.create_dossier("famille")
    page = _group_refresh(maria, number, {**GROUP, "liste_enfants-0-ne_au_canada": "false"})
    removed = _group_refresh(maria, number, {
        **GROUP, "liste_enfants-0-ne_au_canada": "false", "liste_enfants-0-province": None,
        "guichet_masquees": _carried(page), "item_action": "remove:liste_enfants:0"})
    assert 'value="Adam"' in removed and 'value="Lina"' not in removed
    assert _carried(removed) is None  # Lina's province never lands on Adam


def test_inside_a_repeating_group__an_item_after_removed__the_earlier_items_keep_theirs(maria):
    number = maria.create_dossier("famille")
    three = {**GROUP, "liste_enfants-items": "3", "liste_enfants-2-prenom": "Noor",
             "liste_enfants-2-ne_au_canada": "false"}
    page = _group_refresh(maria, number, {**three, "liste_enfants-0-ne_au_canada": "false"})
    removed = _group_refresh(maria, number, {
        **three, "liste_enfants-0-ne_au_canada": "false", "liste_enfants-0-province": None,
        "guichet_masquees": _carried(page), "item_action": "remove:liste_enfants:2"})
    assert json.loads(_carried(removed)) == {"liste_enfants-0-province": ["on"]}
