"""Flask's signed-cookie session, marked `Secure` whenever the portal is reached over HTTPS,
and a separate session cookie for the agents' back office (/agent/).

Flask sets `Secure` only when SESSION_COOKIE_SECURE says so. The portal also
marks it when PREFERRED_URL_SCHEME is https, and whenever the request itself
came over HTTPS (directly, or through a trusted proxy: web/http/headers.py), so
a deployment behind TLS never sends the session in clear by mistake. Only the
public methods `get_cookie_*`, `get_signing_serializer`, `open_session` and
`save_session` are overridden, as
GOV.UK Notify's admin does.

Under AGENT_PATH the session is another cookie (AGENT_COOKIE, path /agent,
SameSite=Strict, signed with its own salt): an agent's cookie is never sent to the
portal's pages and could not be read there, and an applicant's cookie is never read
as an agent's session (web/agent/auth.py).

Under API_PATH (the JSON API, web/api) there is no cookie session at all: nothing is
read from a cookie and none is written; the API authenticates with tokens.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

API_PATH = "/api"  # the JSON API (web/api): no cookie session at all
AGENT_PATH = "/agent"
AGENT_COOKIE = "guichet_agent"
AGENT_SALT = "guichet-agent-session"


def is_agent_path(path: str) -> bool:
    """Whether `path` is the back office's: /agent or under /agent/."""
    return path == AGENT_PATH or path.startswith(AGENT_PATH + "/")


def is_api_path(path: str) -> bool:
    """Whether `path` is the JSON API's: /api or under /api/ (web/api)."""
    return path == API_PATH or path.startswith(API_PATH + "/")


def _agent_request() -> bool:
    """Whether a request is under way and is the back office's (asked six times per
    request by Flask's cookie handling: `has_request_context` is the cheap test)."""
    return has_request_context() and is_agent_path(request.path)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session; `Secure` over HTTPS, and the agents' own cookie under
    /agent (see the module's docstring)."""

    def open_session(self, app: Flask, request: Any) -> Any:
        """Flask's session, read from the cookie; under /api an empty one whatever the
        request carries: the API authenticates with tokens only (web/api)."""
        if is_api_path(request.path):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Any) -> None:
        """Flask's cookie, written or deleted; never under /api (no cookie there)."""
        if is_api_path(request.path):
            return
        super().save_session(app, session, response)

    def get_cookie_secure(self, app: Flask) -> bool:
        """True when configured (SESSION_COOKIE_SECURE, PREFERRED_URL_SCHEME=https) or when
        the current request came over HTTPS."""
        if super().get_cookie_secure(app) or app.config.get("PREFERRED_URL_SCHEME") == "https":
            return True
        return bool(request) and request.is_secure

    def get_cookie_name(self, app: Flask) -> str:
        """AGENT_COOKIE under /agent, else Flask's SESSION_COOKIE_NAME."""
        return AGENT_COOKIE if _agent_request() else super().get_cookie_name(app)

    def get_cookie_path(self, app: Flask) -> str:
        """/agent for the agents' cookie, else Flask's."""
        return AGENT_PATH if _agent_request() else super().get_cookie_path(app)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        """Strict for the agents' cookie, else SESSION_COOKIE_SAMESITE (Lax)."""
        return "Strict" if _agent_request() else super().get_cookie_samesite(app)

    def get_cookie_httponly(self, app: Flask) -> bool:
        """Always HttpOnly for the agents' cookie."""
        return True if _agent_request() else super().get_cookie_httponly(app)

    def __init__(self) -> None:
        # Serializers made, by (agent's?, secret key, fallback keys): one is made from
        # the configuration only, and making it costs more than the signature it checks
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer; under /agent, one with AGENT_SALT, so no portal cookie
        (or other signed value) reads as an agent's session. Each is made once per
        secret key (and fallback keys), then reused: a serializer holds no state of
        its own between calls."""
        return self._serializer(app, agent=_agent_request())

    def _serializer(self, app: Flask, agent: bool) -> URLSafeTimedSerializer | None:
        """The portal's serializer, or with `agent` the back office's; None without a
        secret key."""
        if not app.secret_key:
            return None
        key = (agent, app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(key)
        if serializer is None:
            serializer = self._serializers[key] = self._make_serializer(app, agent)
        return serializer

    def _make_serializer(self, app: Flask, agent: bool) -> URLSafeTimedSerializer | None:
        if not agent:
            return super().get_signing_serializer(app)
        return URLSafeTimedSerializer(app.secret_key, salt=AGENT_SALT,
                                      serializer=self.serializer,
                                      signer_kwargs={"key_derivation": self.key_derivation,
                                                     "digest_method": self.digest_method})

    def portal_session(self, app: Flask) -> dict[str, Any]:
        """The applicant's portal session sent with this request (a browser sends it to
        /agent too: its path is /), read as the portal reads it; {} when none or
        unreadable."""
        value = request.cookies.get(super().get_cookie_name(app))
        serializer = self._serializer(app, agent=False)
        if not value or serializer is None:
            return {}
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = serializer.loads(value, max_age=max_age)
        except BadSignature:
            return {}
        return data if isinstance(data, dict) else {}


def init_app(app: Flask) -> None:
    """Use `SessionInterface` for the app's session cookie."""
    app.session_interface = SessionInterface()
