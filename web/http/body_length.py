"""A request body sent without its length (chunked) is held to the same limit as one that
says its length: over it, 413, never a body cut short.

werkzeug refuses (413) a body whose Content-Length is over the request's limit
(MAX_CONTENT_LENGTH, or UPLOAD_REQUEST_MAX_MB for a post carrying files:
web/forms/uploads.py) before reading it. A chunked body has no Content-Length:
werkzeug reads it up to the limit and stops there without a word
(`werkzeug.wsgi.LimitedStream.readall`), so an over-long form was parsed cut short: a
login answered "Page expirée" (its CSRF token cut off), a section's last answers
dropped. Browsers send the length of what they post; an app or a script may not.
Such a body is read here (up to the limit, as werkzeug would) before anything parses
it, and refused when more of it follows.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge


def _refuse_chunked_over_limit() -> None:
    """413 (RequestEntityTooLarge) for a chunked body longer than the request's limit;
    a shorter one is read and kept for whatever parses it (`request.get_data`)."""
    if (request.content_length is not None or request.max_content_length is None
            or "chunked" not in request.headers.get("Transfer-Encoding", "").lower()
            or "wsgi.input_terminated" not in request.environ):
        return
    request.get_data(cache=True)  # at most the limit (werkzeug's LimitedStream)
    if request.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


def init_app(app: Flask) -> None:
    """Register the check after the request's limit is set (web/forms/uploads.py) and
    before anything reads the body (the CSRF check)."""
    app.before_request(_refuse_chunked_over_limit)
