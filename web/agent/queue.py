"""The agents' queue (/agent/dossiers): what waits in the types an agent handles.

Counts by type and state, filters (type, state, assignment, deadline), a search box
for a number or a name, and one page of dossiers with a "Page suivante" link: all one
GET form, so the page works without JavaScript and every view of it has its address
(bookmarkable, shareable between agents of the same types). Reads only
storage.queue_counts and storage.agent_queue, with the agent's granted types: a type
not granted is never listed, counted or accepted as a filter.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from flask import g, render_template, request, url_for
from flask.typing import ResponseReturnValue

import storage
from engine.workflow import state_label
from web.agent import bp
from web.agent.auth import agent_required
from web.i18n import N_, _, fmt_date, localize
from web.registry import registry
from web.ui.fields import Choice, FieldView, simple_choices

ASSIGNMENTS = ("", "moi", "personne")  # everyone's, assigned to me, to no one
SEARCH_LENGTH = 100  # characters of the search box, at most
NEW_REPLIES = "nouvelles"  # ?reponses=: only the dossiers with replies no agent has seen
TOO_LONG = N_("Saisissez au plus %(max)s caractères : le début du numéro ou d'un nom suffit.")


@dataclass(frozen=True)
class CountCell:
    """One count of the summary: the type's title, the state's label, how many, and the
    address of the queue showing them."""

    type_title: str
    state_label: str
    count: int
    href: str


@dataclass(frozen=True)
class QueueLine:
    """One line of the table, display strings in the current language."""

    number: str
    href: str
    type_title: str
    state: str
    name: str
    submitted_at: str
    deadline: str
    assigned_to: str
    new_replies: int = 0  # the applicant's replies no agent has seen


def _types() -> list[tuple[str, str]]:
    """(type id, title) of the agent's granted types the portal serves, by title."""
    reg = registry()
    served = [(t, localize(c.definition.title)) for t in g.agent.types
              if (c := reg.get(t)) is not None]
    return sorted(served, key=lambda pair: pair[1])


def _state_labels(type_ids: Iterable[str]) -> dict[str, str]:
    """State id -> label for the states of `type_ids` (the first type naming a state
    gives its label), in the workflow's order."""
    labels: dict[str, str] = {}
    for type_id in type_ids:
        compiled = registry().get(type_id)
        if compiled is None:
            continue
        definition = compiled.definition
        for state in definition.workflow.states:
            labels.setdefault(state, localize(state_label(definition, state)))
    return labels


def _state_choices(type_ids: list[str], titles: dict[str, str],
                   current: str) -> tuple[Choice, ...]:
    """The state filter's options: each type's states under its title (an <optgroup>
    when there are several types: two types may name a state alike); a state id of
    several types is chosen once, in the first."""
    choices: list[Choice] = []
    chosen = False
    for type_id in type_ids:
        group = titles.get(type_id, type_id) if len(type_ids) > 1 else ""
        for state, label in _state_labels([type_id]).items():
            checked = not chosen and state == current
            chosen = chosen or checked
            choices.append(Choice(state, label, checked, group))
    return tuple(choices)


def _deadline(text: str) -> date | None:
    """The deadline filter as typed (YYYY-MM-DD, the date input's format); ValueError
    for anything else."""
    return date.fromisoformat(text) if text else None


def dossier_href(number: str) -> str:
    """The address of a dossier's page for agents, /agent/dossiers/<number> (PLAN17:
    the dossier view is another page's; spelt from this page's own address, so the
    list links to it whether that page is there yet or not)."""
    return f"{url_for('agent.queue')}/{quote(number, safe='')}"


def _line(row: storage.QueueRow, titles: dict[str, str], states: dict[str, str]) -> QueueLine:
    return QueueLine(
        number=row.number, href=dossier_href(row.number),
        type_title=titles.get(row.type_id, row.type_id),
        state=states.get(row.state, row.state), name=row.name,
        submitted_at=fmt_date(row.submitted_at), deadline=fmt_date(row.deadline),
        assigned_to=row.assigned_to or "", new_replies=row.new_replies)


def _filters(args: Any, types: list[tuple[str, str]], state_types: list[str],
             errors: dict[str, str]) -> list[FieldView]:
    """The filter form's questions, as posted back (GET), with their errors."""
    def error(key: str) -> str:
        return _(errors[key]) if key in errors else ""

    assignment = {"": _("Tous"), "moi": _("Attribués à moi"),
                  "personne": _("Attribués à personne")}
    return [
        FieldView(id="q", type="text", label=_("Numéro de dossier ou nom"), required=False,
                  value=args.get("q", "")[:SEARCH_LENGTH], max_length=SEARCH_LENGTH,
                  error=_(errors["q"], max=SEARCH_LENGTH) if "q" in errors else "",
                  help=_("Le début du numéro, ou le début d'un prénom ou d'un nom.")),
        FieldView(id="type", type="select", label=_("Type de dossier"), required=False,
                  choices=simple_choices(types, args.get("type", "")), value=args.get("type", ""),
                  error=error("type")),
        FieldView(id="etat", type="select", label=_("Statut du dossier"), required=False,
                  help=_("Sans statut choisi : les dossiers soumis."),
                  choices=_state_choices(state_types, dict(types), args.get("etat", "")),
                  value=args.get("etat", ""), error=error("etat")),
        FieldView(id="attribution", type="radio", label=_("Attribution"), required=False,
                  choices=simple_choices(((a, assignment[a]) for a in ASSIGNMENTS),
                                         args.get("attribution", ""))),
        FieldView(id="echeance", type="date", label=_("Date limite au plus tard le"),
                  required=False, value=args.get("echeance", ""), error=error("echeance"),
                  help=_("Format : AAAA-MM-JJ")),
    ]


@bp.get("/dossiers")
@agent_required()
def queue() -> ResponseReturnValue:
    """GET /agent/dossiers: counts by type and state, the filters and one page of the
    queue (agent/queue.html), 200; 422 with the error summary for a filter that cannot
    be used (a type not granted, an unknown state, a date not YYYY-MM-DD, a search
    longer than SEARCH_LENGTH characters), the list
    then shown without that filter. Query: q (number or name), type, etat, attribution
    ("moi" | "personne"), echeance (YYYY-MM-DD), reponses ("nouvelles": only the
    dossiers with a reply of their applicant no agent has seen, in any state; the page
    says how many there are and links to them), apres (the next page's cursor)."""
    args = request.args
    types = _types()
    granted = [t for t, _title in types]
    titles = dict(types)
    type_id = args.get("type", "")
    errors: dict[str, str] = {}
    if type_id and type_id not in titles:
        errors["type"] = N_("Choisissez un type de dossier de la liste.")
        type_id = ""
    state_types = [type_id] if type_id else granted
    states = _state_labels(state_types)
    state = args.get("etat", "")
    if state and state not in states:
        errors["etat"] = N_("Choisissez un statut de la liste.")
        state = ""
    try:
        deadline = _deadline(args.get("echeance", "").strip())
    except ValueError:
        errors["echeance"] = N_("Saisissez la date au format AAAA-MM-JJ.")
        deadline = None
    attribution = args.get("attribution", "")
    search = args.get("q", "")
    if len(search) > SEARCH_LENGTH:
        errors["q"] = TOO_LONG
        search = ""
    page = storage.agent_queue(
        granted, type_id=type_id or None, state=state or None,
        assigned_to=g.agent.id if attribution == "moi" else None,
        unassigned=attribution == "personne", deadline_before=deadline,
        search=search, after=args.get("apres") or None,
        number_prefixes=[c.definition.numbering.prefix for t in granted
                         if (c := registry().get(t)) is not None],
        new_replies=args.get("reponses") == NEW_REPLIES)
    counts = [CountCell(titles[t], _state_labels([t]).get(s, s), n,
                        url_for("agent.queue", type=t, etat=s))
              for t, s, n in storage.queue_counts(granted)]
    kept = {k: v for k, v in args.items() if k != "apres" and v}
    next_href = url_for("agent.queue", **kept, apres=page.next) if page.next else ""
    lines = [_line(row, titles, _state_labels([row.type_id])) for row in page.rows]
    fields = _filters(args, types, state_types, errors)
    replies = storage.unseen_replies(granted)
    return render_template("agent/queue.html", counts=counts, fields=fields, lines=lines,
                           next_href=next_href, first_href=url_for("agent.queue", **kept)
                           if args.get("apres") else "", replies=replies,
                           replies_only=args.get("reponses") == NEW_REPLIES,
                           replies_href=url_for("agent.queue", reponses=NEW_REPLIES)
                           ), 422 if errors else 200

