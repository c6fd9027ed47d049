"""Repeating groups in the portal (tests/definitions/famille.yaml): items drawn as
fieldsets, "Ajouter"/"Retirer" without JavaScript (they save the draft, nothing typed is
lost) and with htmx, errors next to the right item's input and in the summary, the recap
listing each item under its label, hidden nested answers archived."""

from __future__ import annotations

import io
import re
from dataclasses import asdict

import pdfplumber

import storage
from engine.recap import build_recap
from tests.definitions import registry
from web.background.pdf import recap_html, render_pdf

FAMILLE = "famille"
CHILD = {"liste_enfants-items": "1", "liste_enfants-0-prenom": "Lina",
         "liste_enfants-0-date_naissance": "2019-04-03", "liste_enfants-0-ne_au_canada": "false"}


def _stored(number):
    return storage.get_dossier(storage.dossier_owner(number), number).answers


def _post(maria, number, data, htmx=False, action="save"):
    url = maria.section_url(number, "enfants") + ("/actualiser" if action == "refresh" else "")
    version = maria.version(number, "enfants")
    headers = {"HX-Request": "true"} if htmx else {}
    return maria.post(url, {**data, "version": version}, headers=headers)


def test_group__first_item_drawn_as_a_fieldset(maria):
    number = maria.create_dossier(FAMILLE)
    page = maria.get(maria.section_url(number, "enfants")).get_data(as_text=True)
    assert '<legend class="group-item__legend">Enfant 1</legend>' in page
    assert 'name="liste_enfants-0-prenom"' in page and 'id="f-liste_enfants-0-prenom"' in page
    assert "Enfant 2" not in page
    assert 'value="add:liste_enfants"' in page and ">Ajouter un enfant<" in page
    assert 'value="remove:liste_enfants:0"' not in page  # min 1: the only item stays


def test_add_without_javascript_saves_what_was_typed_and_shows_one_more(maria):
    number = maria.create_dossier(FAMILLE)
    typed = {**CHILD, "liste_enfants-0-date_naissance": "pas une date",
             "item_action": "add:liste_enfants"}
    response = _post(maria, number, typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="pas une date"' in page  # invalid, still there
    assert '<legend class="group-item__legend">Enfant 2</legend>' in page
    assert re.search(r'id="f-liste_enfants-1"[^>]*autofocus', page)
    stored = _stored(number)
    assert stored["liste_enfants"][0]["prenom"] == "Lina"
    assert stored["liste_enfants"][0]["date_naissance"] == "pas une date"


def test_remove_without_javascript_keeps_the_other_items(maria):
    number = maria.create_dossier(FAMILLE)
    two = {**CHILD, "liste_enfants-items": "2", "liste_enfants-1-prenom": "Adam",
           "liste_enfants-1-ne_au_canada": "true", "liste_enfants-1-province": "qc"}
    response = _post(maria, number, {**two, "item_action": "remove:liste_enfants:0"})
    page = response.get_data(as_text=True)
    assert 'value="Adam"' in page and 'value="Lina"' not in page
    assert "Enfant 2" not in page
    stored = _stored(number)
    assert stored["liste_enfants"] == [{"prenom": "Adam", "ne_au_canada": True,
                                        "province": "qc"}]


def test_add_with_htmx_updates_the_fragment_without_saving(maria):
    number = maria.create_dossier(FAMILLE)
    response = _post(maria, number, {**CHILD, "item_action": "add:liste_enfants"},
                     htmx=True, action="refresh")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert 'value="Lina"' in page and "Enfant 2" in page
    assert 'hx-post="/dossiers/' in page


def test_cannot_add_beyond_max(maria):
    number = maria.create_dossier(FAMILLE)
    three = {"liste_enfants-items": "3", **{f"liste_enfants-{i}-prenom": f"E{i}"
                                           for i in range(3)}}
    response = _post(maria, number, {**three, "item_action": "add:liste_enfants"})
    assert response.status_code == 302  # refused: an ordinary save
    page = maria.get(maria.section_url(number, "enfants")).get_data(as_text=True)
    assert "Enfant 3" in page and "Enfant 4" not in page
    assert 'value="add:liste_enfants"' not in page and "nombre maximal" in page


def test_errors_link_to_the_input_of_the_right_item(maria):
    number = maria.create_dossier(FAMILLE)
    data = {**CHILD, "liste_enfants-items": "2", "liste_enfants-1-prenom": "Adam",
            "liste_enfants-1-ne_au_canada": "true"}
    response = _post(maria, number, data)
    page = maria.get(response.location).get_data(as_text=True)
    assert '<a href="#f-liste_enfants-1-date_naissance">Enfant 2 : Ce champ est obligatoire.</a>' \
        in page
    assert '<a href="#f-liste_enfants-1-province">' in page
    assert 'id="f-liste_enfants-1-date_naissance-error"' in page
    assert 'id="f-liste_enfants-0-date_naissance-error"' not in page


def test_recap_lists_each_item_under_its_label(maria):
    number = maria.create_dossier(FAMILLE)
    data = {**CHILD, "liste_enfants-items": "2", "liste_enfants-1-prenom": "Adam",
            "liste_enfants-1-date_naissance": "2024-01-02",
            "liste_enfants-1-ne_au_canada": "true", "liste_enfants-1-province": "qc"}
    assert _post(maria, number, data).status_code == 302
    recap = maria.get(f"/dossiers/{number}/recapitulatif").get_data(as_text=True)
    first = recap.index("<strong>Enfant 1</strong>")
    second = recap.index("<strong>Enfant 2</strong>")
    assert first < recap.index("Lina") < second < recap.index("Adam") < recap.index("<dd>Québec")


def test_hidden_nested_answer_is_archived(maria):
    number = maria.create_dossier(FAMILLE)
    data = {**CHILD, "liste_enfants-0-ne_au_canada": "true", "liste_enfants-0-province": "on"}
    assert _post(maria, number, data).status_code == 302
    assert _post(maria, number, CHILD).status_code == 302  # né ailleurs: province hidden
    stored = _stored(number)
    assert "province" not in stored["liste_enfants"][0]
    archived = storage.archived_answers(number)
    assert [(a.field_id, a.value, a.why) for a in archived] == [
        ("liste_enfants.0.province", "on", "hidden")]


def test_posted_items_are_read_up_to_max_and_an_oversized_nested_answer_is_refused(maria):
    number = maria.create_dossier(FAMILLE)
    many = {"liste_enfants-items": "1000000",
            **{f"liste_enfants-{i}-prenom": f"E{i}" for i in range(20)}}
    assert _post(maria, number, many).status_code == 302
    assert [i["prenom"] for i in _stored(number)["liste_enfants"]] == ["E0", "E1", "E2"]
    huge = {**CHILD, "liste_enfants-0-prenom": "x" * 5000}
    assert _post(maria, number, huge).status_code == 422
    assert _stored(number)["liste_enfants"][0]["prenom"] == "E0"


def test_pdf__each_item_under_its_label():
    compiled = registry().get(FAMILLE)
    d = compiled.definition
    answers = {"nom_parent": "Maria", "garde_partagee": False,
               "liste_enfants": [{"prenom": "Lina"}, {"prenom": "Adam"}]}
    recap = build_recap(compiled, answers, "en")
    html = recap_html(d, d.documents["recapitulatif"],
                      {"number": "FA26000001", "recap": {"en": asdict(recap)}}, "en")
    first, second = html.index("<strong>Child 1</strong>"), html.index("<strong>Child 2</strong>")
    assert first < html.index("<dd>Lina</dd>") < second < html.index("<dd>Adam</dd>")


def test_pdf__a_group_spans_the_page__its_questions_in_half_page_cells():
    """Found by a designer's trial: a group's item sat in one half-page cell and its
    questions in halves of that, a quarter of the page each. The group's cell now spans
    the page: a nested question's cell is as wide as any other question's."""
    compiled = registry().get(FAMILLE)
    d = compiled.definition
    answers = {"nom_parent": "Maria", "garde_partagee": False,
               "liste_enfants": [{"prenom": "Lina"}, {"prenom": "Adam"}]}
    html = recap_html(d, d.documents["recapitulatif"], {
        "number": "FA26000001", "recap": {"en": asdict(build_recap(compiled, answers, "en"))}},
        "en")
    with pdfplumber.open(io.BytesIO(render_pdf(html))) as pdf:
        page = pdf.pages[0]
        words = {w["text"]: w for w in page.extract_words()}
        rules = [e for e in page.edges if e["orientation"] == "h"]

        def cell_width(word: str) -> float:
            w = words[word]
            below = [e for e in rules if e["top"] >= w["bottom"] and e["x0"] <= w["x0"] + 0.5
                     and e["x1"] > w["x0"]]
            rule = min(below, key=lambda e: (e["top"], w["x0"] - e["x0"]))
            return rule["x1"] - rule["x0"]

        assert cell_width("Maria") > 0.35 * page.width  # about half the text's width
        assert cell_width("Lina") > 0.9 * cell_width("Maria")
