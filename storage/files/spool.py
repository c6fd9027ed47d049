"""Reading an upload into a temporary file, counting and hashing, never past a limit.

The body is read in chunks: as soon as one byte more than the limit has been read,
reading stops and what was read is thrown away, so an oversized file is never stored
and a huge stream is never read whole (nor held in memory: past SPOOL_MEMORY bytes the
temporary file is on disk).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from typing import IO, BinaryIO

CHUNK = 64 * 1024  # bytes read at a time
SPOOL_MEMORY = 1024 * 1024  # bytes kept in memory before the temporary file goes to disk
HEAD = 64 * 1024  # bytes kept from the start for type detection


class TooLarge(Exception):
    """The stream holds more than the limit; nothing was kept. `limit` in bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


@dataclass
class Spooled:
    """A whole upload, read: `file` positioned at 0 (a temporary file, the caller
    closes it), `size` in bytes, `sha256` (64 lower-case hex digits), `head` its first
    bytes (up to HEAD) for type detection."""

    file: IO[bytes]
    size: int
    sha256: str
    head: bytes


def copy_hashing(source: BinaryIO, target: IO[bytes], limit: int | None = None
                 ) -> tuple[int, str, bytes]:
    """Copy `source` to `target` in CHUNK-byte reads: (bytes copied, SHA-256 hex, first
    HEAD bytes). With `limit`, raises TooLarge as soon as more than `limit` bytes were
    read (at most `limit` + CHUNK bytes are ever read)."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    while True:
        chunk = source.read(CHUNK)
        if not chunk:
            return size, digest.hexdigest(), head
        size += len(chunk)
        if limit is not None and size > limit:
            raise TooLarge(limit)
        if len(head) < HEAD:
            head += chunk[:HEAD - len(head)]
        digest.update(chunk)
        target.write(chunk)


def spool(stream: BinaryIO, limit: int) -> Spooled:
    """Read `stream` (a binary file-like object) into a temporary file; TooLarge (the
    temporary file gone) when it holds more than `limit` bytes."""
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115 (returned)
    try:
        size, sha256, head = copy_hashing(stream, file, limit)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return Spooled(file, size, sha256, head)
