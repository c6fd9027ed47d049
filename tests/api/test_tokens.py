"""The app's login through the API: POST /tokens (the web login's rules and counts),
refresh with rotation and reuse detection, logout, and the revocations a password
change or reset brings. Every answer here is `no-store` and sets no cookie."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

import storage
from engine import Registry
from tests.api.conformance import check_response
from tests.api.conftest import MARIA, PASSWORD, Person, api_portal, make_person
from tests.web.conftest import Applicant

TOKENS = "/api/v1/tokens"
REFRESH = "/api/v1/tokens/refresh"
CURRENT = "/api/v1/tokens/current"
PROBLEM = "application/problem+json"
NEW_PASSWORD = "un-tout-nouveau-secret-2026"


def checked(api: FlaskClient, response: TestResponse) -> TestResponse:
    """What every answer of this module holds: no cookie, not to be cached, and what the
    OpenAPI document says."""
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    check_response(api.application, response.request.method, response.request.path,
                   response)
    return response


def login(api: FlaskClient, email: str, password: str = PASSWORD,
          **headers: str) -> TestResponse:
    return checked(api, api.post(TOKENS, json={"email": email, "password": password},
                            headers=headers))


def refresh(api: FlaskClient, token: str, **headers: str) -> TestResponse:
    return checked(api, api.post(REFRESH, json={"refresh_token": token}, headers=headers))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def accepted(api: FlaskClient, access: str) -> bool:
    """Whether a protected route takes `access`: GET /profile once it exists, else DELETE
    /tokens/current (which logs out: check a token this way last)."""
    if any(rule.rule == "/api/v1/profile" and "GET" in (rule.methods or ())
           for rule in api.application.url_map.iter_rules()):
        response = api.get("/api/v1/profile", headers=bearer(access))
    else:
        response = checked(api, api.delete(CURRENT, headers=bearer(access)))
    assert "Set-Cookie" not in response.headers
    if response.status_code == 401:
        assert response.mimetype == PROBLEM
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        return False
    assert response.status_code in (200, 204), response.get_data(as_text=True)
    return True


def problem_of(response: TestResponse, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == f"/api/v1/problems/{slug}" and body["status"] == status
    return body


def web_browser(app: Flask, email: str) -> Applicant:
    """The portal in a browser of its own (its session cookie never reaches `api`)."""
    return Applicant(app.test_client(), {**MARIA, "email": email})


# --- login -------------------------------------------------------------------------

def test_login__token_pair__the_access_token_opens_a_protected_route(
        api: FlaskClient, applicant: Person) -> None:
    response = login(api, applicant.email)
    assert response.status_code == 201 and response.mimetype == "application/json"
    pair = response.get_json()
    assert set(pair) == {"access_token", "token_type", "expires_in", "refresh_token",
                         "refresh_expires_in"}
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] == 900 and pair["refresh_expires_in"] == 30 * 24 * 3600
    assert pair["access_token"] != pair["refresh_token"]
    assert accepted(api, pair["access_token"])


def test_login__email_in_another_case_and_spaces__same_account(
        api: FlaskClient, applicant: Person) -> None:
    response = login(api, "  Maria.Valdero@EXAMPLE.com ")
    assert response.status_code == 201
    assert storage.token_account(response.get_json()["access_token"]) == applicant.account_id


def test_login__lifetimes_from_the_settings(api_registry: Registry, api_instance: str) -> None:
    for app in api_portal(api_registry, api_instance, API_ACCESS_SECONDS=60,
                          API_REFRESH_SECONDS=3600):
        person = make_person("maria.valdero@example.com", {})
        pair = login(app.test_client(), person.email).get_json()
        assert pair["expires_in"] == 60 and pair["refresh_expires_in"] == 3600
        client = app.test_client()
        storage.clock.advance(timedelta(seconds=61))
        assert not accepted(client, pair["access_token"])
        assert refresh(client, pair["refresh_token"]).status_code == 201
        storage.clock.advance(timedelta(seconds=3601))
        assert refresh(client, pair["refresh_token"]).status_code == 401


def test_login__wrong_password_unknown_email_inactive_account__one_answer(
        api: FlaskClient, applicant: Person) -> None:
    storage.queue_signup("pas.encore@example.com", storage.hash_password(PASSWORD), {}, "fr",
                         ("Activez", f"Lien : {storage.SIGNUP_TOKEN_SLOT}"),
                         ("Déjà", "Vous avez déjà un compte."))
    wrong = login(api, applicant.email, "pas-le-bon-mot-de-passe")
    unknown = login(api, "personne@example.com")
    inactive = login(api, "pas.encore@example.com")
    malformed = login(api, "pas une adresse")
    body = problem_of(wrong, 401, "invalid-credentials")
    for other in (unknown, inactive, malformed):
        assert other.status_code == 401 and other.get_json() == body
        assert other.headers.get("WWW-Authenticate") == wrong.headers.get("WWW-Authenticate")
    assert body["detail"].startswith("L'adresse courriel ou le mot de passe est incorrect.")
    assert body["instance"] == TOKENS


@pytest.mark.parametrize("sent", [
    {}, {"email": "", "password": ""}, {"email": "   ", "password": None},
])
def test_login__missing_fields__422_with_pointers__no_attempt_counted(
        api: FlaskClient, applicant: Person, sent: dict[str, Any]) -> None:
    for _ in range(6):
        body = problem_of(checked(api, api.post(TOKENS, json=sent)), 422, "validation-failed")
        assert [(e["pointer"], e["section"], e["field"], e["rule"]) for e in body["errors"]
                ] == [("/email", "tokens", "email", "required"),
                      ("/password", "tokens", "password", "required")]
        assert [e["message"] for e in body["errors"]] == [
            "Entrez votre adresse courriel.", "Entrez votre mot de passe."]
    assert login(api, applicant.email).status_code == 201  # none of them counted


def test_login__one_field_missing_or_not_text__only_it_pointed(
        api: FlaskClient, applicant: Person) -> None:
    body = problem_of(checked(api, api.post(TOKENS, json={"email": applicant.email})), 422,
                      "validation-failed")
    assert [e["pointer"] for e in body["errors"]] == ["/password"]
    body = problem_of(checked(api, api.post(TOKENS, json={"email": 12, "password": "x"})), 422,
                      "validation-failed")
    assert [(e["pointer"], e["rule"]) for e in body["errors"]] == [("/email", "type")]


def test_login__body_not_a_json_object__400_or_415(api: FlaskClient) -> None:
    problem_of(checked(api, api.post(TOKENS, data="email=a&password=b",
                                content_type="application/x-www-form-urlencoded")),
               415, "unsupported-media-type")
    problem_of(checked(api, api.post(TOKENS, json=["a", "b"])), 400, "bad-request")
    problem_of(checked(api, api.post(TOKENS, data="{", content_type="application/json")),
               400, "bad-request")


# --- attempt limits, shared with the web login ----------------------------------------

def test_five_wrong_passwords_through_the_api__then_the_web_login_is_refused_too(
        api: FlaskClient, api_app: Flask, applicant: Person) -> None:
    for _ in range(4):
        assert login(api, applicant.email, "pas-le-bon-mot-de-passe").status_code == 401
    fifth = login(api, applicant.email, "pas-le-bon-mot-de-passe")
    body = problem_of(fifth, 429, "too-many-requests")  # the limit reached: said at once
    assert isinstance(body["retry_after"], int) and body["retry_after"] > 0
    assert fifth.headers["Retry-After"] == str(body["retry_after"])
    right = login(api, applicant.email)  # even the right password, now
    assert problem_of(right, 429, "too-many-requests")
    page = web_browser(api_app, applicant.email).login(applicant.email, PASSWORD)
    assert page.status_code == 429 and "Trop de tentatives" in page.get_data(as_text=True)


def test_five_wrong_passwords_on_the_web__then_the_api_is_refused_too(
        api: FlaskClient, api_app: Flask, applicant: Person) -> None:
    browser = web_browser(api_app, applicant.email)
    for _ in range(5):
        assert browser.login(applicant.email, "pas-le-bon-mot-de-passe").status_code in (401,
                                                                                        429)
    response = login(api, applicant.email, **{"Accept-Language": "en"})
    body = problem_of(response, 429, "too-many-requests")
    assert body["title"] == "Too many attempts"
    assert "try again in" in body["detail"] and response.headers["Content-Language"] == "en"
    assert int(response.headers["Retry-After"]) == body["retry_after"] > 0


def test_a_success_clears_the_account_count_as_on_the_web(
        api: FlaskClient, applicant: Person) -> None:
    for _ in range(4):
        assert login(api, applicant.email, "pas-le-bon-mot-de-passe").status_code == 401
    assert login(api, applicant.email).status_code == 201
    for _ in range(4):
        assert login(api, applicant.email, "pas-le-bon-mot-de-passe").status_code == 401


@pytest.fixture
def tight_address(api_registry: Registry, api_instance: str) -> Iterator[Flask]:
    yield from api_portal(api_registry, api_instance,
                          ATTEMPT_LIMITS={"login_address": "3/15 minutes"})


def test_per_address_limit__many_emails_from_one_address__refused(
        tight_address: Flask) -> None:
    person = make_person("maria.valdero@example.com", {})
    api = tight_address.test_client()
    assert login(api, "a@example.com").status_code == 401
    assert login(api, "b@example.com").status_code == 401
    problem_of(login(api, "c@example.com"), 429, "too-many-requests")
    problem_of(login(api, person.email), 429, "too-many-requests")
    other_address = tight_address.test_client()
    response = checked(other_address, other_address.post(
        TOKENS, json={"email": person.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"}))
    assert response.status_code == 201


# --- refresh, logout, expiry -----------------------------------------------------------

def test_refresh__a_new_pair__the_old_refresh_token_used_up(
        api: FlaskClient, applicant: Person) -> None:
    first = login(api, applicant.email).get_json()
    response = refresh(api, first["refresh_token"])
    assert response.status_code == 201
    second = response.get_json()
    assert second["token_type"] == "Bearer" and second["expires_in"] == 900
    assert {second["access_token"], second["refresh_token"]}.isdisjoint(
        {first["access_token"], first["refresh_token"]})
    third = refresh(api, second["refresh_token"]).get_json()  # the new one works once
    assert accepted(api, third["access_token"])


def test_refresh__reused__401_and_the_whole_chain_revoked(
        api: FlaskClient, applicant: Person) -> None:
    first = login(api, applicant.email).get_json()
    second = refresh(api, first["refresh_token"]).get_json()
    elsewhere = login(api, applicant.email).get_json()  # another login: another chain
    replay = refresh(api, first["refresh_token"])
    body = problem_of(replay, 401, "token-refused")
    assert body["detail"] and "WWW-Authenticate" in replay.headers
    problem_of(refresh(api, second["refresh_token"]), 401, "token-refused")
    assert not accepted(api, second["access_token"])
    assert not accepted(api, first["access_token"])
    assert accepted(api, elsewhere["access_token"])


def test_refresh__unknown_or_an_access_token_or_missing(
        api: FlaskClient, applicant: Person) -> None:
    pair = login(api, applicant.email).get_json()
    unknown = problem_of(refresh(api, "grt_nothing"), 401, "token-refused")
    assert problem_of(refresh(api, pair["access_token"]), 401, "token-refused") == unknown
    for sent in ({}, {"refresh_token": ""}, {"refresh_token": 5}):
        body = problem_of(checked(api, api.post(REFRESH, json=sent)), 422, "validation-failed")
        assert [e["pointer"] for e in body["errors"]] == ["/refresh_token"]
    assert accepted(api, pair["access_token"])


def test_logout__the_token_and_its_chain_revoked(api: FlaskClient, applicant: Person) -> None:
    pair = login(api, applicant.email).get_json()
    response = checked(api, api.delete(CURRENT, headers=bearer(pair["access_token"])))
    assert response.status_code == 204 and response.get_data() == b""
    again = checked(api, api.delete(CURRENT, headers=bearer(pair["access_token"])))
    problem_of(again, 401, "unauthorized")
    assert again.headers["WWW-Authenticate"].startswith("Bearer")
    problem_of(refresh(api, pair["refresh_token"]), 401, "token-refused")
    assert accepted(api, applicant.headers["Authorization"].split()[1])  # other logins kept


def test_logout__without_a_token__401(api: FlaskClient) -> None:
    response = checked(api, api.delete(CURRENT))
    problem_of(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="guichet"'


def test_expired_access_token__401__its_refresh_token_still_works(
        api: FlaskClient, applicant: Person) -> None:
    pair = login(api, applicant.email).get_json()
    storage.clock.advance(timedelta(seconds=901))
    assert not accepted(api, pair["access_token"])
    renewed = refresh(api, pair["refresh_token"])
    assert renewed.status_code == 201
    assert accepted(api, renewed.get_json()["access_token"])


def test_expired_refresh_token__401(api: FlaskClient, applicant: Person) -> None:
    pair = login(api, applicant.email).get_json()
    storage.clock.advance(timedelta(days=30, seconds=1))
    problem_of(refresh(api, pair["refresh_token"]), 401, "token-refused")


# --- revoked by a password change or reset ------------------------------------------

def test_password_changed_on_the_profile_page__every_token_refused(
        api: FlaskClient, api_app: Flask, applicant: Person) -> None:
    pair = login(api, applicant.email).get_json()
    browser = web_browser(api_app, applicant.email)
    assert browser.login().status_code == 302
    browser.get("/profil/mot-de-passe")
    changed = browser.post("/profil/mot-de-passe", {
        "current_password": PASSWORD, "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD})
    assert changed.status_code == 302
    problem_of(refresh(api, pair["refresh_token"]), 401, "token-refused")
    assert not accepted(api, pair["access_token"])
    assert not accepted(api, applicant.headers["Authorization"].split()[1])
    problem_of(login(api, applicant.email), 401, "invalid-credentials")
    assert login(api, applicant.email, NEW_PASSWORD).status_code == 201


def test_password_reset_by_its_link__every_token_refused(
        api: FlaskClient, api_app: Flask, applicant: Person) -> None:
    pair = login(api, applicant.email).get_json()
    link = f"/mot-de-passe/{storage.start_password_reset(applicant.email).token}"
    browser = web_browser(api_app, applicant.email)
    browser.get(link)
    done = browser.post(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert not accepted(api, pair["access_token"])
    problem_of(refresh(api, pair["refresh_token"]), 401, "token-refused")
    assert login(api, applicant.email, NEW_PASSWORD).status_code == 201


# --- no cookies, no logs, the asked language -----------------------------------------

def test_the_portal_session_cookie_is_refused(api: FlaskClient, applicant: Person) -> None:
    """A browser logged in to the portal (the same client) calling the API: refused,
    whatever it asks, token or not (its cookie could be riding a forged request)."""
    assert Applicant(api, {**MARIA, "email": applicant.email}).login().status_code == 302
    for response in (api.post(TOKENS, json={"email": applicant.email, "password": PASSWORD}),
                     api.post(REFRESH, json={"refresh_token": "grt_x"}),
                     api.delete(CURRENT, headers=applicant.headers)):
        problem_of(response, 400, "cookie-refused")
        assert "Set-Cookie" not in response.headers
    api.delete_cookie(api.application.config["SESSION_COOKIE_NAME"])
    assert accepted(api, applicant.headers["Authorization"].split()[1])


def test_problems_in_english(api: FlaskClient, applicant: Person) -> None:
    en = {"Accept-Language": "en"}
    wrong = login(api, applicant.email, "pas-le-bon-mot-de-passe", **en)
    body = problem_of(wrong, 401, "invalid-credentials")
    assert wrong.headers["Content-Language"] == "en"
    assert body["title"] == "Incorrect credentials"
    assert body["detail"].startswith("The email address or the password is incorrect.")
    missing = problem_of(checked(api, api.post(TOKENS, json={}, headers=en)), 422,
                         "validation-failed")
    assert [e["message"] for e in missing["errors"]] == ["Enter your email address.",
                                                        "Enter your password."]
    assert missing["detail"] == "Enter your email address and password."
    refused = problem_of(refresh(api, "grt_nothing", **en), 401, "token-refused")
    assert refused["title"] == "Token refused" and "log in again" in refused["detail"]
    no_token = problem_of(refresh(api, "", **en), 422, "validation-failed")
    assert "refresh token" in no_token["errors"][0]["message"]


def test_no_email_password_or_token_in_the_logs(
        api: FlaskClient, applicant: Person, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        pair = login(api, applicant.email).get_json()
        login(api, applicant.email, "pas-le-bon-mot-de-passe")
        renewed = refresh(api, pair["refresh_token"]).get_json()
        refresh(api, pair["refresh_token"])
        api.delete(CURRENT, headers=bearer(renewed["access_token"]))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in (applicant.email, "maria.valdero", PASSWORD, "pas-le-bon",
                   pair["access_token"], pair["refresh_token"], renewed["access_token"],
                   renewed["refresh_token"]):
        assert secret not in logged
