"""The benchmarks' dossier (bench/dossier.yaml): its type, its draft state and its
answers per section, stored (booleans) or as a form posts them ("true"/"false")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_DATA = yaml.safe_load((Path(__file__).with_name("dossier.yaml")).read_text("utf-8"))

TYPE_ID: str = _DATA["type"]
DRAFT_STATE: str = _DATA["draft_state"]
SECTIONS: dict[str, dict[str, Any]] = _DATA["sections"]  # section id -> stored answers
ANSWERS: dict[str, Any] = {k: v for s in SECTIONS.values() for k, v in s.items()}


def posted(answers: dict[str, Any]) -> dict[str, Any]:
    """Stored answers as a form posts them: booleans as "true"/"false"."""
    return {k: ("true" if v else "false") if isinstance(v, bool) else v
            for k, v in answers.items()}


FORM_SECTIONS: dict[str, dict[str, Any]] = {s: posted(a) for s, a in SECTIONS.items()}
