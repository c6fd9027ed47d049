"""Sessions: cookie flags (Secure over HTTPS, behind a proxy too), a new session at login,
a logout that sticks even for a copied cookie, and the 30-minute idle timeout that saves
what the applicant was typing before asking them to log in again."""

from __future__ import annotations

import base64
import json
import re
import zlib
from datetime import datetime, timedelta

import pytest

import storage
from tests.definitions import IDENTITE
from tests.web.conftest import PASSWORD, Applicant
from web import create_app

SECTION = "identite"
IDLE = timedelta(minutes=30)
TYPED = {**IDENTITE, "numero": "98769876"}


def set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def session_cookie(response) -> str:
    (cookie,) = [c for c in set_cookies(response) if c.startswith("session=")]
    return cookie


def session_of(applicant: Applicant) -> dict:
    with applicant.client.session_transaction() as session:
        return dict(session)


def cookie_value(applicant: Applicant) -> str:
    return applicant.client.get_cookie("session").value


@pytest.fixture
def now() -> datetime:
    """Time stands still from now on (advanced by the tests); reset by the app fixture."""
    start = storage.clock.now()
    storage.clock.set(start)
    return start


def make_app(instance_dir, registry, **config):
    import os

    return create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                       "INSTANCE_PATH": instance_dir, "REGISTRY": registry,
                       "DATABASE_URL": os.environ.get("DATABASE_URL") or None, **config})


# --- cookie flags ----------------------------------------------------------------------

def test_session_cookie__plain_http__httponly_samesite_lax_not_secure(applicant):
    cookie = session_cookie(applicant.register())
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie__https_request__secure_and_hsts(app, instance_dir, registry):
    client = make_app(instance_dir, registry, PORTAL_URL="https://portail.example").test_client()
    response = client.get("/connexion", base_url="https://portail.example")
    assert "Secure" in session_cookie(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie__behind_proxy_with_forwarded_proto__secure_and_login_works(
        app, instance_dir, registry):  # `app`: the database emptied
    app = make_app(instance_dir, registry, PROXY_FIX=1, PORTAL_URL="https://portail.example")
    behind = Applicant(app.test_client())
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9",
               "X-Forwarded-Host": "portail.example"}
    storage.create_account(behind.profile["email"], storage.hash_password(PASSWORD), {})
    response = behind.get("/connexion", headers=proxied)
    assert "Secure" in session_cookie(response)
    # over HTTPS Flask-WTF also checks the Referer: same site, kept by our Referrer-Policy
    logged_in = behind.post("/connexion", {"email": behind.profile["email"],
                                           "password": PASSWORD},
                            headers={**proxied, "Referer": "https://portail.example/"})
    assert logged_in.status_code == 302
    assert "Secure" in session_cookie(logged_in)


def test_session_cookie__forwarded_proto_without_proxy_fix__ignored(client):
    response = client.get("/connexion", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" not in session_cookie(response)
    assert "Strict-Transport-Security" not in response.headers


def test_session_cookie__preferred_scheme_https__always_secure(instance_dir, registry):
    app = make_app(instance_dir, registry, PREFERRED_URL_SCHEME="https")
    assert "Secure" in session_cookie(app.test_client().get("/connexion"))


def test_proxy_fix__set_by_environment__forwarded_address_and_scheme_used(
        monkeypatch, instance_dir, registry):
    monkeypatch.setenv("GUICHET_PROXY_FIX", "1")
    app = make_app(instance_dir, registry)
    seen = {}

    @app.get("/_probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, secure=request.is_secure)
        return "ok"

    app.test_client().get("/_probe", headers={"X-Forwarded-Proto": "https",
                                              "X-Forwarded-For": "198.51.100.7"})
    assert seen == {"addr": "198.51.100.7", "secure": True}


# --- login and logout --------------------------------------------------------------------

def test_login__new_session__new_id_new_csrf_token_nothing_of_the_anonymous_one(applicant):
    applicant.register()
    applicant.logout()
    applicant.switch_language("en", "/connexion")
    with applicant.client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = session_of(applicant)
    applicant.login()
    after = session_of(applicant)
    assert after["sid"] and after["sid"] != before.get("sid")
    assert after.get("csrf_token") != before.get("csrf_token")
    assert "planted" not in after
    assert after["lang"] == "en"  # the one thing kept


def readable(cookie: str) -> str:
    """What anyone holding the cookie reads in it without the key: Flask's signed
    cookie is base64url JSON (zlib-compressed when it starts with a dot), then the
    timestamp and the signature."""
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if compressed else raw).decode()
    return json.dumps(json.loads(text), ensure_ascii=False)


def test_session_cookie__whole_walk__only_opaque_ids_no_name_email_or_profile(maria):
    number = maria.create_dossier()
    seen = [cookie_value(maria)]
    edited = {**maria.profile, "given_names": "Ximena", "family_names": "Quorreltine"}
    for step in (lambda: maria.get("/dossiers/"),
                 lambda: maria.fill(number, SECTION, TYPED),
                 lambda: maria.get("/profil/modifier"),
                 lambda: maria.post("/profil/modifier", edited),
                 lambda: maria.get("/profil/"), maria.logout, maria.login,
                 lambda: maria.get("/dossiers/")):
        step()
        seen.append(cookie_value(maria))
    shown = maria.get("/dossiers/").get_data(as_text=True)
    assert "Ximena Quorreltine" in shown  # the header still shows the name, now changed
    values = [v for v in (*maria.profile.values(), *edited.values(), *TYPED.values())
              if isinstance(v, str) and len(v) >= 4]
    for cookie in seen:
        text = readable(cookie)
        assert '"account_id"' in text or '"lang"' in text  # decoded for real
        found = [v for v in values if v.lower() in text.lower()]
        assert not found, f"readable in the session cookie: {found}"


def test_logout__old_cookie_replayed__refused_by_every_process(maria, instance_dir, registry):
    assert maria.get("/dossiers/").status_code == 200
    copied = cookie_value(maria)
    maria.logout()
    assert session_of(maria).keys() <= {"lang", "_flashes", "csrf_token"}
    for app in (maria.client.application, make_app(instance_dir, registry)):
        thief = app.test_client()
        thief.set_cookie("session", copied)
        response = thief.get("/dossiers/")
        assert response.status_code == 302 and response.location.startswith("/connexion")


def test_logout__copied_cookie__cannot_save_a_draft(maria, now):
    number = maria.create_dossier()
    version = maria.version(number, SECTION)
    token, copied = maria.token(), cookie_value(maria)
    maria.logout()
    storage.clock.advance(IDLE + timedelta(minutes=1))
    thief = maria.client.application.test_client()
    thief.set_cookie("session", copied)
    response = thief.post(maria.section_url(number, SECTION),
                          data={**TYPED, "version": version, "csrf_token": token})
    assert response.status_code == 302 and response.location.startswith("/connexion")
    owner = storage.find_account_by_email(maria.profile["email"])
    assert storage.get_dossier(owner.id, number).answers == {}


# --- idle timeout ------------------------------------------------------------------------

def test_idle__activity_every_29_minutes__stays_logged_in(maria, now):
    for _ in range(3):
        storage.clock.advance(timedelta(minutes=29))
        assert maria.get("/dossiers/").status_code == 200


def test_idle__31_minutes__any_page_to_login_with_the_message_and_back_after(maria, now):
    storage.clock.advance(IDLE + timedelta(minutes=1))
    response = maria.get("/profil/")
    assert response.status_code == 302
    assert response.location == "/connexion?next=/profil/"
    page = maria.get(response.location).get_data(as_text=True)
    assert "Votre session a expiré après une période d&#39;inactivité" in page
    assert "account_id" not in session_of(maria)
    back = maria.post("/connexion", {"email": maria.profile["email"], "password": PASSWORD,
                                     "next": "/profil/"})
    assert back.location == "/profil/"


def test_idle__configured_5_minutes__expires_after_5(app, instance_dir, registry, now):
    app = make_app(instance_dir, registry, SESSION_IDLE_MINUTES=5)  # `app`: database emptied
    person = Applicant(app.test_client())
    assert person.register().status_code == 302
    assert person.get("/dossiers/").status_code == 200
    storage.clock.advance(timedelta(minutes=6))
    assert person.get("/dossiers/").status_code == 302


def test_idle__htmx_request__401_with_hx_redirect_to_login(maria, now):
    storage.clock.advance(IDLE + timedelta(minutes=1))
    response = maria.get("/dossiers/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/connexion?next=")


# --- absolute lifetime (ASVS 3.3.2) --------------------------------------------------------

def test_lifetime__active_every_29_minutes__to_login_12_hours_after_login(maria, now):
    for _ in range(24):  # 11 h 36 min of steady activity
        storage.clock.advance(timedelta(minutes=29))
        assert maria.get("/dossiers/").status_code == 200
    storage.clock.advance(timedelta(minutes=25))  # 12 h 01 min after the login
    response = maria.get("/profil/")
    assert response.status_code == 302
    assert response.location == "/connexion?next=/profil/"
    page = maria.get(response.location).get_data(as_text=True)
    assert "Par sécurité, une session prend fin quelques heures après la connexion" in page
    assert "account_id" not in session_of(maria)
    back = maria.post("/connexion", {"email": maria.profile["email"], "password": PASSWORD,
                                     "next": "/profil/"})
    assert back.location == "/profil/"
    assert maria.get("/profil/").status_code == 200  # a new login starts a new lifetime


def test_lifetime__logged_in_cookie_without_its_opening_time__to_login(maria, now):
    with maria.client.session_transaction() as session:
        del session["opened"]
    response = maria.get("/dossiers/")
    assert response.status_code == 302 and response.location.startswith("/connexion")
    assert "account_id" not in session_of(maria)


def test_lifetime__configured_1_hour__expires_after_1_hour_of_activity(
        app, instance_dir, registry, now):
    short = make_app(instance_dir, registry, SESSION_MAX_HOURS=1)  # on the emptied database
    person = Applicant(short.test_client())
    assert person.register().status_code == 302
    storage.clock.advance(timedelta(minutes=29))
    assert person.get("/dossiers/").status_code == 200
    storage.clock.advance(timedelta(minutes=29))
    assert person.get("/dossiers/").status_code == 200
    storage.clock.advance(timedelta(minutes=3))
    assert person.get("/dossiers/").status_code == 302


def test_lifetime__htmx_section_update_after_12_hours__401_with_hx_redirect(maria, now):
    number = maria.create_dossier()
    version = maria.version(number, SECTION)
    for _ in range(25):
        storage.clock.advance(timedelta(minutes=29))
        maria.get("/dossiers/")
    response = maria.post(maria.section_url(number, SECTION) + "/actualiser",
                          {**TYPED, "version": version}, headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/connexion?next=")


# --- passwords -------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "message"), [
    ("onze-caract", "au moins 12 caractères"),
    ("1qaz2wsx3edc", "Ce mot de passe est trop courant"),
    ("  QWERTY123456 ", "Ce mot de passe est trop courant"),
])
def test_register__weak_password__refused_with_the_reason(applicant, password, message):
    applicant.get("/inscription")
    response = applicant.post("/inscription", {**applicant.profile, "password": password,
                                               "password_confirm": password})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_register__twelve_uncommon_characters__accepted(applicant):
    applicant.get("/inscription")
    response = applicant.post("/inscription", {**applicant.profile, "password": "vélo rouge 7",
                                               "password_confirm": "vélo rouge 7"})
    assert response.status_code == 200
    assert "Un courriel vous a été envoyé" in response.get_data(as_text=True)


def test_common_password_list__shipped_and_large(app):
    from web.accounts.credentials import common_passwords

    words = common_passwords()
    assert len(words) >= 10_000 and "password" in words and "123456" in words


# --- login attempts --------------------------------------------------------------------

def _attempt(client, email: str, password: str = "mauvais-mot-de-passe", addr="192.0.2.1"):
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    return client.post("/connexion", data={"email": email, "password": password,
                                           "csrf_token": token},
                       environ_base={"REMOTE_ADDR": addr})


def _text(response) -> str:
    """The page without what differs between two requests (ids, tokens, the email typed)."""
    page = response.get_data(as_text=True)
    page = re.sub(r'(content=|value=|"X-CSRFToken": )"[\w.-]{40,}"', "TOKEN", page)
    page = re.sub(r"[0-9a-f]{16}", "ID", page)
    return re.sub(r'name="email" value="[^"]*"', "EMAIL", page)


def test_login__five_failures_for_an_account__refused_with_when_even_the_right_password(
        maria, app):
    maria.logout()
    client = app.test_client()
    email = maria.profile["email"]
    statuses = [_attempt(client, email, addr=f"192.0.2.{i}").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    refused = _attempt(client, email, PASSWORD, addr="198.51.100.1")  # right, elsewhere
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Trop de tentatives" in page and "réessayer dans 15 min." in page
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "account_id" not in session_of(Applicant(client))


def test_login__refused_account__the_right_password_again_once_the_window_passed(maria, app):
    maria.logout()
    storage.clock.set(datetime(2026, 3, 2, 9, 0))
    client, email = app.test_client(), maria.profile["email"]
    assert [_attempt(client, email).status_code for _ in range(5)] == [401] * 4 + [429]
    storage.clock.advance(timedelta(minutes=14))
    refused = _attempt(client, email, PASSWORD)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "réessayer dans 1 min." in refused.get_data(as_text=True)
    storage.clock.advance(timedelta(minutes=1, seconds=1))
    assert _attempt(client, email, PASSWORD).status_code == 302


def test_login__success__clears_the_accounts_failures(maria, app):
    maria.logout()
    client = app.test_client()
    email = maria.profile["email"]
    for _ in range(4):
        _attempt(client, email)
    assert _attempt(client, email, PASSWORD).status_code == 302
    client.post("/deconnexion", data={"csrf_token": Applicant(client).token()})
    assert [_attempt(client, email).status_code for _ in range(4)] == [401] * 4


def test_login__many_failures_from_one_address__that_address_refused_others_not(
        app, instance_dir, registry):  # `app`: the database, with the attempts, emptied
    client = make_app(instance_dir, registry,
                      ATTEMPT_LIMITS={"login_address": "3/15 minutes"}).test_client()
    statuses = [_attempt(client, f"p{i}@example.com").status_code for i in range(3)]
    assert statuses == [401, 401, 429]
    assert _attempt(client, "p9@example.com").status_code == 429
    assert _attempt(client, "p9@example.com", addr="192.0.2.200").status_code == 401


def test_login__successes_from_one_address__not_counted_against_it(maria, app, instance_dir,
                                                                   registry):
    """Each attempt is counted before its password is checked; a right one is taken back
    from its address's count: an office where many log in is not locked out."""
    maria.logout()
    client = make_app(instance_dir, registry,
                      ATTEMPT_LIMITS={"login_address": "3/15 minutes"}).test_client()
    for _ in range(4):
        assert _attempt(client, maria.profile["email"], PASSWORD).status_code == 302
        client.post("/deconnexion", data={"csrf_token": Applicant(client).token()})
    assert _attempt(client, maria.profile["email"]).status_code == 401


def test_login__unknown_email__the_very_same_answers_as_a_known_one(maria, app):
    maria.logout()
    known = [_attempt(app.test_client(), maria.profile["email"], addr="192.0.2.10")
             for _ in range(6)]
    unknown = [_attempt(app.test_client(), "personne@example.com", addr="192.0.2.20")
               for _ in range(6)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [_text(r) for r in known] == [_text(r) for r in unknown]


REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_db():
    """Redis database 15, emptied (only it): Redis runs on this machine (python-svc)."""
    import redis

    connection = redis.Redis.from_url(REDIS)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.fail("Redis is not answering on 127.0.0.1:6379: the login limits across "
                    "processes are tested against it")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def _two_servers__one_limit(maria, instance_dir, registry, storage_uri):
    maria.logout()
    email = maria.profile["email"]
    first = make_app(instance_dir, registry, RATELIMIT_STORAGE_URI=storage_uri)
    second = make_app(instance_dir, registry, RATELIMIT_STORAGE_URI=storage_uri)
    servers = [first.test_client(), second.test_client()]
    statuses = [_attempt(servers[i % 2], email, addr=f"192.0.2.{i}").status_code
                for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    assert _attempt(servers[1], email, PASSWORD, addr="203.0.113.5").status_code == 429
    assert _attempt(servers[0], email, PASSWORD, addr="203.0.113.5").status_code == 429


def test_login_limits__two_servers_sharing_the_database__one_limit(maria, instance_dir,
                                                                   registry):
    _two_servers__one_limit(maria, instance_dir, registry, "database://")  # the default


def test_login_limits__two_servers_sharing_redis__one_limit(maria, redis_db, instance_dir,
                                                            registry):
    _two_servers__one_limit(maria, instance_dir, registry, REDIS)


def test_login_limits__two_servers_in_memory__each_counts_alone(maria, instance_dir,
                                                                registry):
    """The control for the tests above: without a shared store, limits do not add up."""
    maria.logout()
    email = maria.profile["email"]
    servers = [make_app(instance_dir, registry, RATELIMIT_STORAGE_URI="memory://").test_client()
               for _ in range(2)]
    statuses = [_attempt(servers[i % 2], email, addr=f"192.0.2.{i}").status_code
                for i in range(5)]
    assert statuses == [401] * 5
