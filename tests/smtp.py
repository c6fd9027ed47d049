"""A real SMTP server in the test process (aiosmtpd), to read what the portal sent.

`SmtpServer` keeps its port across stop/start, so a test can take the server
down, let the portal fail, bring it back and see the email arrive once.
`refuse` makes it answer DATA with a temporary error ("451 ..."); `quit_reply`
makes it answer QUIT with another reply ("421 ..."), and `drop_at_quit` makes it
close the connection without a word when the client says QUIT.
"""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    def text_without_to(self) -> str:
        """Every header and the body, except the To header (the only place the
        recipient's address may appear)."""
        headers = "\n".join(f"{k}: {v}" for k, v in self.message.items() if k.lower() != "to")
        return headers + "\n" + self.body


class Inbox:
    """The aiosmtpd handler: keeps every accepted message."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse: str | None = None  # e.g. "451 4.3.0 try again later"
        self.quit_reply: str | None = None  # e.g. "421 4.3.0 shutting down"
        self.drop_at_quit = False
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse
        message = message_from_bytes(envelope.original_content or envelope.content,
                                     policy=policy.default)
        with self._lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos),
                                          message))
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> Any:
        if self.drop_at_quit:
            server.transport.abort()  # the connection drops before any reply
        return self.quit_reply or MISSING

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1:<port>; optional STARTTLS (required) and login."""

    def __init__(self, tls_context: ssl.SSLContext | None = None,
                 credentials: tuple[str, str] | None = None) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.tls_context = tls_context
        self.credentials = credentials
        self.logins: list[str] = []
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and self.credentials is not None
              and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {}
        if self.tls_context is not None:
            kwargs.update(tls_context=self.tls_context, require_starttls=True)
        if self.credentials is not None:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=self.tls_context is not None)
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port,
                                      **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
