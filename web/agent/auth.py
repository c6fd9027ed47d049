"""Agents' login: enrolment link, email and password, then a TOTP code; their own session.

The agent's session is its own cookie (web/http/cookies.py: path /agent,
HttpOnly, SameSite=Strict, Secure over HTTPS, another signing salt), so it never
logs anyone into the portal and an applicant's cookie never opens /agent/. Like the
applicant's, it gets a fresh random id (`sid`) at login, is recorded as ended at
logout (storage.end_session, refused by every process), expires after
AGENT_SESSION_IDLE_MINUTES (15) idle and AGENT_SESSION_MAX_HOURS (8) after login
(web/config.py). Times are storage.clock's, so tests control them.

`agent_required(supervisor=False)` guards every back-office page: the AgentView in
`flask.g.agent`; without an agent session a 303 to /agent/connexion (an htmx request
gets a 401 with HX-Redirect), except that an applicant's portal session alone gets 404
(the back office does not show itself to applicants); an agent lacking the role: 404.
`audit(action, dossier_id=None, **detail)` records what the agent does, with the
request's address.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ParamSpec, TypeVar
from urllib.parse import urlsplit

import segno
from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

import storage
from engine.model import LANGS
from web.accounts.auth import password_errors
from web.agent import bp
from web.http.cookies import AGENT_PATH, is_agent_path
from web.http.limits import limits
from web.i18n import N_, _, set_lang
from web.ui.pages import is_htmx, safe_next

P = ParamSpec("P")
R = TypeVar("R")

CODE_STEP_MINUTES = 5  # how long after the password the code may be typed
ISSUER = "Guichet"  # the name authenticator apps show beside the agent's email


def _now() -> float:
    return storage.clock.now().timestamp()


def _clear() -> None:
    lang = session.get("lang")
    session.clear()
    if lang in LANGS:
        session["lang"] = lang


def _end_sid() -> None:
    sid = session.get("sid")
    if sid and "agent_id" in session:
        hours = float(current_app.config["AGENT_SESSION_MAX_HOURS"])
        storage.end_session(sid, storage.clock.now() + timedelta(hours=hours))


def _expired() -> str | None:
    """Why the agent session has expired ("idle" or "lifetime"), or None."""
    now = _now()
    seen, opened = session.get("seen"), session.get("opened")
    if not isinstance(opened, int | float) or not isinstance(seen, int | float):
        return "lifetime"
    if now - opened > float(current_app.config["AGENT_SESSION_MAX_HOURS"]) * 3600:
        return "lifetime"
    if now - seen > float(current_app.config["AGENT_SESSION_IDLE_MINUTES"]) * 60:
        return "idle"
    return None


def current_agent() -> storage.AgentView | None:
    """The agent of this request's agent session, when it is valid (not ended, not
    expired, agent enabled); an expired one is ended here with a message for the login
    page. Records the activity (at most once a minute re-signs the cookie)."""
    agent_id, sid = session.get("agent_id"), session.get("sid")
    if not isinstance(agent_id, int) or not isinstance(sid, str):
        return None
    why = _expired()
    if why is not None:
        _end_sid()
        _clear()
        if why == "lifetime":
            flash(N_("Par sécurité, une session d'agent prend fin quelques heures après la "
                     "connexion. Connectez-vous de nouveau pour continuer."), "warning")
        else:
            flash(N_("Votre session a expiré après une période d'inactivité. Connectez-vous "
                     "de nouveau pour continuer."), "warning")
        return None
    agent = storage.agent_visit(agent_id, sid)
    if agent is None:
        _clear()
        return None
    if _now() - session["seen"] >= 60:
        session["seen"] = _now()
    return agent


def can_get(path: str) -> bool:
    """Whether `path` (no query) is a back-office page a browser can open with GET: under
    /agent/, and a route of the app that answers GET (not a post-only URL)."""
    if not is_agent_path(path):
        return False
    try:
        current_app.url_map.bind("").match(path, method="GET")
    except (HTTPException, RequestRedirect):
        return False
    return True


def return_path() -> str:
    """Where login leads back after an expired session: always a page one can GET.
    GET: this page. Another method (a form's post-only URL, which GET would answer with
    405): the page the form was on (Referer of this site, under /agent/), else the
    nearest page up this URL's path (/agent/dossiers/<n>/actions/<id> → the dossier's
    page), else /agent/."""
    if request.method in ("GET", "HEAD"):
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if (referrer.netloc == request.host and referrer.scheme in ("http", "https")
            and can_get(referrer.path)):
        target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        if safe_next(target, ""):
            return target
    path = request.path.rstrip("/")
    while path.startswith(AGENT_PATH + "/"):
        if can_get(path):
            return path
        path = path.rsplit("/", 1)[0]
    return url_for("agent.home")


def load_agent() -> None:
    """Set `flask.g.agent` to this request's agent when its session is valid (for a page
    drawn outside `agent_required`, as an error page under /agent/: the agent menu)."""
    if g.get("agent") is None:
        agent = current_agent()
        if agent is not None:
            g.agent = agent


def _to_login() -> ResponseReturnValue:
    target = url_for("agent.login", next=return_path())
    if is_htmx():
        return Response(status=401, headers={"HX-Redirect": target, "Vary": "HX-Request"})
    return redirect(target, 303)


def agent_required(supervisor: bool = False) -> Callable[[Callable[P, R]], Callable[P, Any]]:
    """Decorate a back-office view: it runs with `flask.g.agent` (storage.AgentView) set.

    No valid agent session: 303 to /agent/connexion (back here after login), or a 401
    with HX-Redirect for htmx; an applicant's portal session without an agent session:
    404. `supervisor=True`: an agent who is not a supervisor gets 404. The view gets
    `agent_role` ("agent" | "supervisor"): the role it asks for, read by the tests.
    """

    def decorate(view: Callable[P, R]) -> Callable[P, Any]:
        @functools.wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
            agent = current_agent()
            if agent is None:
                portal = current_app.session_interface.portal_session(current_app)
                if "account_id" in portal:
                    abort(404)
                return _to_login()
            if supervisor and not agent.is_supervisor:
                abort(404)
            g.agent = agent
            return view(*args, **kwargs)

        # who may open it, for the authorization matrix (tests/web/test_agent_access.py)
        wrapper.agent_role = "supervisor" if supervisor else "agent"  # type: ignore[attr-defined]
        return wrapper

    return decorate


def audit(action: str, dossier_id: int | None = None, **detail: Any) -> None:
    """Record `action` by the current agent (g.agent) in the audit trail, with the
    request's client address; `dossier_id`: the dossier row id, or None; `detail`:
    JSON-able values (none: no detail). Its own transaction unless called inside a
    storage call."""
    storage.record_agent_event(g.agent.id, action, dossier_id, request.remote_addr,
                               detail or None)


def _open_session(agent: storage.AgentView) -> None:
    """A brand-new agent session (no fixation): new id, only the language kept."""
    _clear()
    now = _now()
    session["agent_id"] = agent.id
    session["sid"] = secrets.token_urlsafe(24)
    session["seen"] = now
    session["opened"] = now


@bp.get("/inscription/<enrolment>")
@bp.post("/inscription/<enrolment>")
def enrol(enrolment: str) -> ResponseReturnValue:
    """Enrolment from the one-time link: choose a password, add the account to an
    authenticator app (QR code as inline SVG, and the secret as text), confirm with a
    first code. The secret is the server's (storage.enrolment_secret: made on the first
    view, the same on every reload); none is ever read from the form. GET: 200
    (agent/enrol.html); an unknown, used or expired link: 404 (agent/enrol_invalid.html).
    POST: 200 "Inscription terminée" (agent/enrolled.html); 422 with the errors by their
    fields (password rules, code)."""
    token = enrolment
    agent = storage.check_enrolment(token)
    if agent is None:
        return render_template("agent/enrol_invalid.html"), 404
    errors: dict[str, str] = {}
    secret = storage.enrolment_secret(token)  # made once, kept server-side
    if secret is None:
        return render_template("agent/enrol_invalid.html"), 404
    if request.method == "POST":
        errors = password_errors(request.form)
        code = "".join(request.form.get("code", "").split())
        if not code:
            errors["code"] = MISSING_CODE
        if not errors:
            try:
                agent = storage.complete_enrolment(token, request.form["password"], code)
            except storage.AgentRefused as refused:
                if refused.code != "code":
                    return render_template("agent/enrol_invalid.html"), 404
                errors["code"] = N_("Ce code ne correspond pas. Vérifiez l'heure de votre "
                                    "téléphone et entrez le code affiché maintenant.")
            else:
                storage.record_agent_event(agent.id, "enrolment", None, request.remote_addr)
                return render_template("agent/enrolled.html", agent=agent)
    uri = storage.provisioning_uri(secret, agent.email, ISSUER)
    qr = segno.make(uri, error="m").svg_inline(scale=4, title=_("Code QR à lire avec "
                                                                "l'application"))
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return render_template("agent/enrol.html", agent=agent, secret=secret, grouped=grouped,
                           qr=qr, errors=errors), 422 if errors else 200


WRONG_LOGIN = N_("L'adresse courriel ou le mot de passe est incorrect.")
WRONG_CODE = N_("Ce code est incorrect ou a déjà servi. Entrez le code affiché maintenant.")
MISSING_CODE = N_("Entrez le code à 6 chiffres affiché par l'application.")
LOGIN_MISSING = {"email": N_("Entrez votre adresse courriel."),
                 "password": N_("Entrez votre mot de passe.")}


@bp.get("/connexion")
@bp.post("/connexion")
def login() -> ResponseReturnValue:
    """First step: email and password. GET: 200 (agent/login.html). POST: 303 to
    /agent/connexion/code when they match an enrolled, enabled agent; 401 otherwise (one
    message: whether the email is an agent's is never said), 401 with "Entrez …" for an
    empty field (nothing counted); 429 past the "agent_login" or "login_address" limit."""
    failed, refusal, missing = False, None, {}
    if request.method == "POST":
        missing = {k: m for k, m in LOGIN_MISSING.items() if not request.form.get(k, "").strip()}
        if not missing:
            email = request.form["email"].strip().lower()
            account_key, address_key = f"agent:{email}", f"ip:{request.remote_addr or '-'}"
            attempt = limits().attempt(("agent_login", account_key),
                                       ("login_address", address_key))
            refusal = attempt.refusal
            if refusal is None:
                agent = storage.agent_login(email, request.form.get("password", ""))
                if agent is not None:
                    limits().reset("agent_login", account_key)
                    limits().forget("login_address", address_key)
                    next_url = safe_next(request.form.get("next"), "")
                    if not can_get(next_url.split("?")[0]):
                        next_url = ""
                    _clear()
                    session["pending_agent"] = agent.id
                    session["pending_at"] = _now()
                    if next_url:
                        session["pending_next"] = next_url
                    return redirect(url_for("agent.login_code"), 303)
                refusal = attempt.full
                failed = refusal is None
    errors = {"email": WRONG_LOGIN} if failed else missing
    return render_template("agent/login.html", errors=errors, refusal=refusal,
                           email=request.form.get("email", ""),
                           next=safe_next(request.values.get("next"), "")), (
        429 if refusal else 401 if failed or missing else 200)


@bp.get("/connexion/code")
@bp.post("/connexion/code")
def login_code() -> ResponseReturnValue:
    """Second step: the 6-digit code of the authenticator app, within CODE_STEP_MINUTES
    of the password (else 303 back to the first step). POST: a new agent session and
    303 to the page asked first or /agent/; 401 for a wrong or already used code; 429
    past the "agent_code" limit (per agent)."""
    agent_id, at = session.get("pending_agent"), session.get("pending_at")
    if (not isinstance(agent_id, int) or not isinstance(at, int | float)
            or _now() - at > CODE_STEP_MINUTES * 60):
        _clear()
        return redirect(url_for("agent.login"), 303)
    failed, refusal, missing = False, None, False
    if request.method == "POST":
        code = "".join(request.form.get("code", "").split())
        if not code:
            missing = True
        else:
            key = f"agent:{agent_id}"
            attempt = limits().attempt(("agent_code", key))
            refusal = attempt.refusal
            if refusal is None:
                if storage.verify_agent_code(agent_id, code):
                    agent = storage.get_agent(agent_id)
                    if agent is not None and agent.active:
                        limits().reset("agent_code", key)
                        next_url = safe_next(session.get("pending_next"), url_for("agent.home"))
                        _open_session(agent)
                        storage.record_agent_event(agent.id, "login", None,
                                                   request.remote_addr)
                        return redirect(next_url, 303)
                refusal = attempt.full
                failed = refusal is None
    errors = {"code": WRONG_CODE} if failed else {"code": MISSING_CODE} if missing else {}
    status = 429 if refusal else 401 if failed or missing else 200
    return render_template("agent/login_code.html", errors=errors, refusal=refusal), status


@bp.post("/deconnexion")
def logout() -> ResponseReturnValue:
    """Log out: the session is ended for every server process; 303 to the login page
    with "Vous êtes déconnecté."."""
    agent_id = session.get("agent_id")
    if isinstance(agent_id, int) and isinstance(session.get("sid"), str):
        storage.record_agent_event(agent_id, "logout", None, request.remote_addr)
    _end_sid()
    _clear()
    flash(N_("Vous êtes déconnecté."), "success")
    return redirect(url_for("agent.login"), 303)


@bp.post("/langue")
def switch_language() -> ResponseReturnValue:
    """The back office's language switch: `lang` "fr" or "en" for this agent session;
    303 back to `next` (a path under /agent) or /agent/."""
    lang = request.form.get("lang")
    if lang in LANGS:
        set_lang(lang)
    target = safe_next(request.form.get("next"), url_for("agent.home"))
    if not is_agent_path(target.split("?")[0]):
        target = url_for("agent.home")
    return redirect(target, 303)
