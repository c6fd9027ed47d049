"""One dossier as an agent sees and moves it: read (every open audited), agent
transitions (the designer's `by: agent` transitions with their small forms), free-text
messages to the applicant, and a supervisor's assignment.

An agent reaches only the dossiers of the types granted to them: any other number
reads exactly like an unknown one (None / NotFound), so the web layer answers 404
for both. Each change is one transaction with the dossier row locked: the state is
checked again under the lock, so two agents clicking at once move the dossier once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from pony.orm import flush

from engine import Registry
from engine.agentforms import validate_agent_form
from engine.model import Text
from engine.placeholders import NOTIFICATION, fill
from engine.typed_text import message_text
from engine.validate import FieldError
from engine.workflow import agent_transitions, guard_failures, state_label
from storage.agents.accounts import record_agent_event
from storage.clock import clock, from_db, to_db
from storage.definitions import pinned, pinned_to_change
from storage.dossiers.actions import run_actions
from storage.dossiers.status import set_status
from storage.dossiers.submissions import submission_view
from storage.dossiers.upload_rows import upload_info
from storage.errors import NotFound, StorageError
from storage.inbox.documents import document_view
from storage.inbox.outbox import queue_email
from storage.orm.db import current_store, database
from storage.orm.entities import row_by_id
from storage.orm.transactions import transaction
from storage.views import DocumentView, UploadInfo

MAX_SUBJECT = 500  # characters (Message.subject)
MAX_BODY = 20_000  # characters of an agent's message (a reply holds 4,000)


class TransitionRefused(StorageError):
    """An agent transition that did not run; nothing was written.

    `code`: "stale" (the dossier changed since the page was drawn: `version` is the
    current one), "wrong_state" (the transition does not leave the dossier's state),
    "form" (the agent's form has `errors`: engine FieldErrors, by field id in `path`),
    "guard" (`failures`: engine GuardFailures, messages in both languages)."""

    def __init__(self, code: str, errors: tuple[FieldError, ...] = (),
                 failures: tuple[Any, ...] = (), version: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.errors = errors
        self.failures = failures
        self.version = version


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a dossier's history: when (aware UTC), who ("applicant", "system",
    or an agent's name; `agent_id` set for an agent), what (`action`: "create", a
    transition id, "open", "message", "assign"...; `label`: a transition's label in both
    languages when the action is one), `detail` as recorded (JSON-able) and the
    address the agent acted from."""

    at: datetime
    who: str
    action: str
    label: Text | None
    detail: Mapping[str, Any] | None
    agent_id: int | None = None
    address: str | None = None


@dataclass(frozen=True)
class MessageEntry:
    """A message of the dossier, as sent: subject, body, when (aware UTC), whether
    the applicant has read it, and its direction: `author` "service" (sent to the
    applicant) or "applicant" (their reply from the message centre); `new`: a reply no
    agent had seen before this opening of the dossier."""

    subject: str
    body: str
    at: datetime
    read: bool
    author: str = "service"
    new: bool = False  # an applicant's reply no agent had seen before this opening


@dataclass(frozen=True)
class SubmissionEntry:
    """One submission of the dossier: `seq` 1..n, when, the definition version that
    judged it, its frozen recap ("fr"/"en" -> engine recap as a dict; {} once purged)
    and its short fingerprint as its recap PDF prints it ("" for a submission older
    than fingerprints)."""

    seq: int
    submitted_at: datetime | None
    definition_version: int | None
    recap: Mapping[str, Any]
    fingerprint: str = ""


@dataclass(frozen=True)
class AgentDossierView:
    """A dossier as the back office shows it (storage.agent_dossier).

    `state_label`/`type_title`: Text in both languages; `owner_name`/`owner_email`:
    the linked applicant's ("" when none: then the registered names);
    `registered_name`: the given and family names an agent registered, as typed (the
    passport's spelling; "" for a dossier the applicant created, whose names are the
    profile's at its creation); `assigned_id` and
    `assigned_name` (None: nobody); `submissions`: oldest first, the latest last;
    `documents`: recap PDFs (DocumentView); `files`: the applicant's uploads;
    `history`: oldest first; `messages`: newest first; `transitions`: the ids of the
    agent transitions leaving the state, in the designer's order; `version`: what a
    transition form posts back (optimistic lock)."""

    id: int
    number: str
    type_id: str
    type_title: Text
    definition_version: int
    state: str
    state_label: Text
    editable: bool
    version: int
    created_at: datetime
    submitted_at: datetime | None
    deadline: date
    owner_name: str
    owner_email: str
    assigned_id: int | None
    registered_name: str
    assigned_name: str | None
    submissions: tuple[SubmissionEntry, ...]
    documents: tuple[DocumentView, ...]
    files: tuple[UploadInfo, ...]
    history: tuple[HistoryEntry, ...]
    messages: tuple[MessageEntry, ...]
    transitions: tuple[str, ...]


def _agent(agent_id: int) -> Any:
    agent = row_by_id(database().Agent, agent_id)
    if agent is None or agent.disabled_at is not None:
        raise NotFound("agent")
    return agent


def granted_dossier(agent_id: int, number: str, for_update: bool = False) -> Any:
    """The Dossier row `number` (stripped, upper-cased) when its type is granted to the
    enabled agent `agent_id`; NotFound otherwise (unknown or not granted alike)."""
    agent = _agent(agent_id)
    number = (number or "").strip().upper()
    orm = database()
    dossier = (orm.Dossier.get_for_update(number=number) if for_update
               else orm.Dossier.get(number=number)) if number else None
    if dossier is None or dossier.type_id not in (agent.types or []):
        raise NotFound(f"dossier {number}")
    return dossier


def _who(actor: str, agents: dict[int, str]) -> tuple[str, int | None]:
    kind, _, rest = actor.partition(":")
    if kind == "agent" and rest.isdigit():
        return agents.get(int(rest), actor), int(rest)
    if kind == "account":
        return "applicant", None
    return actor, None


def _submissions(dossier: Any) -> tuple[SubmissionEntry, ...]:
    rows = dossier.submissions.select().order_by(lambda x: x.seq)
    found = tuple(SubmissionEntry(v.seq, v.submitted_at, v.definition_version,
                                  (v.snapshot or {}).get("recap", {}), v.fingerprint)
                  for v in (submission_view(r) for r in rows))
    snapshot = dossier.snapshot
    if found or not snapshot:
        return found
    at = snapshot.get("submitted_at")  # submitted before submissions had rows
    return (SubmissionEntry(1, datetime.fromisoformat(at) if at else None,
                            snapshot.get("definition_version"), snapshot.get("recap", {})),)


def _view(registry: Registry, dossier: Any) -> AgentDossierView:
    compiled = pinned(registry, dossier)
    d = compiled.definition
    orm = database()
    agents = {a.id: a.name for a in orm.Agent.select()}
    labels = {t.id: t.label for t in d.workflow.transitions if t.label is not None}
    history = []
    for e in dossier.events.select().order_by(lambda e: (e.at, e.id)):
        who, agent_id = _who(e.actor, agents)
        history.append(HistoryEntry(from_db(e.at), who, e.action, labels.get(e.action),
                                    e.detail, agent_id, e.address))
    owner = dossier.owner
    assigned = dossier.assigned_agent
    documents = dossier.documents.select().order_by(lambda x: (x.created_at, x.id))
    messages = dossier.messages.select().order_by(lambda m: (m.created_at, m.id))
    return AgentDossierView(
        id=dossier.id, number=dossier.number, type_id=dossier.type_id, type_title=d.title,
        definition_version=dossier.definition_version, state=dossier.status,
        state_label=state_label(d, dossier.status),
        editable=bool(d.workflow.states.get(dossier.status)
                      and d.workflow.states[dossier.status].editable),
        version=dossier.version, created_at=from_db(dossier.created_at),
        submitted_at=from_db(dossier.submitted_at) if dossier.submitted_at else None,
        deadline=dossier.deadline,
        owner_name=(" ".join(x for x in (owner.given_names, owner.family_names) if x)
                    if owner is not None else
                    f"{dossier.given_names or ''} {dossier.family_names or ''}".strip()),
        owner_email=owner.email if owner is not None else "",
        registered_name=(" ".join(x for x in (dossier.given_names, dossier.family_names) if x)
                         if any(h.action == "register" for h in history) else ""),
        assigned_id=assigned.id if assigned is not None else None,
        assigned_name=assigned.name if assigned is not None else None,
        submissions=_submissions(dossier),
        documents=tuple(document_view(x) for x in documents),
        files=tuple(upload_info(u) for u in dossier.uploads.order_by(lambda u: u.id)),
        history=tuple(history),
        messages=tuple(MessageEntry(m.subject, m.body, from_db(m.created_at),
                                    m.read_at is not None, m.author,
                                    m.unseen_since is not None)
                       for m in reversed(list(messages))),
        transitions=tuple(t.id for t in agent_transitions(d, dossier.status)),
    )


@transaction(write=True)
def agent_dossier(registry: Registry, agent_id: int, number: str,
                  address: str | None = None) -> AgentDossierView | None:
    """The dossier `number` as agent `agent_id` sees it, and an audit event "open" by
    that agent (with `address`, the client IP) in the same transaction: every reading is
    traced. None (and nothing recorded) for an unknown number, a type not granted to
    the agent, or a disabled agent."""
    try:
        dossier = granted_dossier(agent_id, number)
    except NotFound:
        return None
    record_agent_event(agent_id, "open", dossier.id, address)
    view = _view(registry, dossier)
    # the replies it shows are seen from now on
    for m in dossier.messages.select(lambda m: m.unseen_since is not None):
        m.unseen_since = None
    return view


@transaction(write=False)
def agent_dossier_type(agent_id: int, number: str) -> tuple[str, int] | None:
    """(type id, definition version) of dossier `number` when agent `agent_id` may open
    it, without recording an opening (what a post needs to read its form); None as
    `agent_dossier`."""
    try:
        dossier = granted_dossier(agent_id, number)
    except NotFound:
        return None
    return dossier.type_id, dossier.definition_version


@transaction(write=True)
def run_agent_transition(registry: Registry, agent_id: int, number: str,
                         transition_id: str, raw_form: Mapping[str, Any],
                         address: str | None, expected_version: int) -> AgentDossierView:
    """Agent `agent_id` takes the `by: agent` transition `transition_id` of dossier
    `number`, with the answers of its form (`raw_form`: field id -> value as
    engine.formdata.section_answers reads a post).

    Under the row lock: `expected_version` must be the dossier's version (the page the
    agent filled), else TransitionRefused("stale"); the transition must leave the state
    ("wrong_state"); the form is validated by the engine ("form", errors by field id);
    guards run ("guard"). Then the state changes, the version goes up, the actions run
    (assign, unlock_for_correction, message filled with the form's answers...) and an
    audit event `transition_id` {"from", "to", "form": ids of the questions answered} by
    the agent, with
    `address`, is written: all in this one transaction. Returns the dossier after.
    NotFound for a dossier not granted (or unknown) and for a transition that is not
    an agent's (KeyError never escapes)."""
    dossier = granted_dossier(agent_id, number, for_update=True)
    compiled = pinned_to_change(registry, dossier)
    transition = compiled.definition.workflow.transition(transition_id)
    if transition is None or transition.by != "agent":
        raise NotFound(f"transition {transition_id}")
    if dossier.version != expected_version:
        raise TransitionRefused("stale", version=dossier.version)
    if dossier.status not in transition.sources:
        raise TransitionRefused("wrong_state", version=dossier.version)
    cleaned, errors = validate_agent_form(compiled, transition_id, raw_form)
    if errors:
        raise TransitionRefused("form", errors=tuple(errors), version=dossier.version)
    owner = dossier.owner
    failures = guard_failures(compiled, transition, dossier.status, dossier.answers,
                              dossier.deadline, clock.local(clock.now()),
                              birth_date=owner.birth_date if owner is not None else None)
    if failures:
        raise TransitionRefused("guard", failures=tuple(failures), version=dossier.version)
    now = clock.now()
    previous = dossier.status
    set_status(dossier, transition.target, now)
    dossier.version += 1
    run_actions(compiled, transition, dossier, now, agent_id, cleaned)
    # which questions were answered, never the answers (they may be personal data the
    # retention purge could not reach in an audit row)
    record_agent_event(agent_id, transition_id, dossier.id, address,
                       {"from": previous, "to": transition.target, "form": sorted(cleaned)})
    return _view(registry, dossier)


@transaction(write=True)
def post_agent_message(registry: Registry, agent_id: int, number: str, subject: str,
                       body: str, address: str | None) -> None:
    """A free-text message from agent `agent_id` to the owner of dossier `number`, in
    their message centre, and the definition's `notification` email (which holds no
    personal data: only that a message waits, and the portal's address), audited as
    "message" {"message": its public id} by the agent (not its text: a purge empties
    messages, never audit rows). `subject`, `body`: as engine.typed_text.message_text
    makes them (spaces and invisible characters trimmed); ValueError when either is
    then empty, the subject is longer than MAX_SUBJECT characters or the body than
    MAX_BODY, or when the dossier has no owner yet (no one to write to). NotFound for a
    dossier not granted."""
    subject, body = message_text(subject or ""), message_text(body or "")
    if not subject or not body or len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        raise ValueError(f"a message needs a subject (at most {MAX_SUBJECT} characters) "
                         f"and a body (at most {MAX_BODY})")
    dossier = granted_dossier(agent_id, number, for_update=True)
    owner = dossier.owner
    if owner is None:
        raise ValueError(f"dossier {dossier.number} has no applicant yet")
    now = clock.now()
    message = database().Message(account=owner, dossier=dossier, subject=subject, body=body,
                                 created_at=to_db(now))
    notification = pinned(registry, dossier).definition.notification
    if notification is not None:
        portal_url = current_store().portal_url
        queue_email(owner.email,
                    fill(NOTIFICATION, notification.subject.get(owner.lang),
                         {"portal_url": portal_url}),
                    fill(NOTIFICATION, notification.body.get(owner.lang),
                         {"portal_url": portal_url}))
    flush()
    record_agent_event(agent_id, "message", dossier.id, address,
                       {"message": message.public_id})


@transaction(write=True)
def assign_dossier(supervisor_id: int, number: str, agent_id: int | None,
                   address: str | None = None) -> None:
    """Supervisor `supervisor_id` assigns dossier `number` to agent `agent_id` (None:
    to nobody), audited as "assign" {"agent": id or None}. NotFound when the
    supervisor is not one (or lacks the type), and when the agent is unknown, disabled
    or not granted the dossier's type (one cannot be given a dossier one may not open)."""
    supervisor = _agent(supervisor_id)
    if supervisor.role != "supervisor":
        raise NotFound("supervisor")
    dossier = granted_dossier(supervisor_id, number, for_update=True)
    target = None
    if agent_id is not None:
        target = _agent(agent_id)
        if dossier.type_id not in (target.types or []):
            raise NotFound("agent")
    dossier.assigned_agent = target
    dossier.version += 1
    record_agent_event(supervisor_id, "assign", dossier.id, address, {"agent": agent_id})


@transaction(write=False)
def assignable_agents(agent_id: int, number: str) -> list[tuple[int, str]]:
    """(id, name) of the enabled agents granted the type of dossier `number`, by name:
    whom a supervisor may assign it to. NotFound for a dossier not granted to `agent_id`."""
    dossier = granted_dossier(agent_id, number)
    rows = database().Agent.select(lambda a: a.disabled_at is None)
    return sorted(((a.id, a.name) for a in rows if dossier.type_id in (a.types or [])),
                  key=lambda pair: pair[1].casefold())


@transaction(write=True)
def agent_document(agent_id: int, number: str, public_id: str, address: str | None = None
                   ) -> tuple[DocumentView, bytes | None]:
    """A document (recap PDF) of dossier `number` and its bytes (None: not rendered
    yet), audited as "document" {"document": public_id}. NotFound for a dossier not
    granted or a document of another dossier."""
    dossier = granted_dossier(agent_id, number)
    document = database().Document.get(public_id=public_id)
    if document is None or document.dossier != dossier:
        raise NotFound("document")
    record_agent_event(agent_id, "document", dossier.id, address, {"document": public_id})
    content = document.content
    return document_view(document), bytes(content) if content is not None else None


@transaction(write=True)
def agent_upload(agent_id: int, number: str, public_id: str, address: str | None = None
                 ) -> tuple[UploadInfo, BinaryIO]:
    """A file the applicant uploaded to dossier `number` and its bytes as a stream (the
    caller closes it), audited as "file" {"file": public_id}. NotFound for a dossier not
    granted or a file of another dossier; FileNotFoundError when the bytes are lost."""
    dossier = granted_dossier(agent_id, number)
    row = database().UploadedFile.get(public_id=public_id)
    if row is None or row.dossier != dossier:
        raise NotFound("file")
    record_agent_event(agent_id, "file", dossier.id, address, {"file": public_id})
    return upload_info(row), current_store().files.open(row.storage_key)


@transaction(write=False)
def correction_request(account_id: int, number: str) -> str | None:
    """The reason of the last correction an agent asked for on the account's dossier
    `number` while it still waits in the editable state the request sent it to (None
    when there is none or the dossier has been submitted again since; a move to a newer
    definition version in between keeps it). NotFound for another account's dossier."""
    dossier = database().Dossier.get(number=(number or "").strip().upper())
    if dossier is None or dossier.owner is None or dossier.owner.id != account_id:
        raise NotFound(f"dossier {number}")
    events = list(dossier.events.select().order_by(lambda e: (e.at, e.id)))
    for event in reversed(events):
        if event.action == "correction_requested":
            return (event.detail or {}).get("reason") or None
        if (event.actor.startswith("account:") and event.action != "migrate"
                and (event.detail or {}).get("to")):
            return None  # submitted again since (a migration's "to" is a version)
    return None


__all__ = [
    "AgentDossierView", "HistoryEntry", "MessageEntry", "SubmissionEntry",
    "TransitionRefused", "agent_document", "agent_dossier", "agent_dossier_type",
    "agent_upload",
    "assign_dossier", "assignable_agents", "correction_request", "post_agent_message",
    "run_agent_transition",
]
