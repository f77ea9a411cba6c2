"""A client that stalls in the middle of an upload: the server closes its connection after --idle-timeout,
throws the staged bytes away and stores nothing; other clients are served throughout."""

import base64
import hashlib
import os
import socket
import subprocess
import time
import urllib.parse

from glacier_helpers import API_VERSION, MiB, initiate, random_bytes, sha256_hex, sigv4_headers, tree_hash, unique_name
from tessera_server import TEST_ACCOUNTS, make_client

ONE = TEST_ACCOUNTS["one"]


def open_stalled_request(endpoint, method, path, headers, body_sent, content_length, service):
    """Sends a signed request's head and the first `body_sent` bytes of a `content_length` body, then
    nothing more; returns the socket."""
    url = endpoint + path
    signed = sigv4_headers(method, url, ONE.access_key, ONE.secret_key,
                           headers={"x-amz-content-sha256": "UNSIGNED-PAYLOAD", **headers}, service=service)
    netloc = urllib.parse.urlsplit(endpoint).netloc
    host, port = netloc.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=30)
    head = [f"{method} {path} HTTP/1.1", f"Host: {netloc}", f"Content-Length: {content_length}"]
    head += [f"{name}: {value}" for name, value in signed.items()]
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + os.urandom(body_sent))
    return sock


def wait_for_close(sock, limit=30):
    """Seconds until the server closed the connection (reads return EOF); fails after `limit`."""
    start = time.monotonic()
    sock.settimeout(limit)
    received = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return time.monotonic() - start, received
        received += chunk


def staged_files(server):
    staging = server.data_dir / "blobs" / "staging"
    return sorted(os.listdir(staging)) if staging.exists() else []


def test_a_stalled_part_upload_is_dropped_and_stores_nothing(server_factory):
    server = server_factory("tessera-idle", extra_args=["--idle-timeout", "1"]).start()
    glacier = make_client(server.endpoint, ONE)
    vault = unique_name("idle")
    glacier.create_vault(vaultName=vault)
    upload = initiate(glacier, vault, part_size=4 * MiB)
    part = random_bytes(4 * MiB)
    path = f"/-/vaults/{vault}/multipart-uploads/{upload.upload_id}"
    sock = open_stalled_request(server.endpoint, "PUT", path, {
        "x-amz-glacier-version": API_VERSION, "Content-Range": f"bytes 0-{4 * MiB - 1}/*",
        "x-amz-sha256-tree-hash": tree_hash(part), "x-amz-content-sha256": sha256_hex(part)},
        body_sent=2 * MiB, content_length=4 * MiB, service="glacier")
    try:
        # A client that keeps sending is served while the other one stalls.
        other = make_client(server.endpoint, ONE)
        assert other.describe_vault(vaultName=vault)["VaultName"] == vault
        seconds, answer = wait_for_close(sock)
    finally:
        sock.close()
    assert seconds < 30, "the stalled connection was closed"
    assert answer == b"", "closed without an answer: the part was not acknowledged"
    assert glacier.list_parts(vaultName=vault, uploadId=upload.upload_id)["Parts"] == [], "nothing was stored"
    deadline = time.monotonic() + 10
    while staged_files(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert staged_files(server) == [], "the staged half part was thrown away"
    # The same part sent whole afterwards is taken.
    glacier.upload_multipart_part(vaultName=vault, uploadId=upload.upload_id, range=f"bytes 0-{4 * MiB - 1}/*",
                                  checksum=tree_hash(part), body=part)
    assert [p["RangeInBytes"] for p in glacier.list_parts(vaultName=vault, uploadId=upload.upload_id)["Parts"]] \
        == [f"0-{4 * MiB - 1}"]


def test_a_stalled_block_is_dropped_and_the_snapshot_takes_it_later(server_factory):
    server = server_factory("tessera-idle-ebs", extra_args=["--idle-timeout", "1"]).start()
    ebs = make_client(server.endpoint, ONE, service="ebs")
    snap = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    block = os.urandom(524288)
    checksum = base64.b64encode(hashlib.sha256(block).digest()).decode()
    sock = open_stalled_request(server.endpoint, "PUT", f"/snapshots/{snap}/blocks/0", {
        "x-amz-Data-Length": "524288", "x-amz-Checksum": checksum, "x-amz-Checksum-Algorithm": "SHA256"},
        body_sent=100_000, content_length=524288, service="ebs")
    try:
        seconds, answer = wait_for_close(sock)
    finally:
        sock.close()
    assert seconds < 30
    assert answer == b""
    ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=1, BlockData=block, DataLength=524288,
                           Checksum=checksum, ChecksumAlgorithm="SHA256")
    # Only the block sent whole counts: completing with one block succeeds.
    assert ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=1)["Status"] == "completed"
    assert [b["BlockIndex"] for b in ebs.list_snapshot_blocks(SnapshotId=snap)["Blocks"]] == [1]


def test_the_idle_timeout_must_be_positive(server_factory):
    server = server_factory("tessera-idle-bad", extra_args=["--idle-timeout", "0"])
    done = subprocess.run(server.command(), capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "--idle-timeout must be more than 0" in done.stderr
