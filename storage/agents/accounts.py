"""Agent accounts: created by a supervisor (or `guichet agents create`), enrolled once
through a single-use link, then logged in with a password and a TOTP code.

Only hashes are stored of what would let someone act as an agent: the password
(Argon2id, as applicants'), the enrolment token (SHA-256: it is long and random).
The TOTP secret itself must be stored to check codes. A code is accepted at most
once: the 30-second step of the last accepted code is kept and a code of that step or
an earlier one is refused (RFC 6238 section 5.2), within pyotp's usual window of one
step either side for clock drift. Time is `storage.clock`, so tests control it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from pony.orm import TransactionIntegrityError, flush

from engine.email_address import normalized_email
from storage.accounts.ended_sessions import session_key
from storage.accounts.hashing import hash_password, verify_password
from storage.clock import clock, from_db, to_db
from storage.errors import NotFound, StorageError
from storage.orm.db import current_store, database
from storage.orm.entities import row_by_id
from storage.orm.transactions import transaction

ROLES = ("agent", "supervisor")
NAME_MAX = 200  # characters of an agent's name (its column)
ENROLMENT_LIFETIME = timedelta(hours=24)
TOTP_STEP = 30  # seconds (RFC 6238's default, what every authenticator app uses)
TOTP_WINDOW = 1  # steps accepted either side of now (clock drift)


def agent_roles() -> list[str]:
    """The roles an agent may have: "agent", "supervisor"."""
    return list(ROLES)


class AgentRefused(StorageError):
    """A refused agent operation; `code` says why, in one plain word:
    "email_taken", "email" (not one valid address), "name" (empty), "role", "types"
    (unknown dossier type ids: `known` lists the known ones), "no_types" (an agent, not a
    supervisor, granted no dossier type: it could open nothing), "enrolment" (link
    unknown, used or expired), "code" (the TOTP code does not match), "secret" (not a
    base32 TOTP secret)."""

    def __init__(self, code: str, known: tuple[str, ...] = ()) -> None:
        super().__init__(code)
        self.code = code
        self.known = known


@dataclass(frozen=True)
class AgentView:
    """An agent as the web layer sees it (never its hashes nor its secret).

    `types`: the dossier type ids granted, sorted. `enrolled`: the enrolment link was
    used (password and TOTP set). `disabled`: can no longer log in."""

    id: int
    email: str
    name: str
    role: str
    types: tuple[str, ...]
    enrolled: bool = False
    disabled: bool = False

    @property
    def is_supervisor(self) -> bool:
        """True for a supervisor (manages agents, sees masked fields)."""
        return self.role == "supervisor"

    @property
    def active(self) -> bool:
        """Enrolled and not disabled: may log in."""
        return self.enrolled and not self.disabled


def agent_view(row: Any) -> AgentView:
    """The view of an Agent entity (inside a session)."""
    return AgentView(id=row.id, email=row.email, name=row.name, role=row.role,
                     types=tuple(sorted(row.types or ())), enrolled=row.enrolled_at is not None,
                     disabled=row.disabled_at is not None)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def known_types() -> tuple[str, ...]:
    """The dossier type ids of the current store's registry, sorted."""
    return tuple(sorted(current_store().registry.ids()))


def _new_token(row: Any, lifetime: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    row.enrolment_token_hash = _token_hash(token)
    row.enrolment_expires_at = to_db(clock.now() + lifetime)
    return token


@transaction(write=True)
def create_agent(email: str, name: str, role: str, types: list[str] | tuple[str, ...],
                 lifetime: timedelta = ENROLMENT_LIFETIME) -> tuple[AgentView, str]:
    """Create an agent not yet enrolled, and its enrolment token.

    `email`: one address as the applicant side accepts it (engine.email_address, the
    email-validator library), stored stripped and lower-cased (unique); `name`: not
    blank; `role` "agent" or "supervisor"; `types`: dossier type ids of the registry, at
    least one for an agent (a supervisor may have none: it manages agents). Returns (the
    view, the token in clear: 43 URL-safe characters, valid `lifetime` (24 h) by
    storage.clock, usable once; only its hash is kept). Raises AgentRefused "email",
    "name", "name_long" (over NAME_MAX characters), "role", "types" (with `known`),
    "no_types" or "email_taken", in that order.
    """
    if normalized_email(email.strip()) is None:
        raise AgentRefused("email")
    if not name.strip():
        raise AgentRefused("name")
    if len(name.strip()) > NAME_MAX:
        raise AgentRefused("name_long")
    if role not in ROLES:
        raise AgentRefused("role")
    known = known_types()
    wanted = tuple(dict.fromkeys(t.strip() for t in types if t.strip()))
    if any(t not in known for t in wanted):
        raise AgentRefused("types", known)
    if not wanted and role != "supervisor":
        raise AgentRefused("no_types", known)
    orm = database()
    email = email.strip().lower()
    if orm.Agent.get(email=email) is not None:
        raise AgentRefused("email_taken")
    row = orm.Agent(email=email, name=name.strip(), role=role, types=list(wanted),
                    created_at=to_db(clock.now()))
    token = _new_token(row, lifetime)
    try:
        flush()
    except TransactionIntegrityError:
        raise AgentRefused("email_taken") from None
    return agent_view(row), token


@transaction(write=True)
def renew_enrolment(agent_id: int, lifetime: timedelta = ENROLMENT_LIFETIME
                    ) -> tuple[AgentView, str]:
    """A new enrolment link for an agent (lost phone, forgotten password): the password
    and the TOTP secret are cleared, so the agent can log in again only after enrolling
    anew. Returns (view, token). Raises NotFound."""
    row = row_by_id(database().Agent, agent_id)
    if row is None:
        raise NotFound()
    row.password_hash = None
    row.totp_secret = None
    row.last_totp_step = None
    row.enrolled_at = None
    return agent_view(row), _new_token(row, lifetime)


def _by_token(token: str) -> Any:
    if not token or len(token) > 100:
        return None
    row = database().Agent.get(enrolment_token_hash=_token_hash(token))
    if (row is None or row.disabled_at is not None
            or from_db(row.enrolment_expires_at) is None
            or from_db(row.enrolment_expires_at) <= clock.now()):
        return None
    return row


@transaction(write=False)
def check_enrolment(token: str) -> AgentView | None:
    """The agent whose enrolment link this is, when it is still usable (not used, not
    expired, agent not disabled); else None."""
    row = _by_token(token)
    return None if row is None else agent_view(row)


def _step(moment: float) -> int:
    return int(moment // TOTP_STEP)


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The step (within TOTP_WINDOW of now) whose code is `code` and which is later than
    `after`, else None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP)
    now = clock.now().timestamp()
    for offset in range(-TOTP_WINDOW, TOTP_WINDOW + 1):
        step = _step(now) + offset
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(totp.at(step * TOTP_STEP), code):
            return step
    return None


def new_totp_secret() -> str:
    """A fresh TOTP secret: 32 base32 characters (160 bits, RFC 4226's recommendation)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, interval=TOTP_STEP).provisioning_uri(name=email,
                                                                    issuer_name=issuer)


@transaction(write=True)
def enrolment_secret(token: str) -> str | None:
    """The TOTP secret of this enrolment link (32 base32 characters), made by the server
    the first time the link is shown and kept with the agent's pending enrolment, so it
    stays the same on every reload and the browser never chooses it; None when the link
    is unknown, used, expired or the agent disabled."""
    row = _by_token(token)
    if row is None:
        return None
    if not row.totp_secret:
        row.totp_secret = new_totp_secret()
    return str(row.totp_secret)


@transaction(write=True)
def complete_enrolment(token: str, password: str, first_code: str) -> AgentView:
    """Finish enrolling: set the password (already checked against the password rules
    by the caller) and confirm the TOTP secret made by `enrolment_secret` with a first
    code from the app. The link is used up. Raises AgentRefused "enrolment" (link
    unknown, used, expired, or agent disabled) or "code" (wrong code, or the link's
    secret was never shown: nothing changed)."""
    row = _by_token(token)
    if row is None:
        raise AgentRefused("enrolment")
    step = _matching_step(row.totp_secret, first_code, None) if row.totp_secret else None
    if step is None:
        raise AgentRefused("code")
    row.password_hash = hash_password(password)
    row.last_totp_step = step
    row.enrolled_at = to_db(clock.now())
    row.enrolment_token_hash = None
    row.enrolment_expires_at = None
    return agent_view(row)


@functools.cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


@transaction(write=False)
def agent_login(email: str, password: str) -> AgentView | None:
    """First step of an agent's login: the agent when `email` (any case) and `password`
    match an enrolled, enabled agent; else None (a hash is checked either way, so the
    time does not tell whether the email is an agent's)."""
    email = (email or "").strip().lower()
    row = database().Agent.get(email=email) if email and "\x00" not in email \
        and len(email) <= 254 else None
    stored = row.password_hash if row is not None and row.password_hash else _decoy_hash()
    if not verify_password(stored, password) or row is None:
        return None
    view = agent_view(row)
    return view if view.active else None


@transaction(write=True)
def verify_agent_code(agent_id: int, code: str) -> bool:
    """Second step: True when `code` (6 digits, spaces ignored) is the agent's TOTP code
    of now or one step either side, and no code of that step or a later one was
    accepted before (a code works once); the step is then recorded. False otherwise,
    and for an unknown, disabled or unenrolled agent."""
    row = row_by_id(database().Agent, agent_id)
    if (row is None or row.disabled_at is not None or row.enrolled_at is None
            or not row.totp_secret):
        return False
    step = _matching_step(row.totp_secret, code, row.last_totp_step)
    if step is None:
        return False
    row.last_totp_step = step
    return True


@transaction(write=False)
def get_agent(agent_id: int) -> AgentView | None:
    """The agent of this id (disabled ones too: see `AgentView.active`), or None."""
    row = row_by_id(database().Agent, agent_id)
    return None if row is None else agent_view(row)


@transaction(write=False)
def agent_visit(agent_id: int, sid: str) -> AgentView | None:
    """One read per agent page: the agent when it may still act (enrolled, not
    disabled) and its session `sid` was not ended (logout); else None."""
    orm = database()
    ended = orm.EndedSession.get(sid_hash=session_key(sid))
    if ended is not None and from_db(ended.until) > clock.now():
        return None
    row = row_by_id(orm.Agent, agent_id)
    if row is None:
        return None
    view = agent_view(row)
    return view if view.active else None


@transaction(write=False)
def list_agents() -> list[AgentView]:
    """Every agent, disabled ones included, by name then email."""
    rows = database().Agent.select()
    return sorted((agent_view(r) for r in rows), key=lambda a: (a.name.lower(), a.email))


@transaction(write=True)
def disable_agent(agent_id: int) -> AgentView:
    """Disable an agent: it can no longer log in, and its open sessions stop at their
    next request (`agent_visit`). Disabling twice keeps the first date. Raises
    NotFound."""
    row = row_by_id(database().Agent, agent_id)
    if row is None:
        raise NotFound()
    if row.disabled_at is None:
        row.disabled_at = to_db(clock.now())
        row.enrolment_token_hash = None
        row.enrolment_expires_at = None
    return agent_view(row)


def agent_actor(agent_id: int) -> str:
    """The audit actor of an agent: "agent:<id>"."""
    return f"agent:{agent_id}"


@transaction(write=True)
def record_agent_event(agent_id: int, action: str, dossier_id: int | None = None,
                       address: str | None = None,
                       detail: dict[str, Any] | None = None) -> None:
    """Add an audit event by agent `agent_id` (actor "agent:<id>") in the CURRENT
    transaction (joins the caller's). `action`: what was done ("login", "export",
    a transition id...); `dossier_id`: the dossier row id or None; `address`: the
    client IP (at most 45 characters, longer is cut); `detail`: JSON-able dict.
    Raises NotFound for an unknown dossier id."""
    orm = database()
    dossier = None
    if dossier_id is not None:
        dossier = row_by_id(orm.Dossier, dossier_id)
        if dossier is None:
            raise NotFound()
    orm.AuditEvent(actor=agent_actor(agent_id), action=action, dossier=dossier,
                   at=to_db(clock.now()), detail=detail,
                   address=address[:45] if address else None)
