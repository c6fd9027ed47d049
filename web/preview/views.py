"""The preview's pages: the list of definitions, each section as applicants see it, the
recap, the PDF, sample answers, and the poll that redraws the page when a file changes.

Every page of a definition (`/formulaires/<key>/...`, blueprint `forms`, the portal's
endpoint names) draws from the file as it is now: while it has errors the page shows
them (file:line and the YAML lines around) instead of the form. The answers typed are
kept in memory for each browser (`Draft`), never stored: every update of the
questions, every ENREGISTRER and the poll of a page whose file changed keep them, so a
reload shows them again.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from engine import CompiledDefinition, SectionStatus, clean, section_status
from engine.compare import today
from engine.formdata import section_answers
from engine.model import Section
from engine.recap import recap_snapshot
from engine.validate import section_shown
from web.accounts.profile_form import full_name
from web.dossiers.display import DossierHeader, dossier_header
from web.forms.groups import item_change
from web.forms.hidden_answers import posted
from web.forms.page import draw_section, merged, recap_for
from web.forms.sections import FRAGMENT, REFRESHED, VARY, full_page, respond
from web.http.errors import friendly_page
from web.i18n import N_, set_lang
from web.preview.files import attach_placeholders
from web.preview.samples import Samples
from web.preview.watch import WORKSPACE, Entry, Workspace
from web.ui.pages import current_page_url, is_htmx, is_leaving, page_url, safe_next
from web.ui.redisplay import Why, keeps_errors, redisplaying, redisplays

LAYOUT = "preview/section.html"  # forms/section.html with the preview's bar
POLL_MS = 500  # how often a page asks whether its file changed
# how long a definition's file may be missing before its open pages say it is gone: an
# editor may save by writing a new file and renaming it over the old one
MISSING_GRACE_S = 1.5
MISSING = "guichet.preview.missing"  # app.extensions key: key -> monotonic time first missed
WATCH = "surveiller"  # the last segment of the polls' addresses
# sent with the GET that redraws a section in place after a save (`watch`): the whole
# page is answered, for htmx to morph it into the body
REDRAW_HEADER = "Guichet-Preview-Redraw"

bp = Blueprint("forms", __name__, url_prefix="/formulaires/<number>")


@dataclass
class Draft:
    """What one browser typed in one definition: answers (field id -> value as posted),
    the profile the form reads (from a sample case; {} else) and the sample loaded."""

    answers: dict[str, Any] = field(default_factory=dict)
    profile: dict[str, Any] = field(default_factory=dict)
    case: str = ""


@dataclass(frozen=True)
class PreviewDossier:
    """What the dossier header reads of a dossier: a new draft of the definition."""

    number: str
    status: str
    deadline: Any
    submitted_at: Any = None


DRAFTS = "guichet.preview.drafts"  # app.extensions key: (browser, key) -> Draft
_drafts_lock = threading.Lock()


def _workspace() -> Workspace:
    return current_app.extensions[WORKSPACE]


def _draft(key: str) -> Draft:
    """This browser's draft of definition `key` (a browser is a random id in the
    preview's session cookie)."""
    browser = session.get("browser")
    if browser is None:
        browser = session["browser"] = secrets.token_hex(16)
    with _drafts_lock:
        return current_app.extensions[DRAFTS].setdefault((browser, key), Draft())


def _entry(key: str) -> Entry:
    """The definition at `key`; else (its file deleted or renamed) the page saying it is
    gone (404), whose poll brings the page back when the file reappears."""
    entry = _workspace().entry(key)
    if entry is None:
        abort(_gone(key))
    return entry


def _gone(key: str) -> Response:
    """The page of a definition no file gives (any more): a link to the list, and the
    list's poll, so the page is drawn again when a file is added back."""
    _bar(None, generation=_overall(_workspace()))
    return make_response(render_template("preview/gone.html", key=key,
                                         paths=_workspace().paths), 404, VARY)


def _samples(entry: Entry | None) -> Samples:
    """The cases of `entry`'s tests file (read once per generation of its files:
    `Entry.samples`); none when there is no entry."""
    return entry.samples if entry is not None else Samples()


def _bar(entry: Entry | None, section_id: str = "", generation: str = "",
         form: bool = False) -> None:
    """What the preview's bar (templates/preview/_bar.html) shows above the page; `form`:
    the page holds the section form, whose answers the poll sends along."""
    g.preview = {
        "entry": entry,
        "samples": _samples(entry),
        "draft": _draft(entry.key) if entry is not None else None,
        "section": section_id,
        "generation": entry.generation if entry is not None else generation,
        "page": current_page_url(),  # where the poll sends the browser when a file changed
        "poll_ms": POLL_MS,
        "form": form,
        "files": entry is not None and _takes_files(entry),
    }


def _takes_files(entry: Entry) -> bool:
    """Whether the definition (as last compiled) asks for files."""
    shown = entry.compiled or entry.last_good
    return shown is not None and any(f.kind.multipart for s in shown.definition.sections
                                     for f in s.fields)


def _broken(entry: Entry) -> ResponseReturnValue:
    """The definition's errors, each at file:line with its YAML lines, instead of the form
    (drawn for a POST too: its poll then goes to the definition's address)."""
    if request.method != "GET":
        page_url(url_for("forms.dossier", number=entry.key))
    _bar(entry)
    return render_template("preview/broken.html", entry=entry), 200, VARY


def _crashed(exc: Exception) -> ResponseReturnValue:
    """A definition page that failed to draw (a definition the checker passed but the
    page cannot show): the portal would answer 500 with its friendly page; the preview
    says what failed, under its bar, and keeps polling, so saving a fix brings the
    page back. An HTTP error (404...) is the portal's friendly page."""
    if isinstance(exc, HTTPException):
        return exc.response or friendly_page(exc.code or 500)
    current_app.logger.exception("preview: the page could not be drawn")
    entry = _workspace().entry((request.view_args or {}).get("number", ""))
    if entry is None:
        return friendly_page(500)
    _bar(entry, (request.view_args or {}).get("section_id", ""))
    return render_template("preview/broken.html", entry=entry,
                           crash=f"{type(exc).__name__}: {exc}"), 500, VARY


bp.register_error_handler(Exception, _crashed)


def _header(compiled: CompiledDefinition, key: str, draft: Draft) -> DossierHeader:
    """The header of a new draft: the sample's applicant (else "—"), the key as its
    number, the initial state, the deadline its definition gives from today."""
    d = compiled.definition
    name = full_name(draft.profile)
    dossier = PreviewDossier(key, d.workflow.initial, today() + timedelta(days=d.deadline_days))
    return dossier_header(compiled, dossier, name or "—", changeable=True)


def _section_of(compiled: CompiledDefinition, section_id: str) -> Section:
    section = compiled.definition.section(section_id)
    if section is None:
        abort(404)
    return section


@bp.get("/")
def dossier(number: str) -> ResponseReturnValue:
    """The definition's first section (302), or its errors."""
    entry = _entry(number)
    if entry.compiled is None:
        return _broken(entry)
    first = entry.compiled.definition.sections[0].id
    return redirect(url_for("forms.section", number=number, section_id=first))


@bp.get("/sections/<section_id>")
def section(number: str, section_id: str) -> ResponseReturnValue:
    """One section as applicants see it (forms/_section_page.html in the preview's
    layout; the fragment for htmx), drawn from the file as it is now and this
    browser's answers; `?verifier=1` shows the errors. 302 to the first section for a
    section hidden by its `when` (or gone from the file); the errors for a broken file."""
    entry = _entry(number)
    compiled = entry.compiled
    if compiled is None:
        return _broken(entry)
    sec = compiled.definition.section(section_id)
    draft = _draft(number)
    if sec is None or not section_shown(compiled, sec, clean(compiled, draft.answers)):
        return redirect(url_for("forms.dossier", number=number))
    page = draw_section(compiled, _header(compiled, number, draft), sec, draft.answers, 0,
                        show_errors=bool(request.args.get("verifier")), profile=draft.profile)
    if is_htmx() and not request.headers.get(REDRAW_HEADER):
        return render_template(FRAGMENT, page=page, readonly=None), 200, VARY
    _bar(entry, section_id, form=True)
    return full_page(page, LAYOUT, readonly=None), 200, VARY


def _posted(entry: Entry, compiled: CompiledDefinition, section_id: str, store: bool = False
            ) -> tuple[Section, Draft, Any, dict[str, str]]:
    """The section's answers as posted, kept in this browser's draft (with an add or
    remove of a repeating group's item applied, and, with `store` (ENREGISTRER), the
    files chosen as placeholders: web/preview/files.py): the section, the draft, the
    change, and field id -> why a file chosen for it was refused."""
    sec = _section_of(compiled, section_id)
    draft = _draft(entry.key)
    form = posted()
    change = item_change(sec, section_answers(sec, form), form)
    refused = attach_placeholders(sec, change.posted, store)
    draft.answers = merged(draft.answers, sec, change.posted)
    return sec, draft, change, refused


def _redraw(entry: Entry, compiled: CompiledDefinition, section_id: str, fragment: str
            ) -> ResponseReturnValue:
    """The section drawn again for the answers posted (kept), as the portal's update of
    the questions answers: the fragment for htmx, else the whole page."""
    sec, draft, change, _ = _posted(entry, compiled, section_id)
    page_url(url_for("forms.section", number=entry.key, section_id=section_id))
    page = draw_section(compiled, _header(compiled, entry.key, draft), sec, draft.answers, 0,
                        show_errors=request.form.get("verifier") == "1" or keeps_errors(),
                        counts=change.counts, focus=change.focus, profile=draft.profile,
                        posted=posted())
    _bar(entry, section_id, form=True)
    return respond(page, fragment, layout=LAYOUT)


@bp.get("/sections/<section_id>/actualiser")
def refresh_again(number: str, section_id: str) -> ResponseReturnValue:
    """A refresh address opened by itself: 302 to the section."""
    return redirect(url_for("forms.section", number=number, section_id=section_id))


@bp.post("/sections/<section_id>/actualiser")
@redisplays
def refresh(number: str, section_id: str) -> ResponseReturnValue:
    """The questions updated for the answers typed (conditions, options, errors when
    checked), as in the portal. The language switch (a whole page's POST) keeps the
    answers and answers 303 to the section's address, with the errors if it showed
    them, so the address bar never shows this update's."""
    entry = _entry(number)
    if entry.compiled is None:
        return _broken(entry)
    if redisplaying() is Why.LANGUAGE and not is_htmx():
        # the answers kept, the section at its own address (not this update's)
        _posted(entry, entry.compiled, section_id)
        return redirect(url_for("forms.section", number=number, section_id=section_id,
                                verifier=1 if keeps_errors() else None), 303)
    return _redraw(entry, entry.compiled, section_id, REFRESHED)


@bp.post("/sections/<section_id>")
@redisplays
def save(number: str, section_id: str) -> ResponseReturnValue:
    """ENREGISTRER: the answers kept (in memory), then as the portal: 302 to `?next=`
    (QUITTER, RÉCAPITULATIF, SOUMETTRE), else back to the section, with `?verifier=1`
    when some answers need correcting. A save as the page is left (guichet.js) answers
    204; an add or remove of an item without JavaScript draws the section again."""
    entry = _entry(number)
    compiled = entry.compiled
    if compiled is None:
        return _broken(entry)
    if request.form.get("item_action") or redisplaying() is not None:
        return _redraw(entry, compiled, section_id, FRAGMENT)
    sec, draft, _, refused = _posted(entry, compiled, section_id, store=True)
    if is_leaving():
        return "", 204, {"Guichet-Version": "0"}
    if refused:  # the rest is kept; the page says which file was refused, and why
        page_url(url_for("forms.section", number=number, section_id=section_id))
        page = draw_section(compiled, _header(compiled, number, draft), sec, draft.answers, 0,
                            show_errors=False, refused=refused, profile=draft.profile)
        _bar(entry, section_id, form=True)
        return respond(page, FRAGMENT, 422, layout=LAYOUT)
    going = safe_next(request.args.get("next"), "")
    status = section_status(compiled, section_id, clean(compiled, draft.answers))
    if status is SectionStatus.VALID:
        flash(N_("Vos réponses ont été enregistrées."), "success")
        return redirect(going or url_for("forms.section", number=number,
                                         section_id=section_id))
    flash(N_("Vos réponses ont été enregistrées, mais certaines sont à corriger avant de "
             "soumettre."), "warning")
    return redirect(going or url_for("forms.section", number=number, section_id=section_id,
                                     verifier=1))


def _back(compiled: CompiledDefinition) -> str:
    """The section to return to (`retour`), default the first."""
    ids = [s.id for s in compiled.definition.sections]
    back = request.values.get("retour")
    return back if back in ids else ids[0]


@bp.get("/recapitulatif")
def recap(number: str) -> ResponseReturnValue:
    """RÉCAPITULATIF of the answers typed (forms/recap.html with the preview's bar)."""
    entry = _entry(number)
    compiled = entry.compiled
    if compiled is None:
        return _broken(entry)
    draft = _draft(number)
    back = _back(compiled)
    _bar(entry, back)
    return render_template("preview/recap.html", header=_header(compiled, number, draft),
                           recap=recap_for(compiled, draft.answers), back=back), 200, VARY


@bp.get("/soumettre")
def submit(number: str) -> ResponseReturnValue:
    """SOUMETTRE: the preview submits nothing; 302 to the recap (its PDF is a link)."""
    return redirect(url_for("forms.recap", number=number))


@bp.get("/fichiers/<file_id>")
def download(number: str, file_id: str) -> ResponseReturnValue:
    """The preview keeps no file: 404."""
    abort(404)


@bp.get("/recapitulatif.pdf")
def pdf(number: str) -> ResponseReturnValue:
    """The recap PDF (web/background/pdf.py) of the answers typed, marked as a preview
    never submitted, with the sample's profile, in the page's language, named by the
    document's `filename` as in Mes documents (the preview's key as its number);
    `document`: which of the definition's documents (default its first). 404 when it
    declares none."""
    from web.background.pdf import recap_pdf  # WeasyPrint is slow to import: only here
    from web.i18n import current_lang

    entry = _entry(number)
    compiled = entry.compiled
    if compiled is None:
        return _broken(entry)
    documents = compiled.definition.documents
    ref = request.args.get("document") or next(iter(documents), "")
    document = documents.get(ref)
    if document is None:
        abort(404)
    draft = _draft(number)
    answers = clean(compiled, draft.answers)
    snapshot = {"number": number, "submitted_at": None, "profile": draft.profile,
                "answers": answers,
                "recap": recap_snapshot(compiled, answers)}
    content = recap_pdf(compiled.definition, document, snapshot, current_lang(), preview=True)
    name = document.file_name(number)  # the name the portal gives it in Mes documents
    disposition = "inline; filename*=UTF-8''" + quote(name, safe="")
    return content, 200, {"Content-Type": "application/pdf",
                          "Content-Disposition": disposition}


@bp.post("/exemples")
def load_sample(number: str) -> ResponseReturnValue:
    """Load the answers (and profile) of one case of the definition's tests file (`case`:
    its position) in place of this browser's, then 302 to the section `retour`."""
    entry = _entry(number)
    cases = _samples(entry).cases
    try:
        case = cases[int(request.form.get("case", ""))]
    except (ValueError, IndexError):
        abort(400)
    draft = _draft(number)
    draft.answers, draft.profile, draft.case = dict(case.answers), dict(case.profile), case.name
    return _back_to_form(entry)


@bp.post("/effacer")
def clear(number: str) -> ResponseReturnValue:
    """Forget this browser's answers and profile for the definition; 302 to `retour`."""
    entry = _entry(number)
    draft = _draft(number)
    draft.answers, draft.profile, draft.case = {}, {}, ""
    return _back_to_form(entry)


def _back_to_form(entry: Entry) -> ResponseReturnValue:
    if entry.compiled is None:
        return redirect(url_for("forms.dossier", number=entry.key))
    return redirect(url_for("forms.section", number=entry.key, section_id=_back(entry.compiled)))


@bp.post(f"/{WATCH}")
def watch(number: str) -> ResponseReturnValue:
    """The page's poll (every POLL_MS): 204 while the file (and its tests file) is as
    the page was drawn (`generation`). Else the answers of the section form it sent
    along (`section`) are kept in this browser's draft, and the page is drawn again at
    its own address (`page`: a GET, even for a page a POST drew): a section page whose
    definition still compiles and shows that section is fetched by htmx (`HX-Location`,
    no history entry) and morphed into the body (idiomorph: the field being typed in
    keeps its focus, caret and value, web/static/js/guichet.js); any other page is
    loaded again (`HX-Redirect`).
    A file missing (being replaced by an editor) changes nothing for MISSING_GRACE_S:
    204; missing longer (deleted), the page is loaded again, and says it is gone."""
    entry = _workspace().entry(number)
    missing = current_app.extensions[MISSING]
    if entry is None:  # an editor may replace the file by renaming a new one: wait a bit
        since = missing.setdefault(number, time.monotonic())
        if time.monotonic() - since < MISSING_GRACE_S:
            return "", 204
        return _reload(url_for("forms.dossier", number=number))  # the page saying it is gone
    missing.pop(number, None)
    if request.form.get("generation") == entry.generation:
        return "", 204
    if "version" in request.form:  # the section form came along
        shown = entry.compiled or entry.last_good
        sec = shown.definition.section(request.form.get("section", "")) if shown else None
        if sec is not None:
            draft = _draft(number)
            draft.answers = merged(draft.answers, sec, section_answers(sec, posted()))
            now_sec = entry.compiled.definition.section(sec.id) if entry.compiled else None
            if now_sec is not None and section_shown(entry.compiled, now_sec,
                                                     clean(entry.compiled, draft.answers)):
                return _redraw_in_place(url_for("forms.dossier", number=number))
    return _reload(url_for("forms.dossier", number=number))


def _redraw_in_place(default: str) -> ResponseReturnValue:
    """The poll's answer for a section page: htmx GETs the page's address (with
    REDRAW_HEADER, so the whole page comes back) and morphs it into the body."""
    where = {"path": safe_next(request.form.get("page"), default), "target": "body",
             "swap": "morph:innerHTML", "push": "false", "headers": {REDRAW_HEADER: "1"}}
    return "", 200, {"HX-Location": json.dumps(where)}


def _reload(default: str) -> ResponseReturnValue:
    """The poll's answer when a file changed: htmx goes to the page's address again."""
    return "", 200, {"HX-Redirect": safe_next(request.form.get("page"), default)}


def _overall(workspace: Workspace) -> str:
    """The generation of the whole list: every file's key and generation."""
    return "|".join(f"{e.key}={e.generation}" for e in workspace.entries())


def index() -> ResponseReturnValue:
    """The definitions under the preview's paths, each with its sections or its errors."""
    workspace = _workspace()
    _bar(None, generation=_overall(workspace))
    return render_template("preview/index.html", entries=workspace.entries(),
                           paths=workspace.paths), 200, VARY


def watch_all() -> ResponseReturnValue:
    """The list's poll: 204 while no file was added, removed or changed, else
    `HX-Redirect` to the list (`_reload`)."""
    if request.form.get("generation") == _overall(_workspace()):
        return "", 204
    return _reload(url_for("index"))


def switch_language() -> ResponseReturnValue:
    """The language switch of a page without a form (as the portal's): `lang`, then 302
    back to `next`."""
    set_lang(request.form.get("lang", ""))
    return redirect(safe_next(request.form.get("next"), url_for("index")))


def _home() -> ResponseReturnValue:
    return redirect(url_for("index"))


# the portal's site links (web/ui/pages.py SITE_ENDPOINTS) the layout draws: here they
# all lead to the list of definitions (no account, no dossiers, no messages)
SITE_LINKS = {"dossiers.index": "/dossiers", "documents.index": "/documents",
              "messages.index": "/messages", "profile.show": "/profil",
              "auth.login": "/connexion", "auth.register": "/inscription",
              "auth.logout": "/deconnexion"}


def _context() -> dict[str, Any]:
    return {"preview": g.get("preview")}


def init_app(app: Flask) -> None:
    """The preview's routes: its list at `/`, the definitions' pages, the site links."""
    app.extensions[DRAFTS] = {}
    app.extensions[MISSING] = {}
    app.add_url_rule("/", "index", index)
    app.add_url_rule(f"/{WATCH}", "watch_all", watch_all, methods=["POST"])
    app.add_url_rule("/langue", "auth.switch_language", switch_language, methods=["POST"])
    for endpoint, path in SITE_LINKS.items():
        app.add_url_rule(path, endpoint, _home)
    app.register_blueprint(bp)
    app.context_processor(_context)
