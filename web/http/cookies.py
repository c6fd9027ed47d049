"""Flask's signed-cookie session, marked `Secure` whenever the portal is reached over HTTPS.

Flask sets `Secure` only when SESSION_COOKIE_SECURE says so. The portal also
marks it when PREFERRED_URL_SCHEME is https, and whenever the request itself
came over HTTPS (directly, or through a trusted proxy: web/http/headers.py), so
a deployment behind TLS never sends the session in clear by mistake. Only the
public method `get_cookie_secure` is overridden, as GOV.UK Notify's admin does.
"""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session; `Secure` over HTTPS (see the module's docstring)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """True when configured (SESSION_COOKIE_SECURE, PREFERRED_URL_SCHEME=https) or when
        the current request came over HTTPS."""
        if super().get_cookie_secure(app) or app.config.get("PREFERRED_URL_SCHEME") == "https":
            return True
        return bool(request) and request.is_secure


def init_app(app: Flask) -> None:
    """Use `SessionInterface` for the app's session cookie."""
    app.session_interface = SessionInterface()
