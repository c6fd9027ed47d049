"""Two real `guichet serve` processes on one database, one started before version 2 of a
type was published (issue 14, "What must hold"): both serve a version-1 draft and a
version-2 draft, each with its own questions.

Server A is started with a forms folder (GUICHET_FORMS_DIR) holding version 1 of
`demenagement` (tests/definitions/migrations/v1.yaml) and publishes it; Maria's
version-1 draft is made on it. Server B is then started with a folder holding version 2
(v2.yaml under `drafts: keep`, so the version-1 draft stays on version 1) and publishes
it; Maria's version-2 draft is made on it. A never loaded version 2 from a file: it
reads it from the database's published versions. The database is the suite's: SQLite
(one file, shared by both servers) or DATABASE_URL's PostgreSQL.
"""

from __future__ import annotations

import http.client
import re
import sys
import tempfile
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from bench.servers import free_port, start, stop
from tests.definitions import DIRECTORY
from tests.web.conftest import MARIA, PASSWORD
from tests.web.served import emptied_database, server_env

MIGRATIONS = DIRECTORY / "migrations"
TYPE = "demenagement"
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


class Browser:
    """One person's cookies on one server, over plain HTTP (redirects not followed)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, form: dict[str, str] | None = None
                ) -> tuple[int, str, str]:
        """(status, Location, body); a form is posted with the last page's CSRF token."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:  # closed even when the server goes away mid-answer (a reloading server)
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        if found := CSRF.search(text):
            self.token = found.group(1)
        return response.status, response.getheader("Location") or "", text

    def page(self, path: str) -> str:
        status, _, text = self.request("GET", path)
        assert status == 200, (self.port, path, status)
        return text

    def login(self) -> None:
        self.page("/connexion")
        status, _, _ = self.request("POST", "/connexion",
                                    {"email": MARIA["email"], "password": PASSWORD})
        assert status == 302

    def create_dossier(self) -> str:
        self.page("/dossiers/nouveau")
        status, location, _ = self.request("POST", "/dossiers/nouveau",
                                           {"type_id": TYPE, "mode": "new"})
        assert status == 302, status
        return location.split("/dossiers/")[1].split("/")[0]


def forms_folder(n: int, edit: tuple[str, str] | None = None) -> str:
    """A folder holding version `n` of `demenagement` alone, `edit` made."""
    folder = tempfile.mkdtemp(prefix=f"guichet-forms-v{n}-")
    text = (MIGRATIONS / f"v{n}.yaml").read_text(encoding="utf-8")
    Path(folder, f"{TYPE}.yaml").write_text(text.replace(*edit) if edit else text,
                                            encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def serve() -> Iterator:
    """Start a `guichet serve` (1 worker, 2 threads) on the suite's database, emptied
    first, holding Maria's account, with a given forms folder: its port."""
    instance = tempfile.mkdtemp(prefix="guichet-versions-")
    url = emptied_database(instance, (MARIA["email"],))
    env = server_env(instance, url, GUICHET_WORKERS="1", GUICHET_THREADS="2")
    procs = []

    def started(forms: str) -> int:
        port = free_port()
        procs.append(start([sys.executable, "-m", "web.cli", "serve", "--port", str(port),
                            "--no-background"], {**env, "GUICHET_FORMS_DIR": forms},
                           port, instance))
        return port

    try:
        yield started
    finally:
        for proc in procs:
            stop(proc)


def test_two_servers_one_started_before_v2__both_serve_v1_and_v2_drafts(serve):
    a = Browser(serve(forms_folder(1)))
    a.login()
    old = a.create_dossier()
    b = Browser(serve(forms_folder(2, ("drafts: migrate", "drafts: keep"))))
    b.login()
    new = b.create_dossier()
    for browser in (a, b):
        depart = browser.page(f"/dossiers/{old}/sections/depart")
        assert 'name="ville"' in depart and 'name="note_ancienne"' in depart
        assert "Moyen de contact" in depart and "Comment vous joindre" not in depart
        assert 'value="telephone"' in depart and "Ce dossier a été soumis" not in depart
        assert 'name="ascenseur"' not in browser.page(f"/dossiers/{old}/sections/arrivee")
        depart = browser.page(f"/dossiers/{new}/sections/depart")
        assert 'name="ville_depart"' in depart and 'name="note_ancienne"' not in depart
        assert "Comment vous joindre" in depart and 'value="par_telephone"' in depart
        assert "Ce dossier a été soumis" not in depart
        assert 'name="ascenseur"' in browser.page(f"/dossiers/{new}/sections/arrivee")
    # each server saves each draft by its own version
    version = re.search(r'name="version" value="(\d+)"', a.page(
        f"/dossiers/{new}/sections/depart")).group(1)
    status, _, _ = a.request("POST", f"/dossiers/{new}/sections/depart",
                             {"ville_depart": "mtl", "moyen": "par_telephone",
                              "version": version})
    assert status == 302
    version = re.search(r'name="version" value="(\d+)"', b.page(
        f"/dossiers/{old}/sections/depart")).group(1)
    status, _, _ = b.request("POST", f"/dossiers/{old}/sections/depart",
                             {"ville": "montreal", "moyen": "telephone", "version": version})
    assert status == 302
    assert 'value="mtl" selected' in b.page(f"/dossiers/{new}/sections/depart")
    assert 'value="montreal" selected' in a.page(f"/dossiers/{old}/sections/depart")
