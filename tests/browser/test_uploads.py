"""A file question in a real browser (issue 15): with JavaScript on, a file chosen with
the input (Playwright's set_input_files) and ENREGISTRER is kept and listed by name,
size and SHA-256, the other answers saved; a refused one says why at the question; the
page has no axe violation, with a file listed and with an error."""

from __future__ import annotations

import hashlib

from playwright.sync_api import expect

from tests.browser.test_guide import axe_check
from tests.browser.walk import Walk
from tests.storage.files_data import HTML, png

PNG = png()



def test_upload__js_on__file_listed_other_answers_kept_refusal_shown_axe_clean(
        page, registry):
    walk = Walk(page, registry["pieces"])
    walk.register()
    walk.create_dossier()
    axe_check(page, "file question, empty")
    walk.field("Nom à donner au dossier").fill("Famille Valdero")
    walk.field("Preuve de naissance").set_input_files(
        {"name": "acte.png", "mimeType": "image/png", "buffer": PNG})
    walk.button("Enregistrer").click()
    files = page.locator("#f-preuve-files")
    expect(files).to_contain_text("acte.png")
    expect(files).to_contain_text(f"({len(PNG)}\u00a0o)")
    expect(files).to_contain_text(hashlib.sha256(PNG).hexdigest())
    expect(walk.field("Nom à donner au dossier")).to_have_value("Famille Valdero")
    expect(page.get_by_role("button", name="Retirer acte.png")).to_be_visible()
    axe_check(page, "file question, one file listed")

    walk.field("Preuve de naissance").set_input_files(
        {"name": "acte.pdf", "mimeType": "application/pdf", "buffer": HTML})
    walk.button("Enregistrer").click()
    message = "Ce type de fichier n'est pas accepté : joignez un fichier PDF, JPEG ou PNG."
    expect(page.locator("#f-preuve-error")).to_contain_text(message)
    expect(page.locator(".error-summary")).to_contain_text(message)
    expect(files).to_contain_text("acte.png")  # the file kept before is still there
    axe_check(page, "file question, refused file")

    page.get_by_role("button", name="Retirer acte.png").click()
    expect(page.locator("#f-preuve-files")).to_have_count(0)
    expect(walk.field("Nom à donner au dossier")).to_have_value("Famille Valdero")


def test_upload__file_larger_than_the_question_takes__said_at_once_nothing_sent(
        page, registry):
    """A phone's photo larger than the question takes was sent whole before the server
    refused it; a choice of files larger together than a post may carry replaced the
    form with the 413 page. Both are said on the page before anything is sent."""
    walk = Walk(page, registry["pieces"])
    walk.register()
    walk.create_dossier()
    walk.field("Nom à donner au dossier").fill("Famille Valdero")
    proof = walk.field("Preuve de naissance")
    proof.set_input_files({"name": "photo.png", "mimeType": "image/png",
                           "buffer": PNG + b"\0" * 1_000_000})
    too_big = page.locator("#f-preuve-too-big")
    expect(too_big).to_contain_text("Ce fichier dépasse 1")
    expect(too_big).to_contain_text("joignez un fichier plus petit.")
    expect(proof).to_have_attribute("aria-invalid", "true")
    assert proof.evaluate("input => input.files.length") == 0  # not kept, not sent
    proof.set_input_files({"name": "acte.png", "mimeType": "image/png", "buffer": PNG})
    expect(too_big).to_have_count(0)
    axe_check(page, "file question, a file too large said before sending")
    # two chosen, one too large: that one is named, the other stays chosen and is saved
    proof.set_input_files([{"name": "gros.png", "mimeType": "image/png",
                            "buffer": PNG + b"\0" * 1_000_000},
                           {"name": "acte.png", "mimeType": "image/png", "buffer": PNG}])
    expect(too_big).to_contain_text("Ce fichier dépasse 1")
    expect(too_big).to_contain_text("Fichier non joint : gros.png.")
    assert proof.evaluate("input => Array.from(input.files, f => f.name)") == ["acte.png"]
    walk.button("Enregistrer").click()
    expect(page.locator("#f-preuve-files")).to_contain_text("acte.png")


def test_upload__files_too_large_together__said_above_the_form_answers_kept(
        page, registry, live_app):
    walk = Walk(page, registry["pieces"])
    walk.register()
    walk.create_dossier()
    before = live_app.config["UPLOAD_REQUEST_MAX_MB"]
    live_app.config["UPLOAD_REQUEST_MAX_MB"] = 1  # drawn into the page's form
    try:
        page.goto(page.url.split("?")[0] + "?limite=1")  # drawn afresh, not the page kept
        walk.field("Nom à donner au dossier").fill("Famille Valdero")
        half = b"\0" * 600_000
        walk.field("Preuve de naissance").set_input_files([
            {"name": "recto.png", "mimeType": "image/png", "buffer": PNG + half},
            {"name": "verso.png", "mimeType": "image/png", "buffer": PNG + half}])
        walk.button("Enregistrer").click()
        summary = page.locator("#too-large-summary")
        expect(summary).to_contain_text("dépassent ensemble la taille permise pour un envoi")
        expect(summary.get_by_role("link", name="Preuve de naissance")).to_be_visible()
        expect(walk.field("Nom à donner au dossier")).to_have_value("Famille Valdero")
    finally:
        live_app.config["UPLOAD_REQUEST_MAX_MB"] = before


def test_upload__file_chosen_then_a_link_followed__saved_on_the_way(page, registry):
    """Found by a trial: a file chosen, then a link of the page followed (the side
    navigation, Mes dossiers): typed answers were saved on the way, the file silently
    dropped (a chosen file did not count as a change)."""
    walk = Walk(page, registry["pieces"])
    walk.register()
    walk.create_dossier()
    here = page.url
    walk.field("Preuve de naissance").set_input_files(
        {"name": "acte.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("link", name="Mes dossiers").first.click()
    expect(page.get_by_role("heading", name="Mes dossiers")).to_be_visible()
    page.goto(here)
    expect(page.locator("#f-preuve-files")).to_contain_text("acte.png")


def test_upload__just_under_the_limit_with_the_parts_headers__said_not_sent(
        page, registry, live_app):
    """Found by a trial: the size check counted a file's bytes and name only; a file a
    few hundred bytes under the per-post limit passed it and the server's 413 page
    replaced the form. Each part's boundary and headers are counted too."""
    walk = Walk(page, registry["pieces"])
    walk.register()
    walk.create_dossier()
    before = live_app.config["UPLOAD_REQUEST_MAX_MB"]
    live_app.config["UPLOAD_REQUEST_MAX_MB"] = 1
    try:
        page.goto(page.url.split("?")[0] + "?limite=1")  # drawn afresh, not the page kept
        walk.field("Preuve de naissance").set_input_files(
            {"name": "acte.png", "mimeType": "image/png",
             "buffer": PNG + b"\0" * (999_000 - len(PNG))})
        walk.button("Enregistrer").click()
        expect(page.locator("#too-large-summary")).to_contain_text("dépassent ensemble")
    finally:
        live_app.config["UPLOAD_REQUEST_MAX_MB"] = before
