"""Mot de passe oublié ? A single-use link by email, valid one hour, to set a new password.

The page answers the same whether the address has an account or not, so it
cannot be used to find out who is registered; only an existing account gets
an email, queued through the outbox in the same transaction as its token.
The link is built from PORTAL_URL, never from the request's Host header, so
a forged Host cannot send an applicant a link to someone else's site.
Requests are limited per address and per email ("password_reset" rule).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

import storage
from web.accounts.auth import EMAIL, password_errors
from web.http.limits import limits
from web.i18n import t, t_in
from web.ui.fields import FieldView

bp = Blueprint("password", __name__)

# same-origin, not no-referrer: over HTTPS Flask-WTF refuses a POST without a Referer.
PRIVATE = {"Referrer-Policy": "same-origin", "Cache-Control": "no-store"}


def _email_field(value: str, error: str | None) -> FieldView:
    return FieldView(id="email", type="email", label=t("auth.email"), value=value,
                     error=t(error) if error else "", autocomplete="email", max_length=254)


def _password_fields(errors: dict[str, str]) -> list[FieldView]:
    return [FieldView(id=name, type="password", label=t(label),
                      help=t("auth.password.help") if name == "password" else "",
                      error=t(errors[name]) if name in errors else "",
                      autocomplete="new-password", max_length=200)
            for name, label in (("password", "reset.password"),
                                ("password_confirm", "auth.password_confirm"))]


def _reset_url(token: str) -> str:
    """The link in the email: the configured portal address (with its mount point, as
    in notification emails), then the page's path on this site."""
    path = url_for("password.reset", token=token)[len(request.script_root):]
    return current_app.config["PORTAL_URL"].rstrip("/") + path


def _send_link(email: str) -> None:
    """Token and email in one transaction (the request's); nothing for an unknown email."""
    started = storage.start_password_reset(email)
    if started is None:
        return
    lang = started.account.lang
    storage.queue_email(started.account.email, t_in(lang, "reset.email.subject"),
                        t_in(lang, "reset.email.body", url=_reset_url(started.token),
                             site=t_in(lang, "app.name")))


@bp.route("/mot-de-passe-oublie", methods=("GET", "POST"))
def forgot() -> ResponseReturnValue:
    email = request.form.get("email", "").strip()
    error = refusal = None
    if request.method == "POST":
        if not email:
            error = "err.required"
        elif not EMAIL.match(email) or len(email) > 254:
            error = "err.email"
        else:
            refusal = limits().hit("password_reset", f"ip:{request.remote_addr}",
                                   f"email:{email.lower()}")
            if refusal is None:
                _send_link(email)
                return redirect(url_for("password.sent"))
    status = 429 if refusal else 422 if error else 200
    return render_template("password/forgot.html", field=_email_field(email, error),
                           refusal=refusal), status


@bp.get("/mot-de-passe-oublie/envoye")
def sent() -> ResponseReturnValue:
    """The one answer, account or not."""
    return render_template("password/sent.html")


@bp.route("/mot-de-passe/<token>", methods=("GET", "POST"))
def reset(token: str) -> ResponseReturnValue:
    try:
        storage.check_reset_token(token)
    except storage.ResetRefused:
        return render_template("password/invalid.html"), 410, PRIVATE
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = password_errors(request.form)
        if not errors:
            try:
                storage.reset_password(token, storage.hash_password(request.form["password"]))
            except storage.ResetRefused:  # used by a concurrent request meanwhile
                return render_template("password/invalid.html"), 410, PRIVATE
            flash("flash.password_changed", "success")
            return redirect(url_for("auth.login"))
    return (render_template("password/reset.html", fields=_password_fields(errors),
                            token=token), 422 if errors else 200, PRIVATE)
