"""Récapitulatif: every section's questions and answers, with a way back to the form."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from web.accounts.current import login_required
from web.forms import bp
from web.forms.page import header, load, recap_of


@bp.get("/recapitulatif")
@login_required
def recap(number: str) -> ResponseReturnValue:
    """RÉCAPITULATIF: every section's questions and answers (forms/recap.html), 200; a
    submitted dossier shows the recap frozen at submission. `retour`: the section to
    go back to (default: the first). 404 for a dossier that is not the applicant's.
    Guide: the recap can be consulted at any time, then back to the form."""
    dossier, compiled = load(number)
    ids = [s.id for s in compiled.definition.sections]
    back = request.args.get("retour")
    return render_template("forms/recap.html", header=header(compiled, dossier),
                           recap=recap_of(compiled, dossier),
                           back=back if back in ids else ids[0])
