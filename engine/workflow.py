"""The dossier workflow: eligibility, deadlines, and transitions with their guards.

The engine only decides (may this transition run? what must it do?); the
storage layer carries the actions out inside one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .compile import CompiledDefinition
from .model import Definition, Text, Transition
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


def state_label(d: Definition, state: str) -> Text:
    """The label of a state id ("Inscription en cours"); the id itself if unknown."""
    s = d.workflow.states.get(state)
    return s.label if s else Text(state, state)


def applicant_transitions(d: Definition, state: str) -> list[Transition]:
    """The transitions the applicant may try from `state` (a state id), in declared order.

    Guards are not evaluated here; see `guard_failures`.
    """
    return [t for t in d.workflow.transitions if t.trigger == "applicant" and state in t.sources]


def deadline_transition(d: Definition, state: str) -> Transition | None:
    """The transition a dossier takes by itself once its deadline has passed, if any."""
    for t in d.workflow.transitions:
        if t.trigger == "deadline" and state in t.sources:
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
    Only "wrong_state" is returned when `state` is not a source.
    An applicant transition leaving an editable state (a submission) is always
    guarded by the definition's eligibility rules, checked again on `now`'s date
    against `birth_date`: one "not_eligible" failure per rule not met, with the
    designer's message (a birth date changed after the creation cannot slip an
    ineligible applicant through). Guard "sections_valid" gives one failure per
    invalid section; guard "before_deadline" one failure when `now`'s date is
    after `deadline` (the deadline day itself is still in time). The meta-schema
    allows no other guard.

    `now` must be in the service's time zone: the deadline is a local date.
    """
    d = compiled.definition
    if state not in transition.sources:
        label = state_label(d, state)
        return [GuardFailure("wrong_state", GUARD_MESSAGES["wrong_state"].filled(state=label))]
    failures = []
    if transition.trigger == "applicant" and is_editable(d, state):
        failures += [GuardFailure("not_eligible", message)
                     for message in eligibility_failures(d, birth_date, now.date())]
    cleaned = clean(compiled, answers)
    for guard in transition.guards:
        if guard == "sections_valid":  # the shown sections only: a hidden one is not required
            for s in visible_sections(compiled, cleaned):
                if validate_section(compiled, s.id, cleaned):
                    failures.append(GuardFailure(
                        "section_invalid",
                        GUARD_MESSAGES["section_invalid"].filled(section=s.title),
                        s.id,
                    ))
        elif guard == "before_deadline" and deadline is not None and now.date() > deadline:
            message = GUARD_MESSAGES["deadline_passed"].filled(deadline=deadline.isoformat())
            failures.append(GuardFailure("deadline_passed", message))
    return failures
