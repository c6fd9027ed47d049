"""Rendered section pages kept per dossier version, and the CSRF token they must not keep.

Opening a section again (coming back from another section, the recap, a
reload) re-renders a page that has not changed: the engine's cleaning, each
section's status for the navigation and some eighty template calls, for the
same HTML. Each write to a dossier adds 1 to its version (storage's contract),
so the HTML rendered from (number, version) stays right until the next write.
A key also holds everything else the page shows (section, address, language,
the applicant's name, the unread-message count, whether errors are shown, the
mount point); the caller proves the dossier is the applicant's (the stamp that
storage.visit reads with the session check) before every read, and never keeps
a page that shows a one-time notice (a flashed message).

Kept in the memory of each process, bounded, never in a shared store: a copy of
applicants' answers in Redis would be one more place to protect. The cache
belongs to one app, hence to one registry of definitions.

A session's CSRF token is the one part of such a page that is not the
dossier's: pages rendered for the cache hold a marker where the token goes, and
every use puts the requesting session's token there.

Pages are kept encoded (UTF-8): a French page is not ASCII, and encoding 8 kB
of it anew for every response cost as much as looking it up.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from cachetools import LRUCache
from flask import Flask, current_app

from web.http.csrf import MARKER, with_token

EXTENSION = "guichet.page_cache"


class PageCache:
    """A bounded LRU of rendered pages, split at the CSRF marker; thread-safe (gunicorn's
    threads share it). Size 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        self.enabled = size > 0
        self._entries: LRUCache[Hashable, tuple[bytes, ...]] = LRUCache(maxsize=max(size, 1))
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        """The page kept under `key`, with this request's CSRF token, or None."""
        if not self.enabled:
            return None
        with self._lock:
            parts = self._entries.get(key)
        return None if parts is None else with_token(parts)

    def keep(self, key: Hashable | None, html: str) -> bytes:
        """Keep `html`, rendered under `web.http.csrf.marking_csrf`, under `key` (unless
        None); returns it, encoded (UTF-8 bytes), with this request's CSRF token."""
        parts = tuple(html.encode("utf-8").split(MARKER.encode("ascii")))
        if key is not None and self.enabled:
            with self._lock:
                self._entries[key] = parts
        return with_token(parts)


def page_cache() -> PageCache:
    """The current app's cache (made by `init_app`; KeyError before it)."""
    return current_app.extensions[EXTENSION]


def init_app(app: Flask) -> None:
    """A cache of PAGE_CACHE_SIZE pages (web/config.py); 0 turns it off (every page
    rendered afresh)."""
    size = int(app.config["PAGE_CACHE_SIZE"])
    app.extensions[EXTENSION] = PageCache(size)
