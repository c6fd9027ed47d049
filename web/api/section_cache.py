"""The JSON of a section (GET /dossiers/{number}/sections/{id}) kept per dossier version.

A mobile app reads a section again and again (opening it, coming back to it, after a
network error) while nothing in it has changed. Each write to a dossier adds 1 to its
version (storage's contract), so the `Section` answered for (number, version) stays right
until the next write: reading the dossier's answers, cleaning and validating them and
encoding the JSON can be done once per version, as the pages do for their HTML
(web/forms/page_cache.py).

A key holds everything else the body depends on: the definition version the dossier is
pinned to, the section, the language of its texts, the account (the caller is proved to
own the dossier by the stamp read with its token, storage.token_visit, before every
use), and today's date (a condition or a rule may compare an answer with today). A body
that shows answers from the applicant's profile (`prefill`) is never kept: the profile
may change without the dossier's version. A dossier whose deadline passed and that
waits for its deadline transition is read (and moved on) first, never answered from
here.

Kept in the memory of each process, bounded (API_CACHE_SIZE, web/config.py), never in a
shared store: a copy of applicants' answers elsewhere would be one more place to
protect. The cache belongs to one app, hence to one registry of definitions.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from cachetools import LRUCache
from flask import Flask, current_app

import storage
from engine.compare import today
from web.api.auth import api_lang

EXTENSION = "guichet.api_section_cache"


class SectionCache:
    """A bounded LRU of encoded JSON bodies (bytes); thread-safe (gunicorn's threads
    share it). Size 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        self.enabled = size > 0
        self._entries: LRUCache[Hashable, bytes] = LRUCache(maxsize=max(size, 1))
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        """The body kept under `key`, or None."""
        if not self.enabled:
            return None
        with self._lock:
            return self._entries.get(key)

    def keep(self, key: Hashable, body: bytes) -> None:
        """Keep `body` (the encoded JSON) under `key`."""
        if self.enabled:
            with self._lock:
                self._entries[key] = body


def section_key(stamp: storage.DossierStamp | storage.DossierView, section_id: str,
                account_id: int) -> Hashable:
    """The key of one section's body: the dossier's number, version and definition
    version (of a DossierStamp or a DossierView), the section, the request's language,
    the account and today's date (see the module's docstring)."""
    return (stamp.number, stamp.version, stamp.definition_version, section_id,
            api_lang(), account_id, today())


def section_cache() -> SectionCache:
    """The current app's cache (made by `init_app`; KeyError before it)."""
    return current_app.extensions[EXTENSION]


def init_app(app: Flask) -> None:
    """A cache of API_CACHE_SIZE section bodies (web/config.py); 0 turns it off."""
    app.extensions[EXTENSION] = SectionCache(int(app.config["API_CACHE_SIZE"]))
