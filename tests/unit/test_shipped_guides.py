"""Each shipped dossier type keeps the rules of its guide that are not about answers,
written next to the tests (tests/unit/shipped_cases/<type>.yaml): the numbering, the
deadline, the profile's labels, and the submission (guards, then recap, document and a
message that notifies). What answers must give is each type's own cases,
forms/<id>.tests.yaml, run by `guichet test` (tests/unit/test_form_tests.py). No type
and no field is named here: the files name them, in YAML, as the definitions do.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine import CompiledDefinition, clean, convert
from engine.load import load_text, plain
from engine.pipeline import forms_dir
from engine.pipeline import tests_path as cases_file
from engine.profile import profile_layout
from engine.workflow import (
    applicant_transitions,
    deadline_for,
    deadline_transition,
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


def valid_answers(type_id: str) -> dict[str, Any]:
    """The complete, valid dossier the type's cases start from (their `base`)."""
    path = cases_file(forms_dir() / f"{type_id}.yaml")
    return plain(load_text(path.read_text("utf-8"), str(path))["base"])


def test_guide_files__one_per_shipped_type_at_least_one():
    assert CASES, "tests/unit/shipped_cases/ holds no file"
    for path in CASES:
        assert (forms_dir() / f"{_read(path)['type']}.yaml").exists(), path.name


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_guide_rules__numbering_deadline_profile_labels(path: Path):
    data = _read(path)
    guide = data.get("guide", {})
    d = compiled_of(data["type"]).definition
    for number in guide.get("numbering", {}).get("valid", []):
        assert re.fullmatch(d.numbering.regex, number), number
    for number in guide.get("numbering", {}).get("invalid", []):
        assert not re.fullmatch(d.numbering.regex, number), number
    if "deadline" in guide:
        assert deadline_for(d, guide["deadline"]["created"]) == guide["deadline"]["until"]
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
    answers = clean(compiled, valid_answers(data["type"]))
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
