"""Browser fixtures: the portal served from a thread on a temporary SQLite database,
and Debian's Chromium driven by Playwright (never a browser Playwright downloads).

The portal serves the tests' dossier types (tests/definitions/), for the tests of its
mechanics, and the types of forms/, for the walk of the user guide, which is
the first dossier type of forms/ (tests/browser/guide_walk.yaml names it).

A missing /usr/bin/chromium is a failure, never a silent skip; deselect these tests
explicitly with `-m "not browser"` when you mean to.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

import storage
from engine import CompiledDefinition, Registry
from engine.pipeline import definition_paths
from tests import definitions
from tests.smtp import SmtpServer

CHROMIUM = "/usr/bin/chromium"
# the live portal's count of registrations from this machine (web/config.py: 30 an hour
# per address); the browser tests register more than that within the hour, so each
# test starts with the count cleared
REGISTRATIONS_HERE = "guichet:register_address:ip:127.0.0.1"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def registry() -> Registry:
    """essai and atelier (tests/definitions/), and every type of forms/."""
    return definitions.with_registry(*definition_paths())


@pytest.fixture(scope="session")
def essai(registry: Registry) -> CompiledDefinition:
    return registry[definitions.ESSAI]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Flask:
    from web import create_app

    instance = tmp_path_factory.mktemp("browser-instance")
    return create_app({"SECRET_KEY": "browser-tests", "INSTANCE_PATH": str(instance),
                       "DATABASE_URL": None, "REGISTRY": registry})


@pytest.fixture
def live_store(live_app: Flask) -> Iterator[object]:
    """The live portal's store, current for the test (a test may call storage, e.g. to
    read a password reset token the email would carry)."""
    from web import store_of

    store = store_of(live_app)
    with store.bound():
        yield store
    store.disconnect()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[str]:
    """The portal at http://127.0.0.1:PORT on its own SQLite file."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def mail_server(live_app: Flask) -> Iterator[SmtpServer]:
    """A real SMTP server, and the live portal's background worker sending to it (woken
    after each submission, as under `guichet serve`), on the portal's own store."""
    from web import store_of
    from web.background.mailer import transport_for
    from web.background.worker import Worker

    server = SmtpServer().start()
    worker = Worker(store_of(live_app), transport_for(server.url), interval=1.0).start()
    live_app.extensions["guichet.worker"] = worker
    try:
        yield server
    finally:
        live_app.extensions.pop("guichet.worker", None)
        worker.stop()
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install (Debian's chromium package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, live_store):
    storage.clear_attempts([REGISTRATIONS_HERE])
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page_without_js(browser, live_server, live_store):
    storage.clear_attempts([REGISTRATIONS_HERE])
    context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                  viewport={"width": 375, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
