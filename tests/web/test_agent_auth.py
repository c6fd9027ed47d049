"""The back office's door: enrolment, login in two steps, the agents' own session cookie
(15 minutes idle, 8 hours at most), applicants kept out, CSRF on every post."""

from __future__ import annotations

from datetime import timedelta

from pony.orm import db_session

import storage
from storage.orm.db import database
from tests.web.agents import AGENT_PASSWORD, AgentBrowser, enrolled_agent


def _events() -> list[tuple[str, str, str | None]]:
    with db_session:
        return [(e.actor, e.action, e.address)
                for e in database().AuditEvent.select().order_by(lambda e: e.id)]


def test_enrolment_page_shows_a_qr_code_and_the_secret(app):
    browser = AgentBrowser(app, "a@example.gc.ca", "Anne", "agent")
    page = browser.get(f"/agent/inscription/{browser.enrolment}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "<title>Code QR" in html
    secret = storage.enrolment_secret(browser.enrolment)
    assert " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in html
    assert 'name="secret"' not in html  # the key is never sent back by the browser
    # the code's box opens a phone's number pad (its attributes were escaped: &#34;)
    assert 'inputmode="numeric" maxlength="7"' in html and "&#34;" not in html


def test_login_code_box__number_pad_and_length(app):
    browser = AgentBrowser(app, "b@example.gc.ca", "Bea", "agent")
    browser.enrol()
    browser.password_step()
    html = browser.get("/agent/connexion/code").get_data(as_text=True)
    assert 'id="f-code"' in html
    assert 'inputmode="numeric" maxlength="7"' in html and "&#34;" not in html


def test_enrolment_key_is_the_same_on_every_reload_and_a_posted_one_is_ignored(app):
    storage.clock.set(storage.clock.now())
    browser = AgentBrowser(app, "a@example.gc.ca", "Anne", "agent")
    first = browser.get(f"/agent/inscription/{browser.enrolment}").get_data(as_text=True)
    again = browser.get(f"/agent/inscription/{browser.enrolment}").get_data(as_text=True)
    key = first.split('<p class="secret-key"><code>')[1].split("<")[0]
    assert key in again
    weak = "A" * 32  # a secret the link's holder would like to choose
    browser.secret = weak
    answer = browser.post(f"/agent/inscription/{browser.enrolment}",
                          {"password": AGENT_PASSWORD, "password_confirm": AGENT_PASSWORD,
                           "secret": weak, "code": browser.code()})
    assert answer.status_code == 422 and "Ce code ne correspond pas" in answer.get_data(
        as_text=True)
    assert key in answer.get_data(as_text=True)
    browser.secret = key.replace(" ", "")
    done = browser.post(f"/agent/inscription/{browser.enrolment}",
                        {"password": AGENT_PASSWORD, "password_confirm": AGENT_PASSWORD,
                         "code": browser.code()})
    assert done.status_code == 200 and "Compte activé" in done.get_data(as_text=True)


def test_enrolment_then_login_in_two_steps(app):
    storage.clock.set(storage.clock.now())
    browser = AgentBrowser(app, "a@example.gc.ca", "Anne Agent", "agent")
    done = browser.enrol()
    assert done.status_code == 200 and "Compte activé" in done.get_data(as_text=True)
    assert browser.get(f"/agent/inscription/{browser.enrolment}").status_code == 404
    first = browser.password_step()
    assert first.status_code == 303 and first.location.endswith("/agent/connexion/code")
    assert browser.get("/agent/").status_code == 303  # the password alone opens nothing
    storage.clock.advance(timedelta(seconds=30))
    browser.get("/agent/connexion/code")
    second = browser.post("/agent/connexion/code", {"code": browser.code()})
    assert second.status_code == 303 and second.location.endswith("/agent/")
    home = browser.get("/agent/")
    assert home.status_code == 200 and "Anne Agent" in home.get_data(as_text=True)
    actions = [(action, address) for _, action, address in _events()]
    assert actions == [("enrolment", "127.0.0.1"), ("login", "127.0.0.1")]


def test_enrolment_with_a_wrong_code_says_so_and_keeps_the_secret(app):
    browser = AgentBrowser(app, "a@example.gc.ca", "Anne", "agent")
    page = browser.get(f"/agent/inscription/{browser.enrolment}")
    key = page.get_data(as_text=True).split('<p class="secret-key"><code>')[1].split("<")[0]
    browser.secret = key.replace(" ", "")
    wrong = f"{(int(browser.code()) + 1) % 1_000_000:06d}"
    answer = browser.post(f"/agent/inscription/{browser.enrolment}",
                          {"password": AGENT_PASSWORD, "password_confirm": AGENT_PASSWORD,
                           "code": wrong})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Ce code ne correspond pas" in html and 'href="#f-code"' in html
    assert key in html
    assert storage.check_enrolment(browser.enrolment) is not None


def test_enrolment_refuses_a_short_password(app):
    browser = AgentBrowser(app, "a@example.gc.ca", "Anne", "agent")
    answer = browser.enrol(password="court")
    assert answer.status_code == 422
    assert "au moins 12 caractères" in answer.get_data(as_text=True)


def test_wrong_password_and_wrong_code_refused(app):
    storage.clock.set(storage.clock.now())
    browser = enrolled_agent(app, "a@example.gc.ca", "Anne", "agent")
    browser.logout()
    wrong = browser.password_step(password="pas-le-bon-mot-de-passe")
    assert wrong.status_code == 401
    assert "L&#39;adresse courriel ou le mot de passe est incorrect." in wrong.get_data(
        as_text=True)
    browser.password_step()
    browser.get("/agent/connexion/code")
    used = browser.post("/agent/connexion/code", {"code": browser.code()})  # used at login
    assert used.status_code == 401 and "a déjà servi" in used.get_data(as_text=True)
    assert browser.get("/agent/").status_code == 303


def test_code_step_expires_after_five_minutes(app):
    storage.clock.set(storage.clock.now())
    browser = enrolled_agent(app, "a@example.gc.ca", "Anne", "agent")
    browser.logout()
    browser.password_step()
    storage.clock.advance(timedelta(minutes=6))
    assert browser.get("/agent/connexion/code").location.endswith("/agent/connexion")


def test_too_many_wrong_passwords_refused(app):
    browser = enrolled_agent(app, "a@example.gc.ca", "Anne", "agent")
    browser.logout()
    for _ in range(5):
        browser.password_step(password="pas-le-bon-mot-de-passe")
    assert browser.password_step().status_code == 429


def test_too_many_wrong_codes_refused(app):
    browser = enrolled_agent(app, "a@example.gc.ca", "Anne", "agent")
    browser.logout()
    browser.password_step()
    browser.get("/agent/connexion/code")
    wrong = f"{(int(browser.code(30)) + 1) % 1_000_000:06d}"
    statuses = [browser.post("/agent/connexion/code", {"code": wrong}).status_code
                for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    storage.clock.advance(timedelta(seconds=30))
    assert browser.post("/agent/connexion/code", {"code": browser.code()}).status_code == 429


def test_idle_timeout_of_15_minutes(agent):
    storage.clock.advance(timedelta(minutes=14))
    assert agent.get("/agent/").status_code == 200
    storage.clock.advance(timedelta(minutes=14))
    assert agent.get("/agent/").status_code == 200  # activity moved the limit on
    storage.clock.advance(timedelta(minutes=15, seconds=30))
    expired = agent.get("/agent/")
    assert expired.status_code == 303 and "/agent/connexion" in expired.location
    page = agent.get(expired.location).get_data(as_text=True)
    assert "Votre session a expiré" in page
    storage.clock.advance(timedelta(seconds=1))
    assert agent.get("/agent/").status_code == 303  # ended, not only this once


def test_session_ends_8_hours_after_login_however_active(agent):
    for _ in range(8 * 6 - 1):
        storage.clock.advance(timedelta(minutes=10))
        assert agent.get("/agent/").status_code == 200
    storage.clock.advance(timedelta(minutes=11))
    expired = agent.get("/agent/")
    assert expired.status_code == 303
    assert "quelques heures après la connexion" in agent.get(expired.location).get_data(
        as_text=True)


def test_logout_ends_the_session_for_a_copied_cookie(app, agent):
    cookie = agent.client.get_cookie("guichet_agent", path="/agent")
    copy = app.test_client()
    copy.set_cookie("guichet_agent", cookie.value, path="/agent")
    assert copy.get("/agent/").status_code == 200
    out = agent.logout()
    assert out.status_code == 303 and out.location.endswith("/agent/connexion")
    assert agent.get("/agent/").status_code == 303
    assert copy.get("/agent/").status_code == 303


def test_agent_cookie_is_its_own(agent):
    cookie = agent.client.get_cookie("guichet_agent", path="/agent")
    assert cookie is not None and cookie.path == "/agent"
    assert cookie.http_only and cookie.same_site == "Strict"
    assert agent.client.get_cookie("session") is None


def test_agent_cookie_logs_nobody_into_the_portal(app, agent):
    cookie = agent.client.get_cookie("guichet_agent", path="/agent")
    portal = app.test_client()
    portal.set_cookie("session", cookie.value)  # even under the portal's own name
    answer = portal.get("/dossiers/")
    assert answer.status_code == 302 and "/connexion" in answer.location
    assert agent.client.get("/dossiers/").status_code == 302


def test_applicant_session_never_opens_the_back_office(app, maria):
    for url in ("/agent/", "/agent/agents"):
        assert maria.get(url).status_code == 404
    cookie = maria.client.get_cookie("session")
    forged = app.test_client()
    forged.set_cookie("guichet_agent", cookie.value, path="/agent")
    assert forged.get("/agent/").status_code == 303  # not an agent session either


def test_anonymous_is_sent_to_the_agent_login(client):
    answer = client.get("/agent/agents")
    assert answer.status_code == 303
    assert answer.location.endswith("/agent/connexion?next=/agent/agents")
    htmx = client.get("/agent/", headers={"HX-Request": "true"})
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/agent/connexion")


def test_login_comes_back_to_the_page_asked(app, agent):
    agent.logout()
    agent.password_step(next_url="/agent/agents")
    storage.clock.advance(timedelta(seconds=30))
    agent.get("/agent/connexion/code")
    answer = agent.post("/agent/connexion/code", {"code": agent.code()})
    assert answer.location.endswith("/agent/agents")


def test_login_never_goes_back_to_the_portal_or_elsewhere(agent):
    agent.logout()
    agent.password_step(next_url="//evil.example/agent/")
    storage.clock.advance(timedelta(seconds=30))
    agent.get("/agent/connexion/code")
    assert agent.post("/agent/connexion/code",
                      {"code": agent.code()}).location.endswith("/agent/")


def test_disabled_agent_session_stops(supervisor, agent):
    supervisor.get("/agent/agents")
    supervisor.post(f"/agent/agents/{agent.id}/desactiver")
    assert agent.get("/agent/").status_code == 303


def test_posts_need_the_csrf_token(agent):
    answer = agent.client.post("/agent/deconnexion")
    assert answer.status_code == 400
    assert agent.get("/agent/").status_code == 200  # still logged in
    assert agent.client.post("/agent/connexion", data={
        "email": agent.email, "password": AGENT_PASSWORD}).status_code == 400


def test_language_switch_in_the_back_office(agent):
    answer = agent.post("/agent/langue", {"lang": "en", "next": "/agent/"})
    assert answer.status_code == 303 and answer.location.endswith("/agent/")
    page = agent.get("/agent/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Agent area" in page
    away = agent.post("/agent/langue", {"lang": "fr", "next": "/dossiers/"})
    assert away.location.endswith("/agent/")
