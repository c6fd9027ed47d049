"""A bounded memo for values that are costly to compute and never wrong to recompute.

Read on every request by every thread: a read is one dict lookup, atomic under
the GIL, so it takes no lock. Only writes lock. Past its size the oldest entry
goes first (not the least recently used: keeping that order would make every
read a write). Forgetting an entry only costs computing it again.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: dict[K, V] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            while key not in self._items and len(self._items) >= self._size:
                del self._items[next(iter(self._items))]
            self._items[key] = value
