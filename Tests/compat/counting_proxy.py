"""A TCP proxy on 127.0.0.1 that counts the bytes crossing it in each direction.

The client tests put it between `tessera <service> …` and a live `tessera serve`, so that "a resumed
transfer sends no part twice" is a byte count, not a promise. One thread per direction per connection.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Optional


class CountingProxy:
    def __init__(self, upstream_host: str, upstream_port: int, rate: Optional[float] = None):
        """`rate`: bytes per second per direction and connection, to make a transfer last long enough to be
        interrupted; None for full speed."""
        self.upstream = (upstream_host, upstream_port)
        self.rate = rate
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self.sent = 0       # client -> server
        self.received = 0   # server -> client
        self._closed = False
        # Connections still to cut after `cut_after` bytes upstream, to exercise clients' retries.
        self.cuts_left = 0
        self.cut_after = 64 << 10
        self._sockets: list[socket.socket] = []
        self._held: list[socket.socket] = []
        # While blocked, every connection is closed as soon as it is accepted: the upstream looks unreachable.
        self.blocked = False
        # While stalled, connections are accepted and held, and nothing crosses any connection: the upstream
        # looks alive but never answers.
        self.stalled = False
        threading.Thread(target=self._accept, daemon=True).start()

    def block(self) -> None:
        """Cuts every open connection and closes each new one at once, until ``unblock``."""
        self.blocked = True
        for sock in list(self._sockets):
            try:
                sock.close()
            except OSError:
                pass
        self._sockets.clear()

    def unblock(self) -> None:
        self.blocked = False

    def stall(self) -> None:
        """Holds every connection, open and new, without passing a byte, until ``unstall``."""
        self.stalled = True

    def unstall(self) -> None:
        """Passes bytes again; connections accepted during the stall are closed (their requests were given up)."""
        self.stalled = False
        for sock in self._held:
            try:
                sock.close()
            except OSError:
                pass
        self._held.clear()

    def reset(self) -> None:
        with self._lock:
            self.sent = 0
            self.received = 0

    def settle(self, quiet: float = 1.0, timeout: float = 60.0) -> None:
        """Waits until no byte has crossed for `quiet` seconds: after a client is killed, the proxy still
        passes on what it had read from it, and those bytes must not count towards the next run."""
        deadline = time.monotonic() + timeout
        last = self.counts()
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = self.counts()
            if now != last:
                last, quiet_since = now, time.monotonic()
            elif time.monotonic() - quiet_since >= quiet:
                return

    def counts(self) -> tuple[int, int]:
        with self._lock:
            return self.sent, self.received

    def close(self) -> None:
        self._closed = True
        try:
            self.listener.close()
        except OSError:
            pass
        for sock in list(self._sockets):
            try:
                sock.close()
            except OSError:
                pass

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.blocked:
                client.close()
                continue
            if self.stalled:
                self._held.append(client)
                continue
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            self._sockets += [client, server]
            with self._lock:
                cut = self.cuts_left > 0
                self.cuts_left -= 1 if cut else 0
            threading.Thread(target=self._pump, args=(client, server, True, cut), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, upstream: bool, cut: bool = False) -> None:
        passed = 0
        try:
            while True:
                if cut and passed >= self.cut_after:
                    break
                data = source.recv(1 << 16)
                if not data:
                    break
                while self.stalled and not self._closed:
                    time.sleep(0.05)
                with self._lock:
                    if upstream:
                        self.sent += len(data)
                    else:
                        self.received += len(data)
                sink.sendall(data)
                passed += len(data)
                if self.rate:
                    time.sleep(len(data) / self.rate)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
