"""Sample answers for the preview, read from a definition's tests file.

A tests file (`forms/<id>.tests.yaml`, run by `guichet test`) is a YAML list of cases,
each `{name, answers, profile?, expect}`. The preview only reads each case's name,
answers and profile, so the designer can load one case's answers into the form in one
click; what a case expects is the test runner's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from engine.load import YamlSyntaxError, load_file, plain


@dataclass(frozen=True)
class Sample:
    """One case of a tests file: its name, its answers (field id -> value) and the
    applicant profile it assumes (key -> value, {} when it gives none)."""

    name: str
    answers: dict[str, Any]
    profile: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Samples:
    """The cases of a tests file, and why it could not be read ("" when it could)."""

    cases: tuple[Sample, ...] = ()
    problem: str = ""


def _answer(value: Any) -> Any:
    """A YAML value as the portal posts answers: a date YAML read as a date becomes its
    ISO text again; lists and mappings (a repeating group's items) likewise inside."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_answer(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _answer(v) for k, v in value.items()}
    return value


def read_samples(path: Path | None) -> Samples:
    """The cases of the tests file at `path` (none when `path` is None); a file that is
    not YAML, or not a list, gives no case and the problem ("file:line: ..."). A case
    without a mapping of answers is left out; one without a name is named by its
    position ("case 3")."""
    if path is None:
        return Samples()
    try:
        data = load_file(path)
    except YamlSyntaxError as exc:
        return Samples(problem=f"{path}:{exc.line}: {exc.problem}")
    except (OSError, UnicodeDecodeError) as exc:
        return Samples(problem=f"{path}: {exc}")
    data = plain(data)
    if not isinstance(data, list):
        return Samples(problem=f"{path}:1: a tests file is a list of cases (- name: ...)")
    cases = []
    for n, case in enumerate(data, 1):
        if not isinstance(case, dict) or not isinstance(case.get("answers"), dict):
            continue
        profile = case.get("profile")
        cases.append(Sample(str(case.get("name") or f"case {n}"), _answer(case["answers"]),
                            _answer(profile) if isinstance(profile, dict) else {}))
    return Samples(tuple(cases))
