"""The dossier workflow: eligibility, deadlines, and transitions with their guards.

The engine only decides (may this transition run? what must it do?); the
storage layer carries the actions out inside one transaction. Guards and actions are
named in the YAML and registered here (`guard`, `register_action`), so a new one is a
function and a registration, and the checker refuses a name nobody registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .compile import CompiledDefinition
from .errors import DesignerError, ErrorCode, error
from .model import Action, Definition, Text, Transition
from .validate import clean, validate_section, visible_sections

# GuardFailure code -> its message; "{section}", "{deadline}" and "{state}" are filled in
GUARD_MESSAGES = {
    "section_invalid": Text(
        "La section « {section} » contient des erreurs. Corrigez-les avant de soumettre.",
        "The section \"{section}\" has errors. Correct them before submitting.",
    ),
    "deadline_passed": Text(
        "La date limite pour soumettre ce dossier ({deadline}) est dépassée.",
        "The deadline to submit this dossier ({deadline}) has passed.",
    ),
    "wrong_state": Text(
        "Ce dossier ne peut plus être soumis : son statut est « {state} ».",
        "This dossier can no longer be submitted: its status is \"{state}\".",
    ),
    # "wrong_state" of a transition not taken by the applicant (an agent's)
    "wrong_state_other": Text(
        "Cette action n'est pas possible : le statut du dossier est « {state} ».",
        "This action is not possible: the dossier's status is \"{state}\".",
    ),
}


@dataclass(frozen=True)
class GuardFailure:
    """Why a transition may not run now, in both languages, and where to look.

    code: "wrong_state", "section_invalid", "deadline_passed" or "not_eligible";
    section: the
    section id to correct, for "section_invalid" (Guide: errors block the
    submission and say where).
    """

    code: str
    message: Text
    section: str | None = None


# --- guards -----------------------------------------------------------------------


@dataclass(frozen=True)
class GuardContext:
    """What a guard reads: the compiled definition, the dossier's cleaned answers
    (`validate.clean`), its deadline (a local date, None: none), the moment (in the
    service's time zone) and the dossier's state id ("" when unknown)."""

    compiled: CompiledDefinition
    cleaned: dict[str, Any]
    deadline: date | None
    now: datetime
    state: str = ""


Guard = Callable[[GuardContext], list[GuardFailure]]
# guard name (as written under a transition's `guards`) -> the function judging it
GUARDS: dict[str, Guard] = {}


def guard(name: str) -> Callable[[Guard], Guard]:
    """Decorator registering `fn(ctx: GuardContext) -> list[GuardFailure]` as the guard
    `name` ([] means it lets the transition run); the checker accepts only registered names."""
    def register(fn: Guard) -> Guard:
        GUARDS[name] = fn
        return fn
    return register


@guard("sections_valid")
def sections_valid(ctx: GuardContext) -> list[GuardFailure]:
    """One "section_invalid" failure per shown section with errors, in section order (a
    section hidden by its `when` is not required)."""
    compiled = ctx.compiled
    return [GuardFailure("section_invalid",
                         GUARD_MESSAGES["section_invalid"].filled(section=s.title), s.id)
            for s in visible_sections(compiled, ctx.cleaned)
            if validate_section(compiled, s.id, ctx.cleaned)]


def correction_states(d: Definition) -> frozenset[str]:
    """The states an agent sends a dossier back to for correction: the targets of the
    transitions with the action `unlock_for_correction`."""
    return frozenset(t.target for t in d.workflow.transitions
                     if any(a.kind == "unlock_for_correction" for a in t.actions))


@guard("before_deadline")
def before_deadline(ctx: GuardContext) -> list[GuardFailure]:
    """One "deadline_passed" failure when `now`'s date is after the deadline (the
    deadline day itself is still in time); none without a deadline, nor in a state an
    agent sent the dossier back to for correction (`correction_states`: the correction
    an agent asked for may come after the deadline to submit)."""
    if ctx.deadline is None or ctx.now.date() <= ctx.deadline:
        return []
    if ctx.state in correction_states(ctx.compiled.definition):
        return []
    message = GUARD_MESSAGES["deadline_passed"].filled(deadline=ctx.deadline.isoformat())
    return [GuardFailure("deadline_passed", message)]


# --- actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActionKind:
    """A kind of transition action the engine knows: its YAML name, whether it names
    something (`{document: id}`: `ref`) and how the checker judges that reference.

    check(action, transition, definition) yields the DesignerErrors of one action of
    this kind (e.g. UNKNOWN_DOCUMENT); storage carries the action out (the handler
    registered under the same name in storage/dossiers/actions.py).
    """

    name: str
    takes_ref: bool
    check: Callable[[Action, Transition, Definition], Iterable[DesignerError]] = (
        lambda a, t, d: ())


# action name -> its kind; `register_action` adds one
ACTIONS: dict[str, ActionKind] = {}


def register_action(kind: ActionKind) -> ActionKind:
    """Add (or replace) the action kind `kind.name`; returns it."""
    ACTIONS[kind.name] = kind
    return kind


def _document_known(a: Action, t: Transition, d: Definition) -> Iterator[DesignerError]:
    if a.ref not in d.documents:
        yield error(ErrorCode.UNKNOWN_DOCUMENT, d.path, a.line, transition=t.id, document=a.ref)


def _message_known(a: Action, t: Transition, d: Definition) -> Iterator[DesignerError]:
    if a.ref not in d.messages:
        yield error(ErrorCode.UNKNOWN_MESSAGE, d.path, a.line, transition=t.id, message=a.ref)


def _target_editable(a: Action, t: Transition, d: Definition) -> Iterator[DesignerError]:
    state = d.workflow.states.get(t.target)
    if state is not None and not state.editable:
        yield error(ErrorCode.UNLOCK_NOT_EDITABLE, d.path, a.line, transition=t.id,
                    state=t.target)


register_action(ActionKind("freeze_recap", takes_ref=False))  # keep the recap as submitted
register_action(ActionKind("document", takes_ref=True, check=_document_known))
register_action(ActionKind("message", takes_ref=True, check=_message_known))
# the dossier is assigned to the agent taking the transition
register_action(ActionKind("assign", takes_ref=False))
# the dossier goes back to the applicant to correct: the target state must be editable
register_action(ActionKind("unlock_for_correction", takes_ref=False, check=_target_editable))


def check_actions_and_guards(d: Definition) -> Iterator[DesignerError]:
    """UNKNOWN_GUARD for a guard name no module registered (at the transition's line);
    UNKNOWN_ACTION for an unregistered action; ACTION_REF for an action written bare
    that needs a reference, or with one it does not take; then each action kind's
    own check (UNKNOWN_DOCUMENT, UNKNOWN_MESSAGE)."""
    for t in d.workflow.transitions:
        for name in t.guards:
            if name not in GUARDS:
                yield error(ErrorCode.UNKNOWN_GUARD, d.path, t.line, transition=t.id,
                            guard=name, known=", ".join(GUARDS))
        for a in t.actions:
            kind = ACTIONS.get(a.kind)
            if kind is None:
                yield error(ErrorCode.UNKNOWN_ACTION, d.path, a.line, transition=t.id,
                            action=a.kind, known=", ".join(ACTIONS))
            elif kind.takes_ref != (a.ref is not None):
                yield error(ErrorCode.ACTION_REF, d.path, a.line, action=a.kind,
                            how=f"{{{a.kind}: <id>}}" if kind.takes_ref else a.kind)
            else:
                yield from kind.check(a, t, d)


def age_on(birth_date: date, today: date) -> int:
    """Age in whole years on `today`.

    Someone born on 29 February gets a year older on 1 March in common years.
    """
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month,
                                                                       birth_date.day))


def eligibility_failures(d: Definition, birth_date: date | None, today: date) -> list[Text]:
    """The designer's messages of every eligibility rule the applicant does not meet.

    birth_date: from the applicant's profile; None fails every age rule.
    today: the local date of the creation. Returns [] when eligible.
    Guide: the service's applicant is at least 18 years old.
    """
    failures = []
    for rule in d.eligibility:
        age = age_on(birth_date, today) if birth_date else None
        too_young = rule.min_age is not None and (age is None or age < rule.min_age)
        too_old = rule.max_age is not None and (age is None or age > rule.max_age)
        if too_young or too_old:
            failures.append(rule.message)
    return failures


def deadline_for(d: Definition, created: date) -> date:
    """The last day to submit: the creation date + `d.deadline_days` calendar days.

    Guide: the "Date limite pour soumettre" of a draft; the guide's service
    declares 90 days, so a dossier created 2022-07-11 has deadline 2022-10-09.
    """
    return created + timedelta(days=d.deadline_days)


def is_editable(d: Definition, state: str) -> bool:
    """Whether the applicant may change answers in `state` (a state id); False if unknown.

    Guide: once submitted ("Présenté"), the form can no longer be changed.
    """
    s = d.workflow.states.get(state)
    return bool(s and s.editable)


def deadline_binds(d: Definition, state: str) -> bool:
    """Whether the deadline to submit still binds a dossier in `state`: an editable state
    (`is_editable`) that is not one an agent sends dossiers back to for correction
    (`correction_states`, where the guard `before_deadline` does not apply). Reminders
    of the deadline (`workflow.reminders`) go only to dossiers in such states."""
    return is_editable(d, state) and state not in correction_states(d)


def state_label(d: Definition, state: str) -> Text:
    """The label of a state id ("Inscription en cours"); the id itself if unknown."""
    s = d.workflow.states.get(state)
    return s.label if s else Text(state, state)


def applicant_transitions(d: Definition, state: str) -> list[Transition]:
    """The transitions the applicant may try from `state` (a state id): those `by:
    applicant`, in declared order.

    Guards are not evaluated here; see `guard_failures`.
    """
    return [t for t in d.workflow.transitions if t.by == "applicant" and state in t.sources]


def agent_transitions(d: Definition, state: str) -> list[Transition]:
    """The transitions an agent may take from `state` (a state id): those `by: agent`, in
    declared order (each a button labelled `label`, with its `form`: engine.agentforms).

    Guards are not evaluated here; see `guard_failures` (the same registry).
    """
    return [t for t in d.workflow.transitions if t.by == "agent" and state in t.sources]


def is_final(d: Definition, state: str) -> bool:
    """Whether no transition leaves `state` (a state id), whoever takes it: a dossier
    there stays there (Fermé). The back office marks a transition into such a state
    "Action définitive": nobody can undo it."""
    return not any(state in t.sources for t in d.workflow.transitions)


def schedule_transitions(d: Definition, state: str) -> list[Transition]:
    """The transitions `by: schedule` leaving `state`, in declared order: each is taken by
    itself once the dossier has been `Transition.after` in `state`."""
    return [t for t in d.workflow.transitions if t.by == "schedule" and state in t.sources]


def deadline_transition(d: Definition, state: str) -> Transition | None:
    """The transition a dossier takes by itself once its deadline has passed, if any."""
    for t in d.workflow.transitions:
        if t.by == "deadline" and state in t.sources:
            return t
    return None


def guard_failures(
    compiled: CompiledDefinition,
    transition: Transition,
    state: str,
    answers: dict[str, Any],
    deadline: date | None,
    now: datetime,
    *,
    birth_date: date | None,
) -> list[GuardFailure]:
    """Every reason the transition may not run; empty means go.

    state: the dossier's state id; answers: field id -> value, stored or raw
    (cleaned here); deadline: the dossier's last day to submit (None: no
    deadline); birth_date: the applicant's, from the profile in force now.
    Only "wrong_state" is returned when `state` is not a source (its message says the
    dossier can no longer be submitted for an applicant transition, that the action is
    not possible for another).
    An applicant transition leaving an editable state (a submission) is always
    guarded by the definition's eligibility rules, checked again on `now`'s date
    against `birth_date`: one "not_eligible" failure per rule not met, with the
    designer's message (a birth date changed after the creation cannot slip an
    ineligible applicant through). Guard "sections_valid" gives one failure per
    invalid section; guard "before_deadline" one failure when `now`'s date is
    after `deadline` (the deadline day itself is still in time); each guard is the
    function registered under its name (GUARDS; the checker refuses another name).

    `now` must be in the service's time zone: the deadline is a local date.
    """
    d = compiled.definition
    if state not in transition.sources:
        label = state_label(d, state)
        message = GUARD_MESSAGES["wrong_state" if transition.by == "applicant"
                                 else "wrong_state_other"]
        return [GuardFailure("wrong_state", message.filled(state=label))]
    failures = []
    if transition.by == "applicant" and is_editable(d, state):
        failures += [GuardFailure("not_eligible", message)
                     for message in eligibility_failures(d, birth_date, now.date())]
    ctx = GuardContext(compiled, clean(compiled, answers), deadline, now, state)
    for name in transition.guards:
        failures += GUARDS[name](ctx)
    return failures
