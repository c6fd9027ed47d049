"""The words an agent finds a dossier by: its owner's and its registered names.

Agents type a name as they hear it; a dossier holds it as the applicant or an agent
typed it. Both are folded the way linking compares identities
(storage.dossiers.identity.fold: case, accents, apostrophes and dashes ignored) and
cut into words, one row per word (`SearchWord`), so that "typing the start of any
word" is one range of the index on (word, dossier) at any table size. The words are
rewritten wherever the names change: a dossier created, registered or linked, an
owner's profile updated (callers in storage/dossiers/).
"""

from __future__ import annotations

from typing import Any

from storage.dossiers.identity import fold
from storage.orm.db import database
from storage.orm.transactions import transaction

WORD_LENGTH = 100  # characters of a stored word, at most (its column)


def words_of(*names: str | None) -> set[str]:
    """The distinct folded words of `names` (None and "" give none), each cut to
    WORD_LENGTH characters. ("Ève-Marie", "D’Ávila") -> {"eve", "marie", "d", "avila"}."""
    return {word[:WORD_LENGTH] for name in names for word in fold(name).split()}


def index_names(dossier: Any) -> None:
    """Rewrite the search words of `dossier` (a Pony Dossier, inside the caller's
    transaction) from its registered names and its owner's current names."""
    owner = dossier.owner
    wanted = words_of(dossier.given_names, dossier.family_names,
                      owner.given_names if owner else None,
                      owner.family_names if owner else None)
    orm = database()
    for row in list(dossier.search_words):
        if row.word in wanted:
            wanted.discard(row.word)
        else:
            row.delete()
    for word in sorted(wanted):
        orm.SearchWord(dossier=dossier, word=word)


def prefix_range(prefix: str) -> tuple[str, str]:
    """The [low, high) range of words starting with `prefix` (non-empty): compared as
    strings, every such word is >= low and < high. "mar" -> ("mar", "mas")."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


BACKFILL_BATCH = 1000  # dossiers indexed per transaction by index_missing_names


@transaction(write=True)
def _index_batch(after_id: int) -> tuple[int, int]:
    """Index up to BACKFILL_BATCH dossiers with no search word, of id > `after_id`:
    (how many, the last id looked at); (0, after_id) when there was none."""
    orm = database()
    ids = orm.select("SELECT d.id FROM dossier d WHERE d.id > $after_id AND NOT EXISTS "
                     "(SELECT 1 FROM dossier_search_word w WHERE w.dossier_id = d.id) "
                     "ORDER BY d.id LIMIT $batch", {},
                     {"after_id": after_id, "batch": BACKFILL_BATCH})
    for dossier_id in ids:
        index_names(orm.Dossier[dossier_id])
    return len(ids), (ids[-1] if ids else after_id)


def index_missing_names() -> int:
    """Give their search words to the dossiers that have none (made before the words
    existed), BACKFILL_BATCH per transaction; returns how many dossiers were looked at.
    Harmless when all have theirs: one anti-join on an index."""
    done, last = 0, 0
    while True:
        found, last = _index_batch(last)
        if not found:
            return done
        done += found
