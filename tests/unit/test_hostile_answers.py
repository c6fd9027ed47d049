"""Hostile and random answers never crash the engine and never pass as valid by accident:
on the tests' dossier types, and on every definition a designer wrote in forms/."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import CompiledDefinition, clean, convert, validate
from engine.pipeline import definition_paths
from engine.validate import FieldError
from tests import definitions

NASTY_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from([
        "<script>alert(1)</script>", "\" onmouseover=\"x", "\x00\x01\x1b[31m", "\ud800", "x\udfff",
        "ＡＢＣ１２３４５", "12345678\n", "1234\u200b5678", "A" * 100_000, "{{7*7}}", "%s%n",
    ]),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | NASTY_TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=5),
    max_leaves=20,
)


def answers_for(compiled):
    ids = list(compiled.definition.all_fields())
    return st.dictionaries(st.sampled_from(ids) | st.text(max_size=20), JSON_VALUES,
                           max_size=len(ids) + 3)


def every_definition() -> list:
    """The tests' types (many examples) and forms/'s (fewer: they are checked, not tested
    for the engine's sake), compiled at collection."""
    ours = [pytest.param(c, 200, id=c.id) for c in definitions.registry()]
    shipped = [pytest.param(convert(p).compiled, 100, id=f"forms/{p.name}")
               for p in definition_paths()]
    return ours + shipped


@pytest.mark.parametrize(("compiled", "examples"), every_definition())
def test_validate__random_answers__errors_name_known_fields_never_crash(
        compiled: CompiledDefinition, examples: int):
    fields = compiled.definition.all_fields()

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(answers_for(compiled))
    def check(answers):
        errors = validate(compiled, answers)
        assert all(isinstance(e, FieldError) for e in errors)
        assert all(e.field is None or e.field in fields for e in errors)
        assert all(e.message.fr and e.message.en for e in errors)
        kept = clean(compiled, answers)
        assert set(kept) <= set(fields)
        if not errors:
            # Claimed valid: the whole-dossier schema agrees, with no unknown key inside.
            assert compiled.validator.is_valid(kept)

    check()


def test_validate__valid_dossier_with_script_text__kept_verbatim_for_escaping(essai,
                                                                          valid_answers):
    answers = {**valid_answers, "francais": False, "langues": ["autre"],
               "autre_langue": "<script>alert(1)</script>"}
    assert validate(essai, answers) == []
    # The engine keeps text as typed; pages and PDFs escape it (tested there).
    assert clean(essai, answers)["autre_langue"] == "<script>alert(1)</script>"


def test_validate__text_beyond_definition_length__refused(essai, valid_answers):
    answers = {**valid_answers, "francais": False, "langues": ["autre"],
               "autre_langue": "x" * 101}
    assert [(e.field, e.kind) for e in validate(essai, answers)] == [("autre_langue",
                                                                     "max_length")]
