"""Logs: one JSON line per request with the request id, method, path (no query string),
status and duration; and nothing personal in any line of a whole applicant's walk:
no answer, no identity number, no password, no email, no name, no address."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.logging import default_handler

from tests.definitions import IDENTITE, RENDEZ_VOUS
from tests.web.conftest import MARIA, PASSWORD, Applicant
from web.background.mailer import LogTransport, send_pending
from web.background.worker import render_pending_documents
from web.http.errors import RequestIdFilter
from web.http.logs import JsonFormatter, StderrHandler

WRONG_PASSWORD = "pas-le-bon-mot-de-passe"
SECRET_QUERY = "QUERYSECRET42"


class Keep(logging.Handler):
    """Formats every record as the portal writes it, and keeps the lines."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.setFormatter(JsonFormatter())
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def capture_logs(app: Flask) -> Iterator[list[str]]:
    """Every line the app and the guichet.* loggers write (mail, worker, requests...)."""
    keep = Keep()
    loggers = [app.logger, logging.getLogger("guichet"), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(keep)
    try:
        yield keep.lines
    finally:
        for logger in loggers:
            logger.removeHandler(keep)


def secrets_of(profile: dict[str, str], *extra: str) -> list[str]:
    """What must never be logged: the person's identity and contact details, the answers
    (identity numbers included), passwords."""
    answers = [v for v in (*IDENTITE.values(), *RENDEZ_VOUS.values())
               if isinstance(v, str) and len(v) >= 5 and not v.isidentifier()]
    identity = [profile[k] for k in ("email", "family_names", "given_names", "address_line1",
                                     "phone_home", "postal_code")]
    return [*identity, *answers, "Wolof", PASSWORD, WRONG_PASSWORD, *extra]


# Fields made by the portal itself, random or measured: a request id's hex digits may spell
# a postal code ("75005") by chance, which is no leak.
GENERATED_FIELDS = ("request_id", "time", "duration_ms")


def _searched(line: str) -> str:
    """A log line as searched for personal data: its generated fields left out."""
    try:
        entry = json.loads(line)
    except ValueError:
        return line
    if not isinstance(entry, dict):
        return line
    return json.dumps({k: v for k, v in entry.items() if k not in GENERATED_FIELDS},
                      ensure_ascii=False)


def leaks(lines: list[str], secrets: list[str]) -> list[str]:
    """Each secret found in a line (case-insensitive; JSON lines without GENERATED_FIELDS)."""
    return [f"{s!r} in {line}" for line in lines for s in secrets
            if s.lower() in _searched(line).lower()]


@pytest.fixture
def logs(app) -> Iterator[list[str]]:
    yield from capture_logs(app)


def test_logs__whole_walk_through_the_test_client__nothing_personal(app, registry, logs):
    maria = Applicant(app.test_client())
    maria.register()
    number = maria.create_dossier()
    maria.refresh(number, "identite", IDENTITE)
    maria.fill_all(number)
    maria.get(f"/dossiers/{number}/recapitulatif")
    maria.submit(number)
    render_pending_documents(registry)
    send_pending(LogTransport())  # no SMTP server: the email goes to the log, masked
    maria.get("/messages/")
    maria.get("/documents/")
    maria.get(f"/dossiers/identifier?type_id=x&number={SECRET_QUERY}")
    maria.post("/dossiers/identifier", {"type_id": "x", "number": SECRET_QUERY})
    maria.post("/profil/modifier", {**MARIA, "family_names": ""})  # refused, with errors
    maria.logout()
    maria.login(password=WRONG_PASSWORD)
    maria.get("/mot-de-passe-oublie")
    maria.post("/mot-de-passe-oublie", {"email": MARIA["email"]})
    send_pending(LogTransport())
    maria.client.post("/connexion", data={"email": MARIA["email"]})  # no token: 400
    assert len([line for line in logs if '"guichet.request"' in line]) >= 25
    assert any("email not sent" in line for line in logs)  # the mail log is captured too
    assert not leaks(logs, secrets_of(MARIA, SECRET_QUERY, "mot-de-passe/"))


def test_logs__every_request__one_json_line_with_id_method_path_status_duration(client, logs):
    responses = [client.get("/connexion?next=/dossiers/&x=" + SECRET_QUERY),
                 client.get("/nulle-part"), client.post("/connexion")]
    lines = [json.loads(line) for line in logs]
    requests = [entry for entry in lines if entry["logger"] == "guichet.request"]
    assert [(r["method"], r["path"], r["status"]) for r in requests] == [
        ("GET", "/connexion", 200), ("GET", "/nulle-part", 404), ("POST", "/connexion", 400)]
    for entry, response in zip(requests, responses, strict=True):
        assert entry["request_id"] == response.headers["X-Request-Id"]
        assert re.fullmatch(r"[0-9a-f]{16}", entry["request_id"])
        assert isinstance(entry["duration_ms"], float) and entry["level"] == "INFO"
    csrf = next(entry for entry in lines if entry["message"].startswith("CSRF refused"))
    assert csrf["request_id"] == responses[2].headers["X-Request-Id"]
    assert SECRET_QUERY not in "\n".join(logs)


def test_logs__formatter__one_line_even_with_newlines_and_an_exception():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("guichet.web", logging.ERROR, __file__, 1, "a\nb", (),
                                   exc_info=True)
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line and len(line.splitlines()) == 1
    entry = json.loads(line)
    assert entry["message"] == "a\nb" and "ValueError: boom" in entry["exception"]


def test_gunicorn_access_log__none__no_raw_path_with_a_links_token_is_written():
    """gunicorn's access line would hold the raw path (a reset link's token): the app's
    own request line, redacted, is the only one."""
    from web.cli.server import server_options

    assert server_options("127.0.0.1", 8000)["accesslog"] is None


def test_logs__password_reset_link_opened__token_not_in_the_request_line(client, logs):
    token = "RESETTOKEN" + "x" * 30
    client.get(f"/mot-de-passe/{token}")
    requests = [json.loads(line) for line in logs if '"guichet.request"' in line]
    assert [r["path"] for r in requests] == ["/mot-de-passe/<token>"]
    assert token not in "\n".join(logs)


def test_logs__mistyped_reset_link__no_route_matched__token_not_logged(client, logs):
    token = "RESETTOKEN" + "y" * 30
    assert client.get(f"/mot-de-passe/{token}/").status_code == 404  # trailing slash
    assert client.get(f"/mot-de-passe/{token}/x").status_code == 404
    requests = [json.loads(line) for line in logs if '"guichet.request"' in line]
    assert [r["path"] for r in requests] == ["/mot-de-passe/…", "/mot-de-passe/…"]
    assert token not in "\n".join(logs)


def test_logs__server_error__one_json_line_with_the_request_id_no_plain_text(app, logs):
    @app.get("/boom-for-test")
    def boom() -> str:
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: a 500 page, logged
    assert app.test_client().get("/boom-for-test").status_code == 500
    assert default_handler not in app.logger.handlers  # Flask's plain-text copy is off
    (error,) = [json.loads(line) for line in logs if '"level":"ERROR"' in line.replace(" ", "")]
    assert error["request_id"] != "-" and "RuntimeError: boom" in error["exception"]


def test_logs__formatter__odd_extra_values__still_one_json_line():
    record = logging.LogRecord("guichet.web", logging.INFO, __file__, 1, "é", (), None)
    record.huge = 2 ** 80  # beyond 64 bits
    record.when = object()
    record.text = "ligne\u2028deux"  # a line separator to str.splitlines and others
    line = JsonFormatter().format(record)
    assert len(line.splitlines()) == 1
    entry = json.loads(line)
    assert (entry["message"], entry["huge"], entry["text"]) == ("é", 2 ** 80, "ligne\u2028deux")
    assert entry["when"].startswith("<object object")


def _only_the_portals_handler(monkeypatch) -> None:
    """Takes pytest's capture handlers off the `guichet` logger for one test: only the
    portal's handler (writing to stderr) is left, as in production."""
    guichet = logging.getLogger("guichet")
    monkeypatch.setattr(guichet, "handlers",
                        [h for h in guichet.handlers if isinstance(h, StderrHandler)])


TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00"  # ISO 8601, UTC, milliseconds


def test_logs__request_through_the_portals_handler__one_json_line_on_stderr(
        client, capsys, monkeypatch):
    _only_the_portals_handler(monkeypatch)
    capsys.readouterr()
    response = client.get("/connexion?x=" + SECRET_QUERY)
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if '"guichet.request"' in line]
    assert len(lines) == 1 and SECRET_QUERY not in err
    entry = json.loads(lines[0])
    assert list(entry)[:5] == ["time", "level", "logger", "request_id", "message"]
    assert re.fullmatch(TIME, entry["time"])
    assert entry["request_id"] == response.headers["X-Request-Id"]
    endpoint, _ = client.application.url_map.bind("localhost").match("/connexion")
    assert {k: entry[k] for k in ("level", "message", "method", "path", "status", "endpoint")} \
        == {"level": "INFO", "message": "request", "method": "GET", "path": "/connexion",
            "status": 200, "endpoint": endpoint}
    assert isinstance(entry["duration_ms"], float)


def test_logs__request_line__a_record_that_pytests_capture_sees(client, caplog):
    response = client.get("/connexion?x=" + SECRET_QUERY)
    records = [r for r in caplog.records if r.name == "guichet.request"]
    assert len(records) == 1
    record = records[0]
    assert (record.getMessage(), record.method, record.path, record.status) == (
        "request", "GET", "/connexion", 200)
    assert record.request_id == response.headers["X-Request-Id"]


def test_logs__outside_a_request__a_dash_for_the_request_id(app, capsys, monkeypatch):
    _only_the_portals_handler(monkeypatch)  # the app set it up
    capsys.readouterr()
    logging.getLogger("guichet.worker").info("round done", extra={"documents": 2})
    entry = json.loads(capsys.readouterr().err)
    assert (entry["request_id"], entry["message"], entry["documents"]) == (
        "-", "round done", 2)


def test_logs__formatter__values_json_refuses__still_one_strict_json_line():
    loop: dict[str, object] = {}
    loop["self"] = loop
    record = logging.LogRecord("guichet.web", logging.INFO, __file__, 1, "m", (), None)
    record.loop = loop
    record.nan = float("nan")  # json writes NaN, which strict readers reject
    record.keys = {(1, 2): "tuple key"}
    record.fine = 3
    line = JsonFormatter().format(record)

    def strict(constant: str) -> None:
        raise ValueError(constant)

    entry = json.loads(line, parse_constant=strict)
    assert (entry["loop"], entry["nan"], entry["keys"], entry["fine"]) == (
        "{'self': {...}}", "nan", "{(1, 2): 'tuple key'}", 3)


def test_logs__request_logger_disabled_by_a_logging_config__no_request_line(
        client, capsys, monkeypatch):
    _only_the_portals_handler(monkeypatch)
    monkeypatch.setattr(logging.getLogger("guichet.request"), "disabled", True)
    capsys.readouterr()
    assert client.get("/connexion").status_code == 200
    assert '"guichet.request"' not in capsys.readouterr().err


def test_logs__activation_and_enrolment_links__their_tokens_not_in_the_request_line(
        client, logs):
    for path, name in (("/inscription/activer/", "activation"),
                       ("/agent/inscription/", "enrolment")):
        token = "SECRETLINK" + "z" * 30
        client.get(path + token)
        assert token not in "\n".join(logs), path
        lines = [json.loads(line) for line in logs if '"guichet.request"' in line]
        assert lines[-1]["path"] == f"{path}<{name}>"
