"""Submitting a dossier: the definition's applicant transition, guards then actions.

The dossier row is locked first, so of twenty simultaneous submits one moves
the dossier and the other nineteen find it already moved and are refused
(wrong state). Guards and actions run in that one transaction: either the
status, snapshot, document, message, email and audit event are all written,
or none is.
"""

from __future__ import annotations

from typing import Any

from engine import CompiledDefinition, Registry
from engine.load import plain
from engine.model import Transition
from engine.workflow import (
    GUARD_MESSAGES,
    GuardFailure,
    applicant_transitions,
    deadline_transition,
    guard_failures,
    is_editable,
)
from storage.clock import clock, to_db
from storage.definitions import pinned_to_change
from storage.dossiers import audit
from storage.dossiers.actions import run_actions
from storage.dossiers.archive import store_cleaned
from storage.dossiers.expiry import is_overdue
from storage.dossiers.status import set_status
from storage.errors import SubmitRefused
from storage.orm.db import database
from storage.orm.rows import dossier_view, owned_dossier
from storage.orm.transactions import transaction
from storage.views import DossierView


def pick_transition(compiled: CompiledDefinition, state: str,
                    transition_id: str | None) -> Transition:
    """The applicant transition to run from `state` (the definition's first one when
    none leaves it: its guards then report the wrong state). `transition_id`: a
    specific one (None: the first leaving `state`). ValueError when it is not an
    applicant transition, or when the workflow has none."""
    workflow = compiled.definition.workflow
    if transition_id is not None:
        transition = workflow.transition(transition_id)
        if transition is None or transition.by != "applicant":
            raise ValueError(f"{compiled.id}: no applicant transition {transition_id!r}")
        return transition
    available = applicant_transitions(compiled.definition, state)
    if available:
        return available[0]
    anywhere = [t for t in workflow.transitions if t.by == "applicant"]
    if not anywhere:
        raise ValueError(f"{compiled.id}: the workflow has no applicant transition")
    return anywhere[0]


def _deadline_failure(dossier: Any) -> GuardFailure:
    text = GUARD_MESSAGES["deadline_passed"]
    deadline = dossier.deadline.isoformat()
    return GuardFailure("deadline_passed", text.filled(deadline=deadline))


def refusals(compiled: CompiledDefinition, transition: Transition,
             dossier: Any) -> list[GuardFailure]:
    """Every reason not to run the transition now (GuardFailure: code, message in both
    languages, section); an overdue draft that its definition would expire is refused
    even if the designer forgot the guard, and a submission by an owner whose profile,
    as it is now, fails the eligibility rules ("not_eligible"). Empty when it may run.
    Call with the owner's row locked (`submit` does), so the profile read is the one
    in force when the transaction commits."""
    owner = dossier.owner
    failures = guard_failures(compiled, transition, dossier.status, dossier.answers,
                              dossier.deadline, clock.local(clock.now()),
                              birth_date=owner.birth_date if owner is not None else None)
    overdue = is_overdue(dossier, clock.today()) and deadline_transition(
        compiled.definition, dossier.status) is not None
    if overdue and not any(f.code == "deadline_passed" for f in failures):
        failures.append(_deadline_failure(dossier))
    return failures


@transaction(write=True)
def submit(registry: Registry, account_id: int, number: str, lang: str = "fr",
           transition_id: str | None = None, version: int | None = None) -> DossierView:
    """Run the applicant transition leaving the dossier's state (the designer's submit);
    SubmitRefused says why not, and then nothing is written.

    `lang` is unused and kept for the contract's callers: the message, the email and
    the document take the account's language, and refusals carry both languages.

    Returns the dossier in its new state (submitted_at set when it leaves an editable
    state: after a correction, the new submission's moment; every one stays in
    `submissions_of`). NotFound for another account's dossier; ValueError for a `transition_id`
    that is no applicant transition. Submitting twice is refused (wrong_state),
    except the same request again: with `version` (the dossier version the
    applicant's page showed), when this transition took the dossier from exactly that
    version (a double click on a slow link), the dossier is returned as it is, done.
    Guide: errors block the submission and say where; once submitted the dossier is
    locked ("Présenté", date and time shown); the eligibility rules are checked again
    against the profile in force (its row locked until the commit); the confirmation
    goes to the message centre and an email says only that a message waits.
    """
    dossier = owned_dossier(account_id, number, for_update=True)
    database().Account.get_for_update(id=account_id)  # its profile: eligibility, the snapshot
    compiled = pinned_to_change(registry, dossier)
    transition = pick_transition(compiled, dossier.status, transition_id)
    if (version is not None and dossier.version == version + 1
            and dossier.submitted_at is not None and dossier.status == transition.target):
        return dossier_view(dossier)  # already done by this same request, sent twice
    failures = refusals(compiled, transition, dossier)
    if failures:
        raise SubmitRefused(failures)
    now = clock.now()
    previous = dossier.status
    store_cleaned(compiled, dossier, plain(dossier.answers), audit.account_actor(account_id))
    set_status(dossier, transition.target, now)
    dossier.version += 1
    if is_editable(compiled.definition, previous):
        dossier.submitted_at = to_db(now)  # the latest submission's (each one is kept)
    run_actions(compiled, transition, dossier, now)
    audit.record(audit.account_actor(account_id), transition.id, dossier,
                 {"from": previous, "to": transition.target})
    return dossier_view(dossier)
