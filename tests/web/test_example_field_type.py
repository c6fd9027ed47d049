"""A field type registered only by the tests (tests/colour_type.py) works in the portal
with no change outside its module: its question is drawn by the generic text macro,
its answer is read, normalised, validated and shown in the recap."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import Registry
from engine.fieldtypes import unregister
from tests.colour_type import register_colour
from tests.definitions import with_registry

NUANCIER = Path(__file__).parent.parent / "colour" / "nuancier.yaml"


@pytest.fixture
def registry() -> Iterator[Registry]:
    """The tests' types and `nuancier`, while the example type is registered."""
    register_colour()
    yield with_registry(NUANCIER)
    unregister("colour")


def test_example_type__page_answer_error_and_recap(maria):
    number = maria.create_dossier("nuancier")
    page = maria.get(maria.section_url(number, "couleurs")).get_data(as_text=True)
    assert ('<input class="input input--text" type="text" id="f-preferee" name="preferee"'
            ' value="" maxlength="7" aria-required="true">') in page
    response = maria.fill(number, "couleurs", {"preferee": "orange"})
    page = maria.get(response.location).get_data(as_text=True)
    assert '<a href="#f-preferee">' in page
    assert maria.fill(number, "couleurs", {"preferee": " #FFAA00 "}).status_code == 302
    recap = maria.get(f"/dossiers/{number}/recapitulatif").get_data(as_text=True)
    assert "#FFAA00" in recap and "#ffaa00" not in recap
