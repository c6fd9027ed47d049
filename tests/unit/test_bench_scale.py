"""The scale benchmark's generator (bench/scale.py) stays in step with the engine: its
10-question definition checks clean through the real pipeline and its answers are valid,
so the benchmark cannot rot unnoticed."""

from __future__ import annotations

from engine import convert_text, validate
from engine.fieldtypes import registered
from tests.bench_modules import load_bench


def _scale():
    return load_bench("scale")


def test_generator__10_questions__checks_clean_every_question_answered_and_valid():
    scale = _scale()
    s = scale.generate(10)
    assert convert_text(s.text, "echelle-10.yaml").errors == []
    fields = [f for section in s.compiled.definition.sections for f in section.fields]
    assert [f.id for f in fields][:10] == [f"q{k}" for k in range(1, 11)]
    assert all(f.when is not None for f in fields[1:])  # a chain of conditions
    assert set(s.answers) == {f.id for f in fields}  # the chain holds: every one shown
    assert validate(s.compiled, s.answers) == []
    assert s.group == ("group" in registered())
    for name in ("text", "date", "yesno", "select", "checkboxes"):
        assert name in s.types, s.skipped.get(name)


def test_generator__conditions__mix_eq_in_answered_and_date_comparisons():
    text = _scale().generate(100).text
    for condition in (": true}", "{in: [", "{answered: true}", "{contains: ", "{ge: \"-120y\"}",
                      "{gt: \"2000-01-01\"}", "{ge: {field: "):
        assert condition in text, condition
