"""Files for the upload tests: real minimal ones, built here, and streams that count."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack("!I", len(data)) + kind + data
            + struct.pack("!I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png() -> bytes:
    """A valid 1x1 grey PNG (68 bytes)."""
    header = struct.pack("!IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(b"\x00\x00")) + _chunk(b"IEND", b""))


PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")
HTML = (b"<!DOCTYPE html>\n<html><head><title>x</title></head>"
        b"<body><script>alert(1)</script></body></html>\n")


class EndlessStream:
    """A binary stream that never ends: `read(n)` always gives n bytes (64 KiB when n
    is -1), and `given` counts every byte handed out."""

    def __init__(self, first: bytes = b"%PDF-1.4\n") -> None:
        self.first = first
        self.given = 0

    def read(self, n: int = -1) -> bytes:
        n = 64 * 1024 if n is None or n < 0 else n
        data = (self.first + b"0" * n)[:n] if self.given == 0 else b"0" * n
        self.given += len(data)
        return data
