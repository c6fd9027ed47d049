"""The small forms agents fill when they take a transition (`form:` under a `by: agent`
transition): a meeting's date and place, the reason for a correction.

A form is written like a section's `fields:` and is compiled, cleaned, validated and
shown by the very same engine as a section (`model.agent_form_definition` makes it the
one section of a definition of its own, compiled once in `CompiledDefinition.agent_forms`),
so its questions have the same types, conditions, messages and normalisation, and the
back office renders it with the sections' field macros. Its answers fill the
`{<field id>}` placeholders of the messages the transition posts (`form_values`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .compare import parse_date
from .compile import CompiledDefinition
from .fieldtypes.date import format_long
from .model import Field, Lang, Section, Transition
from .recap import recap_item
from .validate import FieldError, clean, validate_section


def _transition(compiled: CompiledDefinition, transition_id: str) -> Transition:
    transition = compiled.definition.workflow.transition(transition_id)
    if transition is None or transition_id not in compiled.agent_forms:
        raise KeyError(f"{compiled.id}: no agent transition {transition_id!r}")
    return transition


def agent_form_compiled(compiled: CompiledDefinition, transition_id: str) -> CompiledDefinition:
    """The form of the agent transition `transition_id` compiled as a definition of one
    section (whose id is `transition_id`): what `validate.visible_fields`,
    `validate.offered_options` and the other section helpers take to render it.

    Raises KeyError when `compiled` has no `by: agent` transition (nor transition with a
    form) of that id.
    """
    _transition(compiled, transition_id)
    return compiled.agent_forms[transition_id]


def agent_form(compiled: CompiledDefinition, transition_id: str) -> Section:
    """The form of the agent transition `transition_id` as a Section: id the transition's,
    title its label (the button's text), fields its questions in order (none for a
    transition without `form:`). Read posted values with
    `engine.formdata.section_answers(agent_form(...), form.getlist)`.

    Raises KeyError for an unknown transition or one not `by: agent` (without a form).
    """
    return agent_form_compiled(compiled, transition_id).sections[transition_id].section


def validate_agent_form(compiled: CompiledDefinition, transition_id: str,
                        raw: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """(cleaned answers, errors) of the agent's form of `transition_id`.

    raw: field id -> value, as `engine.formdata.section_answers` reads a post (or JSON
    values); unknown keys are dropped. cleaned: field id -> normalised value, without
    empty answers nor answers to questions hidden by their `when` (`validate.clean`);
    errors: `validate.FieldError`s, one per question at most then the rules', each with
    the designer's message ([] when the form may be sent; always [] without a form).
    Raises KeyError for an unknown transition or one not `by: agent`.
    """
    form = agent_form_compiled(compiled, transition_id)
    cleaned = clean(form, raw)
    return cleaned, validate_section(form, transition_id, cleaned)


def form_values(compiled: CompiledDefinition, transition_id: str,
                cleaned: Mapping[str, Any], lang: Lang | str) -> dict[str, str]:
    """Placeholder name -> display text for the messages `transition_id` posts: each
    question of its form by id, its answer in `cleaned` (from `validate_agent_form`)
    shown as the recap shows it (`recap.recap_item`: a choice's label, in `lang`, "fr" or
    "en"; a masked answer as its mask) except a date, written in words ("3 décembre
    2026", "December 3, 2026"), "" when unanswered or hidden.
    The storage handler fills them with {number} and {submitted_at}
    (engine.placeholders.MESSAGE, `extra` = these names).

    Raises KeyError for an unknown transition or one not `by: agent`.
    """
    section = agent_form(compiled, transition_id)
    return {f.id: _shown(f, cleaned[f.id], lang) if f.id in cleaned else ""
            for f in section.fields}


def _shown(f: Field, value: Any, lang: str) -> str:
    """One answer as a message shows it: a date in words, else as the recap shows it."""
    day = parse_date(value) if f.kind.value_kind == "date" and not f.mask else None
    return format_long(day, lang) if day is not None else recap_item(f, value, lang).value


def form_names(transition: Transition) -> frozenset[str]:
    """The placeholders a message posted by `transition` may hold besides the MESSAGE
    kind's: the ids of its form's questions (frozenset() without a form)."""
    return frozenset(f.id for f in transition.form)
