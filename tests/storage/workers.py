"""Code run in child processes (multiprocessing, spawn) by the concurrency tests."""

from __future__ import annotations

import threading
from typing import Any

THREADS = 4


def create_many(database_url: str | None, instance_dir: str, account_ids: list[int],
                per_process: int, barrier: Any, results: Any) -> None:
    """Create `per_process` dossiers from THREADS threads, all starting together."""
    import storage
    from tests.definitions import ESSAI
    from tests.definitions import registry as test_registry

    registry = test_registry()
    store = storage.open_store(database_url, instance_dir, registry=registry)
    numbers: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def work(share: int, account_id: int) -> None:
        try:
            with store.bound():
                for _ in range(share):
                    number = storage.create_dossier(registry, account_id, ESSAI).number
                    with lock:
                        numbers.append(number)
        except Exception as exc:  # noqa: BLE001 - reported to the parent test
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            store.disconnect()

    shares = [per_process // THREADS + (i < per_process % THREADS) for i in range(THREADS)]
    threads = [threading.Thread(target=work, args=(s, account_ids[i % len(account_ids)]))
               for i, s in enumerate(shares)]
    barrier.wait()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put((numbers, errors))
