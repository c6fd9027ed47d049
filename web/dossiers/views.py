"""Mes dossiers: the list, creating a dossier of any type, linking an existing one."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

import storage
from engine.profile import PROFILE
from engine.workflow import is_final
from web.accounts.current import account_id, current_account, login_required
from web.dossiers.display import DossierRow, dossier_row, unread_by_dossier
from web.dossiers.linking import NOT_FOUND, link_attempt, normal_number
from web.i18n import N_, _, current_lang, localize
from web.registry import registry
from web.ui.fields import FieldView, simple_choices
from web.ui.redisplay import keeps_errors, redisplaying, redisplays

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")

MODES = ("new", "linked")


def _type_field(type_id: str, errors: dict[str, str], label: str) -> FieldView:
    types = [(c.id, localize(c.definition.title)) for c in registry()]
    return FieldView(id="type_id", type="select", label=label,
                     choices=simple_choices(types, type_id),
                     error=_(errors["type_id"]) if "type_id" in errors else "", value=type_id)


def _mode_field(mode: str) -> FieldView:
    labels = {"new": _("Créer un nouveau dossier"),
              "linked": _("Créer un dossier lié à une demande de parcours en cours de "
                          "traitement au Ministère")}
    return FieldView(id="mode", type="radio", label=_("Nouveau dossier ou dossier existant"),
                     choices=simple_choices(((m, labels[m]) for m in MODES), mode))


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Mes dossiers: the applicant's dossiers, newest first (dossiers/index.html), 200;
    overdue drafts show in their deadline state; the guide's "Message" column says how
    many messages about each are unread, with a link to them. 302 to the login page when nobody is
    logged in."""
    reg = registry()
    unread = unread_by_dossier(account_id())
    rows = []
    for d in storage.list_dossiers(account_id(), reg):
        ids = unread.get(d.number, [])
        href = (url_for("messages.show", message_id=ids[0]) if len(ids) == 1
                else url_for("messages.index") if ids else "")
        rows.append(replace(dossier_row(reg, d), unread=len(ids), messages_href=href))
    return render_template("dossiers/index.html", rows=rows)


@bp.route("/nouveau", methods=("GET", "POST"))
@login_required
@redisplays
def create() -> ResponseReturnValue:
    """Créer un nouveau dossier: the type, then a new dossier or one linked to an
    existing one (dossiers/create.html).

    GET: the form, 200 (`type_id` and `mode` may preselect). POST: a new dossier, then
    302 to its form with a notice; "linked" 302 to Identifier mon dossier; 422 for no
    or an unknown type, or when the profile fails the type's eligibility (the
    designer's messages shown, nothing created). Guide: "Type de dossier à créer",
    "Créer un nouveau dossier" or "Créer un dossier lié à une demande de parcours en
    cours de traitement au Ministère"; at least 18 years old. Shown again (language
    switch, token of an older session): nothing created, the choices as made, a
    missing type said again if the page said it.
    """
    form = request.form if request.method == "POST" else request.args
    type_id, mode = form.get("type_id", ""), form.get("mode", "new")
    errors: dict[str, str] = {}
    refusals: list[str] = []
    if redisplaying():
        if keeps_errors() and registry().get(type_id) is None:
            errors["type_id"] = N_("Sélectionnez le type de dossier à créer.")
    elif request.method == "POST":
        if registry().get(type_id) is None:
            errors["type_id"] = N_("Sélectionnez le type de dossier à créer.")
        elif mode == "linked":
            return redirect(url_for("dossiers.link", type_id=type_id))
        else:
            try:
                dossier = storage.create_dossier(registry(), account_id(), type_id)
            except storage.NotEligible as exc:
                refusals = [localize(m) for m in exc.messages]
            else:
                flash(N_("Votre dossier a été créé."), "success")
                return redirect(url_for("forms.dossier", number=dossier.number))
    type_field = _type_field(type_id, errors, _("Type de dossier à créer"))
    return render_template("dossiers/create.html", fields=[type_field, _mode_field(mode)],
                           refusals=refusals, in_progress=_in_progress()
                           ), (422 if errors or refusals else 200)


def _in_progress() -> list[DossierRow]:
    """The applicant's dossiers still in progress (a state something can leave: a
    draft, a submitted one being handled), as Mes dossiers lists them: the page to
    create one says they exist, since the guide sends whoever already sent a request
    to "Créer un dossier lié" rather than to a new dossier."""
    reg = registry()
    rows = []
    for d in storage.list_dossiers(account_id(), reg):
        try:
            definition = storage.definition_of(reg, d.type_id, d.definition_version).definition
        except storage.NotFound:
            continue
        if not is_final(definition, d.status):
            rows.append(dossier_row(reg, d))
    return rows


@bp.route("/identifier", methods=("GET", "POST"))
@login_required
@redisplays
def link() -> ResponseReturnValue:
    """Identifier mon dossier: type and number typed, identity read from the profile.

    Every refusal is the same message; searches are limited and counted before the
    search, the API's too (web/dossiers/linking.py). A 429 says when to retry
    (`Retry-After`).

    GET: the form with the profile's Prénom, Nom, Sexe, Date de naissance read-only
    (dossiers/link.html), 200. POST: the dossier becomes the account's, 302 to its form
    with "Votre dossier a été identifié avec succès."; 422 for a missing type or number
    and for every refusal (unknown number, another type, already linked, identity
    differs): "Votre dossier n'a pas été trouvé..."; 429 over the limit. Guide: the
    four profile fields must be identical to the existing dossier's, and the error
    says only that the dossier was not found. Shown again (language switch, token of
    an older session): no search, no attempt counted, the type and number as typed, a
    missing one said again if the page said it.
    """
    form = request.form if request.method == "POST" else request.args
    type_id, number = form.get("type_id", ""), normal_number(form.get("number", ""))
    errors: dict[str, str] = {}
    refusal = None
    if request.method == "POST":
        if registry().get(type_id) is None:
            errors["type_id"] = N_("Sélectionnez le type de demande à rechercher.")
        if not number:
            errors["number"] = N_("Ce champ est obligatoire.")
        if redisplaying():
            errors = errors if keeps_errors() else {}
        elif not errors:
            outcome = link_attempt(account_id(), type_id, number)
            refusal = outcome.refusal
            if outcome.dossier is not None:
                flash(N_("Votre dossier a été identifié avec succès."), "success")
                return redirect(url_for("forms.dossier", number=outcome.dossier.number))
            if refusal is None:
                errors["number"] = NOT_FOUND
    number_field = FieldView(id="number", type="text", label=_("Numéro de dossier"), value=number,
                             error=_(errors["number"]) if "number" in errors else "",
                             autocomplete="off", max_length=40)
    status = 429 if refusal else 422 if errors else 200
    return render_template("dossiers/link.html",
                           fields=[_type_field(type_id, errors,
                                               _("Sélectionnez le type de demande à rechercher")),
                                   number_field],
                           identity=_identity(), refusal=refusal), status


def _identity() -> list[tuple[str, str]]:
    """The profile fields that must match (the profile schema's `identity`), under the
    guide's short labels there (Prénom, Nom, Sexe, Date de naissance), read-only."""
    profile = current_account().profile
    return [(localize(shown.label), shown.field.display(profile.get(shown.field.key),
                                                        current_lang()))
            for shown in PROFILE.identity]
