"""Uploaded files: stored outside the database with their hash, checked by content and
size before anything is kept, the owner's only, frozen by the submission."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
from datetime import timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

import storage
from storage.files import S3BlobStore
from storage.files.spool import CHUNK

from .conftest import count, rows
from .files_data import HTML, PDF, EndlessStream, png

LIMITS = {"max_bytes": 1024 * 1024, "max_files": 3, "dossier_max_bytes": 10 * 1024 * 1024}


@pytest.fixture(autouse=True)
def empty_files(db: storage.Store) -> None:
    """Each test starts with no file stored (the instance folder lives for the session)."""
    shutil.rmtree(db.files.root, ignore_errors=True)


def upload(account_id: int, number: str, data: bytes | Any, filename: str = "preuve.png",
           field: str = "preuve", accept: list[str] | None = None,
           **limits: int) -> storage.UploadInfo:
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    return storage.store_upload(account_id, number, field, filename, stream,
                                accept=accept or ["image/png", "application/pdf"],
                                **{**LIMITS, **limits})


def stored_files(store: storage.Store) -> list[str]:
    """Every file under the local backend's folder (temporary ones included)."""
    root = store.files.root
    return [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]


def refused(code: str, *args: Any, **kwargs: Any) -> storage.UploadRefused:
    with pytest.raises(storage.UploadRefused) as caught:
        upload(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


def test_upload__png__kept_with_size_hash_type_and_read_back(db, account, draft):
    data = png()
    info = upload(account.id, draft.number, data, filename="../../etc/ma preuve.png")
    assert (info.name, info.size, info.content_type, info.frozen, info.field_path) == (
        "ma preuve.png", len(data), "image/png", False, "preuve")
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert len(info.id) >= 22 and info.created.tzinfo is not None
    got, stream = storage.upload_for_owner(account.id, info.id)
    with stream:
        assert stream.read() == data
    assert got == info
    assert storage.dossier_uploads(account.id, draft.number) == [info]
    assert storage.dossier_uploads(account.id, draft.number, "autre") == []
    row = rows("UploadedFile")[0]
    assert row["scan_status"] == "not_scanned"
    # stored under a random key, never under the applicant's name
    [path] = stored_files(db)
    assert "preuve" not in path and os.path.basename(path) == row["storage_key"]


def test_upload__pdf_named_png__refused_by_content(db, account, draft):
    refused("type", account.id, draft.number, PDF, filename="photo.png", accept=["image/png"])
    assert count("UploadedFile") == 0 and stored_files(db) == []


def test_upload__html_named_pdf__refused_by_content(db, account, draft):
    refused("type", account.id, draft.number, HTML, filename="preuve.pdf",
            accept=["application/pdf"])
    assert count("UploadedFile") == 0 and stored_files(db) == []


def test_upload__png_named_html__kept_with_the_png_extension(account, draft):
    assert upload(account.id, draft.number, png(), filename="page.html").name == "page.html.png"


def test_upload__real_pdf_and_image_family__accepted(account, draft):
    assert upload(account.id, draft.number, PDF, filename="x.pdf",
                  accept=["application/pdf"]).content_type == "application/pdf"
    assert upload(account.id, draft.number, png(), accept=["image/*"]).content_type == "image/png"


def test_upload__oversized__refused_before_stored_and_not_read_whole(db, account, draft):
    stream = EndlessStream()
    refused("too_large", account.id, draft.number, stream, filename="x.pdf", max_bytes=200_000)
    assert stream.given <= 200_000 + CHUNK
    assert count("UploadedFile") == 0 and stored_files(db) == []


def test_upload__exactly_the_limit__accepted(account, draft):
    data = PDF + b"%" * (4096 - len(PDF))
    assert upload(account.id, draft.number, data, max_bytes=4096).size == 4096
    refused("too_large", account.id, draft.number, data + b"%", max_bytes=4096)


def test_upload__field_full__too_many(account, draft):
    upload(account.id, draft.number, png(), max_files=1)
    refused("too_many", account.id, draft.number, png(), max_files=1)
    assert upload(account.id, draft.number, png(), field="autre", max_files=1)


def test_upload__dossier_total__dossier_full(db, account, draft):
    upload(account.id, draft.number, PDF + b"%" * 600, field="a", dossier_max_bytes=1000)
    stream = EndlessStream()
    refused("dossier_full", account.id, draft.number, stream, field="b",
            dossier_max_bytes=1000)
    assert stream.given <= 1000 + CHUNK
    assert count("UploadedFile") == 1 and len(stored_files(db)) == 1


def test_upload__empty__refused(account, draft):
    refused("empty", account.id, draft.number, b"")


def test_upload__other_account__not_found_everywhere(make_account, account, draft):
    other = make_account()
    info = upload(account.id, draft.number, png())
    with pytest.raises(storage.NotFound):
        storage.upload_for_owner(other.id, info.id)
    with pytest.raises(storage.NotFound):
        storage.delete_upload(other.id, info.id)
    with pytest.raises(storage.NotFound):
        storage.dossier_uploads(other.id, draft.number)
    with pytest.raises(storage.NotFound):
        upload(other.id, draft.number, png())
    for bad in ("x" * 500, "a\x00b", "", info.id + "x"):
        with pytest.raises(storage.NotFound):
            storage.upload_for_owner(account.id, bad)
    assert count("UploadedFile") == 1


def test_delete__owner__row_and_bytes_gone(db, account, draft):
    info = upload(account.id, draft.number, png())
    storage.delete_upload(account.id, info.id)
    assert count("UploadedFile") == 0 and stored_files(db) == []
    with pytest.raises(storage.NotFound):
        storage.upload_for_owner(account.id, info.id)


def test_submit__freezes_files_in_snapshot__no_delete_no_new_upload(
        db, registry, account, valid_draft):
    info = upload(account.id, valid_draft.number, png())
    submitted = storage.submit(registry, account.id, valid_draft.number)
    assert [u["id"] for u in submitted.snapshot["uploads"]] == [info.id]
    assert submitted.snapshot["uploads"][0]["sha256"] == info.sha256
    assert storage.dossier_uploads(account.id, valid_draft.number)[0].frozen
    refused("not_editable", account.id, valid_draft.number, png())
    with pytest.raises(storage.UploadRefused) as caught:
        storage.delete_upload(account.id, info.id)
    assert caught.value.code == "frozen"
    assert storage.prune_uploads(account.id, valid_draft.number, set()) == 0
    assert count("UploadedFile") == 1 and len(stored_files(db)) == 1


def test_submit__without_files__snapshot_has_no_uploads_key(registry, account, valid_draft):
    assert "uploads" not in storage.submit(registry, account.id, valid_draft.number).snapshot


def test_upload__deadline_passed__not_editable(account, draft):
    storage.clock.set(storage.clock.now() + timedelta(days=400))
    refused("not_editable", account.id, draft.number, png())
    assert count("UploadedFile") == 0


def test_prune__unreferenced_unfrozen_deleted(db, account, draft):
    kept = upload(account.id, draft.number, png())
    dropped = upload(account.id, draft.number, PDF, filename="x.pdf")
    assert storage.prune_uploads(account.id, draft.number, {kept.id}) == 1
    assert [u.id for u in storage.dossier_uploads(account.id, draft.number)] == [kept.id]
    assert len(stored_files(db)) == 1
    with pytest.raises(storage.NotFound):
        storage.upload_for_owner(account.id, dropped.id)


def test_upload__row_refused_at_insert__bytes_removed(db, account, draft, monkeypatch):
    from storage.dossiers import uploads

    def full(*args: Any, **kwargs: Any) -> int:
        raise storage.UploadRefused("too_many", 1)

    real = uploads._room
    calls = iter([real, full])
    monkeypatch.setattr(uploads, "_room", lambda *a, **k: next(calls)(*a, **k))
    with pytest.raises(storage.UploadRefused):
        upload(account.id, draft.number, png())
    assert count("UploadedFile") == 0 and stored_files(db) == []




def test_upload__s3_backend__kept_in_the_bucket_read_back_deleted(db, account, draft,
                                                                  monkeypatch):
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="guichet")
        monkeypatch.setattr(db, "files", S3BlobStore("guichet", "prod", client=client))
        info = upload(account.id, draft.number, png())
        [stored] = client.list_objects_v2(Bucket="guichet")["Contents"]
        assert stored["Key"] == "prod/" + rows("UploadedFile")[0]["storage_key"]
        _, stream = storage.upload_for_owner(account.id, info.id)
        assert stream.read() == png()
        storage.delete_upload(account.id, info.id)
        assert client.list_objects_v2(Bucket="guichet")["KeyCount"] == 0
