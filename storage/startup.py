"""`storage.init_db` as callers see it: the tables, then what fills new structures.

storage/orm/db.py makes tables, columns, indexes and triggers; some new structures
need rows computed in Python for the dossiers already stored (the search words
fold names with storage/dossiers/identity.py), which the ORM layer cannot import.
This module runs both, in that order.
"""

from __future__ import annotations

from storage.dossiers.search_words import index_missing_names
from storage.orm.db import init_db as make_tables


def init_db() -> None:
    """Create the current store's missing tables, columns, indexes and triggers
    (storage.orm.db.init_db: harmless when done, safe when several processes start at
    once), then give the dossiers made before search words existed their words
    (storage.dossiers.search_words.index_missing_names)."""
    make_tables()
    index_missing_names()
