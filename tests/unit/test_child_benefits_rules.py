"""The child benefits application's rules that compare with today (forms/allocation-enfants
.yaml), on a day fixed for the test (2026-11-30): the world income asked only of those who
began living in Canada in the last 24 months, never negative, and a temporary resident
refused before 18 months in Canada. The other rules are cases in
tests/unit/shipped_cases/allocation-enfants.yaml."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from engine import clean, validate
from engine.compare import use_today
from tests.unit.test_shipped_cases import compiled_of

CASES = Path(__file__).with_name("shipped_cases") / "allocation-enfants.yaml"
VALID = yaml.safe_load(CASES.read_text("utf-8"))["valid"]
TYPE = "allocation-enfants"


@pytest.fixture(autouse=True)
def on_2026_11_30():
    previous = use_today(lambda: date(2026, 11, 30))
    yield
    use_today(previous)


def _status(statut: str, arrived: str, **answers) -> dict:
    """The valid dossier with another status (its proof attached) since `arrived`."""
    answers = {**VALID, "statut_canada": statut, "date_statut": arrived,
               "date_residence": arrived, "preuve_statut": VALID["preuve_naissance"],
               **answers}
    answers.pop("toujours_au_canada")  # asked of citizens only
    return answers


def _errors(answers: dict) -> list[tuple[str | None, str]]:
    return [(e.path, e.kind) for e in validate(compiled_of(TYPE), answers)]


def test_permanent_resident_arrived_10_months_ago__world_income_asked_and_required():
    answers = _status("resident_permanent", "2026-01-30")
    assert _errors(answers) == [("revenu_mondial", "required")]
    assert _errors({**answers, "revenu_mondial": 42500.0}) == []


def test_permanent_resident_arrived_3_years_ago__no_income_question_answers_dropped():
    answers = _status("resident_permanent", "2023-11-01", revenu_mondial=42500.0)
    assert _errors(answers) == []
    assert "revenu_mondial" not in clean(compiled_of(TYPE), answers)


def test_negative_income__the_designer_s_message():
    answers = _status("resident_permanent", "2026-01-30", revenu_mondial=-100)
    (error,) = validate(compiled_of(TYPE), answers)
    assert (error.path, error.kind) == ("revenu_mondial", "min")
    assert error.message.fr.startswith("Le revenu ne peut pas être négatif")


@pytest.mark.parametrize(("arrived", "refused"), [("2026-05-30", True), ("2025-05-31", True),
                                                  ("2025-05-30", False)])
def test_temporary_resident__refused_before_18_months_in_canada(arrived, refused):
    answers = _status("resident_temporaire", arrived, permis_valide_19e_mois=True,
                      revenu_mondial=0)
    errors = validate(compiled_of(TYPE), answers)
    assert [(e.path, e.kind) for e in errors] == ([("date_residence", "rule")] if refused
                                                  else [])
    if refused:
        assert errors[0].message.en.startswith("A temporary resident must have lived in "
                                               "Canada for at least 18 months")
