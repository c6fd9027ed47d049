"""Login sessions: a fresh one at login, ended at logout, expired after idle time.

Sessions are Flask's signed cookies. Three things a signed cookie cannot do
alone are added here:

- **Renewal at login**: a new random session id (`sid`) and nothing of the
  anonymous session but the language, so a cookie planted before login never
  becomes a logged-in one.
- **Logout that sticks**: the `sid` is recorded as ended in the database
  (storage.end_session), so a copy of the cookie taken before logout is refused
  by every server process.
- **A password reset ends every session**: the cookie says when its session was
  opened, and a session opened before the account's last password reset is
  refused ("Mot de passe oublié ?" is also what someone does who fears their
  account is being used).
- **Idle timeout** (SESSION_IDLE_MINUTES, 30): the cookie carries the time of
  the last request (`seen`, by storage.clock); past the limit any page sends to
  the login page with a message.
- **Absolute lifetime** (SESSION_MAX_HOURS, 12; ASVS 3.3.2): the cookie says when
  its session was opened (`opened`, by storage.clock); that long after the login,
  however active, the session expires as an idle one does. A logged-in cookie
  that does not say when it was opened is taken as too old.

**An expired session never writes** (issue #13 item 8; ASVS 3.3.1). If the expired
request was a section being saved, updated or left (a POST to an endpoint the dossier
form registered with `keep_posts`: web/forms/saving.py), within SESSION_RESCUE_HOURS
of its last activity, nothing is written to the dossier: the posted answers are kept
aside, server-side, for the account the signed cookie names (storage.keep_answers),
and the login page says so. After the next login the section page offers them back,
for that account only (they are found by its id), until the applicant saves them
(ENREGISTRER: the one save path) or discards them. The cookie never carries them: it
is signed, not encrypted.

**Logged out in another tab**: a section saved or updated from a page of the
account after that browser's session was logged out has its token refused. When the
posted form proves (`guichet_owner`, web/ui/redisplay.py) it was rendered for the
account that owns the dossier in its address, its answers are kept aside for that
account as after an expiry, and the login page comes back to the section.

Anonymous requests to a page that needs login go to the login page: a 302 for
a normal request, a 401 with `HX-Redirect` for an htmx request (htmx would
otherwise follow the redirect inside the XHR and put the login page in place
of a fragment).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

import storage
from web.http.csrf import when_refused
from web.i18n import N_
from web.ui.pages import LOGIN_HEADER, is_htmx, is_leaving, safe_next
from web.ui.redisplay import Why, redisplaying

log = logging.getLogger("guichet.web")

KEEPERS = "guichet.keepers"  # app.extensions key: endpoint -> Keeper


@dataclass(frozen=True)
class Keeper:
    """What a POST to some endpoint keeps aside when its session has ended.

    `keep(account_id)` runs inside the request (never writing to the dossier) and keeps
    the posted answers aside for that account (storage.keep_answers): True when it did,
    False when there was nothing to keep (not that account's dossier, unknown section,
    dossier no longer editable). `owner()` runs inside a POST whose token was refused in
    an anonymous session (logged out in another tab): the id of the account the posted
    form proves it was rendered for, owning what the address names, else None.
    `back_to` is the endpoint of the page to come back to after login, called with the
    request's own view arguments.
    """

    keep: Callable[[int], bool]
    owner: Callable[[], int | None]
    back_to: str


def init_app(app: Flask) -> None:
    """Register the check, after every before_request hook registered so far (CSRF's
    among them, so answers are kept aside only after a valid token). Reads
    SESSION_IDLE_MINUTES, SESSION_MAX_HOURS and SESSION_RESCUE_HOURS (web/config.py) on
    each request."""
    app.extensions.setdefault(KEEPERS, {})
    app.before_request(_check_session)
    when_refused(app, _keep_logged_out)


def keep_posts(app: Flask, endpoints: tuple[str, ...], keeper: Keeper) -> None:
    """Have what an ended session POSTs to any of `endpoints` kept aside by `keeper` (the
    dossier form registers its section save and update: web/forms/saving.py)."""
    keepers = app.extensions.setdefault(KEEPERS, {})
    for endpoint in endpoints:
        keepers[endpoint] = keeper


def _keeper_for(endpoint: str | None) -> Keeper | None:
    return current_app.extensions.get(KEEPERS, {}).get(endpoint)


# Activity is recorded to the minute: the session expires between 30 and 31 minutes
# after the last request, and a page view does not re-sign and re-send the cookie.
SEEN_RESOLUTION = 60


def _now() -> int:
    return int(storage.clock.now().timestamp())


def _idle_limit() -> int:
    return int(float(current_app.config["SESSION_IDLE_MINUTES"]) * 60)


def _too_old(now: int) -> bool:
    """Whether the session was opened (its cookie's `opened`, epoch seconds) longer than
    SESSION_MAX_HOURS before `now` (epoch seconds); True when it does not say."""
    opened = session.get("opened")
    if not isinstance(opened, int | float):
        return True
    return now - opened > float(current_app.config["SESSION_MAX_HOURS"]) * 3600


def _keep_limit() -> int:
    """How long after the last activity an expired cookie may still have what it posts
    kept aside (seconds)."""
    return max(_idle_limit(), int(float(current_app.config["SESSION_RESCUE_HOURS"]) * 3600))


def _end_sid() -> None:
    """Record the current session id as ended (its cookie is refused from now on)."""
    sid = session.get("sid")
    if sid and "account_id" in session:
        storage.end_session(sid, storage.clock.now() + timedelta(seconds=_keep_limit()))


def _clear() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def renew(account_id: int) -> None:
    """A brand-new session for `account_id` (login): new id, nothing of the old one but
    the language."""
    _end_sid()
    _clear()
    session["account_id"] = account_id
    session["sid"] = secrets.token_urlsafe(24)
    session["seen"] = _now()
    session["opened"] = storage.clock.now().timestamp()  # a later password reset ends it


def end() -> None:
    """Logout: the session is ended for every process and emptied (language kept)."""
    _end_sid()
    _clear()


def _here() -> str:
    """The page the applicant was on, to come back to after logging in."""
    keeper = _keeper_for(request.endpoint)
    if keeper is not None and request.view_args:
        return url_for(keeper.back_to, **request.view_args)
    current = request.headers.get("HX-Current-URL")
    if current:
        parts = urlsplit(current)
        if parts.netloc == request.host and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.full_path.rstrip("?")


def to_login(next_url: str | None = None) -> ResponseReturnValue:
    """Send to the login page, coming back to `next_url` (default: this page) after.

    A 302 for a normal request; for an htmx request a 401 with `HX-Redirect` (htmx
    would otherwise put the login page in place of a fragment); for the save guichet.js
    makes as the applicant leaves a section, a 401 with `LOGIN_HEADER` (it goes there
    instead of sending the form again). `next_url` is kept only when it is a path on
    this site.
    """
    next_url = safe_next(next_url if next_url is not None else _here(), "")
    target = url_for("auth.login", next=next_url) if next_url else url_for("auth.login")
    if is_htmx():
        return Response(status=401, headers={"HX-Redirect": target, "Vary": "HX-Request"})
    if is_leaving():
        return Response(status=401, headers={LOGIN_HEADER: target})
    return redirect(target)


def _visit(sid: str, account_id: int, opened: Any) -> storage.Visit:
    """The session's visit read; on a dossier's address, the dossier's stamp comes along
    in the same read (web/forms/page.py `dossier_stamp`)."""
    number = (request.view_args or {}).get("number")
    return storage.visit(sid, account_id, number if isinstance(number, str) else None,
                         opened_at=opened if isinstance(opened, int | float) else None)


def _check_session() -> ResponseReturnValue | None:
    """Before every request of a logged-in session: refuse an ended session (logout, or a
    password reset since it opened), note the unread-message count, and expire an idle
    or too old session (keeping aside what its POST carries: `_expire`)."""
    if request.endpoint == "static" or "account_id" not in session:
        return None
    sid = session.get("sid")
    visit = _visit(sid, session["account_id"], session.get("opened")) if sid else None
    if visit is None or visit.ended:
        _clear()  # a logged-out (or pre-sid) cookie: anonymous from here on
        return None
    g.visit = visit
    g.unread_messages = visit.unread_messages  # the envelope's number
    now = _now()
    try:
        idle = now - int(session.get("seen", 0))
    except (TypeError, ValueError):
        idle = now
    if _too_old(now):
        return _expire(idle, lifetime=True)
    if idle <= _idle_limit():
        if idle >= SEEN_RESOLUTION:  # re-sign the cookie once a minute, not every request
            session["seen"] = now
        return None
    return _expire(idle)


def _expire(idle: int, lifetime: bool = False) -> ResponseReturnValue:
    """Idle too long (or, with `lifetime`, opened too long ago): keep aside what this
    request posts (never write it), end the session, ask to log in."""
    account_id = session["account_id"]
    next_url = _here()
    keeper = _keeper_for(request.endpoint)
    kept = (request.method == "POST" and keeper is not None and idle <= _keep_limit()
            and redisplaying() is not Why.EXPIRED  # never on a refused token
            and keeper.keep(account_id))
    _end_sid()
    _clear()
    if lifetime and kept:
        flash(N_("Par sécurité, une session prend fin quelques heures après la connexion. "
                 "Vos réponses sont conservées : connectez-vous de nouveau pour les "
                 "retrouver et les enregistrer."), "warning")
    elif lifetime:
        flash(N_("Par sécurité, une session prend fin quelques heures après la connexion. "
                 "Connectez-vous de nouveau pour continuer."), "warning")
    elif kept:
        flash(N_("Votre session a expiré après une période d'inactivité. Vos réponses sont "
                 "conservées : connectez-vous de nouveau pour les retrouver et les "
                 "enregistrer."), "warning")
    else:
        flash(N_("Votre session a expiré après une période d'inactivité. Connectez-vous de "
                 "nouveau pour continuer."), "warning")
    log.info("session expired", extra={"event": "session_expired", "lifetime": lifetime,
                                       "kept": kept})
    return to_login(next_url)


def _keep_logged_out() -> ResponseReturnValue | None:
    """A refused token in an anonymous session, posted to a keeping endpoint from the
    page of the account owning its dossier (`Keeper.owner`): its answers are kept aside
    for that account (never written to the dossier), and the login page comes back to
    the page. None (the refusal stands) for anything else."""
    keeper = _keeper_for(request.endpoint)
    if request.method != "POST" or "account_id" in session or keeper is None:
        return None
    owner = keeper.owner()
    if owner is None or not keeper.keep(owner):
        return None
    next_url = _here()
    flash(N_("Votre session a pris fin. Connectez-vous pour retrouver vos réponses et les "
             "enregistrer."), "warning")
    log.info("answers kept after logout", extra={"event": "kept_after_logout"})
    return to_login(next_url)
