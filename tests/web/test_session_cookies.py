"""The session cookie as Flask checks it (web/http/cookies.py): a value that is not
byte-for-byte a signed one, or one now too old, is refused, and every request gets its
own session."""

from __future__ import annotations

import time
from datetime import timedelta

from tests.web.test_sessions import cookie_value


def dossiers_page(app, cookie: str):
    browser = app.test_client()
    browser.set_cookie("session", cookie)
    return browser.get("/dossiers/")


def test_session_cookie__same_value_twice__logged_in_both_times(app, maria):
    cookie = cookie_value(maria)
    assert dossiers_page(app, cookie).status_code == 200
    assert dossiers_page(app, cookie).status_code == 200


def test_session_cookie__one_character_changed__anonymous(app, maria):
    cookie = cookie_value(maria)
    assert dossiers_page(app, cookie).status_code == 200  # verified, kept
    for at in (len(cookie) // 2, len(cookie) - 10):  # the data, the signature
        # (a middle character: the last one of base64 may carry only padding bits)
        forged = cookie[:at] + ("A" if cookie[at] != "A" else "B") + cookie[at + 1:]
        response = dossiers_page(app, forged)
        assert response.status_code == 302 and response.location.startswith("/connexion")


def test_session_cookie__older_than_its_lifetime__refused_even_when_verified_before(
        app, maria):
    cookie = cookie_value(maria)
    assert dossiers_page(app, cookie).status_code == 200
    app.permanent_session_lifetime = timedelta(seconds=1)
    time.sleep(2.1)
    response = dossiers_page(app, cookie)
    assert response.status_code == 302 and response.location.startswith("/connexion")


def test_session_cookie__what_one_request_adds__not_in_the_next_with_the_old_cookie(
        app, maria):
    cookie = cookie_value(maria)
    first = app.test_client()
    first.set_cookie("session", cookie)
    with first.session_transaction() as session:  # opens, changes and re-signs it
        session["planted"] = "x"
    second = app.test_client()
    second.set_cookie("session", cookie)
    with second.session_transaction() as session:
        assert "planted" not in session and session["account_id"]


def test_session_cookie__a_list_changed_in_place__not_in_the_next_with_the_same_cookie(
        app, maria):
    with maria.client.session_transaction() as session:
        session["_flashes"] = [["info", "flash.saved"]]  # a notice waiting to be shown
    cookie = cookie_value(maria)
    browsers = [app.test_client() for _ in range(3)]
    for browser in browsers:
        browser.set_cookie("session", cookie)
    with browsers[0].session_transaction() as session:  # verified in full, kept
        assert session["_flashes"] == [["info", "flash.saved"]]
    with browsers[1].session_transaction() as session:  # the kept one, changed in place
        session["_flashes"].append(["info", "flash.locked"])
    with browsers[2].session_transaction() as session:
        assert session["_flashes"] == [["info", "flash.saved"]]


def test_session_cookie__secret_key_changed__old_cookie_refused_until_made_a_fallback(
        app, maria):
    """Serializers are made once per key (web/http/cookies.py): a new secret key still
    refuses what the old one signed, and the old key listed in SECRET_KEY_FALLBACKS
    accepts it again, in the same running app."""
    cookie = cookie_value(maria)
    assert dossiers_page(app, cookie).status_code == 200
    old = app.secret_key
    app.secret_key = "another-secret-key-for-this-test"
    response = dossiers_page(app, cookie)
    assert response.status_code == 302 and response.location.startswith("/connexion")
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert dossiers_page(app, cookie).status_code == 200
