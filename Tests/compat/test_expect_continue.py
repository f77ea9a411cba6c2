"""`Expect: 100-continue`: the server answers `100 Continue` once the request's headers and signature check
out, and the final error at once (no 100) when they do not, so a client that waits for the 100 never sends
a body into a refusal. Raw sockets: each test sends the head, waits for the server's first answer, and
sends the body only after a 100 — as curl and the SDKs that use the header do."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from glacier_helpers import API_VERSION, sha256_hex, sigv4_headers, tree_hash
from tessera_server import TEST_ACCOUNTS

ONE = TEST_ACCOUNTS["one"]


class RawRequest:
    """One request on its own connection: the head first, then (if asked) the body."""

    def __init__(self, endpoint: str, method: str, path: str, headers: dict, body: bytes):
        parts = urlsplit(endpoint)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
        head = f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n"
        self.sock.sendall(head.encode())
        self.body = body
        self.received = b""

    def first_answer(self) -> bytes:
        """The status line of what the server says before any body byte is sent (10 s at most)."""
        while b"\r\n\r\n" not in self.received:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.received += chunk
        head, _, self.received = self.received.partition(b"\r\n\r\n")
        self.last_head = head.decode(errors="replace")
        return head.split(b"\r\n", 1)[0]

    def send_body(self) -> None:
        self.sock.sendall(self.body)

    def close(self) -> None:
        self.sock.close()


def signed_archive_upload(endpoint: str, vault: str, body: bytes, secret: str = ONE.secret_key):
    path = f"/-/vaults/{vault}/archives"
    headers = sigv4_headers("POST", endpoint + path, ONE.access_key, secret, body=body, headers={
        "x-amz-glacier-version": API_VERSION, "x-amz-content-sha256": sha256_hex(body),
        "x-amz-sha256-tree-hash": tree_hash(body), "Expect": "100-continue"})
    return path, {k: v for k, v in headers.items() if k.lower() != "expect"}


def test_a_signed_upload_gets_100_continue_before_it_sends_its_body(tessera, glacier, vault):
    body = b"tessera-expect-continue" * 50_000
    path, headers = signed_archive_upload(tessera.endpoint, vault, body)
    request = RawRequest(tessera.endpoint, "POST", path, headers, body)
    try:
        assert request.first_answer() == b"HTTP/1.1 100 Continue"
        request.send_body()
        assert request.first_answer() == b"HTTP/1.1 201 Created"
        archive_id = next(line.split(":", 1)[1].strip() for line in request.last_head.splitlines()
                          if line.lower().startswith("x-amz-archive-id:"))
    finally:
        request.close()
    job = glacier.initiate_job(vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id})
    assert glacier.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read() == body


def test_a_refused_signature_is_answered_at_once_without_100(tessera, vault):
    body = b"x" * 1_000_000
    path, headers = signed_archive_upload(tessera.endpoint, vault, body, secret="not-the-secret")
    request = RawRequest(tessera.endpoint, "POST", path, headers, body)
    try:
        assert request.first_answer() == b"HTTP/1.1 403 Forbidden"
    finally:
        request.close()


def test_an_operation_refused_before_the_body_gets_no_100(tessera):
    body = b"y" * 1_000_000
    path, headers = signed_archive_upload(tessera.endpoint, "no-such-vault-expect", body)
    request = RawRequest(tessera.endpoint, "POST", path, headers, body)
    try:
        status = request.first_answer()
        assert status.startswith(b"HTTP/1.1 4"), status
        assert status != b"HTTP/1.1 100 Continue"
    finally:
        request.close()


def test_a_request_without_the_header_is_unchanged(tessera, glacier, vault):
    body = b"plain" * 1000
    archive = glacier.upload_archive(vaultName=vault, body=body)
    assert archive["archiveId"]
