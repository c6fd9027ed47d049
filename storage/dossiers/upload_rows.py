"""Uploaded files' rows as views, and freezing them: what the submission needs.

Apart from storage/dossiers/uploads.py so that the submission's actions
(storage/dossiers/actions.py) can freeze files without importing the upload path,
which reads the dossier's deadline through the expiry module that runs those actions.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pony.orm import select

from storage.clock import from_db, to_db
from storage.orm.db import database
from storage.views import UploadInfo


def upload_info(row: Any) -> UploadInfo:
    """The view of an UploadedFile row (inside its session)."""
    return UploadInfo(id=row.public_id, field_path=row.field_path, name=row.name,
                      size=row.size, sha256=row.sha256, content_type=row.content_type,
                      created=from_db(row.created_at), frozen=row.frozen_at is not None)



def freeze_uploads(dossier: Any, now: datetime) -> int:
    """Freeze every file of `dossier` (a Dossier row, inside the submitting
    transaction) at `now`: from then on none can be deleted or replaced. The number of
    files frozen now (those already frozen are left as they were)."""
    rows = select(u for u in database().UploadedFile
                  if u.dossier == dossier and u.frozen_at is None)[:]
    for row in rows:
        row.frozen_at = to_db(now)
    return len(rows)
