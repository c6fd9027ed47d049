"""The profile: shown, and edited here only (the address is never changed in a dossier).

Guide: the account's profile (the Arrima profile) holds the names as in the
passport, sex, birth date and place, email, home address and phones; "Si vous
désirez changer votre adresse, vous devez le faire à partir de votre profil".
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

import storage
from web.accounts import profile_form
from web.accounts.current import account_id, current_account, login_required
from web.i18n import N_
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
