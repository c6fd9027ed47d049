"""`guichet preview` (web/preview): a designer's copy of a definition, previewed as
applicants see it, with no login and no database; reloaded when the file changes.

Each test previews a copy of tests/definitions/essai.yaml in its own folder, with a
tests file of sample cases beside it.
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import EnvironBuilder

from engine import ErrorCode, convert, convert_text
from engine.compare import today
from engine.pipeline import forms_dir
from tests.definitions import DIRECTORY, ESSAI
from tests.web.test_documents import pdf_text
from web.cli import main
from web.cli import preview as preview_cli
from web.preview import create_preview_app
from web.preview.watch import WORKSPACE

CASES = """\
- name: étudiante avec numéro
  answers: {categorie: etudiant, a_numero: true, numero: "12345678"}
  profile: {given_names: Ada, family_names: Lovelace}
  expect: {}
- name: sans numéro
  answers: {a_numero: false}
"""
SECTION = "/formulaires/essai/sections/identite"
NUMBER_LABEL = "Numéro d&#39;essai"  # essai.yaml's question shown when a_numero is yes
VALS = re.compile(r"hx-vals='([^']*)'")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(DIRECTORY / f"{ESSAI}.yaml", tmp_path / f"{ESSAI}.yaml")
    (tmp_path / f"{ESSAI}.tests.yaml").write_text(CASES, encoding="utf-8")
    return tmp_path


@pytest.fixture
def client(folder: Path) -> FlaskClient:
    app = create_preview_app([folder], test_config={"TESTING": True,
                                                    "WTF_CSRF_ENABLED": False})
    return app.test_client()


def _generation(page: str) -> str:
    """The generation the page's poll sends (its hx-vals)."""
    return json.loads(html.unescape(VALS.search(page).group(1)))["generation"]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_lists_the_definitions_and_not_their_tests_files(client: FlaskClient,
                                                         folder: Path) -> None:
    shutil.copy(DIRECTORY / "atelier.yaml", folder / "atelier.yaml")
    page = client.get("/").get_data(as_text=True)
    assert "essai.yaml" in page and "atelier.yaml" in page
    assert "essai.tests.yaml" not in page
    assert 'href="/formulaires/essai/sections/identite"' in page


def test_a_section_is_the_portal_s_page_with_no_login(client: FlaskClient) -> None:
    response = client.get("/formulaires/essai/")
    assert response.status_code == 302 and response.location.endswith(SECTION)
    page = client.get(SECTION).get_data(as_text=True)
    assert 'id="section-form"' in page and 'id="section-nav"' in page
    assert "Situation et numéros" in page  # the section's title
    assert 'name="categorie"' in page
    assert NUMBER_LABEL not in page  # shown only when a_numero is yes


def test_conditions_are_live_as_in_the_portal(client: FlaskClient) -> None:
    client.get(SECTION)
    fragment = client.post(f"{SECTION}/actualiser", data={"a_numero": "true"},
                           headers={"HX-Request": "true"}).get_data(as_text=True)
    assert NUMBER_LABEL in fragment and 'name="numero"' in fragment
    assert "<html" not in fragment  # the fragment the portal's htmx update swaps in
    # what was typed is kept: the section drawn again shows it
    assert NUMBER_LABEL in client.get(SECTION).get_data(as_text=True)


def test_the_language_switch_keeps_the_answers(client: FlaskClient) -> None:
    client.get(SECTION)
    page = client.post(f"{SECTION}/actualiser",
                       data={"a_numero": "true", "numero": "12345678",
                             "guichet_lang": "en"}, follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en">' in page and "Situation and numbers" in page
    assert 'value="12345678"' in page


def test_recap_and_pdf_of_the_answers_typed(client: FlaskClient) -> None:
    client.post(f"{SECTION}/actualiser", data={"categorie": "etudiant"})
    recap = client.get("/formulaires/essai/recapitulatif").get_data(as_text=True)
    assert "Aux études" in recap  # the option's label, as the recap shows it
    response = client.get("/formulaires/essai/recapitulatif.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    # named as the portal names it, {number} being the preview's key
    assert response.headers["Content-Disposition"] == (
        "inline; filename*=UTF-8''recapitulatif-essai.pdf")
    text = pdf_text(response.data)
    assert "Aperçu — non soumis" in text  # never "submitted" today
    assert today().isoformat() not in text


def test_sample_answers_load_in_one_click(client: FlaskClient) -> None:
    page = client.get(SECTION).get_data(as_text=True)
    assert "étudiante avec numéro" in page and "sans numéro" in page
    response = client.post("/formulaires/essai/exemples",
                           data={"case": "0", "retour": "identite"})
    assert response.status_code == 302 and response.location.endswith(SECTION)
    page = client.get(SECTION).get_data(as_text=True)
    assert "Ada Lovelace" in page  # the case's profile names the applicant
    assert '<option value="etudiant" selected>' in page
    assert 'value="12345678"' in page


def test_errors_instead_of_the_form_with_file_line_and_yaml(client: FlaskClient,
                                                            folder: Path) -> None:
    path = folder / f"{ESSAI}.yaml"
    _edit(path, "  - id: identite\n", "  - id: identite\n    title: [\n")
    errors = convert(path).errors
    assert errors and errors[0].code is ErrorCode.YAML_SYNTAX
    page = client.get(SECTION).get_data(as_text=True)
    assert 'id="section-form"' not in page
    for e in errors:
        assert f"{path}:{e.line}" in page
        assert str(escape(e.message)) in page
    marked = path.read_text(encoding="utf-8").splitlines()[errors[0].line - 1]
    assert f"{errors[0].line:4d} → {escape(marked)}</mark>" in page
    # fixed, the form is back
    _edit(path, "    title: [\n", "")
    assert 'id="section-form"' in client.get(SECTION).get_data(as_text=True)


def test_every_error_of_a_file_is_shown(client: FlaskClient, folder: Path) -> None:
    path = folder / "many_errors.yaml"
    shutil.copy(DIRECTORY.parent / "fixtures" / "many_errors.yaml", path)
    errors = convert(path).errors
    assert len(errors) > 1
    page = client.get("/formulaires/many_errors/").get_data(as_text=True)
    for e in errors:
        assert f"<code>{path}:{e.line}</code>: {escape(e.message)}" in page
    assert f"{len(errors)} erreurs" in client.get("/").get_data(as_text=True)


def test_a_saved_file_reloads_the_page_with_the_answers_typed(client: FlaskClient,
                                                              folder: Path) -> None:
    page = client.get(SECTION).get_data(as_text=True)
    generation = _generation(page)
    watch = "/formulaires/essai/surveiller"
    assert client.post(watch, data={"generation": generation}).status_code == 204
    _edit(folder / f"{ESSAI}.yaml", "fr: Numéro d'essai,", "fr: Numéro d'essai modifié,")
    typed = {"generation": generation, "section": "identite", "version": "0",
             "page": SECTION, "a_numero": "true", "numero": "87654321"}
    response = client.post(watch, data=typed)
    # htmx fetches the section's address again and morphs the whole page into the body
    assert response.status_code == 200 and "HX-Redirect" not in response.headers
    where = json.loads(response.headers["HX-Location"])
    assert where["path"] == SECTION and where["target"] == "body"
    assert where["swap"] == "morph:innerHTML" and where["push"] == "false"
    page = client.get(SECTION, headers={"HX-Request": "true", **where["headers"]}
                      ).get_data(as_text=True)
    assert "<html" in page  # the whole page, not the fragment of the questions
    assert "Numéro d&#39;essai modifié" in page
    assert 'value="87654321"' in page  # what was typed before the reload
    assert client.post(watch, data={"generation": _generation(page)}).status_code == 204


def test_a_page_drawn_by_a_post_reloads_at_its_own_address(client: FlaskClient,
                                                            folder: Path) -> None:
    """After the language switch (a POST) the poll sends the browser to the section's
    address, never to repeat the POST."""
    page = client.post(f"{SECTION}/actualiser",
                       data={"guichet_lang": "en"}, follow_redirects=True).get_data(as_text=True)
    vals = json.loads(html.unescape(VALS.search(page).group(1)))
    assert vals["page"] == SECTION
    _edit(folder / f"{ESSAI}.yaml", "en: Test number}", "en: Test number, changed}")
    response = client.post("/formulaires/essai/surveiller", data=vals)
    assert response.headers["HX-Redirect"] == SECTION
    assert "Test number, changed" in client.get(SECTION).get_data(as_text=True)


def test_a_file_missing_for_a_moment_is_waited_for(client: FlaskClient, folder: Path) -> None:
    """An editor may save by writing a new file and renaming it over the old one."""
    vals = json.loads(html.unescape(VALS.search(client.get(SECTION).get_data(as_text=True))
                                    .group(1)))
    path = folder / f"{ESSAI}.yaml"
    saved = path.read_text(encoding="utf-8")
    path.unlink()
    assert client.post("/formulaires/essai/surveiller", data=vals).status_code == 204
    path.write_text(saved.replace("en: Test number}", "en: Test number, renamed}"),
                    encoding="utf-8")
    assert client.post("/formulaires/essai/surveiller", data=vals).status_code == 200


def test_the_list_reloads_when_a_file_is_added(client: FlaskClient, folder: Path) -> None:
    page = client.get("/").get_data(as_text=True)
    vals = json.loads(html.unescape(VALS.search(page).group(1)))
    assert client.post("/surveiller", data=vals).status_code == 204
    shutil.copy(DIRECTORY / "atelier.yaml", folder / "atelier.yaml")
    assert client.post("/surveiller", data=vals).headers["HX-Redirect"] == "/"
    assert "atelier.yaml" in client.get("/").get_data(as_text=True)


def test_same_version_new_content_is_simply_shown(client: FlaskClient, folder: Path) -> None:
    """Nothing is published: a save keeping `version:` never meets the portal's
    "published version edited" refusal."""
    client.get(SECTION)
    _edit(folder / f"{ESSAI}.yaml", "title: {fr: Situation et numéros",
          "title: {fr: Situation et numéros bis")
    assert "Situation et numéros bis" in client.get(SECTION).get_data(as_text=True)


def test_another_host_name_is_refused(client: FlaskClient) -> None:
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr(preview_cli, "serve_preview",
                        lambda app, host, port: calls.append((host, port)))
    return calls


def test_binds_to_this_machine_whatever_the_environment(served: list, folder: Path) -> None:
    env = {"HOST": "0.0.0.0", "FLASK_RUN_HOST": "0.0.0.0", "GUICHET_HOST": "0.0.0.0"}
    result = CliRunner().invoke(main, ["preview", str(folder), "--port", "8123"], env=env)
    assert result.exit_code == 0, result.output
    assert served == [("127.0.0.1", 8123)]
    assert "http://127.0.0.1:8123/" in result.output


def test_another_address_only_with_host_and_a_warning(served: list, folder: Path) -> None:
    result = CliRunner().invoke(main, ["preview", str(folder), "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert served == [("0.0.0.0", preview_cli.DEFAULT_PORT)]
    assert "Warning: the preview answers on 0.0.0.0" in result.output


def test_without_a_path_it_previews_forms(served: list) -> None:
    result = CliRunner().invoke(main, ["preview"])
    assert result.exit_code == 0, result.output
    assert f"Guichet preview of {forms_dir()}:" in result.output


def test_the_polls_are_not_logged() -> None:
    quiet = preview_cli.QuietPolls()

    def line(path: str) -> logging.LogRecord:
        return logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                                 '"%s" %s %s', (f"POST {path} HTTP/1.1", "204", "-"), None)

    assert not quiet.filter(line("/formulaires/essai/surveiller"))
    assert quiet.filter(line("/formulaires/essai/sections/identite"))


def test_a_page_that_fails_to_draw_says_why_and_keeps_polling(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(*args: object, **kwargs: object) -> None:
        raise KeyError("NNNNNN")

    monkeypatch.setattr("web.preview.views.draw_section", fails)
    response = client.get(SECTION)
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "KeyError: &#39;NNNNNN&#39;" in page
    assert 'hx-post="/formulaires/essai/surveiller"' in page  # a fix is seen
    assert client.get("/formulaires/essai/inconnue").status_code == 404


def test_every_section_of_every_shipped_definition_is_drawn() -> None:
    app = create_preview_app([forms_dir()], test_config={"TESTING": True})
    client = app.test_client()
    entries = app.extensions[WORKSPACE].entries()
    assert entries
    for entry in entries:
        assert entry.compiled is not None, [str(e.error) for e in entry.errors]
        for s in entry.compiled.definition.sections:
            response = client.get(f"/formulaires/{entry.key}/sections/{s.id}")
            # a section shown on a condition is hidden (302) while nothing is answered
            expected = (200, 302) if s.when is not None else (200,)
            assert response.status_code in expected, (entry.key, s.id)
            if response.status_code == 200:
                assert 'id="section-form"' in response.get_data(as_text=True), s.id
        assert client.get(f"/formulaires/{entry.key}/recapitulatif").status_code == 200


def test_a_file_the_engine_fails_on_is_one_entry(client: FlaskClient, folder: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the engine raises on one file, the list and the other files work."""
    shutil.copy(DIRECTORY / "atelier.yaml", folder / "atelier.yaml")
    real = convert_text

    def fails_on_atelier(text: str, path: str) -> object:
        if Path(path).name == "atelier.yaml":
            raise RuntimeError("the engine tripped\nsecond line")
        return real(text, path)

    monkeypatch.setattr("web.preview.watch.convert_text", fails_on_atelier)
    listing = client.get("/")
    assert listing.status_code == 200
    page = html.unescape(listing.get_data(as_text=True))
    assert "n'a pas pu être lu : <code lang=\"en\">RuntimeError: the engine tripped</code>" in page
    assert "second line" not in page
    assert 'href="/formulaires/essai/sections/identite"' in page
    assert client.get(SECTION).status_code == 200
    broken = client.get("/formulaires/atelier/")
    assert broken.status_code == 200
    assert "RuntimeError: the engine tripped" in broken.get_data(as_text=True)


def test_a_deeply_nested_file_does_not_take_the_preview_down(client: FlaskClient,
                                                             folder: Path) -> None:
    (folder / "profond.yaml").write_text("id: " + "[" * 5000 + "\n", encoding="utf-8")
    assert client.get("/").status_code == 200
    assert client.get("/formulaires/profond/").status_code == 200
    assert client.get(SECTION).status_code == 200


def test_a_tests_file_the_reader_fails_on_gives_no_samples(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def fails(*args: object) -> None:
        raise ValueError("reader tripped")

    monkeypatch.setattr("web.preview.samples.read_tests", fails)
    response = client.get(SECTION)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "could not be read: ValueError: reader tripped" in page
    assert 'id="section-form"' in page


def test_a_deleted_file_s_page_says_it_is_gone_and_comes_back(
        client: FlaskClient, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vals = json.loads(html.unescape(VALS.search(client.get(SECTION).get_data(as_text=True))
                                    .group(1)))
    path = folder / f"{ESSAI}.yaml"
    saved = path.read_text(encoding="utf-8")
    path.unlink()
    watch = "/formulaires/essai/surveiller"
    assert client.post(watch, data=vals).status_code == 204  # maybe an editor's rename
    monkeypatch.setattr("web.preview.views.MISSING_GRACE_S", 0)
    response = client.post(watch, data=vals)  # missing for longer: deleted
    assert response.headers["HX-Redirect"] == SECTION
    gone = client.get(SECTION)
    page = gone.get_data(as_text=True)
    assert gone.status_code == 404
    assert "Plus de définition « essai »" in page and 'href="/"' in page
    assert 'id="section-form"' not in page
    list_vals = json.loads(html.unescape(VALS.search(page).group(1)))
    assert client.post("/surveiller", data=list_vals).status_code == 204
    path.write_text(saved, encoding="utf-8")  # back: the list's poll draws the page again
    assert client.post("/surveiller", data=list_vals).headers["HX-Redirect"] == SECTION
    assert 'id="section-form"' in client.get(SECTION).get_data(as_text=True)


def test_samples_are_one_select_and_one_button(client: FlaskClient, folder: Path) -> None:
    many = "".join(f"- name: cas {n}\n  answers: {{a_numero: false}}\n" for n in range(12))
    (folder / f"{ESSAI}.tests.yaml").write_text(many, encoding="utf-8")
    page = client.get(SECTION).get_data(as_text=True)
    assert page.count('name="case"') == 1
    assert '<select class="input input--select" id="preview-case" name="case">' in page
    assert all(f'<option value="{n}">cas {n}</option>' in page for n in range(12))
    assert page.count(">Charger</button>") == 1


def test_a_tests_file_with_mistakes_shows_them_all_and_offers_no_case(
        client: FlaskClient, folder: Path) -> None:
    from engine.formtests import load_tests

    text = CASES + "- name: faux un\n  answers: {inconnu_un: 1}\n" \
                   "- name: faux deux\n  answers: {inconnu_deux: 2}\n"
    path = folder / f"{ESSAI}.tests.yaml"
    path.write_text(text, encoding="utf-8")
    _, mistakes = load_tests(convert(folder / f"{ESSAI}.yaml").compiled, text, str(path))
    assert len(mistakes) >= 2
    page = client.get(SECTION).get_data(as_text=True)
    for mistake in mistakes:
        assert str(escape(str(mistake))) in page
    assert 'name="case"' not in page and "étudiante avec numéro" not in page


@pytest.fixture
def pieces(folder: Path) -> FlaskClient:
    """The preview of tests/definitions/pieces.yaml (file questions)."""
    shutil.copy(DIRECTORY / "pieces.yaml", folder / "pieces.yaml")
    app = create_preview_app([folder / "pieces.yaml"],
                             test_config={"TESTING": True, "WTF_CSRF_ENABLED": False})
    return app.test_client()


def test_a_file_chosen_answers_its_question_and_the_page_says_it_is_not_kept(
        pieces: FlaskClient) -> None:
    import hashlib
    import io

    section = "/formulaires/pieces/sections/documents"
    page = html.unescape(pieces.get(section).get_data(as_text=True))
    assert "Les fichiers ne sont pas conservés dans l'aperçu." in page
    content = b"%PDF-1.4 preview\n" * 10
    response = pieces.post(section, data={"version": "0", "nom": "x",
                                          "preuve": (io.BytesIO(content), "acte.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    page = pieces.get(section + "?verifier=1").get_data(as_text=True)
    assert '<span class="file-list__name">acte.pdf</span>' in page
    assert "/fichiers/" not in page  # a name, not a link to a file the preview never kept
    recap = pieces.get("/formulaires/pieces/recapitulatif").get_data(as_text=True)
    assert "acte.pdf" in recap and hashlib.sha256(content).hexdigest() in recap


def test_a_file_over_the_question_s_limit_is_refused_with_its_message(
        pieces: FlaskClient) -> None:
    import io

    section = "/formulaires/pieces/sections/documents"
    big = io.BytesIO(b"0" * 1_000_001)  # preuve takes 1 MB at most
    # werkzeug's test client leaves a big body's temporary file open: built and closed here
    environ = EnvironBuilder(section, method="POST",
                             data={"version": "0", "preuve": (big, "gros.pdf")}).get_environ()
    try:
        response = pieces.open(environ)
    finally:
        environ["wsgi.input"].close()
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "gros.pdf" not in page and "Ce fichier dépasse" in page


def test_the_language_switch_lands_on_the_section_s_address(client: FlaskClient) -> None:
    response = client.post(f"{SECTION}/actualiser",
                           data={"a_numero": "true", "numero": "12345678",
                                 "guichet_lang": "en", "guichet_errors": "1"})
    assert response.status_code == 303
    assert response.location.endswith(f"{SECTION}?verifier=1")  # the errors it showed, too
    page = client.get(response.location).get_data(as_text=True)
    assert '<html lang="en">' in page and 'value="12345678"' in page


def test_only_a_page_with_the_section_form_sends_it_with_its_poll(client: FlaskClient,
                                                                   folder: Path) -> None:
    assert 'hx-include="#section-form"' in client.get(SECTION).get_data(as_text=True)
    recap = client.get("/formulaires/essai/recapitulatif").get_data(as_text=True)
    assert 'id="section-form"' not in recap and "hx-include" not in recap
    _edit(folder / f"{ESSAI}.yaml", "  - id: identite\n", "  - id: identite\n    title: [\n")
    broken = client.get(SECTION).get_data(as_text=True)
    assert 'id="section-form"' not in broken and "hx-include" not in broken


def test_no_account_links_in_the_preview(client: FlaskClient) -> None:
    page = client.get(SECTION).get_data(as_text=True)
    assert 'href="/connexion"' not in page and 'href="/inscription"' not in page


def test_the_preview_s_own_texts_follow_the_language(client: FlaskClient, folder: Path) -> None:
    page = html.unescape(client.get(SECTION).get_data(as_text=True))
    assert "Toutes les définitions" in page and "la page se met à jour d'elle-même" in page
    client.post("/langue", data={"lang": "en", "next": "/"})
    page = client.get(SECTION).get_data(as_text=True)
    assert "All definitions" in page and "the page updates by itself" in page
    assert "Sample answers from essai.tests.yaml" in page and ">Load</button>" in page
    _edit(folder / f"{ESSAI}.yaml", "  - id: identite\n", "  - id: identite\n    title: [\n")
    broken = client.get(SECTION).get_data(as_text=True)
    assert "Fix the file and save it: the form comes back by itself." in broken
    assert "essai.yaml: 1 error<" in broken


def test_a_section_hidden_by_the_file_is_left_by_a_full_load(client: FlaskClient,
                                                               folder: Path) -> None:
    """The section shown is now hidden by its `when`: the browser loads its address (and
    lands on the first section), never a morph under the old address."""
    generation = _generation(client.get("/formulaires/essai/sections/rendez_vous")
                             .get_data(as_text=True))
    _edit(folder / f"{ESSAI}.yaml", "  - id: rendez_vous\n",
          "  - id: rendez_vous\n    when: {categorie: etudiant}\n")
    response = client.post("/formulaires/essai/surveiller",
                           data={"generation": generation, "section": "rendez_vous",
                                 "version": "0", "page": "/formulaires/essai/sections/rendez_vous"})
    assert "HX-Location" not in response.headers
    assert response.headers["HX-Redirect"] == "/formulaires/essai/sections/rendez_vous"


def test_an_empty_file_is_refused_not_dropped(pieces: FlaskClient) -> None:
    import io

    response = pieces.post("/formulaires/pieces/sections/documents",
                           data={"version": "0", "preuve": (io.BytesIO(b""), "vide.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'class="field__error"' in response.get_data(as_text=True)
