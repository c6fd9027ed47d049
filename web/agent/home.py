"""The back office's home page, /agent/: what an agent can do from here."""

from __future__ import annotations

from flask import g, render_template
from flask.typing import ResponseReturnValue

import storage
from web.agent import bp
from web.agent.auth import agent_required
from web.i18n import localize
from web.registry import registry


@bp.get("/")
@agent_required()
def home() -> ResponseReturnValue:
    """/agent/: the dossier types granted (title in the current language and id) and a
    link to every page of the back office with what it is for (the agents' page for a
    supervisor only) (agent/home.html), 200; first, how many dossiers of those types
    have a reply of their applicant no agent has seen, with a link to them."""
    types = []
    for type_id in g.agent.types:
        compiled = registry().get(type_id)
        types.append((type_id, localize(compiled.definition.title) if compiled else type_id))
    return render_template("agent/home.html", types=types,
                           replies=storage.unseen_replies(list(g.agent.types)))
