"""Sample answers for the preview, read from a definition's tests file.

A tests file (`forms/<id>.tests.yaml`, run by `guichet test`) holds cases, each with
answers and maybe a profile (over the file's `base` answers and profile). The preview
reads them with the test runner's own reader (`engine.formtests.read_tests`), so a
sample's answers are exactly those the case is tested with, and loads one case's
answers into the form in one click; what a case expects is the runner's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import CompiledDefinition
from engine.formtests import read_tests


@dataclass(frozen=True)
class Sample:
    """One case of a tests file: its label (its name, and the `each` value it runs with),
    its answers (field id -> value) and the applicant profile it assumes (key -> value,
    {} when it gives none)."""

    name: str
    answers: dict[str, Any]
    profile: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Samples:
    """The cases of a tests file, and its mistakes ("file:line: ...", every one; none
    when it could be read). A file with mistakes offers no case: its cases may not be
    what the designer meant."""

    cases: tuple[Sample, ...] = ()
    problems: tuple[str, ...] = ()


def read_samples(compiled: CompiledDefinition | None, path: Path | None) -> Samples:
    """The cases of the tests file at `path` for the definition `compiled` (none when
    either is None). A file with mistakes gives every mistake ("file:line: ...") and
    no case; one that cannot be read gives the reason and no case."""
    if path is None or compiled is None:
        return Samples()
    cases, mistakes = read_tests(compiled, path)
    if mistakes:
        return Samples(problems=tuple(str(m) for m in mistakes))
    return Samples(tuple(Sample(c.label, dict(c.answers), dict(c.profile)) for c in cases))
