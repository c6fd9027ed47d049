"""The one place where Guichet reaches past Pony's public API, and the version it was
written for.

Pony is pinned (`pony==0.7.20` in pyproject.toml) because of what is here: importing
this module (storage does at start-up) on any other Pony version stops the process
with a message that says what to check before moving the pin. Each use says why no
public API does the same; tests/storage/test_save.py and test_submit.py exercise
them on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pony
import pony.orm.core  # its names are read at call time: the version check comes first

PONY_VERSION = "0.7.20"


def check_pony_version(installed: str) -> None:
    """Raise RuntimeError, saying what to do, unless `installed` (a version string such as
    `pony.__version__`) is the Pony version this module was written for."""
    if installed != PONY_VERSION:
        raise RuntimeError(
            f"Guichet needs Pony {PONY_VERSION} (pinned in pyproject.toml); Pony {installed} "
            "is installed. storage/orm/pony_private.py relies on Pony internals of "
            f"{PONY_VERSION}: install pony=={PONY_VERSION}, or check each use in that module "
            "against the new version, run tests/storage on SQLite and PostgreSQL, and move "
            "the pin and PONY_VERSION together.")


check_pony_version(pony.__version__)


def forget_reads(obj: Any) -> None:
    """Let a later read of `obj`'s row in this db_session (e.g. `get_for_update`) bring
    new values instead of raising UnrepeatableReadError.

    `obj` is an entity object of the current session. Only an object this session read
    and has not changed is touched: one with pending writes (or created in this
    session) keeps Pony's check, since forgetting would hide a lost update.
    """
    # Pony remembers, per object, which attributes this session has read (`_rbits_`) and
    # raises UnrepeatableReadError when a later read of the row brings other values for
    # them. No public API forgets them: there is no refresh or expire of one object;
    # `db_session(strict=True)` clears the cache only when the session ends;
    # `optimistic=False` only drops the checks of UPDATE's WHERE; `Entity.load()` loads
    # missing attributes only; `commit()` keeps them; `rollback()` ends the whole
    # transaction, dropping the caller's writes and every object it holds.
    if obj._wbits_ == 0:  # loaded and unchanged (None: created in this session)
        obj._rbits_ = 0


def session_open() -> bool:
    """True when this thread is inside a `db_session` (Pony's, entered by anyone)."""
    # Pony keeps the current db_session in its thread-local `pony.orm.core.local`; no
    # public API says whether one is open (a nested `db_session` is silently joined), and
    # storage.orm.transactions must know: inside a caller's session the caller owns
    # commit and retry.
    return pony.orm.core.local.db_session is not None
