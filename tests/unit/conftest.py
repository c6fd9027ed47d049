from __future__ import annotations

import textwrap

import pytest

from engine import Registry, convert_text
from engine.compile import CompiledDefinition
from tests import definitions


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The dossier types of tests/definitions/ (forms/ has its own tests)."""
    return definitions.registry()


@pytest.fixture(scope="session")
def essai(registry: Registry) -> CompiledDefinition:
    """The test type shaped like the first dossier type of forms/, compiled as the portal
    does."""
    return registry[definitions.ESSAI]


@pytest.fixture
def valid_answers() -> dict:
    """A valid essai dossier (every section), a new copy for each test."""
    return definitions.valid_answers()


MINIMAL = """\
id: mini
version: 1
title: {fr: Mini, en: Mini}
numbering: {prefix: M, digits: 6}
deadline_days: 10
sections:
%s
workflow:
  initial: draft
  states:
    draft: {label: {fr: Brouillon, en: Draft}, editable: true}
    sent: {label: {fr: Envoyé, en: Sent}}
  transitions:
    - {id: send, from: draft, to: sent, guards: [sections_valid]}
"""


def compile_sections(sections_yaml: str) -> CompiledDefinition:
    """Compile an inline definition whose sections are given as YAML text."""
    text = MINIMAL % textwrap.indent(textwrap.dedent(sections_yaml), "  ")
    result = convert_text(text, "inline.yaml")
    assert result.ok, [str(e) for e in result.errors]
    return result.compiled
