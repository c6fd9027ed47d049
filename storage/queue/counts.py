"""How many dossiers of each type are in each state, for the agents' queue.

Read from `dossier_count`, which triggers on `dossier` keep exact
(storage/orm/queue_schema.py): one index range per page, whatever the number of
dossiers, instead of counting the table.
"""

from __future__ import annotations

from collections.abc import Sequence

from storage.orm.db import database
from storage.orm.transactions import transaction


@transaction(write=False)
def queue_counts(types: Sequence[str]) -> list[tuple[str, str, int]]:
    """How many dossiers of each of `types` are in each state: (type_id, state, count)
    sorted by type then state, only counts above 0; [] for no types. Read from the
    kept counters: one index range, whatever the number of dossiers."""
    if not types:
        return []
    names = {f"t{i}": t for i, t in enumerate(types)}
    rows = database().select(
        "SELECT type_id, status, n FROM dossier_count WHERE type_id IN ("
        + ", ".join(f"${k}" for k in names) + ") AND n > 0 ORDER BY type_id, status",
        {}, names)
    return [(str(t), str(s), int(n)) for t, s, n in rows]
