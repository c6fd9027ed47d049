"""File questions in the portal (issue 15, web side), on the tests' type `pieces`: files
chosen then ENREGISTRER are kept and listed, refused ones say why next to the question
and in the error summary without losing the other answers, "Retirer" removes, the body
limit is raised only for such sections, only the owner downloads, the recap and the PDF
list each file, and submitting freezes them."""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re

import pytest
from werkzeug.test import EnvironBuilder

import storage
from tests.storage.files_data import HTML, PDF, png
from tests.web.test_documents import download_url, pdf_text
from web.background.worker import render_pending_documents

SECTION = "documents"
PNG = png()
PNG_SHA = hashlib.sha256(PNG).hexdigest()


def _refs(html: str, field: str = "preuve") -> list[dict]:
    return [json.loads(m.replace("&#34;", '"').replace("&quot;", '"'))
            for m in re.findall(rf'<input type="hidden" name="{field}" value="([^"]*)">', html)]


def _owner(person) -> int:
    return storage.find_account_by_email(person.profile["email"]).id


def _stored_bytes() -> list[str]:
    root = storage.current_store().files.root
    return [os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs]


def _upload(person, number: str, files: dict, answers: dict | None = None,
            section: str = SECTION):
    """Open the section, choose `files` (field -> list of (bytes, name)), ENREGISTRER."""
    page = person.get(person.section_url(number, section)).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data: dict = {"version": version, **(answers or {})}
    for field, chosen in files.items():
        data[field] = [(io.BytesIO(content), name) for content, name in chosen]
    data["csrf_token"] = person.token()
    # werkzeug's test client leaves a big body's temporary file open: built and closed here
    environ = EnvironBuilder(person.section_url(number, section), method="POST",
                             data=data).get_environ()
    try:
        person.last = person.client.open(environ)
    finally:
        environ["wsgi.input"].close()
    return person.last


@pytest.fixture
def number(maria) -> str:
    return maria.create_dossier("pieces")


def test_section_page__form_is_multipart_input_accessible(maria, number):
    page = maria.get(maria.section_url(number, SECTION)).get_data(as_text=True)
    assert 'enctype="multipart/form-data" hx-encoding="multipart/form-data"' in page
    assert ('<input class="input input--file" type="file" id="f-preuve" name="preuve" '
            'accept="application/pdf,image/jpeg,image/png" multiple aria-required="true" '
            'aria-describedby="f-preuve-help">') in page
    assert ("L&#39;acte de naissance. Formats acceptés : PDF, JPEG ou PNG. Taille maximale : "
            "1\u00a0Mo par fichier. Jusqu&#39;à 2 fichiers.") in page
    photo = re.search(r'<input class="input input--file"[^>]*id="f-photo"[^>]*>', page).group(0)
    assert 'accept="image/png"' in photo and "multiple" not in photo
    other = maria.create_dossier("essai")
    assert "multipart" not in maria.get(maria.section_url(other, "identite")).get_data(
        as_text=True)


def test_real_png__kept_listed_with_name_size_hash_and_other_answers_saved(maria, number):
    response = _upload(maria, number, {"preuve": [(PNG, "acte naissance.png")]},
                       {"nom_dossier": "Famille"})
    assert response.status_code == 302
    page = maria.get(maria.section_url(number, SECTION)).get_data(as_text=True)
    assert 'value="Famille"' in page
    [ref] = _refs(page)
    assert ref["name"] == "acte naissance.png" and ref["size"] == len(PNG)
    assert ref["sha256"] == PNG_SHA and PNG_SHA in page and f"({len(PNG)}\u00a0o)" in page
    assert f'href="/dossiers/{number}/fichiers/{ref["id"]}" download>acte naissance.png</a>' in page
    assert f'name="preuve.retirer" value="{ref["id"]}"' in page
    assert [u.id for u in storage.dossier_uploads(_owner(maria), number)] == [ref["id"]]


@pytest.mark.parametrize("content, name", [(PDF, "photo.png"), (HTML, "acte.pdf")])
def test_wrong_type_by_content__refused_next_to_field_and_in_summary_nothing_lost(
        maria, number, content, name):
    response = _upload(maria, number, {"photo" if name.endswith("png") else "preuve":
                                       [(content, name)]}, {"nom_dossier": "Famille"})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    message = ("Ce type de fichier n'est pas accepté : joignez un fichier PNG." if
               name.endswith("png") else
               "Ce type de fichier n'est pas accepté : joignez un fichier PDF, JPEG ou PNG.")
    assert page.count(message) == 2  # at the question and in the error summary
    assert 'value="Famille"' in page  # the rest is saved and shown
    assert storage.dossier_uploads(_owner(maria), number) == []
    assert storage.get_dossier(_owner(maria), number).answers == {"nom_dossier": "Famille"}


def test_english__refusal_in_english(maria, number):
    maria.switch_language("en")
    page = html.unescape(_upload(maria, number, {"preuve": [(HTML, "acte.pdf")]}).get_data(
        as_text=True))
    assert "This type of file is not accepted: attach a PDF, JPEG or PNG file." in page
    assert ("Accepted formats: PDF, JPEG or PNG. Maximum size: 1 MB per file. Up to 2 files."
            in page)


def test_oversized_file__refused_before_stored(maria, number):
    before = _stored_bytes()
    big = b"%PDF-1.4\n" + b"0" * 1_100_000
    response = _upload(maria, number, {"preuve": [(big, "gros.pdf")]})
    assert response.status_code == 422
    assert "Ce fichier dépasse 1\u00a0Mo : joignez un fichier plus petit." in html.unescape(
        response.get_data(as_text=True))
    assert storage.dossier_uploads(_owner(maria), number) == [] and _stored_bytes() == before


def test_too_many_files__third_refused(maria, number):
    response = _upload(maria, number, {"preuve": [(PNG, "a.png"), (PDF, "b.pdf"),
                                                  (PNG, "c.png")]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Joignez au plus 2 fichiers" in page
    assert [r["name"] for r in _refs(page)] == ["a.png", "b.pdf"]
    # which file was not attached is said (several chosen, some kept)
    assert page.count("Fichier non joint : c.png.") == 2  # at the question and in the summary


def test_several_files_refused__each_named_once_in_the_pages_language(maria, number):
    response = _upload(maria, number, {"preuve": [(PNG, "a.png"), (PDF, "b.pdf"),
                                                  (PNG, "c.png"), (PDF, "d.pdf")]})
    page = html.unescape(response.get_data(as_text=True))
    assert "Joignez au plus 2 fichiers" in page
    assert "Fichiers non joints : c.png et d.pdf." in page
    maria.switch_language("en")
    english = html.unescape(_upload(maria, number, {"preuve": [
        (PNG, "e.png"), (PNG, "f.png"), (PNG, "g.png"), (PNG, "h.png")]}).get_data(as_text=True))
    # the field holds 2 files already (this post names none of them): all 4 refused
    assert "Files not attached: e.png, f.png, g.png, and h.png." in english


def test_files_refused_for_different_reasons__each_named_under_its_own(maria, number):
    big = b"%PDF-1.4\n" + b"0" * 1_100_000
    response = _upload(maria, number, {"preuve": [(HTML, "notes.pdf"), (big, "gros.pdf"),
                                                  (PNG, "acte.png")]})
    page = html.unescape(response.get_data(as_text=True))
    assert ("Ce type de fichier n'est pas accepté : joignez un fichier PDF, JPEG ou PNG. "
            "Fichier non joint : notes.pdf. Ce fichier dépasse 1\u00a0Mo : joignez un "
            "fichier plus petit. Fichier non joint : gros.pdf.") in page
    assert [r["name"] for r in _refs(response.get_data(as_text=True))] == ["acte.png"]


def test_request_over_the_upload_limit__413_before_reading(app, maria, number):
    app.config["UPLOAD_REQUEST_MAX_MB"] = 1
    url = maria.section_url(number, SECTION)
    maria.get(url)
    read = []

    class Body(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, b):
            read.append(len(b))
            b[:1] = b"x"
            return 1

    response = maria.client.post(url, environ_overrides={
        "wsgi.input": Body(), "CONTENT_LENGTH": "5000000",
        "CONTENT_TYPE": "multipart/form-data; boundary=x"})
    assert response.status_code == 413 and sum(read) < 100
    page = html.unescape(response.get_data(as_text=True))
    assert "Envoi trop volumineux" in page and "pour un envoi (1 Mo)" in page


def test_body_limit__raised_only_for_file_sections(app, maria, number):
    other = maria.create_dossier("essai")
    maria.get(maria.section_url(other, "identite"))
    big = {"version": "0", "categorie": "x" * 300_000}
    assert maria.post(maria.section_url(other, "identite"), big).status_code == 413
    # the same size is accepted by a section holding a file question
    assert _upload(maria, number, {}, {"nom_dossier": "x" * 300_000}).status_code != 413


def test_other_account__404_on_download_and_unknown_id(maria, other, number):
    _upload(maria, number, {"preuve": [(PNG, "a.png")]})
    [ref] = _refs(maria.get(maria.section_url(number, SECTION)).get_data(as_text=True))
    url = f"/dossiers/{number}/fichiers/{ref['id']}"
    assert other.get(url).status_code == 404
    assert maria.get(f"/dossiers/{number}/fichiers/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404


def test_owner_download__attachment_safe_name_nosniff_no_store(maria, number):
    _upload(maria, number, {"preuve": [(PNG, 'é"vil\r\nname.png')]})
    [ref] = _refs(maria.get(maria.section_url(number, SECTION)).get_data(as_text=True))
    response = maria.get(f"/dossiers/{number}/fichiers/{ref['id']}")
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and body == PNG
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\n" not in disposition
    assert "filename*=UTF-8''" in disposition and '"vil' not in disposition
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_forged_reference__not_kept(maria, other, number):
    theirs = other.create_dossier("pieces")
    _upload(other, theirs, {"preuve": [(PNG, "a.png")]})
    [ref] = _refs(other.get(other.section_url(theirs, SECTION)).get_data(as_text=True))
    page = maria.get(maria.section_url(number, SECTION)).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    maria.post(maria.section_url(number, SECTION),
               {"version": version, "preuve": json.dumps(ref), "nom_dossier": "x"})
    assert "preuve" not in storage.get_dossier(_owner(maria), number).answers


def test_remove__file_deleted_and_unlisted(maria, number):
    _upload(maria, number, {"preuve": [(PNG, "a.png"), (PDF, "b.pdf")]}, {"nom_dossier": "x"})
    page = maria.get(maria.section_url(number, SECTION)).get_data(as_text=True)
    first, second = _refs(page)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = maria.post(maria.section_url(number, SECTION),
                          {"version": version, "nom_dossier": "x",
                           "preuve": [json.dumps(first), json.dumps(second)],
                           "preuve.retirer": first["id"]})
    assert response.status_code == 302
    page = maria.get(maria.section_url(number, SECTION)).get_data(as_text=True)
    assert [r["id"] for r in _refs(page)] == [second["id"]]
    assert [u.id for u in storage.dossier_uploads(_owner(maria), number)] == [second["id"]]


def test_recap_pdf_and_submit__listed_then_frozen_without_remove(maria, number, registry):
    _upload(maria, number, {"preuve": [(PNG, "acte.png")]}, {"nom_dossier": "x"})
    recap = html.unescape(maria.get(f"/dossiers/{number}/recapitulatif").get_data(as_text=True))
    assert f"acte.png ({len(PNG)}\u00a0o) – SHA-256 : {PNG_SHA}" in recap
    assert maria.submit(number).status_code == 302
    assert all(u.frozen for u in storage.dossier_uploads(_owner(maria), number))
    page = maria.get(maria.section_url(number, SECTION)).get_data(as_text=True)
    assert "acte.png" in page and ".retirer" not in page and 'type="file"' not in page
    assert render_pending_documents(registry) == 1
    response = maria.get(download_url(maria))
    pdf = pdf_text(response.get_data())
    response.close()
    assert f"acte.png({len(PNG)}o)–SHA-256:{PNG_SHA}" in pdf.replace(" ", "")


def test_update_of_the_questions__htmx__listed_files_shown_forged_ones_dropped(maria, number):
    _upload(maria, number, {"preuve": [(PNG, "a.png")]})
    [ref] = _refs(maria.get(maria.section_url(number, SECTION)).get_data(as_text=True))
    forged = {**ref, "id": "B" * 22, "name": "autre.png"}
    response = maria.refresh(number, SECTION, {"preuve": [json.dumps(ref), json.dumps(forged)],
                                               "nom_dossier": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert [r["id"] for r in _refs(page)] == [ref["id"]] and "autre.png" not in page


def test_file_question_hidden_by_a_later_answer__its_answer_archived_with_its_file(
        maria, number):
    """The answer of a question hidden by a later change is archived, not lost: its file
    stays stored with it (never pruned as unreferenced)."""
    before = len(_stored_bytes())
    assert _upload(maria, number, {"piece_autre": [(PNG, "autre.png")]},
                   {"autre_piece": "true"}, section="suite").status_code == 302
    assert len(_stored_bytes()) == before + 1
    page = maria.get(maria.section_url(number, "suite")).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = maria.post(maria.section_url(number, "suite"),
                          {"version": version, "autre_piece": "false",
                           "piece_autre": [json.dumps(r) for r in _refs(page, "piece_autre")]})
    assert response.status_code == 302
    assert [a.field_id for a in storage.archived_answers(number)] == ["piece_autre"]
    assert len(_stored_bytes()) == before + 1
    assert [u.name for u in storage.dossier_uploads(_owner(maria), number)] == ["autre.png"]
