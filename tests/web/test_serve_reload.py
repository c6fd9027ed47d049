"""A broken definition never takes the portal down (issue 16): real `guichet serve`
processes on a forms folder of their own and a new SQLite database.

`guichet serve` refuses to start on broken definitions, with their `file:line` errors
and no traceback. A reload (SIGHUP to the gunicorn master) serves a valid change, and
keeps serving the previous definitions, with the errors logged, when the new ones are
broken. The type served is a copy of tests/definitions/atelier.yaml; its title, shown
on the new-dossier page, is what the edits change.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import storage
from bench.servers import free_port, start, stop
from engine import ErrorCode, convert
from engine.errors import error
from engine.pipeline import republished_error
from tests.definitions import DIRECTORY
from tests.web.conftest import MARIA, PASSWORD
from tests.web.served import server_env
from tests.web.test_versions_served import Browser

SOURCE = DIRECTORY / "atelier.yaml"
TITLE = "Inscription à un atelier"


def _instance(tmp_path: Path) -> tuple[str, Path]:
    """A new instance folder (its SQLite database holding Maria's account) and a forms
    folder holding a copy of atelier.yaml: (instance, the copy)."""
    instance = tmp_path / "instance"
    store = storage.open_store(None, str(instance))
    try:
        with store.bound():
            storage.init_db()
            storage.create_account(MARIA["email"], storage.hash_password(PASSWORD),
                                   {k: v for k, v in MARIA.items() if k != "email"})
    finally:
        store.disconnect()
    forms = tmp_path / "forms"
    forms.mkdir()
    copy = forms / SOURCE.name
    shutil.copy(SOURCE, copy)
    return str(instance), copy


def _env(instance: str, forms: Path) -> dict[str, str]:
    """One worker, SQLite in `instance`, the types of `forms`."""
    return server_env(instance, None, GUICHET_WORKERS="1", GUICHET_THREADS="2",
                      GUICHET_FORMS_DIR=str(forms))


def _serve(env: dict[str, str]) -> subprocess.CompletedProcess:
    port = free_port()
    return subprocess.run([sys.executable, "-m", "web.cli", "serve", "--port", str(port),
                           "--no-background"], env=env, capture_output=True, text=True,
                          timeout=60)


def _edit(path: Path, *replacements: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _until(condition: Callable[[], object], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_guichet_serve__broken_definition__refused_with_file_line_no_traceback(tmp_path):
    instance, copy = _instance(tmp_path)
    _edit(copy, ("version: 1", "version: [1"))
    expected = [str(e) for e in convert(copy).errors]
    assert expected and all(line.startswith(f"{copy}:") for line in expected)

    result = _serve(_env(instance, copy.parent))

    assert result.returncode == 2, result.stderr
    for line in expected:
        assert line in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert "not started" in result.stderr and "gunicorn" not in result.stderr + result.stdout


def test_guichet_serve__published_version_edited__refused_at_its_version_line(tmp_path):
    instance, copy = _instance(tmp_path)
    env = _env(instance, copy.parent)
    init = subprocess.run([sys.executable, "-m", "web.cli", "db", "init"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert init.returncode == 0, init.stderr
    _edit(copy, (TITLE, f"{TITLE} (modifié)"))  # version 1 is published with the old text

    result = _serve(env)

    assert result.returncode == 2, result.stderr
    assert str(republished_error(convert(copy).compiled)) in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_guichet_serve__unreadable_definition__refused_without_traceback(tmp_path):
    instance, copy = _instance(tmp_path)
    copy.write_bytes(SOURCE.read_bytes().replace("à".encode(), b"\xe0", 1))  # Latin-1

    result = _serve(_env(instance, copy.parent))

    assert result.returncode == 2, result.stderr
    line = SOURCE.read_bytes().count(b"\n", 0, SOURCE.read_bytes().index("à".encode())) + 1
    assert f"{copy}:{line}: This file is not UTF-8 text" in result.stderr
    assert "Traceback" not in result.stderr


def test_guichet_serve__two_files_of_one_type__refused_at_the_second_id_line(tmp_path):
    """Two copies of one type in the forms folder: served, one would win silently."""
    instance, copy = _instance(tmp_path)
    second = copy.with_name("zz-" + copy.name)
    second.write_bytes(copy.read_bytes())
    line = convert(copy).data.line_of("id")
    expected = str(error(ErrorCode.DUPLICATE_TYPE, str(second), line,
                         id=convert(copy).compiled.id, first=str(copy), first_line=line))

    result = _serve(_env(instance, copy.parent))

    assert result.returncode == 2, result.stderr
    assert expected in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def _log_lines(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8", errors="replace").splitlines()


def _reloaded(log: Path, reloads: int) -> Callable[[], bool]:
    """True once `reloads` reloads are over: the master's worker of each reload booted
    and the worker before it gone (one worker)."""
    def done() -> bool:
        lines = _log_lines(log)
        return (sum("Booting worker" in line for line in lines) == reloads + 1
                and sum("Worker exiting" in line for line in lines) == reloads)
    return done


def test_guichet_serve__hup__serves_a_valid_change_keeps_the_old_one_when_broken(tmp_path):
    instance, copy = _instance(tmp_path)
    port = free_port()
    proc = start([sys.executable, "-m", "web.cli", "serve", "--port", str(port),
                  "--no-background"], _env(instance, copy.parent), port, instance)
    log = Path(instance) / f"server-{port}.log"
    try:
        browser = Browser(port)
        browser.login()
        assert TITLE in browser.page("/dossiers/nouveau")

        # a valid change (a new version: version 1 is published) is served
        _edit(copy, ("version: 1", "version: 2"), (TITLE, f"{TITLE} (v2)"))
        os.kill(proc.pid, signal.SIGHUP)
        _until(_reloaded(log, 1), "the first reload")
        assert f"{TITLE} (v2)" in browser.page("/dossiers/nouveau")

        # a broken one is logged with its file:line errors; v2 is still served
        _edit(copy, ("version: 2", "version: [2"))
        expected = [str(e) for e in convert(copy).errors]
        os.kill(proc.pid, signal.SIGHUP)
        _until(_reloaded(log, 2), "the second reload")
        refused = [json.loads(line) for line in _log_lines(log)
                   if '"definitions not reloaded' in line]
        assert len(refused) == 1 and refused[0]["level"] == "ERROR"
        assert refused[0]["errors"] == expected and expected[0].startswith(f"{copy}:")
        for _ in range(3):
            assert f"{TITLE} (v2)" in browser.page("/dossiers/nouveau")  # 200, v2
        assert proc.poll() is None

        # fixed (and a new version again): served
        _edit(copy, ("version: [2", "version: 3"), (f"{TITLE} (v2)", f"{TITLE} (v3)"))
        os.kill(proc.pid, signal.SIGHUP)
        _until(_reloaded(log, 3), "the third reload")
        assert f"{TITLE} (v3)" in browser.page("/dossiers/nouveau")
    finally:
        stop(proc)
    assert "Traceback" not in log.read_text(encoding="utf-8")


def test_guichet_serve_debug__broken_file_saved__errors_page_then_portal_when_fixed(tmp_path):
    """--debug: Flask's reloader restarts on a definition file's change; broken, the
    restarted process serves the errors (503) instead of crashing, and a fix brings the
    portal back."""
    instance, copy = _instance(tmp_path)
    port = free_port()
    proc = start([sys.executable, "-m", "web.cli", "serve", "--debug", "--port", str(port),
                  "--no-background"], _env(instance, copy.parent), port, instance)
    try:
        browser = Browser(port)
        browser.login()
        _edit(copy, ("version: 1", "version: [1"))
        expected = [str(e) for e in convert(copy).errors]

        def status() -> int:
            try:
                return browser.request("GET", "/dossiers/nouveau")[0]
            except OSError:  # between two processes
                return 0

        _until(lambda: status() == 503, "the errors page")
        body = browser.request("GET", "/dossiers/nouveau")[2]
        assert all(line in body for line in expected) and "Traceback" not in body

        _edit(copy, ("version: [1", "version: 1"))
        _until(lambda: status() == 200, "the portal again")
        assert TITLE in browser.page("/dossiers/nouveau")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the reloader and the process it started
        proc.wait(timeout=30)


def test_served_reload__database_fails__old_registry_kept_error_logged(monkeypatch):
    from web.cli import served as module

    monkeypatch.setattr(module, "checked_forms", lambda paths: "checked")
    served = module.Served(["forms"])

    def unreachable(paths):
        raise OSError("connection refused\nsecond line")

    monkeypatch.setattr(module, "checked_forms", unreachable)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    module.log.addHandler(handler)
    try:
        assert served.reload() is False
    finally:
        module.log.removeHandler(handler)
    assert served.registry == "checked"
    assert [(r.levelname, r.getMessage()) for r in records] == [(
        "ERROR", "definitions not reloaded: OSError: connection refused; the previous "
        "ones are still served")]
