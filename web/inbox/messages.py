"""The message centre: the envelope in the header, the list, and reading a message.

Messages are written by storage in the transaction that caused them (the
definition's confirmation message at submission, in the applicant's language);
this blueprint only shows them. Opening a message marks it read, so the count
on the envelope goes down on that very page.
"""

from __future__ import annotations

import logging

from flask import Blueprint, g, render_template, session
from flask.typing import ResponseReturnValue

import storage
from web.accounts.current import account_id, login_required

bp = Blueprint("messages", __name__, url_prefix="/messages")
log = logging.getLogger("guichet.web")


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
    return render_template("messages/show.html", message=message)
