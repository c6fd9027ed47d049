"""Who may open what, for every route of the app (found in url_map, never listed by hand):
anonymous visitors go to the login page, the owner gets through, another applicant gets
404 for anything of the owner's. Public routes are the explicit table in routes.PUBLIC.
The back office's routes (/agent/) send a browser without any session to the agents'
login, and answer 404 to an applicant's session.

The JSON API's routes (/api/) take a bearer token, never a session: a browser's request
carrying the portal's session cookie is refused there (400 problem+json), whoever is
logged in, and is never sent to the login page (their own matrix is in tests/api).

Anonymous htmx requests get 401 with an `HX-Redirect` to the login page instead of a
302: htmx would follow a redirect inside its XHR and swap the login page into a fragment.
"""

from __future__ import annotations

import pytest

from tests.web.routes import (
    OWNER_OK,
    PUBLIC,
    World,
    api_rules,
    build_world,
    calls,
    logged_in,
    request,
)


@pytest.fixture
def world(maria, other, registry) -> World:
    return build_world(maria, other, registry)


def test_matrix__every_route__public_or_owned_and_nothing_else(app):
    unknown = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint not in PUBLIC:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method not in PUBLIC[rule.endpoint]:
                unknown.append(f"{method} {rule.rule}")
    assert not unknown, f"public routes without an expected answer in PUBLIC: {unknown}"
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert not set(PUBLIC) - endpoints, "PUBLIC names routes that no longer exist"


def test_matrix__anonymous__owned_routes_send_to_login_public_ones_answer(app, world):
    world.owner.logout()
    visitor = world.owner  # the same browser, logged out: a real token, no account
    wrong = []
    for call in calls(app, world):
        plain = request(visitor, call)
        htmx = request(visitor, call, headers={"HX-Request": "true"})
        if call.endpoint in PUBLIC:
            expected = PUBLIC[call.endpoint][call.method]
            if plain.status_code not in expected:
                wrong.append(f"{call}: {plain.status_code}, expected {sorted(expected)}")
            continue
        if world.is_agent(call):  # the agents' own login
            if plain.status_code != 303 or not plain.location.startswith(
                    "/agent/connexion?next="):
                wrong.append(f"{call}: {plain.status_code} {plain.location}, expected "
                             "the agents' login")
            if htmx.status_code != 401 or not htmx.headers.get("HX-Redirect", "").startswith(
                    "/agent/connexion?next="):
                wrong.append(f"{call} (htmx): {htmx.status_code}, expected 401 + HX-Redirect")
            continue
        if plain.status_code != 302 or not plain.location.startswith("/connexion?next="):
            wrong.append(f"{call}: {plain.status_code} {plain.location}, expected login")
        if htmx.status_code != 401 or not htmx.headers.get("HX-Redirect", "").startswith(
                "/connexion?next="):
            wrong.append(f"{call} (htmx): {htmx.status_code}, expected 401 + HX-Redirect")
    assert not wrong, "\n".join(wrong)


def test_matrix__another_applicant__404_for_everything_of_the_owners(app, world):
    before = world.snapshot()
    wrong = []
    for call in calls(app, world):
        if not logged_in(world.other):
            world.other.login()
        response = request(world.other, call)
        if world.is_agent(call):
            if response.status_code != 404:
                wrong.append(f"{call}: {response.status_code}, expected 404 (back office)")
            continue
        if call.endpoint in PUBLIC or not call.owned_args:
            if response.status_code >= 500 or response.status_code == 404:
                wrong.append(f"{call}: {response.status_code} for her own page")
            continue
        if response.status_code != 404 or "Page introuvable" not in response.get_data(
                as_text=True):
            wrong.append(f"{call}: {response.status_code}, expected 404")
    assert not wrong, "\n".join(wrong)
    assert world.snapshot() == before, "another applicant changed the owner's things"


def test_matrix__owner__gets_through_every_route(app, world):
    wrong = []
    for call in calls(app, world):
        if not logged_in(world.owner):
            world.owner.login()
        response = request(world.owner, call)
        status = response.status_code
        to_login = status == 302 and response.location.startswith("/connexion")
        if world.is_agent(call):
            if status != 404:
                wrong.append(f"{call}: {status}, expected 404 (an applicant in the back office)")
        elif call.endpoint in PUBLIC:
            if status >= 500 or status == 404:
                wrong.append(f"{call}: {status}")
        elif status not in OWNER_OK or to_login:
            wrong.append(f"{call}: {status} {response.location or ''}")
    assert not wrong, "\n".join(wrong)


def test_matrix__api_routes_refuse_a_browser_session_never_redirect(app, world):
    wrong = []
    for rule in api_rules(app):
        number = world.draft
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **world.args_for(rule, number))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who in (world.owner, world.other):
                if not logged_in(who):
                    who.login()
                response = who.client.open(url, method=method, json={}, buffered=True)
                # a public page of the API (its document, its reference) may be read
                if response.status_code == 200 and method == "GET":
                    continue
                if (response.status_code != 400 or response.mimetype
                        != "application/problem+json"
                        or response.get_json()["type"] != "/api/v1/problems/cookie-refused"):
                    wrong.append(f"{method} {url}: {response.status_code} "
                                 f"{response.location or ''}, expected 400 cookie-refused")
    assert not wrong, "\n".join(wrong)
