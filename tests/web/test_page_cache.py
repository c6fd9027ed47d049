"""Section pages reused per dossier version (web/forms/page_cache.py): whatever changes what a
page shows must show, and a reused page must carry the reader's own CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

import storage
import web.forms.sections
from tests.definitions import IDENTITE
from web.forms.page_cache import EXTENSION, PageCache

from .conftest import CSRF, MARIA, Applicant


def section_html(person: Applicant, number: str, section: str = "identite",
                 **kwargs) -> str:
    response = person.get(person.section_url(number, section), **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def new_dossier(person: Applicant) -> str:
    """A new dossier, its first page seen (the one-time "created" notice is shown)."""
    number = person.create_dossier()
    assert "Votre dossier a été créé" in section_html(person, number)
    return number


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """Section ids the engine computed a page for (a reused page computes none)."""
    seen: list[str] = []
    original = web.forms.sections.section_page

    def counted(compiled, dossier, section, *args, **kwargs):
        seen.append(section.id)
        return original(compiled, dossier, section, *args, **kwargs)

    monkeypatch.setattr(web.forms.sections, "section_page", counted)
    return seen


def test_section__opened_twice_unchanged__second_page_reused_same_html(maria, renders):
    number = new_dossier(maria)
    first = section_html(maria, number)
    assert section_html(maria, number) == first
    second = section_html(maria, number)
    assert renders == ["identite", "identite"]  # the one with the notice, then one
    assert second == first
    reused = maria.get(maria.section_url(number, "identite"))  # kept encoded: UTF-8
    assert reused.content_type == "text/html; charset=utf-8"
    assert "Situation et numéros" in reused.get_data(as_text=True)


def test_section__saved_then_opened__new_answers_shown_not_the_kept_page(maria, renders):
    number = new_dossier(maria)
    assert IDENTITE["numero"] not in section_html(maria, number)
    assert maria.fill(number, "identite", IDENTITE).status_code == 302
    maria.get(maria.section_url(number, "identite"))  # the page with "Enregistré"
    html = section_html(maria, number)
    assert f'value="{IDENTITE["numero"]}"' in html
    assert "Vos réponses ont été enregistrées" not in html  # the notice shows once only


def test_section__reused_page__carries_this_session_token_and_its_form_posts(app, maria):
    number = new_dossier(maria)
    section_html(maria, number)  # kept with Maria's first session
    tablet = Applicant(app.test_client(), MARIA)
    assert tablet.login().status_code == 302
    html = section_html(tablet, number)
    tokens = (CSRF.findall(html) + re.findall(r'name="csrf_token" value="([^"]+)"', html)
              + re.findall(r'"X-CSRFToken": "([^"]+)"', html))
    # the tablet's, everywhere on the page (meta, htmx header, the section's form)
    assert len(tokens) == 3 and len(set(tokens)) == 1
    assert tokens[0] != CSRF.search(section_html(maria, number)).group(1)
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    response = tablet.post(tablet.section_url(number, "identite"),
                           {**IDENTITE, "version": version})
    assert response.status_code == 302  # the token was accepted


def test_section__another_account__404_even_when_kept(maria, other):
    number = new_dossier(maria)
    section_html(maria, number)
    assert other.get(other.section_url(number, "identite")).status_code == 404


def test_section__language_switched__page_in_english(maria):
    number = new_dossier(maria)
    assert 'lang="fr"' in section_html(maria, number)
    url = maria.section_url(number, "identite")
    maria.switch_language("en", url)
    html = section_html(maria, number)
    assert '<html lang="en">' in html and "Situation and numbers" in html


def test_section__name_changed_in_profile__new_name_in_the_header(maria):
    number = new_dossier(maria)
    assert "Maria Valdero" in section_html(maria, number)
    maria.get("/profil/modifier")
    saved = maria.post("/profil/modifier", {**MARIA, "given_names": "Mariela"})
    assert saved.status_code == 302
    maria.get(saved.location)  # the profile, with its "saved" notice
    assert "Mariela Valdero" in section_html(maria, number)


def test_section__message_arrives__envelope_count_shown(maria):
    number = new_dossier(maria)
    assert "Messages (aucun non lu)" in section_html(maria, number)
    maria.submitted_dossier()  # another dossier: its confirmation is a message
    assert "Messages (1 non lu)" in section_html(maria, number)


def test_section__deadline_passes__expired_read_only_not_the_kept_form(maria):
    number = new_dossier(maria)
    assert "<form id=\"section-form\"" in section_html(maria, number)
    deadline = storage.get_dossier(storage.find_account_by_email(MARIA["email"]).id,
                                   number).deadline
    storage.clock.set(storage.clock.now() + (deadline - storage.clock.today())
                      + timedelta(days=2))
    assert maria.login().status_code == 302  # the session idled out meanwhile
    html = section_html(maria, number)
    assert "<form id=\"section-form\"" not in html
    assert "Échu" in html  # the expired state's label
    assert "Ce dossier a été soumis" not in html  # it never was
    assert "Ce dossier ne peut plus être modifié." in html


def test_section__with_errors_asked__errors_shown_even_after_the_plain_page(maria):
    number = new_dossier(maria)
    assert 'class="error-summary"' not in section_html(maria, number)
    html = section_html(maria, number, query_string={"verifier": 1})
    assert 'class="error-summary"' in html


def test_section__cache_off__every_page_computed_alike(app, maria, renders):
    app.extensions[EXTENSION] = PageCache(0)  # GUICHET_PAGE_CACHE_SIZE=0
    number = new_dossier(maria)
    assert section_html(maria, number) == section_html(maria, number)
    assert renders == ["identite"] * 3


def test_section__other_query_strings__rendered_but_never_kept(maria, renders):
    number = new_dossier(maria)
    for n in range(3):
        section_html(maria, number, query_string={"x": str(n)})
        section_html(maria, number, query_string={"verifier": f"{n}x"})
    assert len(renders) == 1 + 6
    section_html(maria, number, query_string={"verifier": "1"})
    section_html(maria, number, query_string={"verifier": "1"})
    assert len(renders) == 1 + 6 + 1
