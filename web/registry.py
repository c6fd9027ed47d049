"""The app's dossier types: the `engine.Registry` that `create_app` compiled or was given,
and the one lookup of a dossier's own definition version (issue 14)."""

from __future__ import annotations

from typing import Any

from flask import current_app

import storage
from engine import CompiledDefinition, Registry
from engine.workflow import is_editable

EXTENSION = "guichet.registry"


def registry() -> Registry:
    """The current app's registry of compiled dossier types (engine `Registry`): the
    newest version of each type of forms/, which new dossiers get."""
    return current_app.extensions[EXTENSION]


def definition(dossier: Any) -> CompiledDefinition:
    """The definition `dossier` (a storage.DossierView or DossierStamp) is pinned to: its
    type at its `definition_version`, whatever forms/ holds now; every page, check,
    recap and PDF of the dossier reads this one. Compiled once per process and cached
    (storage.definition_of); storage.NotFound when that version is nowhere."""
    return storage.definition_of(registry(), dossier.type_id, dossier.definition_version)


def editable(compiled: CompiledDefinition, dossier: Any) -> bool:
    """Whether the applicant may change `dossier` (read with `compiled`, its own
    version): its state is editable and its type is still in forms/ (a removed type's
    dossiers are shown read-only)."""
    return (storage.is_current(registry(), dossier.type_id)
            and is_editable(compiled.definition, dossier.status))


def withdrawn(dossier: Any) -> bool:
    """Whether `dossier`'s type was removed from forms/: its dossiers are shown read-only
    and a change is refused for that reason, never as if the dossier had been submitted
    (a draft of a removed type never was)."""
    return not storage.is_current(registry(), dossier.type_id)
