"""Every state-changing route, found in url_map by its methods, refuses a request without a
valid CSRF token: with a logged-in session (where CSRF matters), with no token, a wrong
one, or a wrong one in htmx's header. Nothing changes, and the session survives. The
right token in htmx's header is accepted. The JSON API's state-changing routes take no
CSRF token: they refuse the session cookie itself (400 cookie-refused)."""

from __future__ import annotations

import time

import pytest

from tests.web.routes import (
    STATE_CHANGING,
    World,
    build_world,
    calls,
    is_api_rule,
    logged_in,
    request,
    wrong_api_answer,
)


@pytest.fixture
def world(maria, other, registry) -> World:
    return build_world(maria, other, registry)


def test_csrf__every_state_changing_route__400_without_a_valid_token(app, world):
    found = list(calls(app, world, STATE_CHANGING))
    assert len({c.endpoint for c in found}) >= 5, "state-changing routes not found"
    before = world.snapshot()
    owner = world.owner
    wrong = []
    for call in found:
        attempts = {
            "no token": request(owner, call, token=False),
            "wrong token": owner.client.open(call.url, method=call.method,
                                             data={"csrf_token": "forged"}),
            "wrong htmx header": owner.client.open(
                call.url, method=call.method,
                headers={"HX-Request": "true", "X-CSRFToken": "forged"}),
        }
        for what, response in attempts.items():
            if is_api_rule(call.rule):
                refused = wrong_api_answer(app, call, response)
                wrong += [f"{refused} with {what}"] if refused else []
                continue
            page = response.get_data(as_text=True)
            if response.status_code != 400 or "Page expirée" not in page:
                wrong.append(f"{call} with {what}: {response.status_code}")
            elif response.headers["X-Request-Id"] not in page:
                wrong.append(f"{call} with {what}: no request id on the page")
    assert not wrong, "\n".join(wrong)
    assert world.snapshot() == before
    assert logged_in(owner), "a forged logout went through"


def test_csrf__token_of_another_session__refused(app, world):
    """A token is bound to its session: Gunter's token does not work in Maria's browser."""
    stolen = world.other.token()
    call = next(c for c in calls(app, world, STATE_CHANGING) if c.endpoint == "forms.save")
    response = world.owner.client.post(call.url, data={"csrf_token": stolen})
    assert response.status_code == 400


def test_csrf__one_session__token_of_an_earlier_page_still_accepted(maria):
    """A page's token is accepted for as long as the session lives, and none after
    logout."""
    assert maria.logout().status_code == 302 and maria.login().status_code == 302
    maria.get("/dossiers/")
    first = maria.token()
    time.sleep(1.1)  # a signature made now carries another timestamp
    maria.get("/profil")
    maria.last = None
    response = maria.client.post("/dossiers/nouveau", data={
        "type_id": "", "mode": "new", "csrf_token": first})
    assert response.status_code == 422  # past the CSRF check, refused for the empty type
    assert maria.logout().status_code == 302
    assert maria.login().status_code == 302
    response = maria.client.post("/dossiers/nouveau", data={
        "type_id": "", "mode": "new", "csrf_token": first})
    assert response.status_code == 400  # a new session, a new secret


def test_csrf__htmx_request_with_the_token_in_its_header__accepted(maria):
    """htmx sends the page's token as X-CSRFToken (no form field): that is enough."""
    number = maria.create_dossier()
    token = maria.token()
    response = maria.client.post(f"/dossiers/{number}/sections/identite/actualiser",
                                 data={"a_numero": "true"},
                                 headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert 'id="f-numero"' in response.get_data(as_text=True)  # the answer was taken


def test_csrf__token__same_on_every_page_of_a_session_and_new_after_login(maria):
    """The session's token is signed once (web/http/csrf.py) and shown on every page;
    logging out and in again gives another one, and the old one is refused."""
    maria.get("/dossiers/")
    first = maria.token()
    time.sleep(1.1)  # were it signed anew, the timestamp in it would differ
    maria.get("/profil")
    assert maria.token() == first
    assert maria.logout().status_code == 302 and maria.login().status_code == 302
    maria.get("/dossiers/")
    assert maria.token() != first
    response = maria.client.post("/dossiers/nouveau", data={
        "type_id": "", "mode": "new", "csrf_token": first})
    assert response.status_code == 400
