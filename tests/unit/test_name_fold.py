"""How two spellings of one name compare when an applicant links a registered dossier:
harmless variants (apostrophes, dashes, letters without their stroke) are equal, other
names still differ."""

from __future__ import annotations

import pytest

from storage.dossiers.identity import fold

SAME = [
    ("O'Connor", "O’Connor"),   # straight / right single quotation mark
    ("O'Connor", "O‘Connor"),   # left single quotation mark
    ("O'Connor", "Oʼ Connor"),  # modifier letter apostrophe, and a space
    ("O'Connor", "O´Connor"),   # acute accent typed as an apostrophe
    ("O'Connor", "O`Connor"),   # grave accent
    ("O'Connor", "O′Connor"),   # prime
    ("O'Connor", "O Connor"),
    ("D'Ávila", "d’avila"),
    ("Jean-François", "Jean François"),
    ("Jean-François", "jean–francois"),  # en dash
    ("Jean-François", "JEAN—FRANÇOIS"),  # em dash
    ("Jean-François", "Jean‐François"),  # Unicode hyphen U+2010
    ("Jean-François", "Jean\u00a0François"),  # no-break space
    ("Jean-François", " Jean  -  François "),
    ("Søren", "Soren"),
    ("ØRSTED", "orsted"),
    ("Łukasz", "Lukasz"),
    ("Wałęsa", "walesa"),
    ("Đorđe", "Dorde"),
    ("Straße", "STRASSE"),
    ("Æsa", "aesa"),
    ("Œuvray", "oeuvray"),
    ("Yıldız", "Yildiz"),
    ("İlker", "ilker"),
    ("Þórunn", "thorunn"),
    ("Günter José", "  gunter  JOSE "),
    ("Nur\u200blan", "Nurlan"),  # zero-width space pasted inside
    ("\ufeffAmina", "Amina"),    # byte order mark
    ("ＪＯＨＮ", "john"),         # full-width letters
    ("Ἀλέξανδρος", "ΑΛΕΞΑΝΔΡΟΣ"),  # Greek: accents and case
    ("Ёлкин", "елкин"),
]


@pytest.mark.parametrize("registered, typed", SAME)
def test_fold__harmless_spelling_variant__equal(registered, typed):
    assert fold(registered) == fold(typed) != ""


DIFFERENT = [
    ("Gunter", "Gunther"),
    ("O'Connor", "Connor"),
    ("O'Connor", "O'Conner"),
    ("Anne-Marie", "Anne"),
    ("Søren", "Sören Lind"),
    ("Łukasz", "Lucas"),
    ("Lea", "Leah"),
    ("王小明", "汪小明"),  # same romanisation (Wang), different people
    ("Иван", "Иванов"),
]


@pytest.mark.parametrize("registered, typed", DIFFERENT)
def test_fold__different_names__differ(registered, typed):
    assert fold(registered) != fold(typed)


def test_fold__empty_or_only_punctuation__empty():
    assert fold(None) == fold("") == fold(" ’ - \u200b ") == ""
