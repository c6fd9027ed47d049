"""The back office's exports, /agent/exports: the submitted dossiers of one granted type
and version, in one state or all, as CSV, XLSX or JSON.

The file is storage.export_dossiers' stream, returned as the response body as it is
(it binds its store itself, so the download never holds more than a batch in memory);
the columns are those of docs/exports.md, the same as `guichet export`. Answers of
masked questions are included only when a supervisor asks for them; any other agent
gets "masqué" in those cells whatever the request says. storage audits each export
(action "export", actor "agent:<id>", with type, version, state, format, masked,
rows and the client address) when the download ends or is abandoned.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, render_template, request
from flask.typing import ResponseReturnValue

import storage
from web.agent import bp
from web.agent.auth import agent_required
from web.agent.register import granted_registry
from web.i18n import _, localize

FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX (Excel)", "json": "JSON"}


def _choices() -> dict[str, object]:
    """What the form offers: the granted types, their versions (published, and the one
    served now), the states of their current versions ((id, label), grouped by type
    title as (title, [(id, label)...]) when there are several types), the formats."""
    granted = list(granted_registry())
    versions = storage.version_numbers([c.id for c in granted])
    # grouped by type (its title): two types may name a state alike ("Inscription en
    # cours" of each), and the agent must see whose it is
    states: list[tuple[str, Any]] = [
        (localize(c.definition.title),
         [(state.id, localize(state.label)) for state in c.definition.workflow.states.values()])
        for c in granted]
    if len(states) == 1:
        states = states[0][1]
    return {"types": [(c.id, localize(c.definition.title)) for c in granted],
            "versions": [(v, _("Version %(version)s", version=v)) for v in sorted(
                {v for vs in versions.values() for v in vs}
                | {c.definition.version for c in granted})],
            "states": states,
            "formats": [(f, FORMAT_LABELS.get(f, f)) for f in storage.EXPORT_FORMATS]}


def _page(errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    return render_template("agent/exports.html", errors=errors or {},
                           form=request.args if errors else {}, **_choices()), status


@bp.get("/exports")
@agent_required()
def exports() -> ResponseReturnValue:
    """The export form (agent/exports.html), 200: type (granted ones), version (default:
    the one served now), state (default: all), format; a supervisor may tick "include
    the answers of masked questions"."""
    return _page()


def _asked_version(errors: dict[str, str]) -> int | None:
    text = request.args.get("version", "").strip()
    if not text:
        return None
    if not text.isdigit():
        errors["version"] = _("Choisissez une version de la liste.")
        return None
    return int(text)


@bp.get("/exports/fichier")
@agent_required()
def export_file() -> ResponseReturnValue:
    """The export file: query `type`, `version` (empty: the version served now), `state`
    (empty: all), `format` (csv, xlsx, json), `masked` ("1", supervisors only). 200 with
    the file as an attachment, streamed; 422 with the form and the errors by their
    fields for a type not granted, a version not published for that type, a state that
    version lacks, an unknown format."""
    errors: dict[str, str] = {}
    type_id = request.args.get("type", "")
    fmt = request.args.get("format", "")
    state = request.args.get("state", "") or None
    version = _asked_version(errors)
    if granted_registry().get(type_id) is None:
        errors["type"] = _("Choisissez un type de dossier de la liste.")
    if fmt not in storage.EXPORT_FORMATS:
        errors["format"] = _("Choisissez un format : CSV, XLSX ou JSON.")
    if errors:
        return _page(errors, 422)
    masked = g.agent.is_supervisor and request.args.get("masked") == "1"
    try:
        chunks = storage.export_dossiers(type_id, version, state, fmt, masked,
                                         storage.agent_actor(g.agent.id), request.remote_addr)
    except storage.NotFound:
        return _page({"version": _("Cette version n’est pas publiée pour ce type de "
                                   "dossier.")}, 422)
    except storage.ExportRefused as refused:
        if refused.code == "state":
            return _page({"state": _("Cette version n’a pas l’état « %(state)s ». États "
                                     "possibles : %(known)s.", state=state or "",
                                     known=", ".join(refused.known))}, 422)
        return _page({"format": _("Choisissez un format : CSV, XLSX ou JSON.")}, 422)
    stamp = storage.clock.today().isoformat()
    name = "-".join(p for p in (type_id, f"v{version}" if version else "", state or "",
                                stamp) if p)
    return Response(chunks, content_type=storage.EXPORT_CONTENT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"',
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    })
