"""Files attached to a section's questions (issue 15): kept on save, listed, removed,
downloaded, and the body limit of the posts that carry them.

The engine's field type says which questions post files (`FieldType.multipart`), what
they take (`upload_rules`) and how an answer names them; storage keeps the bytes
(`storage.store_upload`). This module joins the two for the section form:

- the body limit: every request keeps MAX_CONTENT_LENGTH (256 KB) but the save and the
  update of a section holding a file question, which may post UPLOAD_REQUEST_MAX_MB;
  werkzeug refuses a larger body from its Content-Length (or as soon as a chunked one
  passes it) before reading it, with the 413 page;
- on ENREGISTRER (`attach_files`): the files the page listed are kept only when they
  are this dossier's files of this question (never a posted name, size or hash), those
  whose "Retirer" was pressed are deleted, and each file chosen is kept by storage,
  which reads no further than the limits; a refusal becomes the question's message;
- after the save, files no answer names any more are deleted (`prune`);
- the download (`download`): the owner only (404 for anyone else and for an unknown id),
  as an attachment with a safe name, never rendered by the browser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from babel.lists import format_list
from flask import Flask, current_app, g, request, send_file
from flask.typing import ResponseReturnValue

import storage
from engine.model import Field, Section
from web.accounts.current import account_id, login_required
from web.forms import bp
from web.forms.fields import not_attached
from web.i18n import current_lang, localize
from web.registry import definition, registry

V = TypeVar("V", bound=Callable[..., Any])

MEGABYTE = 1_000_000
SAVE_ENDPOINTS = frozenset({"forms.save", "forms.refresh"})


def file_fields(section: Section) -> Iterator[Field]:
    """The questions of `section` whose input posts files."""
    return (f for f in section.fields if f.kind.multipart)


def posts_files(section: Section) -> bool:
    """Whether the section's form must be sent as multipart/form-data."""
    return any(file_fields(section))


def _section_takes_files(section_id: str) -> bool:
    """Whether a section of that id holds a file question in some served dossier type
    (read from the definitions alone: no database before the body's limit is set)."""
    for compiled in registry():
        section = compiled.definition.section(section_id)
        if section is not None and posts_files(section):
            return True
    return False


def takes_files(view: V) -> V:
    """Mark a view whose posts carry a file (a back-office CSV import, a PDF to check):
    its request body may be UPLOAD_REQUEST_MAX_MB, like a section's with a file
    question. Put it right under the route decorator (it marks the registered view)."""
    view.takes_files = True  # type: ignore[attr-defined]
    return view


def _raise_limit() -> None:
    """For the save or update of a section holding a file question, or a view marked
    `takes_files`, the body may be UPLOAD_REQUEST_MAX_MB (Flask's per-request
    `max_content_length`)."""
    args = request.view_args or {}
    section_id = args.get("section_id")
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "takes_files", False) or (
            request.endpoint in SAVE_ENDPOINTS and isinstance(section_id, str)
            and _section_takes_files(section_id)):
        limit = current_app.config["UPLOAD_REQUEST_MAX_MB"]
        request.max_content_length = limit * MEGABYTE
        g.upload_request_max_mb = limit  # the 413 page says it (templates/errors/error.html)


def _refs(info: storage.UploadInfo) -> dict[str, Any]:
    return {"id": info.id, "name": info.name, "size": info.size, "sha256": info.sha256}


def remove_field(f: Field) -> str:
    """The form name of the "Retirer" buttons of `f`'s files (their value: the file id)."""
    return f"{f.id}.retirer"


class Refusals:
    """The files refused while attaching a section's chosen files: by question, each
    reason (current language) with the names of the files refused for it, so that a
    choice of several files half kept says which ones were not, and why (newcomer
    trial: 4 files chosen, 2 kept, only "Joignez au plus 5 fichiers" said)."""

    def __init__(self) -> None:
        self.reasons: dict[str, dict[str, list[str]]] = {}  # field id -> reason -> names

    def add(self, field_id: str, reason: str, name: str | None = None) -> None:
        """One refusal for the question `field_id`: `reason`, and the file's `name`
        when a chosen file was refused (None for a "Retirer" refused)."""
        names = self.reasons.setdefault(field_id, {}).setdefault(reason, [])
        if name:
            names.append(name)

    def messages(self) -> dict[str, str]:
        """Field id -> each reason, followed, when several files were chosen for that
        question in this post, by the files it refused ("Ce fichier dépasse 10 Mo...
        Fichier non joint : gros.pdf. Ce type de fichier... Fichier non joint :
        notes.txt."); one file chosen and refused needs no name."""
        said = {}
        for field_id, reasons in self.reasons.items():
            several = _chosen(field_id) > 1
            said[field_id] = " ".join(
                " ".join(filter(None, (reason, _not_attached(names) if several else "")))
                for reason, names in reasons.items())
        return said


def _chosen(field_id: str) -> int:
    """How many files the post chose for the question `field_id`."""
    return sum(1 for chosen in request.files.getlist(field_id) if chosen.filename)


def _not_attached(names: list[str]) -> str:
    if not names:
        return ""
    return not_attached(format_list(names, locale=current_lang()), len(names))


def attach_files(number: str, section: Section, posted: dict[str, Any],
                 store: bool) -> dict[str, str]:
    """Replace, in `posted` (one section's answers as engine.formdata reads them), each
    file question's answer by the files it really names: those the page listed that are
    this dossier's files of this question, with storage's name, size and hash. With
    `store` (ENREGISTRER): the files whose "Retirer" was pressed are deleted first, then
    each file chosen in the input is kept (storage.store_upload, limits: the question's
    and UPLOAD_DOSSIER_MAX_MB) and added. Returns field id -> the message (current
    language) of each reason a file was refused for, with the files it refused when
    several were chosen (`Refusals`); the other answers are untouched.
    Raises storage.NotFound for a dossier that is not the applicant's."""
    refusals = Refusals()
    owner = account_id()
    for f in file_fields(section):
        kind = f.kind
        rules = kind.upload_rules(f)
        have = {i.id: i for i in storage.dossier_uploads(owner, number, f.id)}
        removed = set(request.form.getlist(remove_field(f))) if store else set()
        kept = [have[i] for i in dict.fromkeys(kind.file_refs(f, posted.get(f.id)))
                if i in have and i not in removed]
        for file_id in removed & have.keys():
            try:
                storage.delete_upload(owner, file_id, registry())
            except storage.UploadRefused as refused:
                refusals.add(f.id, localize(kind.upload_message(f, refused.code, None)))
        for chosen in request.files.getlist(f.id) if store else ():
            if not chosen.filename:
                continue  # the input left empty
            try:
                kept.append(storage.store_upload(
                    owner, number, f.id, chosen.filename, chosen.stream,
                    accept=list(rules.accept), max_bytes=rules.max_bytes,
                    max_files=rules.max_files,
                    dossier_max_bytes=current_app.config["UPLOAD_DOSSIER_MAX_MB"] * MEGABYTE,
                    registry=registry()))
            except storage.UploadRefused as refused:
                refusals.add(f.id, localize(kind.upload_message(f, refused.code,
                                                                refused.limit)),
                             chosen.filename)
        posted[f.id] = kind.answer_with_files(f, [_refs(i) for i in kept])
    return refusals.messages()


def prune(saved: storage.DossierView) -> None:
    """Delete the files of the `saved` dossier that none of its answers names any more,
    archived answers included (a file question hidden by a later answer has its answer
    archived, not lost: its files stay with it; frozen ones stay too: storage), read
    with the definition it is pinned to now (a save may have migrated it: its answers
    are in the newer version's terms). Asks nothing of storage for a type without file
    questions."""
    compiled = definition(saved)
    fields = [f for f in compiled.definition.all_fields().values() if f.kind.multipart]
    if not fields:
        return
    named = {i for f in fields for i in f.kind.file_refs(f, saved.answers.get(f.id))}
    by_id = {f.id: f for f in fields}
    named |= {i for a in storage.archived_answers(saved.number) if a.field_id in by_id
              for i in by_id[a.field_id].kind.file_refs(by_id[a.field_id], a.value)}
    storage.prune_uploads(account_id(), saved.number, named)


@bp.get("/fichiers/<file_id>")
@login_required
def download(number: str, file_id: str) -> ResponseReturnValue:
    """One of the applicant's files: its bytes as an attachment (`Content-Disposition:
    attachment` with its safe name, RFC 6266 `filename*` for non-ASCII), its stored type,
    never cached, never sniffed. 404 for another account's file and for an unknown id
    (storage.upload_for_owner: the same NotFound)."""
    info, stream = storage.upload_for_owner(account_id(), file_id)
    response = send_file(stream, mimetype=info.content_type, as_attachment=True,
                         download_name=info.name, conditional=False, etag=False,
                         max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app: Flask) -> None:
    """The body limit of the posts carrying files: registered before any hook that reads
    the form (the CSRF check)."""
    app.before_request(_raise_limit)
