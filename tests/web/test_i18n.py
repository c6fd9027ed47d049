"""French by default, English by the switch on every page; both catalogues complete."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask_babel import get_translations

from tests.web.test_password_reset import ask_link, reset_emails
from web.i18n import TRANSLATIONS, _, current_lang, in_lang, ngettext, set_lang, translations

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("fr", "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What `pybabel extract` finds in web/ today (babel.cfg), as scripts/translations runs it."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
                    "-F", "babel.cfg", "-o", str(pot), "web"], cwd=ROOT, check=True)
    with pot.open("rb") as f:
        return read_po(f)


def _po(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def _entries(catalogue: Catalog) -> dict[tuple[str | None, tuple[str, ...]], tuple[str, ...]]:
    """(context, msgid forms) -> msgstr forms, as compiled: fuzzy entries are left out."""
    return {(m.context, _forms(m.id)): _forms(m.string) for m in catalogue
            if m.id and not m.fuzzy}


def _forms(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def _problem(extracted: Message, message: Message | None) -> str | None:
    if message is None:
        return "missing"
    if message.fuzzy:
        return "fuzzy"
    if not all(_forms(message.string)):
        return "untranslated"
    wanted = {p for text in _forms(extracted.id) for p in PLACEHOLDER.findall(text)}
    for text in _forms(message.string):
        if set(PLACEHOLDER.findall(text)) != wanted:
            return f"placeholders {sorted(wanted)} but {text!r}"
    return None


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue__every_message_of_web__translated_with_the_same_placeholders(
        extracted, lang):
    catalogue = _po(lang)
    problems = [f"{m.id!r}: {problem}" for m in extracted if m.id
                if (problem := _problem(m, catalogue.get(m.id, m.context)))]
    assert not problems, f"run scripts/translations update, then translate ({lang}): {problems}"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue__every_entry__still_used_in_web(extracted, lang):
    unused = [m.id for m in _po(lang) if m.id and extracted.get(m.id, m.context) is None]
    assert not unused, f"run scripts/translations update ({lang}): {unused}"


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue__compiled_mo__the_po_as_it_is(lang):
    """The .mo the portal reads are committed: scripts/translations compile after a change."""
    po = _po(lang)
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        mo = read_mo(f)
    stale = f"{lang}: run scripts/translations compile"
    assert mo.plural_forms == po.plural_forms, stale
    assert _entries(mo) == _entries(po), stale


def test_plurals__french_zero_and_one_singular__english_one(app):
    template = app.jinja_env.from_string(
        "{% for n in (0, 1, 2) %}{{ ngettext('Messages (%(num)d non lu)', "
        "'Messages (%(num)d non lus)', n) }}|{% endfor %}")
    with app.test_request_context():
        assert template.render() == "Messages (0 non lu)|Messages (1 non lu)|Messages (2 non lus)|"
        assert ngettext("Messages (%(num)d non lu)", "Messages (%(num)d non lus)", 0) == (
            "Messages (0 non lu)")
        set_lang("en")
        assert template.render() == "Messages (0 unread)|Messages (1 unread)|Messages (2 unread)|"


def test_templates__translation_and_values__escaped_like_any_text(app):
    template = app.jinja_env.from_string(
        "<p title=\"{{ _('Vous n\\'avez aucun dossier.') }}\">"
        "{{ _('Référence de la demande : %(id)s', id=value) }}</p>")
    with app.test_request_context():
        assert template.render(value="<b>") == (
            '<p title="Vous n&#39;avez aucun dossier.">Référence de la demande : &lt;b&gt;</p>')


def test_lang__changed__within_the_same_request_and_forced_for_a_while(app):
    with app.test_request_context():
        assert _("Oui") == "Oui"
        set_lang("en")
        assert _("Oui") == "Yes"
        with in_lang("fr"):
            assert _("Oui") == "Oui" and translations() is get_translations()
        assert _("Oui") == "Yes" and translations() is get_translations()
        set_lang("de")
        assert _("Oui") == "Oui"


def test_current_lang__the_texts_language_through_switches_and_forced_spells(app):
    """current_lang() (which definitions' texts and the caches' keys use) follows the
    same changes as gettext, though it is chosen without Flask-Babel's locale."""
    with app.test_request_context():
        assert current_lang() == "fr"
        set_lang("en")
        assert current_lang() == "en" and _("Oui") == "Yes"
        with in_lang("fr"):
            assert current_lang() == "fr" and _("Oui") == "Oui"
            with in_lang("en"):
                assert current_lang() == "en"
            assert current_lang() == "fr"
        assert current_lang() == "en"
    with app.test_request_context(), in_lang("en"):  # language not chosen before the spell
        assert current_lang() == "en"
    with app.app_context():  # the background worker: French unless forced
        assert current_lang() == "fr"
        with in_lang("en"):
            assert current_lang() == "en" and _("Oui") == "Yes"
        assert current_lang() == "fr"


def test_forgot__page_in_english__email_in_the_accounts_french(maria):
    maria.logout()
    maria.switch_language("en", "/mot-de-passe-oublie")
    assert "Forgotten password" in maria.get("/mot-de-passe-oublie").get_data(as_text=True)
    ask_link(maria)
    (email,) = reset_emails()
    assert email.subject == "Réinitialisation de votre mot de passe"
    assert "Bonjour,\n\nUne demande de nouveau mot de passe" in email.body


def test_pages__default__french(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Connexion" in page
    # the login page has a form: the switch is one of its buttons (nothing typed is lost)
    assert ('<button type="submit" form="page-form" name="guichet_lang" value="en" '
            'lang="en">English</button>') in page


def test_switch__english__every_label_in_english_and_kept_on_the_account(maria):
    number = maria.create_dossier()
    url = f"/dossiers/{number}/sections/rendez_vous"
    response = maria.switch_language("en", url)
    assert response.location == url
    page = maria.get(url).get_data(as_text=True)
    assert '<html lang="en">' in page
    for text in ("Appointment", "Desired city", "Being drafted",
                 "Deadline to submit", ">Leave<", ">Save<", ">Summary<", ">Submit<",
                 "Monday", "Morning", "Français"):
        assert text in page, text
    assert "Ville souhaitée" not in page
    maria.logout()
    with maria.client.session_transaction() as session:
        session.clear()
    maria.login()
    assert "My files" in maria.get("/dossiers/").get_data(as_text=True)


def test_switch__english__errors_and_refusals_in_english(maria):
    maria.switch_language("en")
    number = maria.create_dossier()
    response = maria.fill(number, "identite", {"a_numero": "true", "numero": "1"})
    page = maria.get(response.location).get_data(as_text=True)
    assert "Some answers need correcting" in page
    assert "The test number must have 8 digits." in page


def test_switch__unknown_language_or_foreign_next__ignored(maria):
    response = maria.switch_language("de", "https://evil.example/")
    assert response.location == "/"
    assert '<html lang="fr">' in maria.get("/dossiers/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["/dossiers/\r\nX-Injected: 1", "/a\nb", "/\\evil.example/",
                                    "/\\/evil.example", "/a\x7fb"])
def test_switch__next_with_a_line_break_backslash_or_control__default_not_500(maria, target):
    response = maria.switch_language("en", target)
    assert response.status_code == 302
    assert response.location == "/"
    assert "X-Injected" not in response.headers
