"""A NUL byte in a request's address is refused with 400 before anything reads it.

No browser puts one in an address, and PostgreSQL refuses it in any text ("A string
literal cannot contain NUL"): a dossier number or a `next` with one would reach the
database only to fail there with a traceback and a 500. The path and the query string
(names and values) are checked before the session check, which reads the database
with the address's dossier number.

Form fields are not refused here: what a person typed keeps its kind answer. Answers
and profile values lose their control characters (engine/validate.py `safe_text`,
web/accounts/profile_form.py), and storage looks up no email or number that no row
can hold (storage/accounts/account.py `account_by_email`, storage/orm/rows.py
`storable_number`).
"""

from __future__ import annotations

from flask import Flask, request
from flask.typing import ResponseReturnValue

from web.http.errors import friendly_page

NUL = "\x00"


def _in_address() -> bool:
    """Whether the request's path or query string (names or values) holds NUL. The query
    string is parsed only when its raw bytes may decode to NUL (as such or as %00):
    most pages have none, or one that no view needs parsed."""
    if NUL in request.path:
        return True
    raw = request.query_string
    return (b"\0" in raw or b"%00" in raw) and any(
        NUL in key or NUL in value for key, value in request.args.items(multi=True))


def _refuse() -> ResponseReturnValue | None:
    return friendly_page(400) if _in_address() else None


def init_app(app: Flask) -> None:
    """Refuse (friendly 400 page) any request with a NUL byte in its path or query
    string. Register before any hook that reads the database."""
    app.before_request(_refuse)
