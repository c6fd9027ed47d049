"""Flask's signed-cookie sessions, `Secure` over HTTPS, and checked once per cookie.

Flask verifies the session cookie on every request: a new serializer, base64,
zlib, an HMAC and tagged JSON, about a tenth of what a reused section page
costs in all. A browser sends the same cookie value for many requests, and the
same bytes always verify the same way, so what a verified value holds is kept
(bounded, oldest out first, per secret key) and only the age check is done again: each
request gets its own copy of the session, and an expired
cookie is refused exactly as Flask refuses it. A cookie that is not
byte-for-byte one already verified goes through Flask's full check.

A session that did not change writes no cookie; Flask works out the cookie's
every attribute before noticing, hence the early return.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .memo import Memo

VERIFIED_SIZE = 10_000  # cookie values (~0.5 kB each with their JSON)


_PLAIN = (str, int, float, bool, type(None))


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    """A copy no request can change the kept one through (flashes are a list, changed in
    place): scalars shared, anything else copied deeply."""
    return {k: v if isinstance(v, _PLAIN) else copy.deepcopy(v) for k, v in data.items()}


class SessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}
        # (keys, cookie value) -> (its data, when it was signed, epoch seconds); a value
        # forgotten is only verified again in full.
        self._verified: Memo[tuple[Any, ...], tuple[dict[str, Any], float]] = Memo(
            VERIFIED_SIZE)

    def get_cookie_secure(self, app: Flask) -> bool:
        if super().get_cookie_secure(app) or app.config.get("PREFERRED_URL_SCHEME") == "https":
            return True
        return bool(request) and request.is_secure

    def _keys(self, app: Flask) -> tuple[Any, ...]:
        return (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, made once per set of keys instead of once per request."""
        keys = self._keys(app)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                self._serializers[keys] = serializer
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (self._keys(app), value)
        verified = self._verified.get(key)
        if verified is not None:
            data, signed_at = verified
            if 0 <= time.time() - signed_at <= max_age:  # as itsdangerous checks the age
                return self.session_class(_copy(data))
        serializer = self.get_signing_serializer(app)
        assert serializer is not None
        try:
            data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        self._verified.put(key, (_copy(data), signed.timestamp()))
        return self.session_class(data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if session and not self.should_set_cookie(app, session):
            if session.accessed and "cookie" not in response.headers.get("Vary", "").lower():
                response.vary.add("Cookie")  # (parses and rewrites the header)
            return
        super().save_session(app, session, response)
