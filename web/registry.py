"""The app's dossier types: the `engine.Registry` that `create_app` compiled or was given."""

from __future__ import annotations

from flask import current_app

from engine import Registry

EXTENSION = "guichet.registry"


def registry() -> Registry:
    """The current app's registry of compiled dossier types (engine `Registry`)."""
    return current_app.extensions[EXTENSION]
