"""Send the outbox: emails queued in the same transaction as what caused them.

A submission never talks to an SMTP server; it only queues a row. This
sender claims due rows (a lease, so several server processes never send the
same email), sends each over SMTP and marks it sent once; a failure keeps the
row pending with an exponential backoff. Without SMTP_URL, emails are written
to the log instead (with the recipient masked: no email address in logs, and
links cut to their site: a password reset link is a key, not a log line).

Delivery is at least once: an email is marked sent after the server accepted
it (250 after DATA), whatever happens at QUIT; if the process dies in between,
the claim lapses and it is sent again, with the same Message-ID (made once when
the email was queued), so mail systems can tell it is the same email.
"""

from __future__ import annotations

import logging
import re
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
    """Where and how to send, read from SMTP_URL: `port` (25, or 465 for smtps://),
    `username`/`password` for login (None: no login), `starttls` (upgrade a plain
    connection, never falling back), `implicit_tls` (smtps://), `sender` (the From
    address), `timeout` in seconds per connection."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    implicit_tls: bool = False
    sender: str = DEFAULT_SENDER
    timeout: float = 10.0


def parse_smtp_url(url: str, sender: str = DEFAULT_SENDER) -> SmtpSettings:
    """smtp://[user:pass@]host[:port][?starttls=1&from=addr&timeout=s] or smtps://...
    (implicit TLS) as SmtpSettings; user and password are URL-decoded, `sender` is
    the From address unless the URL says `from=`. ValueError for another scheme."""
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
    """Anything that can send one plain-text email (SMTP, the log, a test's fake)."""

    def send(self, to: str, subject: str, body: str, message_id: str | None = None) -> None:
        """Send it, or raise (any exception: the outbox keeps the email and retries).
        `message_id`: the Message-ID header, "<...@host>" (None: a new one)."""
        ...


def mask_address(address: str) -> str:
    """Enough to tell two emails apart in a log, not enough to identify anyone."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain[:1]}***" if domain else "***"


class SmtpTransport:
    """One connection per email: STARTTLS (never falling back to plain text when the
    URL asks for it) and login when the URL has a user."""

    def __init__(self, settings: SmtpSettings, context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.context = context  # tests trust their own certificate; default: the system's

    def send(self, to: str, subject: str, body: str, message_id: str | None = None) -> None:
        """Send one plain-text email to `to` over a new connection, marked
        `Auto-Submitted: auto-generated`, with `message_id` as its Message-ID (None: a
        new one); raises smtplib.SMTPException or OSError (refused, unreachable, TLS
        failure, timeout) for the outbox to retry. Once the server accepted the data,
        the email is sent: a failed QUIT (421, a dropped connection) is only logged."""
        s = self.settings
        message = EmailMessage()
        message["From"] = s.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id or make_msgid(
            domain=s.sender.partition("@")[2] or None)
        message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies (RFC 3834)
        message.set_content(body)
        context = self.context or ssl.create_default_context()
        if s.implicit_tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                                    context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.starttls:
                client.starttls(context=context)
            if s.username:
                client.login(s.username, s.password or "")
            client.send_message(message)
        except BaseException:
            client.close()
            raise
        try:  # accepted: what QUIT answers can no longer unsend it
            client.quit()
        except (smtplib.SMTPException, OSError) as exc:
            log.info("email accepted by the server, then QUIT failed: %s", type(exc).__name__)
        finally:
            client.close()


URL = re.compile(r"(https?://[^/\s()<>\[\],;\"']+)[^\s()<>\"']*")


def redact_links(text: str) -> str:
    """Every link reduced to its site: "https://portal.example/…"."""
    return URL.sub(lambda m: m.group(1) + "/…", text)


class LogTransport:
    """No SMTP server configured: the email goes to the log, recipient masked and links
    cut (notification emails hold no personal data; reset links must not be logged)."""

    def send(self, to: str, subject: str, body: str, message_id: str | None = None) -> None:
        """Write one INFO line of `guichet.mail` instead of sending; never raises."""
        log.info("email not sent (no SMTP_URL): to=%s subject=%r body=%r",
                 mask_address(to), subject, redact_links(body))


def transport_for(smtp_url: str | None, sender: str = DEFAULT_SENDER) -> Transport:
    """An SmtpTransport for `smtp_url` (the SMTP_URL setting), or a LogTransport when it
    is None or "". ValueError for a URL that is not smtp:// or smtps://."""
    return SmtpTransport(parse_smtp_url(smtp_url, sender)) if smtp_url else LogTransport()


def describe(transport: Transport) -> str:
    """Where emails go, for the start-up log line (never the password)."""
    if isinstance(transport, SmtpTransport):
        s = transport.settings
        tls = "TLS" if s.implicit_tls else "STARTTLS" if s.starttls else "plain"
        login = ", login" if s.username else ""
        return f"SMTP {s.host}:{s.port} ({tls}{login})"
    return "the log (no SMTP_URL)"


@dataclass
class SendReport:
    """How many emails one round of `send_pending` sent, and how many failed (those
    stay in the outbox for a later try)."""

    sent: int = 0
    failed: int = 0


def send_pending(transport: Transport, limit: int = 50) -> SendReport:
    """Send what is due now, at most `limit` emails; each is marked sent once, or failed
    and retried later (after 1, 2, 4... minutes, up to 6 hours). A password reset
    email gets its link's token now, or is dropped when its address has no account
    (counted neither sent nor failed); a registration's email gets its activation
    link's token now, or becomes "someone tried to create an account with your
    address" when the address has an account (storage.start_queued_signup). Never
    raises for a failed email; the database's errors propagate."""
    report = SendReport()
    for email in storage.claim_pending_emails(limit):
        subject, body = email.subject, email.body
        if email.purpose == storage.RESET_PURPOSE:  # the link's token is made now
            token = storage.start_queued_password_reset(email.id)
            if token is None:  # no account has this address: nothing to send
                continue
            body = body.replace(storage.RESET_TOKEN_SLOT, token)
        elif email.purpose == storage.SIGNUP_PURPOSE:  # activation link, or "already yours"
            outgoing = storage.start_queued_signup(email.id)
            if outgoing is None:  # its registration is gone: nothing to send
                continue
            subject, body = outgoing
        try:
            transport.send(email.to, subject, body, email.message_id)
        except Exception as exc:  # noqa: BLE001 - any failure: keep it, retry later
            # the server's reply, e.g. "451 try later": it names no recipient
            storage.mark_email_failed(email.id, _error_text(exc))
            log.warning("email %s not sent (attempt %s): %s", email.id, email.attempts + 1,
                        type(exc).__name__)
            report.failed += 1
        else:
            storage.mark_email_sent(email.id)
            report.sent += 1
    return report


def _error_text(exc: Exception) -> str:
    """What went wrong, kept on the email row; a refused recipient is not repeated there."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
                 for code, reply in exc.recipients.values()]
        return ("SMTPRecipientsRefused: " + "; ".join(codes))[:500]
    return f"{type(exc).__name__}: {exc}"[:500]
