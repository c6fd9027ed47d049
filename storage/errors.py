"""What can go wrong in a storage call, as exceptions the web layer maps to pages.

Each carries what the caller needs to answer the applicant (the designer's
messages, both versions of a conflicting save, the guard failures) so no
view ever has to query again to explain a refusal.
"""

from __future__ import annotations

from typing import Any

from engine.model import Text
from engine.workflow import GuardFailure


class StorageError(Exception):
    """Base of every refusal raised by `storage`."""


class NotFound(StorageError):
    """Unknown, or not this account's: the two are indistinguishable on purpose.

    The web layer answers 404 for it wherever a view lets it through
    (web/http/errors.py), so a dossier, message or document number of someone else
    reads exactly like one that does not exist.
    """


class NotEligible(StorageError):
    """The profile does not meet the dossier type's eligibility rules; nothing was created.

    `messages`: the designer's messages of the failed rules (engine Text, both
    languages). Guide: the service's applicant is at least 18 years old.
    """

    def __init__(self, messages: list[Text]) -> None:
        super().__init__("; ".join(m.fr for m in messages))
        self.messages = messages


class Conflict(StorageError):
    """Another tab saved first: both versions are handed back so nothing typed is lost.

    `mine`: the answers this save sent (field id -> value); `theirs`: the stored
    answers; `version`: the stored version, to save again against (the web shows
    both, status 409).
    """

    def __init__(self, mine: dict[str, Any], theirs: dict[str, Any], version: int) -> None:
        super().__init__(f"stale version: the dossier is at version {version}")
        self.mine = mine
        self.theirs = theirs
        self.version = version


class Locked(StorageError):
    """The dossier's state does not allow changes (submitted, expired, ...).

    `status`: the state's id. Guide: once submitted, the application form can no
    longer be changed ("vous ne pourrez plus modifier votre formulaire de demande").
    """

    def __init__(self, status: str) -> None:
        super().__init__(f"dossier not editable in state {status!r}")
        self.status = status


class SubmitRefused(StorageError):
    """The transition's guards failed; `failures` say why, in both languages."""

    def __init__(self, failures: list[GuardFailure]) -> None:
        super().__init__("; ".join(f.message.fr for f in failures))
        self.failures = failures

    @property
    def codes(self) -> list[str]:
        """The failures' codes, in order: "wrong_state", "section_invalid",
        "deadline_passed", "not_eligible" (engine.workflow.GuardFailure)."""
        return [f.code for f in self.failures]


class EmailTaken(StorageError):
    """An account already uses this email address (compared case-insensitively)."""


LINK_REFUSED = Text(
    "Votre dossier n'a pas été trouvé. Vérifiez le type et le numéro du dossier ainsi que "
    "les renseignements de votre profil.",
    "Your dossier was not found. Check the dossier type and number and the information "
    "in your profile.",
)


class LinkRefused(StorageError):
    """One reason for every failure of linking, so the refusal leaks nothing.

    Whether the number is unknown, already linked, or the identity differs, the
    applicant learns only that no dossier was found. `message`: that one answer in
    both languages. Guide: "un message d'erreur s'affichera, vous indiquant que votre
    dossier n'a pas été trouvé".
    """

    message = LINK_REFUSED

    def __init__(self) -> None:
        super().__init__(LINK_REFUSED.en)


class ResetRefused(StorageError):
    """A password reset link that is unknown, already used or expired (one answer)."""


class SignupRefused(StorageError):
    """An account activation link that is unknown, already used, superseded by an
    activation of its address, or expired (one answer)."""


UPLOAD_REFUSALS = (
    "type",              # its bytes are none of the accepted types
    "too_large",         # more than the field's max_bytes
    "too_many",          # the field already holds max_files files
    "dossier_full",      # the dossier's files would pass dossier_max_bytes
    "empty",             # no bytes at all
    "infected",          # clamd found a virus
    "scan_unavailable",  # scanning is configured but clamd gave no verdict (fail closed)
    "not_editable",      # the dossier's state (or deadline) allows no change
    "frozen",            # submitted with its dossier: cannot be deleted
)


class UploadRefused(StorageError):
    """An upload (or a deletion) refused; nothing was stored (or deleted).

    `code`: one of UPLOAD_REFUSALS, for the web layer to choose its message.
    `limit`: the number the refusal is about when there is one (max_bytes,
    max_files, dossier_max_bytes), else None.
    """

    def __init__(self, code: str, limit: int | None = None) -> None:
        super().__init__(f"upload refused: {code}")
        self.code = code
        self.limit = limit


class ExportRefused(StorageError):
    """An export asked with a filter or format that cannot be (storage.export_dossiers):
    nothing was read and nothing audited.

    `code`: "format" (not csv, xlsx nor json) or "state" (no state of that version);
    `known`: the accepted values, for the message.
    """

    def __init__(self, code: str, known: tuple[str, ...]) -> None:
        super().__init__(f"export refused: unknown {code}; known: {', '.join(known)}")
        self.code = code
        self.known = known
