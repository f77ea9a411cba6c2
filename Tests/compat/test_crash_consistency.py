"""Crash consistency under load: 32 uploads in flight — Glacier multipart parts into several uploads and EBS blocks
into several pending snapshots at once — when the server is SIGKILLed at a random moment, three times over, each
round continuing the same uploads as a retrying client would (docs/architecture.md#durability).

After every restart on the same data directory:
- Glacier: ListParts of every upload lists every part that was answered 204 before the kill, with the SHA-256 tree
  hash of the bytes sent for that range; any part listed (acknowledged or caught in flight) has the right hash.
- EBS: a pending snapshot cannot be read (404 until completed, docs/aws/ebs.md#reading), so each round also
  writes a snapshot of its own: after the restart its unacknowledged blocks are sent again, it is completed with
  the count and the LINEAR checksum of everything sent, and every block is read back and compared, bytes and
  checksum. The long-lived snapshots' blocks are checked at the end the same way; a block acknowledged in any
  round is never sent again, so one lost in round 1 is still missing then.
At the end every upload is finished, every Glacier upload completed with the tree hash of the whole archive and
two archives downloaded through jobs, and every block of every snapshot read back.

Counted: "acknowledged but lost" (a 2xx before the kill, missing afterwards) and "corrupt" (listed, completed or
read back with other bytes or another hash); both must be 0.

What a SIGKILL can and cannot show: the kernel keeps what the process had written (the page cache outlives the
process), so this finds an acknowledgement sent before the bytes or the record reached the kernel — a reply ahead
of a write, a write queued in user space, a commit not awaited — but not a missing fsync, which only a power
loss (or a block-device fault injector) reveals.

`TESSERA_CRASH_SEED` repeats a run (the seed is in every failure message).
"""

from __future__ import annotations

import http.client
import os
import queue
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlsplit

import pytest

from ebs_helpers import BLOCK_SIZE, b64_sha256, linear_checksum, list_blocks, read_block, start_snapshot
from glacier_helpers import (
    API_VERSION, MiB, content_range, initiate, part_ranges, retrieve_archive, sha256_hex, sigv4_headers, status_of,
    tree_hash, unique_name)
from tessera_server import TEST_ACCOUNTS, make_client

pytestmark = [pytest.mark.crash, pytest.mark.slow]
ONE = TEST_ACCOUNTS["one"]

ROUNDS = 3                     # kill -9 / restart cycles
GLACIER_THREADS = 16           # 16 + 16 = 32 requests in flight
EBS_THREADS = 16
UPLOADS = 5                    # Glacier multipart uploads, 1 MiB parts
ARCHIVE_SIZE = 15 * MiB + 4321  # 16 parts, the last one short
SNAPSHOTS = 4                  # long-lived pending snapshots
SNAPSHOT_BLOCKS = 24
ROUND_BLOCKS = 12              # blocks of each round's own snapshot
KILL_AFTER_BLOCKS = (0.03, 0.15)  # the kill comes once this share of the round's blocks is acknowledged (uniform)
KILL_AFTER_PARTS = 0.35           # or this share of its parts (they are acknowledged faster), and one of each;
                                  # every round still has more than 16 parts and 16 blocks to send


# -- what was sent and what came back ----------------------------------------------------

@dataclass
class Write:
    """One request of the load: a Glacier part or an EBS block, with the digest of the bytes sent."""
    kind: str                  # "part" or "block"
    target: str                # upload id or snapshot id
    key: str                   # "first-last" byte range or the block index
    method: str
    path: str
    body: bytes = field(repr=False)
    headers: dict = field(repr=False)
    digest: str                # tree hash (part) or base64 SHA-256 (block)
    service: str


@dataclass
class Round:
    number: int
    acknowledged: list[Write] = field(default_factory=list)
    unanswered: list[Write] = field(default_factory=list)   # in flight at the kill: outcome unknown
    refused: list[tuple[Write, int, bytes]] = field(default_factory=list)
    bad_echo: list[tuple[Write, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acked(self, kind: str) -> int:
        return sum(1 for w in self.acknowledged if w.kind == kind)


def compare(acknowledged: dict, sent: dict, found: dict) -> tuple[list, list, list]:
    """(lost, corrupt, caught in flight): keys acknowledged but not found; keys found with a digest other than the
    one sent (or never sent); keys found that were sent but not acknowledged (their digest right)."""
    lost = [k for k in acknowledged if k not in found]
    corrupt = [k for k, d in found.items() if sent.get(k) != d]
    caught = [k for k, d in found.items() if k not in acknowledged and sent.get(k) == d]
    return lost, corrupt, caught


def test_compare_counts_lost_and_corrupt_writes():
    """The accounting itself: a write acknowledged and missing is lost, one found with other bytes is corrupt."""
    sent = {"a": "1", "b": "2", "c": "3", "d": "4"}
    assert compare({"a": "1", "b": "2"}, sent, {"a": "1", "b": "2", "c": "3"}) == ([], [], ["c"])
    assert compare({"a": "1", "b": "2"}, sent, {"a": "1"}) == (["b"], [], [])
    assert compare({"a": "1", "b": "2"}, sent, {"a": "1", "b": "X", "e": "5"}) == ([], ["b", "e"], [])


# -- the load ---------------------------------------------------------------------------

class Sender(threading.Thread):
    """Takes writes from a queue and sends each, signed, on one keep-alive connection until the queue is empty
    or `stop` is set; records each as acknowledged (2xx with the digest echoed), unanswered or refused."""

    def __init__(self, endpoint: str, writes: "queue.Queue[Write]", rnd: Round, stop: threading.Event):
        super().__init__(daemon=True)
        self.endpoint, self.writes, self.rnd, self.stop = endpoint, writes, rnd, stop
        parts = urlsplit(endpoint)
        self.host, self.port = parts.hostname, parts.port
        self.conn: Optional[http.client.HTTPConnection] = None

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                write = self.writes.get_nowait()
            except queue.Empty:
                break
            try:
                status, headers, body = self.send(write)
            except (OSError, http.client.HTTPException):
                self.close()
                with self.rnd.lock:
                    self.rnd.unanswered.append(write)
                continue
            with self.rnd.lock:
                if status not in (201, 204):
                    self.rnd.refused.append((write, status, body[:300]))
                    continue
                echo = headers.get("x-amz-sha256-tree-hash" if write.kind == "part" else "x-amz-checksum")
                if echo != write.digest:
                    self.rnd.bad_echo.append((write, str(echo)))
                self.rnd.acknowledged.append(write)
        self.close()

    def send(self, write: Write):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        url = self.endpoint + write.path
        headers = sigv4_headers(write.method, url, ONE.access_key, ONE.secret_key, body=write.body,
                                headers=write.headers, service=write.service)
        self.conn.request(write.method, write.path, body=write.body, headers=headers)
        resp = self.conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def send_all(endpoint: str, parts: list[Write], blocks: list[Write], rnd: Round, *, kill=None,
             rng: Optional[random.Random] = None) -> None:
    """Send `parts` and `blocks` from 16 threads each; with `kill`, call it once a random share of the blocks (or
    a set share of the parts) is acknowledged, and one of each (the senders stop taking new writes a moment before)."""
    stop = threading.Event()
    senders = []
    for writes, threads in ((parts, GLACIER_THREADS), (blocks, EBS_THREADS)):
        q: "queue.Queue[Write]" = queue.Queue()
        for w in writes:
            q.put(w)
        senders += [Sender(endpoint, q, rnd, stop) for _ in range(threads)]
    for s in senders:
        s.start()
    if kill is not None:
        block_share = rng.uniform(*KILL_AFTER_BLOCKS)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with rnd.lock:
                acked_parts, acked_blocks = rnd.acked("part"), rnd.acked("block")
            if acked_parts and acked_blocks and (acked_blocks >= block_share * len(blocks)
                                                 or acked_parts >= KILL_AFTER_PARTS * len(parts)):
                break
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.03))  # somewhere inside the next requests
        stop.set()
        kill()
    for s in senders:
        s.join(90)
        assert not s.is_alive(), "a sender is stuck"


def glacier_writes(vault: str, upload_id: str, data: bytes) -> list[Write]:
    writes = []
    for first, last in part_ranges(len(data), MiB):
        body = data[first:last + 1]
        writes.append(Write(
            "part", upload_id, f"{first}-{last}", "PUT", f"/-/vaults/{vault}/multipart-uploads/{upload_id}", body,
            {"x-amz-glacier-version": API_VERSION, "Content-Range": content_range(first, last),
             "x-amz-content-sha256": sha256_hex(body), "x-amz-sha256-tree-hash": tree_hash(body)},
            tree_hash(body), "glacier"))
    return writes


def ebs_writes(snapshot: str, blocks: dict[int, bytes]) -> list[Write]:
    return [Write("block", snapshot, str(i), "PUT", f"/snapshots/{snapshot}/blocks/{i}", data,
                  {"x-amz-Data-Length": str(BLOCK_SIZE), "x-amz-Checksum": b64_sha256(data),
                   "x-amz-Checksum-Algorithm": "SHA256", "Content-Type": "application/octet-stream",
                   "x-amz-content-sha256": "UNSIGNED-PAYLOAD"},
                  b64_sha256(data), "ebs")
            for i, data in blocks.items()]


# -- checks -----------------------------------------------------------------------------

def listed_parts(glacier, vault: str, upload_id: str) -> dict[str, str]:
    """Every part ListParts shows (following Marker): range -> tree hash."""
    parts, kwargs = {}, {"vaultName": vault, "uploadId": upload_id}
    for _ in range(100):
        resp = glacier.list_parts(**kwargs)
        parts.update({p["RangeInBytes"]: p["SHA256TreeHash"] for p in resp["Parts"]})
        if not resp.get("Marker"):
            return parts
        kwargs["marker"] = resp["Marker"]
    pytest.fail(f"ListParts of {upload_id} does not end")


class Tally:
    """Lost and corrupt writes, each counted once however many checks see it (label of the first)."""

    def __init__(self, seed: int):
        self.seed = seed
        self.lost: dict[str, str] = {}
        self.corrupt: dict[str, str] = {}
        self.lines: list[str] = []

    def add(self, which: dict, key: str, label: str, text: str) -> None:
        which.setdefault(key, f"{label}: {text}")

    def note(self, line: str) -> None:
        self.lines.append(line)

    def report(self) -> str:
        return (f"seed {self.seed}: acknowledged but lost {len(self.lost)}, corrupt {len(self.corrupt)}\n"
                + "\n".join(self.lines + [f"lost: {x}" for x in list(self.lost.values())[:20]]
                            + [f"corrupt: {x}" for x in list(self.corrupt.values())[:20]]))


def check_parts(glacier, vault: str, uploads: dict[str, list[Write]], acked: dict[str, dict], tally: Tally,
                label: str) -> int:
    """ListParts of every upload against what was acknowledged; returns how many parts caught in flight are listed."""
    caught_total = 0
    for upload_id, writes in uploads.items():
        sent = {w.key: w.digest for w in writes}
        lost, corrupt, caught = compare(acked[upload_id], sent, listed_parts(glacier, vault, upload_id))
        for k in lost:
            tally.add(tally.lost, f"{upload_id} {k}", label, f"part {k} of upload {upload_id[:12]}… not listed")
        for k in corrupt:
            tally.add(tally.corrupt, f"{upload_id} {k}", label, f"part {k} of upload {upload_id[:12]}… listed with another hash")
        caught_total += len(caught)
    return caught_total


def finish_snapshot(ebs, ec2, snapshot: str, blocks: dict[int, bytes], tally: Tally, label: str) -> None:
    """Complete with the count and LINEAR checksum of every block sent, then read every block back."""
    resp = ebs.complete_snapshot(SnapshotId=snapshot, ChangedBlocksCount=len(blocks), Checksum=linear_checksum(blocks),
                                 ChecksumAlgorithm="SHA256", ChecksumAggregationMethod="LINEAR")
    if resp["Status"] != "completed":
        (described,) = ec2.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"]
        message = described.get("StateMessage", "")
        tally.note(f"{label}: snapshot {snapshot} completed as {resp['Status']}: {message}")
        written = [int(w) for w in re.findall(r"(\d+) blocks were written", message)]
        if written and written[0] < len(blocks):  # which ones cannot be listed: an errored snapshot is unreadable
            for n in range(len(blocks) - written[0]):
                tally.add(tally.lost, f"{snapshot} #{n}", label, f"{snapshot}: a block (count {written[0]} of {len(blocks)})")
        else:
            tally.add(tally.corrupt, snapshot, label, f"{snapshot}: {message or resp['Status']}")
        return
    tokens = list_blocks(ebs, snapshot)
    lost, corrupt, _ = compare({str(i): 1 for i in blocks}, {str(i): 1 for i in blocks}, {str(i): 1 for i in tokens})
    for k in lost:
        tally.add(tally.lost, f"{snapshot} {k}", label, f"{snapshot} block {k} not listed")
    for k in corrupt:
        tally.add(tally.corrupt, f"{snapshot} {k}", label, f"{snapshot} block {k} listed but never sent")

    def read(i):
        try:
            return i, read_block(ebs, snapshot, i, tokens[i])  # also checks the Checksum header against the bytes
        except Exception as exc:  # noqa: BLE001 - a failed read (or a wrong Checksum header) counts as corrupt
            return i, exc
    with ThreadPoolExecutor(8) as pool:
        for i, got in pool.map(read, [i for i in blocks if i in tokens]):
            if not isinstance(got, bytes) or got != blocks[i]:
                tally.add(tally.corrupt, f"{snapshot} {i}", label, f"{snapshot} block {i} read back wrong: "
                          f"{str(got)[:200] if not isinstance(got, bytes) else 'other bytes'}")


def remember(rnd: Round, acked_parts: dict, acked_blocks: dict) -> None:
    """Note the round's acknowledged parts (range -> tree hash) and long-lived snapshots' blocks (indexes)."""
    for w in rnd.acknowledged:
        if w.kind == "part":
            acked_parts[w.target][w.key] = w.digest
        elif w.target in acked_blocks:
            acked_blocks[w.target].add(int(w.key))


# -- the test ---------------------------------------------------------------------------

def test_kill_9_under_32_concurrent_uploads_loses_no_acknowledged_write(server_factory):
    seed = int(os.environ.get("TESSERA_CRASH_SEED", random.SystemRandom().randrange(1 << 30)))
    rng = random.Random(seed)
    tally = Tally(seed)
    server = server_factory("tessera-crash-consistency").start()
    glacier = make_client(server.endpoint, ONE)
    ebs, ec2 = make_client(server.endpoint, ONE, "ebs"), make_client(server.endpoint, ONE, "ec2")

    vault = unique_name("crash-load")
    glacier.create_vault(vaultName=vault)
    archives: dict[str, bytes] = {}
    part_writes: dict[str, list[Write]] = {}
    for n in range(UPLOADS):
        data = rng.randbytes(ARCHIVE_SIZE)
        up = initiate(glacier, vault, MiB, description=f"crash load {n}")
        archives[up.upload_id] = data
        part_writes[up.upload_id] = glacier_writes(vault, up.upload_id, data)
    snapshots: dict[str, dict[int, bytes]] = {}
    for _ in range(SNAPSHOTS):
        snap = start_snapshot(ebs, 1)["SnapshotId"]
        snapshots[snap] = {i: rng.randbytes(BLOCK_SIZE) for i in sorted(rng.sample(range(2048), SNAPSHOT_BLOCKS))}
    block_writes = {snap: ebs_writes(snap, blocks) for snap, blocks in snapshots.items()}

    acked_parts = {u: {} for u in part_writes}      # upload -> {range: tree hash}
    acked_blocks = {s: set() for s in snapshots}     # snapshot -> indexes acknowledged
    started = time.monotonic()

    for number in range(1, ROUNDS + 1):
        rnd = Round(number)
        # This round's own snapshot goes first in the EBS queue, so some of its blocks are in flight at the kill.
        own = start_snapshot(ebs, 1)["SnapshotId"]
        own_blocks = {i: rng.randbytes(BLOCK_SIZE) for i in sorted(rng.sample(range(2048), ROUND_BLOCKS))}
        parts = [w for ws in part_writes.values() for w in ws if w.key not in acked_parts[w.target]]
        pending = [w for ws in block_writes.values() for w in ws if int(w.key) not in acked_blocks[w.target]]
        rng.shuffle(pending)
        rng.shuffle(parts)
        blocks = ebs_writes(own, own_blocks) + pending
        send_all(server.endpoint, parts, blocks, rnd, kill=server.kill, rng=rng)
        assert not server.running
        assert not rnd.refused, f"round {number}: refused writes: {[(w.key, s, b) for w, s, b in rnd.refused][:5]}"
        assert not rnd.bad_echo, f"round {number}: 2xx with a wrong checksum echo: {rnd.bad_echo[:5]}"
        remember(rnd, acked_parts, acked_blocks)
        own_acked = {int(w.key) for w in rnd.acknowledged if w.target == own}

        server.start()  # same data directory, new port
        glacier = make_client(server.endpoint, ONE)
        ebs, ec2 = make_client(server.endpoint, ONE, "ebs"), make_client(server.endpoint, ONE, "ec2")
        caught = check_parts(glacier, vault, part_writes, acked_parts, tally, f"round {number}")
        # The round's snapshot: what was not acknowledged is sent again (a retry), then completed and read back.
        retry = Round(number)
        send_all(server.endpoint, [], [w for w in ebs_writes(own, own_blocks) if int(w.key) not in own_acked], retry)
        assert not retry.refused and not retry.unanswered, (retry.refused[:3], retry.unanswered[:3])
        finish_snapshot(ebs, ec2, own, own_blocks, tally, f"round {number}")
        tally.note(f"round {number}: acknowledged {rnd.acked('part')} parts and {rnd.acked('block')} blocks "
                   f"({len(own_acked)} of the round's snapshot) before the kill, {len(rnd.unanswered)} in flight "
                   f"unanswered, {caught} parts caught in flight listed; {time.monotonic() - started:.1f} s")
        assert rnd.acked("part") and rnd.acked("block") and rnd.unanswered, tally.report()

    # Finish: every write not acknowledged yet, as a client would resume, with no kill.
    rest = Round(ROUNDS + 1)
    send_all(server.endpoint,
             [w for ws in part_writes.values() for w in ws if w.key not in acked_parts[w.target]],
             [w for ws in block_writes.values() for w in ws if int(w.key) not in acked_blocks[w.target]], rest)
    assert not rest.refused and not rest.unanswered and not rest.bad_echo, (rest.refused[:3], rest.unanswered[:3])
    remember(rest, acked_parts, acked_blocks)
    check_parts(glacier, vault, part_writes, acked_parts, tally, "before completion")

    archive_ids = {}
    for upload_id, data in archives.items():
        try:
            resp = glacier.complete_multipart_upload(vaultName=vault, uploadId=upload_id, archiveSize=str(len(data)),
                                                     checksum=tree_hash(data))
            assert status_of(resp) == 201 and resp["checksum"] == tree_hash(data), resp
            archive_ids[upload_id] = resp["archiveId"]
        except Exception as exc:  # noqa: BLE001 - a part missing or wrong makes the completion fail
            if any(k.startswith(upload_id) for k in tally.lost):  # already counted as lost parts
                tally.note(f"end: completion of upload {upload_id[:12]}… failed: {str(exc)[:300]}")
            else:
                tally.add(tally.corrupt, upload_id, "end", f"completion of upload {upload_id[:12]}…: {str(exc)[:300]}")
    for upload_id in list(archive_ids)[:2]:  # two archives downloaded whole through jobs
        try:
            _, out, body = retrieve_archive(glacier, vault, archive_ids[upload_id])
        except Exception as exc:  # noqa: BLE001 - a blob that fails its digest ends the download early
            tally.add(tally.corrupt, upload_id, "end", f"archive of upload {upload_id[:12]}… could not be downloaded: {str(exc)[:200]}")
            continue
        if body != archives[upload_id] or out["checksum"] != tree_hash(archives[upload_id]):
            tally.add(tally.corrupt, upload_id, "end", f"archive of upload {upload_id[:12]}… downloaded with other "
                      f"bytes ({len(body)} bytes, tree hash {out['checksum']})")
    for snap, blocks in snapshots.items():
        finish_snapshot(ebs, ec2, snap, blocks, tally, "end")

    tally.note(f"total {time.monotonic() - started:.1f} s")
    print(tally.report())
    assert not tally.lost and not tally.corrupt, tally.report()
