"""The message centre: the envelope in the header, the list, reading a message, and
answering it.

Messages are written by storage in the transaction that caused them (the
definition's confirmation message at submission, in the applicant's language; an
agent's message). Opening a message marks it read, so the count on the envelope goes
down on that very page. Under a message the service sent about a dossier, a
"Répondre" form sends the applicant's reply: it is kept on that dossier, where the
agent reads it (messages both ways); no email goes to agents.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_number

import storage
from engine.typed_text import message_text
from web.accounts.current import account_id, login_required
from web.i18n import N_, _
from web.ui.fields import FieldView
from web.ui.redisplay import keeps_errors, redisplaying, redisplays

bp = Blueprint("messages", __name__, url_prefix="/messages")
log = logging.getLogger("guichet.web")

REPLY_MISSING = N_("Écrivez votre réponse.")
REPLY_TOO_LONG = N_("Votre réponse doit compter au plus %(max)s caractères.")


def reply_error(text: str) -> tuple[str, str]:
    """What is wrong with the text of a reply, the page's and the API's rule: (rule,
    message in the current language), ("required", ...) when it is empty once spaces
    and invisible characters (U+200B) are trimmed, ("max_length", ...) past
    storage.REPLY_MAX_LENGTH characters; ("", "") when it can be sent."""
    trimmed = message_text(text)
    if not trimmed:
        return "required", _(REPLY_MISSING)
    if len(trimmed) > storage.REPLY_MAX_LENGTH:
        return "max_length", _(REPLY_TOO_LONG, max=format_number(storage.REPLY_MAX_LENGTH))
    return "", ""


@bp.app_template_global()
def unread_messages() -> int | None:
    """The number on the envelope (once per request); None when it cannot be counted,
    e.g. on the error page of a failed database: that page must still render."""
    if "account_id" not in session:
        return None
    if "unread_messages" not in g:
        try:
            g.unread_messages = storage.unread_count(session["account_id"])
        except Exception:  # noqa: BLE001 - a header badge never takes a page down
            log.exception("unread count failed")
            g.unread_messages = None
    return g.unread_messages


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The message centre: the applicant's messages, newest first, unread ones marked
    (messages/index.html), 200. Guide: the envelope icon opens the Centre des
    messages, where the confirmation of a submission is."""
    return render_template("messages/index.html", messages=storage.list_messages(account_id()))


@bp.get("/<message_id>")
@login_required
def show(message_id: str) -> ResponseReturnValue:
    """One message by its public id (random, 22 characters: ids in URLs cannot be
    guessed) (messages/show.html), 200; reading marks it read, and the envelope on
    this very page counts it so (storage.NotFound, hence 404, if not the owner's or
    unknown)."""
    message = storage.get_message(account_id(), message_id)
    g.pop("unread_messages", None)  # counted again after the marking
    return _page(message)


def _reply_field(value: str = "", error: str = "") -> FieldView:
    """The reply's one question: a long text of at most storage.REPLY_MAX_LENGTH."""
    return FieldView(id="reponse", type="textarea", label=_("Votre réponse"), value=value,
                     error=error, max_length=storage.REPLY_MAX_LENGTH,
                     help=_("Votre réponse est ajoutée à votre dossier : l’équipe qui le "
                            "traite la lira en le consultant. La suite vous parviendra dans "
                            "votre centre des messages."))


def _page(message: storage.MessageView, field: FieldView | None = None,
          status: int = 200) -> ResponseReturnValue:
    """messages/show.html: the message, and the reply form when it may be answered."""
    reply = field or _reply_field() if storage.can_reply(message) else None
    return render_template("messages/show.html", message=message, reply=reply), status


@bp.post("/<message_id>/reponse")
@login_required
@redisplays
def reply(message_id: str) -> ResponseReturnValue:
    """Répondre: the applicant's answer (`reponse`, 1 to storage.REPLY_MAX_LENGTH
    characters) to a message the service sent about a dossier: kept on that dossier,
    303 to the message centre with "Votre réponse a été envoyée."; 422 with the error
    next to the field and in the summary; 404 for a message that is not theirs, about
    no dossier, or their own reply. Shown again (language switch, token of an older
    session): the text as typed, nothing sent. No email goes to agents."""
    message = storage.get_message(account_id(), message_id, mark_read=False)
    if not storage.can_reply(message):
        abort(404)
    text = request.form.get("reponse", "")
    _, error = reply_error(text)
    if redisplaying():
        return _page(message, _reply_field(text, error if keeps_errors() else ""))
    if error:
        return _page(message, _reply_field(text, error), 422)
    storage.reply_to_message(account_id(), message_id, text, request.remote_addr)
    flash(N_("Votre réponse a été envoyée. Elle figure dans votre centre des messages."),
          "success")
    return redirect(url_for("messages.index"), 303)
