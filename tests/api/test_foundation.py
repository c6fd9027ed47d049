"""What every API answer shares: problem+json errors (never an HTML page), the
language of Accept-Language, and no cookie set."""

from __future__ import annotations

from flask.testing import FlaskClient

PROBLEM = "application/problem+json"


def test_an_unknown_address_is_a_problem_not_a_page(api: FlaskClient) -> None:
    response = api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == "/api/v1/problems/not-found"
    assert body["status"] == 404
    assert body["instance"] == "/api/v1/nothing-here"
    assert body["title"] and body["detail"]
    assert "Set-Cookie" not in response.headers


def test_problems_speak_the_asked_language(api: FlaskClient) -> None:
    fr = api.get("/api/v1/nothing-here").get_json()
    en = api.get("/api/v1/nothing-here", headers={"Accept-Language": "en-CA,en;q=0.8"})
    assert en.headers["Content-Language"] == "en"
    assert en.get_json()["title"] != fr["title"]
    assert api.get("/api/v1/nothing-here",
                   headers={"Accept-Language": "de"}).headers["Content-Language"] == "fr"


def test_a_nul_byte_in_the_address_is_a_problem(api: FlaskClient) -> None:
    response = api.get("/api/v1/dossiers/G%00")
    assert response.status_code in (400, 404)
    assert response.mimetype == PROBLEM


def test_the_portal_pages_keep_their_html_errors(api: FlaskClient) -> None:
    response = api.get("/nothing-here")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_most_preferred_language_wins_whatever_its_region(api: FlaskClient) -> None:
    for header, lang in (("fr-CA, en;q=0.9", "fr"), ("en-GB, fr;q=0.1", "en"),
                         ("en-CA,fr-CA;q=0.9,fr;q=0.8", "en"), ("de, en;q=0.5", "en"),
                         ("*", "fr"), ("", "fr")):
        response = api.get("/api/v1/nothing-here", headers={"Accept-Language": header})
        assert response.headers["Content-Language"] == lang, header
