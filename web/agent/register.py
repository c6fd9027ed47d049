"""Agents registering dossiers opened elsewhere, as pages: one at a time
(/agent/dossiers/inscrire) or from a CSV file (/agent/dossiers/importer).

The same rules and the same storage functions as `guichet dossiers register-existing`
and `guichet dossiers import` (storage.register_row, storage.import_rows): this module
only words their refusals (storage.RowRefused's `code` and `params`) in the page's
language and puts each next to its field. An agent registers only dossiers of the
types granted to them: the storage functions are given a registry of those types
alone, so another type is refused as unknown. Each registration is audited by
storage (action "register", actor "agent:<id>", the client address) in its own
transaction; an import also records one "import" event with its counts.
"""

from __future__ import annotations

from flask import g, render_template, request
from flask.typing import ResponseReturnValue

import storage
from engine import Registry
from web.agent import bp
from web.agent.auth import agent_required, audit
from web.forms.uploads import takes_files
from web.i18n import N_, _, localize
from web.registry import registry

FIELDS: tuple[str, ...] = ("type", "number", "given_name", "family_name", "sex",
                           "birth_date")  # storage's COLUMNS, in the form's order
SEXES: tuple[str, ...] = ("F", "M", "X")

MISSING = {
    "type": N_("Choisissez le type de dossier."),
    "number": N_("Entrez le numéro du dossier."),
    "given_name": N_("Entrez le ou les prénoms."),
    "family_name": N_("Entrez le ou les noms de famille."),
    "sex": N_("Choisissez le sexe indiqué sur le passeport."),
    "birth_date": N_("Entrez la date de naissance."),
}


def granted_registry() -> Registry:
    """The dossier types the current agent (g.agent) is granted, compiled."""
    return Registry([c for c in registry() if c.id in g.agent.types])


def refusal_texts(refused: storage.RowRefused) -> dict[str, str]:
    """Why storage refused a row, in the page's language: form field (or column) id ->
    text, several for missing values and for every other reason of the row
    (`refused.also`); the file's own problem (a header lacking columns) under "file".
    Same rules as the CLI's English reasons (str(refused))."""
    texts = _refusal_text(refused)
    for other in refused.also:
        texts.update({k: v for k, v in _refusal_text(other).items() if k not in texts})
    return texts


def _refusal_text(refused: storage.RowRefused) -> dict[str, str]:
    p = refused.params
    code = refused.code
    if code == "missing":
        columns = [c.strip() for c in p.get("columns", "").split(",") if c.strip()]
        return {c: _(MISSING[c]) for c in FIELDS if c in columns}
    if code == "unknown_type":
        return {"type": _("Type de dossier inconnu ou non attribué : « %(value)s ». Types "
                          "possibles : %(known)s.", value=p["value"],
                          known=p["known"] or _("aucun"))}
    if code == "malformed_number":
        return {"number": _("Le numéro « %(value)s » n’a pas la forme attendue pour ce type "
                            "de dossier, par exemple %(example)s.", value=p["value"],
                            example=p["example"])}
    if code == "bad_sex":
        return {"sex": _("Sexe « %(value)s » inconnu : indiquez F, M ou X.",
                         value=p["value"])}
    if code == "bad_birth_date":
        return {"birth_date": _("Date de naissance « %(value)s » invalide : écrivez-la "
                                "AAAA-MM-JJ, par exemple 1990-04-25.", value=p["value"])}
    if code == "too_long" and p["column"] == "given_name":
        return {"given_name": _("Le ou les prénoms comptent au plus %(max)s caractères.",
                                max=p["max"])}
    if code == "too_long":
        return {p["column"]: _("Le ou les noms de famille comptent au plus %(max)s "
                               "caractères.", max=p["max"])}
    if code == "early_birth_date":
        return {"birth_date": _("La date de naissance « %(value)s » est trop ancienne : "
                                "elle doit être le %(earliest)s ou après.",
                                value=p["value"], earliest=p["earliest"])}
    if code == "future_birth_date":
        return {"birth_date": _("La date de naissance « %(value)s » doit être passée.",
                                value=p["value"])}
    if code == "duplicate":
        return {"number": _("Le dossier %(number)s est déjà inscrit.", number=p["number"])}
    if code == "encoding":
        return {"file": _("Ce fichier n’est pas un fichier CSV en UTF-8. "
                          "Enregistrez-le en « CSV UTF-8 » et réessayez.")}
    if code == "unreadable":
        return {"file": _("Ce fichier ne peut pas être lu comme un fichier "
                          "CSV. Vérifiez-le et réessayez.")}
    if code == "columns":
        return {"file": _("Cette ligne contient %(count)s valeurs, mais l’en-tête nomme "
                          "%(expected)s colonnes : mettez entre guillemets une valeur "
                          "qui contient une virgule.", count=p["count"],
                          expected=p["expected"])}
    if code == "header":
        return {"file": _("La première ligne du fichier doit nommer les colonnes ; il "
                          "manque : %(columns)s. En-tête attendu : %(known)s.",
                          columns=p["columns"], known=p["known"])}
    return {"number": _("Ce dossier n’a pas pu être inscrit. Vérifiez le numéro et "
                        "réessayez.")}


def _types() -> list[tuple[str, str]]:
    return [(c.id, localize(c.definition.title)) for c in granted_registry()]


def _register_page(errors: dict[str, str] | None = None, registered: str | None = None,
                   status: int = 200) -> ResponseReturnValue:
    form = request.form if errors else {}
    return render_template("agent/register.html", types=_types(), sexes=SEXES,
                           fields=FIELDS, errors=errors or {}, form=form,
                           registered=registered), status


@bp.get("/dossiers/inscrire")
@agent_required()
def register() -> ResponseReturnValue:
    """The form to register one existing dossier (agent/register.html), 200: type (among
    the agent's), number, given and family names, sex, birth date."""
    return _register_page()


@bp.post("/dossiers/inscrire")
@agent_required()
def register_post() -> ResponseReturnValue:
    """Register one dossier (storage.register_row, as `guichet dossiers
    register-existing`): 201 with "Dossier … inscrit" and an empty form for the next
    one; 422 with every reason at once (storage's RowRefused and its `also`), each
    next to its field and in the summary, in the form's order (missing value, type
    unknown or not granted, malformed number, name too long, bad sex or birth date,
    number already registered)."""
    row = {f: request.form.get(f, "") for f in FIELDS}
    try:
        number = storage.register_row(granted_registry(), row,
                                      actor=storage.agent_actor(g.agent.id),
                                      address=request.remote_addr)
    except storage.RowRefused as refused:
        texts = refusal_texts(refused)
        ordered = {f: texts[f] for f in FIELDS if f in texts}
        return _register_page({**ordered, **texts}, status=422)
    return _register_page(registered=number, status=201)


def _import_page(errors: dict[str, str] | None = None,
                 report: storage.ImportReport | None = None,
                 status: int = 200) -> ResponseReturnValue:
    refused = [(line, "; ".join(refusal_texts(why).values()))
               for line, why in report.refused] if report is not None else []
    return render_template("agent/import.html", types=_types(), columns=FIELDS,
                           errors=errors or {}, report=report, refused=refused), status


@bp.get("/dossiers/importer")
@agent_required()
def import_form() -> ResponseReturnValue:
    """The form to upload a CSV file of existing dossiers (agent/import.html), 200."""
    return _import_page()


@bp.post("/dossiers/importer")
@takes_files
@agent_required()
def import_file() -> ResponseReturnValue:
    """Register the rows of the uploaded CSV file (`file`; UTF-8, a BOM allowed; header
    type,number,given_name,family_name,sex,birth_date in any order) with
    storage.import_csv, as `guichet dossiers import` (commas or semicolons): 200 with
    the report, the rows
    registered and the rows refused with their line numbers (header = 1) and reasons;
    422 when no file was chosen, it is not UTF-8 text, or its header lacks a column
    or is not CSV (then nothing is registered). Audited: one "import" event with the counts."""
    chosen = request.files.get("file")
    data = chosen.read() if chosen is not None else b""
    if chosen is None or not chosen.filename or not data.strip():
        return _import_page({"file": _("Choisissez un fichier CSV qui contient des lignes.")},
                            status=422)
    try:
        report = storage.import_csv(granted_registry(), data,
                                    actor=storage.agent_actor(g.agent.id),
                                    address=request.remote_addr)
    except storage.RowRefused as refused:
        return _import_page(refusal_texts(refused), status=422)
    audit("import", registered=len(report.registered), refused=len(report.refused))
    return _import_page(report=report)
