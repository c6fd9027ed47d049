"""Answers whose option no longer exists (removed or renamed in the YAML under a draft):
the recap marks them "to review", never shows the stored code, and validation asks
to choose again, at the question."""

from __future__ import annotations

import hashlib

import pytest

from engine import convert_text
from engine.recap import TO_REVIEW, build_recap
from engine.validate import SectionStatus, section_status, unknown_answers, validate

from .conftest import MINIMAL, compile_sections

SECTIONS = """
- id: rdv
  title: {fr: Rendez-vous, en: Appointment}
  fields:
    - id: mode
      type: radio
      label: {fr: Mode, en: Mode}
      options:
        - {value: par_telephone, label: {fr: Par téléphone, en: By phone}}
        - {value: sur_place, label: {fr: Sur place, en: In person}}
    - id: ville
      type: select
      required: false
      label: {fr: Ville, en: City}
      options:
        - {value: mtl, label: {fr: Montréal, en: Montreal}}
    - id: langues
      type: checkboxes
      required: false
      label: {fr: Langues, en: Languages}
      options: [{value: anglais, label: {fr: Anglais, en: English}},
                {value: espagnol, label: {fr: Espagnol, en: Spanish}}]
    - id: creneaux
      type: grid
      required: false
      label: {fr: Créneaux, en: Slots}
      rows: [{value: lundi, label: {fr: Lundi, en: Monday}}]
      columns: [{value: matin, label: {fr: Matin, en: Morning}}]
"""

# "telephone", "montreal", "italien", "mardi_matin": values an older version offered
STALE = {"mode": "telephone", "ville": "montreal",
         "langues": ["italien", "espagnol", "anglais"], "creneaux": ["mardi_matin", "matin_lundi"]}
CODES = ("telephone", "montreal", "italien", "mardi_matin")


@pytest.fixture(scope="module")
def compiled():
    return compile_sections(SECTIONS)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_recap__unknown_single_choice__to_review_text_flagged_never_the_code(compiled, lang):
    items = {i.field: i for i in build_recap(compiled, STALE, lang).section("rdv").items}
    for field in ("mode", "ville"):
        item = items[field]
        assert item.values == (TO_REVIEW.get(lang),) and item.value == TO_REVIEW.get(lang)
        assert item.to_review and item.review == (True,) and item.answered
    assert TO_REVIEW.get(lang) == {"fr": "Réponse à revoir", "en": "Answer to review"}[lang]
    assert not any(code in str(build_recap(compiled, STALE, lang)) for code in CODES)


@pytest.mark.parametrize("lang, known, grid", [
    ("fr", ("Anglais", "Espagnol"), ("Matin Lundi",)),
    ("en", ("English", "Spanish"), ("Morning Monday",)),
])
def test_recap__multi_choice_with_unknown_values__known_shown_unknown_marked(
        compiled, lang, known, grid):
    items = {i.field: i for i in build_recap(compiled, STALE, lang).section("rdv").items}
    langues = items["langues"]
    assert langues.values == (*known, TO_REVIEW.get(lang))
    assert langues.review == (False, False, True) and langues.to_review
    assert items["creneaux"].values == (*grid, TO_REVIEW.get(lang))
    assert items["creneaux"].review == (False, True)


def test_recap__known_answers__nothing_to_review(compiled):
    answers = {"mode": "sur_place", "ville": "mtl", "langues": ["anglais"],
               "creneaux": ["matin_lundi"]}
    items = build_recap(compiled, answers, "fr").section("rdv").items
    assert [i.to_review for i in items] == [False] * 4 and all(i.review == () for i in items)
    assert [i.value for i in items] == ["Sur place", "Montréal", "Anglais", "Matin Lundi"]


def test_recap__wrong_shapes_from_an_older_type__to_review_never_crash(compiled):
    answers = {"mode": ["telephone"], "ville": 5, "langues": "anglais", "creneaux": "matin_lundi"}
    items = build_recap(compiled, answers, "en").section("rdv").items
    assert [i.values for i in items] == [(TO_REVIEW.en,)] * 4


@pytest.mark.parametrize("lang, message", [
    ("fr", "Votre réponse précédente n'est plus proposée : choisissez de nouveau."),
    ("en", "Your previous answer is no longer offered: choose again."),
])
def test_validate__unknown_option__its_own_message_at_each_question(compiled, lang, message):
    errors = validate(compiled, STALE)
    assert [(e.field, e.kind) for e in errors] == [
        (f, "unknown_option") for f in ("mode", "ville", "langues", "creneaux")]
    assert {e.message.get(lang) for e in errors} == {message}
    assert [e.field for e in unknown_answers(compiled.sections["rdv"].section, STALE)] == [
        "mode", "ville", "langues", "creneaux"]
    # the section is not done while one answer is unknown, even an optional one
    assert section_status(compiled, "rdv", {"mode": "sur_place"}) is SectionStatus.VALID
    assert section_status(compiled, "rdv", {"mode": "sur_place", "langues": ["italien"]}
                          ) is SectionStatus.IN_PROGRESS


def test_convert__definition_text__sha256_of_the_text_kept_once():
    text = MINIMAL % "  - id: s\n    title: {fr: S, en: S}\n    fields:\n" \
        "      - {id: q, type: text, label: {fr: Q, en: Q}}\n"
    compiled = convert_text(text, "inline.yaml").compiled
    assert compiled.source_hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    other = convert_text(text.replace("version: 1", "version: 2"), "inline.yaml").compiled
    assert len(other.source_hash) == 64 and other.source_hash != compiled.source_hash
