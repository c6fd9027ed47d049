"""The back office's home page, /agent/: what an agent can do from here."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from web.agent import bp
from web.agent.auth import agent_required


@bp.get("/")
@agent_required()
def home() -> ResponseReturnValue:
    """/agent/: the agent's name, the dossier types granted and the back office's
    sections (agent/home.html), 200."""
    return render_template("agent/home.html")
