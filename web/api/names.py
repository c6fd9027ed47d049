"""The names of the definitions' components in the OpenAPI document, in a module of their
own: the document (web/api/openapi.py) gives them, and the resources that point an app
at them (web/api/types.py, dossiers.py, sections.py) compute them without importing the
document's builder."""

from __future__ import annotations

import re
from typing import Any

REF = "#/components/schemas/"
_NOT_A_NAME = re.compile(r"[^a-zA-Z0-9_-]")


def component_part(part: str) -> str:
    """A part of a component name, every character outside [a-zA-Z0-9_-] made "_"
    (component names must match ^[a-zA-Z0-9._-]+$; "." separates the parts). A safeguard:
    type, section and `$defs` ids already match (forms/definition.schema.json), so two
    ids never meet in one name."""
    return _NOT_A_NAME.sub("_", part)


def answers_name(type_id: str, version: int) -> str:
    """`Answers.<type>.v<version>`: the component of a whole dossier's answers."""
    return f"Answers.{component_part(type_id)}.v{version}"


def section_name(type_id: str, version: int, section_id: str) -> str:
    """`Section.<type>.v<version>.<section>`: the component of one section's answers."""
    return f"Section.{component_part(type_id)}.v{version}.{component_part(section_id)}"


def form_name(type_id: str, version: int) -> str:
    """`Form.<type>.v<version>`: the component holding the version's UI description."""
    return f"Form.{component_part(type_id)}.v{version}"


def component_names(type_id: str, version: int,
                    section_ids: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """The refs of one version's components, for the resource modules' answers:
    {"answers": "#/components/schemas/Answers.<type>.v<n>", "form":
    "#/components/schemas/Form.<type>.v<n>", "sections": {section id:
    "#/components/schemas/Section.<type>.v<n>.<section>"} for each of `section_ids`}.
    Pure: it reads no definition (see `section_ref` for one section)."""
    return {"answers": REF + answers_name(type_id, version),
            "form": REF + form_name(type_id, version),
            "sections": {s: section_ref(type_id, version, s) for s in section_ids}}


def section_ref(type_id: str, version: int, section_id: str) -> str:
    """"#/components/schemas/Section.<type>.v<version>.<section>"."""
    return REF + section_name(type_id, version, section_id)
