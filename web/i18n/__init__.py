"""The applicant's language (French by default) and the translation helpers of templates.

The language comes from the session (the switch on every page), else from the
account, else French. Labels come from the definition (engine `Text`) or from the
catalogue in `web/translations.py`.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from flask import Flask, session

from engine.model import LANGS, Text
from web.i18n.catalogue import CATALOGUE

DEFAULT_LANG = "fr"
# Set at the start of every request (before anything may render a page): a context
# variable, because templates ask for it dozens of times per page.
_lang: ContextVar[str] = ContextVar("guichet_lang", default=DEFAULT_LANG)


def current_lang() -> str:
    return _lang.get()


def set_lang(lang: str) -> None:
    _lang.set(lang if lang in LANGS else DEFAULT_LANG)


def pick_lang() -> str:
    """The session's choice (the switch, or the account's language copied at login)."""
    lang = session.get("lang")
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, **params: Any) -> str:
    """The catalogue's text for `key` in the current language, with `{params}` filled."""
    text = CATALOGUE[key][current_lang()]
    return text.format(**params) if params else text


def t_in(lang: str, key: str, **params: Any) -> str:
    """The catalogue's text in a given language: an email goes out in the account's
    language, whatever the language of the page that caused it."""
    text = CATALOGUE[key][lang if lang in LANGS else DEFAULT_LANG]
    return text.format(**params) if params else text


def tx(text: Text | None) -> str:
    """A definition's text (engine Text) in the current language."""
    return text.get(current_lang()) if text is not None else ""


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        import storage

        return storage.clock.local(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def init_app(app: Flask) -> None:
    """Call before any extension that may refuse a request (CSRF), so its page is in the
    applicant's language too."""

    @app.before_request
    def _language() -> None:
        set_lang(pick_lang())

    app.jinja_env.globals.update(t=t, tx=tx, langs=LANGS)
    app.jinja_env.filters.update(datefmt=fmt_date, tx=tx)

    @app.context_processor
    def _lang() -> dict[str, Any]:
        return {"lang": current_lang()}
