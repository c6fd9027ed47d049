"""Carrying out a transition's actions, inside the transaction that moves the dossier.

The engine says what to do (`freeze_recap`, `{document: X}`, `{message: X}`: the
action names of engine.workflow.ACTIONS); this module does it with rows, one handler
registered per name (`handles`). Nothing slow happens here: a document is a row
whose PDF is rendered later from the frozen snapshot, an email is a row in the
outbox. So a submission is one short transaction, and any failure in an
action rolls back the whole submission.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from engine import CompiledDefinition
from engine.agentforms import form_names, form_values
from engine.load import plain
from engine.model import Action, Transition
from engine.placeholders import MESSAGE, NOTIFICATION, fill
from engine.recap import recap_snapshot
from engine.validate import clean
from engine.workflow import ACTIONS
from storage.accounts.account import profile_of
from storage.clock import clock, to_db
from storage.dossiers import audit
from storage.dossiers.submissions import add_submission, latest_submission
from storage.dossiers.upload_rows import freeze_uploads, upload_info
from storage.inbox.outbox import queue_email
from storage.orm.db import current_store, database

PDF = "application/pdf"

Handler = Callable[["Context", str | None], None]
# engine action name (engine.workflow.ACTIONS) -> how storage carries it out
HANDLERS: dict[str, Handler] = {}


def handles(action: str) -> Callable[[Handler], Handler]:
    """Decorator registering `fn(ctx, ref)` as the way to carry out the engine's action
    `action`. Raises ValueError for a name the engine does not know (so the two
    registries cannot drift: an action the checker accepts has a handler, see
    `unhandled_actions`)."""
    if action not in ACTIONS:
        raise ValueError(f"the engine knows no action {action!r}")

    def register(fn: Handler) -> Handler:
        HANDLERS[action] = fn
        return fn
    return register


def unhandled_actions() -> list[str]:
    """The engine's action names with no handler here ([] when every one has)."""
    return [name for name in ACTIONS if name not in HANDLERS]



@dataclass(frozen=True)
class Context:
    """What an action needs: the dossier, its definition and owner, and the moment;
    for an agent's transition, the agent's id and the cleaned answers of the
    transition's form (`engine.agentforms.validate_agent_form`: field id -> value).

    transition: the one being taken; None for an action a schedule runs by itself
    (a reminder's message, storage/schedules/reminders.py)."""

    compiled: CompiledDefinition
    transition: Transition | None
    dossier: Any
    account: Any  # None for a dossier no applicant has linked yet
    now: datetime
    agent_id: int | None = None
    form: Mapping[str, Any] | None = None

    @property
    def lang(self) -> str:
        """The language the actions write in: the owner's ("fr" or "en"); French for a
        dossier no applicant has linked yet."""
        return self.account.lang if self.account is not None else "fr"


def local_time(dt: datetime) -> str:
    """The submission time as the applicant reads it: "YYYY-MM-DD HH:MM" in the
    service's zone (America/Toronto). Guide: "2022-07-11 15:20" in Mes dossiers."""
    return clock.local(dt).strftime("%Y-%m-%d %H:%M")


@handles("freeze_recap")
def freeze_recap(ctx: Context, ref: str | None) -> None:
    """Keep the profile and answers as they were, so the recap and PDF never change.

    Writes `dossier.snapshot`: number, type_id, definition_version (the `version` of
    the definition the answers were just validated against, not the one the dossier
    was created under), definition_hash (that definition's `source_hash`: sha256 hex
    of its YAML text), submitted_at (ISO 8601), profile (field key -> str, with the
    email; {} without an owner), the cleaned answers, and the recap in both languages
    ("fr"/"en" -> engine recap as a dict); with "uploads" (id, field_path, name, size,
    sha256, content_type of each file, oldest first) when the dossier has files, which
    are frozen in this transaction (storage.dossiers.uploads.freeze_uploads). The same
    snapshot is appended as a new Submission row (seq one past the last, fingerprinted:
    storage/dossiers/submissions.py): an earlier submission's is never overwritten,
    `dossier.snapshot` is only the latest. `ref` is unused. Guide: the recap document
    holds what the applicant provided at the moment of submission.
    """
    d = ctx.dossier
    answers = clean(ctx.compiled, d.answers)
    d.snapshot = {
        "number": d.number,
        "type_id": d.type_id,
        # the definition that judged the answers: a draft may be older than it
        "definition_version": ctx.compiled.definition.version,
        "definition_hash": ctx.compiled.source_hash,
        "submitted_at": ctx.now.isoformat(),
        # the email address too: the recap PDF shows it under Coordonnées
        "profile": ({**profile_of(ctx.account), "email": ctx.account.email}
                    if ctx.account is not None else {}),
        "answers": answers,
        "recap": recap_snapshot(ctx.compiled, answers),
    }
    if freeze_uploads(d, ctx.now) or not d.uploads.is_empty():
        d.snapshot = {**d.snapshot, "uploads": [
            {k: v for k, v in asdict(upload_info(u)).items() if k not in ("created", "frozen")}
            for u in d.uploads.order_by(lambda u: u.id)]}
    add_submission(d, plain(d.snapshot), ctx.now)


def numbered_filename(filename: str, seq: int | None) -> str:
    """The download name of the recap of submission `seq`: the designer's name for the
    first (or without a submission), "-<seq>" before the extension for the next ones
    ("recapitulatif-G2200045108-2.pdf"), so two recaps never download under one name."""
    if seq is None or seq <= 1:
        return filename
    stem, dot, extension = filename.rpartition(".")
    return f"{stem}-{seq}.{extension}" if dot else f"{filename}-{seq}"


@handles("document")
def add_document(ctx: Context, ref: str | None) -> None:
    """A "Mes documents" row; its content stays NULL until the worker renders it.

    `ref`: the id of one of the definition's `documents` (KeyError for another: the
    checker refuses such a definition first); its title, in the owner's language, is
    the row's name, its `filename` (with {number} filled, and "-<seq>" from the second
    submission on: `numbered_filename`) the download's name. The row belongs to the
    dossier's latest submission (the one `freeze_recap` just appended), whose snapshot
    it is rendered from, so each submission keeps its own PDF. Nothing for a dossier
    without an owner. Guide: the recap of the application, a PDF in Mes documents.
    """
    if ctx.account is None or ref is None:
        return
    document = ctx.compiled.definition.documents[ref]
    number = ctx.dossier.number
    submission = latest_submission(ctx.dossier)
    database().Document(
        account=ctx.account, dossier=ctx.dossier, kind=ref,
        name=document.title.get(ctx.lang),
        filename=numbered_filename(document.file_name(number),
                                   submission.seq if submission is not None else None),
        content_type=PDF, content=None, created_at=to_db(ctx.now), submission=submission,
    )


@handles("message")
def post_message(ctx: Context, ref: str | None) -> None:
    """A message in the applicant's language; plus, if the template says `notify`,
    an email that only says a message is waiting (never any personal data).

    `ref`: the id of one of the definition's `messages`; {number}, {submitted_at} and
    {deadline} (the deadline to submit, YYYY-MM-DD) are filled in its subject and body,
    {portal_url} in the email's. An agent's transition also fills each `{<field id>}` of
    its form with the agent's answer as the applicant reads it
    (`engine.agentforms.form_values`, in the owner's language: a date in words, a
    choice's label; "" when unanswered). Nothing for a dossier without an owner. Guide:
    the confirmation is a message in the message centre (the envelope), and the email
    says only "Nous vous avons transmis un message" and where to read it.
    """
    if ctx.account is None or ref is None:
        return
    d = ctx.compiled.definition
    template = d.messages[ref]
    values: dict[str, str] = {"number": ctx.dossier.number,
                              "submitted_at": local_time(ctx.now),
                              "deadline": ctx.dossier.deadline.isoformat()}
    extra = form_names(ctx.transition) if ctx.transition is not None else frozenset()
    if extra:
        values.update(form_values(ctx.compiled, ctx.transition.id, ctx.form or {}, ctx.lang))
    database().Message(
        account=ctx.account, dossier=ctx.dossier,
        subject=fill(MESSAGE, template.subject.get(ctx.lang), values, extra),
        body=fill(MESSAGE, template.body.get(ctx.lang), values, extra),
        created_at=to_db(ctx.now),
    )
    if template.notify and d.notification is not None:
        portal_url = current_store().portal_url  # the app's own address
        queue_email(ctx.account.email,
                    fill(NOTIFICATION, d.notification.subject.get(ctx.lang),
                         {"portal_url": portal_url}),
                    fill(NOTIFICATION, d.notification.body.get(ctx.lang),
                         {"portal_url": portal_url}))


@handles("assign")
def assign(ctx: Context, ref: str | None) -> None:
    """The dossier is assigned to the agent taking the transition (Dossier.assigned_agent);
    nothing for a transition no agent takes (the checker lets `assign` only matter
    under `by: agent`). `ref` is unused."""
    if ctx.agent_id is not None:
        ctx.dossier.assigned_agent = database().Agent[ctx.agent_id]


def correction_reason(compiled: CompiledDefinition, transition: Transition,
                      form: Mapping[str, Any] | None, lang: str) -> str:
    """What the agent wrote in the form of a correction request, as the applicant reads
    it: each answered question's text (`engine.agentforms.form_values`), in form order,
    one paragraph each; "" without a form or answers."""
    if not form or not transition.form:
        return ""
    shown = form_values(compiled, transition.id, form, lang)
    return "\n\n".join(text for text in shown.values() if text)


@handles("unlock_for_correction")
def unlock_for_correction(ctx: Context, ref: str | None) -> None:
    """The dossier goes back to its applicant to correct: the transition's target is an
    editable state (the checker insists), so the answers can be saved and submitted
    again (the submission keeps the earlier snapshot in its own row). The reason the
    agent gave (`correction_reason`, in the owner's language) is kept in an audit event
    "correction_requested" {"reason": text} that the applicant's dossier page reads
    (storage.correction_request); the message the transition posts carries it too,
    through the form's placeholders. `ref` is unused."""
    reason = correction_reason(ctx.compiled, ctx.transition, ctx.form, ctx.lang)
    actor = (f"agent:{ctx.agent_id}" if ctx.agent_id is not None else audit.SYSTEM)
    audit.record(actor, "correction_requested", ctx.dossier, {"reason": reason})


def run_action(ctx: Context, action: Action) -> None:
    """Carry out one action through HANDLERS: `action.kind` is a registered action
    ("freeze_recap", "document" or "message"), `action.ref` the designer's document or
    message id (None for freeze_recap). KeyError for a kind without a handler (the
    engine refuses an unknown one first)."""
    HANDLERS[action.kind](ctx, action.ref)


def run_actions(compiled: CompiledDefinition, transition: Transition, dossier: Any,
                now: datetime, agent_id: int | None = None,
                form: Mapping[str, Any] | None = None) -> None:
    """Every action of `transition`, in the designer's order (inside its transaction);
    `agent_id` and `form` (cleaned answers of its form) for an agent's transition."""
    ctx = Context(compiled, transition, dossier, dossier.owner, now, agent_id, form)
    for action in transition.actions:
        run_action(ctx, action)
