"""The two places uploaded bytes can live (local folder, S3 bucket), safe names, and
the backend chosen by GUICHET_FILES_URL."""

from __future__ import annotations

import hashlib
import io
import os

import boto3
import pytest
from moto import mock_aws

from storage.files import (
    FileSettings,
    LocalBlobStore,
    S3BlobStore,
    accepts,
    blob_store_for,
    detect_type,
    safe_name,
)

from .files_data import HTML, PDF, png

DATA = b"x" * 200_000 + b"end"  # several chunks


def test_local__round_trip_hash_delete(tmp_path):
    files = LocalBlobStore(str(tmp_path / "files"))
    blob = files.put(io.BytesIO(DATA))
    assert (blob.size, blob.sha256) == (len(DATA), hashlib.sha256(DATA).hexdigest())
    with files.open(blob.key) as stream:
        assert stream.read() == DATA
    assert [n for _, _, ns in os.walk(tmp_path) for n in ns] == [blob.key]  # no .part left
    files.delete(blob.key)
    files.delete(blob.key)  # already gone: nothing
    with pytest.raises(FileNotFoundError):
        files.open(blob.key)


def test_local__keys_random_and_not_paths(tmp_path):
    files = LocalBlobStore(str(tmp_path))
    assert files.put(io.BytesIO(b"a")).key != files.put(io.BytesIO(b"a")).key
    for bad in ("../../etc/passwd", "A" * 32, "ab"):
        with pytest.raises(ValueError):
            files.open(bad)


def test_local__failed_write__no_file_left(tmp_path):
    class Broken:
        def __init__(self) -> None:
            self.calls = 0

        def read(self, n: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 2:
                raise OSError("connection reset")
            return b"y" * 1000

    files = LocalBlobStore(str(tmp_path))
    with pytest.raises(OSError):
        files.put(Broken())  # type: ignore[arg-type]
    assert [n for _, _, ns in os.walk(tmp_path) for n in ns] == []


@mock_aws
def test_s3__round_trip_with_moto():
    boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="guichet")
    settings = FileSettings(url="s3://guichet/televersements", s3_region="us-east-1",
                            s3_access_key_id="test", s3_secret_access_key="test")
    files = blob_store_for(settings, "/nowhere")
    assert isinstance(files, S3BlobStore)
    blob = files.put(io.BytesIO(DATA))
    assert (blob.size, blob.sha256) == (len(DATA), hashlib.sha256(DATA).hexdigest())
    listed = boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket="guichet")
    assert [o["Key"] for o in listed["Contents"]] == [f"televersements/{blob.key}"]
    with files.open(blob.key) as stream:
        assert stream.read() == DATA
    files.delete(blob.key)
    with pytest.raises(FileNotFoundError):
        files.open(blob.key)


def test_backend_choice(tmp_path):
    local = blob_store_for(FileSettings(), str(tmp_path))
    assert isinstance(local, LocalBlobStore) and local.root == str(tmp_path / "files")
    other = blob_store_for(FileSettings(url=f"file://{tmp_path}/ailleurs"), "/x")
    assert isinstance(other, LocalBlobStore) and other.root == f"{tmp_path}/ailleurs"
    for bad in ("ftp://host/x", "s3:///prefix"):
        with pytest.raises(ValueError):
            blob_store_for(FileSettings(url=bad), str(tmp_path))


def test_settings_repr_hides_secret():
    assert "s3cr3t" not in repr(FileSettings(url="s3://b", s3_secret_access_key="s3cr3t"))


@pytest.mark.parametrize(("given", "safe"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\me\\preuve.pdf", "preuve.pdf"),
    ("a\x00b\r\n\u202ec.pdf", "abc.pdf"),
    ('"; filename=evil.html', "filename=evil.html"),
    ("...", "fichier"),
    ("", "fichier"),
    (None, "fichier"),
    ("é" * 300 + ".pdf", "é" * 116 + ".pdf"),
    (".bashrc", "bashrc"),
])
def test_safe_name(given, safe):
    assert safe_name(given) == safe


@pytest.mark.parametrize(("given", "content_type", "safe"), [
    ("photo.html", "image/png", "photo.html.png"),
    ("preuve.PDF", "application/pdf", "preuve.PDF"),
    ("scan.jpeg", "image/jpeg", "scan.jpeg"),
    ("", "image/png", "fichier.png"),
    ("data.bin", "application/x-unknown-thing", "data.bin"),
    ("é" * 300 + ".exe", "application/pdf", "é" * 116 + ".pdf"),
])
def test_safe_name__extension_of_the_detected_type(given, content_type, safe):
    assert safe_name(given, content_type) == safe


def test_detect_type_by_content():
    assert detect_type(png()) == "image/png"
    assert detect_type(PDF) == "application/pdf"
    assert detect_type(HTML) == "text/html"
    assert accepts("image/png", ["IMAGE/*"]) and not accepts("text/html", ["image/*"])
    assert not accepts("image/png", [])
