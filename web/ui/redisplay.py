"""A form page shown again with what was posted, nothing saved, nothing sent.

Two things must never cost an applicant what they typed (issue #12):

- **The language switch.** On a page with a form, the switch is a submit button of
  that form (base.html: `form="page-form"`, optionally a `formaction`), named
  `guichet_lang`: the browser posts every typed value with it, JavaScript or not.
  The view sees `redisplaying()` and renders the same page in the new language with
  the posted values, without acting on them (no account created, no draft saved, no
  attempt counted). Errors the page showed (`guichet_errors`, set by `form_state()` in
  macros/page.html when the page showed an error summary) are shown again, worded
  in the new language; a page that showed none still shows none.
- **A token from an older session.** Logging out and in again in another tab gives
  the session a new CSRF secret, so an open form's token is refused. When the posted
  form says (`guichet_owner`, an HMAC of the account id under the app's secret key,
  so another site cannot make one) that it was the page of the account now logged
  in, the view shows the same page again with the posted values and a fresh token,
  and a notice asks to press the button again. Nothing is ever saved on an invalid
  token (web/http/csrf.py). An anonymous form (login, registration, password) is
  shown again only when the browser says the post came from this site (`Origin`,
  else `Referer`): another site cannot pre-fill a registration form for someone.

Only views marked `@redisplays` take part: any other view keeps Flask-WTF's refusal
("Page expirée"), and ignores a `guichet_lang` field.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, flash, g, request, session

import storage
from engine.model import LANGS
from web.i18n import N_, set_lang

LANG_FIELD = "guichet_lang"  # the language switch's button, on a page with a form
OWNER_FIELD = "guichet_owner"  # whose page posted (form_owner)
ERRORS_FIELD = "guichet_errors"  # "1": the page showed errors
MARK = "guichet_redisplays"  # attribute of a view that can show its page again

F = TypeVar("F", bound=Callable[..., Any])


class Why(Enum):
    """Why a posted form is shown again instead of acted upon."""

    LANGUAGE = "language"  # the language switch
    EXPIRED = "expired"  # a token of an older session of the same account


def redisplays(view: F) -> F:
    """Mark a view that shows its page again with the posted values when
    `redisplaying()` (put it under the route and login decorators)."""
    setattr(view, MARK, True)
    return view


def _can_redisplay() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, MARK, False))


def redisplaying() -> Why | None:
    """Why this POST is only shown again (the view must then save nothing, send
    nothing, count no attempt), or None for a POST to act upon."""
    return g.get("guichet_redisplay")


def keeps_errors() -> bool:
    """Whether the page shown again shows errors: only when it is shown again and the
    page posted from showed some."""
    return redisplaying() is not None and request.form.get(ERRORS_FIELD) == "1"


def owner_mark(account_id: int | str) -> str:
    """The `guichet_owner` value of a page rendered for `account_id` ("" for an
    anonymous visitor): an HMAC under the app's secret key, 32 hex digits."""
    who = f"account:{account_id}".encode()
    key = str(current_app.secret_key or "").encode()
    return hmac.new(key, b"form-owner\x00" + who, hashlib.sha256).hexdigest()[:32]


def form_owner() -> str:
    """The value of a form's `guichet_owner` field: `owner_mark` of the account logged
    in ("" for an anonymous visitor)."""
    return owner_mark(session.get("account_id", ""))


def _same_site() -> bool:
    """The browser says the post came from a page of this site (Origin, else Referer)."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(source)
    return bool(parts.netloc) and parts.netloc == request.host


def _owned() -> bool:
    """The posted form is this session's account's page (anonymous: and from this site)."""
    posted = request.form.get(OWNER_FIELD, "")
    if not posted or not hmac.compare_digest(posted, form_owner()):
        return False
    return "account_id" in session or _same_site()


def posted_for(account_id: int) -> bool:
    """The posted form proves it was rendered for `account_id` (its `guichet_owner`,
    compared in constant time) and it was posted from a page of this site: used when
    the session that rendered it has ended (logged out in another tab)."""
    posted = request.form.get(OWNER_FIELD, "")
    return (bool(posted) and hmac.compare_digest(posted, owner_mark(account_id))
            and _same_site())


def _switch_language() -> None:
    lang = request.form.get(LANG_FIELD)
    if lang in LANGS:
        set_lang(lang)
        if "account_id" in session:
            storage.set_lang(session["account_id"], lang)


def expired_token() -> bool:
    """Called by the CSRF check when it refuses a token: True when this request may be
    shown again instead (a `@redisplays` view, the page of the same account); the
    language is switched too if asked, and a notice says nothing was saved."""
    if request.method != "POST" or not _can_redisplay() or not _owned():
        return False
    g.guichet_redisplay = Why.EXPIRED
    _switch_language()
    if not request.headers.get("HX-Request"):
        flash(N_("Votre session a changé depuis l'ouverture de cette page (par exemple, vous "
                 "vous êtes connecté dans un autre onglet). Rien n'a été enregistré ni envoyé : "
                 "vos réponses sont conservées ci-dessous. Vérifiez-les, puis appuyez de "
                 "nouveau sur le bouton du formulaire (par exemple « Enregistrer »)."),
              "warning")
    return True


def _language_switch() -> None:
    """A valid POST carrying the language switch's button, to a `@redisplays` view."""
    if (request.method == "POST" and LANG_FIELD in request.form
            and redisplaying() is None and _can_redisplay()):
        g.guichet_redisplay = Why.LANGUAGE
        _switch_language()


def init_app(app: Flask) -> None:
    """The language switch of form pages (a before_request hook: register it after the
    CSRF check, so only a valid post switches); `form_owner` for templates."""
    app.before_request(_language_switch)
    app.jinja_env.globals["form_owner"] = form_owner
