"""`guichet preview` in a browser: a real `guichet preview` process on a copy of a
definition; the file edited on disk is redrawn by the page itself, its errors shown
at file:line while it is broken, and the form back once it is fixed (issue 16).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from engine import convert
from tests.definitions import DIRECTORY, ESSAI

QUESTION = "Quelle est votre catégorie d'essai ?"  # a label of essai.yaml's first section
CHANGED = "Dans quelle catégorie d'essai êtes-vous ?"
WITHIN = 2_000  # ms: a saved file is on screen within 2 s, with no reload by the test


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def definition(tmp_path: Path) -> Path:
    path = tmp_path / f"{ESSAI}.yaml"
    shutil.copy(DIRECTORY / path.name, path)
    return path


@pytest.fixture
def preview_url(definition: Path) -> Iterator[str]:
    """`guichet preview <folder>` as a designer starts it, on a free port."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "web.cli", "preview", str(definition.parent), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("guichet preview did not start: "
                                + process.stderr.read().decode(errors="replace")[-2000:])
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


@pytest.fixture
def preview_page(browser, preview_url: str):
    context = browser.new_context(base_url=preview_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_page_follows_the_file(preview_page, definition: Path) -> None:
    page = preview_page
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"/formulaires/{ESSAI}/sections/identite")
    expect(page.get_by_label(QUESTION)).to_be_visible()
    page.get_by_label("Oui").first.check()  # reveals the test number (a condition)
    number = page.locator("input[name=numero]")
    expect(number).to_be_visible()
    number.fill("12345678")

    _replace(definition, QUESTION, CHANGED)  # the designer saves a new label
    expect(page.get_by_label(CHANGED)).to_be_visible(timeout=WITHIN)
    expect(page.get_by_label(QUESTION)).to_have_count(0)
    expect(page.locator("input[name=numero]")).to_have_value("12345678")  # kept

    _replace(definition, "  - id: identite\n", "  - id: identite\n    title: [\n")  # broken
    error = convert(definition).errors[0]
    shown = page.locator(".preview-error code").first
    expect(shown).to_have_text(f"{definition}:{error.line}", timeout=WITHIN)
    offending = definition.read_text(encoding="utf-8").splitlines()[error.line - 1].strip()
    expect(page.locator(".preview-excerpt mark").first).to_contain_text(offending)
    expect(page.locator(".preview-excerpt").first).to_contain_text("title: [")
    expect(page.locator("#section-form")).to_have_count(0)
    page.wait_for_timeout(1_200)  # a few polls of the error page
    assert console == []  # never "hx-include returned no matches"

    _replace(definition, "    title: [\n", "")  # fixed: the form is back
    expect(page.get_by_label(CHANGED)).to_be_visible(timeout=WITHIN)
    expect(page.locator("#section-form")).to_be_visible()


CASES = """\
- name: étudiante avec numéro
  answers: {categorie: etudiant, a_numero: true, numero: "12345678"}
  profile: {given_names: Ada, family_names: Lovelace}
"""


def test_samples_conditions_and_language(preview_page, definition: Path) -> None:
    (definition.parent / f"{ESSAI}.tests.yaml").write_text(CASES, encoding="utf-8")
    page = preview_page
    page.goto(f"/formulaires/{ESSAI}/sections/identite")
    number = page.locator("input[name=numero]")
    expect(number).to_have_count(0)
    page.get_by_label("Réponses d'exemple du fichier").select_option(label="étudiante avec numéro")
    page.get_by_role("button", name="Charger").click()
    expect(number).to_have_value("12345678")
    expect(page.get_by_text("Ada Lovelace")).to_be_visible()
    page.get_by_label("Non").first.check()  # the condition, live (htmx)
    expect(number).to_have_count(0)
    page.get_by_label("Oui").first.check()
    expect(number).to_be_visible()
    number.fill("87654321")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_label("Test number")).to_have_value("87654321")


def test_typing_goes_on_through_a_redraw(preview_page, definition: Path) -> None:
    """A save redraws the page in place: the field being typed in keeps its focus, its
    caret and every character typed before, during and after the redraw."""
    page = preview_page
    page.goto(f"/formulaires/{ESSAI}/sections/identite")
    page.get_by_label("Oui").first.check()
    number = page.locator("input[name=numero]")
    number.click()
    page.keyboard.type("abc")
    _replace(definition, QUESTION, CHANGED)  # saved while the designer types
    typed = "0123456789" * 3  # the field takes 40 characters at most
    page.keyboard.type(typed, delay=70)  # 2.1 s: over the redraw
    expect(page.get_by_label(CHANGED)).to_be_visible(timeout=WITHIN)
    page.keyboard.type("xyz", delay=40)
    expect(number).to_have_value("abc" + typed + "xyz")
    assert page.evaluate("document.activeElement.name") == "numero"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_errors_stay_inside_their_box(browser, preview_url: str, definition: Path,
                                          width: int) -> None:
    long_line = "    title: {fr: " + "Une très longue ligne " * 12 + ", en: [\n"
    _replace(definition, "  - id: identite\n", "  - id: identite\n" + long_line)
    context = browser.new_context(base_url=preview_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"/formulaires/{ESSAI}/")
        expect(page.locator(".preview-excerpt").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        box = page.locator(".preview-errors").bounding_box()
        for excerpt in page.locator(".preview-excerpt").all():
            inner = excerpt.bounding_box()
            assert inner["x"] + inner["width"] <= box["x"] + box["width"]
    finally:
        context.close()
