"""Issue #12.7: a page that shows errors says so first in its title ("Erreur : ",
"Error: "), as GOV.UK and Canada.ca do: a screen reader announces the title first,
and a browser tab shows it. Every kind of form page, in both languages."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

import storage
from tests.web.conftest import Applicant

PREFIX = {"fr": "Erreur : ", "en": "Error: "}


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


def anonymous_pages(person: Applicant) -> dict[str, Callable[[], object]]:
    """Each anonymous form page, posted with a mistake (an error on the page)."""
    def reset():
        token = storage.start_password_reset(person.profile["email"]).token
        person.get(f"/mot-de-passe/{token}")
        return person.post(f"/mot-de-passe/{token}", {"password": "court",
                                                      "password_confirm": "court"})
    return {
        "register": lambda: (person.get("/inscription"),
                             person.post("/inscription", {"email": "pas-un-courriel"}))[1],
        "login": lambda: (person.get("/connexion"),
                          person.post("/connexion", {"email": "x@example.com",
                                                     "password": "mauvais"}))[1],
        "forgot": lambda: (person.get("/mot-de-passe-oublie"),
                           person.post("/mot-de-passe-oublie", {"email": ""}))[1],
        "reset": reset,
    }


def applicant_pages(person: Applicant, number: str) -> dict[str, Callable[[], object]]:
    """Each form page of a logged-in applicant, showing a mistake."""
    return {
        "profile": lambda: (person.get("/profil/modifier"),
                            person.post("/profil/modifier", {"family_names": ""}))[1],
        "create": lambda: (person.get("/dossiers/nouveau"),
                           person.post("/dossiers/nouveau", {"type_id": "nulle"}))[1],
        "link": lambda: (person.get("/dossiers/identifier"),
                         person.post("/dossiers/identifier", {}))[1],
        "section": lambda: person.get(person.section_url(number, "identite") + "?verifier=1"),
        "submit-blocked": lambda: person.get(f"/dossiers/{number}/soumettre"),
    }


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_title__every_form_page_with_errors__starts_with_error(app, client, lang):
    person = Applicant(client)
    assert person.register().status_code == 302
    number = person.create_dossier()
    person.switch_language(lang)
    wrong = []
    for name, show in applicant_pages(person, number).items():
        response = show()
        assert 'class="error-summary"' in response.get_data(as_text=True), name
        if not title(response).startswith(PREFIX[lang]):
            wrong.append(f"{name}: {title(response)!r}")
    person.logout()
    person.switch_language(lang)
    for name, show in anonymous_pages(person).items():
        response = show()
        assert 'class="error-summary"' in response.get_data(as_text=True), name
        if not title(response).startswith(PREFIX[lang]):
            wrong.append(f"{name}: {title(response)!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_title__the_same_pages_without_errors__no_prefix(client, lang):
    person = Applicant(client)
    assert person.register().status_code == 302
    number = person.create_dossier()
    person.switch_language(lang)
    for url in ("/profil/modifier", "/dossiers/nouveau", "/dossiers/identifier",
                person.section_url(number, "identite"), "/dossiers/"):
        response = person.get(url)
        assert response.status_code == 200, url
        assert not title(response).startswith(PREFIX[lang]), url
    person.logout()
    for url in ("/inscription", "/connexion", "/mot-de-passe-oublie"):
        assert not title(person.get(url)).startswith(PREFIX[lang]), url


def test_title__questions_updated_with_htmx__the_title_follows_the_errors(maria):
    """The update of a section being corrected carries the page's title, which htmx puts
    in the document: "Erreur : " while something is wrong, gone once nothing is."""
    number = maria.create_dossier()
    maria.fill(number, "identite", {"a_numero": "true", "numero": "12"})
    wrong = maria.refresh(number, "identite", {"a_numero": "true", "numero": "12",
                                               "verifier": "1"})
    assert title(wrong).startswith(PREFIX["fr"])
    right = maria.refresh(number, "identite", {
        "categorie": "etudiant", "precision": "temps_plein", "a_numero": "true",
        "numero": "12345678", "a_code": "false", "verifier": "1"})
    assert 'class="error-summary"' not in right.get_data(as_text=True)
    assert not title(right).startswith(PREFIX["fr"]) and "Erreur" not in title(right)
