"""Créer un compte, confirmed by email: the account exists once its address is proven.

The registration page (auth.register) answers one page for any valid form,
"Un courriel vous a été envoyé à <adresse>…", whether the address has an
account or not, after the same work either way (`send_activation`: the
password hashed, one lookup for the language, one registration and one outbox
row written): neither the answer nor its timing tells who is registered. The
sender (web/background/mailer.py) then emails either the activation link, or,
to an address that has an account, a note that someone tried to create an
account with it, with the login and Mot de passe oublié links; that account
is not changed. Following the link shows one button, "Activer mon compte"
(a GET changes nothing: mail scanners open links); pressing it makes the
account and sends to the login page with a notice. It does not log in: a
link registered by a stranger with the owner's address must not open a
session whose password the stranger knows. Links are built from PORTAL_URL.
Registrations are limited per email and per address (rules "register",
"register_address").
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

import storage
from web.background.worker import wake_after_response
from web.i18n import N_, _, current_lang, in_lang, speak_as_the_email
from web.ui.pages import PRIVATE, portal_url_for

bp = Blueprint("signup", __name__)

SENT_ARG = "envoye"  # /inscription?envoye=1: the "email sent" page, reloaded
LIFETIME_HOURS = int(storage.SIGNUP_LIFETIME.total_seconds() // 3600)


def _emails() -> tuple[tuple[str, str], tuple[str, str]]:
    """(subject, body) of the activation email and of the "already registered" one,
    in the current language; the first holds SIGNUP_TOKEN_SLOT in its link."""
    site = _("Guichet des services en ligne")
    activation = (_("Activez votre compte"), _(
        "Bonjour,\n\n"
        "Une demande de création de compte a été faite avec cette adresse courriel sur le "
        "%(site)s.\n"
        "Pour activer votre compte, ouvrez ce lien dans les %(hours)s heures qui suivent "
        "(il ne fonctionne qu'une fois) :\n\n"
        "%(url)s\n\n"
        "Si vous n'avez pas demandé de compte, ignorez ce courriel : aucun compte ne sera "
        "créé.\n\n"
        "Veuillez recevoir nos meilleures salutations.",
        site=site, hours=LIFETIME_HOURS,
        url=portal_url_for("signup.activate", activation=storage.SIGNUP_TOKEN_SLOT)))
    known = (_("Tentative de création de compte"), _(
        "Bonjour,\n\n"
        "Quelqu'un a essayé de créer un compte sur le %(site)s avec cette adresse "
        "courriel. Un compte existe déjà avec cette adresse : aucun compte n'a été créé "
        "et le vôtre n'a pas changé.\n\n"
        "Pour vous connecter : %(login)s\n"
        "Si vous avez oublié votre mot de passe : %(forgot)s\n\n"
        "Si ce n'est pas vous, ignorez ce courriel.\n\n"
        "Veuillez recevoir nos meilleures salutations.",
        site=site, login=portal_url_for("auth.login"),
        forgot=portal_url_for("password.forgot")))
    return activation, known


def send_activation(email: str, password: str, profile: dict[str, str]) -> None:
    """Keep a valid registration and queue its email, the same work whether `email`
    (normalised) has an account or not: `password` (as typed) hashed, the account
    looked up for the emails' language (its own, else the page's), one registration
    and one outbox row written; the account, if any, is not changed. `profile`: the
    profile as read from the form (web.accounts.profile_form.read_profile)."""
    password_hash = storage.hash_password(password)
    account = storage.find_account_by_email(email)
    with in_lang(account.lang if account is not None else current_lang()):
        activation, known = _emails()
    storage.queue_signup(email, password_hash, profile, current_lang(), activation, known)
    wake_after_response()


def sent_page(email: str | None) -> str:
    """The one answer to a valid registration, account or not (auth/register_sent.html):
    "Un courriel vous a été envoyé à `email`…"; with `email` None (SENT_ARG: the page
    reloaded), the same words without the address, which is kept nowhere. Its address
    becomes /inscription?envoye=1 in the browser's history (guichet.js,
    data-replace-url), so a reload shows it again instead of posting the registration,
    and its email, a second time."""
    return render_template("auth/register_sent.html", email=email, hours=LIFETIME_HOURS)


@bp.route("/inscription/activer/<activation>", methods=("GET", "POST"))
def activate(activation: str) -> ResponseReturnValue:
    """The link of the activation email (auth/activate.html).

    GET: one button, "Activer mon compte", 200; nothing changes (mail systems open
    links before people do). POST: the account is made as it was registered, then
    302 to the login page with "Votre compte est activé…". 410 (auth/activation_
    invalid.html) for a link unknown, used, expired or superseded (one page for all).
    Every answer is `no-store` with a same-origin Referrer-Policy: `activation`, the
    link's token, is a key. A browser that chose no language sees the page in the
    language of the registration (and of its email).
    """
    try:
        registered_in = storage.check_signup_token(activation)
        speak_as_the_email(registered_in)
        if request.method == "POST":
            storage.confirm_signup(activation)
            flash(N_("Votre compte est activé. Connectez-vous avec votre adresse courriel et "
                     "votre mot de passe."), "success")
            return redirect(url_for("auth.login"))
    except storage.SignupRefused:
        return render_template("auth/activation_invalid.html", hours=LIFETIME_HOURS), 410, \
            PRIVATE
    return render_template("auth/activate.html", activation=activation), 200, PRIVATE
