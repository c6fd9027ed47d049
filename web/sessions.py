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
  so nothing typed is lost; if the draft cannot be saved (changed elsewhere
  twice), the answers wait in the session and come back after login.

Anonymous requests to a page that needs login go to the login page: a 302 for
a normal request, a 401 with `HX-Redirect` for an htmx request (htmx would
otherwise follow the redirect inside the XHR and put the login page in place
of a fragment).
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

import storage
from engine.formdata import section_answers
from engine.validate import clean

log = logging.getLogger("guichet.web")

# Posting one of these with an expired session saves the posted section as a draft.
RESCUE_ENDPOINTS = frozenset({"forms.save", "forms.refresh"})
SECTION_PAGE = "forms.section"
KEPT_MAX_BYTES = 2500  # a cookie holds about 4 KB; answers beyond this are not kept in it
CONFLICT_ATTEMPTS = 3


def init_app(app: Flask) -> None:
    """Register the check. It runs after every before_request hook (CSRF's among them,
    so a rescue follows a valid token), inside the view's database session."""
    app.config.setdefault("SESSION_IDLE_MINUTES", 30)
    app.config.setdefault("SESSION_RESCUE_HOURS", 12)
    app.session_hooks.append(_check_session)  # type: ignore[attr-defined]  # GuichetFlask


# Activity is recorded to the minute: the session expires between 30 and 31 minutes
# after the last request, and a page view does not re-sign and re-send the cookie.
SEEN_RESOLUTION = 60


def _now() -> int:
    return int(storage.clock.now().timestamp())


def _idle_limit() -> int:
    return int(float(current_app.config["SESSION_IDLE_MINUTES"]) * 60)


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
    if request.endpoint in RESCUE_ENDPOINTS and request.view_args:
        return url_for(SECTION_PAGE, **request.view_args)
    current = request.headers.get("HX-Current-URL")
    if current:
        parts = urlsplit(current)
        if parts.netloc == request.host and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.full_path.rstrip("?")


def to_login(next_url: str | None = None) -> ResponseReturnValue:
    """Send to the login page, coming back to `next_url` (default: this page) after."""
    from .context import is_htmx, safe_next

    next_url = safe_next(next_url if next_url is not None else _here(), "")
    target = url_for("auth.login", next=next_url) if next_url else url_for("auth.login")
    if is_htmx():
        return Response(status=401, headers={"HX-Redirect": target, "Vary": "HX-Request"})
    return redirect(target)


def _visit(sid: str, account_id: int, req: Any, opened: Any) -> storage.Visit:
    """The session's visit read; on a dossier's address, the dossier's stamp comes along
    in the same read (web/context.py)."""
    number = (req.view_args or {}).get("number")
    return storage.visit(sid, account_id, number if isinstance(number, str) else None,
                         opened_at=opened if isinstance(opened, int | float) else None)


def _check_session() -> ResponseReturnValue | None:
    # Every request passes here: the request, session and g are looked up once each.
    req = request._get_current_object()  # type: ignore[attr-defined]
    current = session._get_current_object()  # type: ignore[attr-defined]
    if req.endpoint == "static" or "account_id" not in current:
        return None
    sid = current.get("sid")
    visit = _visit(sid, current["account_id"], req, current.get("opened")) if sid else None
    if visit is None or visit.ended:
        _clear()  # a logged-out (or pre-sid) cookie: anonymous from here on
        return None
    request_globals = g._get_current_object()  # type: ignore[attr-defined]
    request_globals.visit = visit
    request_globals.unread_messages = visit.unread_messages  # the envelope's number
    now = _now()
    try:
        idle = now - int(current.get("seen", 0))
    except (TypeError, ValueError):
        idle = now
    if idle <= _idle_limit():
        if idle >= SEEN_RESOLUTION:  # re-sign the cookie once a minute, not every request
            current["seen"] = now
        return None
    return _expire(idle)


def _expire(idle: int) -> ResponseReturnValue:
    """Idle too long: save what this request carries, end the session, ask to log in."""
    account_id = session["account_id"]
    next_url = _here()
    outcome = None
    if (request.method == "POST" and request.endpoint in RESCUE_ENDPOINTS
            and idle <= _rescue_limit()):
        outcome = _rescue(account_id)
    _end_sid()
    _clear({"kept": outcome} if isinstance(outcome, dict) else None)
    if outcome == "saved":
        flash("flash.session_expired_saved", "warning")
    elif outcome:
        flash("flash.session_expired_kept", "warning")
    else:
        flash("flash.session_expired", "warning")
    log.info("session expired", extra={"event": "session_expired",
                                       "rescued": outcome is not None})
    return to_login(next_url)


def _rescue(account_id: int) -> str | dict[str, Any] | None:
    """Save the posted section for `account_id` against the current version of the
    dossier. "saved"; or the answers to keep in the session; None if nothing to save."""
    from .context import registry
    from .forms.page import merged
    from .security import overlong_fields

    args = request.view_args or {}
    number, section_id = args.get("number"), args.get("section_id")
    try:
        dossier = storage.get_dossier(account_id, number, registry())
    except storage.NotFound:
        return None
    compiled = registry().get(dossier.type_id)
    section = compiled.definition.section(section_id) if compiled else None
    if section is None:
        return None
    posted = section_answers(section, request.form.getlist)
    typed = clean(compiled, merged(dossier.answers, section, posted))
    for field_id in overlong_fields(section, typed):
        posted.pop(field_id, None)  # more than the definition allows is never stored
    version = dossier.version
    for _ in range(CONFLICT_ATTEMPTS):
        try:
            storage.save_section(registry(), account_id, number, section_id, posted, version)
            return "saved"
        except storage.Conflict as conflict:
            version = conflict.version  # saved elsewhere meanwhile: save over it
        except (storage.Locked, storage.NotFound):
            return None
    kept = {"account": account_id, "number": number, "section": section_id,
            "answers": posted}
    if len(json.dumps(kept, ensure_ascii=False).encode("utf-8")) > KEPT_MAX_BYTES:
        log.warning("rescued answers too large to keep", extra={"event": "rescue_lost"})
        return None
    return kept


def take_kept(account_id: int, number: str, section_id: str) -> dict[str, Any] | None:
    """Answers rescued from an expired session for this section, once (then forgotten)."""
    kept = session.get("kept")
    if not (isinstance(kept, dict) and kept.get("account") == account_id
            and kept.get("number") == number and kept.get("section") == section_id):
        return None
    session.pop("kept")
    answers = kept.get("answers")
    return answers if isinstance(answers, dict) else None
