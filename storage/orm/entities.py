"""The Pony entities, defined on a given `Database` so each store has its own.

Pony ties entities to one `Database` and a database to one binding; defining
them in a function lets `open_store()` build a fresh, bound `Database` for each
app (two apps, the tests, the benchmark: several databases in one process).
Table and column names are fixed here because raw SQL (numbering, bulk loads)
uses them. The Account's profile columns are the profile schema's fields
(engine/profile.yaml): their names and lengths are declared there, once.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from pony.orm import (
    Database,
    Json,
    LongStr,
    Optional,
    PrimaryKey,
    Required,
    Set,
    composite_index,
    composite_key,
)

from engine.profile import PROFILE, ProfileField

NUMBER_LENGTH = 40  # characters of a dossier number, at most (its column)
# The largest row id: Pony's `int` is PostgreSQL's 32-bit INTEGER. A larger id cannot
# name a row, and PostgreSQL (or SQLite, past 64 bits) refuses it as a parameter.
ROW_ID_MAX = 2**31 - 1


def row_by_id(entity: Any, row_id: int) -> Any | None:
    """The row of `entity` (a Pony entity class) whose id is `row_id`, or None, also for
    an id no row can have (under 1, over ROW_ID_MAX: the database refuses it as a
    parameter, and Pony raises ValueError). Every lookup of a row by an id that came
    from outside (a URL, a form, a command line) goes through it."""
    return entity.get(id=row_id) if 0 < row_id <= ROW_ID_MAX else None


def profile_column(field: ProfileField) -> Optional:
    """The column of one profile field (engine/profile.yaml): a date, or a string of
    the field's max_length characters (VARCHAR(n) on PostgreSQL). Existing databases
    were created with these lengths: the schema keeps them, so no column changes."""
    if field.kind == "date":
        return Optional(date)
    return Optional(str, field.max_length)


def column(attribute: Any) -> str:
    """The column of a Pony entity's attribute (one column: `attribute.columns[0]`), for
    the raw statements, whose names all come from the entities: a renamed column cannot
    be missed there."""
    return attribute.columns[0]


PUBLIC_ID_LENGTH = 32


def new_public_id() -> str:
    """A fresh public id for a row whose address is in URLs (messages, documents):
    16 bytes from the OS CSPRNG, URL-safe base64, 22 characters; unguessable, unlike
    the sequential primary key. Unique: a unique index made by `init_db`."""
    return secrets.token_urlsafe(16)


def define_entities(db: Database) -> None:
    """Declare every table of Guichet on `db` (before `generate_mapping`)."""

    # Built with type() rather than a class statement: the profile's columns come from
    # the profile schema, one per field kept in the profile, named by its key.
    Account = type("Account", (db.Entity,), {
        "__doc__": "An applicant with the profile the guide calls the Arrima profile.",
        "__module__": __name__,
        "_table_": "account",
        "id": PrimaryKey(int, auto=True),
        # stored lower-cased: unique ignoring case
        "email": Required(str, PROFILE.fields["email"].max_length, unique=True),
        "password_hash": Required(str, 255),
        "lang": Required(str, 2, default="fr"),
        "created_at": Required(datetime, precision=6),
        **{f.key: profile_column(f) for f in PROFILE.stored()},
        "dossiers": Set("Dossier"),
        "messages": Set("Message"),
        "documents": Set("Document"),
        "reset_tokens": Set("PasswordResetToken"),
        "kept_answers": Set("KeptAnswers"),
        "uploads": Set("UploadedFile"),
        "api_tokens": Set("ApiToken"),
    })

    class Dossier(db.Entity):
        """One application; `owner` is empty while an agent-registered dossier waits
        for its applicant to link it, found by the registered identity."""

        _table_ = "dossier"
        id = PrimaryKey(int, auto=True)
        number = Required(str, NUMBER_LENGTH, unique=True)
        type_id = Required(str, 100)
        definition_version = Required(int)
        status = Required(str, 100)
        answers = Required(Json)
        created_at = Required(datetime, precision=6)
        deadline = Required(date)
        submitted_at = Optional(datetime, precision=6)
        version = Required(int, default=1)  # optimistic locking: +1 on every write
        owner = Optional(Account, column="owner_id")
        # the identity an agent registered, compared with the profile's (same columns)
        given_names = profile_column(PROFILE.fields["given_names"])
        family_names = profile_column(PROFILE.fields["family_names"])
        sex = profile_column(PROFILE.fields["sex"])
        birth_date = profile_column(PROFILE.fields["birth_date"])
        snapshot = Optional(Json, nullable=True)
        # when `status` last changed (storage.dossiers.status.set_status); NULL for
        # dossiers older than the column: read as their submission or creation
        status_changed_at = Optional(datetime, precision=6)
        # the retention purge removed its personal data (storage/schedules/retention.py)
        purged_at = Optional(datetime, precision=6)
        schedule_runs = Set("ScheduleRun")
        messages = Set("Message")
        documents = Set("Document")
        events = Set("AuditEvent")
        kept_answers = Set("KeptAnswers")
        archive = Set("ArchivedAnswer")
        uploads = Set("UploadedFile")
        search_words = Set("SearchWord")
        # the agent in charge (the `assign` action of an agent transition), if any
        assigned_agent = Optional("Agent", column="assigned_agent_id")
        submissions = Set("Submission")
        # "Mes dossiers" lists one owner's dossiers newest first: one index range scan.
        composite_index(owner, created_at)
        # `guichet dossiers expire` looks for drafts past their deadline.
        composite_index(status, deadline)

    class SearchWord(db.Entity):
        """One word of the names an agent finds a dossier by (storage/dossiers/search_words.py):
        the owner's and the registered identity's given and family names, folded
        (case, accents and separators ignored). Rows, not one column, so that a prefix
        of any word is one index range (its index on (word, dossier) is made by
        init_db), whatever the number of dossiers."""

        _table_ = "dossier_search_word"
        dossier = Required(Dossier, column="dossier_id")
        word = Required(str, 100)
        PrimaryKey(dossier, word)

    class DossierCount(db.Entity):
        """How many dossiers each (type, state) holds, kept by database triggers on
        `dossier` (storage/queue/counts.py, made by init_db): the agents' queue shows
        the counts without counting a million rows per page."""

        _table_ = "dossier_count"
        type_id = Required(str, 100)
        status = Required(str, 100)
        n = Required(int, size=64)
        PrimaryKey(type_id, status)

    class Message(db.Entity):
        """A message in the applicant's message centre."""

        _table_ = "message"
        id = PrimaryKey(int, auto=True)
        # in URLs instead of `id`; its unique index is made by init_db (storage/orm/db.py)
        public_id = Required(str, PUBLIC_ID_LENGTH, default=new_public_id)
        account = Required(Account, column="account_id")
        dossier = Optional(Dossier, column="dossier_id")
        subject = Required(str, 500)
        body = Required(str)
        created_at = Required(datetime, precision=6)
        read_at = Optional(datetime, precision=6)
        # who wrote it: "service" (the definition's messages, an agent's) or "applicant"
        # (a reply from the message centre, storage/dossiers/replies.py)
        author = Required(str, 20, default="service", sql_default="'service'")
        # an applicant's reply no agent has seen yet: when it came (None once an agent
        # opened its dossier, and for every other message); the queue marks the dossier
        unseen_since = Optional(datetime, precision=6)
        composite_index(account, created_at)

    class Document(db.Entity):
        """A document of "Mes documents"; content NULL until it is rendered."""

        _table_ = "document"
        id = PrimaryKey(int, auto=True)
        # in URLs instead of `id`; its unique index is made by init_db (storage/orm/db.py)
        public_id = Required(str, PUBLIC_ID_LENGTH, default=new_public_id)
        account = Required(Account, column="account_id")
        dossier = Optional(Dossier, column="dossier_id")
        kind = Required(str, 100)
        name = Required(str, 500)
        filename = Required(str, 255)
        content_type = Required(str, 100)
        content = Optional(bytes, lazy=True)
        created_at = Required(datetime, precision=6)
        claimed_at = Optional(datetime, precision=6)  # a worker is rendering it
        # the submission whose snapshot it shows (None: a document made before submissions
        # were kept one by one; it shows the dossier's snapshot)
        submission = Optional("Submission", column="submission_id")
        # SHA-256 (hex) of `content`, set with it: a receipt is checked against it
        sha256 = Optional(str, 64, index="idx_document__sha256", nullable=True)
        composite_index(account, created_at)

    class Submission(db.Entity):
        """One submission of a dossier, kept for ever (storage/dossiers/submissions.py):
        the snapshot frozen then and its fingerprint (storage/receipts.py). A correction
        and a new submission add a row; none is ever overwritten. `snapshot` is None
        only once the retention purge removed its personal data."""

        _table_ = "submission"
        id = PrimaryKey(int, auto=True)
        dossier = Required(Dossier, column="dossier_id")
        seq = Required(int)  # 1, 2, ... per dossier
        submitted_at = Required(datetime, precision=6)
        definition_version = Required(int)
        snapshot = Optional(Json, nullable=True)
        # 20 base32 characters, no separator (storage.receipts.fingerprint)
        fingerprint = Required(str, 32, index="idx_submission__fingerprint")
        documents = Set(Document)
        composite_key(dossier, seq)

    class OutgoingEmail(db.Entity):
        """An email queued in the same transaction as what caused it (the outbox)."""

        _table_ = "outgoing_email"
        id = PrimaryKey(int, auto=True)
        to = Required(str, 254, column="recipient")
        subject = Required(str, 500)
        body = Required(str)
        attempts = Required(int, default=0)
        last_error = Optional(str, nullable=True)
        next_attempt_at = Required(datetime, precision=6)
        sent_at = Optional(datetime, precision=6)
        created_at = Required(datetime, precision=6)
        # made once when queued, sent with every try: a retry is the same email to mail
        # systems (RFC 5322 3.6.4), not a new one
        # (unique: its index is made by init_db, storage/orm/db.py)
        message_id = Required(str, 255)
        # "password_reset": its body holds RESET_TOKEN_SLOT, filled when sent, and an
        # address with no account is dropped then (storage/accounts/password_reset.py);
        # "signup": a SignupRequest's link, or the "already registered" email
        # (storage/accounts/signup.py)
        purpose = Optional(str, 40, nullable=True)
        composite_index(sent_at, next_attempt_at)

    class PasswordResetToken(db.Entity):
        """A single-use "Mot de passe oublié ?" link: only the token's hash is kept, so
        a copy of the database cannot be used to take over accounts."""

        _table_ = "password_reset_token"
        id = PrimaryKey(int, auto=True)
        account = Required(Account, column="account_id")
        token_hash = Required(str, 64, unique=True)
        created_at = Required(datetime, precision=6)
        expires_at = Required(datetime, precision=6)
        used_at = Optional(datetime, precision=6)

    class SignupRequest(db.Entity):
        """A registration waiting for its address to be confirmed: the account is made
        from it when the emailed link is followed (storage/accounts/signup.py). Only the
        token's hash is kept; the request goes once used, superseded or expired."""

        _table_ = "signup_request"
        id = PrimaryKey(int, auto=True)
        address = Required(str, PROFILE.fields["email"].max_length, index=True)
        email_id = Required(int, unique=True)  # the outbox row carrying its link
        password_hash = Required(str, 255)
        profile = Required(Json)
        lang = Required(str, 2)
        # what goes instead when the address has an account by the time it is sent
        known_subject = Required(str, 500)
        known_body = Required(str)
        token_hash = Optional(str, 64, unique=True, nullable=True)
        created_at = Required(datetime, precision=6)
        expires_at = Required(datetime, precision=6, index=True)

    class AuditEvent(db.Entity):
        """Who did what to which dossier, and when."""

        _table_ = "audit_event"
        id = PrimaryKey(int, auto=True)
        actor = Required(str, 200)
        action = Required(str, 100)
        dossier = Optional(Dossier, column="dossier_id")
        at = Required(datetime, precision=6)
        detail = Optional(Json, nullable=True)
        # the client address of an agent's action (IPv6 text is at most 45 characters)
        address = Optional(str, 45, nullable=True)

        def before_update(self) -> None:
            """Audit rows are written once: nothing in the application changes them."""
            raise TypeError("audit events cannot be changed")

        def before_delete(self) -> None:
            """Audit rows are written once: nothing in the application deletes them."""
            raise TypeError("audit events cannot be deleted")

    class Agent(db.Entity):
        """A back-office agent (storage/agents): logs in at /agent/ with a password and
        a TOTP code. Only hashes are kept of the password and of the enrolment token;
        `last_totp_step` is the 30-second step of the last code accepted, so a code
        works once. `types`: the dossier type ids the agent may see."""

        _table_ = "agent"
        id = PrimaryKey(int, auto=True)
        email = Required(str, PROFILE.fields["email"].max_length, unique=True)  # lower-cased
        name = Required(str, 200)
        role = Required(str, 20)  # "agent" | "supervisor"
        types = Required(Json)  # list of dossier type ids
        password_hash = Optional(str, 255, nullable=True)
        totp_secret = Optional(str, 64, nullable=True)
        last_totp_step = Optional(int, size=64, nullable=True)
        enrolment_token_hash = Optional(str, 64, unique=True, nullable=True)
        enrolment_expires_at = Optional(datetime, precision=6)
        enrolled_at = Optional(datetime, precision=6)
        disabled_at = Optional(datetime, precision=6)
        created_at = Required(datetime, precision=6)
        dossiers = Set(Dossier)

    class ApiToken(db.Entity):
        """A token of the JSON API (storage/accounts/api_tokens.py): an access or a refresh token
        of one login's chain (`chain`: the same for every token issued from one
        `POST /tokens` and its refreshes). Only the token's SHA-256 is kept."""

        _table_ = "api_token"
        id = PrimaryKey(int, auto=True)
        account = Required(Account, column="account_id")
        chain = Required(str, 32, index=True)
        kind = Required(str, 10)  # "access" | "refresh"
        token_hash = Required(str, 64, unique=True)
        created_at = Required(datetime, precision=6)
        expires_at = Required(datetime, precision=6)
        used_at = Optional(datetime, precision=6)  # a refresh token, once exchanged
        revoked_at = Optional(datetime, precision=6)

    class IdempotencyRecord(db.Entity):
        """One `Idempotency-Key` of the JSON API and the answer it got
        (storage/api/idempotency.py): claimed by an insert under the unique (account,
        key) in the transaction of the submission or creation it guards, so a key
        submits or creates at most once. Plain ids, no foreign keys: a record outlives
        nothing it names for long (purged after a day), and never holds back a
        dossier's or account's deletion."""

        _table_ = "idempotency_record"
        id = PrimaryKey(int, auto=True)
        account_id = Required(int)
        key = Required(str, 255, column="idem_key")
        # what the key answered: "submit" (submit_once) or "create" (create_once);
        # records kept before creates had keys are submissions' (the column's default)
        operation = Required(str, 20, default="submit", sql_default="'submit'")
        dossier_id = Required(int)  # the submitted or created dossier (0 while creating)
        status = Required(int)  # the HTTP status answered (0 while its transaction runs)
        body = Optional(LongStr, nullable=True)  # the JSON answered, as text
        lang = Required(str, 2)  # the language of `body` (Content-Language again)
        created_at = Required(datetime, precision=6, index=True)
        composite_key(account_id, key)

    class EndedSession(db.Entity):
        """A logged-out web session, refused until its cookie would be dead anyway
        (storage/accounts/ended_sessions.py); only a hash of the session id is kept."""

        _table_ = "ended_session"
        sid_hash = PrimaryKey(str, 64)
        until = Required(datetime, precision=6, index=True)

    class ArchivedAnswer(db.Entity):
        """An answer a dossier no longer holds, kept for ever with it: hidden by other
        answers, a choice no longer offered, a question a migration dropped
        (storage/dossiers/archive.py). Never deleted, never shown to the applicant; read
        with the audit trail."""

        _table_ = "dossier_archive"
        id = PrimaryKey(int, auto=True)
        dossier = Required(Dossier, column="dossier_id")
        field_id = Required(str, 100)
        value = Optional(Json, nullable=True)  # the stored value, as it was (False included)
        from_version = Required(int)  # the definition version the answer was stored under
        at = Required(datetime, precision=6)
        why = Required(str, 40)
        composite_index(dossier, at)

    class KeptAnswers(db.Entity):
        """A section's answers posted after its session expired (or was logged out in
        another tab), or from a page of a version the draft has left since: kept aside,
        never in the dossier, for that account to save or discard (after logging in
        again; storage/dossiers/kept_answers.py). One row per account, dossier and
        section; the newest replaces the older."""

        _table_ = "kept_answers"
        id = PrimaryKey(int, auto=True)
        account = Required(Account, column="account_id")
        dossier = Required(Dossier, column="dossier_id")
        section_id = Required(str, 100)
        answers = Required(Json)
        created_at = Required(datetime, precision=6, index=True)  # purged after KEPT_DAYS
        # why they were not saved: "session_ended", or "form_updated" (typed on a page
        # of a version the draft has left since)
        reason = Required(str, 20, default="session_ended", sql_default="'session_ended'")
        composite_key(account, dossier, section_id)

    class Attempt(db.Entity):
        """One counted attempt (a login, a link, a reset asked...) against one key, kept
        until its window has passed (storage/attempts.py). Times are epoch microseconds; only
        a SHA-256 of the key is kept, so the table names no email nor address."""

        _table_ = "attempt"
        key_hash = Required(str, 64)
        at = Required(int, size=64)
        expires = Required(int, size=64, index=True)
        composite_index(key_hash, at)

    class PublishedDefinition(db.Entity):
        """One published version of a dossier type: its YAML text exactly as loaded, the
        sha256 of that text, and when it was first published (storage/definitions.py).
        Never changed once written: dossiers pinned to (type_id, version) are read
        with this text even after forms/ moved on or dropped the type."""

        _table_ = "published_definition"
        id = PrimaryKey(int, auto=True)
        type_id = Required(str, 100)
        version = Required(int)
        text = Required(LongStr)
        source_hash = Required(str, 64)
        published_at = Required(datetime, precision=6)
        composite_key(type_id, version)

    class DossierNumber(db.Entity):
        """A dossier number given out or registered: claimed with one atomic insert, so
        two transactions drawing the same random number never both keep it
        (storage/dossiers/numbering.py)."""

        _table_ = "dossier_number"
        number = PrimaryKey(str, 40)

    class UploadedFile(db.Entity):
        """A file an applicant attached to a field of a dossier: its bytes are in the
        store's BlobStore under `storage_key` (storage/files), never in the database
        and never under the applicant's file name (storage/dossiers/uploads.py).
        `frozen_at`: set by the submission that froze it with the snapshot; from then
        on it can be neither deleted nor replaced."""

        _table_ = "uploaded_file"
        id = PrimaryKey(int, auto=True)
        public_id = Required(str, PUBLIC_ID_LENGTH, unique=True, default=new_public_id)
        account = Required(Account, column="account_id")
        dossier = Required(Dossier, column="dossier_id")
        field_path = Required(str, 200)  # "preuve" or "groupe.1.preuve": opaque here
        name = Required(str, 255)  # storage.files.safe_name of the name given
        size = Required(int, size=64)  # bytes
        sha256 = Required(str, 64)
        content_type = Required(str, 100)  # detected from the bytes
        storage_key = Required(str, 300)
        created_at = Required(datetime, precision=6)
        frozen_at = Optional(datetime, precision=6)
        scan_status = Required(str, 20)  # "clean" (clamd said OK) or "not_scanned"
        composite_index(dossier, field_path)

    class ScheduleRun(db.Entity):
        """A scheduled job done once for a dossier (storage/schedules): a reminder sent,
        a schedule transition taken, a retention purge. Its row is inserted before the
        work, in the same transaction, under a unique (dossier, kind, key): of two
        workers reaching the same dossier at once, the second finds the row and does
        nothing."""

        _table_ = "schedule_run"
        id = PrimaryKey(int, auto=True)
        dossier = Required(Dossier, column="dossier_id")
        kind = Required(str, 40)  # "reminder", "transition", "retention"
        key = Required(str, 200, column="run_key")  # e.g. "14d:rappel" or a transition id
        at = Required(datetime, precision=6)
        composite_key(dossier, kind, key)
