"""No designer text makes a page fail, whatever braces it holds (issue 16): a field's
message with `{NNNNNN}`, `{0}`, `{a.b}`, `{x!r}`, `{:>10}` or a lone brace is shown
as typed next to the field, with a 200, and the applicant's answers are kept."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from engine import Registry
from engine.model import Text
from engine.placeholders import field_message_names, fill_text
from tests.definitions import with_registry

BRACES = Path(__file__).parent.parent / "fixtures" / "braces_type.yaml"


@pytest.fixture
def registry() -> Iterator[Registry]:
    """The tests' types and `accolades`, a section whose code has a pattern message."""
    yield with_registry(BRACES)


def _show_error(applicant, number: str) -> str:
    """Answer the name and a wrong code, save, and read the page the save leads to."""
    response = applicant.fill(number, "code", {"nom": "Zoé Ω", "code": "12"})
    assert response.status_code == 302
    page = applicant.get(response.location)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_braces__doubled_in_the_yaml__shown_single_next_to_the_field(maria):
    number = maria.create_dossier("accolades")
    page = _show_error(maria, number)
    assert "Entrez le code au format {NNNNNN}." in page
    assert 'value="Zoé Ω"' in page and 'value="12"' in page


MESSAGES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["{NNNNNN}", "{0}", "{a.b}", "{x!r}", "{:>10}", "{", "}", "{{", "}}}",
                     "{min_items}", "{max_length}{", "{{x}", "{é}", "{}", "{ }"]),
    st.lists(st.sampled_from(["{", "}", "{{", "}}", "x", "é", "{n}", "{0}", "%s", "\\"]),
             max_size=8).map("".join),
).filter(lambda s: s.strip())  # a blank message is a check error (MISSING_TRANSLATION)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fr=MESSAGES, en=MESSAGES)
def test_braces__any_message_text__page_answers_200_and_keeps_the_answers(maria, registry,
                                                                         fr, en):
    """The message is put in the compiled definition as a designer could have written
    it (whatever the checker says about it): the section still shows, with the error."""
    field = registry["accolades"].definition.all_fields()["code"]
    field.messages["pattern"] = Text(fr, en, field.line)
    number = getattr(maria, "_braces_dossier", None) or maria.create_dossier("accolades")
    maria._braces_dossier = number
    page = _show_error(maria, number)
    assert 'value="Zoé Ω"' in page and 'value="12"' in page
    assert 'href="#f-code"' in page
    # braces included: the message as the engine's one filler shows it (the field gives
    # no value to a name the test draws but `{min_items}`... : those are left out)
    if not any("{" + name + "}" in fr for name in field_message_names(field)):
        shown = fill_text(fr, {}).strip()
        assert str(escape(shown)).split("\n")[0][:10] in page  # as Jinja escapes
