"""Start and stop a server for a benchmark: a free port, its log in a file, a wait
until it answers. Shared by bench/pages.py and bench/load.py."""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], env: dict[str, str], port: int, log_dir: str) -> subprocess.Popen:
    """Run `cmd` until GET /connexion answers on `port` (60 s at most).

    The server's output goes to a file: a pipe nobody reads fills up and stalls it."""
    log_path = Path(log_dir) / f"server-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=log,
                                start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log_path.read_text()[-2000:]}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/connexion")
            conn.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()  # also when the answer failed: a socket left to the GC warns
    proc.kill()
    raise RuntimeError("server did not answer within 60 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
