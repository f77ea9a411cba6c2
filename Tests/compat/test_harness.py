"""Checks of the harness itself; these need no server."""

import hashlib
import os
import signal
import sys
import textwrap

import pytest

from glacier_helpers import (
    MiB, botocore_tree_hash, is_tree_hash_aligned, part_ranges, random_bytes, tree_hash,
    tree_hash_of_parts)
from tessera_server import (
    Account, TesseraServer, TesseraServerError, default_binary, write_credentials)

# The test vectors of docs/aws/glacier.md#tree-hash.
VECTOR_QUARTER_MIB = "6faefade5a638cd3545d638dd5754763658e32209e69420cb559b7650d4bf93a"
VECTOR_2_5_MIB = "86118ad0c187fd240db59a37360e0e7f8a3a0c608eed740b4cd7b4271ab45171"


@pytest.mark.parametrize("impl", [tree_hash, botocore_tree_hash])
def test_tree_hash_vectors(impl):
    assert impl(b"0" * (MiB // 4)) == VECTOR_QUARTER_MIB
    assert impl(b"0" * (5 * MiB // 2)) == VECTOR_2_5_MIB


def test_tree_hash_of_empty_payload_is_sha256_of_nothing():
    assert tree_hash(b"") == hashlib.sha256(b"").hexdigest()
    assert botocore_tree_hash(b"") == hashlib.sha256(b"").hexdigest()


def test_tree_hash_of_one_chunk_is_plain_sha256():
    data = random_bytes(MiB, seed=1)
    assert tree_hash(data) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("size", [1, MiB - 1, MiB + 1, 3 * MiB, 5 * MiB + 7, 8 * MiB])
def test_tree_hash_matches_botocore(size):
    data = random_bytes(size, seed=size)
    assert tree_hash(data) == botocore_tree_hash(data)


@pytest.mark.parametrize("part_mib", [1, 2, 4, 8])
def test_archive_hash_is_tree_of_part_hashes_for_power_of_two_parts(part_mib):
    data = random_bytes(9 * MiB + 12345, seed=part_mib)
    parts = [tree_hash(data[a:b + 1]) for a, b in part_ranges(len(data), part_mib * MiB)]
    assert tree_hash_of_parts(parts) == tree_hash(data)


def test_archive_hash_is_not_tree_of_part_hashes_for_3_mib_parts():
    data = random_bytes(7 * MiB, seed=3)
    parts = [tree_hash(data[a:b + 1]) for a, b in part_ranges(len(data), 3 * MiB)]
    assert tree_hash_of_parts(parts) != tree_hash(data)


@pytest.mark.parametrize("first,last,size,aligned", [
    (0, 6 * MiB - 1, 6 * MiB, True),           # whole archive
    (0, 5 * MiB + 99, 5 * MiB + 100, True),    # whole archive, ragged tail
    (MiB, 2 * MiB - 1, 5 * MiB, True),         # one leaf
    (2 * MiB, 4 * MiB - 1, 6 * MiB, True),     # a level-1 node
    (4 * MiB, 5 * MiB + 99, 5 * MiB + 100, True),  # last node, promoted shape
    (MiB, 3 * MiB - 1, 6 * MiB, False),        # MiB aligned but not a node
    (0, 3 * MiB - 1, 6 * MiB, False),
    (100, MiB - 1, 6 * MiB, False),
    (0, 99, 6 * MiB, False),
])
def test_tree_hash_alignment(first, last, size, aligned):
    assert is_tree_hash_aligned(first, last, size) is aligned


def test_aligned_range_hash_is_a_node_of_the_archive_tree():
    data = random_bytes(6 * MiB, seed=6)
    leaves = [hashlib.sha256(data[i:i + MiB]).digest() for i in range(0, len(data), MiB)]
    node = hashlib.sha256(leaves[2] + leaves[3]).hexdigest()
    assert tree_hash(data[2 * MiB:4 * MiB]) == node


def test_credentials_file_format(tmp_path):
    path = write_credentials(tmp_path / "creds", [Account("AK1", "s/1", "111111111111"),
                                                  Account("AK2", "s2", "222222222222")])
    rows = [ln.split() for ln in path.read_text().splitlines() if not ln.startswith("#")]
    assert rows == [["AK1", "s/1", "111111111111"], ["AK2", "s2", "222222222222"]]


def test_default_binary_honours_env(monkeypatch):
    monkeypatch.setenv("TESSERA_BIN", "/opt/x/tessera")
    assert str(default_binary()) == "/opt/x/tessera"
    monkeypatch.delenv("TESSERA_BIN")
    assert default_binary().parts[-3:] == (".build", "debug", "tessera")


def _fake_server(tmp_path, body: str) -> TesseraServer:
    script = tmp_path / "fake-tessera"
    script.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    script.chmod(0o755)
    creds = write_credentials(tmp_path / "creds", [Account("AK", "s", "111111111111")])
    return TesseraServer(tmp_path / "data", creds, log_dir=tmp_path, binary=script,
                         startup_timeout=5)


def test_harness_starts_reads_port_and_stops_with_sigterm(tmp_path):
    server = _fake_server(tmp_path, """
        import http.server, sys, threading
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200 if self.path == "/health" else 404); self.end_headers()
            def log_message(self, *a): pass
        srv = http.server.HTTPServer(("127.0.0.1", 0), H)
        print("some log line", file=sys.stderr, flush=True)
        print(f"listening on http://127.0.0.1:{srv.server_port}", flush=True)
        srv.serve_forever()
    """)
    with server:
        assert server.running and server.port > 0
        assert server.endpoint == f"http://127.0.0.1:{server.port}"
        assert "serve" in server.command() and "--port" in server.command()
    assert not server.running
    assert server.proc.returncode == -signal.SIGTERM


def test_harness_reports_early_exit_with_log(tmp_path):
    server = _fake_server(tmp_path, """
        import sys
        print("boom: cannot open data dir", file=sys.stderr)
        sys.exit(3)
    """)
    with pytest.raises(TesseraServerError, match="boom: cannot open data dir"):
        server.start()
    assert not server.running


def test_harness_kills_a_server_that_ignores_sigterm(tmp_path):
    server = _fake_server(tmp_path, """
        import http.server, signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200); self.end_headers()
            def log_message(self, *a): pass
        srv = http.server.HTTPServer(("127.0.0.1", 0), H)
        print(f"listening on http://127.0.0.1:{srv.server_port}", flush=True)
        srv.serve_forever()
    """)
    server.start()
    assert server.stop(timeout=1.0) == -signal.SIGKILL
    assert os.path.exists(server.log_file)
