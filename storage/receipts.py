"""Receipts: the signed fingerprint of each submission, and checking a recap PDF.

Every recap PDF carries in its footer the dossier number, the definition version
and a short fingerprint of the snapshot it shows: an HMAC-SHA256, under the
server's key, of the SHA-256 of the snapshot's canonical JSON. Only the server
can make one, and the stored fingerprints and PDF hashes let anyone holding a PDF
(an agent, `guichet receipts verify`) learn whether it is a recap issued here,
and of which submission, or a copy whose bytes were changed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import io
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pypdf
from pypdf.errors import PyPdfError

from storage.clock import from_db
from storage.orm.db import current_store, database
from storage.orm.transactions import transaction
from storage.views import ReceiptCheck

FINGERPRINT_CHARS = 20  # base32 characters kept: 100 bits
GROUP = 4  # characters per group when shown
# a fingerprint as printed (groups of 4 separated by spaces) or typed (hyphens, none)
_PRINTED = re.compile(r"(?<![A-Z2-7])(?:[A-Z2-7]{4}[ \-]?){4}[A-Z2-7]{4}(?![A-Z2-7])")

log = logging.getLogger("guichet.receipts")


def canonical_json(snapshot: dict[str, Any]) -> bytes:
    """The snapshot as canonical JSON: keys sorted, no spaces, UTF-8 (non-ASCII kept as
    is). The same dict always gives the same bytes."""
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def fingerprint(snapshot: dict[str, Any], key: bytes) -> str:
    """The snapshot's fingerprint under `key`: HMAC-SHA256(key, SHA-256(canonical JSON)),
    base32, its first 20 characters (A-Z, 2-7; 100 bits), no separator. Stable for one
    snapshot and key; another key gives another fingerprint."""
    digest = hashlib.sha256(canonical_json(snapshot)).digest()
    signed = hmac.new(key, digest, hashlib.sha256).digest()
    return base64.b32encode(signed).decode("ascii")[:FINGERPRINT_CHARS]


def current_fingerprint(snapshot: dict[str, Any]) -> str:
    """`fingerprint` under the current store's receipt key."""
    return fingerprint(snapshot, current_store().receipt_key)


def show_fingerprint(value: str) -> str:
    """A fingerprint as printed and shown: groups of 4 separated by spaces
    ("ABCD EFGH IJKL MNOP QRST")."""
    return " ".join(value[i:i + GROUP] for i in range(0, len(value), GROUP))


def normalize_fingerprint(typed: str) -> str:
    """A typed fingerprint as stored: spaces, hyphens and case ignored ("abcd-efgh ..."
    -> "ABCDEFGH..."). Any other character is kept, so such a text matches nothing."""
    return re.sub(r"[\s\-]", "", typed).upper()


@contextlib.contextmanager
def _pypdf_quiet() -> Iterator[None]:
    """pypdf's logger silenced while reading a given file: its warnings about a broken
    or foreign file ("invalid pdf header", "EOF marker not found") would reach stderr of
    `guichet receipts verify` and the logs; the verdict says it all."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(level)


def pdf_fingerprints(pdf_bytes: bytes) -> list[str]:
    """Every fingerprint-shaped text in the PDF (normalised), in reading order; [] for
    bytes that are no readable PDF. pypdf's warnings are silenced (`_pypdf_quiet`)."""
    try:
        with _pypdf_quiet():
            reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        log.info("receipt check: the file given is no readable PDF")
        return []
    return [normalize_fingerprint(m.group(0)) for m in _PRINTED.finditer(text)]


def _by_fingerprint(value: str) -> Any | None:
    """The Submission row with this stored fingerprint (normalised), None if none."""
    return database().Submission.select(lambda s: s.fingerprint == value).first()


def _found(status: str, submission: Any) -> ReceiptCheck:
    return ReceiptCheck(status, submission.dossier.number, submission.seq,
                        from_db(submission.submitted_at), submission.definition_version,
                        submission.dossier.type_id)


@transaction(write=False)
def verify_receipt(pdf_bytes: bytes | None = None,
                   fingerprint: str | None = None) -> ReceiptCheck:
    """Whether a recap PDF, or a fingerprint typed in, is one issued here, and of which
    submission.

    `pdf_bytes`: "match" when their SHA-256 is that of a recap PDF this server stored;
    otherwise "altered" when the PDF's text names a known fingerprint (a copy whose
    bytes were changed: refused), else "unknown". `fingerprint`: "match" when it is a
    submission's (spaces, hyphens and case ignored), else "unknown". ValueError when
    neither or both are given. Issue #17: the receipt check says whether it matches a
    submission, and which one.
    """
    if (pdf_bytes is None) == (fingerprint is None):
        raise ValueError("give the PDF's bytes or a fingerprint, one of them")
    if fingerprint is not None:
        found = _by_fingerprint(normalize_fingerprint(fingerprint))
        return _found("match", found) if found is not None else ReceiptCheck("unknown")
    digest = hashlib.sha256(pdf_bytes).hexdigest()
    document = database().Document.select(lambda d: d.sha256 == digest).first()
    if document is not None and document.submission is not None:
        return _found("match", document.submission)
    for printed in pdf_fingerprints(pdf_bytes):
        found = _by_fingerprint(printed)
        if found is not None:
            return _found("altered", found)
    return ReceiptCheck("unknown")
