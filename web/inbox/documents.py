"""Mes documents: the applicant's documents (the recap PDF) and their download.

A submission only queues the document; the background worker renders it from
the snapshot frozen at submission. Until then its row says "En préparation"
instead of offering a link that would fail, and, with JavaScript, the table
asks again every few seconds (htmx) until every document is ready.
"""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, send_file, url_for
from flask.typing import ResponseReturnValue

import storage
from web.accounts.current import account_id, login_required
from web.i18n import N_
from web.ui.pages import render_page

bp = Blueprint("documents", __name__, url_prefix="/documents")

POLL_SECONDS = 3


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Mes documents: the applicant's documents, newest first, each with its dossier
    number, date and a download link, or "En préparation" until rendered
    (documents/index.html; for htmx the table alone, documents/_table.html), 200.
    While one is pending, the table asks again every POLL_SECONDS (3) seconds.
    Guide: the recap of the application, PDF, Télécharger."""
    documents = storage.list_documents(account_id())
    pending = any(not d.ready for d in documents)
    return render_page("documents/index.html", "documents/_table.html", documents=documents,
                       pending=pending, poll_seconds=POLL_SECONDS)


@bp.get("/<document_id>/telecharger")
@login_required
def download(document_id: str) -> ResponseReturnValue:
    """The stored bytes, as they were rendered once, found by the document's public id
    (random: download addresses cannot be guessed; storage.NotFound -> 404 when the
    document is unknown or another account's). Never cached: it holds personal
    information.

    200 with the file as an attachment under its filename; 302 to Mes documents with
    a notice while it is still being rendered.
    """
    document, content = storage.get_document(account_id(), document_id)
    if content is None:
        flash(N_("Ce document est en préparation. Réessayez dans quelques instants."),
              "warning")
        return redirect(url_for("documents.index"))
    response = send_file(io.BytesIO(content), mimetype=document.content_type,
                         as_attachment=True, download_name=document.filename,
                         conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
