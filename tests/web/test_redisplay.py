"""Nothing typed is lost by the language switch (issue #12.3) or by logging in again in
another tab (issue #12.4): every kind of form page comes back with the posted values,
nothing saved, nothing sent.

The forms are read from the pages themselves, as a browser does: the language switch is
the page's button named `guichet_lang`, submitting the form it names (`form=`) to its
`formaction` (else the form's action), with the form's hidden fields.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Any

import pytest

import storage
from tests.definitions import ESSAI, IDENTITE
from tests.web.conftest import MARIA, PASSWORD, Applicant
from tests.web.routes import STATE_CHANGING, build_world, calls, logged_in

ENGLISH = '<html lang="en">'
FRENCH = '<html lang="fr">'
EXPIRED = "Page expirée"
NOTICE = "Votre session a changé depuis l'ouverture de cette page"


class Forms(HTMLParser):
    """A page's forms (id -> action, hidden fields) and its language switch button."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, Any]] = {}
        self.switch: dict[str, str] | None = None
        self._open: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._open = a.get("id", f"form-{len(self.forms)}")
            self.forms[self._open] = {"action": a.get("action", ""), "hidden": {}}
        elif tag == "input" and a.get("type") == "hidden" and self._open:
            self.forms[self._open]["hidden"][a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("name") in ("guichet_lang", "lang"):
            self.switch = a

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def switch_language(person: Applicant, page: str, typed: dict[str, Any],
                    **headers: str) -> Any:
    """Press the language switch of `page` (HTML) after typing `typed` in its form."""
    forms = Forms(page)
    button = forms.switch
    assert button is not None and button.get("form"), "the switch is not a button of a form"
    form = forms.forms[button["form"]]
    url = unescape(button.get("formaction") or form["action"])
    data = {**form["hidden"], **typed, button["name"]: button["value"]}
    person.last = person.client.post(url, data=data, headers=headers)
    return person.last


def submit(person: Applicant, page: str, form_id: str, typed: dict[str, Any],
           **headers: str) -> Any:
    """Submit form `form_id` of `page` (HTML) with `typed`, as its main button does."""
    form = Forms(page).forms[form_id]
    person.last = person.client.post(unescape(form["action"]),
                                     data={**form["hidden"], **typed}, headers=headers)
    return person.last


def value_of(html: str, name: str) -> str | None:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html)
    return unescape(found.group(1)) if found else None


def text(response) -> str:
    """The page as read (character references such as &#39; resolved)."""
    return unescape(response.get_data(as_text=True))


# --- the language switch (issue #12.3)

def test_language__section_with_typed_answers__same_section_in_english_nothing_saved(maria):
    number = maria.create_dossier()
    url = maria.section_url(number, "identite")
    page = text(maria.get(url))
    account = storage.find_account_by_email(MARIA["email"]).id
    before = storage.get_dossier(account, number)
    response = switch_language(maria, page, {"categorie": "etudiant", "a_numero": "true",
                                             "numero": "87654321"})
    html = text(response)
    assert response.status_code == 200 and ENGLISH in html
    assert "Situation and numbers" in html
    assert value_of(html, "numero") == "87654321"
    assert re.search(r'value="etudiant"\s+selected|selected[^>]*value="etudiant"', html)
    assert 'class="error-summary"' not in html  # nothing was shown wrong, nothing is now
    after = storage.get_dossier(account, number)
    assert (after.version, after.answers) == (before.version, before.answers)
    assert ENGLISH in text(maria.get("/dossiers/"))  # the session's language from now on


def test_language__section_showing_errors__errors_again_in_english(maria):
    number = maria.create_dossier()
    response = maria.fill(number, "identite", {"a_numero": "true", "numero": "12"})
    assert "verifier=1" in response.location
    page = text(maria.get(response.location))
    assert "Le numéro d'essai doit contenir 8 chiffres." in page
    html = text(switch_language(maria, page, {"a_numero": "true", "numero": "123"}))
    assert ENGLISH in html and "The test number must have 8 digits." in html
    assert value_of(html, "numero") == "123"
    assert html.startswith("<!doctype html>") and "<title>Error: " in html


def test_language__registration_after_an_error__stays_there_in_english_with_the_values(
        applicant):
    applicant.get("/inscription")
    typed = {**MARIA, "email": "maria@exemple", "password": PASSWORD,
             "password_confirm": PASSWORD}
    page = text(applicant.post("/inscription", typed))
    assert "Entrez une adresse courriel valide" in page
    response = switch_language(applicant, page, typed)
    html = text(response)
    assert response.status_code == 422 and ENGLISH in html
    assert response.request.path == "/inscription"
    assert "Enter a valid email address" in html  # the error, in the new language
    for key in ("email", "family_names", "given_names", "birth_city", "address_line1"):
        assert value_of(html, key) == typed[key], key
    assert value_of(html, "password") in (None, "")  # passwords are never typed back
    assert storage.find_account_by_email("maria@exemple") is None


def test_language__registration_passwords_differed__asks_for_the_password_not_a_length(
        applicant):
    """After "the two passwords differ", the page comes back without passwords (never
    typed back); switching language then asks for the password, it does not claim the
    empty field is too short."""
    applicant.get("/inscription")
    page = text(applicant.post("/inscription", {**MARIA, "password": PASSWORD,
                                                "password_confirm": PASSWORD + "x"}))
    assert "Les deux mots de passe ne sont pas identiques." in page
    html = text(switch_language(applicant, page, {}))
    assert ENGLISH in html and "Enter a password." in html
    assert "12 characters" not in html.replace("At least 12 characters. ", "")


def test_language__registration_without_error__english_and_no_error_yet(applicant):
    page = text(applicant.get("/inscription"))
    response = switch_language(applicant, page, {"email": "maria@exemple.com"})
    html = text(response)
    assert response.status_code == 200 and ENGLISH in html and 'class="error-summary"' not in html
    assert value_of(html, "email") == "maria@exemple.com"
    assert storage.find_account_by_email("maria@exemple.com") is None


@pytest.mark.parametrize("path, typed, kept", [
    ("/connexion", {"email": "maria@exemple.com", "password": "x"}, "email"),
    ("/mot-de-passe-oublie", {"email": "maria@exemple.com"}, "email"),
])
def test_language__anonymous_form_pages__values_kept_nothing_done(client, path, typed, kept):
    person = Applicant(client)
    assert person.register().status_code == 302  # an account for that address...
    person.logout()
    typed = {**typed, "email": MARIA["email"]}  # ...typed on the page
    page = text(person.get(path))
    response = switch_language(person, page, typed)
    html = text(response)
    assert response.status_code == 200 and ENGLISH in html and 'class="error-summary"' not in html
    assert value_of(html, kept) == typed[kept]
    assert response.request.path == path
    assert storage.pending_emails() == []  # no reset link sent


def test_language__login_failed__the_failure_again_in_english_no_attempt(applicant):
    page = text(applicant.login(email="x@example.com", password="wrong-password"))
    assert "L'adresse courriel ou le mot de passe est incorrect." in page
    html = text(switch_language(applicant, page, {"email": "x@example.com"}))
    assert ENGLISH in html and "<title>Error: " in html
    assert value_of(html, "email") == "x@example.com"


def test_language__password_reset_page__english_nothing_changed(maria):
    maria.logout()
    token = storage.start_password_reset(MARIA["email"]).token
    page = text(maria.get(f"/mot-de-passe/{token}"))
    response = switch_language(maria, page, {"password": "un-autre-mot-de-passe",
                                             "password_confirm": "un-autre-mot-de-passe"})
    assert response.status_code == 200 and ENGLISH in text(response)
    storage.check_reset_token(token)  # still unused
    assert maria.login().status_code == 302  # the old password still works


def test_language__profile_edit__english_with_the_values_nothing_saved(maria):
    page = text(maria.get("/profil/modifier"))
    response = switch_language(maria, page, {**MARIA, "family_names": "Valdéro-Nouveau"})
    html = text(response)
    assert response.status_code == 200 and ENGLISH in html
    assert value_of(html, "family_names") == "Valdéro-Nouveau"
    assert "Valdéro-Nouveau" not in text(maria.get("/profil/"))


def test_language__new_dossier_and_identify__english_with_the_choices_nothing_done(maria):
    page = text(maria.get("/dossiers/nouveau"))
    html = text(switch_language(maria, page, {"type_id": ESSAI, "mode": "new"}))
    assert ENGLISH in html and re.search(rf'value="{ESSAI}"\s+selected', html)
    assert storage.list_dossiers(storage.find_account_by_email(MARIA["email"]).id) == []
    page = text(maria.get("/dossiers/identifier"))
    for _ in range(8):  # more than the search limit: a switch is not a search
        response = switch_language(maria, page, {"type_id": ESSAI, "number": "G2600000042"})
        assert response.status_code == 200
        page = text(response)
    assert value_of(page, "number") == "G2600000042"


def test_language__page_without_form__plain_switch_back_to_the_same_page(maria):
    page = text(maria.get("/dossiers/"))
    forms = Forms(page)
    assert forms.switch is not None and not forms.switch.get("form")
    response = maria.switch_language("en", "/dossiers/")
    assert response.status_code == 302 and response.location.endswith("/dossiers/")


# --- a token of an older session of the same account (issue #12.4)

def test_new_login_in_another_tab__section_saved_from_the_old_page__shown_again_not_lost(
        maria):
    number = maria.create_dossier()
    page = text(maria.get(maria.section_url(number, "identite")))  # tab A
    account = storage.find_account_by_email(MARIA["email"]).id
    before = storage.get_dossier(account, number)
    assert maria.logout().status_code == 302 and maria.login().status_code == 302  # tab B
    response = submit(maria, page, "section-form", IDENTITE)  # tab A: ENREGISTRER
    html = text(response)
    assert response.status_code == 200 and EXPIRED not in html
    assert NOTICE in html
    assert value_of(html, "numero") == IDENTITE["numero"]
    assert value_of(html, "code") == IDENTITE["code"]
    assert storage.get_dossier(account, number).version == before.version  # nothing saved
    old = Forms(page).forms["section-form"]["hidden"]["csrf_token"]
    fresh = Forms(html).forms["section-form"]["hidden"]["csrf_token"]
    assert fresh != old
    response = submit(maria, html, "section-form", IDENTITE)  # ENREGISTRER again
    assert response.status_code == 302
    saved = storage.get_dossier(account, number)
    assert saved.version > before.version and saved.answers["numero"] == IDENTITE["numero"]


def test_new_login_in_another_tab__profile_and_registration_kind__shown_again(maria):
    page = text(maria.get("/profil/modifier"))
    maria.logout()
    maria.login()
    response = submit(maria, page, "page-form", {**MARIA, "family_names": "Nouveau"})
    html = text(response)
    assert response.status_code == 200 and NOTICE in html
    assert value_of(html, "family_names") == "Nouveau"
    assert "Nouveau" not in text(maria.get("/profil/"))


def test_another_account_now_logged_in__the_old_page_refused_as_before(app, maria):
    number = maria.create_dossier()
    page = text(maria.get(maria.section_url(number, "identite")))
    maria.logout()
    gunter = Applicant(maria.client, {**MARIA, "email": "gunter@example.com"})
    assert gunter.register().status_code == 302  # someone else, in the same browser
    response = submit(gunter, page, "section-form", IDENTITE)
    assert response.status_code == 400 and EXPIRED in text(response)


def test_forged_owner_or_no_owner__refused_as_before(maria):
    number = maria.create_dossier()
    page = text(maria.get(maria.section_url(number, "identite")))
    maria.logout()
    maria.login()
    for owner in ("0" * 32, ""):
        response = submit(maria, page, "section-form", {**IDENTITE, "guichet_owner": owner})
        assert response.status_code == 400 and EXPIRED in text(response)


def test_anonymous_form_of_an_older_session__shown_again_only_when_posted_from_this_site(
        maria):
    maria.logout()
    page = text(maria.get("/connexion"))  # tab A
    maria.login()
    maria.logout()  # tab B: a new anonymous session
    typed = {"email": MARIA["email"], "password": PASSWORD}
    response = submit(maria, page, "page-form", typed, Origin="http://localhost")
    html = text(response)
    assert response.status_code == 200 and NOTICE in html
    assert value_of(html, "email") == MARIA["email"]
    with maria.client.session_transaction() as session:
        assert "account_id" not in session  # shown again, not logged in
    response = submit(maria, page, "page-form", typed, Origin="https://elsewhere.example")
    assert response.status_code == 400 and EXPIRED in text(response)
    response = submit(maria, page, "page-form", typed)
    assert response.status_code == 400


def test_language_switch_with_a_token_of_an_older_session__switched_and_shown_again(maria):
    number = maria.create_dossier()
    page = text(maria.get(maria.section_url(number, "identite")))
    maria.logout()
    maria.login()
    html = text(switch_language(maria, page, {"a_numero": "true", "numero": "11112222"}))
    assert ENGLISH in html and value_of(html, "numero") == "11112222"
    assert FRENCH not in html


def test_every_state_changing_route__owner_field_and_a_wrong_token__nothing_changes(
        app, maria, other, registry):
    """The owner field never lets a wrong token act: every POST route of url_map,
    with Maria's own `guichet_owner` and a wrong token, either is refused (400) or
    only shows its page again; nothing of hers changes and she stays logged in."""
    world = build_world(maria, other, registry)
    owner = Forms(text(maria.get("/profil/modifier"))).forms["page-form"]["hidden"][
        "guichet_owner"]
    before = world.snapshot(), storage.find_account_by_email(MARIA["email"]).profile
    shown_again = set()
    for call in calls(app, world, STATE_CHANGING):
        response = maria.client.open(call.url, method=call.method, data={
            "csrf_token": "forged", "guichet_owner": owner, "guichet_lang": "en",
            "email": MARIA["email"], "password": PASSWORD, "password_confirm": PASSWORD,
            **MARIA, "family_names": "Autre", **IDENTITE})
        # 302: a dossier no longer editable sends back to its (read-only) section
        assert response.status_code in (200, 302, 400), f"{call}: {response.status_code}"
        if response.status_code != 400:
            shown_again.add(call.endpoint)
        assert logged_in(maria), f"{call} logged her out"
    assert (world.snapshot(), storage.find_account_by_email(MARIA["email"]).profile) == before
    assert {"forms.save", "profile.edit", "auth.register"} <= shown_again
    assert "auth.logout" not in shown_again and "forms.confirm" not in shown_again
