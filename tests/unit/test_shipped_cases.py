"""Each shipped dossier type enforces its guide's rules, written as cases next to the
tests (tests/unit/shipped_cases/<type>.yaml): answers, and the errors (field, rule)
they must give, each with the designer's own message where one is declared, in both
languages; what is kept or dropped; section statuses; the guide's numbering, deadline
and eligibility; masked answers never in a recap. No type and no field is named here:
the case files name them, in YAML, as the definitions do.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine import CompiledDefinition, SectionStatus, clean, convert, section_status, validate
from engine.model import Field
from engine.pipeline import forms_dir
from engine.profile import profile_layout
from engine.recap import MASK, build_recap
from engine.validate import FieldError
from engine.workflow import (
    applicant_transitions,
    deadline_for,
    deadline_transition,
    eligibility_failures,
    guard_failures,
)

CASES = sorted(Path(__file__).with_name("shipped_cases").glob("*.yaml"))


def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text("utf-8"))


_COMPILED: dict[str, CompiledDefinition] = {}


def compiled_of(type_id: str) -> CompiledDefinition:
    """The shipped definition of `type_id`, compiled as the portal does (once)."""
    if type_id not in _COMPILED:
        result = convert(forms_dir() / f"{type_id}.yaml")
        assert result.ok, [str(e) for e in result.errors]
        _COMPILED[type_id] = result.compiled
    return _COMPILED[type_id]


def _runs() -> list[Any]:
    """One pytest param per case and per value of its `each`."""
    runs = []
    for path in CASES:
        data = _read(path)
        for case in data["cases"]:
            (field, values), = (case.get("each") or {None: [None]}).items()
            for value in values:
                answers = {**data["valid"], **case.get("answers", {})}
                if field is not None:
                    answers[field] = value
                label = case["name"] + (f": {value!r}" if field is not None else "")
                runs.append(pytest.param(data["type"], answers, case, id=f"{path.stem}: {label}"))
    return runs


def test_case_files__one_per_shipped_type_at_least_one():
    assert CASES, "tests/unit/shipped_cases/ holds no case file"
    for path in CASES:
        assert (forms_dir() / f"{_read(path)['type']}.yaml").exists(), path.name


def _asked(fields: dict[str, Field], e: FieldError) -> Field:
    """The question `e` is about: a question of the form, or of a repeating group's item."""
    f = fields[e.field]
    if e.item is not None:
        return next(c for c in f.kind.children(f) if c.id == e.item[1])
    return f


@pytest.mark.parametrize(("type_id", "answers", "case"), _runs())
def test_case(type_id: str, answers: dict, case: dict):
    compiled = compiled_of(type_id)
    fields = compiled.definition.all_fields()
    rule_messages = [r.message for s in compiled.definition.sections for r in s.rules]
    errors = validate(compiled, answers)
    assert [[e.path, e.kind] for e in errors] == case["errors"]
    for e in errors:  # the designer's own message, in both languages
        if e.kind == "rule":
            assert e.message in rule_messages
        elif _asked(fields, e).messages.get(e.kind):
            assert e.message == _asked(fields, e).messages[e.kind]
        assert e.message.fr and e.message.en and e.message.fr != e.message.en
    kept = clean(compiled, answers)
    for dropped in case.get("dropped", []):
        assert dropped not in kept
    if case.get("kept_digits"):
        assert kept[case["kept_digits"]].isdigit()
    if not errors:  # masked answers are never shown in a recap
        masked = [f for f in fields.values() if f.mask and kept.get(f.id)]
        for lang in ("fr", "en"):
            recap = build_recap(compiled, kept, lang)
            items = {i.field: i.value for s in recap.sections for i in s.items}
            for f in masked:
                assert items[f.id] == MASK and str(kept[f.id]) not in str(recap)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_section_statuses(path: Path):
    data = _read(path)
    compiled = compiled_of(data["type"])
    for entry in data.get("statuses", []):
        answers = clean(compiled, entry.get("answers", data["valid"]))
        for section, status in entry["expect"].items():
            assert section_status(compiled, section, answers) is SectionStatus(status), entry


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_guide_rules__numbering_deadline_eligibility_profile_labels(path: Path):
    data = _read(path)
    guide = data.get("guide", {})
    d = compiled_of(data["type"]).definition
    for number in guide.get("numbering", {}).get("valid", []):
        assert re.fullmatch(d.numbering.regex, number), number
    for number in guide.get("numbering", {}).get("invalid", []):
        assert not re.fullmatch(d.numbering.regex, number), number
    if "deadline" in guide:
        assert deadline_for(d, guide["deadline"]["created"]) == guide["deadline"]["until"]
    if "eligibility" in guide:
        rule = guide["eligibility"]
        today: date = rule["today"]
        assert eligibility_failures(d, rule["refused"], today) == [d.eligibility[0].message]
        assert eligibility_failures(d, rule["accepted"], today) == []
    labels = {s.field.key: s.label for s in profile_layout(d).fields()}
    for key, word in guide.get("profile_labels", {}).items():
        assert word in labels[key].fr, key


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_submission__valid_answers__guards_pass_then_recap_document_and_notifying_message(
        path: Path):
    """The guide's submission: valid answers pass every guard until the deadline (and
    not after it); the submitted state is no longer editable; submitting freezes the
    recap, files a document that shows the profile, and sends a message that notifies."""
    data = _read(path)
    compiled = compiled_of(data["type"])
    d = compiled.definition
    (submit,) = applicant_transitions(d, d.workflow.initial)
    now = datetime(2026, 11, 26, 12, 0)
    answers = clean(compiled, data["valid"])
    adult = date(1990, 5, 17)
    assert guard_failures(compiled, submit, d.workflow.initial, answers, date(2026, 12, 1),
                          now, birth_date=adult) == []
    assert [f.code for f in guard_failures(compiled, submit, d.workflow.initial, answers,
                                           date(2026, 11, 25), now, birth_date=adult)
            ] == ["deadline_passed"]
    assert d.workflow.states[d.workflow.initial].editable
    assert not d.workflow.states[submit.target].editable
    assert deadline_transition(d, d.workflow.initial) is not None
    actions = [(a.kind, a.ref) for a in submit.actions]
    documents = [t for k, t in actions if k == "document"]
    messages = [t for k, t in actions if k == "message"]
    assert ("freeze_recap", None) in actions and documents and messages
    assert "profile" in d.documents[documents[0]].sections
    assert d.messages[messages[0]].notify and d.notification is not None
