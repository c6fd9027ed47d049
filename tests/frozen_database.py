"""A PostgreSQL that hangs, for tests, without stopping the shared server: a TCP proxy.

`FreezableProxy` forwards 127.0.0.1:<port> to the real server. `freeze()` makes it
behave as a server whose processes are stopped (SIGSTOP) while its kernel still
runs: the sockets stay open and what clients send is accepted (the kernel
acknowledges it), but nothing is forwarded and nothing comes back; new
connections are accepted and never answered. `thaw()` forwards again (connections
accepted while frozen are closed: their clients gave up). One thread, one
`selectors` loop.
"""

from __future__ import annotations

import selectors
import socket
import threading
from urllib.parse import urlsplit


class FreezableProxy:
    """A TCP proxy to `upstream` (host, port) on 127.0.0.1, on a free port, that can be
    frozen; `close()` (or the `with` block's end) stops it and closes every socket."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.setblocking(False)
        self.port = self._listener.getsockname()[1]
        self._frozen = threading.Event()
        self._stop = threading.Event()
        self._thawed = threading.Event()  # set by the loop once it forwards again
        self._peers: dict[socket.socket, socket.socket] = {}
        self._held: list[socket.socket] = []
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._thread = threading.Thread(target=self._run, name="freezable-proxy", daemon=True)
        self._thread.start()

    @classmethod
    def for_url(cls, database_url: str) -> FreezableProxy:
        """A proxy to the server `database_url` names."""
        parts = urlsplit(database_url)
        return cls((parts.hostname or "127.0.0.1", parts.port or 5432))

    def url(self, database_url: str) -> str:
        """`database_url` with this proxy in place of the server's host and port."""
        parts = urlsplit(database_url)
        user = parts.netloc.rpartition("@")[0]
        netloc = f"{user}@127.0.0.1:{self.port}" if user else f"127.0.0.1:{self.port}"
        return parts._replace(netloc=netloc).geturl()

    def freeze(self) -> None:
        """From now on, forward nothing and answer no new connection."""
        self._frozen.set()

    def thaw(self) -> None:
        """Forward again (once this returns); connections accepted while frozen are
        closed."""
        self._thawed.clear()
        self._frozen.clear()
        self._thawed.wait(timeout=5)

    def close(self) -> None:
        """Stop forwarding and close every socket."""
        self._stop.set()
        self._thread.join(timeout=5)

    def __enter__(self) -> FreezableProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the loop
    def _run(self) -> None:
        paused = False
        try:
            while not self._stop.is_set():
                frozen = self._frozen.is_set()
                if frozen != paused:  # stop (or start again) reading the connected sockets
                    for sock in self._peers:
                        if frozen:
                            self._selector.unregister(sock)
                        else:
                            self._selector.register(sock, selectors.EVENT_READ)
                    paused = frozen
                if not frozen:
                    for held in self._held:
                        held.close()
                    self._held.clear()
                    self._thawed.set()
                for key, _ in self._selector.select(timeout=0.05):
                    if key.fileobj is self._listener:
                        self._accept(self._frozen.is_set())
                    elif not frozen:
                        self._forward(key.fileobj)
        finally:
            for sock in [self._listener, *self._peers, *self._held]:
                sock.close()
            self._selector.close()

    def _accept(self, frozen: bool) -> None:
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        if frozen:
            self._held.append(client)  # accepted by the kernel, never answered
            return
        server = socket.create_connection(self.upstream)
        client.setblocking(True)
        self._peers[client], self._peers[server] = server, client
        for sock in (client, server):
            self._selector.register(sock, selectors.EVENT_READ)

    def _forward(self, sock: socket.socket) -> None:
        """Bytes from `sock` to its peer; when one side closed, close both."""
        peer = self._peers.get(sock)
        if peer is None:
            return
        try:
            data = sock.recv(65536)
            if data:
                peer.sendall(data)
                return
        except OSError:
            pass
        for end in (sock, peer):
            self._peers.pop(end, None)
            self._selector.unregister(end)
            end.close()
