"""The dossier types storage falls back on when a caller passes none.

Reading a dossier may expire it (its definition says what "expired" is), yet
`get_dossier(account_id, number)` takes no registry: it uses the current
store's (`storage.open_store(..., registry=...)`, or `forms/` compiled on first
use), so each app expires drafts by its own definitions.
"""

from __future__ import annotations

from engine import Registry
from storage.orm.db import current_store


def default_registry() -> Registry:
    """The current store's registry (RuntimeError when no store is bound)."""
    return current_store().registry
