"""The agents' back office at /agent/: one blueprint, `bp`, whose pages live in the
modules of this package (auth.py: enrolment, login, logout; agents.py: the
supervisor's agent management; later queue.py, dossier.py, exports.py...). Every
page but enrolment and login is wrapped in `web.agent.auth.agent_required`."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("agent", __name__, url_prefix="/agent", template_folder="templates")

# the modules add their routes to `bp` (imported for that effect)
from web.agent import (  # noqa: E402,F401
    agents,
    auth,
    dossier,
    exports,
    home,
    queue,
    receipts,
    register,
)
