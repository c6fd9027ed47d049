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
from .validate import clean, validate_section

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
    """Why a transition may not run now, in both languages, and where to look."""

    code: str
    message: Text
    section: str | None = None


def _fill(text: Text, **params: Any) -> Text:
    return Text(text.fr.format(**params), text.en.format(**params), text.line)


def age_on(birth_date: date, today: date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month,
                                                                       birth_date.day))


def eligibility_failures(d: Definition, birth_date: date | None, today: date) -> list[Text]:
    """The designer's messages of every eligibility rule the applicant does not meet."""
    failures = []
    for rule in d.eligibility:
        age = age_on(birth_date, today) if birth_date else None
        too_young = rule.min_age is not None and (age is None or age < rule.min_age)
        too_old = rule.max_age is not None and (age is None or age > rule.max_age)
        if too_young or too_old:
            failures.append(rule.message)
    return failures


def deadline_for(d: Definition, created: date) -> date:
    return created + timedelta(days=d.deadline_days)


def is_editable(d: Definition, state: str) -> bool:
    s = d.workflow.states.get(state)
    return bool(s and s.editable)


def state_label(d: Definition, state: str) -> Text:
    s = d.workflow.states.get(state)
    return s.label if s else Text(state, state)


def applicant_transitions(d: Definition, state: str) -> list[Transition]:
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
) -> list[GuardFailure]:
    """Every reason the transition may not run; empty means go.

    `now` must be in the service's time zone: the deadline is a local date.
    """
    d = compiled.definition
    if state not in transition.sources:
        label = state_label(d, state)
        return [GuardFailure("wrong_state", Text(
            GUARD_MESSAGES["wrong_state"].fr.format(state=label.fr),
            GUARD_MESSAGES["wrong_state"].en.format(state=label.en)))]
    failures = []
    cleaned = clean(compiled, answers)
    for guard in transition.guards:
        if guard == "sections_valid":
            for s in d.sections:
                if validate_section(compiled, s.id, cleaned):
                    failures.append(GuardFailure(
                        "section_invalid",
                        Text(GUARD_MESSAGES["section_invalid"].fr.format(section=s.title.fr),
                             GUARD_MESSAGES["section_invalid"].en.format(section=s.title.en)),
                        s.id,
                    ))
        elif guard == "before_deadline" and deadline is not None and now.date() > deadline:
            failures.append(GuardFailure("deadline_passed", _fill(
                GUARD_MESSAGES["deadline_passed"], deadline=deadline.isoformat())))
    return failures
