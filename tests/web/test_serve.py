"""`guichet serve`: gunicorn in production, Flask's server only with --debug."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from web.cli.portal import register  # noqa: F401  (the CLI module imports cleanly)
from web.cli.server import PortalServer, server_options


def test_server_options__defaults__gthread_workers_threads_app_logs_requests():
    options = server_options("127.0.0.1", 8123)
    assert options["bind"] == "127.0.0.1:8123"
    assert options["worker_class"] == "gthread"
    assert options["workers"] >= 2 and options["threads"] >= 2
    # the app writes one JSON line per request (secrets redacted); gunicorn's own
    # access line would repeat it with the raw path
    assert options["accesslog"] is None


def test_server_options__forwarded_headers__gunicorn_trusts_none_from_anywhere(monkeypatch):
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # gunicorn's own variable: no effect
    server = PortalServer(lambda: None, server_options("127.0.0.1", 8123))
    assert server.cfg.forwarded_allow_ips == []
    assert server.cfg.secure_scheme_headers == {}
    assert server.cfg.forwarder_headers == []


def test_portal_server__load__builds_the_app_in_the_worker(app):
    calls = []
    server = PortalServer(lambda: app, server_options("127.0.0.1", 0),
                          on_worker_start=calls.append)
    assert server.load() is app and calls == [app]
    assert server.cfg.worker_class_str == "gthread"


def test_serve_help__lists_host_port_debug(runner):
    from web.cli import main

    result = runner.invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--debug"):
        assert option in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_guichet_serve__started__answers_the_login_page_through_gunicorn(tmp_path):
    port = _free_port()
    guichet = Path(sys.executable).with_name("guichet")
    env = {**os.environ, "GUICHET_INSTANCE": str(tmp_path), "GUICHET_WORKERS": "2",
           "GUICHET_THREADS": "2"}
    env.pop("DATABASE_URL", None)
    env.pop("GUICHET_PROXY_FIX", None)
    proc = subprocess.Popen([str(guichet), "serve", "--port", str(port), "--no-background"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:  # from 127.0.0.1, which gunicorn trusted by default for these headers
                conn.request("GET", "/connexion", headers={"X-Forwarded-Proto": "https",
                                                           "X-Forwarded-Ssl": "on"})
                response = conn.getresponse()
                body = response.read().decode()
                break
            except OSError:
                assert time.monotonic() < deadline, "guichet serve did not answer"
                assert proc.poll() is None, "guichet serve exited"
                time.sleep(0.2)
            finally:
                conn.close()
        assert response.status == 200
        # GUICHET_PROXY_FIX unset: the forwarded scheme is ignored, the request is plain http
        assert response.getheader("Strict-Transport-Security") is None
        assert "Secure" not in response.getheader("Set-Cookie")
        # the server software is not advertised (gunicorn has no setting: web/cli/server.py)
        assert response.getheader("Server") == "guichet"
        assert "gunicorn" not in str(response.getheaders()).lower()
        assert response.getheader("X-Request-Id")
        assert "Connexion" in body
        assert (tmp_path / "secret_key").exists()  # one key shared by every worker
    finally:
        proc.terminate()
        proc.wait(timeout=30)
