"""The third dossier type of forms/, the child benefits application (issue 15, part 6:
forms/allocation-enfants.yaml, from Canada's RC66), walked end to end in a real browser:
a married applicant with two children, every section filled (a phone with its
extension, the address pre-filled from the profile, a repeating group, amounts, a file
upload, a declaration), a third child added then removed (with JavaScript, and again
without it), the recap page, the submission and the recap PDF, with axe at 0
violations on every section page. Tests may name the type and its fields; Python
elsewhere may not (DESIGN.md).
"""

from __future__ import annotations

import io
import re
import time
from datetime import date
from pathlib import Path

import pypdf
import pytest
from dateutil.relativedelta import relativedelta
from playwright.sync_api import Locator, Page, expect

from tests.browser.test_guide import axe_check, axe_check_without_js
from tests.browser.test_typing import IDLE
from tests.browser.walk import Walk

TYPE = "allocation-enfants"
# the applicant's home, in the profile: the mailing address question starts from it
PROFILE = {"address_line1": "4500, rue Saint-Denis, app. 3", "city": "Montréal",
           "province": "Québec", "postal_code": "h2j2l3", "country": "Canada"}
CHILDREN = [
    {"enfant_prenom": "Lina", "enfant_nom": "Benali", "enfant_sexe": "f",
     "date_naissance_enfant": "2019-04-03", "enfant_ne_au_canada": False,
     "enfant_ville_naissance": "Alger", "enfant_pays_naissance": "Algérie",
     "enfant_avec_vous_depuis_naissance": True, "enfant_autre_beneficiaire": False},
    {"enfant_prenom": "Adam", "enfant_nom": "Benali", "enfant_sexe": "m",
     "date_naissance_enfant": (date.today() - relativedelta(months=8)).isoformat(),
     "enfant_ne_au_canada": True, "enfant_ville_naissance": "Montréal",
     "enfant_province_naissance": "qc", "enfant_avec_vous_depuis_naissance": True,
     "enfant_autre_beneficiaire": False},
]
THIRD_CHILD = "Temporaire"  # typed in a third child, then removed
# small real files: a one-page PDF and a 1×1 PNG
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4db"
                    "0000000049454e44ae426082")


def pdf_bytes() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def compiled(registry):
    return registry[TYPE]


class BenefitsWalk(Walk):
    """The guide's walk (register, create) plus the newer question types."""

    def updated(self) -> None:
        """After an answer a condition reads: without JavaScript, "Mettre à jour les
        questions"; with it, wait until htmx has drawn the questions again."""
        super().updated()
        if self.javascript:
            self.page.wait_for_function(IDLE)

    def fields(self) -> dict:
        """Every question by id, those of repeating groups included."""
        found = {}
        for f in self.d.all_fields().values():
            found[f.id] = f
            for child in getattr(f, "fields", ()) or ():
                found[child.id] = child
        return found

    def label(self, field_id: str) -> str:
        return self.fields()[field_id].label.get(self.lang)

    def option(self, field_id: str, value: str) -> str:
        for o in self.fields()[field_id].options:
            if o.value == value:
                return o.label.get(self.lang)
        raise KeyError(value)

    def input(self, field_id: str, scope: Locator | None = None) -> Locator:
        """A one-input question by its label (a required one ends with " *")."""
        where = scope if scope is not None else self.page
        return where.get_by_label(re.compile("^" + re.escape(self.label(field_id))
                                             + r"( \*)?$"))

    def choices(self, field_id: str, scope: Locator | None = None) -> Locator:
        """The fieldset of a radio/yes-no/address/group question, by its legend."""
        where = scope if scope is not None else self.page
        return where.get_by_role("group", name=re.compile(
            "^" + re.escape(self.label(field_id)))).first

    def yesno(self, field_id: str, value: bool, scope: Locator | None = None) -> None:
        self.choices(field_id, scope).get_by_label(self.t("Oui" if value else "Non"),
                                                   exact=True).check()
        self.updated()

    def radio(self, field_id: str, value: str, scope: Locator | None = None) -> None:
        self.choices(field_id, scope).get_by_label(self.option(field_id, value),
                                                   exact=True).check()
        self.updated()

    def open_section(self, section_id: str) -> None:
        title = self.d.section(section_id).title.get(self.lang)
        self.page.locator(".section-nav").get_by_role("link", name=title).click()
        expect(self.page.get_by_role("heading", name=title).first).to_be_visible()

    def save(self, name: str) -> None:
        self.button("Enregistrer").click()
        expect(self.page.locator(".notice--success")).to_be_visible()
        expect(self.page.locator(".error-summary")).to_have_count(0)
        self.check(self.page, name)

    # --- sections
    def demandeur(self) -> None:
        p = self.page
        self.check(p, "demandeur")
        address = self.choices("adresse_postale")  # pre-filled from the profile
        expect(address.locator("input").first).to_have_value(PROFILE["address_line1"])
        self.yesno("responsable_principal", True)
        self.input("nas").fill("130 692 544")
        self.radio("langue_correspondance", "fr")
        self.input("telephone").fill("514 555-0123")
        self.input("telephone_travail").fill("418-555-0199")
        p.get_by_label(re.compile("^Poste")).fill("210")
        self.yesno("domicile_different", False)
        expect(self.choices("adresse_domicile")).to_have_count(0)
        self.radio("etat_civil", "marie")
        self.input("date_etat_civil").fill("2015-06-20")
        self.save("demandeur-saved")
        nav = p.locator(".section-nav")
        expect(nav).to_contain_text(self.d.section("conjoint").title.get(self.lang))
        expect(self.input("telephone")).to_have_value(re.compile(r"514.*555.0123"))

    def conjoint(self) -> None:
        self.open_section("conjoint")
        self.check(self.page, "conjoint")
        self.input("conjoint_prenom").fill("Karim")
        self.input("conjoint_nom").fill("Benali")
        self.yesno("conjoint_a_nas", True)
        self.input("conjoint_nas").fill("271-839-185")
        self.input("conjoint_date_naissance").fill("1988-02-14")
        self.input("conjoint_statut_canada").select_option(
            label=self.option("conjoint_statut_canada", "resident_permanent"))
        self.yesno("conjoint_meme_adresse", True)
        self.save("conjoint-saved")

    def item(self, n: int) -> Locator:
        """The fieldset of child number n (1-based), by its legend."""
        group = self.fields()["liste_enfants"]
        legend = group.extra["item_label"][self.lang].replace("{n}", str(n))
        return self.page.get_by_role("group", name=legend, exact=True)

    def fill_child(self, n: int, answers: dict) -> None:
        item = self.item(n)
        for key, value in answers.items():
            kind = self.fields()[key].type
            if kind == "yesno":
                self.yesno(key, value, item)
            elif kind == "radio":
                self.radio(key, value, item)
            elif kind == "select":
                self.input(key, item).select_option(label=self.option(key, value))
            else:
                self.input(key, item).fill(value)

    def add_child(self) -> None:
        add = self.fields()["liste_enfants"].extra["add_label"][self.lang]
        self.page.get_by_role("button", name=add, exact=True).click()

    def remove_child(self, n: int) -> None:
        item = self.item(n)
        item.get_by_role("button", name=re.compile("^" + self.t("Retirer"))).click()

    def children_kept(self) -> None:
        for n, child in enumerate(CHILDREN, 1):
            item = self.item(n)
            expect(self.input("enfant_prenom", item)).to_have_value(child["enfant_prenom"])
            expect(self.input("date_naissance_enfant", item)).to_have_value(
                child["date_naissance_enfant"])
        expect(self.page.get_by_text(THIRD_CHILD)).to_have_count(0)

    def enfants(self) -> None:
        self.open_section("enfants")
        self.check(self.page, "enfants")
        expect(self.item(1)).to_be_visible()
        self.fill_child(1, CHILDREN[0])
        self.add_child()
        expect(self.item(2)).to_be_visible()
        self.fill_child(2, CHILDREN[1])
        self.add_child()
        expect(self.item(3)).to_be_visible()
        self.input("enfant_prenom", self.item(3)).fill(THIRD_CHILD)
        self.check(self.page, "enfants-three")
        self.remove_child(3)
        expect(self.item(3)).to_have_count(0)
        self.children_kept()
        self.save("enfants-saved")
        self.children_kept()

    def statut(self) -> None:
        p = self.page
        self.open_section("statut")
        self.check(p, "statut")
        self.radio("statut_canada", "resident_permanent")
        expect(self.choices("toujours_au_canada")).to_have_count(0)
        ten_months = (date.today() - relativedelta(months=10)).isoformat()
        self.input("date_statut").fill(ten_months)
        self.input("date_residence").fill(ten_months)
        self.input("date_residence").blur()
        self.updated()
        expect(self.input("date_residence")).to_have_value(ten_months)
        expect(self.input("revenu_mondial")).to_be_visible(timeout=10_000)
        self.input("revenu_mondial").fill("42 500,00")
        self.input("revenu_mondial_conjoint").fill("38000.5")
        self.save("statut-saved")

    def depot(self) -> None:
        self.open_section("depot")
        self.check(self.page, "depot")
        self.yesno("depot_direct", True)
        self.input("numero_institution").fill("815")
        self.input("numero_transit").fill("30012")
        self.input("numero_compte").fill("1234567")
        self.save("depot-saved")

    def pieces(self) -> None:
        p = self.page
        self.open_section("pieces")
        self.check(p, "pieces")
        self.input("preuve_naissance").set_input_files([
            {"name": "actes-naissance.pdf", "mimeType": "application/pdf",
             "buffer": pdf_bytes()},
            {"name": "adam.png", "mimeType": "image/png", "buffer": PNG}])
        self.input("preuve_statut").set_input_files(
            {"name": "confirmation-rp.png", "mimeType": "image/png", "buffer": PNG})
        self.save("pieces-saved")
        for name in ("actes-naissance.pdf", "adam.png", "confirmation-rp.png"):
            expect(p.get_by_role("link", name=name)).to_be_visible()

    def attestation(self) -> None:
        self.open_section("attestation")
        self.check(self.page, "attestation")
        self.page.get_by_label(self.label("attestation_exactitude")[:40], exact=False).check()
        self.save("attestation-saved")
        expect(self.page.locator(".section-nav .check--valid")).to_have_count(
            len(self.d.sections))

    def recap_page(self) -> None:
        p = self.page
        self.button("Récapitulatif").click()
        expect(p.get_by_role("heading", name=self.t("Récapitulatif"), exact=True)).to_be_visible()
        main = p.locator("main")
        for text in ("Enfant 1", "Enfant 2", "Lina", "Adam", "Karim", "42 500,00",
                     "actes-naissance.pdf", "confirmation-rp.png",
                     self.d.section("conjoint").title.get(self.lang)):
            expect(main).to_contain_text(text)
        for secret in ("130692544", "130 692 544", "1234567", THIRD_CHILD):
            expect(main).not_to_contain_text(secret)
        self.check(p, "recap")
        self.link("Retour au formulaire").click()

    def recap_pdf(self) -> str:
        p = self.page
        self.link("Mes documents").click()
        row = p.get_by_role("row").filter(has_text=self.number)
        download = row.get_by_role("link", name=re.compile("^" + self.t("Télécharger")))
        deadline = time.monotonic() + 30
        while not download.count():  # rendered by the background worker
            assert time.monotonic() < deadline, "the PDF was never rendered"
            p.wait_for_timeout(300)
            p.reload()
        with p.expect_download() as info:
            download.click()
        document = self.d.documents["recapitulatif"]
        assert info.value.suggested_filename == document.filename.replace(
            "{number}", self.number)
        reader = pypdf.PdfReader(io.BytesIO(Path(info.value.path()).read_bytes()))
        return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_child_benefits__married_two_children__every_section_to_the_pdf_without_a11y_issue(
        page: Page, compiled, mail_server):
    walk = BenefitsWalk(page, compiled, "fr", check=axe_check, inbox=mail_server.inbox,
                        profile=PROFILE)
    walk.register(birth_date="1990-08-12")
    walk.create_dossier()
    walk.demandeur()
    walk.conjoint()
    walk.enfants()
    walk.statut()
    walk.depot()
    walk.pieces()
    walk.attestation()
    walk.recap_page()
    walk.submit("presente")
    text = walk.recap_pdf()
    for expected in (walk.number, "Maria Valdero", "Karim", "Enfant 1", "Enfant 2", "Lina",
                     "Adam", "Alger", "actes-naissance.pdf", "adam.png",
                     "confirmation-rp.png", "42 500,00",
                     walk.d.section("conjoint").title.get("fr")):
        assert expected in text, expected
    for absent in ("Enfant 3", THIRD_CHILD, "130692544", "1234567"):
        assert absent not in text, absent


def test_child_benefits__without_javascript__add_and_remove_a_child_keeps_the_others(
        page_without_js: Page, compiled, mail_server):
    """"Ajouter un enfant" and "Retirer" are ordinary submits: nothing typed is lost."""
    walk = BenefitsWalk(page_without_js, compiled, "fr", javascript=False,
                        check=axe_check_without_js, inbox=mail_server.inbox, profile=PROFILE)
    walk.register(birth_date="1990-08-12")
    walk.create_dossier()
    walk.enfants()
    walk.remove_child(2)  # the second child goes; the first keeps every answer
    expect(walk.item(2)).to_have_count(0)
    expect(walk.input("enfant_prenom", walk.item(1))).to_have_value("Lina")
    expect(walk.input("enfant_ville_naissance", walk.item(1))).to_have_value("Alger")


def test_child_benefits__english_without_javascript__single_parent_never_asked_the_spouse(
        page_without_js: Page, compiled, mail_server):
    """A single parent, one child who came to live with her after birth, a Canadian
    citizen without direct deposit: the spouse section, the income and the bank
    numbers are never asked, nor in the recap or the PDF; every page in English."""
    walk = BenefitsWalk(page_without_js, compiled, "en", javascript=False,
                        check=axe_check_without_js, inbox=mail_server.inbox, profile=PROFILE)
    walk.register(birth_date="1994-05-02")
    walk.create_dossier()
    p = walk.page
    spouse = walk.d.section("conjoint").title.get("en")
    walk.check(p, "demandeur")
    walk.yesno("responsable_principal", True)
    walk.input("nas").fill("192837466")
    walk.radio("langue_correspondance", "en")
    walk.input("telephone").fill("(613) 555-0142")
    walk.yesno("domicile_different", False)
    walk.radio("etat_civil", "celibataire")
    expect(walk.input("date_etat_civil")).to_have_count(0)
    walk.save("demandeur-saved")
    expect(p.locator(".section-nav")).not_to_contain_text(spouse)
    walk.open_section("enfants")
    walk.fill_child(1, {"enfant_prenom": "Emma", "enfant_nom": "Tremblay", "enfant_sexe": "f",
                        "date_naissance_enfant": "2021-09-01", "enfant_ne_au_canada": True,
                        "enfant_ville_naissance": "Québec", "enfant_province_naissance": "qc",
                        "enfant_avec_vous_depuis_naissance": False,
                        "date_debut_vie_commune": "2022-01-10",
                        "enfant_autre_beneficiaire": True,
                        "enfant_autre_beneficiaire_nom": "Marc Tremblay"})
    walk.save("enfants-saved")
    walk.open_section("statut")
    walk.radio("statut_canada", "citoyen")
    walk.yesno("toujours_au_canada", True)
    expect(walk.input("revenu_mondial")).to_have_count(0)
    walk.save("statut-saved")
    walk.open_section("depot")
    walk.yesno("depot_direct", False)
    expect(walk.input("numero_compte")).to_have_count(0)
    walk.save("depot-saved")
    walk.open_section("pieces")
    expect(walk.input("preuve_statut")).to_have_count(0)
    walk.input("preuve_naissance").set_input_files(
        {"name": "birth-certificate.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()})
    walk.save("pieces-saved")
    walk.open_section("attestation")
    p.get_by_label(walk.label("attestation_exactitude")[:40], exact=False).check()
    walk.save("attestation-saved")
    expect(p.locator(".section-nav .check--valid")).to_have_count(len(walk.d.sections) - 1)
    walk.button("Récapitulatif").click()
    main = p.locator("main")
    for text in ("Child 1", "Emma", "Marc Tremblay", "2022-01-10", "birth-certificate.pdf"):
        expect(main).to_contain_text(text)
    expect(main).not_to_contain_text(spouse)
    walk.check(p, "recap")
    walk.link("Retour au formulaire").click()
    walk.submit("presente")
    text = walk.recap_pdf()
    for expected in (walk.number, "Child 1", "Emma", "Marc Tremblay", "birth-certificate.pdf",
                     walk.d.documents["recapitulatif"].title.get("en")):
        assert expected in text, expected
    assert spouse not in text and "192837466" not in text
