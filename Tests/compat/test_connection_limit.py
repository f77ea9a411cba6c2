"""`--max-connections`: a connection beyond the cap is closed as soon as it is accepted, without reading it;
the server goes on accepting, and a place freed is taken by the next connection."""

from __future__ import annotations

import socket
import time

import requests

from conftest import make_client


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")   # headers begun, never finished
    return sock


def closed_without_answer(sock: socket.socket) -> bool:
    sock.settimeout(3)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_connections_beyond_the_cap_are_closed_and_places_come_back(server_factory):
    server = server_factory("tessera-conn-cap", ["--max-connections", "4"]).start()
    held = [connect(server.port) for _ in range(4)]
    time.sleep(0.3)
    extra = connect(server.port)
    assert closed_without_answer(extra), "the fifth connection is closed at once"
    # The server still accepts: freeing one place lets a real request through.
    held.pop().close()
    time.sleep(0.3)
    assert requests.get(f"{server.endpoint}/health", timeout=5).text.strip() == "ok"
    for sock in held:
        sock.close()
    time.sleep(0.3)
    glacier = make_client(server.endpoint)
    assert glacier.list_vaults()["VaultList"] == []
    text = requests.get(f"{server.endpoint}/metrics", timeout=5).text
    refused = [line for line in text.splitlines() if line.startswith("tessera_connections_refused_total")]
    assert refused and float(refused[0].split()[-1]) >= 1, refused


def test_a_connection_still_sending_its_head_holds_little_memory(server_factory):
    """Each connection's first read buffer is small (2 KiB, growing only for a body), so a thousand clients that
    never finish their headers cost the server tens of MiB, not the 130 KiB each they once did."""
    import re
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    server = server_factory("tessera-conn-memory", ["--max-connections", "2000"]).start()

    def rss_kib() -> int:
        return int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{server.proc.pid}/status").read()).group(1))

    requests.get(f"{server.endpoint}/health", timeout=5)
    before = rss_kib()
    held = [connect(server.port) for _ in range(1000)]
    time.sleep(1)
    per_connection = (rss_kib() - before) / len(held)
    for sock in held:
        sock.close()
    assert per_connection < 40, f"{per_connection:.1f} KiB per connection still sending its head"
