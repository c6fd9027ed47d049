"""Nothing the applicant types is lost to the page's own updates, the error summary always
matches the questions, and a double click on a slow link is harmless: in Chromium, the
network slowed through the DevTools protocol (Network.emulateNetworkConditions).

The typing test runs over every section of every type of forms/ (whatever the files
are); the others on the tests' own type (tests/definitions/essai.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

import pytest
from playwright.sync_api import Page, expect

from engine.pipeline import definition_paths
from tests.browser.walk import Walk
from tests.definitions import IDENTITE, RENDEZ_VOUS

LATENCIES_MS = (0, 150, 600)
KEY_DELAY_MS = 45  # a normal typing pace
# keys typed into each field: enough to outlast the update on its way at that latency
# (its latency and ~300 ms of the server and the swap): 8 at 0 ms, 11 at 150 ms, 20 at 600 ms
MIN_KEYS, MAX_KEYS = 8, 20
TEXT_INPUTS = ("input[type=text], input[type=email], input[type=tel], input[type=url], "
               "input[type=search], textarea")
IDLE = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
# a section's questions in the page's order: a select by its id, a group by its inputs' name
QUESTIONS = """() => Array.from(document.querySelectorAll(
    '#section-body select, #section-body fieldset.field--choices'))
  .map(q => q.tagName === 'SELECT' ? ['select', q.id] : ['group', q.querySelector('input').name])"""


class Network:
    """The page's network, slowed or not (Chrome DevTools Protocol)."""

    def __init__(self, page: Page) -> None:
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")

    def latency(self, ms: int) -> None:
        self.cdp.send("Network.emulateNetworkConditions",
                      {"offline": False, "latency": ms, "downloadThroughput": -1,
                       "uploadThroughput": -1})


def updating(page: Page, action: Callable[[], None], refreshes: bool) -> None:
    """Do `action`; when it updates the questions, wait until the update is in the page."""
    if not refreshes:
        action()
        return
    with page.expect_response(lambda r: r.url.endswith("/actualiser")):
        action()
    page.wait_for_function(IDLE)


def reveal(page: Page) -> None:
    """Answer every choice question of the section (first option, yes, every box of a
    list), so that the questions they condition are shown too."""
    done: set[str] = set()
    while True:
        pending = [(kind, key) for kind, key in page.evaluate(QUESTIONS) if key not in done]
        if not pending:
            return
        kind, key = pending[0]
        done.add(key)
        if kind == "select":
            select = page.locator(f"#{key}")
            updating(page, partial(select.select_option, index=1),
                     select.get_attribute("hx-post") is not None)
            continue
        inputs = page.locator(f'#section-body input[name="{key}"]')
        first = inputs.first
        if first.get_attribute("type") == "radio":
            updating(page, first.check, first.get_attribute("hx-post") is not None)
            continue
        if page.locator(f'#section-body .grid input[name="{key}"]').count():
            continue  # a grid conditions nothing worth revealing here
        for box in inputs.all():
            updating(page, box.check, box.get_attribute("hx-post") is not None)


def keys(latency: int) -> int:
    """How many keys to type into a field for the update to arrive while typing goes on."""
    return min(MAX_KEYS, MIN_KEYS + latency // KEY_DELAY_MS)


def typed_value(index: int, latency: int, max_length: int) -> str:
    """Digits (kept as typed by every normaliser), different for each field and round."""
    return (f"{latency}{index}" + "01234567890123456789")[:min(keys(latency), max_length)]


@pytest.mark.parametrize("type_id", [p.stem for p in definition_paths()])
def test_typing__every_text_field_at_0_150_600_ms__every_character_saved(
        page: Page, registry, type_id: str):
    """Type into each visible text field in turn (Tab between them) while the update of
    the questions for an answer a condition reads is on its way; then save: every
    character typed is stored, whatever the latency. Each field is typed into at one
    latency, the questions of a section taking the latencies in turn (every latency on
    every section; a section with fewer questions than latencies types all at each)."""
    compiled = registry[type_id]
    walk = Walk(page, compiled, "fr")
    walk.register()
    walk.create_dossier()
    network = Network(page)
    updates: list[str] = []
    page.on("request", lambda r: updates.append(r.url) if r.url.endswith("/actualiser") else None)
    typed_fields = 0
    for section in compiled.definition.sections:
        url = f"/dossiers/{walk.number}/sections/{section.id}"
        page.goto(url)
        reveal(page)
        fields = [box.get_attribute("id") for box in
                  page.locator("#section-body").locator(TEXT_INPUTS).all() if box.is_visible()]
        typed_fields += len(fields)
        # each field's question: its name before any part ("telephone.ext": "telephone")
        question = {f: page.locator(f"#{f}").get_attribute("name").split(".")[0]
                    for f in fields}
        questions = list(dict.fromkeys(question.values()))
        for turn, latency in enumerate(LATENCIES_MS):
            network.latency(latency)
            updates.clear()
            typed: dict[str, str] = {}
            # a question's parts together (a phone's extension is kept only with its number)
            these = [f for f in fields if questions.index(question[f]) % len(LATENCIES_MS)
                     == turn] if len(questions) >= len(LATENCIES_MS) else fields
            for index, field_id in enumerate(these):
                box = page.locator(f"#{field_id}")
                max_length = int(box.get_attribute("maxlength") or 200)
                typed[field_id] = typed_value(index, latency, max_length)
                # an answer a condition reads has just changed: its update is on its way
                page.evaluate("""() => {
                    const reader = document.querySelector('#section-body [hx-post]')
                      || document.activeElement;
                    reader.dispatchEvent(new Event('change', {bubbles: true}));
                }""")
                box.focus()
                box.fill("")
                box.press_sequentially(typed[field_id], delay=KEY_DELAY_MS)
                box.press("Tab")
            page.wait_for_function(IDLE)
            assert len(updates) >= len(these), "the questions were updated while typing"
            walk.button("Enregistrer").click()
            expect(page.locator(".notice--success, .notice--warning").first).to_be_visible()
            network.latency(0)
            page.goto(url)
            for field_id, value in typed.items():
                expect(page.locator(f"#{field_id}"), f"{section.id} {latency} ms").to_have_value(
                    value)
    assert typed_fields, "some section has a text field"


def summary_matches_fields(page: Page) -> list[str]:
    """The links of the error summary (hrefs), after checking that each goes to a question
    shown with an error, and that each question with an error is linked."""
    links = page.locator(".error-summary a").evaluate_all("as => as.map(a => a.hash)")
    for target in links:
        expect(page.locator(target)).to_have_count(1)
    errors = page.locator("#section-body .field--error").count()
    assert errors == len(links), (links, errors)
    return links


def test_error_summary__answers_corrected__the_summary_follows_the_questions(page, essai):
    """After ENREGISTRER with mistakes, updating the questions keeps the summary equal
    to the errors shown: a question gone leaves it, and it goes when nothing is wrong."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()

    def choose(name: str, value: str) -> None:
        box = page.locator(f'#section-body input[name="{name}"][value="{value}"]')
        updating(page, box.check, box.get_attribute("hx-post") is not None)

    updating(page, lambda: page.locator("#f-categorie").select_option("etudiant"), True)
    choose("a_numero", "true")
    page.locator("#f-numero").fill("12")
    walk.button("Enregistrer").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert "#f-numero" in summary_matches_fields(page)

    choose("a_numero", "false")  # the question with the error is gone
    expect(page.locator("#f-numero")).to_have_count(0)
    assert "#f-numero" not in summary_matches_fields(page)
    expect(page.locator(".error-summary")).to_be_visible()  # what is still wrong

    choose("a_numero", "true")
    page.locator("#f-numero").fill("12345678")
    page.locator('input[name="precision"]').first.check()
    choose("a_code", "false")  # the last answer: nothing is wrong any more
    expect(page.locator(".error-summary")).to_have_count(0)
    assert summary_matches_fields(page) == []
    expect(page).not_to_have_title(re.compile("^Erreur"))  # the update brought the title


def test_a_misclick_hides_questions__what_was_typed_in_them_comes_back(page, essai):
    """"Non", boxes ticked and a language typed; "Oui" by mistake hides them; "Non" again
    shows them as they were, before any save (web/forms/hidden_answers.py)."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    page.goto(f"/dossiers/{walk.number}/sections/rendez_vous")

    def choose(name: str, value: str) -> None:
        box = page.locator(f'#section-body input[name="{name}"][value="{value}"]')
        updating(page, box.check, box.get_attribute("hx-post") is not None)

    choose("francais", "false")
    choose("langues", "autre")
    page.locator("#f-autre_langue").fill("粤语 Cantonese")
    choose("francais", "true")
    expect(page.locator("#f-autre_langue")).to_have_count(0)
    choose("francais", "false")
    expect(page.locator('input[name="langues"][value="autre"]')).to_be_checked()
    expect(page.locator("#f-autre_langue")).to_have_value("粤语 Cantonese")


def test_error_summary__a_mistake_corrected__its_error_and_its_summary_line_go(page, essai):
    """A question showing an error is checked again when it changes, even when no
    condition reads it: the corrected answer's error leaves the field and the summary."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    box = page.locator('#section-body input[name="a_numero"][value="true"]')
    updating(page, box.check, True)
    page.locator("#f-numero").fill("12")
    walk.button("Enregistrer").click()
    expect(page.locator("#f-numero-error")).to_be_visible()
    assert "#f-numero" in summary_matches_fields(page)
    expect(page).to_have_title(re.compile("^Erreur : "))  # issue #12 item 7

    page.locator("#f-numero").fill("12345678")
    updating(page, lambda: page.locator("#f-numero").press("Tab"), True)
    expect(page.locator("#f-numero-error")).to_have_count(0)
    assert "#f-numero" not in summary_matches_fields(page)
    expect(page.locator("#f-numero")).to_have_value("12345678")
    expect(page.locator(".error-summary")).to_be_visible()  # the category is still missing
    expect(page).to_have_title(re.compile("^Erreur : "))


def answer(page: Page, answers: dict) -> None:
    """Answer a section as a person does, by the inputs' names (tests.definitions)."""
    for name, value in answers.items():
        inputs = page.locator(f'#section-body [name="{name}"]')
        first = inputs.first
        refreshes = first.get_attribute("hx-post") is not None
        kind = first.evaluate("e => e.type")
        if kind == "select-one":
            updating(page, partial(first.select_option, value), refreshes)
        elif kind in ("radio", "checkbox"):
            for v in [value] if isinstance(value, str) else value:
                box = page.locator(f'#section-body [name="{name}"][value="{v}"]')
                updating(page, box.check, refreshes)
        else:
            first.fill(value)


def double_click(page: Page, button) -> None:
    """Two clicks of the mouse 200 ms apart on `button`, the second while the first
    request is on its way (the mouse does not wait for the page to load)."""
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)


def test_double_click__700_ms_link__saved_notice_then_success_page(page, essai):
    """ENREGISTRER, then SOUMETTRE, each clicked twice on a 700 ms link: the applicant
    sees "saved" and then the success page, never a conflict or a refusal."""
    walk = Walk(page, essai, "fr")
    walk.register()
    walk.create_dossier()
    network = Network(page)
    answer(page, IDENTITE)
    network.latency(700)
    double_click(page, walk.button("Enregistrer"))
    expect(page.locator(".notice--success")).to_have_text(
        walk.t("Vos réponses ont été enregistrées."))
    expect(page.get_by_text(walk.t("Ce dossier a été modifié ailleurs"))).to_have_count(0)

    network.latency(0)
    page.goto(f"/dossiers/{walk.number}/sections/rendez_vous")
    answer(page, RENDEZ_VOUS)
    walk.button("Enregistrer").click()
    expect(page.locator(".notice--success")).to_be_visible()
    page.goto(f"/dossiers/{walk.number}/soumettre?etape=3")
    network.latency(700)
    double_click(page, walk.button("Soumettre"))
    expect(page.locator(".notice--success")).to_contain_text(walk.number)
    expect(page.locator(".error-summary")).to_have_count(0)
