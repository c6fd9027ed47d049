"""The issue's whole story in a real browser, applicant and agent side by side, on the
guide's dossier type (forms/; what the agent answers: agent_story.yaml).

The applicant registers and submits; the agent enrols (TOTP codes computed with pyotp on
the portal's frozen clock), logs in, finds the dossier in the queue, takes it in charge
and sets the appointment; the applicant reads the appointment in the message centre and
gets exactly one more email, which holds no personal data; the agent asks for a
correction; the applicant corrects, submits again and has two recap PDFs; the agent
closes the dossier; the receipt check accepts the applicant's PDF and refuses its bytes
altered. axe finds no violation on any back-office page met, and a second pass without
JavaScript opens every page of the back office an agent has (from the app's url_map) and
does the end of the story (queue search, closing, receipt check) by plain posts.
"""

from __future__ import annotations

import io
import re
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pypdf
import yaml
from flask import Flask
from playwright.sync_api import Page, expect

import storage
from engine import CompiledDefinition
from engine.model import Transition
from tests.browser.test_guide import axe_check, axe_check_without_js
from tests.browser.walk import ACTIVATION, GUIDE_TYPE, SCRIPT, Walk
from tests.smtp import Inbox

STORY = yaml.safe_load(Path(__file__).with_name("agent_story.yaml").read_text("utf-8"))
PASSWORD = "phrase-de-passe-agent"
AGENT_EMAIL = "agente.histoire@example.gc.ca"
AGENT_NAME = "Agathe Histoire"
PHONE = {"width": 390, "height": 844}


def notifications(inbox: Inbox, email: str) -> list[Any]:
    """The emails sent to `email` but its activation link's."""
    return [r for r in inbox.to(email) if not ACTIVATION.search(r.body)]


def wait_for_emails(inbox: Inbox, email: str, count: int) -> list[Any]:
    """The `count` notifications of `email`, once they came and no other followed (the
    portal's worker sends every second)."""
    deadline = time.monotonic() + 20
    while len(notifications(inbox, email)) < count:
        assert time.monotonic() < deadline, f"{count} emails expected"
        time.sleep(0.1)
    time.sleep(1.5)  # a second one would have come with the next round
    found = notifications(inbox, email)
    assert len(found) == count, [r.subject for r in found]
    return found


class Desk:
    """The agent at a browser: enrolment, login, the dossier's page and its actions."""

    def __init__(self, page: Page, compiled: CompiledDefinition, javascript: bool) -> None:
        self.page = page
        self.d = compiled.definition
        self.javascript = javascript

    def check(self, name: str) -> None:
        """axe on the page as it stands (without JavaScript: its DOM as built so)."""
        (axe_check if self.javascript else axe_check_without_js)(self.page, name)

    def transition(self, tid: str) -> Transition:
        return next(t for t in self.d.workflow.transitions if t.id == tid)

    def enrol(self, token: str) -> pyotp.TOTP:
        p = self.page
        p.goto(f"/agent/inscription/{token}")
        self.check("enrolment")
        # the key as the page shows it to type into an authenticator (grouped by 4)
        totp = pyotp.TOTP(p.locator(".secret-key code").inner_text().replace(" ", ""))
        p.fill("#f-password", PASSWORD)
        p.fill("#f-password_confirm", PASSWORD)
        p.fill("#f-code", totp.at(storage.clock.now()))
        p.click("button[type=submit].button--primary")
        expect(p.locator("h1")).to_have_text("Compte activé")
        self.check("enrolled")
        return totp

    def login(self, totp: pyotp.TOTP) -> None:
        """Email and password, then the code of the next 30 s step (each code works once:
        the portal's clock moves on first)."""
        p = self.page
        p.goto("/agent/connexion")
        self.check("login")
        p.fill("#f-email", AGENT_EMAIL)
        p.fill("#f-password", PASSWORD)
        p.click("button[type=submit].button--primary")
        p.wait_for_url("**/agent/connexion/code")
        self.check("login code")
        storage.clock.advance(timedelta(seconds=30))
        p.fill("#f-code", totp.at(storage.clock.now()))
        p.click("button[type=submit].button--primary")
        p.wait_for_url("**/agent/")
        expect(p.locator("main")).to_contain_text(AGENT_NAME)
        self.check("home")

    def find(self, number: str) -> None:
        """The queue, searched by the dossier's number, then the dossier's page."""
        p = self.page
        p.goto("/agent/dossiers")
        self.check("queue")
        p.fill("#f-q", number)
        p.get_by_role("button", name="Afficher les dossiers").click()
        row = p.get_by_role("row").filter(has_text=number)
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Maria Valdero")
        self.check("queue searched")
        row.get_by_role("link", name=number).click()
        expect(p.get_by_role("heading", level=1)).to_contain_text(number)
        self.check("dossier")

    def take(self, step: dict[str, Any]) -> None:
        """The agent transition of `step`, its form answered, then the dossier in the
        step's state."""
        p = self.page
        t = self.transition(step["transition"])
        form = p.locator(f"form[action$='/actions/{t.id}']")
        fields = {f.id: f for f in t.form}
        for field_id, answer in step.get("answers", {}).items():
            f = fields[field_id]
            if f.type == "date":
                form.locator(f"#f-{t.id}-{field_id}").fill(
                    (storage.clock.today() + timedelta(days=answer["days"])).isoformat())
            elif f.options:
                label = next(o.label.get("fr") for o in f.options if o.value == answer)
                form.get_by_label(label, exact=True).check()
            else:
                form.locator(f"#f-{t.id}-{field_id}").fill(answer)
        form.get_by_role("button", name=t.label.get("fr")).click()
        state = self.d.workflow.states[step["state"]].label.get("fr")
        expect(p.locator(".dossier-facts")).to_contain_text(state)
        self.check(f"dossier after {t.id}")


def pdf_links(walk: Walk, count: int) -> list[str]:
    """Mes documents: the addresses of the dossier's `count` recap PDFs, once rendered."""
    p = walk.page
    walk.link("Mes documents").click()
    rows = p.get_by_role("row").filter(has_text=walk.number)
    links = rows.get_by_role("link", name=re.compile("^" + walk.t("Télécharger")))
    deadline = time.monotonic() + 20
    while links.count() < count:  # rendered by the background worker
        assert time.monotonic() < deadline, "the PDFs were never rendered"
        p.wait_for_timeout(200)
        p.reload()
    expect(rows).to_have_count(count)
    return [links.nth(i).get_attribute("href") for i in range(count)]


def agent_pages(app: Flask) -> list[str]:
    """Every page of the back office an agent (not a supervisor) opens without
    arguments, once logged in: GET routes of /agent/ in the url_map."""
    pages = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/agent/") or rule.arguments or "GET" not in rule.methods:
            continue
        # agent_required's mark; the login pages (public, unmarked) were met at login
        if getattr(app.view_functions[rule.endpoint], "agent_role", None) == "agent":
            pages.append(rule.rule)
    return sorted(pages)


def test_agent_story__submit_appointment_correction_close_receipt(
        browser, live_server, live_app, live_store, registry, mail_server):
    compiled = registry[GUIDE_TYPE]
    d = compiled.definition
    storage.clock.set(storage.clock.now())  # frozen: the TOTP codes follow it
    contexts = []

    def context(**options: Any) -> Page:
        made = browser.new_context(base_url=live_server, **options)
        made.set_default_timeout(10_000)
        contexts.append(made)
        return made.new_page()

    try:
        # the applicant submits
        walk = Walk(context(viewport={"width": 1280, "height": 900}), compiled, "fr",
                    inbox=mail_server.inbox)
        walk.register()
        walk.create_dossier()
        walk.fill_identification()
        walk.fill_rendez_vous()
        walk.submit()
        number = walk.number
        wait_for_emails(mail_server.inbox, walk.email, 1)  # the confirmation's

        # the agent enrols, logs in, finds the dossier, takes it in charge, sets the meeting
        _, token = storage.create_agent(AGENT_EMAIL, AGENT_NAME, "agent", [d.id])
        desk = Desk(context(viewport={"width": 1280, "height": 900}), compiled, True)
        totp = desk.enrol(token)
        desk.login(totp)
        desk.find(number)
        desk.take(STORY["take_charge"])
        expect(desk.page.locator(".dossier-facts")).to_contain_text(AGENT_NAME)
        desk.take(STORY["appointment"])

        # the applicant reads the appointment; one email more, with nothing personal
        message = d.messages[STORY["appointment"]["message"]]
        p = walk.page
        p.goto("/messages/")
        p.get_by_role("row").filter(has_text=message.subject.get("fr")).get_by_role(
            "link").click()
        body = p.locator(".message__body")
        answers = STORY["appointment"]["answers"]
        for typed in (answers["heure"], answers["lieu"], answers["note"], number):
            expect(body).to_contain_text(typed)
        emails = wait_for_emails(mail_server.inbox, walk.email, 2)
        text = emails[-1].text_without_to().lower()
        for personal in ("Maria", "Valdero", number, walk.email, answers["heure"],
                         answers["lieu"], answers["note"], "Sherbrooke"):
            assert personal.lower() not in text, personal

        # the agent asks for a correction; the applicant corrects and submits again
        desk.take(STORY["correction"])
        fix = STORY["correction"]
        p.goto(f"/dossiers/{number}")
        expect(p.locator("main")).to_contain_text(fix["answers"]["motif"])
        p.locator(".section-nav").get_by_role("link", name=d.sections[fix["section"]].title.get(
            "fr")).click()
        walk.field(walk.label(fix["field"])).fill(fix["value"])
        walk.button("Enregistrer").click()
        expect(p.locator(".notice--success")).to_be_visible()
        walk.submit()
        first, second = pdf_links(walk, 2)
        pdfs = [p.context.request.get(link).body() for link in (first, second)]
        texts = [" ".join(page.extract_text() for page in pypdf.PdfReader(
            io.BytesIO(pdf)).pages) for pdf in pdfs]
        before = SCRIPT["rendez_vous"]["other_language_value"]
        as_sent = [i for i, t in enumerate(texts) if before in t and fix["value"] not in t]
        corrected = [i for i, t in enumerate(texts) if fix["value"] in t and before not in t]
        assert len(as_sent) == 1 and len(corrected) == 1, texts

        # without JavaScript, on a phone: every agent page; the queue, closing, receipts
        desk = Desk(context(viewport=PHONE, java_script_enabled=False), compiled, False)
        desk.login(totp)
        for url in agent_pages(live_app):
            desk.page.goto(url)
            assert desk.page.locator("h1").count() == 1, url
            desk.check(url)
        desk.find(number)
        desk.take(STORY["close"])
        receipt_check(desk, number, pdfs[as_sent[0]])
    finally:
        for made in contexts:
            made.close()
        storage.clock.reset()


def edited(pdf: bytes) -> bytes:
    """The PDF opened and saved again by a PDF editor (its title changed): every page and
    its footer's fingerprint kept, other bytes."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": "Récapitulatif modifié"})
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue() != pdf
    return out.getvalue()


def receipt_check(desk: Desk, number: str, pdf: bytes) -> None:
    """The applicant's first recap PDF is recognised (its dossier and submission); the
    same PDF with bytes changed is refused."""
    p = desk.page
    for given, notice, says in (
            (pdf, ".notice--success", f"dépôt n° 1 du dossier {number}"),
            (edited(pdf), ".notice--error", "refusé")):
        p.goto("/agent/recapitulatifs/verifier")
        p.get_by_label("Le récapitulatif (PDF)").set_input_files(files=[
            {"name": "recapitulatif.pdf", "mimeType": "application/pdf", "buffer": given}])
        p.get_by_role("button", name="Vérifier", exact=True).click()
        expect(p.locator(notice)).to_contain_text(says)
        expect(p.locator(notice)).to_contain_text(number)
        desk.check(f"receipt check: {notice}")
