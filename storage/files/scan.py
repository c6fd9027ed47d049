"""Virus scanning through ClamAV's daemon, clamd, with its INSTREAM command.

A small implementation of the documented protocol (clamd(8), "INSTREAM"): send
"zINSTREAM\\0", then the file in chunks each preceded by its length as 4 bytes
(network order), then a zero length; clamd answers "stream: OK\\0" or
"stream: <signature> FOUND\\0" (or "... ERROR"). Written here rather than taken from
PyPI: `clamd` and `pyclamd` are unmaintained since 2014 and 2017, and the maintained
`clamav-client` is GPL-2.0; the protocol is thirty lines.

Fail closed: a configured clamd that cannot be reached, times out or answers anything
else raises ScanUnavailable, and the upload is refused.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import BinaryIO

SCAN_CHUNK = 64 * 1024  # bytes per INSTREAM chunk (clamd's StreamMaxLength is far more)


class ScanUnavailable(Exception):
    """clamd could not give a verdict: unreachable, too slow, or an error answer."""


@dataclass(frozen=True)
class Verdict:
    """clamd's answer: `clean`, and the `signature` found when not (e.g.
    "Eicar-Test-Signature")."""

    clean: bool
    signature: str | None = None


class ClamdScanner:
    """Scans streams with the clamd at `address`: a unix socket path (starts with "/")
    or "host:port"; `timeout` in seconds for connecting and each read or write."""

    def __init__(self, address: str, timeout: float = 30.0) -> None:
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.address.startswith("/"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target: object = self.address
        else:
            host, _, port = self.address.rpartition(":")
            sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET,
                                 socket.SOCK_STREAM)
            target = (host.strip("[]"), int(port))
        sock.settimeout(self.timeout)
        try:
            sock.connect(target)
        except BaseException:
            sock.close()
            raise
        return sock

    def scan(self, stream: BinaryIO) -> Verdict:
        """Send the whole `stream` to clamd; its Verdict. ScanUnavailable when clamd
        cannot be reached or gives no verdict (the reason in the message, no content)."""
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                while chunk := stream.read(SCAN_CHUNK):
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                answer = b""
                while not answer.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    answer += part
        except (OSError, ValueError) as exc:
            raise ScanUnavailable(f"clamd {self.address}: {type(exc).__name__}") from None
        return parse_answer(answer.rstrip(b"\0").decode("utf-8", "replace").strip())


def parse_answer(answer: str) -> Verdict:
    """clamd's INSTREAM answer line as a Verdict; ScanUnavailable for an error or
    anything unexpected."""
    _, _, result = answer.partition(": ")
    if result == "OK":
        return Verdict(True)
    if result.endswith(" FOUND"):
        return Verdict(False, result[:-len(" FOUND")])
    raise ScanUnavailable(f"clamd answered {answer[:200]!r}")
