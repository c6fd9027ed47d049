"""The profile: shown, and edited here only (the address is never changed in a dossier).

Guide: the account's profile (the Arrima profile) holds the names as in the
passport, sex, birth date and place, email, home address and phones; "Si vous
désirez changer votre adresse, vous devez le faire à partir de votre profil".

The password is changed from the profile too (ASVS 2.1.5): the current password
first, with its own attempt limit (counted before the check, so parallel guesses
cannot exceed it), the new one twice under the registration's rules. A change
ends every other session of the account, keeps this one (renewed), and sends an
email saying so, in case it was not the account's owner.
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
from web.accounts import login_session, profile_form
from web.accounts.auth import password_errors
from web.accounts.current import account_id, current_account, login_required
from web.background.worker import wake_after_response
from web.http.limits import limits
from web.i18n import N_, _, in_lang
from web.ui.fields import FieldView
from web.ui.pages import PRIVATE
from web.ui.redisplay import keeps_errors, redisplaying, redisplays

bp = Blueprint("profile", __name__, url_prefix="/profil")


@bp.get("/")
@login_required
def show() -> ResponseReturnValue:
    """Mon profil, read-only, every field under its generic label, by group
    (profile/show.html), 200; 302 to the login page when nobody is logged in."""
    account = current_account()
    return render_template("profile/show.html", account=account,
                           groups=profile_form.summary(account.profile, account.email))


@bp.route("/modifier", methods=("GET", "POST"))
@login_required
@redisplays
def edit() -> ResponseReturnValue:
    """Change the profile (profile/edit.html); the email is the account's and is not
    changed here.

    GET: the form with the stored values, 200. POST: saved, the header's name updated,
    302 to the profile with a notice; 422 with every error on its field (required
    fields, choices, a birth date in the past as YYYY-MM-DD). Shown again (language
    switch, token of an older session): nothing saved, the values as typed, the errors
    again if the page showed some.
    """
    account = current_account()
    profile, errors = account.profile, {}
    if request.method == "POST":
        profile = profile_form.read_profile(request.form)
        errors = profile_form.profile_errors(profile, storage.clock.today())
        if redisplaying():
            errors = errors if keeps_errors() else {}
        elif not errors:
            storage.update_profile(account_id(), profile)  # the header reads the new name
            flash(N_("Votre profil a été enregistré."), "success")
            return redirect(url_for("profile.show"))
    return render_template("profile/edit.html", account=account,
                           groups=profile_form.group_views(profile, errors),
                           errors=errors), (422 if errors else 200)


def _password_fields(errors: dict[str, str]) -> list[FieldView]:
    """The three fields, never typed back (passwords)."""
    help_ = _("Au moins 12 caractères. Une phrase de quelques mots est facile à retenir.")
    fields = (("current_password", _("Mot de passe actuel"), "current-password", ""),
              ("password", _("Nouveau mot de passe"), "new-password", help_),
              ("password_confirm", _("Confirmez le nouveau mot de passe"), "new-password", ""))
    return [FieldView(id=name, type="password", label=label, help=help_text,
                      error=_(errors[name]) if name in errors else "",
                      autocomplete=autocomplete, max_length=200)
            for name, label, autocomplete, help_text in fields]


def _change_notice(account: storage.AccountView) -> tuple[str, str]:
    """(subject, body) of "your password was changed", in the account's language, with
    the way to take the account back (Mot de passe oublié ?) if it was not its owner."""
    forgot = url_for("password.forgot")[len(request.script_root):]
    with in_lang(account.lang):
        subject = _("Votre mot de passe a été changé")
        body = _("Bonjour,\n\n"
                 "Le mot de passe de votre compte du %(site)s vient d'être changé.\n\n"
                 "Si c'est vous, vous n'avez rien à faire.\n"
                 "Sinon, choisissez tout de suite un nouveau mot de passe avec « Mot de passe "
                 "oublié ? » :\n\n%(url)s\n\n"
                 "Veuillez recevoir nos meilleures salutations.",
                 site=_("Guichet des services en ligne"),
                 url=current_app.config["PORTAL_URL"].rstrip("/") + forgot)
    return subject, body


@bp.route("/mot-de-passe", methods=("GET", "POST"))
@login_required
@redisplays
def change_password() -> ResponseReturnValue:
    """Changer le mot de passe (profile/password.html), ASVS 2.1.5.

    GET: the form (current password, new one twice), 200. POST: the new password
    under the registration's rules (web/accounts/credentials.py: 422 with the error
    on its field, no attempt counted), then the current password, each try counted
    first against the "password_change" limit (5 per 15 minutes per account: 429
    saying when to try again) and 422 when it is wrong; a new password equal to the
    current one is refused next to its field (nothing counted). Right: the password changed,
    every other session of the account ended, this one renewed (still logged in),
    an email sent to the account, 302 to the profile with a notice. Every answer is
    `no-store`. Shown again (language switch, token of an older session): nothing
    changed or counted, the passwords not typed back.
    """
    errors: dict[str, str] = {}
    refusal = None
    if request.method == "POST":
        errors = password_errors(request.form)
        current = request.form.get("current_password", "")
        if not current:
            errors = {"current_password": N_("Entrez votre mot de passe actuel.")} | errors
        elif not errors and request.form.get("password") == current:
            errors = {"password": N_("Choisissez un mot de passe différent de l'actuel.")}
        if redisplaying():
            errors = errors if keeps_errors() else {}
        elif not errors:
            key = f"account:{account_id()}"
            refusal = limits().hit("password_change", key)
            account = current_account()
            if refusal is None and account is not None:
                if storage.verify_password(account.password_hash, current):
                    limits().reset("password_change", key)
                    storage.change_password(account.id,
                                            storage.hash_password(request.form["password"]),
                                            notice=_change_notice(account))
                    wake_after_response()
                    login_session.renew(account.id)  # every other session is over
                    flash(N_("Votre mot de passe a été changé."), "success")
                    return redirect(url_for("profile.show"))
                errors = {"current_password": N_("Le mot de passe actuel est incorrect.")}
    status = 429 if refusal else 422 if errors else 200
    return (render_template("profile/password.html", fields=_password_fields(errors),
                            refusal=refusal), status, PRIVATE)
