"""A section's answer kept per dossier version (web/api/section_cache.py): reused while
the dossier is unchanged, never past a write, a revoked token, another applicant, another
language, a passed deadline or another day, and never when it shows the profile."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

import storage
from tests.api.conftest import MARIA, Person, api_portal, make_person
from tests.api.test_sections import AQ, IDENT, Checked, _new, _put, _url
from tests.definitions import registry as definitions_registry
from web.registry import EXTENSION

SECTION = "identification"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The numbers of the dossiers read whole (storage.get_dossier) during the test."""
    seen: list[str] = []
    read = storage.get_dossier

    def counting(account_id: int, number: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(number)
        return read(account_id, number, *args, **kwargs)

    monkeypatch.setattr(storage, "get_dossier", counting)
    return seen


def _get(api: Any, person: Person, number: str, section: str = SECTION,
         lang: str = "fr") -> Any:
    response = api.get(_url(number, section),
                       headers={**person.headers, "Accept-Language": lang})
    assert response.status_code == 200, response.get_json()
    return response


def _token(person: Person) -> Person:
    """`person` with an access token issued now (after the clock moved)."""
    pair = storage.issue_tokens(person.account_id, 900, 3600)
    return Person(person.account_id, person.email, person.password,
                  {"Authorization": f"Bearer {pair.access_token}"})


def test_section_cache__unchanged_version__answered_again_without_reading_the_dossier(
        api_app, applicant, reads):
    api = Checked(api_app.test_client())
    number = _new(api_app, applicant)
    first = _get(api, applicant, number)
    assert reads == [number]
    again = _get(api, applicant, number)
    assert reads == [number]  # the token's statement only
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Content-Type"] == first.headers["Content-Type"] == "application/json"
    assert again.headers["Content-Language"] == "fr"


def test_section_cache__a_put__answered_as_the_next_get_and_kept_for_it(
        api_app, applicant, reads):
    api = Checked(api_app.test_client())
    number = _new(api_app, applicant)
    version = int(_get(api, applicant, number).headers["ETag"].strip('"'))
    saved = _put(api, applicant, number, SECTION, IDENT, version)
    assert saved.status_code == 200
    del reads[:]
    got = _get(api, applicant, number)
    assert reads == []  # kept by the PUT
    assert got.get_json() == saved.get_json()
    assert got.get_json()["answers"] == IDENT and got.headers["ETag"] == f'"{version + 1}"'


def test_put__the_dossier_read_with_the_token__overdue_one_read_and_moved_on_first(
        api_app, applicant, reads):
    api = Checked(api_app.test_client())
    number = _new(api_app, applicant)
    version = int(_get(api, applicant, number).headers["ETag"].strip('"'))
    deadline = storage.get_dossier(applicant.account_id, number).deadline
    del reads[:]
    assert _put(api, applicant, number, SECTION, IDENT, version).status_code == 200
    assert reads == []  # read along with the token, answered from what the save returned
    storage.clock.set(deadline + timedelta(days=1))
    late = _put(api, _token(applicant), number, SECTION, IDENT, version + 1)
    assert late.status_code == 409 and reads == [number]  # read (expired) first


def test_section_cache__a_save_elsewhere__seen_at_the_next_get(api_app, applicant):
    api = Checked(api_app.test_client())
    number = _new(api_app, applicant)
    before = _get(api, applicant, number).get_json()
    storage.save_section(api_app.extensions[EXTENSION], applicant.account_id, number,
                         SECTION, IDENT, before["dossier_version"])  # the portal's page
    after = _get(api, applicant, number).get_json()
    assert after["dossier_version"] == before["dossier_version"] + 1
    assert after["answers"] == IDENT and before["answers"] == {}


def test_section_cache__revoked_token__refused_though_kept(api_app, applicant):
    api = Checked(api_app.test_client())
    number = _new(api_app, applicant)
    _get(api, applicant, number)
    storage.revoke_chain(applicant.headers["Authorization"].removeprefix("Bearer "))
    refused = api.get(_url(number, SECTION), headers=applicant.headers)
    assert refused.status_code == 401


def test_section_cache__another_applicant__not_found_though_kept(api_app, applicant, other):
    api = Checked(api_app.test_client())
    number = _new(api_app, applicant)
    _get(api, applicant, number)
    assert api.get(_url(number, SECTION), headers=other.headers).status_code == 404


def test_section_cache__each_language_its_own(api_app, applicant):
    api = Checked(api_app.test_client())
    number = _new(api_app, applicant)
    _put(api, applicant, number, SECTION, {**IDENT, "numero_mifi": "?"},
         _get(api, applicant, number).get_json()["dossier_version"])
    fr = _get(api, applicant, number).get_json()
    en = _get(api, applicant, number, lang="en").get_json()
    assert fr["errors"] and en["errors"]
    assert fr["errors"][0]["message"] != en["errors"][0]["message"]
    assert _get(api, applicant, number).get_json() == fr


def test_section_cache__deadline_passed__the_dossier_moved_on_first(api_app, applicant):
    api = Checked(api_app.test_client())
    number = _new(api_app, applicant)
    before = _get(api, applicant, number).get_json()
    assert before["editable"] is True
    dossier = storage.get_dossier(applicant.account_id, number)
    storage.clock.set(dossier.deadline + timedelta(days=1))
    late = _token(applicant)
    after = _get(api, late, number).get_json()
    assert after["editable"] is False
    assert after["dossier_version"] == before["dossier_version"] + 1


def test_section_cache__another_day__judged_again(api_app, applicant, reads):
    api = Checked(api_app.test_client())
    number = _new(api_app, applicant)
    _get(api, applicant, number)
    storage.clock.advance(timedelta(days=1))
    _get(api, _token(applicant), number)
    assert reads == [number, number]


@pytest.fixture
def test_app(api_instance: str) -> Iterator[Flask]:
    """A portal serving tests/definitions (adresses: an address filled from the
    profile)."""
    yield from api_portal(definitions_registry(), api_instance)


def test_section_cache__answers_from_the_profile__never_kept(test_app, reads):
    maria = make_person("maria.valdero@example.com", MARIA)
    api = Checked(test_app.test_client())
    number = _new(test_app, maria, "adresses")
    first = _get(api, maria, number, "coordonnees").get_json()
    assert first["prefill"]["adresse"]["line1"] == MARIA["address_line1"]
    storage.update_profile(maria.account_id, {**MARIA, "address_line1": "1 rue Neuve"})
    again = _get(api, maria, number, "coordonnees").get_json()
    assert again["prefill"]["adresse"]["line1"] == "1 rue Neuve"
    assert again["dossier_version"] == first["dossier_version"]
    assert reads == [number, number]


def test_section_cache__size_0__every_get_reads_the_dossier(api_instance, api_registry, reads):
    for app in api_portal(api_registry, api_instance, API_CACHE_SIZE=0):
        person = make_person("maria.valdero@example.com", MARIA)
        api = Checked(app.test_client())
        number = _new(app, person, AQ)
        assert _get(api, person, number).get_data() == _get(api, person, number).get_data()
        assert reads == [number, number]
