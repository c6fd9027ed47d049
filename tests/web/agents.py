"""Agents at their browser, for the back office's tests: `AgentBrowser` enrols and logs in
through the pages, with codes of the frozen clock (storage.clock); fixtures `supervisor`
and `agent` (conftest.py imports them): already enrolled and logged in."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask
from werkzeug.test import TestResponse

import storage
from tests.definitions import ESSAI

AGENT_PASSWORD = "phrase-de-passe-agent"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = re.compile(r'<p class="secret-key"><code>([^<]+)</code>')


class AgentBrowser:
    """One agent at one browser (its own test client)."""

    def __init__(self, app: Flask, email: str, name: str, role: str,
                 types: tuple[str, ...] = (ESSAI,)) -> None:
        self.client = app.test_client()
        self.email = email
        self.view, self.enrolment = storage.create_agent(email, name, role, list(types))
        self.secret = ""
        self.last: TestResponse | None = None

    @property
    def id(self) -> int:
        return self.view.id

    def token(self) -> str:
        found = TOKEN.search(self.last.get_data(as_text=True)) if self.last is not None else None
        if not found:
            found = TOKEN.search(self.client.get("/agent/connexion").get_data(as_text=True))
        return found.group(1)

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        self.last = self.client.get(url, **kwargs)
        return self.last

    def post(self, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        self.last = self.client.post(url, data={**(data or {}), "csrf_token": self.token()},
                                     **kwargs)
        return self.last

    def code(self, shift: int = 0) -> str:
        """The app's code now (by storage.clock), or `shift` seconds from now."""
        return pyotp.TOTP(self.secret).at(storage.clock.now().timestamp() + shift)

    def enrol(self, password: str = AGENT_PASSWORD) -> TestResponse:
        page = self.get(f"/agent/inscription/{self.enrolment}")
        self.secret = SECRET.search(page.get_data(as_text=True)).group(1).replace(" ", "")
        return self.post(f"/agent/inscription/{self.enrolment}",
                         {"password": password, "password_confirm": password,
                          "code": self.code()})

    def password_step(self, password: str = AGENT_PASSWORD, next_url: str = "") -> TestResponse:
        self.get("/agent/connexion")
        return self.post("/agent/connexion", {"email": self.email, "password": password,
                                              "next": next_url})

    def login(self, next_url: str = "") -> TestResponse:
        """Both steps; the clock moves on one TOTP step first (a code works once)."""
        self.password_step(next_url=next_url)
        storage.clock.advance(timedelta(seconds=30))
        self.get("/agent/connexion/code")
        return self.post("/agent/connexion/code", {"code": self.code()})

    def logout(self) -> TestResponse:
        self.get("/agent/")
        return self.post("/agent/deconnexion")


def enrolled_agent(app: Flask, email: str, name: str, role: str,
                   types: tuple[str, ...] = (ESSAI,)) -> AgentBrowser:
    """A new agent, enrolled and logged in, on a frozen clock."""
    storage.clock.set(storage.clock.now())  # frozen (where it stands, if already)
    browser = AgentBrowser(app, email, name, role, types)
    browser.enrol()
    browser.login()
    return browser


@pytest.fixture
def supervisor(app: Flask) -> AgentBrowser:
    return enrolled_agent(app, "superviseure@example.gc.ca", "Sophie Superviseure", "supervisor")


@pytest.fixture
def agent(app: Flask) -> AgentBrowser:
    return enrolled_agent(app, "agent@example.gc.ca", "Alain Agent", "agent")
