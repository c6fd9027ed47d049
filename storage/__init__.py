"""Storage: Pony ORM on SQLite or PostgreSQL, and the dossier lifecycle.

The engine decides; storage keeps. The web layer calls only what is
re-exported here (see docs/storage-contract.md), never a query, never an entity.
"""

from storage.accounts.account import (
    create_account,
    find_account_by_email,
    get_account,
    normalize_email,
    set_lang,
    set_password_hash,
)
from storage.accounts.api_tokens import (
    TokenPair,
    TokenRefused,
    issue_tokens,
    refresh_tokens,
    revoke_chain,
    token_account,
)
from storage.accounts.ended_sessions import end_session
from storage.accounts.hashing import hash_password, verify_password
from storage.accounts.password_reset import (
    RESET_PURPOSE,
    RESET_TOKEN_SLOT,
    ResetRequest,
    change_password,
    check_reset_token,
    queue_password_reset,
    reset_password,
    start_password_reset,
    start_queued_password_reset,
)
from storage.accounts.signup import (
    SIGNUP_LIFETIME,
    SIGNUP_PURPOSE,
    SIGNUP_TOKEN_SLOT,
    check_signup_token,
    confirm_signup,
    queue_signup,
    start_queued_signup,
)
from storage.agents.accounts import (
    ENROLMENT_LIFETIME,
    AgentRefused,
    AgentView,
    agent_actor,
    agent_login,
    agent_roles,
    agent_visit,
    check_enrolment,
    complete_enrolment,
    create_agent,
    disable_agent,
    enrolment_secret,
    get_agent,
    known_types,
    list_agents,
    new_totp_secret,
    provisioning_uri,
    record_agent_event,
    renew_enrolment,
    verify_agent_code,
)
from storage.agents.accounts import (
    NAME_MAX as AGENT_NAME_MAX,
)
from storage.agents.dossier import MAX_BODY as MESSAGE_BODY_MAX
from storage.agents.dossier import MAX_SUBJECT as MESSAGE_SUBJECT_MAX
from storage.agents.dossier import (
    AgentDossierView,
    HistoryEntry,
    MessageEntry,
    SubmissionEntry,
    TransitionRefused,
    agent_document,
    agent_dossier,
    agent_dossier_type,
    agent_upload,
    assign_dossier,
    assignable_agents,
    correction_request,
    post_agent_message,
    run_agent_transition,
)
from storage.api import (
    IDEMPOTENCY_KEEP_FOR,
    IDEMPOTENCY_KEY_MAX,
    IdempotencyKeyReused,
    IdempotentAnswer,
    create_once,
    purge_idempotency,
    submit_once,
)
from storage.attempts import AttemptCount, AttemptKey, clear_attempts, count_attempt, forget_attempt
from storage.clock import clock
from storage.definitions import (
    PublishedVersion,
    definition_of,
    is_current,
    load_pinned,
    publish_definitions,
    published_definitions,
    published_versions,
    republished,
    version_numbers,
)
from storage.demo import DemoReport, load_demo
from storage.dossiers.archive import (
    ArchivedAnswerView,
    AuditEventView,
    archived_answers,
    dossier_audit,
)
from storage.dossiers.existing import (
    ImportReport,
    RowRefused,
    import_csv,
    import_rows,
    register_row,
)
from storage.dossiers.identity_changes import update_profile
from storage.dossiers.kept_answers import (
    FORM_UPDATED,
    KEPT_DAYS,
    SESSION_ENDED,
    discard_kept_answers,
    keep_answers,
    kept_answers,
    kept_aside,
)
from storage.dossiers.lifecycle import (
    create_dossier,
    expire_overdue,
    get_dossier,
    link_existing,
    list_dossiers,
    register_existing,
    save_section,
    submit,
)
from storage.dossiers.migration import (
    MigrationNotice,
    StateImpact,
    impact,
    notice_text,
    open_draft,
)
from storage.dossiers.replies import MAX_REPLY as REPLY_MAX_LENGTH
from storage.dossiers.replies import can_reply, reply_to_message
from storage.dossiers.submissions import submissions_of
from storage.dossiers.uploads import (
    delete_upload,
    dossier_uploads,
    prune_uploads,
    store_upload,
    upload_for_owner,
)
from storage.errors import (
    UPLOAD_REFUSALS,
    Conflict,
    EmailTaken,
    ExportRefused,
    LinkRefused,
    Locked,
    NotEligible,
    NotFound,
    ResetRefused,
    SignupRefused,
    StorageError,
    SubmitRefused,
    UploadRefused,
)
from storage.exports import CONTENT_TYPES as EXPORT_CONTENT_TYPES
from storage.exports import FORMATS as EXPORT_FORMATS
from storage.exports import export_dossiers
from storage.files import FileSettings
from storage.inbox.documents import (
    DocumentJob,
    claim_pending_documents,
    get_document,
    list_documents,
    store_document_content,
)
from storage.inbox.messages import get_message, list_messages, unread_count
from storage.inbox.outbox import (
    claim_pending_emails,
    mark_email_failed,
    mark_email_sent,
    pending_emails,
    queue_email,
)
from storage.orm.db import (
    DEFAULT_TIMEOUTS,
    Store,
    Timeouts,
    current_store,
    db_session,
    describe,
    disconnect,
    open_store,
    reset_db,
    store_exists,
)
from storage.orm.transactions import causes
from storage.queue.counts import queue_counts
from storage.queue.listing import PAGE_SIZE, QueuePage, QueueRow, agent_queue, unseen_replies
from storage.receipts import normalize_fingerprint, show_fingerprint, verify_receipt
from storage.schedules import ScheduleReport, run_schedules
from storage.startup import init_db
from storage.views import (
    PROFILE_FIELDS,
    AccountView,
    DocumentView,
    DossierStamp,
    DossierView,
    EmailView,
    KeptAside,
    MessageView,
    ReceiptCheck,
    SubmissionView,
    TokenVisit,
    UploadInfo,
    Visit,
)
from storage.visits import dossier_owner, dossier_stamp, token_visit, visit

__all__ = [
    "ScheduleReport", "run_schedules",
    "AccountView", "Conflict", "DocumentJob", "DocumentView", "DossierStamp", "DossierView",
    "EmailTaken",
    "EmailView", "LinkRefused", "Locked", "MessageView", "NotEligible", "NotFound",
    "PROFILE_FIELDS", "ResetRefused", "ResetRequest", "StorageError", "SubmitRefused",
    "check_reset_token", "claim_pending_documents", "claim_pending_emails", "clock",
    "create_account", "create_dossier", "disconnect", "dossier_owner", "dossier_stamp",
    "expire_overdue",
    "find_account_by_email", "get_account", "get_document", "get_dossier", "get_message",
    "init_db", "link_existing", "list_documents", "list_dossiers", "list_messages",
    "mark_email_failed", "mark_email_sent", "pending_emails", "queue_email",
    "register_existing", "reset_db", "reset_password", "save_section", "db_session", "set_lang",
    "set_password_hash", "start_password_reset", "store_document_content", "submit",
    "unread_count", "update_profile", "Store", "open_store", "Timeouts", "DEFAULT_TIMEOUTS",
    "current_store",
    "end_session", "visit", "Visit", "DemoReport", "load_demo", "ImportReport", "RowRefused",
    "import_rows", "import_csv", "register_row", "describe", "causes", "hash_password",
    "verify_password",
    "normalize_email", "RESET_PURPOSE", "RESET_TOKEN_SLOT", "queue_password_reset",
    "start_queued_password_reset", "change_password",
    "KEPT_DAYS", "keep_answers", "kept_answers", "kept_aside", "KeptAside",
    "SESSION_ENDED", "FORM_UPDATED", "discard_kept_answers",
    "AttemptCount", "AttemptKey", "count_attempt", "clear_attempts", "forget_attempt",
    "SIGNUP_LIFETIME", "SIGNUP_PURPOSE", "SIGNUP_TOKEN_SLOT", "SignupRefused",
    "check_signup_token", "confirm_signup", "queue_signup", "start_queued_signup",
    "PublishedVersion", "definition_of", "is_current", "load_pinned", "publish_definitions",
    "published_versions", "republished", "store_exists", "version_numbers",
    "ArchivedAnswerView", "AuditEventView", "published_definitions", "archived_answers",
    "dossier_audit", "MigrationNotice", "notice_text", "open_draft", "StateImpact", "impact",
    "FileSettings", "UploadInfo", "UploadRefused", "UPLOAD_REFUSALS", "store_upload",
    "upload_for_owner", "dossier_uploads", "delete_upload", "prune_uploads",
    "SubmissionView", "submissions_of", "ReceiptCheck", "verify_receipt",
    "show_fingerprint", "normalize_fingerprint",
    "queue_counts", "agent_queue", "unseen_replies", "QueuePage", "QueueRow", "PAGE_SIZE",
    "export_dossiers", "ExportRefused", "EXPORT_FORMATS", "EXPORT_CONTENT_TYPES",
    "ENROLMENT_LIFETIME", "AGENT_NAME_MAX", "AgentRefused", "AgentView", "agent_actor",
    "agent_login", "agent_roles",
    "agent_visit", "check_enrolment", "complete_enrolment", "create_agent", "disable_agent",
    "enrolment_secret",
    "get_agent", "known_types", "list_agents", "new_totp_secret", "provisioning_uri",
    "record_agent_event", "renew_enrolment", "verify_agent_code",
    "AgentDossierView", "HistoryEntry", "MessageEntry", "SubmissionEntry", "TransitionRefused",
    "agent_document", "agent_dossier", "agent_dossier_type", "agent_upload", "assign_dossier",
    "assignable_agents",
    "correction_request", "post_agent_message", "run_agent_transition", "MESSAGE_SUBJECT_MAX",
    "MESSAGE_BODY_MAX",
    "REPLY_MAX_LENGTH", "can_reply", "reply_to_message",
    "TokenPair", "TokenRefused", "issue_tokens", "refresh_tokens", "revoke_chain",
    "token_account", "token_visit", "TokenVisit",
    "IDEMPOTENCY_KEEP_FOR", "IDEMPOTENCY_KEY_MAX", "IdempotencyKeyReused", "IdempotentAnswer",
    "create_once", "purge_idempotency", "submit_once",
]
