"""Browser-side protections and request limits, set once for every response.

- Headers on every response (a view may set its own first, e.g. a stricter
  Referrer-Policy): a Content-Security-Policy that allows scripts, styles and
  images from this site only, with no inline script and no eval (htmx is
  configured for it in base.html: allowEval false, includeIndicatorStyles
  false), no plugins, no framing, forms posting only here (one page sets its
  own, looser for styles and workers only: the API reference page drawn by
  Redoc, web/api/openapi.py DOCS_CSP); Referrer-Policy
  strict-origin-when-cross-origin (a same-site POST keeps its Referer, which
  Flask-WTF requires over HTTPS); nosniff; X-Frame-Options for old browsers;
  a Permissions-Policy switching off what a form never needs; HSTS over HTTPS.
- HTTPS behind a proxy: GUICHET_PROXY_FIX=N trusts N proxies' X-Forwarded-*
  headers (werkzeug ProxyFix), so `request.is_secure` is true behind a TLS
  proxy and the session cookie gets `Secure`. The cookie is also `Secure`
  whenever the request came over HTTPS, or always with SESSION_COOKIE_SECURE
  or PREFERRED_URL_SCHEME=https. Without PROXY_FIX, forwarded headers are
  ignored: a client cannot claim to be on HTTPS.
- `Cache-Control: no-store` on every response but the static files (a view may set
  its own): pages show personal data and carry the session's CSRF token, so no
  browser keeps them on disk after logout, and Back asks the server again (a dossier
  just submitted shows its new status, not a cached form with a live SOUMETTRE).
- A request body limit (MAX_CONTENT_LENGTH, 256 KB by default: web/config.py; a
  dossier section is a few KB), answered by a friendly 413 page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from web.http.logs import request_id

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
NO_STORE = ("Cache-Control", "no-store")
HSTS = "max-age=31536000; includeSubDomains"


def _proxies(value: Any) -> int:
    """GUICHET_PROXY_FIX: 0/unset = no proxy trusted, 1 (or true) = one, N = N."""
    if isinstance(value, str):
        value = value.strip().lower()
        value = {"true": 1, "yes": 1, "false": 0, "no": 0, "": 0}.get(value, value)
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        raise ValueError(f"PROXY_FIX must be a number of proxies, not {value!r}") from None


_LOWER = {name.lower(): (name, value) for name, value in HEADERS.items()}


def _headers(response: Response) -> Response:
    """Add every header of HEADERS the view did not set, `Cache-Control: no-store` (but
    for static files) unless the view set one, and the request's id (one pass
    over the response's headers: werkzeug's setdefault costs a lookup, and a KeyError,
    per name)."""
    present = {name.lower() for name, _ in response.headers}
    extra = [pair for lower, pair in _LOWER.items() if lower not in present]
    if "cache-control" not in present and request.endpoint != "static":
        extra.append(NO_STORE)
    response.headers.extend(extra + [("X-Request-Id", request_id())])
    if request.is_secure and "strict-transport-security" not in present:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def init_app(app: Flask) -> None:
    """The headers on every response and the trusted proxies (PROXY_FIX); Flask enforces
    the body limit (MAX_CONTENT_LENGTH)."""
    proxies = _proxies(app.config["PROXY_FIX"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore[method-assign]
                                x_host=proxies, x_port=proxies, x_prefix=proxies)
    app.after_request(_headers)
