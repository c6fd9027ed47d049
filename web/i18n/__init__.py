"""The applicant's language (French by default) and the portal's own texts in it.

Two kinds of text:

- a dossier definition's texts (engine `Text`, `{fr, en}` in the YAML), written by
  designers: `localize(text)` (`| localize` in templates) picks the current language;
- the portal's own texts: gettext catalogues through Flask-Babel, in
  `web/i18n/translations/<lang>/LC_MESSAGES/messages.po` (compiled to `.mo`).
  Templates call `_("...")` and `ngettext(...)`, Python calls `_("...")`.

The msgid is the French text. French is the portal's first language, the text a
reader of the code and a translator expect to see, and gettext's idiom (the source
text is the key: nothing to invent, no key that drifts from its text). The French
catalogue still lists every msgid (its msgstr is the msgid unless a wording is
overridden there), so a missing or untranslated text is caught the same way in both
languages (tests/web/test_i18n.py). The one French word with two English
translations carries a context (`pgettext`). Placeholders are `%(name)s`; plurals
use `ngettext` (French: 0 and 1 are singular).

A text kept to be translated later (an error of a form, a flashed notice: they may
be shown in another request, after the language changed) is stored as its msgid,
marked `N_("...")` for extraction, and translated where it is shown: `_(message)`.

The language is the session's (`lang`: the switch on every page, or the account's
language copied at login), else French; `set_lang` changes it within the request.
An email goes out in the account's language: `with in_lang(account.lang): _(...)`.
Dates keep their one format in both languages (`fmt_date`).

Templates ask for dozens of texts per page: their `_` (`_install_jinja`) goes
straight to Flask-Babel's translations for the request, through public APIs only
(Flask-Babel's `get_translations`, Jinja's i18n extension).

Translator's workflow: README.md, "Translations" (`scripts/translations`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.support import NullTranslations
from flask import Flask, current_app, g, has_app_context, has_request_context, session
from flask_babel import (
    Babel,
    force_locale,
    get_translations,
    ngettext,
    pgettext,
    refresh,
)
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import escape

import storage
from engine.model import LANGS, Text

__all__ = ["DEFAULT_LANG", "TRANSLATIONS", "N_", "_", "current_lang", "fmt_date", "in_lang",
           "init_app", "add_lang_source", "localize", "ngettext", "pgettext", "set_lang",
           "translations"]

DEFAULT_LANG = "fr"
TRANSLATIONS = Path(__file__).parent / "translations"


def N_(msgid: str) -> str:
    """Mark a msgid for extraction without translating it: for a text stored now and
    translated where it is shown (`_(stored)`), in that request's language."""
    return msgid


LANG_SOURCES = "guichet.lang_sources"  # app.extensions key: see add_lang_source


def add_lang_source(app: Flask, source: Callable[[], str | None]) -> None:
    """Let `source()` choose the language of a request before the session does: it
    returns "fr"/"en" for requests it owns (the JSON API: its Accept-Language), None
    for the others."""
    app.extensions.setdefault(LANG_SOURCES, []).append(source)


def _session_lang() -> str:
    """The request's language (`current_lang` asks it once per request; `current_lang`
    is Flask-Babel's locale selector): a source added with `add_lang_source` when one
    answers, else the session's language."""
    if not has_request_context():
        return DEFAULT_LANG
    for source in current_app.extensions.get(LANG_SOURCES, ()):
        chosen = source()
        if chosen is not None:
            return chosen if chosen in LANGS else DEFAULT_LANG
    lang = session.get("lang")
    return lang if lang in LANGS else DEFAULT_LANG


def translations() -> NullTranslations:
    """This request's translations: Flask-Babel's `get_translations()`, which picks the
    locale once per request and keeps each locale's catalogue loaded."""
    return get_translations()


def _(msgid: str, **variables: Any) -> str:
    """Flask-Babel's `gettext`: the msgid in the current language, `%(name)s` filled."""
    text = translations().ugettext(msgid)
    return text % variables if variables else text


_CHOSEN = "guichet_lang"  # a `g` attribute: the context's language once chosen


def current_lang() -> str:
    """The current language, "fr" or "en" (the session's, or a source's: see
    `add_lang_source`; French outside a request). Chosen once per request by the same
    function as Flask-Babel's locale selector, without building Babel's locale: a page
    or an API answer reused from a cache, which translates nothing, never needs it."""
    if not has_app_context():
        return DEFAULT_LANG
    lang = g.get(_CHOSEN)
    if lang is None:
        lang = _session_lang()
        setattr(g, _CHOSEN, lang)
    return lang


def set_lang(lang: str) -> None:
    """The session's language from now on, this request's texts included (the switch;
    the account's language at login)."""
    session["lang"] = lang if lang in LANGS else DEFAULT_LANG
    g.pop(_CHOSEN, None)
    refresh()


def speak_as_the_email(lang: str) -> None:
    """A page reached from a link of an email written in `lang` (an activation, a
    password reset) is in that language when the browser has chosen none yet (the
    session holds no language): an English email does not open a French page. A
    language chosen in this browser is kept."""
    if session.get("lang") not in LANGS and lang in LANGS:
        set_lang(lang)


@contextmanager
def in_lang(lang: str) -> Iterator[None]:
    """Texts in a given language for a while: an email goes out in the account's
    language, whatever the language of the page that caused it."""
    lang = lang if lang in LANGS else DEFAULT_LANG
    if not has_app_context():
        with force_locale(lang):
            yield
        return
    before = g.get(_CHOSEN)
    with force_locale(lang):
        setattr(g, _CHOSEN, lang)
        try:
            yield
        finally:
            if before is None:
                g.pop(_CHOSEN, None)
            else:
                setattr(g, _CHOSEN, before)


def localize(text: Text | None) -> str:
    """A definition's text (engine Text) in the current language."""
    return text.get(current_lang()) if text is not None else ""


def fmt_date(value: date | datetime | None) -> str:
    """A date as YYYY-MM-DD; an instant as local "YYYY-MM-DD HH:MM" in the service's zone
    (America/Toronto), as the guide shows a submission's date and time; "" for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return storage.clock.local(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _html(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
    """Jinja's newstyle contract: always a format string (`%%` for a %), values escaped
    by Markup's `%` when the template autoescapes. One difference: the translation is
    escaped too, like any other text (newstyle gettext marks it safe HTML), so a quote
    in a translation cannot end an attribute."""
    return (escape(text) if eval_ctx.autoescape else text) % variables


@pass_eval_context
def _jinja_gettext(eval_ctx: EvalContext, msgid: str, **variables: Any) -> str:
    return _html(eval_ctx, translations().ugettext(msgid), variables)


@pass_eval_context
def _jinja_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int,
                    **variables: Any) -> str:
    variables.setdefault("num", num)
    return _html(eval_ctx, translations().ungettext(singular, plural, num), variables)


@pass_eval_context
def _jinja_pgettext(eval_ctx: EvalContext, context: str, msgid: str, **variables: Any) -> str:
    return _html(eval_ctx, translations().upgettext(context, msgid), variables)


@pass_eval_context
def _jinja_npgettext(eval_ctx: EvalContext, context: str, singular: str, plural: str,
                     num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _html(eval_ctx, translations().unpgettext(context, singular, plural, num),
                 variables)


def _install_jinja(app: Flask) -> None:
    """Jinja's i18n extension (`{% trans %}`), newstyle: `_("... %(n)s", n=x)`, `ngettext`.

    Its gettext functions (as Flask-Babel installs them) are replaced by direct ones
    with the same contract (`_html`): they skip two calls through the template context
    per text, and read the translations through `translations()`."""
    env = app.jinja_env
    env.add_extension("jinja2.ext.i18n")
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(_=_jinja_gettext, gettext=_jinja_gettext, ngettext=_jinja_ngettext,
                       pgettext=_jinja_pgettext, npgettext=_jinja_npgettext)


def init_app(app: Flask) -> None:
    """Flask-Babel with the session's language; Jinja's `_`, `ngettext`, `localize`."""
    Babel(configure_jinja=False).init_app(
        app, default_locale=DEFAULT_LANG, default_translation_directories=str(TRANSLATIONS),
        locale_selector=current_lang)
    _install_jinja(app)
    app.jinja_env.globals.update(localize=localize, langs=LANGS)
    app.jinja_env.filters.update(datefmt=fmt_date, localize=localize)

    @app.context_processor
    def _lang() -> dict[str, Any]:
        return {"lang": current_lang()}
