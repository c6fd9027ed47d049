"""A dossier's sections: show, update the questions (htmx or not), save the draft."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

import storage
from engine.compare import today
from engine.fieldtypes import GetList
from engine.formdata import section_answers
from engine.validate import SectionStatus, clean, section_shown, section_status
from web.accounts.current import account_id, account_name, login_required
from web.forms import bp
from web.forms.groups import ItemChange, item_change
from web.forms.hidden_answers import posted as posted_form
from web.forms.migration import may_migrate, migrate_on_open, pending, remember, take_notice
from web.forms.page import (
    SectionPage,
    dossier_stamp,
    load,
    merged,
    recap_for,
    recap_of,
    section_of,
    section_page,
)
from web.forms.page_cache import page_cache
from web.forms.saving import (
    AnswersTooBig,
    keep_posted,
    kept_answers,
    page_outdated,
    posted_version,
    save_posted,
)
from web.forms.uploads import attach_files, posts_files, prune
from web.http.csrf import marking_csrf
from web.i18n import N_, current_lang, localize
from web.inbox.messages import unread_messages
from web.registry import definition, editable, withdrawn
from web.ui.pages import is_htmx, is_leaving, page_url, safe_next
from web.ui.redisplay import keeps_errors, redisplaying, redisplays

PAGE, CONTENT = "forms/section.html", "forms/_section_page.html"
FRAGMENT, REFRESHED = "forms/_section.html", "forms/_refresh.html"
# The full page and its fragment share one address; and each is the session's own.
VARY = {"Vary": "HX-Request, Cookie"}


@bp.get("/")
@login_required
def dossier(number: str) -> ResponseReturnValue:
    """The dossier's address: 302 to its first section; 404 for a dossier that is not
    the applicant's."""
    _, compiled = load(number)
    first = compiled.definition.sections[0].id
    return redirect(url_for("forms.section", number=number, section_id=first))


def section_title(page: SectionPage) -> str:
    """The section page's title, before "– Guichet…" (and after "Erreur :")."""
    return f"{localize(page.section.title)} – {page.header.number}"

# Why a dossier's page shows no form: it was submitted, its type is no longer offered,
# or its state takes no change though it was never submitted (a deadline passed)
LOCKED = N_("Ce dossier a été soumis : il ne peut plus être modifié.")
WITHDRAWN = N_("Ce type de dossier n'est plus proposé : ce dossier ne peut plus être modifié.")
CLOSED = N_("Ce dossier ne peut plus être modifié.")


def _locked(dossier: storage.DossierView) -> str:
    """The msgid saying why `dossier` (not editable) takes no change, never "submitted"
    for a dossier that was not."""
    if withdrawn(dossier):
        return WITHDRAWN
    return LOCKED if dossier.submitted_at is not None else CLOSED


def full_page(page: SectionPage, layout: str = PAGE, **context: Any) -> str:
    """The whole section page as HTML: its content (forms/_section_page.html, given
    `context`) placed in `layout` (forms/section.html, or a template extending it: the
    designer's preview adds its bar), whose language switch posts the section's form."""
    content = Markup(render_template(CONTENT, page=page, **context))
    title = section_title(page)
    # The language switch submits the section's form to the questions' update, which
    # shows the page again with the answers as typed (web/ui/redisplay.py).
    form = None if context.get("readonly") else {"id": "section-form",
                                                  "action": page.links["refresh"]}
    return render_template(layout, title=title, content=content, page_form=form)


def respond(page: SectionPage, fragment: str, status: int = 200, layout: str = PAGE,
            **context: Any) -> ResponseReturnValue:
    """The page for what was just typed or refused, rendered afresh, never kept: for
    htmx the `fragment` template, else the whole page in `layout` (`full_page`)."""
    if is_htmx():
        return (render_template(fragment, page=page, readonly=None, title=section_title(page),
                                **context), status, VARY)
    # answers as posted, not as stored: leaving this page saves them (guichet.js); not
    # on a refusal (a conflict, answers too long), which only ENREGISTRER may answer
    unsaved = status == 200
    return full_page(page, layout, readonly=None, unsaved=unsaved, **context), status, VARY


# The only query strings whose pages are kept: any other (the page links to its own
# address) would let one applicant fill the cache with copies of one page.
KEPT_QUERIES = frozenset({b"", b"verifier=1"})


def _key(number: str, version: int) -> Hashable | None:
    """Everything the section page shows besides the dossier (its number and version),
    today's date included (a condition may compare an answer with today, and the page
    shows the days left before the deadline); None when this page must not be reused:
    it shows a one-time notice, or its address has a query string of its own."""
    req = request
    if session.get("_flashes") or req.query_string not in KEPT_QUERIES or pending(number):
        return None
    return (number, version, req.full_path, current_lang(), account_name(),
            unread_messages(), req.script_root, today())


def _reused(number: str) -> bytes | None:
    """The page as rendered before for this version of the dossier, if it was (one small
    read instead of the dossier's answers, the engine and the templates)."""
    stamp = dossier_stamp(number)
    if not stamp.settled or may_migrate(stamp):  # reading it first moves it on
        return None
    key = _key(number, stamp.version)
    return None if key is None else page_cache().get(key)


@bp.get("/sections/<section_id>")
@login_required
def section(number: str, section_id: str) -> ResponseReturnValue:
    """One section of the form (forms/section.html; for htmx the fragment
    forms/_section.html), 200; 404 for an unknown section or a dossier that is not the
    applicant's; 302 to the dossier's address (its first section) for a section hidden by
    its `when` (the answers of earlier sections decide it: a link kept from before they
    changed leads on, not to an error).

    `?verifier=1` shows the errors. A dossier no longer editable shows its answers
    read-only (Guide: a submitted dossier is locked). Answers posted after the session
    had ended (kept aside: web/forms/saving.py) are shown in the form, over the stored
    ones, with a notice and "Ignorer ces réponses", not saved until ENREGISTRER, and
    offered again until saved or discarded. An unchanged page is served from the page
    cache (web/forms/page_cache.py).
    """
    kept = None if is_htmx() else kept_answers(number, section_id)
    if kept is None and not is_htmx():
        reused = _reused(number)
        if reused is not None:
            return reused, 200, VARY
    dossier, compiled = load(number)
    sec = section_of(compiled, section_id)
    answers = dossier.answers
    if not section_shown(compiled, sec, clean(compiled, answers)):
        return redirect(url_for("forms.dossier", number=number))
    if kept is not None and editable(compiled, dossier):
        answers = merged(dossier.answers, sec, kept.answers)
    else:
        kept = None
    page = section_page(compiled, dossier, sec, answers, dossier.version,
                        show_errors=bool(request.args.get("verifier")))
    readonly = None
    if not page.header.editable:  # read-only: the answers as a recap, no inputs, no fragment
        readonly = recap_of(compiled, dossier, (section_id,))
    elif is_htmx():
        return render_template(FRAGMENT, page=page, readonly=None), 200, VARY
    migrated = take_notice(number)
    # a page showing the profile's answers would outlive a change of the profile
    key = None if kept is not None or migrated or page.prefilled else _key(
        number, dossier.version)
    with marking_csrf():
        html = full_page(page, readonly=readonly, kept=kept and kept.reason, migrated=migrated,
                          locked=_locked(dossier) if readonly else None)
    return page_cache().keep(key, html), 200, VARY


@bp.post("/sections/<section_id>/ignorer")
@login_required
def discard(number: str, section_id: str) -> ResponseReturnValue:
    """"Ignorer ces réponses": forget the answers kept aside for this section after a
    session ended (never saved); the dossier is untouched. 302 back to the section,
    with a notice when there were some; 404 as `section`."""
    section_of(load(number)[1], section_id)
    if storage.discard_kept_answers(account_id(), number, section_id):
        flash(N_("Les réponses non enregistrées ont été ignorées."), "success")
    return redirect(url_for("forms.section", number=number, section_id=section_id))


OUTDATED = N_("Le formulaire a été mis à jour pendant que vous le remplissiez : vos "
              "réponses enregistrées y ont été reprises. Vérifiez-les, puis enregistrez.")


def _reload(here: str, *, told: bool = False) -> ResponseReturnValue:
    """The section drawn again from the dossier as stored: the whole page (`HX-Refresh`
    for htmx, which would otherwise swap a fragment into a page of another version);
    `told`: that page says the form was updated meanwhile (OUTDATED), so an answer
    changed on the older page and not kept is not a surprise."""
    if told:
        flash(OUTDATED, "warning")
    if is_htmx():
        return "", 200, {"HX-Refresh": "true"}
    return redirect(here)


def _outdated(dossier: storage.DossierView, section_id: str) -> ResponseReturnValue:
    """A section form drawn from a version the draft `dossier` (as stored now) has left
    (`page_outdated`) was posted: what was typed
    on it is kept aside in the newer version's terms (web/forms/saving.py
    `keep_posted`: never saved as it was, never lost), and the section is drawn again
    (`_reload`), where those answers are offered, with their notice. A section the
    newer version no longer has leads to the dossier's page. A save made as the page
    is left (guichet.js) answers 409: no page follows, nothing is said."""
    number = dossier.number
    if definition(dossier).definition.section(section_id) is None:
        here = url_for("forms.dossier", number=number)
    else:
        keep_posted(account_id(), dossier, section_id, storage.FORM_UPDATED)
        here = url_for("forms.section", number=number, section_id=section_id)
    return ("", 409) if is_leaving() else _reload(here, told=True)


@bp.get("/sections/<section_id>/actualiser")
@login_required
def refresh_again(number: str, section_id: str) -> ResponseReturnValue:
    """A bookmarked or re-opened refresh address (e.g. back after logging in again)."""
    section_of(load(number)[1], section_id)
    return redirect(url_for("forms.section", number=number, section_id=section_id))


@bp.post("/sections/<section_id>/actualiser")
@login_required
@redisplays
def refresh(number: str, section_id: str) -> ResponseReturnValue:
    """Re-render the section for the answers as typed (no save): questions shown or
    hidden by their conditions, options offered; errors (and the error summary) only
    when the form's answers were checked (`verifier`), recomputed for these answers. 200 with the
    fragment forms/_refresh.html for htmx, else the full page; 302 to the section for
    a dossier no longer editable; 404 as `section`. Also the language switch of the
    section page: the errors the page showed are shown again, in the new language, and
    so is the notice of answers kept aside after a session ended, while they are."""
    dossier, compiled = load(number, migrate=False)
    moved = may_migrate(dossier) and migrate_on_open(dossier)
    if moved:
        dossier, compiled = load(number, migrate=False)  # as it moved
    if moved or page_outdated(dossier):
        # drawn from a version the draft left: the page is drawn again, migrated, with
        # its notice, and what was typed on the older page offered in it
        return _outdated(dossier, section_id)
    sec = section_of(compiled, section_id)
    here = url_for("forms.section", number=number, section_id=section_id)
    if not editable(compiled, dossier):
        return redirect(here)
    form = posted_form()
    posted = section_answers(sec, form)
    if posts_files(sec):  # the files listed, as storage has them; none kept here
        attach_files(number, sec, posted, store=False)
    change = item_change(sec, posted, form)
    page = section_page(compiled, dossier, sec, merged(dossier.answers, sec, change.posted),
                        posted_version(),
                        show_errors=request.form.get("verifier") == "1" or keeps_errors(),
                        counts=change.counts, focus=change.focus, posted=form)
    page_url(url_for("forms.section", number=number, section_id=section_id))
    # without htmx the whole page: its notice of answers kept aside stays while they are
    kept = None if is_htmx() else kept_answers(number, section_id)
    return respond(page, REFRESHED, kept=kept and kept.reason, replace_url=here)


def _change_items(compiled: Any, dossier: storage.DossierView, sec: Any,
                  change: ItemChange, here: str, form: GetList) -> ResponseReturnValue:
    """"Ajouter" / "Retirer" without JavaScript (web/forms/groups.py): keep the draft as
    typed (answers too long or a conflict with another tab: nothing is saved, the page
    shows the answers as typed, and ENREGISTRER then says why), then draw the section
    again, with one item more (focused) or less. `form`: the post as read
    (web/forms/hidden_answers.py `posted`)."""
    version = posted_version()
    try:
        version = save_posted(compiled, account_id(), dossier, sec, change.posted,
                              version).version
    except storage.Locked:
        flash(_locked(dossier), "error")
        return redirect(here)
    except (AnswersTooBig, storage.Conflict):
        pass
    page_url(here)
    page = section_page(compiled, dossier, sec, merged(dossier.answers, sec, change.posted),
                        version, show_errors=request.form.get("verifier") == "1"
                        or keeps_errors(), counts=change.counts, focus=change.focus,
                        posted=form)
    return respond(page, FRAGMENT)


@bp.post("/sections/<section_id>")
@login_required
@redisplays
def save(number: str, section_id: str) -> ResponseReturnValue:
    """ENREGISTRER: keep the draft (even with mistakes), then show what to correct.

    302 back to the section with a notice (with `?verifier=1` when some answers need
    correcting); 422 (nothing stored) for answers too big even for a draft; 409 when
    the dossier changed since the form was shown (another tab): the page shows both,
    nothing lost; 302 with "Ce dossier a été soumis" for a locked dossier (or why else
    it takes no change: its type removed from forms/, its deadline passed); 404 as
    `section`. Guide: "Assurez-vous d'avoir bien enregistré le formulaire avant de
    quitter". A token of an older session of the same account (logged in again in
    another tab) saves nothing: 200, the section again with the answers as posted, a
    fresh token and a notice (web/ui/redisplay.py).

    Leaving the page: `?next=` (a path of this site: the section's QUITTER,
    RÉCAPITULATIF and SOUMETTRE are buttons of its form, so they save first, with or
    without JavaScript) is where a save, valid or not, sends with its notice. With
    `guichet_leaving=1` in the form (web/static/js/guichet.js
    saves the draft before following a link, or as a beacon when the page is left
    otherwise), a save (valid or not) answers 204 with the new version in
    `Guichet-Version` and no notice; every refusal answers as above.

    A section with file questions (web/forms/uploads.py): the files chosen are kept
    and the "Retirer" pressed done before the save, and files no answer names any more
    deleted after it; a file refused (type, size, number, virus...) leaves the other
    answers saved and answers 422 with the section, the reason at the question and in
    the error summary.
    """
    dossier, compiled = load(number, migrate=False)  # storage migrates, posted included
    if page_outdated(dossier):  # migrated since this page was drawn: saving it would
        # store the older version's answers (an option renamed would be lost)
        return _outdated(dossier, section_id)
    sec = section_of(compiled, section_id)
    form = posted_form()
    posted = section_answers(sec, form)
    here = url_for("forms.section", number=number, section_id=section_id)
    files = posts_files(sec)
    change = item_change(sec, posted, form)
    if change.changed and not redisplaying():
        return _change_items(compiled, dossier, sec, change, here, form)
    if redisplaying():
        if not editable(compiled, dossier):
            return redirect(here)
        if files:
            attach_files(number, sec, posted, store=False)
        page_url(here)
        page = section_page(compiled, dossier, sec, merged(dossier.answers, sec, posted),
                            posted_version(), show_errors=keeps_errors(), posted=form)
        return respond(page, FRAGMENT)
    refused: dict[str, str] = {}
    if files and editable(compiled, dossier):  # files chosen kept, "Retirer" done
        refused = attach_files(number, sec, posted, store=True)
    try:
        saved = save_posted(compiled, account_id(), dossier, sec, posted, posted_version())
    except AnswersTooBig:  # never stored, not even in a draft
        flash(N_("Vos réponses n'ont pas été enregistrées : certaines sont plus longues que "
                 "permis. Corrigez-les, puis enregistrez."), "error")
        page_url(here)
        page = section_page(compiled, dossier, sec, merged(dossier.answers, sec, posted),
                            posted_version(), show_errors=True, posted=form)
        return respond(page, FRAGMENT, 422)
    except storage.Locked:
        flash(_locked(dossier), "error")
        return redirect(here)
    except storage.Conflict as conflict:
        page = section_page(compiled, dossier, sec, merged(conflict.theirs, sec, posted),
                            conflict.version, show_errors=False, posted=form)
        theirs = recap_for(compiled, conflict.theirs, (section_id,))
        page_url(here)
        return respond(page, FRAGMENT, 409, conflict=theirs)
    if saved.migration is not None:  # the save moved the draft on: told on its next page
        remember(number, saved.migration)
        # judged from now on by the version it moved to (its answers are in its terms)
        compiled = definition(saved)
        if compiled.definition.section(section_id) is None:  # the section went away
            return redirect(url_for("forms.dossier", number=number))
        sec = compiled.definition.section(section_id)
    prune(saved)  # files no answer names any more
    if refused:  # the rest is saved; the page says which file was refused, and why
        if is_leaving():
            return "", 422
        page_url(here)
        page = section_page(compiled, saved, sec, saved.answers, saved.version,
                            show_errors=keeps_errors(), refused=refused)
        return respond(page, FRAGMENT, 422)
    if is_leaving():  # saved on the way out: no page, no notice
        return "", 204, {"Guichet-Version": str(saved.version)}
    going = safe_next(request.args.get("next"), "")  # QUITTER, RÉCAPITULATIF, SOUMETTRE
    status = section_status(compiled, section_id, clean(compiled, saved.answers))
    if status is SectionStatus.HIDDEN:  # hidden meanwhile (another tab): nothing to correct
        flash(N_("Vos réponses ont été enregistrées."), "success")
        return redirect(going or url_for("forms.dossier", number=number))
    if status is SectionStatus.VALID:
        flash(N_("Vos réponses ont été enregistrées."), "success")
        return redirect(going or here)
    flash(N_("Vos réponses ont été enregistrées, mais certaines sont à corriger avant de "
             "soumettre."), "warning")
    return redirect(going or url_for("forms.section", number=number, section_id=section_id,
                                     verifier=1))

