"""French by default, English by the switch on every page; both catalogues complete."""

from __future__ import annotations

import re
import string
from pathlib import Path

from web.i18n.catalogue import CATALOGUE

WEB = Path(__file__).resolve().parents[2] / "web"
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[A-Za-z_]+)+)["']""")
FLASHED = re.compile(r"""["']((?:flash|err)\.[a-z_]+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogue__every_key__has_french_and_english_with_same_placeholders():
    for key, texts in CATALOGUE.items():
        assert set(texts) == {"fr", "en"}, key
        assert texts["fr"].strip() and texts["en"].strip(), key
        assert _placeholders(texts["fr"]) == _placeholders(texts["en"]), key


def test_catalogue__every_key_used_in_web__exists():
    used = set()
    for path in [*WEB.rglob("*.py"), *WEB.rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        used |= set(LITERAL_KEY.findall(text)) | set(FLASHED.findall(text))
    missing = sorted(k for k in used if k not in CATALOGUE)
    assert not missing


def test_pages__default__french(client):
    page = client.get("/connexion").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Connexion" in page
    assert '<button type="submit" name="lang" value="en" lang="en">English</button>' in page


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
