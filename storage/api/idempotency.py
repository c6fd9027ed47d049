"""Submitting and creating once per `Idempotency-Key`: the JSON API's retry-safe
submission and creation of a dossier.

A phone on a bad network sends a submission (or a create), loses the answer and sends
it again. The app marks each attempt with a key (a UUID); `submit_once` makes the key
submit at most once, `create_once` makes it create at most one draft, and both give the
first answer again for every retry. A record says which `operation` it answered
("submit" or "create"): a key names one attempt of one operation, and sent with the
other (or, for a create, with another dossier type) it is refused
(IdempotencyKeyReused), never replayed as an answer to a different request.

The claim is a row of `idempotency_record` under a unique (account, key), inserted with
ON CONFLICT DO NOTHING at the start of the transaction that submits (as the schedules
claim their jobs, storage/schedules/claims.py): a second request with the same key
waits on that insert for the first transaction (PostgreSQL) or for its turn (SQLite's
write transactions take turns), then inserts nothing and reads the answer the first
one stored, committed together with the submission. Never two submissions, and never
a submission without its answer kept. A create claims the same way before making its
draft (the claim names no dossier yet: dossier_id 0 until the draft is made, in the
same transaction).

A refused attempt (answers to correct, deadline passed, already submitted, a profile
not eligible for the type...) rolls
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
from storage.dossiers.lifecycle import create_dossier
from storage.dossiers.submission import submit
from storage.dossiers.submissions import submissions_of
from storage.errors import StorageError
from storage.orm.db import database
from storage.orm.entities import row_by_id
from storage.orm.rows import owned_dossier
from storage.orm.transactions import transaction
from storage.views import DossierView, SubmissionView

KEEP_FOR = timedelta(hours=24)
KEY_MAX = 255  # characters of a key (its column)
SUBMIT = "submit"  # IdempotencyRecord.operation of submit_once
CREATE = "create"  # ... and of create_once

_CLAIM = ('INSERT INTO "idempotency_record" ("account_id", "idem_key", "operation", '
          '"dossier_id", "status", "lang", "created_at") '
          "VALUES ($account_id, $key, $operation, $dossier_id, 0, $lang, $at) "
          'ON CONFLICT ("account_id", "idem_key") DO NOTHING RETURNING "id"')


class IdempotencyKeyReused(StorageError):
    """The key already answered (within KEEP_FOR) another request of the account: a
    submission of another dossier, a create (sent now with a submission), a
    submission (sent now with a create), or a create of another dossier type. A key
    names one attempt of one operation, on one dossier."""


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
CreateRender = Callable[[DossierView], dict[str, Any]]


def _forget_expired(now: datetime) -> int:
    expired = to_db(now - KEEP_FOR)
    return database().IdempotencyRecord.select(
        lambda r: r.created_at < expired).delete(bulk=True)


def _check_key(key: str) -> None:
    if not key or len(key) > KEY_MAX:
        raise ValueError("an idempotency key has 1 to 255 characters")


def _claim(account_id: int, key: str, operation: str, dossier_id: int, lang: str) -> bool:
    now = clock.now()
    orm = database()
    _forget_expired(now)  # the table holds a day of keys, never more
    row = orm.execute(_CLAIM, {}, {"account_id": account_id, "key": key,
                                   "operation": operation, "dossier_id": dossier_id,
                                   "lang": lang, "at": to_db(now)}).fetchone()
    return row is not None


def _answered(record: Any) -> IdempotentAnswer:
    return IdempotentAnswer(record.status, json.loads(record.body), record.lang, True)


def _keep(account_id: int, key: str, dossier_id: int, status: int,
          body: dict[str, Any]) -> None:
    record = database().IdempotencyRecord.get(account_id=account_id, key=key)
    record.dossier_id = dossier_id
    record.status = status
    record.body = json.dumps(body, ensure_ascii=False, separators=(",", ":"))


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
    _check_key(key)
    dossier = owned_dossier(account_id, number)
    if not _claim(account_id, key, SUBMIT, dossier.id, lang):
        record = database().IdempotencyRecord.get(account_id=account_id, key=key)
        if record.operation != SUBMIT:
            raise IdempotencyKeyReused(f"key used for a {record.operation}, not a submit")
        if record.dossier_id != dossier.id:
            raise IdempotencyKeyReused(f"key used for another dossier than {number}")
        return _answered(record)
    view = submit(registry, account_id, number, lang=lang)
    done = submissions_of(view.id)
    body = render(view, done[-1] if done else None)
    _keep(account_id, key, dossier.id, 200, body)
    return IdempotentAnswer(200, body, lang, False)


@transaction(write=True)
def create_once(registry: Registry, account_id: int, type_id: str, key: str, lang: str,
                render: CreateRender) -> IdempotentAnswer:
    """Create a draft of `type_id` for the account (storage.create_dossier) once for
    `key` (1 to KEY_MAX characters, the client's `Idempotency-Key`), in `lang` ("fr" or
    "en").

    First use of the key: the draft is made; `render(dossier)` (the new DossierView)
    builds the JSON body answered (a dict of JSON values, written in `lang`), kept with
    the key and the new dossier's id in the same transaction; returns it with status
    201, `replayed` False. The same key again for the same type, within KEEP_FOR: the
    kept answer (its body names the dossier made then), `replayed` True, nothing
    created (a request sent at the same moment waits for the first one's commit).
    Raises, with nothing kept: IdempotencyKeyReused (the key answered a submission, or
    created a dossier of another type), NotEligible and NotFound (as
    storage.create_dossier: the profile fails the type's eligibility, an unknown type or
    account), ValueError for an empty or too long key."""
    _check_key(key)
    if not _claim(account_id, key, CREATE, 0, lang):
        orm = database()
        record = orm.IdempotencyRecord.get(account_id=account_id, key=key)
        if record.operation != CREATE:
            raise IdempotencyKeyReused(f"key used for a {record.operation}, not a create")
        made = row_by_id(orm.Dossier, record.dossier_id)
        if made is None or made.type_id != type_id:
            raise IdempotencyKeyReused(f"key used to create another type than {type_id}")
        return _answered(record)
    view = create_dossier(registry, account_id, type_id)
    body = render(view)
    _keep(account_id, key, view.id, 201, body)
    return IdempotentAnswer(201, body, lang, False)


@transaction(write=True)
def purge_idempotency() -> int:
    """Forget every idempotency record older than KEEP_FOR (its key may then be used
    again); returns how many went. Each new claim does it too."""
    return _forget_expired(clock.now())
