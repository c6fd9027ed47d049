"""The supervisor's agent management, /agent/agents: list, create (the enrolment link is
shown once), disable, and a new enrolment link (lost phone, forgotten password)."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

import storage
from engine.email_address import normalized_email
from web.agent import bp
from web.agent.auth import agent_required, audit
from web.i18n import N_, localize
from web.registry import registry

ROLE_LABELS = {"agent": N_("Agent"), "supervisor": N_("Superviseur")}


def enrolment_link(token: str, portal_url: str) -> str:
    """The one-time enrolment address of `token` on the portal at `portal_url`
    (PORTAL_URL, e.g. "https://guichet.example.org")."""
    return f"{portal_url.rstrip('/')}/agent/inscription/{token}"


# storage.AgentRefused code -> (field, message) (the form's own checks come first)
REFUSALS = {
    "email_taken": ("email", N_("Cette adresse est déjà celle d'un agent.")),
    "email": ("email", N_("Entrez une adresse courriel valide, par exemple nom@exemple.com.")),
    "name": ("name", N_("Entrez le nom de l'agent.")),
    "name_long": ("name", N_("Le nom ne peut pas dépasser 200 caractères.")),
    "role": ("role", N_("Choisissez un rôle.")),
    "types": ("types", N_("Choisissez des types de dossier de la liste.")),
    "no_types": ("types", N_("Choisissez au moins un type de dossier (un superviseur peut "
                             "n'en avoir aucun).")),
}


def _form_errors(form) -> dict[str, str]:
    errors = {}
    if normalized_email(form.get("email", "").strip()) is None:
        errors["email"] = N_("Entrez une adresse courriel valide, par exemple nom@exemple.com.")
    if not form.get("name", "").strip():
        errors["name"] = N_("Entrez le nom de l'agent.")
    elif len(form.get("name", "").strip()) > storage.AGENT_NAME_MAX:
        errors["name"] = REFUSALS["name_long"][1]
    if form.get("role") not in ROLE_LABELS:
        errors["role"] = N_("Choisissez un rôle.")
    elif form.get("role") != "supervisor" and not form.getlist("types"):
        errors["types"] = REFUSALS["no_types"][1]
    return errors


def _page(errors: dict[str, str] | None = None, created: tuple | None = None,
          status: int = 200) -> ResponseReturnValue:
    types = [(c.id, localize(c.definition.title)) for c in registry()]
    return render_template("agent/agents.html", agents=storage.list_agents(), types=types,
                           roles=ROLE_LABELS, errors=errors or {}, form=request.form,
                           created=created), status


@bp.get("/agents")
@agent_required(supervisor=True)
def agents() -> ResponseReturnValue:
    """The supervisor's list of agents and the form to add one (agent/agents.html), 200."""
    return _page()


@bp.post("/agents")
@agent_required(supervisor=True)
def create() -> ResponseReturnValue:
    """Add an agent: email, name, role, dossier types. 201 with the enrolment link shown
    once (valid 24 h); 422 with the errors by their fields (email malformed or already
    an agent's, name missing, role unknown, no dossier type for an agent:
    storage.create_agent's AgentRefused codes, REFUSALS)."""
    errors = _form_errors(request.form)
    if not errors:
        try:
            agent, token = storage.create_agent(request.form["email"], request.form["name"],
                                                request.form["role"],
                                                request.form.getlist("types"))
        except storage.AgentRefused as refused:
            field, text = REFUSALS.get(refused.code, REFUSALS["types"])
            errors[field] = text
        else:
            audit("agent_create", agent=agent.id, role=agent.role, types=list(agent.types))
            link = enrolment_link(token, current_app.config["PORTAL_URL"])
            return _page(created=(agent, link), status=201)
    return _page(errors, status=422)


@bp.post("/agents/<int:agent_id>/desactiver")
@agent_required(supervisor=True)
def disable(agent_id: int) -> ResponseReturnValue:
    """Disable an agent (not oneself): it can no longer log in and its sessions end.
    303 back to the list with a message; 404 for an unknown agent."""
    if agent_id == g.agent.id:
        flash(N_("Vous ne pouvez pas désactiver votre propre compte."), "error")
        return redirect(url_for("agent.agents"), 303)
    try:
        agent = storage.disable_agent(agent_id)
    except storage.NotFound:
        return "", 404
    audit("agent_disable", agent=agent.id)
    flash(N_("Le compte est désactivé."), "success")
    return redirect(url_for("agent.agents"), 303)


@bp.post("/agents/<int:agent_id>/lien")
@agent_required(supervisor=True)
def renew(agent_id: int) -> ResponseReturnValue:
    """A new enrolment link for an enabled agent (its password and code app must then be
    set anew): 201 with the link shown once; 404 for an unknown or disabled agent."""
    agent = storage.get_agent(agent_id)
    if agent is None or agent.disabled:
        return "", 404
    agent, token = storage.renew_enrolment(agent_id)
    audit("agent_enrolment_renewed", agent=agent.id)
    return _page(created=(agent, enrolment_link(token, current_app.config["PORTAL_URL"])),
                 status=201)
