"""The submissions of a dossier, each kept with its own snapshot, never overwritten.

A dossier sent back for correction and submitted again has two submissions: two
snapshots, two fingerprints, two recap PDFs in Mes documents. `freeze_recap`
appends one (storage/dossiers/actions.py); a `document` action links its PDF to
the latest. The dossier's own `snapshot` is the latest one's, for the readers
that show the dossier as it stands.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pony.orm import desc

from engine.load import plain
from storage.clock import from_db, to_db
from storage.orm.db import database
from storage.orm.transactions import transaction
from storage.receipts import current_fingerprint, show_fingerprint
from storage.views import SubmissionView


def add_submission(dossier: Any, snapshot: dict[str, Any], now: datetime) -> Any:
    """Append a Submission row to `dossier` (locked by the caller: the submit holds its
    row) with `snapshot`, `now` and the snapshot's definition_version, numbered one past
    the last (1 for the first), fingerprinted under the store's receipt key. Returns the row."""
    last = latest_submission(dossier)
    return database().Submission(
        dossier=dossier, seq=(last.seq + 1) if last is not None else 1,
        submitted_at=to_db(now), definition_version=int(snapshot["definition_version"]),
        snapshot=snapshot, fingerprint=current_fingerprint(snapshot))


def latest_submission(dossier: Any) -> Any | None:
    """The dossier's last Submission row (highest seq), None before any."""
    return dossier.submissions.select().order_by(lambda s: desc(s.seq)).first()


def submission_view(s: Any) -> SubmissionView:
    """The frozen view of a Submission row (inside its session)."""
    return SubmissionView(s.id, s.dossier.number, s.seq, from_db(s.submitted_at),
                          s.definition_version, show_fingerprint(s.fingerprint),
                          plain(s.snapshot) if s.snapshot is not None else None)


@transaction(write=False)
def submissions_of(dossier_id: int) -> list[SubmissionView]:
    """Every submission of the dossier with id `dossier_id`, oldest first ([] for a
    dossier never submitted or unknown). For agents' pages and commands: no owner
    check here, the caller decides who may read it."""
    orm = database()
    rows = orm.Submission.select(lambda s: s.dossier.id == dossier_id).order_by(
        lambda s: s.seq)
    return [submission_view(s) for s in rows]
