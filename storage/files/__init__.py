"""Uploaded files' bytes: where they are kept, what they really are, whether they are clean.

Nothing here touches the database: `storage.dossiers.uploads` keeps the rows (who,
which dossier, which field) and calls these pieces. The bytes live outside the
database behind a small interface (`BlobStore`: put a stream, open, delete), on the
local disk under the instance folder by default or in an S3-compatible bucket.
"""

from storage.files.backends import (
    BlobStore,
    LocalBlobStore,
    S3BlobStore,
    StoredBlob,
    blob_store_for,
)
from storage.files.names import safe_name
from storage.files.scan import ClamdScanner, ScanUnavailable, Verdict
from storage.files.settings import FileSettings
from storage.files.sniff import accepts, detect_type
from storage.files.spool import TooLarge, spool

__all__ = [
    "BlobStore", "ClamdScanner", "FileSettings", "LocalBlobStore", "S3BlobStore",
    "ScanUnavailable", "StoredBlob", "TooLarge", "Verdict", "accepts", "blob_store_for",
    "detect_type", "safe_name", "spool",
]
