"""/agent/dossiers/<number>: one dossier as an agent handles it.

The page shows the header, the recap of the chosen submission, the recap PDFs and the
applicant's files (downloads audited), the history and the messages; then each agent
transition leaving the state as a form whose questions are drawn by the applicants'
field macros (web/forms/fields.py, templates/macros/fields.html) from the transition's
`form:` (engine.agentforms), a free-text message form and, for a supervisor, the
assignment. Every post redirects back (303) when done; a form with mistakes is drawn
again with each message next to its question and in an error summary (422). Names of
a transition's inputs are prefixed with its id, so two forms on the page never share
an input (`<transition>-<field id>`). No JavaScript is needed.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_number

import storage
from engine import CompiledDefinition
from engine.agentforms import agent_form, agent_form_compiled
from engine.formdata import section_answers
from engine.typed_text import message_text
from engine.validate import clean, visible_fields
from engine.workflow import is_final, state_label
from web.agent import bp
from web.agent.auth import agent_required
from web.forms.fields import engine_field_view
from web.i18n import N_, _, current_lang, localize
from web.registry import registry
from web.ui.fields import FieldView

MESSAGE_MISSING = {"subject": N_("Écrivez l’objet du message."),
                   "body": N_("Écrivez le message.")}
SUBJECT_TOO_LONG = N_("L’objet du message doit compter au plus 500 caractères.")
BODY_TOO_LONG = N_("Le message doit compter au plus %(max)s caractères.")
REFUSALS = {
    "stale": N_("Le dossier a changé depuis l’affichage de la page. Vérifiez son état, "
                "puis recommencez."),
    "wrong_state": N_("Cette action n’est plus possible dans l’état actuel du dossier."),
}

# audit actions other than transitions, as the history names them
ACTION_NAMES = {
    "create": N_("Création"), "register": N_("Inscription par un agent"),
    "link": N_("Lié au compte de la personne requérante"), "open": N_("Consultation"),
    "message": N_("Message envoyé"), "reply": N_("Réponse de la personne requérante"),
    "assign": N_("Attribution"),
    "document": N_("Téléchargement d’un récapitulatif"),
    "file": N_("Téléchargement d’un fichier"), "archive": N_("Réponses archivées"),
    "correction_requested": N_("Correction demandée"), "migrate": N_("Mise à jour du formulaire"),
}


@dataclass(frozen=True)
class Consultations:
    """Who opened the dossier's page, in one line: the agent's name, the first and last
    opening (aware datetimes) and how many openings. Every opening stays in the audit
    trail; the history shows them this way so they do not bury what happened."""

    who: str
    first: datetime
    last: datetime
    count: int


def consultations(history: Iterable[Any]) -> list[Consultations]:
    """One Consultations per agent from the history's "open" events (objects with `who`,
    `at`, `action`), most recent last opening first."""
    seen: dict[str, list[datetime]] = {}
    for event in history:
        if event.action == "open":
            seen.setdefault(event.who, []).append(event.at)
    lines = [Consultations(who, min(ats), max(ats), len(ats)) for who, ats in seen.items()]
    return sorted(lines, key=lambda c: c.last, reverse=True)


@dataclass
class TransitionForm:
    """One agent transition as the page draws it: its id, its button's text (current
    language), its questions (FieldViews, input names prefixed "<id>-"), the errors of
    no shown question, and whether it is the one posted with mistakes. `final`: the
    label (current language) of the state it leads to when no transition leaves that
    state (engine.workflow.is_final), "" otherwise: the form then says, by its button,
    that nothing can be done after it."""

    id: str
    label: str
    fields: list[FieldView]
    other_errors: list[str] = field(default_factory=list)
    posted: bool = False
    final: str = ""


def _compiled(view: storage.AgentDossierView) -> CompiledDefinition:
    """The definition the dossier is pinned to (its type and version)."""
    return storage.definition_of(registry(), view.type_id, view.definition_version)


def _prefixed(form: Any, transition_id: str) -> Any:
    """`getlist` reading the inputs of one transition's form by their field ids."""
    return lambda key: form.getlist(f"{transition_id}-{key}")


def transition_form(compiled: CompiledDefinition, transition_id: str,
                    values: dict[str, Any] | None = None,
                    errors: tuple[Any, ...] = ()) -> TransitionForm:
    """The form of agent transition `transition_id`: its shown questions for `values`
    (field id -> value as posted; None: empty form), each engine FieldError (`errors`)
    next to its question (a composite question's part by "<id>.<part>"), the others
    kept apart."""
    section = agent_form(compiled, transition_id)
    form_compiled = agent_form_compiled(compiled, transition_id)
    values = values or {}
    cleaned = clean(form_compiled, values)
    messages: dict[str, str] = {}
    for e in errors:
        key = e.path or ""
        messages[key] = " ".join(filter(None, (messages.get(key, ""), localize(e.message))))
    shown = visible_fields(form_compiled, section, cleaned)
    views = []
    for f in shown:
        parts = {k.split(".", 1)[1]: m for k, m in messages.items() if k.startswith(f"{f.id}.")}
        views.append(engine_field_view(form_compiled, f, values.get(f.id), cleaned,
                                       messages.get(f.id, ""), "", parts,
                                       name=f"{transition_id}-{f.id}"))
    ids = {f.id for f in shown}
    other = [m for k, m in messages.items() if k.split(".", 1)[0] not in ids]
    d = compiled.definition
    target = d.workflow.transition(transition_id).target  # agent_form found it
    final = localize(state_label(d, target)) if is_final(d, target) else ""
    return TransitionForm(transition_id, localize(section.title), views, other,
                          bool(errors), final)


def _page(number: str, posted: TransitionForm | None = None,
          message_errors: dict[str, str] | None = None, status: int = 200
          ) -> ResponseReturnValue:
    view = storage.agent_dossier(registry(), g.agent.id, number, request.remote_addr)
    if view is None:
        abort(404)
    compiled = _compiled(view)
    forms = [posted if posted is not None and posted.id == t else transition_form(compiled, t)
             for t in view.transitions]
    seqs = [s.seq for s in view.submissions]
    wanted = request.args.get("soumission", type=int)
    chosen = next((s for s in view.submissions if s.seq == wanted),
                  view.submissions[-1] if view.submissions else None)
    recap = (chosen.recap.get(current_lang()) or {}) if chosen is not None else {}
    assignable = (storage.assignable_agents(g.agent.id, view.number)
                  if g.agent.is_supervisor else [])
    return render_template("agent/dossier.html", d=view, forms=forms, chosen=chosen,
                           seqs=seqs, recap=recap, assignable=assignable,
                           message_errors=message_errors or {}, actions=ACTION_NAMES,
                           history=[h for h in view.history if h.action != "open"],
                           consultations=consultations(view.history),
                           states={k: v.label for k, v in
                                   compiled.definition.workflow.states.items()},
                           message=request.form if message_errors else {}), status


@bp.get("/dossiers/<number>")
@agent_required()
def dossier(number: str) -> ResponseReturnValue:
    """The dossier `number` (agent/dossier.html), 200; every opening audited ("open").
    404 for a number unknown or of a type not granted. `?soumission=N`: the recap of
    the N-th submission (default the latest)."""
    return _page(number)


@bp.post("/dossiers/<number>/actions/<transition_id>")
@agent_required()
def take_transition(number: str, transition_id: str) -> ResponseReturnValue:
    """Take the agent transition `transition_id` with its form's answers and the
    dossier `version` the page showed: 303 back to the dossier with a notice when done
    or refused (the dossier changed meanwhile, the state no longer allows it, a guard);
    422 with the page drawn again, errors next to the questions, when the form has
    mistakes.
    404 for a dossier not granted or a transition that is not an agent's."""
    found = storage.agent_dossier_type(g.agent.id, number)
    if found is None:
        abort(404)
    compiled = storage.definition_of(registry(), *found)
    number = number.strip().upper()
    try:
        section = agent_form(compiled, transition_id)
    except KeyError:
        abort(404)
    raw = section_answers(section, _prefixed(request.form, transition_id))
    try:
        done = storage.run_agent_transition(registry(), g.agent.id, number,
                                            transition_id, raw, request.remote_addr,
                                            request.form.get("version", type=int) or 0)
    except storage.TransitionRefused as refused:
        if refused.code == "form":
            posted = transition_form(compiled, transition_id, raw, refused.errors)
            return _page(number, posted, status=422)
        if refused.code == "guard":
            for failure in refused.failures:
                flash(localize(failure.message), "error")
        else:
            flash(REFUSALS[refused.code], "warning")
        return redirect(url_for("agent.dossier", number=number), 303)
    flash(_("C’est fait : %(action)s. État du dossier : %(state)s.",
            action=localize(section.title), state=localize(done.state_label)), "success")
    return redirect(url_for("agent.dossier", number=done.number), 303)


@bp.post("/dossiers/<number>/message")
@agent_required()
def send_message(number: str) -> ResponseReturnValue:
    """A free-text message to the applicant (subject, body): 303 back with a notice;
    422 with the errors by their fields (empty once spaces and invisible characters are
    trimmed, or too long: storage.MESSAGE_SUBJECT_MAX, storage.MESSAGE_BODY_MAX
    characters); 404 for a dossier not granted."""
    subject = message_text(request.form.get("subject", ""))
    body = message_text(request.form.get("body", ""))
    typed = {"subject": subject, "body": body}
    errors = {k: m for k, m in MESSAGE_MISSING.items() if not typed[k]}
    if len(subject) > storage.MESSAGE_SUBJECT_MAX:
        errors["subject"] = SUBJECT_TOO_LONG
    if len(body) > storage.MESSAGE_BODY_MAX:
        errors["body"] = _(BODY_TOO_LONG, max=format_number(storage.MESSAGE_BODY_MAX))
    if errors:
        return _page(number, message_errors=errors, status=422)
    try:
        storage.post_agent_message(registry(), g.agent.id, number, subject, body,
                                   request.remote_addr)
    except ValueError:
        abort(404)
    flash(N_("Votre message a été envoyé à la personne requérante."), "success")
    return redirect(url_for("agent.dossier", number=number.strip().upper()), 303)


@bp.post("/dossiers/<number>/attribution")
@agent_required(supervisor=True)
def assign(number: str) -> ResponseReturnValue:
    """A supervisor assigns the dossier (`agent`: an agent id, "" for nobody): 303 back
    with a notice; 404 for a dossier not granted or an agent who may not have it."""
    chosen = request.form.get("agent", "")
    agent_id = int(chosen) if chosen.isdigit() else None
    if chosen and agent_id is None:
        abort(404)
    storage.assign_dossier(g.agent.id, number, agent_id, request.remote_addr)
    flash(N_("L’attribution du dossier est enregistrée."), "success")
    return redirect(url_for("agent.dossier", number=number.strip().upper()), 303)


@bp.get("/dossiers/<number>/documents/<public_id>")
@agent_required()
def document(number: str, public_id: str) -> ResponseReturnValue:
    """A recap PDF of the dossier, as an attachment, never cached (audited); 303 back
    with a notice while it is still being rendered; 404 when not this dossier's."""
    found, content = storage.agent_document(g.agent.id, number, public_id,
                                            request.remote_addr)
    if content is None:
        flash(N_("Ce document est en préparation. Réessayez dans quelques instants."),
              "warning")
        return redirect(url_for("agent.dossier", number=number.strip().upper()), 303)
    response = send_file(io.BytesIO(content), mimetype=found.content_type,
                         as_attachment=True, download_name=found.filename,
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/dossiers/<number>/fichiers/<public_id>")
@agent_required()
def upload(number: str, public_id: str) -> ResponseReturnValue:
    """A file the applicant gave, as an attachment, never cached nor sniffed (audited);
    404 when not this dossier's."""
    info, stream = storage.agent_upload(g.agent.id, number, public_id, request.remote_addr)
    response = send_file(stream, mimetype=info.content_type, as_attachment=True,
                         download_name=info.name, conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
