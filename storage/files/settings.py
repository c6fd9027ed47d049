"""How uploaded files are stored and scanned, as the deployment configured it.

web/config.py reads the settings (GUICHET_FILES_URL, GUICHET_S3_*, GUICHET_CLAMD)
and hands this to `storage.open_store(..., files=...)`; storage never reads the
environment itself.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileSettings:
    """Where uploads go and who scans them.

    `url`: None or "" for the folder `files/` of the instance folder; `file:///abs/dir`
    for another folder; `s3://bucket/prefix` for an S3-compatible bucket (the prefix
    may be empty). `s3_endpoint_url`: the S3 service's address (None: AWS itself; a
    MinIO's http://host:9000), `s3_region`, `s3_access_key_id` and
    `s3_secret_access_key` (None: boto3's own credential chain, e.g. an instance role).
    `clamd`: a clamd unix socket path ("/run/clamav/clamd.ctl") or "host:port"; None:
    no scanning. `clamd_timeout`: seconds one scan may take before clamd counts as
    unreachable.
    """

    url: str | None = None
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    clamd: str | None = None
    clamd_timeout: float = 30.0

    def __repr__(self) -> str:  # never print the secret key
        return (f"FileSettings(url={self.url!r}, s3_endpoint_url={self.s3_endpoint_url!r}, "
                f"clamd={self.clamd!r})")
