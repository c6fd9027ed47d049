"""Plain frozen views of stored rows: what `storage` hands out instead of Pony entities.

A view stays valid after its session ends and cannot write back by accident,
so the web layer can keep one in a template without keeping a transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from engine.profile import PROFILE

# The profile as the web layer sees it: every value a string, "" when empty. Its keys
# are the profile schema's fields kept in the profile (engine/profile.yaml), in order.
PROFILE_FIELDS: tuple[str, ...] = tuple(f.key for f in PROFILE.stored())
# The values of the schema's `sex` choice; a registered dossier's identity uses them too.
SEXES: tuple[str, ...] = PROFILE.fields["sex"].values


@dataclass(frozen=True)
class AccountView:
    """An applicant account: `email` lower-cased, `lang` "fr" or "en", `profile`: field
    key (PROFILE_FIELDS) -> str ("" when empty, dates YYYY-MM-DD), `password_hash` an
    Argon2id string, `created_at` aware UTC."""

    id: int
    email: str
    lang: str
    profile: dict[str, str]
    password_hash: str
    created_at: datetime


@dataclass(frozen=True)
class DossierView:
    """One dossier as stored.

    `answers`: field id -> value as stored (str, bool, list[str]), cleaned by the
    engine; `status`: a state id of the definition `definition_version` of `type_id`;
    `created_at`, `submitted_at` (None before submission): aware UTC; `deadline`: the
    last day to submit, in the service's zone (Guide: "Date limite pour soumettre");
    `version`: + 1 at every write (optimistic locking); `owner_id`: None while an
    agent-registered dossier waits to be linked; `snapshot`: what was frozen at
    submission (profile, answers, recap per language), None before.
    """

    id: int
    number: str
    type_id: str
    definition_version: int
    status: str
    answers: dict[str, Any]
    created_at: datetime
    deadline: date
    submitted_at: datetime | None
    version: int
    owner_id: int | None
    snapshot: dict[str, Any] | None
    # Set only on what the save that migrated the draft returns (storage.save_section):
    # the MigrationNotice as plain data, for the page to show once.
    migration: dict[str, Any] | None = None


@dataclass(frozen=True)
class DossierStamp:
    """What identifies one state of a dossier, read without its answers: pages rendered
    from a dossier can be reused while its (number, version) stays the same, because
    every write to a dossier adds 1 to its version."""

    number: str
    type_id: str
    status: str
    version: int
    # False when the deadline passed and the dossier still waits for its deadline
    # transition: reading the whole dossier (get_dossier) moves it first.
    settled: bool
    # the version of its type's definition the dossier is pinned to (issue 14)
    definition_version: int = 0


@dataclass(frozen=True)
class Visit:
    """What a logged-in page needs to know besides its own data (storage/visits.py)."""

    ended: bool  # logged out, or the password was reset since: its cookie is refused
    unread_messages: int  # the number on the envelope
    number: str | None = None  # the dossier asked about, if any
    dossier: DossierStamp | None = None  # its stamp; None if not the account's
    names: tuple[str, str] = ("", "")  # the account's (given names, family names)
    kept: bool = False  # answers are kept aside for the account in that dossier


@dataclass(frozen=True)
class TokenVisit:
    """What every request of the JSON API needs to know first (storage.token_visit):
    whose access token it carries and, when its address names a dossier, that
    dossier's stamp."""

    account_id: int
    number: str | None = None  # the dossier asked about, if any (stripped)
    dossier: DossierStamp | None = None  # its stamp; None if not the account's
    # the whole dossier as storage.get_dossier would read it (a settled one only), when
    # asked for: a write (the API's PUT) judges what it is sent against its answers
    view: DossierView | None = None
    # with the whole dossier: whether answers are kept aside for the account in it
    # (storage.keep_answers), so that a save can skip looking for them (`kept_aside`)
    kept: bool = True


@dataclass(frozen=True)
class MessageView:
    """A message of the message centre: `public_id` its unguessable address in URLs
    (`id` is internal, never shown), `subject` and `body` plain text in the language
    it was written in, `created_at` aware UTC, `read_at` None while unread; `author`
    "service" (sent to the applicant) or "applicant" (their reply, read from the start)."""

    id: int
    public_id: str
    dossier_number: str | None
    subject: str
    body: str
    created_at: datetime
    read_at: datetime | None
    author: str = "service"


@dataclass(frozen=True)
class DocumentView:
    """A document of Mes documents, without its bytes: `kind` the definition's document
    id, `name` its title in the owner's language, `filename` the download's name,
    `content_type` e.g. "application/pdf", `ready` False until the worker rendered it;
    `public_id` its unguessable address in URLs (`id` is internal, never shown)."""

    id: int
    public_id: str
    dossier_number: str | None
    kind: str
    name: str
    filename: str
    content_type: str
    created_at: datetime
    ready: bool


@dataclass(frozen=True)
class EmailView:
    """An email of the outbox: plain-text `subject` and `body`, `attempts` failed so far,
    `last_error` (at most 2,000 characters), `next_attempt_at` and `sent_at` (None until
    sent) aware UTC, `message_id` the Message-ID header ("<...@host>"), the same for
    every try; `purpose` "password_reset" for a reset link still to be made, else None."""

    id: int
    to: str
    subject: str
    body: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    sent_at: datetime | None
    message_id: str
    purpose: str | None = None


@dataclass(frozen=True)
class UploadInfo:
    """An uploaded file: `id` its random public id (22 characters, in URLs), the
    `field_path` it was given for, `name` the applicant's file name made safe (for
    Content-Disposition), `size` in bytes, `sha256` (64 hex digits), `content_type`
    detected from its bytes, `created` aware UTC, `frozen` (submitted with its dossier:
    it can no longer be deleted)."""

    id: str
    field_path: str
    name: str
    size: int
    sha256: str
    content_type: str
    created: datetime
    frozen: bool


@dataclass(frozen=True)
class SubmissionView:
    """One submission of a dossier (storage.submissions_of): `seq` 1 for the first, 2 for
    the one after a correction...; `submitted_at` aware UTC; `definition_version` the
    version that judged its answers; `fingerprint` its short signed fingerprint as
    printed on its recap PDF ("ABCD EFGH IJKL MNOP QRST", storage.show_fingerprint);
    `snapshot` what was frozen then (None once the retention purge removed it)."""

    id: int
    dossier_number: str
    seq: int
    submitted_at: datetime
    definition_version: int
    fingerprint: str
    snapshot: dict[str, Any] | None


@dataclass(frozen=True)
class ReceiptCheck:
    """What `storage.verify_receipt` found. `status`: "match" (the PDF's bytes are a recap
    issued here, or the typed fingerprint is a submission's), "altered" (the PDF names a
    known fingerprint but its bytes are not the ones issued: refused) or "unknown"
    (nothing issued here matches). The submission's dossier `number`, `seq`,
    `submitted_at` (aware UTC), `definition_version` and the dossier's `type_id` for
    "match" and "altered", None for "unknown"."""

    status: str
    number: str | None = None
    seq: int | None = None
    submitted_at: datetime | None = None
    definition_version: int | None = None
    type_id: str | None = None  # the dossier's type, to keep a check to the types granted


@dataclass(frozen=True)
class KeptAside:
    """Answers kept aside for one section (storage/dossiers/kept_answers.py): `answers`
    (field id -> value, as posted, in the terms of the dossier's version) and `reason`
    ("session_ended", or "form_updated": typed on a page of a version the draft has
    left since)."""

    answers: dict[str, Any]
    reason: str
