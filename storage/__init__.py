"""Storage: Pony ORM on SQLite or PostgreSQL, and the dossier lifecycle.

The engine decides; storage keeps. The web layer calls only what is
re-exported here (see docs/storage-contract.md), never a query, never an entity.
"""

from .accounts import (
    create_account,
    find_account_by_email,
    get_account,
    set_lang,
    set_password_hash,
    update_profile,
)
from .clock import clock
from .db import configure, disconnect, init_db, reset_db, session
from .documents import (
    DocumentJob,
    claim_pending_documents,
    get_document,
    list_documents,
    store_document_content,
)
from .dossiers import (
    create_dossier,
    expire_overdue,
    get_dossier,
    link_existing,
    list_dossiers,
    register_existing,
    save_section,
    submit,
)
from .errors import (
    Conflict,
    EmailTaken,
    LinkRefused,
    Locked,
    NotEligible,
    NotFound,
    ResetRefused,
    StorageError,
    SubmitRefused,
)
from .messages import get_message, list_messages, unread_count
from .outbox import (
    claim_pending_emails,
    mark_email_failed,
    mark_email_sent,
    pending_emails,
    queue_email,
)
from .password_reset import (
    ResetRequest,
    check_reset_token,
    reset_password,
    start_password_reset,
)
from .registry import use_registry
from .sessions import end_session
from .views import (
    PROFILE_FIELDS,
    AccountView,
    DocumentView,
    DossierStamp,
    DossierView,
    EmailView,
    MessageView,
    Visit,
)
from .visits import dossier_stamp, visit

__all__ = [
    "AccountView", "Conflict", "DocumentJob", "DocumentView", "DossierStamp", "DossierView",
    "EmailTaken",
    "EmailView", "LinkRefused", "Locked", "MessageView", "NotEligible", "NotFound",
    "PROFILE_FIELDS", "ResetRefused", "ResetRequest", "StorageError", "SubmitRefused",
    "check_reset_token", "claim_pending_documents", "claim_pending_emails", "clock",
    "configure", "create_account", "create_dossier", "disconnect", "dossier_stamp",
    "expire_overdue",
    "find_account_by_email", "get_account", "get_document", "get_dossier", "get_message",
    "init_db", "link_existing", "list_documents", "list_dossiers", "list_messages",
    "mark_email_failed", "mark_email_sent", "pending_emails", "queue_email",
    "register_existing", "reset_db", "reset_password", "save_section", "session", "set_lang",
    "set_password_hash", "start_password_reset", "store_document_content", "submit",
    "unread_count", "update_profile", "use_registry",
    "end_session", "visit", "Visit",
]
