"""The dossier types storage falls back on when a caller passes none.

Reading a dossier may expire it (its definition says what "expired" is), yet
`get_dossier(account_id, number)` takes no registry: it uses this one, which
the app sets at start-up (`use_registry`) or which is compiled from `forms/`
on first use.
"""

from __future__ import annotations

import threading

from engine import Registry, load_registry

_lock = threading.Lock()
_registry: Registry | None = None


def use_registry(registry: Registry | None) -> None:
    """Make `registry` the default (None: compile `forms/` again on next use)."""
    global _registry
    with _lock:
        _registry = registry


def default_registry() -> Registry:
    global _registry
    with _lock:
        if _registry is None:
            _registry = load_registry()
        return _registry
