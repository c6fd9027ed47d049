"""A dossier's sections: show, update the questions (htmx or not), save the draft."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

import storage
from engine.formdata import section_answers
from engine.validate import SectionStatus, clean, section_status
from engine.workflow import is_editable

from .. import sessions
from ..context import account_id, login_required, page_url, registry, render_page
from ..security import overlong_fields
from . import bp
from .page import load, merged, recap_for, recap_of, section_of, section_page

PAGE, FRAGMENT, REFRESHED = "forms/section.html", "forms/_section.html", "forms/_refresh.html"


def _version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        return -1


@bp.get("/")
@login_required
def dossier(number: str) -> ResponseReturnValue:
    _, compiled = load(number)
    first = compiled.definition.sections[0].id
    return redirect(url_for("forms.section", number=number, section_id=first))


@bp.get("/sections/<section_id>")
@login_required
def section(number: str, section_id: str) -> ResponseReturnValue:
    dossier, compiled = load(number)
    sec = section_of(compiled, section_id)
    answers = dossier.answers
    kept = sessions.take_kept(account_id(), number, section_id)  # typed before a timeout
    if kept:
        flash("flash.answers_kept", "warning")
        answers = merged(dossier.answers, sec, kept)
    page = section_page(compiled, dossier, sec, answers, dossier.version,
                        show_errors=bool(request.args.get("verifier")))
    if not page.header.editable:  # read-only: the answers as a recap, no inputs, no fragment
        return render_template(PAGE, page=page,
                               readonly=recap_of(compiled, dossier, (section_id,)))
    return render_page(PAGE, FRAGMENT, page=page, readonly=None)


@bp.get("/sections/<section_id>/actualiser")
@login_required
def refresh_again(number: str, section_id: str) -> ResponseReturnValue:
    """A bookmarked or re-opened refresh address (e.g. back after logging in again)."""
    section_of(load(number)[1], section_id)
    return redirect(url_for("forms.section", number=number, section_id=section_id))


@bp.post("/sections/<section_id>/actualiser")
@login_required
def refresh(number: str, section_id: str) -> ResponseReturnValue:
    """Re-render the section for the answers as typed (no save, no error shown yet)."""
    dossier, compiled = load(number)
    sec = section_of(compiled, section_id)
    if not is_editable(compiled.definition, dossier.status):
        return redirect(url_for("forms.section", number=number, section_id=section_id))
    posted = section_answers(sec, request.form.getlist)
    page = section_page(compiled, dossier, sec, merged(dossier.answers, sec, posted),
                        _version(), show_errors=False)
    page_url(url_for("forms.section", number=number, section_id=section_id))
    return render_page(PAGE, REFRESHED, page=page, readonly=None)


@bp.post("/sections/<section_id>")
@login_required
def save(number: str, section_id: str) -> ResponseReturnValue:
    """ENREGISTRER: keep the draft (even with mistakes), then show what to correct."""
    dossier, compiled = load(number)
    sec = section_of(compiled, section_id)
    posted = section_answers(sec, request.form.getlist)
    here = url_for("forms.section", number=number, section_id=section_id)
    typed = merged(dossier.answers, sec, posted)
    if overlong_fields(sec, clean(compiled, typed)):  # never stored, not even in a draft
        flash("flash.too_long", "error")
        page_url(here)
        page = section_page(compiled, dossier, sec, typed, _version(), show_errors=True)
        return render_page(PAGE, FRAGMENT, 422, page=page, readonly=None)
    try:
        saved = storage.save_section(registry(), account_id(), number, section_id, posted,
                                     _version())
    except storage.Locked:
        flash("flash.locked", "error")
        return redirect(here)
    except storage.Conflict as conflict:
        page = section_page(compiled, dossier, sec, merged(conflict.theirs, sec, posted),
                            conflict.version, show_errors=False)
        theirs = recap_for(compiled, conflict.theirs, (section_id,))
        page_url(here)
        return render_page(PAGE, FRAGMENT, 409, page=page, readonly=None, conflict=theirs)
    status = section_status(compiled, section_id, clean(compiled, saved.answers))
    if status is SectionStatus.VALID:
        flash("flash.saved", "success")
        return redirect(here)
    flash("flash.saved_with_errors", "warning")
    return redirect(url_for("forms.section", number=number, section_id=section_id,
                            verifier=1))

