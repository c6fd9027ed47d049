"""The dossier types the tests run on, owned by tests/ (never forms/), and known answers.

`essai.yaml` is shaped like the first dossier type of forms/ with its own ids and wording;
`atelier.yaml` is a second, small type (date, email, textarea); `pieces.yaml` has file
questions (uploads). Engine, storage, web
and browser tests all compile these same files, so a designer's edit of forms/ breaks
no test of the machinery; what forms/ holds is checked by tests parametrised over its
files (tests/unit/test_definitions.py, tests/web/test_shipped_forms.py) and, for each
type's own cases, by forms/<id>.tests.yaml (`guichet test`, tests/unit/test_form_tests.py).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from engine import CompiledDefinition, Registry, convert, load_registry

DIRECTORY = Path(__file__).parent
ESSAI = "essai"
ATELIER = "atelier"
SAISIES = "saisies"  # the newer question types (saisies.yaml)


@functools.cache
def registry() -> Registry:
    """Every type of tests/definitions/, compiled once (a Registry is never changed)."""
    return load_registry([DIRECTORY])


def with_registry(*extra: Path) -> Registry:
    """The test types and other definition files, in one registry (e.g. the guide's type)."""
    compiled: list[CompiledDefinition] = list(registry())
    for path in extra:
        result = convert(path)
        assert result.ok, [str(e) for e in result.errors]
        compiled.append(result.compiled)
    return Registry(compiled)


# --- answers as the engine and storage take them (JSON), by section of `essai`
VALID_ANSWERS: dict[str, dict[str, Any]] = {
    "identite": {"categorie": "etudiant", "precision": "temps_plein", "a_numero": True,
                 "numero": "1234 5678", "a_code": False},
    "rendez_vous": {"ville": "montreal", "mode": "en_ligne", "francais": True,
                    "creneaux": ["lundi_matin"]},
}


def valid_answers() -> dict[str, Any]:
    """A valid `essai` dossier, every section's answers in one object (a new copy)."""
    return {k: v for section in VALID_ANSWERS.values() for k, v in section.items()}


# --- answers of `essai` as a browser posts them (strings, lists for multiple values)
IDENTITE: dict[str, Any] = {"categorie": "etudiant", "precision": "temps_plein",
                            "a_numero": "true", "numero": "12345678",
                            "a_code": "true", "code": "4471QXZB"}
RENDEZ_VOUS: dict[str, Any] = {"ville": "montreal", "mode": "en_ligne", "francais": "false",
                               "langues": ["espagnol", "autre"], "autre_langue": "Wolof",
                               "creneaux": ["lundi_matin", "mercredi_soir"]}


_ONE_FIELD = """\
id: props
version: 1
title: {{fr: Propriétés, en: Properties}}
numbering: {{prefix: B, digits: 6}}
deadline_days: 10
sections:
  - id: main
    title: {{fr: Principal, en: Main}}
    fields:
      - {field}
workflow:
  initial: draft
  states:
    draft: {{label: {{fr: Brouillon, en: Draft}}, editable: true}}
  transitions: []
"""


def one_field_definition(field: dict[str, Any]) -> str:
    """The YAML text of a smallest definition whose one section holds `field` (a
    question as a mapping, written as JSON, which YAML reads): for checker tests about
    one question."""
    return _ONE_FIELD.format(field=json.dumps(field, ensure_ascii=False))
