"""`tessera ebs …`, the client commands, against a live server: a sparse image uploads only its blocks with
data and downloads sparse and byte-exact; an incremental upload sends only the changed block (with the local
manifest) or every block with data (without); `kill -9` and a rerun resend no acknowledged block; diff lists
the changed blocks. Bytes on the wire are counted by a proxy."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess

import pytest

from client_helpers import journal_entries, journals, one_line_failure, run_client, run_json, wait_for_journal
from counting_proxy import CountingProxy
from tessera_server import default_binary

BLOCK = 512 << 10
GiB = 1 << 30
REQUEST_OVERHEAD = 8 << 10


@pytest.fixture
def proxy(tessera):
    counting = CountingProxy("127.0.0.1", tessera.port)
    yield counting
    counting.close()


def make_image(path, size: int, data_blocks: list[int], zero_blocks: list[int]) -> dict[int, bytes]:
    """A sparse image: random data at `data_blocks`, explicit zeros written at `zero_blocks`, holes elsewhere."""
    contents = {}
    with open(path, "wb") as f:
        f.truncate(size)
        for index in data_blocks:
            contents[index] = os.urandom(BLOCK)
            f.seek(index * BLOCK)
            f.write(contents[index])
        for index in zero_blocks:
            f.seek(index * BLOCK)
            f.write(bytes(BLOCK))
    return contents


def test_sparse_image_sends_only_blocks_with_data_and_downloads_sparse(tessera, env, proxy, tmp_path):
    image = tmp_path / "disk.img"
    data_blocks = list(range(0, 2048, 32))          # 64 blocks of data
    zero_blocks = list(range(16, 2048, 32))         # 64 blocks of explicit zeros
    make_image(image, GiB, data_blocks, zero_blocks)
    result = run_json(["ebs", "upload", str(image), "--wait", "--endpoint-url", proxy.endpoint], env)
    sent, _ = proxy.counts()
    assert result["status"] == "completed" and result["volumeSize"] == 1
    assert result["blocksSent"] == len(data_blocks) and result["blocksWritten"] == len(data_blocks)
    assert len(data_blocks) * BLOCK <= sent <= len(data_blocks) * (BLOCK + REQUEST_OVERHEAD) + 16 * REQUEST_OVERHEAD

    out = tmp_path / "back.img"
    proxy.reset()
    back = run_json(["ebs", "download", result["snapshotId"], str(out), "--endpoint-url", proxy.endpoint], env)
    _, received = proxy.counts()
    assert back["blocks"] == len(data_blocks)
    assert len(data_blocks) * BLOCK <= received <= len(data_blocks) * (BLOCK + REQUEST_OVERHEAD) + 64 * REQUEST_OVERHEAD
    assert out.stat().st_size == GiB
    assert out.stat().st_blocks * 512 <= 2 * len(data_blocks) * BLOCK, "zeros stay holes"
    with open(image, "rb") as a, open(out, "rb") as b:
        while True:
            left, right = a.read(8 << 20), b.read(8 << 20)
            assert left == right
            if not left:
                break


def test_short_last_block_is_padded(tessera, env, tmp_path):
    image = tmp_path / "odd.img"
    data = os.urandom(3 * BLOCK + 1000)
    image.write_bytes(data)
    result = run_json(["ebs", "upload", str(image), "--endpoint-url", tessera.endpoint], env)
    assert result["blocksWritten"] == 4
    out = tmp_path / "odd.back"
    run_json(["ebs", "download", result["snapshotId"], str(out), "--endpoint-url", tessera.endpoint], env)
    back = out.read_bytes()
    assert back[:len(data)] == data and back[len(data):4 * BLOCK] == bytes(4 * BLOCK - len(data))
    assert len(back) == GiB


def test_incremental_upload_sends_about_one_block(tessera, env, state, proxy, tmp_path):
    image = tmp_path / "base.img"
    make_image(image, 64 << 20, list(range(0, 128, 2)), [])
    endpoint = ["--endpoint-url", proxy.endpoint]
    parent = run_json(["ebs", "upload", str(image), *endpoint], env)["snapshotId"]
    with open(image, "r+b") as f:     # change one block with data, clear another
        f.seek(10 * BLOCK)
        f.write(os.urandom(BLOCK))
        f.seek(20 * BLOCK)
        f.write(bytes(BLOCK))
    proxy.reset()
    child = run_json(["ebs", "upload", str(image), "--parent", parent, *endpoint], env)
    sent, _ = proxy.counts()
    assert child["parentManifestUsed"] is True and child["blocksSent"] == 2
    assert 2 * BLOCK <= sent <= 2 * BLOCK + 8 * REQUEST_OVERHEAD

    diff = run_json(["ebs", "diff", parent, child["snapshotId"], *endpoint], env)
    assert [b["index"] for b in diff["changedBlocks"]] == [10, 20]
    text = run_client(["ebs", "diff", parent, child["snapshotId"], *endpoint], env).stdout.decode()
    assert text.splitlines() == ["10\tchanged", "20\tchanged"]

    out = tmp_path / "child.img"
    run_json(["ebs", "download", child["snapshotId"], str(out), *endpoint], env)
    assert out.read_bytes()[:64 << 20] == image.read_bytes()

    # Without the parent's manifest every block with data goes, and zeros where the parent had data.
    shutil.rmtree(state / "tessera" / "ebs-manifests")
    with open(image, "r+b") as f:
        f.seek(30 * BLOCK)
        f.write(bytes(BLOCK))
    blind = run_json(["ebs", "upload", str(image), "--parent", child["snapshotId"], *endpoint], env)
    assert blind["parentManifestUsed"] is False
    with_data = 64 - 2  # blocks 20 and 30 are zero now
    assert blind["blocksSent"] == with_data + 2
    out2 = tmp_path / "blind.img"
    run_json(["ebs", "download", blind["snapshotId"], str(out2), *endpoint], env)
    assert out2.read_bytes()[:64 << 20] == image.read_bytes()


def test_upload_killed_and_rerun_resends_no_acknowledged_block(tessera, env, state, tmp_path):
    image = tmp_path / "kill.img"
    blocks = 96
    make_image(image, blocks * BLOCK, list(range(blocks)), [])
    proxy = CountingProxy("127.0.0.1", tessera.port, rate=8 << 20)
    try:
        args = ["ebs", "upload", str(image), "--concurrency", "4", "--endpoint-url", proxy.endpoint, "--json"]
        proc = subprocess.Popen([str(default_binary()), *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        wait_for_journal(state, 16, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proxy.settle()
        recorded = journal_entries(journals(state)[0])
        snapshot = json.loads(journals(state)[0].read_text().splitlines()[0])["session"]
        assert recorded < blocks
        proxy.reset()
        proxy.rate = None
        result = run_json(args[:-1], env)
        sent, _ = proxy.counts()
        assert result["resumed"] is True and result["snapshotId"] == snapshot
        assert result["blocksWritten"] == blocks
        assert result["blocksSent"] == blocks - recorded
        assert sent <= (blocks - recorded) * (BLOCK + REQUEST_OVERHEAD) + 4 * REQUEST_OVERHEAD, (
            f"the rerun sent {sent} bytes for {blocks - recorded} unacknowledged blocks")
        out = tmp_path / "kill.back"
        run_json(["ebs", "download", snapshot, str(out), "--endpoint-url", tessera.endpoint], env)
        assert out.read_bytes()[:blocks * BLOCK] == image.read_bytes()
    finally:
        proxy.close()


def test_download_killed_and_rerun_fetches_only_the_rest(tessera, env, state, tmp_path):
    image = tmp_path / "src.img"
    blocks = 80
    make_image(image, blocks * BLOCK, list(range(blocks)), [])
    snapshot = run_json(["ebs", "upload", str(image), "--endpoint-url", tessera.endpoint], env)["snapshotId"]
    proxy = CountingProxy("127.0.0.1", tessera.port, rate=8 << 20)
    out = tmp_path / "dst.img"
    try:
        args = ["ebs", "download", snapshot, str(out), "--concurrency", "4", "--endpoint-url", proxy.endpoint, "--json"]
        proc = subprocess.Popen([str(default_binary()), *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        wait_for_journal(state, 16, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proxy.settle()
        recorded = journal_entries(journals(state)[0])
        proxy.reset()
        proxy.rate = None
        result = run_json(args[:-1], env)
        _, received = proxy.counts()
        assert result["resumed"] is True and result["blocksFetched"] == blocks - recorded
        assert received <= (blocks - recorded) * (BLOCK + REQUEST_OVERHEAD) + 64 * REQUEST_OVERHEAD
        assert out.read_bytes()[:blocks * BLOCK] == image.read_bytes()
    finally:
        proxy.close()


def test_ebs_errors_are_one_line(tessera, env, tmp_path):
    endpoint = ["--endpoint-url", tessera.endpoint]
    line = one_line_failure(run_client(["ebs", "download", "snap-0123456789abcdef0", str(tmp_path / "x"), *endpoint],
                                       env, check=False))
    assert "snap-0123456789abcdef0" in line or "ResourceNotFound" in line or "ValidationException" in line
    line = one_line_failure(run_client(["ebs", "upload", str(tmp_path / "none.img"), *endpoint], env, check=False))
    assert "cannot open" in line
    empty = tmp_path / "empty.img"
    empty.write_bytes(b"")
    line = one_line_failure(run_client(["ebs", "upload", str(empty), *endpoint], env, check=False))
    assert "empty" in line
