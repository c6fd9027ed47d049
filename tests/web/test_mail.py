"""Emails: queued with the submission, sent later over SMTP to a real server (aiosmtpd),
retried with backoff when the server is down or refuses, sent exactly once."""

from __future__ import annotations

import logging
import smtplib
import ssl
import subprocess
import threading
import time
from datetime import datetime, timedelta

import pytest

import storage
from tests.definitions import IDENTITE, RENDEZ_VOUS
from tests.smtp import SmtpServer
from tests.web.conftest import MARIA, emails
from web import store_of
from web.background.mailer import (
    LogTransport,
    SmtpTransport,
    mask_address,
    parse_smtp_url,
    send_pending,
    transport_for,
)
from web.background.worker import Worker
from web.cli import main
from web.cli.portal import _start_background_worker

PERSONAL = [MARIA["given_names"], MARIA["family_names"], MARIA["email"], "maria.valdero",
            MARIA["address_line1"], MARIA["birth_date"], IDENTITE["numero"],
            IDENTITE["code"], RENDEZ_VOUS["autre_langue"], "Montréal"]


def only_email():
    (email,) = emails()
    return email


def assert_no_personal_data(text: str, number: str) -> None:
    for value in [*PERSONAL, number]:
        assert value.lower() not in text.lower(), value


def test_submission__one_round__one_email_with_no_personal_data_outside_to(maria, smtp):
    number = maria.submitted_dossier()
    report = send_pending(transport_for(smtp.url))
    assert (report.sent, report.failed) == (1, 0)
    (received,) = smtp.inbox.received
    assert received.rcpt_tos == (MARIA["email"],) and MARIA["email"] in received.to
    assert received.subject == "Du nouveau sur le portail d'essai"
    assert "Un message vous attend sur le portail" in received.body
    assert "http://127.0.0.1:8000" in received.body  # how to reach the portal
    assert_no_personal_data(received.text_without_to(), number)
    assert received.message["Auto-Submitted"] == "auto-generated"
    assert only_email().sent_at is not None
    assert send_pending(transport_for(smtp.url)).sent == 0  # never twice
    assert len(smtp.inbox.received) == 1


def test_smtp_down__email_pending_retried_after_backoff_sent_once_when_back(maria, smtp):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    smtp.stop()
    number = maria.submitted_dossier()  # the submission never waits on SMTP
    assert "Transmis" in maria.get("/dossiers/").get_data(as_text=True)
    transport = transport_for(smtp.url)
    assert send_pending(transport).failed == 1
    email = only_email()
    assert (email.attempts, email.sent_at) == (1, None)
    assert "ConnectionRefusedError" in email.last_error
    smtp.start()
    assert send_pending(transport).sent == 0  # not before its backoff
    storage.clock.advance(timedelta(minutes=1, seconds=1))
    assert send_pending(transport).sent == 1
    storage.clock.advance(timedelta(hours=1))
    assert send_pending(transport).sent == 0
    assert len(smtp.inbox.to(MARIA["email"])) == 1
    assert_no_personal_data(smtp.inbox.received[0].text_without_to(), number)


def test_smtp_refusing_451__pending_with_attempts_and_error__sent_once_later(maria, smtp):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    maria.submitted_dossier()
    smtp.inbox.refuse = "451 4.3.0 Try again later"
    transport = transport_for(smtp.url)
    assert send_pending(transport).failed == 1
    storage.clock.advance(timedelta(minutes=1, seconds=1))
    assert send_pending(transport).failed == 1
    email = only_email()
    assert email.attempts == 2 and "451" in email.last_error and email.sent_at is None
    assert email.next_attempt_at - storage.clock.now() == timedelta(minutes=2)
    smtp.inbox.refuse = None
    storage.clock.advance(timedelta(minutes=2, seconds=1))
    assert send_pending(transport).sent == 1
    assert send_pending(transport).sent == 0
    assert len(smtp.inbox.received) == 1 and only_email().sent_at is not None


@pytest.mark.parametrize("quit_fails", ["421 4.3.0 shutting down", "connection dropped"])
def test_server_accepted_data_then_quit_fails__sent_once_never_retried(maria, smtp,
                                                                       quit_fails):
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    if quit_fails == "connection dropped":
        smtp.inbox.drop_at_quit = True
    else:
        smtp.inbox.quit_reply = quit_fails
    maria.submitted_dossier()
    transport = transport_for(smtp.url)
    report = send_pending(transport)
    assert (report.sent, report.failed) == (1, 0)
    email = only_email()
    assert email.sent_at is not None and email.attempts == 0
    for _ in range(3):  # later rounds: nothing more goes out
        storage.clock.advance(timedelta(hours=1))
        assert send_pending(transport).sent == 0
    (received,) = smtp.inbox.received
    assert received.message["Message-ID"] == email.message_id


def test_resend_after_a_crash__same_message_id(maria, smtp):
    """The worker died after sending, before marking it sent: its claim lapses and the
    email goes again, recognisably the same one."""
    storage.clock.set(datetime(2022, 7, 11, 15, 20))
    maria.submitted_dossier()
    transport = transport_for(smtp.url)
    (claimed,) = storage.claim_pending_emails()
    transport.send(claimed.to, claimed.subject, claimed.body, claimed.message_id)  # then dies
    storage.clock.advance(timedelta(minutes=6))
    assert send_pending(transport).sent == 1
    first, second = smtp.inbox.received
    assert first.message["Message-ID"] == second.message["Message-ID"] == only_email().message_id
    assert only_email().message_id.startswith("<") and only_email().message_id.endswith(">")


def test_queued_emails__each_its_own_message_id(app):
    ids = {storage.queue_email(f"p{n}@example.org", "s", "b").message_id for n in range(5)}
    assert len(ids) == 5


def test_two_concurrent_senders__each_email_sent_once(app, smtp):
    for n in range(30):
        storage.queue_email(f"person{n}@example.org", "Du nouveau", "Un message vous attend.")
    transport = transport_for(smtp.url)
    start = threading.Barrier(2)
    reports = []

    def sender() -> None:
        try:
            start.wait()
            with store_of(app).bound():  # a new thread: no store current until it binds one
                for _ in range(3):
                    reports.append(send_pending(transport, limit=10))
        finally:
            store_of(app).disconnect()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    recipients = [r.rcpt_tos[0] for r in smtp.inbox.received]
    assert sorted(recipients) == sorted(f"person{n}@example.org" for n in range(30))
    assert sum(r.sent for r in reports) == 30
    assert all(e.sent_at is not None for e in emails())


def test_background_worker__woken_after_submission__sends_and_renders(app, maria, smtp):
    worker = Worker(store_of(app), transport_for(smtp.url),
                    interval=60).start()  # one round at start, then only when woken
    app.extensions["guichet.worker"] = worker
    try:
        time.sleep(0.3)
        number = maria.submitted_dossier()
        deadline = time.monotonic() + 20
        account_id = storage.find_account_by_email(MARIA["email"]).id
        while not (smtp.inbox.received and storage.list_documents(account_id)[0].ready):
            assert time.monotonic() < deadline, "the worker was not woken"
            time.sleep(0.1)
    finally:
        worker.stop()
        app.extensions.pop("guichet.worker")
    assert len(smtp.inbox.received) == 1
    assert "Télécharger" in maria.get("/documents/").get_data(as_text=True)
    assert number in maria.get("/documents/").get_data(as_text=True)


# --- SMTP settings, STARTTLS and login -----------------------------------------------

def test_parse_smtp_url__variants():
    plain = parse_smtp_url("smtp://127.0.0.1:1025")
    assert (plain.host, plain.port, plain.starttls, plain.username) == (
        "127.0.0.1", 1025, False, None)
    tls = parse_smtp_url("smtp://user%40site:p%3Ass@mail.example?starttls=1&from=no@x.org")
    assert (tls.port, tls.starttls, tls.username, tls.password, tls.sender) == (
        25, True, "user@site", "p:ss", "no@x.org")
    implicit = parse_smtp_url("smtps://mail.example")
    assert (implicit.port, implicit.implicit_tls) == (465, True)
    with pytest.raises(ValueError, match="smtp://"):
        parse_smtp_url("http://mail.example")


@pytest.fixture
def tls_files(tmp_path):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return server, client


def test_starttls_and_login__asked_by_the_url__used(tls_files):
    server_context, client_context = tls_files
    server = SmtpServer(server_context, credentials=("guichet", "s3cret:@x")).start()
    try:
        url = f"smtp://guichet:s3cret%3A%40x@127.0.0.1:{server.port}?starttls=1"
        SmtpTransport(parse_smtp_url(url), context=client_context).send(
            "a@example.org", "Du nouveau", "Un message vous attend.")
        assert server.logins == ["guichet"]
        assert [r.rcpt_tos for r in server.inbox.received] == [("a@example.org",)]
        without_tls = f"smtp://guichet:s3cret%3A%40x@127.0.0.1:{server.port}"
        with pytest.raises(smtplib.SMTPException):  # no TLS, no login offered: refused
            SmtpTransport(parse_smtp_url(without_tls)).send("a@example.org", "s", "b")
        assert len(server.inbox.received) == 1
    finally:
        server.stop()


# --- no SMTP_URL: the log -----------------------------------------------------------

class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_no_smtp_url__email_logged_recipient_masked_links_cut(app):
    storage.queue_email("maria.valdero@example.com", "Réinitialisation",
                        "Ouvrez https://portail.example/mot-de-passe/SECRET-TOKEN maintenant.")
    records, logger = Records(), logging.getLogger("guichet.mail")
    logger.addHandler(records)
    try:
        assert send_pending(transport_for(None)).sent == 1
    finally:
        logger.removeHandler(records)
    logged = "\n".join(records.lines)
    assert "m***@e***" in logged and "Réinitialisation" in logged
    assert "maria.valdero" not in logged and "SECRET-TOKEN" not in logged
    assert "https://portail.example/…" in logged
    assert isinstance(transport_for(""), LogTransport)
    assert mask_address("nobody") == "***"


# --- the commands -------------------------------------------------------------------

def test_serve_background_worker__smtp_url__given_the_smtp_transport(app, smtp):
    app.config["SMTP_URL"] = smtp.url  # as create_app read it from the environment
    _start_background_worker(app)
    worker = app.extensions.pop("guichet.worker")
    try:
        assert isinstance(worker.transport, SmtpTransport)
        assert (worker.transport.settings.host, worker.transport.settings.port) == (
            "127.0.0.1", smtp.port)
    finally:
        worker.stop()



def test_guichet_mail_send__pending__sent_over_smtp_url(maria, smtp, runner, instance_dir):
    maria.submitted_dossier()
    result = runner.invoke(main, ["mail", "send"],
                           env={"SMTP_URL": smtp.url, "GUICHET_INSTANCE": instance_dir})
    assert result.exit_code == 0, result.output
    assert "1 email(s) sent to SMTP 127.0.0.1" in result.output
    assert len(smtp.inbox.received) == 1
    again = runner.invoke(main, ["mail", "send"],
                          env={"SMTP_URL": smtp.url, "GUICHET_INSTANCE": instance_dir})
    assert "0 email(s) sent" in again.output and len(smtp.inbox.received) == 1


def test_guichet_mail_send__bad_smtp_url__clear_error(runner, instance_dir):
    result = runner.invoke(main, ["mail", "send"],
                           env={"SMTP_URL": "mail.example:25", "GUICHET_INSTANCE": instance_dir})
    assert result.exit_code == 1
    assert "SMTP_URL (URL): expected a URL starting with smtp:// or smtps://" in result.output


def test_guichet_documents_render__pending__rendered_once(maria, runner, instance_dir):
    maria.submitted_dossier()
    result = runner.invoke(main, ["documents", "render"], env={"GUICHET_INSTANCE": instance_dir})
    assert result.exit_code == 0, result.output
    assert "1 document(s) rendered" in result.output
    assert "Télécharger" in maria.get("/documents/").get_data(as_text=True)
    again = runner.invoke(main, ["documents", "render"], env={"GUICHET_INSTANCE": instance_dir})
    assert "0 document(s) rendered" in again.output
