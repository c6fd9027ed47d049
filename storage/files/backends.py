"""Where uploaded files' bytes are kept: the local disk, or an S3-compatible bucket.

Both are `BlobStore`s: `put` a stream (a new random key, the size and SHA-256 of what
was written), `open` a key for reading, `delete` a key. Keys are random
(`secrets.token_hex`), never derived from the applicant's file name, so a name cannot
climb out of the folder or guess another file's place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, Protocol
from urllib.parse import urlsplit

from storage.files.settings import FileSettings
from storage.files.spool import CHUNK, copy_hashing

LOCAL_FOLDER = "files"  # in the instance folder, when GUICHET_FILES_URL is unset


@dataclass(frozen=True)
class StoredBlob:
    """What `put` wrote: its `key` (to open or delete it), `size` in bytes, `sha256`
    (64 lower-case hex digits)."""

    key: str
    size: int
    sha256: str


class BlobStore(Protocol):
    """The interface every backend offers."""

    def put(self, stream: BinaryIO) -> StoredBlob:
        """Write the whole stream under a new random key."""

    def open(self, key: str) -> BinaryIO:
        """The bytes under `key`, to read (the caller closes it); FileNotFoundError when
        there are none."""

    def delete(self, key: str) -> None:
        """Forget `key` (nothing when it is already gone)."""


def new_key() -> str:
    """A fresh random key: 32 hex digits (128 bits), in two levels of folders on disk."""
    return secrets.token_hex(16)


class LocalBlobStore:
    """Files in a folder of the local disk: `<root>/ab/abcdef...` (the key's first two
    digits make a subfolder). A write goes to a temporary file in the same folder,
    flushed to disk, then renamed: a file is there whole or not at all."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)

    def path(self, key: str) -> str:
        """The file of `key`; ValueError for a key that is not one of ours."""
        if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
            raise ValueError("not a file key")
        return os.path.join(self.root, key[:2], key)

    def put(self, stream: BinaryIO) -> StoredBlob:
        """See BlobStore.put."""
        key = new_key()
        final = self.path(key)
        os.makedirs(os.path.dirname(final), mode=0o700, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=os.path.dirname(final), prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as target:
                size, sha256, _ = copy_hashing(stream, target)
                target.flush()
                os.fsync(target.fileno())
            os.replace(temporary, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return StoredBlob(key, size, sha256)

    def open(self, key: str) -> BinaryIO:
        """See BlobStore.open."""
        return open(self.path(key), "rb")  # noqa: SIM115 (the caller closes it)

    def delete(self, key: str) -> None:
        """See BlobStore.delete."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path(key))


class _HashingReader:
    """Reads a stream through, counting and hashing what was read (S3 uploads)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.size = 0
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        chunk = self.stream.read(n if n is not None and n >= 0 else CHUNK)
        self.size += len(chunk)
        self.digest.update(chunk)
        return chunk


class S3BlobStore:
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph...), under `prefix`,
    through boto3. The bucket must exist; a multipart upload is used for large files
    (boto3's upload_fileobj)."""

    def __init__(self, bucket: str, prefix: str = "", *, client: Any = None,
                 settings: FileSettings | None = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        if client is None:
            import boto3

            settings = settings or FileSettings()
            client = boto3.client(
                "s3", endpoint_url=settings.s3_endpoint_url, region_name=settings.s3_region,
                aws_access_key_id=settings.s3_access_key_id,
                aws_secret_access_key=settings.s3_secret_access_key)
        self.client = client

    def name(self, key: str) -> str:
        """The object's name for `key`."""
        return self.prefix + key

    def put(self, stream: BinaryIO) -> StoredBlob:
        """See BlobStore.put."""
        key = new_key()
        reader = _HashingReader(stream)
        self.client.upload_fileobj(reader, self.bucket, self.name(key))
        return StoredBlob(key, reader.size, reader.digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        """See BlobStore.open."""
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self.name(key))
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None
        body: IO[bytes] = found["Body"]
        return body  # type: ignore[return-value]

    def delete(self, key: str) -> None:
        """See BlobStore.delete."""
        self.client.delete_object(Bucket=self.bucket, Key=self.name(key))


def blob_store_for(settings: FileSettings, instance_path: str) -> BlobStore:
    """The backend `settings.url` names: unset -> `<instance_path>/files`;
    file:///abs/dir -> that folder; s3://bucket/prefix -> that bucket (boto3 client
    from the s3_* settings). ValueError for another scheme or an s3:// without bucket."""
    if not settings.url:
        return LocalBlobStore(os.path.join(instance_path, LOCAL_FOLDER))
    url = urlsplit(settings.url)
    if url.scheme == "file":
        return LocalBlobStore(url.path)
    if url.scheme == "s3":
        if not url.netloc:
            raise ValueError("GUICHET_FILES_URL: s3:// needs a bucket (s3://bucket/prefix)")
        return S3BlobStore(url.netloc, url.path, settings=settings)
    raise ValueError(f"GUICHET_FILES_URL: unsupported scheme {url.scheme!r} "
                     "(use s3://bucket/prefix or file:///folder, or leave it unset)")
