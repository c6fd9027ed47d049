"""Accounts: register (activated by email: web/accounts/signup.py), log in, log out (with
its question), and the language switch."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue

import storage
from engine.email_address import looks_like_a_list, normalized_email
from engine.model import LANGS
from web.accounts import login_session, profile_form, signup
from web.accounts.credentials import MIN_LENGTH, attempt_login, password_error
from web.accounts.current import account_id, account_name
from web.http.limits import limits
from web.i18n import N_, _, current_lang, set_lang
from web.ui.fields import FieldView
from web.ui.pages import (
    PRIVATE,
    current_page_url,
    note_errors,
    page_has_errors,
    safe_next,
    site_urls,
)
from web.ui.redisplay import keeps_errors, redisplaying, redisplays

bp = Blueprint("auth", __name__)

MIN_PASSWORD = MIN_LENGTH


def init_app(app: Flask) -> None:
    """Make `account_name`, `current_page_url` and `site_urls` template globals: every
    page's header (the applicant's name), language switch and links use them; and
    `note_errors`, `page_has_errors` for the title of a page showing errors."""
    app.jinja_env.globals.update(account_name=account_name,
                                 current_page_url=current_page_url, site_urls=site_urls,
                                 note_errors=note_errors, page_has_errors=page_has_errors)


def index() -> ResponseReturnValue:
    """`/` (endpoint "index", added by create_app): 302 to Mes dossiers when logged in,
    else to the login page."""
    target = "dossiers.index" if "account_id" in session else "auth.login"
    return redirect(url_for(target))


def _log_in(account) -> None:
    """A new session on login (no fixation): keep only the chosen language."""
    lang = session.get("lang")
    login_session.renew(account.id)
    if lang in LANGS and lang != account.lang:
        storage.set_lang(account.id, lang)
    set_lang(lang if lang in LANGS else account.lang)


def read_email(form) -> tuple[str, str | None]:
    """The posted `email` field, checked as every account page checks it.

    `form`: the posted fields. Returns (the address normalised, None) for one valid
    address (engine.email_address: email-validator, a domain with a dot), else
    (the text as typed, stripped; the msgid of its error): required, only one
    address (a list such as "root,postmaster,a@example.org"), or not valid.
    """
    typed = form.get("email", "").strip()
    if not typed:
        return typed, N_("Ce champ est obligatoire.")
    address = normalized_email(typed)
    if address is not None:
        return address, None
    if looks_like_a_list(typed):
        return typed, N_("Entrez une seule adresse courriel, par exemple nom@exemple.com.")
    return typed, N_("Entrez une adresse courriel valide, par exemple nom@exemple.com.")


def password_errors(form) -> dict[str, str]:
    """The password rules, shared by registration and the password reset page.

    `form`: the posted fields (`password`, `password_confirm`). Returns field name ->
    msgid (translated where shown): at most one error; {} when the password is good.
    """
    password = form.get("password", "")
    if not password:  # also a page shown again: passwords are never typed back into it
        return {"password": N_("Entrez un mot de passe.")}
    error = password_error(password)
    if error:
        return {"password": error}
    if password != form.get("password_confirm", ""):
        return {"password_confirm": N_("Les deux mots de passe ne sont pas identiques.")}
    return {}


def _account_errors(form) -> dict[str, str]:
    errors = {}
    _, error = read_email(form)
    if error:
        errors["email"] = error
    return errors | password_errors(form)


def _account_views(email: str, errors: dict[str, str]) -> list[FieldView]:
    def view(id_: str, type_: str, label: str, autocomplete: str, value: str = "",
             help_: str = "") -> FieldView:
        return FieldView(id=id_, type=type_, label=label, value=value,
                         error=_(errors[id_]) if id_ in errors else "", help=help_,
                         autocomplete=autocomplete, max_length=254)

    return [view("email", "email", _("Adresse courriel"), "email", email),
            view("password", "password", _("Mot de passe"), "new-password",
                 help_=_("Au moins 12 caractères. Une phrase de quelques mots est facile à "
                         "retenir.")),
            view("password_confirm", "password", _("Confirmez le mot de passe"), "new-password")]


@bp.route("/inscription", methods=("GET", "POST"))
@redisplays
def register() -> ResponseReturnValue:
    """Create an account: email, password twice, and the profile (the guide's Arrima
    profile: names as in the passport, sex, birth date and place, address, phones).

    GET: the form, 200 (auth/register.html); with ?envoye=1, the "email sent" page
    reloaded (no address, nothing sent). POST of a valid form: 200, "Un courriel
    vous a été envoyé à <adresse>…" (auth/register_sent.html), the very same answer
    after the same work whether the address has an account or not
    (web/accounts/signup.py: an activation link for a new address, in the current
    language; a note to an address that has an account, which is not changed); the
    account exists once the link is followed. 422 with every error on its field (email
    missing or malformed, password too short or too common, passwords differ, profile
    rules); 429 when this email or this address registered too often (rules
    "register", "register_address"), saying in how many minutes to try again. Shown
    again (language switch, token of an older session): nothing sent or counted, every
    value but the passwords typed back, the errors again if the page showed some; 200
    or 422.
    """
    if request.method == "GET" and request.args.get(signup.SENT_ARG):
        return signup.sent_page(None), 200, PRIVATE
    profile = profile_form.read_profile(request.form)
    errors: dict[str, str] = {}
    refusal = None
    if request.method == "POST":
        errors = _account_errors(request.form)
        errors |= profile_form.profile_errors(profile, storage.clock.today())
        if redisplaying():
            errors = errors if keeps_errors() else {}
        elif not errors:
            email = read_email(request.form)[0]
            refusal = (limits().hit("register", f"email:{email.lower()}")
                       or limits().hit("register_address", f"ip:{request.remote_addr}"))
            if refusal is None:
                signup.send_activation(email, request.form["password"], profile)
                return signup.sent_page(email)
    account_views = _account_views(request.form.get("email", ""), errors)
    groups = profile_form.group_views(profile, errors)
    return render_template("auth/register.html", account_fields=account_views,
                           groups=groups, refusal=refusal), (
        429 if refusal else 422 if errors else 200)


# An empty login field: its message, said next to it (no attempt is counted).
LOGIN_MISSING = {"email": N_("Entrez votre adresse courriel."),
                 "password": N_("Entrez votre mot de passe.")}


@bp.route("/connexion", methods=("GET", "POST"))
@redisplays
def login() -> ResponseReturnValue:
    """Log in with email and password (auth/login.html).

    GET: the form, 200. POST: a new session, then 302 to `next` (a path on this site
    only) or Mes dossiers; 401 for a wrong email or password (one message: whether the
    email has an account is never said); 429 when this account or address made too
    many failed attempts (web/accounts/credentials.py), saying in how many minutes to
    try again; 401 too when the email or the password is empty, with "Entrez …" next
    to that field (no attempt counted). Under "incorrect", a line reminds that a new account
    logs in only once activated by its emailed link (said to everyone: it reveals
    nothing). Shown again (language switch, token of an older session): no attempt,
    the email typed back, "incorrect" again if the page said it; 200 or 401.
    """
    failed, refusal = False, None
    missing: dict[str, str] = {}
    if redisplaying():
        failed = keeps_errors()
    elif request.method == "POST":
        missing = {name: message for name, message in LOGIN_MISSING.items()
                   if not request.form.get(name, "").strip()}
        if not missing:  # an empty field is no attempt: nothing counted
            result = attempt_login(read_email(request.form)[0],  # normalised when valid
                                   request.form.get("password", ""))
            if result.account is not None:
                _log_in(result.account)
                return redirect(safe_next(request.form.get("next"),
                                          url_for("dossiers.index")))
            refusal = result.refusal
            failed = refusal is None  # too many attempts: say only that (and until when)
    return render_template("auth/login.html", failed=failed, refusal=refusal,
                           missing=missing, email=request.form.get("email", ""),
                           next=safe_next(request.values.get("next"), "")), (
        429 if refusal else 401 if failed or missing else 200)


@bp.route("/deconnexion", methods=("GET", "POST"))
def logout() -> ResponseReturnValue:
    """Se déconnecter, with its question. Guide: answer Oui to "Voulez-vous vraiment
    vous déconnecter ?".

    GET: the question (auth/logout.html), 200: Oui posts here, Non goes back to `next`
    (a path on this site; default Mes dossiers); 302 to the login page when nobody is
    logged in. POST: the session is ended for every server process (the language is
    kept), then 302 to the login page with "Vous êtes déconnecté.".
    """
    if request.method == "GET":
        if "account_id" not in session:
            return redirect(url_for("auth.login"))
        return render_template("auth/logout.html",
                               back=safe_next(request.args.get("next"),
                                              url_for("dossiers.index")))
    lang = current_lang()
    login_session.end()
    session["lang"] = lang
    flash(N_("Vous êtes déconnecté."), "success")
    return redirect(url_for("auth.login"))


@bp.post("/langue")
def switch_language() -> ResponseReturnValue:
    """The language switch on every page: `lang` "fr" or "en" (anything else is
    ignored) becomes the session's and, when logged in, the account's (its emails then
    come in it). 302 back to `next` (a path on this site) or `/`."""
    lang = request.form.get("lang")
    if lang in LANGS:
        set_lang(lang)
        if "account_id" in session:
            storage.set_lang(account_id(), lang)
    return redirect(safe_next(request.form.get("next"), url_for("index")))
