"""engine.validate.judge_section: a section's status and errors from one validation,
the same as section_status and validate_section give apart (the API's Section)."""

from __future__ import annotations

import pytest

from engine import load_registry
from engine.validate import (
    SectionStatus,
    clean,
    judge_section,
    section_status,
    validate_section,
)
from tests.bench_modules import load_bench

_DOSSIER = load_bench("dossier")  # the benchmarks' dossier: its type and answers
ANSWERS, TYPE_ID = _DOSSIER.ANSWERS, _DOSSIER.TYPE_ID


@pytest.fixture(scope="module")
def compiled():
    return load_registry().get(TYPE_ID)


@pytest.mark.parametrize("answers", [
    {},  # nothing started
    ANSWERS,  # every section valid
    {**ANSWERS, next(iter(ANSWERS)): None},  # one answer missing
    {k: "?" for k in ANSWERS},  # wrong everywhere
])
def test_judge_section__same_status_and_errors_as_apart(compiled, answers):
    cleaned = clean(compiled, {k: v for k, v in answers.items() if v is not None})
    for section in compiled.definition.sections:
        status, errors = judge_section(compiled, section.id, cleaned)
        assert status is section_status(compiled, section.id, cleaned)
        expected = (validate_section(compiled, section.id, cleaned)
                    if status is SectionStatus.IN_PROGRESS else [])
        assert errors == expected
        assert bool(errors) == (status is SectionStatus.IN_PROGRESS)
