"""Send the outbox: emails queued in the same transaction as what caused them.

A submission never talks to an SMTP server; it only queues a row. This
sender claims due rows (a lease, so several server processes never send the
same email), sends each over SMTP and marks it sent once; a failure keeps the
row pending with an exponential backoff. Without SMTP_URL, emails are written
to the log instead (with the recipient masked: no email address in logs).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import storage

log = logging.getLogger("guichet.mail")

DEFAULT_SENDER = "nepasrepondre@guichet.example"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    implicit_tls: bool = False
    sender: str = DEFAULT_SENDER
    timeout: float = 10.0


def parse_smtp_url(url: str, sender: str = DEFAULT_SENDER) -> SmtpSettings:
    """smtp://[user:pass@]host[:port][?starttls=1&from=addr] or smtps://... (implicit TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(f"SMTP_URL must start with smtp:// or smtps://, not {parts.scheme}://")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    implicit = parts.scheme == "smtps"
    return SmtpSettings(
        host=parts.hostname or "localhost",
        port=parts.port or (465 if implicit else 25),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        starttls=query.get("starttls", "0").lower() in ("1", "true", "yes"),
        implicit_tls=implicit,
        sender=query.get("from", sender),
        timeout=float(query.get("timeout", 10)),
    )


class Transport(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


def mask_address(address: str) -> str:
    """Enough to tell two emails apart in a log, not enough to identify anyone."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***" if domain else "***"


class SmtpTransport:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, to: str, subject: str, body: str) -> None:
        s = self.settings
        message = EmailMessage()
        message["From"] = s.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=s.sender.partition("@")[2] or None)
        message.set_content(body)
        context = ssl.create_default_context()
        if s.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                    context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            if s.starttls:
                client.starttls(context=context)
            if s.username:
                client.login(s.username, s.password or "")
            client.send_message(message)


class LogTransport:
    """No SMTP server configured: the email goes to the log (it holds no personal data)."""

    def send(self, to: str, subject: str, body: str) -> None:
        log.info("email not sent (no SMTP_URL): to=%s subject=%r body=%r",
                 mask_address(to), subject, body)


def transport_for(smtp_url: str | None, sender: str = DEFAULT_SENDER) -> Transport:
    return SmtpTransport(parse_smtp_url(smtp_url, sender)) if smtp_url else LogTransport()


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0


def send_pending(transport: Transport, limit: int = 50) -> SendReport:
    """Send what is due now; each email is marked sent once, or failed and retried later."""
    report = SendReport()
    for email in storage.claim_pending_emails(limit):
        try:
            transport.send(email.to, email.subject, email.body)
        except (smtplib.SMTPException, OSError) as exc:
            storage.mark_email_failed(email.id, f"{type(exc).__name__}: {exc}"[:500])
            log.warning("email %s not sent (attempt %s): %s", email.id, email.attempts + 1,
                        type(exc).__name__)
            report.failed += 1
        else:
            storage.mark_email_sent(email.id)
            report.sent += 1
    return report
