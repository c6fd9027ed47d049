"""Submitting once per `Idempotency-Key`: the JSON API's retry-safe submission.

A phone on a bad network sends a submission, loses the answer and sends it again. The
app marks each attempt with a key (a UUID); `submit_once` makes the key submit at most
once and gives the first answer again for every retry.

The claim is a row of `idempotency_record` under a unique (account, key), inserted with
ON CONFLICT DO NOTHING at the start of the transaction that submits (as the schedules
claim their jobs, storage/schedules/claims.py): a second request with the same key
waits on that insert for the first transaction (PostgreSQL) or for its turn (SQLite's
write transactions take turns), then inserts nothing and reads the answer the first
one stored, committed together with the submission. Never two submissions, and never
a submission without its answer kept.

A refused attempt (answers to correct, deadline passed, already submitted...) rolls
back with its claim: nothing is remembered, so the same key may be sent again after
the answers were corrected, and is then judged anew. Records are kept
`KEEP_FOR` (24 hours): a key older than that is forgotten (each new claim deletes the
expired records first, so the table holds about a day of keys; `purge_idempotency`
does it alone, for a command or a test).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine import Registry
from storage.clock import clock, to_db
from storage.dossiers.submission import submit
from storage.dossiers.submissions import submissions_of
from storage.errors import StorageError
from storage.orm.db import database
from storage.orm.rows import owned_dossier
from storage.orm.transactions import transaction
from storage.views import DossierView, SubmissionView

KEEP_FOR = timedelta(hours=24)
KEY_MAX = 255  # characters of a key (its column)

_CLAIM = ('INSERT INTO "idempotency_record" '
          '("account_id", "idem_key", "dossier_id", "status", "lang", "created_at") '
          "VALUES ($account_id, $key, $dossier_id, 0, $lang, $at) "
          'ON CONFLICT ("account_id", "idem_key") DO NOTHING RETURNING "id"')


class IdempotencyKeyReused(StorageError):
    """The key already answered a submission of another dossier of the account (within
    KEEP_FOR): a key names one attempt, on one dossier."""


@dataclass(frozen=True)
class IdempotentAnswer:
    """What a key answers: the HTTP `status` and JSON `body` (a dict) of its first
    request, `lang` the language that body was written in, and whether this is that
    first answer given again (`replayed`)."""

    status: int
    body: dict[str, Any]
    lang: str
    replayed: bool


Render = Callable[[DossierView, SubmissionView | None], dict[str, Any]]


def _forget_expired(now: datetime) -> int:
    expired = to_db(now - KEEP_FOR)
    return database().IdempotencyRecord.select(
        lambda r: r.created_at < expired).delete(bulk=True)


def _claim(account_id: int, key: str, dossier_id: int, lang: str) -> bool:
    now = clock.now()
    orm = database()
    _forget_expired(now)  # the table holds a day of keys, never more
    row = orm.execute(_CLAIM, {}, {"account_id": account_id, "key": key,
                                   "dossier_id": dossier_id, "lang": lang,
                                   "at": to_db(now)}).fetchone()
    return row is not None


@transaction(write=True)
def submit_once(registry: Registry, account_id: int, number: str, key: str, lang: str,
                render: Render) -> IdempotentAnswer:
    """Submit the account's dossier `number` (storage.submit) once for `key` (1 to
    KEY_MAX characters, the client's `Idempotency-Key`), in `lang` ("fr" or "en").

    First use of the key: the submission runs; `render(dossier, submission)` (the
    dossier as submitted and its newest SubmissionView, None for a transition that
    makes none) builds the JSON body answered (a dict of JSON values, written in
    `lang`), kept with the key in the same transaction; returns it with status 200,
    `replayed` False. The same key again on the same dossier, within KEEP_FOR: the
    kept answer, `replayed` True, nothing run (a request sent at the same moment
    waits for the first one's commit). Raises, with nothing kept: NotFound (not the
    account's dossier), IdempotencyKeyReused (the key answered another dossier),
    SubmitRefused and Locked (as storage.submit), ValueError for an empty or too long
    key."""
    if not key or len(key) > KEY_MAX:
        raise ValueError("an idempotency key has 1 to 255 characters")
    dossier = owned_dossier(account_id, number)
    if not _claim(account_id, key, dossier.id, lang):
        record = database().IdempotencyRecord.get(account_id=account_id, key=key)
        if record.dossier_id != dossier.id:
            raise IdempotencyKeyReused(f"key used for another dossier than {number}")
        return IdempotentAnswer(record.status, json.loads(record.body), record.lang, True)
    view = submit(registry, account_id, number, lang=lang)
    done = submissions_of(view.id)
    body = render(view, done[-1] if done else None)
    record = database().IdempotencyRecord.get(account_id=account_id, key=key)
    record.status = 200
    record.body = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return IdempotentAnswer(200, body, lang, False)


@transaction(write=True)
def purge_idempotency() -> int:
    """Forget every idempotency record older than KEEP_FOR (its key may then be used
    again); returns how many went. Each new claim does it too."""
    return _forget_expired(clock.now())
