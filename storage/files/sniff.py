"""What a file really is, from its bytes, never from its name.

libmagic (Debian's libmagic1, through python-magic) reads the bytes the way `file
--mime-type` does: a PDF renamed photo.png is application/pdf, an HTML page named
proof.pdf is text/html. The designer's `accept` list is compared with that.
"""

from __future__ import annotations

import magic

OCTET_STREAM = "application/octet-stream"


def detect_type(head: bytes) -> str:
    """The MIME type of a file whose first bytes are `head` (64 KiB is plenty for
    libmagic's tests), lower-case, such as "image/png"; "application/octet-stream" when
    nothing is recognised, "application/x-empty" for no bytes."""
    found = magic.from_buffer(head, mime=True)
    return (found or OCTET_STREAM).strip().lower()


def accepts(content_type: str, accept: list[str]) -> bool:
    """Whether a detected type is one of `accept`: exact MIME types ("image/png") or a
    whole family ("image/*"), compared without case. An empty list accepts nothing."""
    family = content_type.split("/", 1)[0] + "/*"
    wanted = {a.strip().lower() for a in accept}
    return content_type in wanted or family in wanted
