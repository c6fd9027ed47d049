"""What a designer writes in forms/ works in the portal: for every section of every file
(one test each, whatever the files are), on a test app serving forms/, an applicant
the type accepts creates a dossier and the section renders with every question it
asks from the start, saves and refreshes; the dossier's recap and submission pages
render too. The portal's own behaviour is tested on tests/definitions/."""

from __future__ import annotations

import pytest
from flask import Flask
from markupsafe import escape

from engine import Registry, load_registry
from engine.model import Definition
from engine.pipeline import definition_paths
from engine.validate import section_shown
from tests.web.conftest import Applicant, years_ago
from tests.web.test_any_type import assert_inputs_say_what_they_hold


def shipped_sections() -> list:
    """(type, section) of every file of forms/, read at collection."""
    return [pytest.param(c.id, s.id, id=f"{c.id}-{s.id}")
            for c in load_registry(definition_paths()) for s in c.definition.sections]


@pytest.fixture(scope="module")
def registry() -> Registry:
    """This module's portal serves forms/ (overrides tests/web/conftest.py's)."""
    return load_registry()


def eligible_age(definition: Definition) -> int:
    ages = [30] + [rule.min_age + 1 for rule in definition.eligibility if rule.min_age]
    highest = min([rule.max_age for rule in definition.eligibility if rule.max_age] or [150])
    return min(max(ages), highest)


@pytest.mark.parametrize(("type_id", "section_id"), shipped_sections())
def test_shipped_section__opened_saved_and_refreshed__renders_its_questions(
        app: Flask, registry: Registry, type_id: str, section_id: str):
    definition = registry[type_id].definition
    section = definition.section(section_id)
    applicant = Applicant(app.test_client())
    assert applicant.register(birth_date=years_ago(eligible_age(definition))).status_code == 302
    number = applicant.create_dossier(type_id)
    url = applicant.section_url(number, section_id)

    if not section_shown(registry[type_id], section, {}):
        # shown on a condition a new dossier does not meet: its address leads to the
        # dossier (tests/web/test_conditional_sections.py), and it is drawn for the
        # answers that show it in the type's own tests
        hidden = applicant.get(url)
        assert hidden.status_code == 302 and hidden.location.endswith(f"/dossiers/{number}/")
        return
    page = applicant.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert str(escape(section.title.fr)) in html
    for field in section.fields:
        if field.when is None:
            assert str(escape(field.label.fr)) in html, field.id
    assert_inputs_say_what_they_hold(html, [f for f in section.fields if f.when is None])
    fragment = applicant.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)

    saved = applicant.fill(number, section_id, {})
    assert saved.status_code == 302
    assert applicant.get(saved.location).status_code == 200
    assert applicant.refresh(number, section_id, {}).status_code == 200
    for page_url in (f"/dossiers/{number}/recapitulatif", f"/dossiers/{number}/soumettre"):
        assert applicant.get(page_url).status_code == 200, page_url
