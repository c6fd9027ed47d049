"""The guide's walk (sections 2.2, 2.3 with its step 4, 4 and 5) as a person does it, in
French or English, with or without JavaScript. Labels come from the definition and the
catalogues (French msgids translated), as the applicant reads them on screen.
"""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pypdf
import yaml
from babel.support import Translations
from playwright.sync_api import Locator, Page, expect

from engine import CompiledDefinition
from engine.profile import PROFILE
from tests.smtp import Inbox, Received
from web.background.mailer import send_pending
from web.background.pdf import LABELS as PDF_LABELS
from web.i18n import TRANSLATIONS

PASSWORD = "motdepasse-solide"
ACTIVATION = re.compile(r"https?://[^/\s]+(/inscription/activer/[A-Za-z0-9_-]+)")
# What the walk answers, and with what (names of the definition's fields and options).
SCRIPT = yaml.safe_load((Path(__file__).with_name("guide_walk.yaml")).read_text("utf-8"))
GUIDE_TYPE = SCRIPT["type"]
ID, RV = SCRIPT["identification"], SCRIPT["rendez_vous"]
PROFILE_LABELS = {key: f.label for key, f in PROFILE.fields.items()}


class Recorder:
    """A transport keeping (to, body) of what it sends: the outbox sent in the test."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, to: str, subject: str, body: str, message_id: str | None = None) -> None:
        self.sent.append((to, body))


class Walk:
    def __init__(self, page: Page, compiled: CompiledDefinition, lang: str = "fr",
                 javascript: bool = True, check: Callable[[Page, str], None] | None = None,
                 inbox: Inbox | None = None, profile: dict[str, str] | None = None):
        self.page = page
        self.inbox = inbox  # the SMTP server the live portal's worker sends to
        self.d = compiled.definition
        self.lang = lang
        self.translations = Translations.load(str(TRANSLATIONS), [lang])
        self.javascript = javascript
        self.check = check or (lambda page, name: None)
        self.email = f"maria.{uuid.uuid4().hex[:8]}@example.com"
        self.number = ""
        self.profile_overrides = profile or {}  # e.g. a long unbroken city name
        self.sent: list[tuple[str, str]] = []  # (to, body) sent here, without an inbox

    # --- words on screen
    def t(self, msgid: str) -> str:
        """A text of the portal (its msgid: the French text) in the walk's language."""
        return self.translations.gettext(msgid)

    def unread(self, count: int) -> str:
        """The envelope's name, `count` messages unread."""
        if count == 0:
            return self.t("Messages (aucun non lu)")
        return self.translations.ngettext("Messages (%(num)d non lu)",
                                          "Messages (%(num)d non lus)", count) % {"num": count}

    def label(self, field_id: str) -> str:
        return self.d.all_fields()[field_id].label.get(self.lang)

    def option(self, field_id: str, value: str) -> str:
        f = self.d.all_fields()[field_id]
        for o in (*f.options, *f.rows, *f.columns):
            if o.value == value:
                return o.label.get(self.lang)
        raise KeyError(value)

    def field(self, label: str) -> Locator:
        """An input by its label as read on screen (a required one ends with " *")."""
        return self.page.get_by_label(re.compile("^" + re.escape(label) + r"( \*)?$"))

    def group(self, field_id: str) -> Locator:
        """The fieldset of a radio/checkbox question, found by its legend."""
        return self.page.get_by_role("group", name=re.compile("^" + re.escape(
            self.label(field_id))))

    def availability(self) -> str:
        """The label of the walk's availability box: its column's, then its row's."""
        cell = RV["availability"]
        return (f"{self.option(cell['field'], cell['column'])} "
                f"{self.option(cell['field'], cell['row'])}")

    def button(self, msgid: str) -> Locator:
        return self.page.get_by_role("button", name=self.t(msgid), exact=True)

    def link(self, msgid: str) -> Locator:
        return self.page.get_by_role("link", name=self.t(msgid), exact=True)

    def updated(self) -> None:
        """After an answer that can reveal questions: htmx does it; without JavaScript,
        the applicant presses "Mettre à jour les questions"."""
        if not self.javascript:
            self.button("Mettre à jour les questions").click()

    # --- the steps
    def open_register(self) -> None:
        self.page.goto("/inscription")
        if self.lang != "fr":
            self.page.get_by_role("button", name="English").click()
        expect(self.page.locator("html")).to_have_attribute("lang", self.lang)
        self.check(self.page, "register")

    def register(self, birth_date: str = "2000-01-01") -> None:
        p = self.page
        self.open_register()
        self.field(self.t("Adresse courriel")).fill(self.email)
        self.field(self.t("Mot de passe")).fill(PASSWORD)
        self.field(self.t("Confirmez le mot de passe")).fill(PASSWORD)
        p.get_by_role("button", name=self.t("Créer mon compte")).click()
        expect(p.locator(".error-summary")).to_be_visible()  # nothing of the profile yet
        self.check(p, "register-errors")
        self.field(self.t("Mot de passe")).fill(PASSWORD)
        self.field(self.t("Confirmez le mot de passe")).fill(PASSWORD)
        profile = {"family_names": "Valdero", "given_names": "Maria",
                   "birth_date": birth_date, "birth_city": "Paris", "birth_country": "France",
                   "address_line1": "20 rue Monge", "country": "France", "city": "Paris",
                   **self.profile_overrides}
        for key, value in profile.items():
            self.field(PROFILE_LABELS[key].get(self.lang)).fill(value)
        self.field(PROFILE_LABELS["sex"].get(self.lang)).select_option("F")
        p.get_by_role("button", name=self.t("Créer mon compte")).click()
        expect(p.get_by_text(self.t("Un courriel vous a été envoyé à %(email)s. Cliquez sur le "
                                    "lien qu'il contient pour activer votre compte.")
                             % {"email": self.email})).to_be_visible()
        self.check(p, "register-sent")
        self.activate()
        expect(p.get_by_role("heading", name=self.t("Mes dossiers"))).to_be_visible()
        expect(p.get_by_text(self.t("Vous n'avez aucun dossier."))).to_be_visible()
        self.check(p, "mes-dossiers-empty")

    def activate(self) -> None:
        """The link of the activation email, its button, then the login page's notice
        and the login."""
        p = self.page
        p.goto(self.activation_path())
        self.check(p, "activate")
        self.button("Activer mon compte").click()
        expect(p.get_by_text(self.t("Votre compte est activé. Connectez-vous avec votre "
                                    "adresse courriel et votre mot de passe."))).to_be_visible()
        self.check(p, "login-activated")
        self.field(self.t("Adresse courriel")).fill(self.email)
        self.field(self.t("Mot de passe")).fill(PASSWORD)
        self.button("Se connecter").click()

    def activation_path(self) -> str:
        """The link of this applicant's activation email: from the SMTP server the live
        portal's worker sends to, or, without one, from the outbox sent here."""
        deadline = time.monotonic() + 20
        while True:
            if self.inbox is not None:
                bodies = [r.body for r in self.inbox.to(self.email)]
            else:
                recorder = Recorder()
                send_pending(recorder)
                self.sent.extend(recorder.sent)
                bodies = [body for to, body in self.sent if to == self.email]
            links = [m.group(1) for body in bodies if (m := ACTIVATION.search(body))]
            if links:
                return links[-1]
            assert time.monotonic() < deadline, "no activation email"
            time.sleep(0.1)

    def create_dossier(self) -> None:
        p = self.page
        p.get_by_role("link", name=self.t("Créer un nouveau dossier")).click()
        self.field(self.t("Type de dossier à créer")).select_option(
            label=self.d.title.get(self.lang))
        self.field(self.t("Créer un nouveau dossier")).check()
        self.check(p, "create")
        p.get_by_role("button", name=self.t("Créer"), exact=True).click()
        header = p.locator(".dossier-header__table tbody")
        expect(header).to_contain_text("Maria Valdero")
        expect(header).to_contain_text(self.d.workflow.states[self.d.workflow.initial]
                                       .label.get(self.lang))
        self.number = header.locator("td").nth(1).inner_text().strip()
        assert re.fullmatch(self.d.numbering.regex, self.number)
        expect(p.get_by_text(self.d.intro.get(self.lang)[:40])).to_be_visible()
        for name in ("Quitter", "Enregistrer", "Récapitulatif", "Soumettre"):
            expect(self.button(name)).to_be_visible()  # leaving saves: buttons of the form

    def fill_identification(self) -> None:
        p = self.page
        status, detail = ID["status"], ID["detail"]
        self.field(self.label(status["field"])).select_option(
            label=self.option(status["field"], status["option"]))
        self.updated()
        self.group(detail["field"]).get_by_label(
            self.option(detail["field"], detail["option"])).check()
        number = self.field(self.label(ID["number"]))
        expect(number).to_have_count(0)
        self.group(ID["has_number"]).get_by_label(self.t("Oui"), exact=True).check()
        self.updated()
        expect(number).to_be_visible()
        self.check(p, "identification-revealed")
        number.fill(ID["wrong_number"])  # the guide's example: not a valid number
        self.group(ID["has_second_number"]).get_by_label(self.t("Oui"), exact=True).check()
        self.updated()
        self.field(self.label(ID["second_number"])).fill(ID["second_number_value"])
        self.button("Enregistrer").click()
        summary = p.locator(".error-summary")
        expect(summary).to_be_focused()  # read first by a screen reader, links to each field
        self.check(p, "identification-errors")
        summary.get_by_role("link", name=re.compile(re.escape(self.label(ID["number"])[:6])
                                                    + "|" + "num", re.I)).first.click()
        expect(p).to_have_url(re.compile(f"#f-{ID['number']}$"))
        self.field(self.label(ID["number"])).fill(ID["right_number"])
        self.button("Enregistrer").click()
        expect(p.locator(".notice--success")).to_be_visible()
        expect(p.locator(".section-nav .check--valid")).to_have_count(1)

    def fill_rendez_vous(self) -> None:
        p = self.page
        p.locator(".section-nav").get_by_role("link", name=self.d.sections[1].title.get(
            self.lang)).click()
        city, kind, langs = RV["city"], RV["kind"], RV["languages"]
        self.field(self.label(city["field"])).select_option(
            label=self.option(city["field"], city["option"]))
        self.group(kind["field"]).get_by_label(self.option(kind["field"], kind["option"])).check()
        languages = self.group(langs["field"])
        expect(languages).to_have_count(0)
        self.group(RV["enough_french"]).get_by_label(self.t("Non"), exact=True).check()
        self.updated()
        expect(languages).to_be_visible()
        for value in langs["options"]:
            languages.get_by_label(self.option(langs["field"], value), exact=True).check()
        self.updated()
        other = self.field(self.label(RV["other_language"]))
        expect(other).to_be_visible()
        self.check(p, "rendez-vous-revealed")
        other.fill(RV["other_language_value"])
        self.field(self.availability()).check()
        self.button("Enregistrer").click()
        expect(p.locator(".notice--success")).to_be_visible()
        expect(p.locator(".section-nav .check--valid")).to_have_count(2)

    def leave_and_come_back(self) -> None:
        p = self.page
        self.button("Quitter").click()
        expect(p.get_by_role("heading", name=self.t("Mes dossiers"))).to_be_visible()
        self.check(p, "mes-dossiers")
        p.get_by_role("link", name=self.number).click()
        expect(self.field(self.label(ID["number"]))).to_have_value(ID["right_number"])
        expect(self.field(self.label(ID["second_number"]))).to_have_value(
            ID["second_number_value"])
        expect(p.locator(".section-nav .check--valid")).to_have_count(2)
        p.locator(".section-nav").get_by_role("link", name=self.d.sections[1].title.get(
            self.lang)).click()
        expect(self.field(self.label(RV["other_language"]))).to_have_value(
            RV["other_language_value"])

    def recap(self) -> None:
        p = self.page
        self.button("Récapitulatif").click()
        expect(p.get_by_role("heading", name=self.t("Récapitulatif"), exact=True)).to_be_visible()
        main = p.locator("main")
        expect(main).to_contain_text("XXXXXXXXXX")
        expect(main).to_contain_text(RV["other_language_value"])
        expect(main).not_to_contain_text(ID["right_number"])
        self.check(p, "recap")
        self.link("Retour au formulaire").click()
        expect(self.button("Enregistrer")).to_be_visible()

    def submit(self, submitted_state: str = SCRIPT["submitted_state"]) -> None:
        """The submission wizard's steps, then the dossier in `submitted_state` (a state
        of the walked type) in Mes dossiers."""
        p = self.page
        self.button("Soumettre").click()
        for step in (1, 2):
            expect(p.locator('.steps [aria-current="step"]')).to_contain_text(str(step))
            self.check(p, f"wizard-{step}")
            self.link("Suivant").click()
        expect(p.get_by_text(self.t(
            "Une fois que vous aurez soumis votre demande, vous ne pourrez plus modifier "
            "votre formulaire de demande."))).to_be_visible()
        self.check(p, "wizard-3")
        self.button("Soumettre").click()
        expect(p.locator(".notice--success")).to_contain_text(self.number)
        self.check(p, "wizard-4")
        self.link("Quitter").click()
        row = p.get_by_role("row").filter(has_text=self.number)
        submitted = self.d.workflow.states[submitted_state].label.get(self.lang)
        expect(row).to_contain_text(submitted)
        expect(row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"))

    def message_centre(self) -> None:
        """The envelope shows one unread message: the definition's confirmation."""
        p = self.page
        message = self.d.messages[SCRIPT["confirmation_message"]]
        p.get_by_role("link", name=self.unread(1), exact=True).click()
        expect(p.get_by_role("heading", name=self.t("Centre des messages"))).to_be_visible()
        row = p.get_by_role("row").filter(has_text=self.number)
        expect(row).to_contain_text(message.subject.get(self.lang))
        self.check(p, "messages")
        row.get_by_role("link").click()
        expect(p.get_by_role("heading", level=1)).to_have_text(message.subject.get(self.lang))
        body = p.locator(".message__body")
        first_line = message.body.get(self.lang).split("\n")[0]
        expect(body).to_contain_text(first_line)
        expect(body).to_contain_text(self.number)
        expect(p.get_by_role("link", name=self.unread(0), exact=True)
               ).to_be_visible()
        self.check(p, "message")

    def email_received(self) -> Received:
        """Exactly one email for this applicant since its activation, saying only that a
        message waits."""
        assert self.inbox is not None
        subject = self.d.notification.subject.get(self.lang)

        def notifications() -> list[Received]:
            return [r for r in self.inbox.to(self.email) if not ACTIVATION.search(r.body)]

        deadline = time.monotonic() + 20
        while not notifications():
            assert time.monotonic() < deadline, "no email received"
            time.sleep(0.1)
        time.sleep(0.5)  # a second one would have come with the first round
        (email,) = notifications()
        assert email.subject == subject
        text = email.text_without_to().lower()
        for personal in ("Maria", "Valdero", self.number, self.email, ID["right_number"],
                         ID["second_number_value"], RV["other_language_value"], "2000-01-01",
                         "20 rue Monge"):
            assert personal.lower() not in text, personal
        return email

    def my_documents(self) -> str:
        """Mes documents lists the recap; its PDF holds the dossier as submitted."""
        p = self.page
        self.link("Mes documents").click()
        expect(p.get_by_role("heading", name=self.t("Mes documents"))).to_be_visible()
        row = p.get_by_role("row").filter(has_text=self.number)
        document = self.d.documents[SCRIPT["recap_document"]]
        expect(row).to_contain_text(document.title.get(self.lang))
        download = row.get_by_role("link", name=re.compile("^" + self.t("Télécharger")))
        deadline = time.monotonic() + 20
        while not download.count():  # rendered by the background worker
            assert time.monotonic() < deadline, "the PDF was never rendered"
            if self.javascript:
                p.wait_for_timeout(200)  # htmx asks again by itself
            else:
                p.reload()
        expect(row).to_contain_text(self.t("PDF"))
        received = re.search(r"\d{4}-\d{2}-\d{2}", row.inner_text()).group(0)
        self.check(p, "documents")
        with p.expect_download() as info:
            download.click()
        assert info.value.suggested_filename == f"{SCRIPT['recap_document']}-{self.number}.pdf"
        content = Path(info.value.path()).read_bytes()
        reader = pypdf.PdfReader(io.BytesIO(content))
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        expected = [document.title.get(self.lang), self.number,
                    f"{PDF_LABELS['deposit'].get(self.lang)} : {received}",
                    self.option(RV["city"]["field"], RV["city"]["option"]),
                    self.option(RV["kind"]["field"], RV["kind"]["option"]),
                    self.availability(), RV["other_language_value"], "Maria Valdero"]
        for value in expected:
            assert value in text, value
        assert ID["right_number"] not in text and ID["second_number_value"] not in text
        return text

    def after_submission(self) -> None:
        self.message_centre()
        if self.inbox is not None:
            self.email_received()
        self.my_documents()

    def read_only_and_logout(self) -> None:
        p = self.page
        p.get_by_role("link", name=self.number).click()
        expect(p.get_by_text(self.t("Ce dossier a été soumis : il ne peut plus être modifié."))
               ).to_be_visible()
        expect(self.button("Enregistrer")).to_have_count(0)
        self.check(p, "read-only")
        p.get_by_role("link", name=self.t("Déconnexion")).click()
        expect(p.get_by_text(self.t("Voulez-vous vraiment vous déconnecter ?"))).to_be_visible()
        self.check(p, "logout")
        p.get_by_role("button", name=self.t("Oui"), exact=True).click()
        expect(p.get_by_role("heading", name=self.t("Connexion"))).to_be_visible()

    def whole_guide(self) -> None:
        self.register()
        self.create_dossier()
        self.fill_identification()
        self.fill_rendez_vous()
        self.leave_and_come_back()
        self.recap()
        self.submit()
        self.after_submission()
        self.link("Mes dossiers").click()
        self.read_only_and_logout()
