"""Retention: the personal data of dossiers long in a final state is purged.

`workflow.retention: {after: 730d, in_states: [ferme, expire]}`: once a dossier has
been `after` in one of those states, every place holding what the applicant gave or
what was written about them is emptied (`purge_personal_data`, the one list of those
places). What stays is what the service must keep to account for its work: the
number, type, definition version, state, dates and the audit trail (with the purge
itself recorded). The purge is done once (a claim row and `purged_at`).
"""

from __future__ import annotations

from datetime import datetime

from pony.orm import select

from engine import Registry
from engine.model import Text
from storage.clock import to_db
from storage.definitions import definition_of
from storage.dossiers import audit
from storage.dossiers.status import status_since
from storage.errors import NotFound
from storage.orm.db import current_store, database
from storage.orm.transactions import transaction
from storage.schedules.claims import RETENTION, claim

# What a message of a purged dossier says instead of its subject and body.
PURGED_SUBJECT = Text(fr="Message supprimé", en="Message deleted")
PURGED_BODY = Text(
    fr="Le contenu de ce message a été supprimé à la fin de la durée de conservation "
       "des renseignements personnels de ce dossier.",
    en="The content of this message was deleted at the end of the period for which "
       "this file's personal information is kept.")
# Audit events whose detail holds personal data (old and new names, birth date...; the
# reason an agent gave for a correction, storage/dossiers/actions.py):
# the purge keeps the event (who, what, when) and replaces its detail.
PERSONAL_AUDIT_ACTIONS = ("profile_identity", "correction_requested")
_REDACT_AUDIT = ('UPDATE "audit_event" SET "detail" = $detail '
                 'WHERE "dossier_id" = $dossier_id AND "action" = $action')


def purge_personal_data(dossier: object, now: datetime) -> list[str]:
    """Empty every place personal data of `dossier` (a Dossier entity, inside a write
    transaction) lives, and mark it purged at `now`. Returns the blob keys of its
    uploaded files, to delete from the file store once the transaction committed.

    The places: the answers ({}) and the submitted snapshot (None); every submission's
    snapshot; the archived answers (values None; which field and why stay); answers
    kept aside after a session ended (rows deleted); uploaded files (rows deleted,
    bytes by the caller); documents of Mes documents (rows and PDF bytes deleted); the
    identity an agent registered (names, sex, birth date: None) and the queue's
    search words made of those names; its messages'
    subjects and bodies (a neutral text in the owner's language); the detail of audit
    events holding identity changes. Kept: number, type, version, state, dates, owner.
    """
    d = dossier
    orm = database()
    d.answers = {}
    d.snapshot = None
    for submission in d.submissions:  # seq, dates and fingerprint stay
        submission.snapshot = None
    for archived in d.archive:
        archived.value = None
    for kept in list(d.kept_answers):
        kept.delete()
    keys = [u.storage_key for u in d.uploads]
    for upload in list(d.uploads):
        upload.delete()
    for document in list(d.documents):
        document.delete()
    d.given_names = d.family_names = d.sex = ""  # Pony keeps empty strings, not NULL
    d.birth_date = None
    for word in list(d.search_words):  # the queue's search words are the names
        word.delete()
    for message in d.messages:
        lang = message.account.lang
        message.subject = PURGED_SUBJECT.get(lang)
        message.body = PURGED_BODY.get(lang)
    for action in PERSONAL_AUDIT_ACTIONS:  # raw SQL: audit rows are otherwise never changed
        orm.execute(_REDACT_AUDIT, {}, {"detail": '{"purged": true}', "dossier_id": d.id,
                                        "action": action})
    d.purged_at = to_db(now)
    d.version += 1
    return keys


@transaction(write=False)
def _candidates(type_id: str, version: int, states: list[str], cutoff: datetime
                ) -> list[int]:
    """Dossiers of that version in `states`, not purged, whose state may be older than
    `cutoff` (naive UTC); those without status_changed_at are judged one by one."""
    orm = database()
    return list(select(
        d.id for d in orm.Dossier
        if d.type_id == type_id and d.definition_version == version and d.status in states
        and d.purged_at is None
        and (d.status_changed_at is not None and d.status_changed_at <= cutoff
             or d.status_changed_at is None and d.created_at <= cutoff)
    ).order_by(lambda i: i)[:])


@transaction(write=True)
def _purge(dossier_id: int, states: tuple[str, ...], after_seconds: float,
           now: datetime) -> list[str] | None:
    """Purge one dossier if it is still due and nobody did; its blob keys, else None."""
    dossier = database().Dossier.get_for_update(id=dossier_id)
    if (dossier is None or dossier.purged_at is not None or dossier.status not in states
            or (now - status_since(dossier)).total_seconds() < after_seconds):
        return None
    if not claim(dossier, RETENTION, "purge", now):
        return None
    state_since = status_since(dossier)
    keys = purge_personal_data(dossier, now)
    audit.record(audit.SYSTEM, "retention_purge", dossier,
                 {"state": dossier.status, "since": state_since.isoformat(),
                  "files": len(keys)})
    return keys


def purge_due(registry: Registry, now: datetime) -> int:
    """Purge every dossier past its type's retention (each by the version it is pinned
    to; a type without `retention` keeps everything); returns how many were purged.
    Each dossier is one transaction; its files' bytes are deleted after it commits."""
    purged = 0
    files = current_store().files
    for type_id, version in _pinned_types():
        try:
            compiled = definition_of(registry, type_id, version)
        except NotFound:
            continue
        retention = compiled.definition.workflow.retention
        if retention is None:
            continue
        cutoff = to_db(now - retention.after)
        states = retention.in_states
        for dossier_id in _candidates(type_id, version, sorted(states), cutoff):
            keys = _purge(dossier_id, states, retention.after.total_seconds(), now)
            if keys is None:
                continue
            purged += 1
            for key in keys:
                files.delete(key)
    return purged


@transaction(write=False)
def _pinned_types() -> list[tuple[str, int]]:
    orm = database()
    return sorted(set(select((d.type_id, d.definition_version) for d in orm.Dossier
                             if d.purged_at is None)[:]))
