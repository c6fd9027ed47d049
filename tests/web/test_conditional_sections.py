"""Issue 15: a section shown on a condition (`when` on a section) and comparisons in
conditions, on the tests' type atelier: its section "Atelier de jour" is shown only for
a daytime schedule; "raison_report" only for a start more than six months from today;
"accord_employeur" only when available after the desired start (another answer)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

import storage
from tests.definitions import ATELIER

CHOIX = {"deja_inscrit": "false", "horaire": "soir"}
DAYTIME = "Atelier de jour"


@pytest.fixture
def today() -> date:
    """Time stands still (reset by the app fixture): "today" of the conditions."""
    storage.clock.set(storage.clock.now())
    return storage.clock.today()


def _choix(today: date, **changes: str) -> dict[str, str]:
    return {**CHOIX, "date_debut": (today + timedelta(days=30)).isoformat(), **changes}


def _page(person, url: str) -> str:
    response = person.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_section_when__evening__not_in_nav_recap_its_address_leads_to_the_dossier(
        maria, today):
    number = maria.create_dossier(ATELIER)
    assert maria.fill(number, "choix", _choix(today)).status_code == 302
    page = _page(maria, f"/dossiers/{number}/sections/choix")
    assert DAYTIME not in page
    hidden = maria.get(f"/dossiers/{number}/sections/jour")
    assert hidden.status_code == 302
    assert hidden.location.endswith(f"/dossiers/{number}/")
    assert DAYTIME not in _page(maria, f"/dossiers/{number}/recapitulatif")


def test_section_when__daytime__in_nav_and_required_for_submission(maria, today):
    number = maria.create_dossier(ATELIER)
    assert maria.fill(number, "choix", _choix(today, horaire="jour")).status_code == 302
    assert f'href="/dossiers/{number}/sections/jour"' in _page(
        maria, f"/dossiers/{number}/sections/choix")
    assert DAYTIME in _page(maria, f"/dossiers/{number}/sections/jour")
    blocked = _page(maria, f"/dossiers/{number}/soumettre")
    assert DAYTIME in blocked and "soumettre?etape" not in blocked


def test_section_when__hidden__submission_ignores_it(maria, today):
    number = maria.create_dossier(ATELIER)
    assert maria.fill(number, "choix", _choix(today)).status_code == 302
    assert maria.submit(number).status_code == 302
    listing = _page(maria, "/dossiers/")
    assert "Inscription reçue" in listing


def test_section_when__hidden_after_answering__its_answers_archived(maria, today):
    number = maria.create_dossier(ATELIER)
    assert maria.fill(number, "choix", _choix(today, horaire="jour")).status_code == 302
    available = (today + timedelta(days=10)).isoformat()
    assert maria.fill(number, "jour", {"date_disponible": available}).status_code == 302
    assert maria.fill(number, "choix", _choix(today)).status_code == 302
    archived = [(a.field_id, a.value, a.why) for a in storage.archived_answers(number)]
    assert archived == [("date_disponible", available, "hidden")]


@pytest.mark.parametrize("htmx", [True, False])
def test_comparison_with_offset__start_in_seven_months__question_shown_not_in_one(
        maria, today, htmx):
    number = maria.create_dossier(ATELIER)
    later = (today + relativedelta(months=7)).isoformat()
    shown = maria.refresh(number, "choix", _choix(today, date_debut=later), htmx=htmx)
    assert shown.status_code == 200 and 'name="raison_report"' in shown.get_data(as_text=True)
    soon = maria.refresh(number, "choix", _choix(today), htmx=htmx)
    assert soon.status_code == 200 and 'name="raison_report"' not in soon.get_data(as_text=True)


def test_comparison_with_offset__date_question__refreshes_the_page(maria, today):
    """The date a condition compares carries the section's update address (htmx)."""
    number = maria.create_dossier(ATELIER)
    page = _page(maria, f"/dossiers/{number}/sections/choix")
    tag = page[page.index('name="date_debut"') - 300:page.index('name="date_debut"') + 300]
    assert "actualiser" in tag


@pytest.mark.parametrize("htmx", [True, False])
def test_comparison_with_another_field__later_availability__question_shown(maria, today, htmx):
    number = maria.create_dossier(ATELIER)
    assert maria.fill(number, "choix", _choix(today, horaire="jour")).status_code == 302
    start = today + timedelta(days=30)
    after = maria.refresh(number, "jour", {"date_disponible": str(start + timedelta(days=1))},
                          htmx=htmx)
    assert 'name="accord_employeur"' in after.get_data(as_text=True)
    before = maria.refresh(number, "jour", {"date_disponible": str(start)}, htmx=htmx)
    assert 'name="accord_employeur"' not in before.get_data(as_text=True)
    malformed = maria.refresh(number, "jour", {"date_disponible": "2027-02-31"}, htmx=htmx)
    assert malformed.status_code == 200
    assert 'name="accord_employeur"' not in malformed.get_data(as_text=True)


def test_comparison_with_today__next_day__a_page_seen_before_is_not_reused(maria, today):
    """A section page is reused while its dossier is unchanged, but not past midnight: a
    question compared with today may have appeared or disappeared overnight."""
    number = maria.create_dossier(ATELIER)
    start = today + relativedelta(months=6) + timedelta(days=3)
    assert maria.fill(number, "choix", _choix(today, date_debut=start.isoformat())
                      ).status_code == 302
    url = f"/dossiers/{number}/sections/choix"
    assert 'name="raison_report"' in _page(maria, url)
    assert 'name="raison_report"' in _page(maria, url)  # the page as kept
    storage.clock.set(storage.clock.now() + timedelta(days=5))
    assert maria.login().status_code == 302  # the session did not last 5 days
    assert 'name="raison_report"' not in _page(maria, url)
