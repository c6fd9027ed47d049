"""Login sessions: a fresh one at login, ended at logout, expired after idle time.

Sessions are Flask's signed cookies. Three things a signed cookie cannot do
alone are added here:

- **Renewal at login**: a new random session id (`sid`) and nothing of the
  anonymous session but the language (and answers rescued for this very
  account), so a cookie planted before login never becomes a logged-in one.
- **Logout that sticks**: the `sid` is recorded as ended in the database
  (storage.end_session), so a copy of the cookie taken before logout is refused
  by every server process.
- **A password reset ends every session**: the cookie says when its session was
  opened, and a session opened before the account's last password reset is
  refused ("Mot de passe oublié ?" is also what someone does who fears their
  account is being used).
- **Idle timeout** (SESSION_IDLE_MINUTES, 30): the cookie carries the time of
  the last request (`seen`, by storage.clock); past the limit any page sends to
  the login page with a message. If the expired request was a section being
  saved or updated, what was typed is saved first as a draft of that account
  (the signed cookie still says whose it is, and the CSRF check has passed),
  through the same save as ENREGISTRER (registered by the dossier form with
  `rescue_posts`: web/forms/saving.py), so nothing typed is lost; if that save
  is refused (changed elsewhere meanwhile, too big), the answers wait in the
  session and come back after login.
- **Absolute lifetime** (SESSION_MAX_HOURS, 12; ASVS 3.3.2): the cookie says when
  its session was opened (`opened`, by storage.clock); that long after the login,
  however active, the session expires as an idle one does (what its request
  carries is saved first, then the login page with a notice). A logged-in cookie
  that does not say when it was opened is taken as too old.

**Logged out in another tab**: a section saved or updated from a page of the
account after that browser's session was logged out has its token refused. When the
posted form proves (`guichet_owner`, web/ui/redisplay.py) it was rendered for the
account that owns the dossier in its address, what it carries waits in the session
as after an idle expiry (`kept`, never written to the database: no one is logged in
to own the write) and the login page comes back to the section, where only that
account sees it (`renew` drops answers kept for another account).

Anonymous requests to a page that needs login go to the login page: a 302 for
a normal request, a 401 with `HX-Redirect` for an htmx request (htmx would
otherwise follow the redirect inside the XHR and put the login page in place
of a fragment).
"""

from __future__ import annotations

import json
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

KEPT_MAX_BYTES = 2500  # a cookie holds about 4 KB; answers beyond this are not kept in it
RESCUES = "guichet.rescues"  # app.extensions key: endpoint -> Rescue


@dataclass(frozen=True)
class Rescue:
    """What a POST to some endpoint saves when its session has just expired.

    `save(account_id)` runs inside the expired request (CSRF checked, the signed
    cookie still says whose it is) and returns "saved", the answers to keep in the
    session for after login (a dict), or None when there is nothing to save.
    `back_to` is the endpoint of the page to come back to after login, called with
    the request's own view arguments. `keep()` runs inside a POST whose token was
    refused in an anonymous session (logged out in another tab): the answers to keep
    in the session (`{"account", "number", "section", "answers"}`) when the posted
    form proves it is the page of the account owning what the address names, else
    None; it saves nothing.
    """

    save: Callable[[int], str | dict[str, Any] | None]
    back_to: str
    keep: Callable[[], dict[str, Any] | None] | None = None


def init_app(app: Flask) -> None:
    """Register the check, after every before_request hook registered so far (CSRF's
    among them, so a rescue follows a valid token). Reads SESSION_IDLE_MINUTES and
    SESSION_RESCUE_HOURS (web/config.py) on each request."""
    app.extensions.setdefault(RESCUES, {})
    app.before_request(_check_session)
    when_refused(app, _keep_logged_out)


def rescue_posts(app: Flask, endpoints: tuple[str, ...], rescue: Rescue) -> None:
    """Have an expired session's POST to any of `endpoints` saved by `rescue` (the
    dossier form registers its section save: web/forms/saving.py)."""
    rescues = app.extensions.setdefault(RESCUES, {})
    for endpoint in endpoints:
        rescues[endpoint] = rescue


def _rescue_for(endpoint: str | None) -> Rescue | None:
    return current_app.extensions.get(RESCUES, {}).get(endpoint)


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


def _rescue_limit() -> int:
    """How long after the last activity a cookie may still save what it posts."""
    return max(_idle_limit(), int(float(current_app.config["SESSION_RESCUE_HOURS"]) * 3600))


def _end_sid() -> None:
    """Record the current session id as ended (its cookie is refused from now on)."""
    sid = session.get("sid")
    if sid and "account_id" in session:
        storage.end_session(sid, storage.clock.now() + timedelta(seconds=_rescue_limit()))


def _clear(keep: dict[str, Any] | None = None) -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.update(keep or {})


def renew(account_id: int) -> None:
    """A brand-new session for `account_id` (login): new id, nothing of the old one but
    the language and the answers kept for this same account."""
    kept = session.get("kept")
    if not (isinstance(kept, dict) and kept.get("account") == account_id):
        kept = None
    _end_sid()
    _clear({"kept": kept} if kept else None)
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
    rescue = _rescue_for(request.endpoint)
    if rescue is not None and request.view_args:
        return url_for(rescue.back_to, **request.view_args)
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
    session (saving what its POST carries first: `_expire`)."""
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
    """Idle too long (or, with `lifetime`, opened too long ago): save what this request
    carries, end the session, ask to log in."""
    account_id = session["account_id"]
    next_url = _here()
    outcome = None
    rescue = _rescue_for(request.endpoint)
    if (request.method == "POST" and rescue is not None and idle <= _rescue_limit()
            and redisplaying() is not Why.EXPIRED):  # never save on a refused token
        outcome = _keepable(rescue.save(account_id))
    _end_sid()
    _clear({"kept": outcome} if isinstance(outcome, dict) else None)
    if lifetime:
        _flash_lifetime(outcome)
    elif outcome == "saved":
        flash(N_("Votre session a expiré après une période d'inactivité. Vos réponses ont été "
                 "enregistrées comme brouillon : connectez-vous de nouveau pour les retrouver."),
              "warning")
    elif outcome:
        flash(N_("Votre session a expiré après une période d'inactivité. Vos réponses sont "
                 "conservées : connectez-vous de nouveau pour les retrouver et les enregistrer."),
              "warning")
    else:
        flash(N_("Votre session a expiré après une période d'inactivité. Connectez-vous de "
                 "nouveau pour continuer."), "warning")
    log.info("session expired", extra={"event": "session_expired", "lifetime": lifetime,
                                       "rescued": outcome is not None})
    return to_login(next_url)


def _keep_logged_out() -> ResponseReturnValue | None:
    """A refused token in an anonymous session, posted to a rescued endpoint from the
    page of the account owning its dossier: its answers wait in the session (as after
    an idle expiry: `KEPT_MAX_BYTES`), and the login page comes back to the page. None
    (the refusal stands) for anything else."""
    rescue = _rescue_for(request.endpoint)
    if (request.method != "POST" or "account_id" in session or rescue is None
            or rescue.keep is None):
        return None
    kept = _keepable(rescue.keep())
    if not isinstance(kept, dict):
        return None
    next_url = _here()
    session["kept"] = kept
    flash(N_("Votre session a pris fin. Connectez-vous pour retrouver vos réponses et les "
             "enregistrer."), "warning")
    log.info("answers kept after logout", extra={"event": "kept_after_logout"})
    return to_login(next_url)


def _flash_lifetime(outcome: str | dict[str, Any] | None) -> None:
    """The notice of a session ended by its absolute lifetime, by what became of what
    its request carried."""
    if outcome == "saved":
        flash(N_("Par sécurité, une session prend fin quelques heures après la connexion. "
                 "Vos réponses ont été enregistrées comme brouillon : connectez-vous de "
                 "nouveau pour les retrouver."), "warning")
    elif outcome:
        flash(N_("Par sécurité, une session prend fin quelques heures après la connexion. "
                 "Vos réponses sont conservées : connectez-vous de nouveau pour les "
                 "retrouver et les enregistrer."), "warning")
    else:
        flash(N_("Par sécurité, une session prend fin quelques heures après la connexion. "
                 "Connectez-vous de nouveau pour continuer."), "warning")


def _keepable(outcome: str | dict[str, Any] | None) -> str | dict[str, Any] | None:
    """The rescue's outcome, unless it is answers too big for the session cookie."""
    if isinstance(outcome, dict) and len(json.dumps(outcome, ensure_ascii=False)
                                         .encode("utf-8")) > KEPT_MAX_BYTES:
        log.warning("rescued answers too large to keep", extra={"event": "rescue_lost"})
        return None
    return outcome


def take_kept(account_id: int, number: str, section_id: str) -> dict[str, Any] | None:
    """Answers rescued from an expired session for this section, once (then forgotten)."""
    kept = session.get("kept")
    if not (isinstance(kept, dict) and kept.get("account") == account_id
            and kept.get("number") == number and kept.get("section") == section_id):
        return None
    session.pop("kept")
    answers = kept.get("answers")
    return answers if isinstance(answers, dict) else None
