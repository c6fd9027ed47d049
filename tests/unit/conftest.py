from __future__ import annotations

import textwrap

import pytest

from engine import convert_text, load_registry
from engine.compile import CompiledDefinition


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def aq(registry) -> CompiledDefinition:
    """The Accompagnement Québec definition, compiled as the portal does."""
    return registry["accompagnement-quebec"]


@pytest.fixture
def valid_aq_answers() -> dict:
    return {
        "statut_immigration": "citoyen_canadien",
        "detail_statut": "citoyen_naturalise_selectionne_quebec",
        "a_numero_mifi": True,
        "numero_mifi": "ABC12345",
        "a_numero_ircc": False,
        "ville": "montreal",
        "type_rendez_vous": "virtuel",
        "francais_suffisant": True,
        "disponibilites": ["lundi_matin"],
    }


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
