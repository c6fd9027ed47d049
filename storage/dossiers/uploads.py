"""Files applicants attach to a dossier's fields: kept, read back, deleted, frozen.

The bytes go to the store's BlobStore (storage/files: local disk or S3), one row per
file here (UploadedFile). An upload is checked in this order, and nothing is stored
when a check fails: the dossier is the caller's and editable, the field has room for
one more file, then the body is read into a temporary file no further than the
smallest of the field's limit and the dossier's remaining room (so an oversized body is
never read whole), its type is detected from its bytes and compared with `accept`,
clamd scans it when configured (fail closed), and only then are the bytes written to
the backend and the row inserted, the checks made again under the dossier's row lock.

Submitting freezes the dossier's files with its snapshot (`freeze_uploads`, called by
the `freeze_recap` action in the same transaction): a frozen file can be neither
deleted nor replaced. The field type decides which files its answers reference;
`prune_uploads` deletes the unfrozen ones no answer references any more.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any, BinaryIO

from pony.orm import select

from engine import Registry
from engine.workflow import deadline_transition, is_editable
from storage.clock import clock, to_db
from storage.definitions import pinned_to_change
from storage.dossiers.expiry import is_overdue
from storage.dossiers.registry import default_registry
from storage.dossiers.upload_rows import freeze_uploads, upload_info
from storage.errors import Locked, UploadRefused
from storage.files import ScanUnavailable, TooLarge, accepts, detect_type, safe_name, spool
from storage.orm.db import current_store, database
from storage.orm.rows import owned_dossier, owned_public_row
from storage.orm.transactions import transaction
from storage.views import UploadInfo

log = logging.getLogger(__name__)

__all__ = [
    "delete_upload", "dossier_uploads", "freeze_uploads", "prune_uploads", "store_upload",
    "upload_for_owner",
]


def _editable_dossier(registry: Registry, account_id: int, number: str,
                      for_update: bool) -> Any:
    """The account's dossier `number` if its files may change now (NotFound when not
    the account's; UploadRefused("not_editable") when its state is not editable, its
    deadline passed, or its type left forms/): the rule save_section applies."""
    dossier = owned_dossier(account_id, number, for_update=for_update)
    try:
        compiled = pinned_to_change(registry, dossier)
    except Locked:
        raise UploadRefused("not_editable") from None
    overdue = (is_overdue(dossier, clock.today())
               and deadline_transition(compiled.definition, dossier.status) is not None)
    if overdue or not is_editable(compiled.definition, dossier.status):
        raise UploadRefused("not_editable")
    return dossier


def _room(dossier: Any, field_path: str, max_files: int, dossier_max_bytes: int) -> int:
    """Bytes the dossier may still take; UploadRefused when the field already holds
    `max_files` files ("too_many") or the dossier has no room left ("dossier_full")."""
    if select(u for u in database().UploadedFile
              if u.dossier == dossier and u.field_path == field_path).count() >= max_files:
        raise UploadRefused("too_many", max_files)
    used = select(u.size for u in database().UploadedFile if u.dossier == dossier).sum() or 0
    if used >= dossier_max_bytes:
        raise UploadRefused("dossier_full", dossier_max_bytes)
    return dossier_max_bytes - used


@transaction(write=False)
def _room_before(registry: Registry, account_id: int, number: str, field_path: str,
                 max_files: int, dossier_max_bytes: int) -> int:
    return _room(_editable_dossier(registry, account_id, number, False), field_path,
                 max_files, dossier_max_bytes)


@transaction(write=True)
def _insert(registry: Registry, account_id: int, number: str, field_path: str, name: str,
            size: int, sha256: str, content_type: str, key: str, scan_status: str,
            max_files: int, dossier_max_bytes: int) -> UploadInfo:
    dossier = _editable_dossier(registry, account_id, number, True)
    if size > _room(dossier, field_path, max_files, dossier_max_bytes):
        raise UploadRefused("dossier_full", dossier_max_bytes)
    row = database().UploadedFile(
        account=dossier.owner, dossier=dossier, field_path=field_path, name=name, size=size,
        sha256=sha256, content_type=content_type, storage_key=key,
        created_at=to_db(clock.now()), scan_status=scan_status)
    return upload_info(row)


def store_upload(account_id: int, dossier_number: str, field_path: str,
                 filename: str | None, stream: BinaryIO, *, accept: list[str],
                 max_bytes: int, max_files: int, dossier_max_bytes: int,
                 registry: Registry | None = None) -> UploadInfo:
    """Keep one file for a field of the account's dossier; its UploadInfo.

    `field_path`: the field's place in the answers ("preuve", "groupe.1.preuve"; up to
    200 characters, opaque here). `filename`: the name the browser sent (only shown,
    made safe: storage.files.safe_name, the detected type's extension added when its
    own is another's). `stream`: the body, read in chunks, never past
    the limit. `accept`: MIME types ("application/pdf", "image/*") the bytes must be;
    `max_bytes`: this file's limit; `max_files`: files the field may hold;
    `dossier_max_bytes`: all the dossier's files together. `registry`: None for the
    current store's.

    Raises NotFound (not the account's dossier) or UploadRefused(code) with code
    "not_editable", "too_many", "dossier_full", "too_large" (reading stopped at
    max_bytes + 64 KiB at most), "empty", "type", "infected" or "scan_unavailable"
    (clamd configured and unreachable: fail closed). Nothing is stored when it raises.
    """
    registry = registry or default_registry()
    if len(field_path) > 200 or not field_path:
        raise ValueError("field_path: 1 to 200 characters")
    room = _room_before(registry, account_id, dossier_number, field_path, max_files,
                        dossier_max_bytes)
    try:
        spooled = spool(stream, min(max_bytes, room))
    except TooLarge:
        if max_bytes <= room:
            raise UploadRefused("too_large", max_bytes) from None
        raise UploadRefused("dossier_full", dossier_max_bytes) from None
    with spooled.file:
        if spooled.size == 0:
            raise UploadRefused("empty")
        content_type = detect_type(spooled.head)
        if not accepts(content_type, accept):
            raise UploadRefused("type")
        store = current_store()
        scan_status = "not_scanned"
        if store.scanner is not None:
            try:
                verdict = store.scanner.scan(spooled.file)
            except ScanUnavailable as exc:
                log.error("upload refused: virus scanner unavailable (%s)", exc)
                raise UploadRefused("scan_unavailable") from None
            if not verdict.clean:
                log.warning("upload refused: clamd found %s", verdict.signature)
                raise UploadRefused("infected")
            scan_status = "clean"
            spooled.file.seek(0)
        blob = store.files.put(spooled.file)
    try:
        return _insert(registry, account_id, dossier_number, field_path,
                       safe_name(filename, content_type), blob.size, blob.sha256,
                       content_type, blob.key, scan_status, max_files, dossier_max_bytes)
    except BaseException:
        store.files.delete(blob.key)
        raise


@transaction(write=False)
def _owned_upload(account_id: int, file_id: str) -> tuple[UploadInfo, str]:
    row = owned_public_row(database().UploadedFile, file_id, account_id)
    return upload_info(row), row.storage_key


def upload_for_owner(account_id: int, file_id: str) -> tuple[UploadInfo, BinaryIO]:
    """One of the account's uploaded files and its bytes as a stream (the caller
    closes it). NotFound for an unknown id and for another account's file alike (the
    web answers 404, never 403). FileNotFoundError when the row's bytes are missing
    from the backend (lost data: not hidden as a 404)."""
    info, key = _owned_upload(account_id, file_id)
    return info, current_store().files.open(key)


@transaction(write=False)
def dossier_uploads(account_id: int, dossier_number: str,
                    field_path: str | None = None) -> list[UploadInfo]:
    """The account's files of one dossier (NotFound when not the account's), oldest
    first; only those of `field_path` when given."""
    dossier = owned_dossier(account_id, dossier_number)
    rows = select(u for u in database().UploadedFile if u.dossier == dossier)
    if field_path is not None:
        rows = rows.filter(lambda u: u.field_path == field_path)
    return [upload_info(r) for r in rows.order_by(lambda u: (u.created_at, u.id))]


@transaction(write=True)
def _delete_row(registry: Registry, account_id: int, file_id: str) -> str:
    row = owned_public_row(database().UploadedFile, file_id, account_id)
    if row.frozen_at is not None:
        raise UploadRefused("frozen")
    _editable_dossier(registry, account_id, row.dossier.number, True)
    key = row.storage_key
    row.delete()
    return key


def delete_upload(account_id: int, file_id: str, registry: Registry | None = None) -> None:
    """Delete one of the account's files, row then bytes. NotFound when unknown or not
    the account's; UploadRefused("frozen") once submitted with its dossier,
    UploadRefused("not_editable") when the dossier can no longer change."""
    key = _delete_row(registry or default_registry(), account_id, file_id)
    current_store().files.delete(key)


@transaction(write=True)
def _prune_rows(account_id: int, dossier_number: str, referenced: frozenset[str]
                ) -> list[str]:
    dossier = owned_dossier(account_id, dossier_number, for_update=True)
    rows = [u for u in select(u for u in database().UploadedFile
                              if u.dossier == dossier and u.frozen_at is None)[:]
            if u.public_id not in referenced]
    keys = [r.storage_key for r in rows]
    for row in rows:
        row.delete()
    return keys


def prune_uploads(account_id: int, dossier_number: str, referenced: Collection[str]) -> int:
    """Delete the dossier's unfrozen files whose id is not in `referenced` (the ids the
    dossier's answers still name, as the field type reads them): files uploaded then
    replaced or removed from an answer. Rows go in one transaction, bytes after it
    commits. Frozen files stay whatever `referenced` says. NotFound when the dossier
    is not the account's. Returns how many files were deleted."""
    keys = _prune_rows(account_id, dossier_number, frozenset(referenced))
    files = current_store().files
    for key in keys:
        files.delete(key)
    return len(keys)


