"""Virus scanning through clamd (INSTREAM), against a fake clamd in a thread: an
infected file is refused and nothing is kept; clamd unreachable refuses (fail closed)."""

from __future__ import annotations

import io
import logging
import os
import shutil
import socket
import socketserver
import struct
import threading
from collections.abc import Iterator

import pytest

import storage
from storage.files import ClamdScanner, ScanUnavailable

from .conftest import count, rows
from .files_data import png

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
LIMITS = {"max_bytes": 1 << 20, "max_files": 3, "dossier_max_bytes": 10 << 20}


class FakeClamd(socketserver.BaseRequestHandler):
    """Reads one INSTREAM request like clamd; answers FOUND when the EICAR string is in
    it, else OK. `received` keeps the bytes scanned."""

    received: list[bytes] = []

    def handle(self) -> None:
        stream = self.request.makefile("rb")
        assert stream.read(10) == b"zINSTREAM\0"
        data = b""
        while True:
            (size,) = struct.unpack("!L", stream.read(4))
            if size == 0:
                break
            data += stream.read(size)
        self.received.append(data)
        answer = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
        self.request.sendall(answer)


@pytest.fixture
def clamd() -> Iterator[str]:
    FakeClamd.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def scanning(db, clamd, monkeypatch) -> storage.Store:
    shutil.rmtree(db.files.root, ignore_errors=True)
    monkeypatch.setattr(db, "scanner", ClamdScanner(clamd, timeout=5))
    return db


def put(account, draft, data: bytes, accept: list[str]) -> storage.UploadInfo:
    return storage.store_upload(account.id, draft.number, "preuve", "f", io.BytesIO(data),
                                accept=accept, **LIMITS)


def files_in(store: storage.Store) -> int:
    return sum(len(fs) for _, _, fs in os.walk(store.files.root))


def test_scan__clean__kept_and_marked(scanning, account, draft):
    info = put(account, draft, png(), ["image/png"])
    assert FakeClamd.received == [png()]
    assert storage.dossier_uploads(account.id, draft.number) == [info]
    _, stream = storage.upload_for_owner(account.id, info.id)
    with stream:
        assert stream.read() == png()  # the whole file, after the scan read it
    assert rows("UploadedFile")[0]["scan_status"] == "clean"


def test_scan__eicar__infected_nothing_stored(scanning, account, draft):
    with pytest.raises(storage.UploadRefused) as caught:
        put(account, draft, EICAR, ["text/plain"])
    assert caught.value.code == "infected"
    assert count("UploadedFile") == 0 and files_in(scanning) == 0


def test_scan__clamd_unreachable__fail_closed_logged_without_names(
        db, account, draft, monkeypatch, caplog):
    shutil.rmtree(db.files.root, ignore_errors=True)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(db, "scanner", ClamdScanner(f"127.0.0.1:{port}", timeout=2))
    with caplog.at_level(logging.ERROR), pytest.raises(storage.UploadRefused) as caught:
        storage.store_upload(account.id, draft.number, "preuve", "secret-name.png",
                             io.BytesIO(png()), accept=["image/png"], **LIMITS)
    assert caught.value.code == "scan_unavailable"
    assert count("UploadedFile") == 0 and files_in(db) == 0
    assert "scanner unavailable" in caplog.text and "secret-name" not in caplog.text


def test_scan__unix_socket_and_error_answer(tmp_path):
    path = str(tmp_path / "clamd.ctl")

    class Failing(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(65536)
            self.request.sendall(b"INSTREAM size limit exceeded. ERROR\0")

    server = socketserver.ThreadingUnixStreamServer(path, Failing)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    try:
        with pytest.raises(ScanUnavailable):
            ClamdScanner(path, timeout=5).scan(io.BytesIO(b"data"))
    finally:
        server.shutdown()
        server.server_close()
