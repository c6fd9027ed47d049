"""The receipt check, /agent/recapitulatifs/verifier ("Vérifier un récapitulatif"): an
agent gives a recap PDF, or types the fingerprint printed in its footer, and learns
whether it is a recap issued here and of which submission, or a copy whose bytes were
changed (refused), or nothing known.

The check itself is storage.verify_receipt (as `guichet receipts verify`); this page
only asks, words the answer, and keeps to the agent's granted types: a receipt of a
dossier of another type reads as unknown, so the page says nothing about dossiers the
agent may not see. Each check is audited ("receipt_check": how it was given, the
result, and the dossier number when one of the agent's types matched).
"""

from __future__ import annotations

from flask import g, render_template, request
from flask.typing import ResponseReturnValue

import storage
from web.agent import bp
from web.agent.auth import agent_required, audit
from web.forms.uploads import takes_files
from web.i18n import _


def _page(errors: dict[str, str] | None = None, check: storage.ReceiptCheck | None = None,
          status: int = 200) -> ResponseReturnValue:
    form = request.form if errors else {}
    return render_template("agent/receipts.html", errors=errors or {}, form=form,
                           check=check), status


@bp.get("/recapitulatifs/verifier")
@agent_required()
def receipts() -> ResponseReturnValue:
    """The form (agent/receipts.html), 200: a PDF to choose, or a fingerprint to type."""
    return _page()


@bp.post("/recapitulatifs/verifier")
@takes_files
@agent_required()
def verify() -> ResponseReturnValue:
    """Check the PDF given (`pdf`) or the fingerprint typed (`fingerprint`: spaces,
    hyphens and case ignored): 200 with the answer — it matches submission N of dossier
    X (its date and definition version), or the PDF was altered (refused), or nothing
    issued here matches (also for a dossier of a type not granted to the agent). 422
    when neither or both are given."""
    chosen = request.files.get("pdf")
    pdf = chosen.read() if chosen is not None and chosen.filename else b""
    typed = request.form.get("fingerprint", "").strip()
    if pdf and typed:
        message = _("Donnez le PDF ou l’empreinte, pas les deux.")
        return _page({"pdf": message, "fingerprint": message}, status=422)
    if not pdf and not typed:
        return _page({"pdf": _("Choisissez le PDF du récapitulatif, ou tapez son "
                               "empreinte ci-dessous.")}, status=422)
    check = (storage.verify_receipt(pdf_bytes=pdf) if pdf
             else storage.verify_receipt(fingerprint=typed))
    if check.status != "unknown" and check.type_id not in g.agent.types:
        check = storage.ReceiptCheck("unknown")
    audit("receipt_check", given="pdf" if pdf else "fingerprint", status=check.status,
          number=check.number, seq=check.seq)
    return _page(check=check)
