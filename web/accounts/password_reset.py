"""Mot de passe oublié ? A single-use link by email, valid one hour, to set a new password.

The page answers the same whether the address has an account or not, so it
cannot be used to find out who is registered, and it takes the same path both
ways, so its timing cannot tell either: one lookup (the account's language),
the email written, one outbox row queued. The token is made when the email is
sent (web/background/mailer.py), and only an existing account gets it.
The link is built from PORTAL_URL, never from the request's Host header, so
a forged Host cannot send an applicant a link to someone else's site.
Requests are limited per address and per email ("password_reset" rule).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

import storage
from web.accounts.auth import password_errors, read_email
from web.background.worker import wake_after_response
from web.http.limits import limits
from web.i18n import N_, _, current_lang, in_lang, speak_as_the_email
from web.ui.fields import FieldView
from web.ui.pages import PRIVATE, portal_url_for
from web.ui.redisplay import keeps_errors, redisplaying, redisplays

bp = Blueprint("password", __name__)


def _email_field(value: str, error: str | None) -> FieldView:
    return FieldView(id="email", type="email", label=_("Adresse courriel"), value=value,
                     error=_(error) if error else "", autocomplete="email", max_length=254)


def _password_fields(errors: dict[str, str]) -> list[FieldView]:
    help_ = _("Au moins 12 caractères. Une phrase de quelques mots est facile à retenir.")
    return [FieldView(id=name, type="password", label=label,
                      help=help_ if name == "password" else "",
                      error=_(errors[name]) if name in errors else "",
                      autocomplete="new-password", max_length=200)
            for name, label in (("password", _("Nouveau mot de passe")),
                                ("password_confirm", _("Confirmez le mot de passe")))]


def _send_link(email: str) -> None:
    """Queue the email, the same work whether `email` has an account or not: in the
    account's language, else the page's; its link's token is made when it is sent."""
    account = storage.find_account_by_email(email)
    with in_lang(account.lang if account is not None else current_lang()):
        subject = _("Réinitialisation de votre mot de passe")
        body = _("Bonjour,\n\n"
                 "Une demande de nouveau mot de passe a été faite pour votre compte du "
                 "%(site)s.\n"
                 "Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure qui suit "
                 "(il ne fonctionne qu'une fois) :\n\n"
                 "%(url)s\n\n"
                 "Si vous n'avez rien demandé, ignorez ce courriel : votre mot de passe reste "
                 "le même.\n\n"
                 "Veuillez recevoir nos meilleures salutations.",
                 url=portal_url_for("password.reset", token=storage.RESET_TOKEN_SLOT),
                 site=_("Guichet des services en ligne"))
    storage.queue_password_reset(email, subject, body)
    wake_after_response()


@bp.route("/mot-de-passe-oublie", methods=("GET", "POST"))
@redisplays
def forgot() -> ResponseReturnValue:
    """Mot de passe oublié ? Ask for a link by email (password/forgot.html).

    GET: the form, 200. POST: 302 to the "sent" page whether or not the address has an
    account, after the same work either way (one email queued; only an account's is
    sent, its token made then); 422 for a missing, malformed or listed address; 429
    when the address or the email asked too often (rule "password_reset", 5 an hour
    by default), saying in how many minutes to try again.
    Shown again (language switch, token of an older session): nothing sent or counted,
    the address typed back, its error again if the page showed it.
    """
    email, error = read_email(request.form)
    error = error if request.method == "POST" else None
    refusal = None
    if request.method == "POST":
        if redisplaying():
            error = error if keeps_errors() else None
        elif error is None:
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
    """The one answer, account or not (password/sent.html), 200."""
    return render_template("password/sent.html")


@bp.route("/mot-de-passe/<token>", methods=("GET", "POST"))
@redisplays
def reset(token: str) -> ResponseReturnValue:
    """The link of the email: choose a new password (password/reset.html).

    GET: the form, 200. POST: the password is changed, every link of the account used
    up and every session opened before ended; 302 to the login page with a notice. 422
    for a password that breaks the rules. 410 (password/invalid.html) for a link that
    is unknown, already used or expired (one page for the three). Every answer is
    `no-store` with a same-origin Referrer-Policy: the token is a key. Shown again
    (language switch, token of an older session): nothing changed, the passwords not
    typed back, their error again if the page showed it.
    """
    try:
        speak_as_the_email(storage.check_reset_token(token).lang)
    except storage.ResetRefused:
        return render_template("password/invalid.html"), 410, PRIVATE
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = password_errors(request.form)
        if redisplaying():
            errors = errors if keeps_errors() else {}
        elif not errors:
            try:
                storage.reset_password(token, storage.hash_password(request.form["password"]))
            except storage.ResetRefused:  # used by a concurrent request meanwhile
                return render_template("password/invalid.html"), 410, PRIVATE
            flash(N_("Votre mot de passe a été changé. Connectez-vous avec le nouveau mot de "
                     "passe."), "success")
            return redirect(url_for("auth.login"))
    return (render_template("password/reset.html", fields=_password_fields(errors),
                            token=token), 422 if errors else 200, PRIVATE)
