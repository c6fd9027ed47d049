"""The queue benchmark's bulk load (bench/queue.py) stays in step with storage: rows
loaded in plain SQL with the counting triggers dropped are counted by init_db, found
by name and by number, so the benchmark measures what agents get."""

from __future__ import annotations

from collections import Counter
from datetime import date

import storage
from tests.bench_modules import load_bench


def test_bulk_load__50_dossiers__counted_searchable_and_paged():
    queue = load_bench("queue")
    queue.bulk_load(0, 50)
    now = storage.clock.now().replace(tzinfo=None)
    made = Counter((row[1], row[3]) for row in (queue.dossier(i, now) for i in range(50)))
    assert storage.queue_counts(queue.TYPES) == sorted((t, s, n) for (t, s), n in made.items())
    found = storage.agent_queue(queue.GRANTED, search="zelie quintanilla")
    assert [r.number for r in found.rows] == ["Q0000000007"]
    assert [r.name for r in found.rows] == ["Zélie Quintanilla-Ortíz"]
    page = storage.agent_queue(queue.GRANTED, limit=10)
    assert len(page.rows) == 10 and page.next is not None
    assert all(r.submitted_at is not None and r.type_id in queue.GRANTED for r in page.rows)
    assert set(queue.measures(50, times=1)) >= {"counts by type and state",
                                                "deep page (after 90 % of the ids)"}
    storage.register_existing(storage.current_store().registry, "essai", "G2100000001",
                              "Li", "Wei", "F", date(1990, 1, 1))
    assert ("essai", "brouillon", 1) in storage.queue_counts(["essai"])  # triggers back
