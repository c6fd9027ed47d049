"""Mes documents: the recap PDF rendered in the background from the frozen snapshot,
listed, downloaded as stored; never another applicant's."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pypdf
import pytest

import storage
from tests.definitions import IDENTITE, RENDEZ_VOUS
from web.background.worker import render_pending_documents

DOWNLOAD = re.compile(r'href="(/documents/[A-Za-z0-9_-]{22}/telecharger)"')


def pdf_text(content: bytes) -> str:
    """The PDF's text with whitespace collapsed (WeasyPrint wraps long labels)."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def submitted(maria):
    """Maria's dossier submitted on 2022-07-11 at 15:20, Montréal time."""
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    return maria.submitted_dossier()


def download_url(applicant) -> str:
    return DOWNLOAD.search(applicant.get("/documents/").get_data(as_text=True)).group(1)


def test_submission__pdf_not_rendered_in_the_request__row_en_preparation_without_link(
        maria, submitted):
    page = maria.get("/documents/").get_data(as_text=True)
    row = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1)
    assert submitted in row and "2022-07-11 15:20" in row
    assert "Récapitulatif de votre dossier d&#39;essai" in row
    assert "En préparation" in row and "Télécharger" not in row and "href" not in row
    assert 'hx-trigger="every 3s"' in page  # with JavaScript, the table asks again


def test_download__not_rendered_yet__back_to_the_list_with_a_notice(maria, submitted):
    (document,) = storage.list_documents(storage.find_account_by_email(
        maria.profile["email"]).id)
    response = maria.get(f"/documents/{document.public_id}/telecharger")
    assert response.status_code == 302 and response.location == "/documents/"
    assert "Ce document est en préparation" in maria.get("/documents/").get_data(as_text=True)


def test_documents__rendered__table_row_with_download_and_polling_stops(
        maria, submitted, registry):
    assert render_pending_documents(registry) == 1
    page = maria.get("/documents/", headers={"HX-Request": "true"})
    html = page.get_data(as_text=True)
    assert "HX-Request" in page.headers["Vary"] and "<html" not in html  # the fragment
    assert "hx-trigger" not in html and "En préparation" not in html
    for header in ("Numéro de dossier", "Documents", "Date de réception", "Format"):
        assert f'<th scope="col">{header}</th>' in html
    assert re.search(r'download>Télécharger<span class="visually-hidden">', html)
    assert "(PDF)" in html


def test_download__pdf__attachment_holds_recap_with_labels_and_masked_numbers(
        maria, submitted, registry):
    render_pending_documents(registry)
    response = maria.get(download_url(maria))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=recapitulatif-{submitted}.pdf")
    assert "no-store" in response.headers["Cache-Control"]
    text = pdf_text(response.data)
    for expected in ("Récapitulatif de votre dossier d'essai", "Maria Valdero",
                     f"Numéro de dossier : {submitted}", "Date de dépôt : 2022-07-11",
                     "Renseignements personnels", "Identité", "Coordonnées",
                     "Adresse du domicile", "Téléphone", "maria.valdero@example.com",
                     "20 rue Monge", "Situation et numéros", "Aux études",
                     "Rendez-vous", "Montréal", "En visioconférence", "Espagnol",
                     "Wolof", "Lundi Matin", "Mercredi Soir", "XXXXXXXXXX"):
        assert expected in text, expected
    assert IDENTITE["numero"] not in text
    assert IDENTITE["code"] not in text
    assert text.index("Renseignements personnels") < text.index(
        "Situation et numéros") < text.index("Rendez-vous")


def test_download__twice__same_bytes(maria, submitted, registry):
    render_pending_documents(registry)
    url = download_url(maria)
    assert maria.get(url).data == maria.get(url).data
    assert render_pending_documents(registry) == 0  # rendered once, kept


def test_profile_changed_after_submission__pdf_still_shows_the_submitted_profile(
        maria, submitted, registry):
    account = storage.find_account_by_email(maria.profile["email"])
    storage.update_profile(account.id, {"family_names": "Nouveaunom",
                                        "address_line1": "1 rue Neuve"})
    render_pending_documents(registry)  # rendered after the change: from the snapshot
    url = download_url(maria)
    first = maria.get(url).data
    text = pdf_text(first)
    assert "Valdero" in text and "20 rue Monge" in text
    assert "Nouveaunom" not in text and "1 rue Neuve" not in text
    storage.update_profile(account.id, {"given_names": "Autre"})
    render_pending_documents(registry)
    assert maria.get(url).data == first


def test_download__another_applicants_document__404(maria, submitted, registry, other):
    render_pending_documents(registry)
    url = download_url(maria)
    assert other.get(url).status_code == 404
    assert other.get("/documents/999999/telecharger").status_code == 404
    assert "Vous n&#39;avez aucun document." in other.get("/documents/").get_data(as_text=True)


def test_text_answer_with_html__escaped_in_the_pdf(maria, registry):
    hostile = '<script>alert("x")</script><img src="file:///etc/passwd">'
    number = maria.submitted_dossier({**RENDEZ_VOUS, "autre_langue": hostile})
    assert render_pending_documents(registry) == 1
    text = pdf_text(maria.get(download_url(maria)).data)
    assert number in text
    assert '<script>alert("x")</script><img src="file:///etc/' in text  # as typed, as text


def test_download__english_applicant__pdf_in_english(maria, registry):
    maria.switch_language("en")
    number = maria.submitted_dossier()
    render_pending_documents(registry)
    text = pdf_text(maria.get(download_url(maria)).data)
    for expected in ("Summary of your test dossier", f"File number : {number}",
                     "Personal information", "Monday Morning"):
        assert expected in text, expected


def test_download_address__random_public_id_never_the_sequential_one(
        maria, submitted, registry):
    render_pending_documents(registry)
    (document,) = storage.list_documents(storage.find_account_by_email(
        maria.profile["email"]).id)
    assert download_url(maria) == f"/documents/{document.public_id}/telecharger"
    assert maria.get(f"/documents/{document.id}/telecharger").status_code == 404
