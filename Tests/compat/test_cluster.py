"""Two `tessera serve` nodes sharing one PostgreSQL schema and one S3 key prefix (docs/postgresql.md,
docs/s3-blobs.md), driven through boto3 with one client per node, so every step names the node it runs on.

- Glacier: a multipart upload initiated on A, its parts sent to A and B in turn, completed on B; both nodes list
  the same parts and uploads; a retrieval job started on A is read on B, byte for byte.
- EBS: a snapshot started on A, its blocks put on A and B in turn, completed on B; the block tokens A lists are
  accepted by B (the block-token key is shared through the database) and the reverse.
- ECR: a layer upload initiated on B, its parts sent to A and B, completed on B, the image put on A and read on
  B; a download URL that A signed is served by B, and a registry password from A's GetAuthorizationToken opens
  B's `/v2` (the registry-token key is shared too).
- A node killed (`kill -9`) under four threads of UploadArchive: each thread sends what was in flight to B; after A
  restarts, every acknowledged archive reads back byte-identical from both nodes, the vault counts exactly what
  the inventory lists, nothing the inventory lists was never sent, and a sweep removes what the dead node left
  under `staging/`.
- Sweeps on both nodes at once racing an upload (on B) of content whose blob was just deleted (on A) and is past
  `--gc-grace`: the upload's archive stays readable and its blob stays in the bucket, round after round; at the end,
  with every record gone, the sweeps leave nothing under `blobs/` or `staging/`, and count each blob they delete once.
- A sweep on A while B is still receiving a body over 8 MiB (a multipart staging upload in the bucket, older than
  the grace): B's upload must still be stored.

Skipped unless TESSERA_TEST_POSTGRES_URL and TESSERA_TEST_S3_ENDPOINT (with the TESSERA_S3_* keys) are set; each
cluster gets its own schema and prefix (cluster_helpers.py), dropped and emptied afterwards.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests
from botocore.exceptions import BotoCoreError, ClientError

from cluster_helpers import Cluster, missing_settings, sweep
from ebs_helpers import (
    b64_sha256, complete_snapshot, linear_checksum, list_blocks, put_block, random_block, read_block,
    start_snapshot, zero_block)
from ecr_helpers import (
    DOCKER_CONFIG, DOCKER_LAYER, DOCKER_MANIFEST, MIN_PART, Blob, compact, config_blob, docker_manifest,
    download_url, get_manifest, manifest_digest, random_layer, repository_name, sha256_digest, upload_layer)
from ecr_helpers import complete as complete_layer
from ecr_helpers import initiate as initiate_layer
from ecr_helpers import upload_part as upload_layer_part
from glacier_helpers import (
    API_VERSION, MiB, complete, initiate, part_ranges, random_bytes, retrieve_archive, sigv4_headers, status_of,
    tree_hash, unique_name, upload_archive, upload_part, wait_for_job)
from oci_helpers import basic, describe, registry_password
from tessera_server import TEST_ACCOUNTS

MISSING = missing_settings()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(MISSING), reason=(
        f"a cluster needs PostgreSQL and an S3 store: set {', '.join(MISSING)} "
        "(.ci/run starts both; scripts/radosgw starts a radosgw)")),
]

ONE = TEST_ACCOUNTS["one"]
# Only the sweeps the tests ask for run: the periodic one waits an hour, and an on-demand sweep's grace is
# min(--gc-grace, 60 s), so 1 s here.
SWEEP_ON_DEMAND = ["--gc-interval", "3600", "--gc-grace", "1"]
GRACE = 1.0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Nodes A and B for the Glacier, EBS and ECR tests; stopped, their schema dropped and prefix emptied."""
    cluster = Cluster(tmp_path_factory.mktemp("cluster"), "cluster")
    cluster.start()
    yield cluster
    codes = cluster.stop()
    cluster.cleanup()
    assert codes == [0, 0], f"the nodes' exit codes on SIGTERM: {codes}"


@pytest.fixture
def make_cluster(tmp_path):
    """make_cluster(name, extra_args) -> a started cluster of this test's own; cleaned up after the test."""
    made: list[Cluster] = []

    def factory(name: str, extra_args=()) -> Cluster:
        cluster = Cluster(tmp_path / name, name, extra_args=extra_args)
        made.append(cluster)
        return cluster.start()

    yield factory
    for cluster in made:
        cluster.cleanup()


def on_both(call):
    """`call(client)` for A's and B's client at once; the two results."""
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(call, (0, 1)))


# -- Glacier ------------------------------------------------------------------------------------------------------

def listed_parts(client, vault: str, upload_id: str) -> list[tuple[str, str]]:
    resp = client.list_parts(vaultName=vault, uploadId=upload_id)
    assert resp.get("Marker") is None, resp
    return [(p["RangeInBytes"], p["SHA256TreeHash"]) for p in resp["Parts"]]


def listed_uploads(client, vault: str) -> dict[str, dict]:
    resp = client.list_multipart_uploads(vaultName=vault)
    assert resp.get("Marker") is None, resp
    return {u["MultipartUploadId"]: u for u in resp["UploadsList"]}


def test_glacier_multipart_upload_spread_over_both_nodes(cluster):
    """Initiate on A, the 1 MiB parts to A and B in turn (two at a time), complete on B with the tree hash of the
    whole archive. Both nodes list the same parts and the same upload while it is open, and neither lists it once
    it is completed. A retrieval job initiated on A is described as done on B, and its output, read on B, is the
    archive's bytes with its tree hash."""
    a, b = cluster.clients("glacier")
    vault = unique_name("cluster-multipart")
    a.create_vault(vaultName=vault)
    data = random_bytes(5 * MiB + 12345)
    ranges = part_ranges(len(data), MiB)

    up = initiate(a, vault, MiB, description="spread over two nodes")
    with ThreadPoolExecutor(2) as pool:
        for future in [pool.submit(upload_part, (a, b)[i % 2], up, data, first, last)
                       for i, (first, last) in enumerate(ranges)]:
            future.result()

    expected = [(f"{first}-{last}", tree_hash(data[first:last + 1])) for first, last in ranges]
    assert listed_parts(a, vault, up.upload_id) == expected
    assert listed_parts(b, vault, up.upload_id) == expected
    on_a, on_b = listed_uploads(a, vault), listed_uploads(b, vault)
    assert list(on_a) == [up.upload_id], on_a
    assert on_a == on_b, "both nodes describe the open upload alike"
    assert on_b[up.upload_id]["ArchiveDescription"] == "spread over two nodes"
    assert on_b[up.upload_id]["PartSizeInBytes"] == MiB

    done = complete(b, up, len(data), tree_hash(data))
    assert status_of(done) == 201, done
    assert done["checksum"] == tree_hash(data), done
    assert listed_uploads(a, vault) == {} and listed_uploads(b, vault) == {}

    job = a.initiate_job(vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": done["archiveId"]})
    assert status_of(job) == 202, job
    described = wait_for_job(b, vault, job["jobId"])
    assert described["StatusCode"] == "Succeeded", described
    assert described["ArchiveSizeInBytes"] == len(data), described
    assert described["ArchiveSHA256TreeHash"] == tree_hash(data), described
    out = b.get_job_output(vaultName=vault, jobId=job["jobId"])
    assert out["body"].read() == data, "the output read on B is the archive sent to both nodes"
    assert out["checksum"] == tree_hash(data), out
    for client in (a, b):
        vault_desc = client.describe_vault(vaultName=vault)
        assert (vault_desc["NumberOfArchives"], vault_desc["SizeInBytes"]) == (1, len(data)), vault_desc


# -- EBS ----------------------------------------------------------------------------------------------------------

def test_ebs_snapshot_written_on_both_nodes_and_read_with_the_other_nodes_tokens(cluster):
    """StartSnapshot on A, blocks (random and all-zero) put on A and B in turn, CompleteSnapshot on B with the block
    count and LINEAR checksum; A sees it completed (EC2 DescribeSnapshots). ListSnapshotBlocks on A lists exactly
    the blocks written, and GetSnapshotBlock on B with A's tokens returns each block's bytes and checksum; B's tokens
    work on A too. A block token is an HMAC under the block-token key, which the nodes share through the database:
    with a key per node, B would refuse A's tokens."""
    a, b = cluster.clients("ebs")
    ec2_a = cluster.client(cluster.a, "ec2")
    blocks = {0: random_block(), 1: zero_block(), 2: random_block(), 3: random_block(), 8: zero_block(),
              100: random_block(), 1000: random_block(), 2047: random_block()}

    snap = start_snapshot(a, 1, Description="spread over two nodes")["SnapshotId"]
    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(put_block, (a, b)[i % 2], snap, index, data)
                       for i, (index, data) in enumerate(blocks.items())]:
            future.result()
    status = complete_snapshot(b, snap, blocks)
    assert status in ("pending", "completed"), status
    deadline = time.monotonic() + 30
    while True:
        (described,) = ec2_a.describe_snapshots(SnapshotIds=[snap])["Snapshots"]
        if described["State"] == "completed":
            break
        assert time.monotonic() < deadline, f"A still describes {snap} as {described}"
        time.sleep(0.2)

    tokens_a = list_blocks(a, snap)
    assert sorted(tokens_a) == sorted(blocks), "A lists every block written through either node"
    for index, token in tokens_a.items():
        data = read_block(b, snap, index, token)
        assert b64_sha256(data) == b64_sha256(blocks[index]), f"block {index} read on B with A's token"
    tokens_b = list_blocks(b, snap)
    assert sorted(tokens_b) == sorted(blocks)
    for index, token in tokens_b.items():
        assert read_block(a, snap, index, token) == blocks[index], f"block {index} read on A with B's token"
    assert linear_checksum({i: read_block(b, snap, i, t) for i, t in tokens_a.items()}) == linear_checksum(blocks)


# -- ECR and the registry -----------------------------------------------------------------------------------------

def on_node(url: str, node) -> str:
    """`url` with its scheme, host and port replaced by `node`'s."""
    target = urlsplit(node.endpoint)
    return urlunsplit(urlsplit(url)._replace(scheme=target.scheme, netloc=target.netloc))


def test_ecr_image_pushed_through_both_nodes_and_pulled_with_the_other_nodes_tokens(cluster):
    """CreateRepository on A; a three-part layer (5 MiB, 5 MiB, 1 MiB + 3) initiated on B, its parts sent to A, B,
    A, completed on B; the config uploaded on A; PutImage (Docker v2 schema 2) on A, BatchGetImage on B returns the
    manifest as sent. GetDownloadUrlForLayer on A gives a URL that B serves (same path and token, B's host and
    port), and the password of A's GetAuthorizationToken lets `GET /v2/<repo>/manifests/<tag>` and the layer's
    `/v2` blob on B answer 200 with the manifest and the bytes: download and registry tokens are HMACs under the
    registry-token key, which the nodes share through the database."""
    ecr_a, ecr_b = cluster.clients("ecr")
    repo = repository_name("cluster")
    ecr_a.create_repository(repositoryName=repo)
    assert ecr_b.describe_repositories(repositoryNames=[repo])["repositories"][0]["repositoryName"] == repo

    layer = Blob(random_layer(2 * MIN_PART + MiB + 3), DOCKER_LAYER)
    upload_id = initiate_layer(ecr_b, repo)
    for i, (first, last) in enumerate(part_ranges(layer.size, MIN_PART)):
        resp = upload_layer_part((ecr_a, ecr_b)[i % 2], repo, upload_id, layer.data[first:last + 1], first)
        assert resp["lastByteReceived"] == last, resp
    done = complete_layer(ecr_b, repo, upload_id, layer.digest)
    assert done["layerDigest"] == layer.digest, done

    config = config_blob(DOCKER_CONFIG, [layer])
    upload_layer(ecr_a, repo, config.data)
    manifest = compact(docker_manifest(config, [layer]))
    put = ecr_a.put_image(repositoryName=repo, imageManifest=manifest, imageTag="v1")
    assert put["image"]["imageId"]["imageDigest"] == manifest_digest(manifest), put
    image = get_manifest(ecr_b, repo, {"imageTag": "v1"})
    assert image["imageManifest"] == manifest, "B returns the manifest A stored, byte for byte"
    assert image["imageId"]["imageDigest"] == manifest_digest(manifest), image
    assert image["imageManifestMediaType"] == DOCKER_MANIFEST, image

    url = download_url(ecr_a, repo, layer.digest)
    assert url.startswith(cluster.a.endpoint + "/"), url
    served = requests.get(on_node(url, cluster.b), timeout=60)
    assert served.status_code == 200, describe(served)
    assert sha256_digest(served.content) == layer.digest, "B serves the layer at the URL A signed"

    password = registry_password(ecr_a)
    got = requests.get(f"{cluster.b.endpoint}/v2/{repo}/manifests/v1", timeout=60,
                       headers={"Authorization": basic(password), "Accept": DOCKER_MANIFEST})
    assert got.status_code == 200, describe(got)
    assert got.content == manifest.encode(), describe(got)
    assert got.headers.get("Docker-Content-Digest") == manifest_digest(manifest), describe(got)
    assert got.headers.get("Content-Type", "").startswith(DOCKER_MANIFEST), describe(got)
    blob = requests.get(f"{cluster.b.endpoint}/v2/{repo}/blobs/{layer.digest}", timeout=60,
                        headers={"Authorization": basic(password)})
    assert blob.status_code == 200, describe(blob)
    assert sha256_digest(blob.content) == layer.digest
    ecr_b.delete_repository(repositoryName=repo, force=True)


# -- a node killed mid-upload -------------------------------------------------------------------------------------

UPLOADERS = 4
LOAD_ON_A = (2.0, 3.5)     # seconds of load before the kill (uniform)
LOAD_ON_B = 2.0            # seconds of load on B after it
# From 8 MiB on, a body goes through a multipart staging upload and a copy (docs/s3-blobs.md#writes): about one
# in seven here. The sizes and seconds keep a run near 150 MiB: radosgw keeps a deleted object's tail for hours
# (its own garbage collection), and the test store (scripts/radosgw) holds 4 GiB in memory.
SIZES = (2 * MiB, 9 * MiB)


@dataclass
class Sent:
    """One body sent: its size, SHA-256 and tree hash."""
    size: int
    sha256: str
    tree_hash: str


@dataclass
class Load:
    vault: str
    killed: threading.Event = field(default_factory=threading.Event)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: dict[str, Sent] = field(default_factory=dict)        # archive id -> body
    acknowledged_on: dict[int, int] = field(default_factory=lambda: {0: 0, 1: 0})
    unanswered: list[Sent] = field(default_factory=list)              # sent to A, no answer: outcome unknown
    failures: list[str] = field(default_factory=list)                 # anything else that failed


def uploader(load: Load, clients, seed: int) -> None:
    """UploadArchive in a loop, to A until it is killed, then to B; an upload A did not answer is sent to B."""
    rng = random.Random(seed)
    while not load.stop.is_set():
        body = rng.randbytes(rng.randint(*SIZES))
        sent = Sent(len(body), hashlib.sha256(body).hexdigest(), tree_hash(body))
        node = 1 if load.killed.is_set() else 0
        try:
            archive_id = upload_archive(clients[node], load.vault, body)["archiveId"]
        except (BotoCoreError, ClientError, AssertionError) as exc:
            if node == 1 or not load.killed.is_set():
                with load.lock:
                    load.failures.append(f"node {'AB'[node]}: {exc!r}")
                return
            with load.lock:
                load.unanswered.append(sent)
            node = 1
            try:
                archive_id = upload_archive(clients[1], load.vault, body)["archiveId"]
            except (BotoCoreError, ClientError, AssertionError) as retry_exc:
                with load.lock:
                    load.failures.append(f"node B, the retry of an upload A did not answer: {retry_exc!r}")
                return
        with load.lock:
            if archive_id in load.acknowledged:
                load.failures.append(f"archive id {archive_id} given to two uploads")
            load.acknowledged[archive_id] = sent
            load.acknowledged_on[node] += 1


def inventory(client, vault: str) -> dict[str, dict]:
    """The vault's archives by id, from an inventory-retrieval job (taken when the job starts)."""
    job = client.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval", "Format": "JSON"})
    wait_for_job(client, vault, job["jobId"])
    body = json.loads(client.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read())
    return {entry["ArchiveId"]: entry for entry in body["ArchiveList"]}


def read_sha256(client, vault: str, archive_id: str) -> str:
    _, out, data = retrieve_archive(client, vault, archive_id)
    assert out["checksum"] == tree_hash(data), out
    return hashlib.sha256(data).hexdigest()


def test_acknowledged_archives_survive_a_node_killed_under_load(make_cluster):
    """Four threads upload archives of 2–9 MiB (random bytes) to A; after a few seconds A is killed with SIGKILL.
    Each thread sends the upload A did not answer to B, then goes on uploading to B for a few seconds. A is
    restarted on its data directory; after a sweep on both nodes (grace 1 s), the checks:

    - every acknowledged archive (from A before the kill or from B) reads back byte-identical through a retrieval job
      on A and through one on B;
    - the inventory lists every acknowledged archive; an archive it lists that no answer named can only be an upload
      A received in full and recorded before it died, so its tree hash is one of the unanswered bodies', and there
      are at most as many as those;
    - DescribeVault on both nodes counts exactly the archives and bytes of the inventory;
    - nothing is left under `staging/` (objects or multipart uploads): the dead node's unfinished staging is swept.
    """
    cluster = make_cluster("killed", SWEEP_ON_DEMAND)
    a, b = cluster.clients("glacier")
    load = Load(unique_name("cluster-kill"))
    a.create_vault(vaultName=load.vault)
    rng = random.Random()
    threads = [threading.Thread(target=uploader, args=(load, (a, b), rng.randrange(1 << 30)), daemon=True)
               for _ in range(UPLOADERS)]
    for t in threads:
        t.start()
    time.sleep(rng.uniform(*LOAD_ON_A))
    deadline = time.monotonic() + 60
    while load.acknowledged_on[0] < UPLOADERS and not load.failures and time.monotonic() < deadline:
        time.sleep(0.05)  # a slow store: wait for a few answers from A before the kill
    with load.lock:
        acknowledged_by_a = load.acknowledged_on[0]
    load.killed.set()
    cluster.a.kill()
    time.sleep(LOAD_ON_B)
    load.stop.set()
    for t in threads:
        t.join(120)
        assert not t.is_alive(), "an uploader is stuck"

    assert load.failures == [], load.failures
    assert acknowledged_by_a >= UPLOADERS, f"only {acknowledged_by_a} uploads to A were answered before the kill"
    assert load.unanswered, "no upload was in flight on A when it was killed"
    assert load.acknowledged_on[1] > len(load.unanswered), "B took the retries and further uploads"

    cluster.a.start()
    a = cluster.client(cluster.a)
    # The dead process's staging goes once it is older than the grace and the process has missed its heartbeats
    # for 5 s (docs/s3-blobs.md#garbage-collection-with-many-nodes); a sweep before that spares it.
    deadline = time.monotonic() + 30
    while True:
        on_both(lambda i: sweep(cluster.nodes[i]))
        if (not cluster.staging_keys() and not cluster.staging_uploads()) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert cluster.staging_keys() == [], "staging objects left after sweeps on both nodes"
    assert cluster.staging_uploads() == [], "multipart staging uploads left after sweeps on both nodes"

    listed = inventory(a, load.vault)
    lost = sorted(set(load.acknowledged) - set(listed))
    assert lost == [], f"acknowledged archives missing from the inventory: {lost}"
    unanswered_hashes = [s.tree_hash for s in load.unanswered]
    extra = {i: e for i, e in listed.items() if i not in load.acknowledged}
    assert len(extra) <= len(load.unanswered), extra
    for archive_id, entry in extra.items():
        assert entry["SHA256TreeHash"] in unanswered_hashes, f"archive {archive_id} was never sent: {entry}"
    for archive_id, sent in load.acknowledged.items():
        assert (listed[archive_id]["Size"], listed[archive_id]["SHA256TreeHash"]) == (sent.size, sent.tree_hash)
    for client in (a, b):
        described = client.describe_vault(vaultName=load.vault)
        assert described["NumberOfArchives"] == len(listed), described
        assert described["SizeInBytes"] == sum(e["Size"] for e in listed.values()), described

    archives = sorted(load.acknowledged)
    with ThreadPoolExecutor(8) as pool:
        read = {(node, archive_id): pool.submit(read_sha256, client, load.vault, archive_id)
                for node, client in (("A", a), ("B", b)) for archive_id in archives}
        wrong = [f"{archive_id} read on {node}" for (node, archive_id), future in read.items()
                 if future.result() != load.acknowledged[archive_id].sha256]
    assert wrong == [], f"{len(wrong)} of {len(read)} reads returned other bytes: {wrong}"


# -- sweeps on both nodes racing an upload ------------------------------------------------------------------------

ROUNDS = 6
ROUND_SIZES = (MiB + 4321, 9 * MiB + 17)  # one PutObject; a multipart staging upload and a copy


def test_sweeps_on_both_nodes_racing_an_upload_of_swept_content(make_cluster):
    """Nodes with `--gc-grace 1`, sweeping only when asked. Each round: archive X of fresh content C uploaded on A and
    deleted, so C's blob is unreferenced; 1.2 s later (past the grace) three things start at once, each after a
    random pause of up to 50 ms: UploadArchive of Y with the same content C on B, a sweep on A, a sweep on B. One of
    the sweeps may claim C's blob before Y's commit records its write (the commit then waits and uploads again) or
    the commit may come first (no sweep may delete it then); either way Y must read back byte-identical, and C's
    object must be in the bucket. Rounds alternate a small C (one PutObject) and one over 8 MiB (staged).

    At the end every archive is deleted and the vault too (its jobs go with it, so nothing names the blobs any
    more); 1.2 s later a sweep on both nodes at once must delete each blob exactly once between them (the deleted
    counts add up to the blobs there were), and leave nothing under `blobs/` or `staging/`."""
    cluster = make_cluster("sweeps", SWEEP_ON_DEMAND)
    a, b = cluster.clients("glacier")
    vault = unique_name("cluster-gc")
    a.create_vault(vaultName=vault)
    rng = random.Random()
    kept: list[str] = []
    for round_number in range(ROUNDS):
        content = random_bytes(ROUND_SIZES[round_number % 2])
        key = cluster.blobs_prefix + hashlib.sha256(content).hexdigest()
        x = upload_archive(a, vault, content)["archiveId"]
        a.delete_archive(vaultName=vault, archiveId=x)
        time.sleep(GRACE + 0.2)

        barrier = threading.Barrier(3)

        def after_barrier(call):
            def run():
                barrier.wait(10)
                time.sleep(rng.uniform(0, 0.05))
                return call()
            return run

        with ThreadPoolExecutor(3) as pool:
            upload = pool.submit(after_barrier(lambda: upload_archive(b, vault, content)))
            sweeps = [pool.submit(after_barrier(lambda node=node: sweep(node))) for node in cluster.nodes]
            y = upload.result()["archiveId"]
            answers = [s.result() for s in sweeps]
        kept.append(y)
        head = cluster.s3.head_object(Bucket="tessera-compat", Key=key)
        assert head["ContentLength"] == len(content), f"round {round_number}: {head}"
        reader = (a, b)[round_number % 2]
        _, out, data = retrieve_archive(reader, vault, y)
        assert data == content, f"round {round_number}: Y read back other bytes; sweeps answered {answers}"
        assert out["checksum"] == tree_hash(content), out

    assert len(cluster.blob_keys()) == ROUNDS, "one blob per round's content"
    for i, archive_id in enumerate(kept):
        (a, b)[i % 2].delete_archive(vaultName=vault, archiveId=archive_id)
    b.delete_vault(vaultName=vault)
    time.sleep(GRACE + 0.2)
    answers = on_both(lambda i: sweep(cluster.nodes[i]))
    assert cluster.blob_keys() == [], f"blobs no record names were left: {answers}"
    assert cluster.staging_keys() == [] and cluster.staging_uploads() == []
    deleted = [answer["deletedBlobs"] for answer in answers]
    assert sum(deleted) == ROUNDS, (
        f"{ROUNDS} blobs were stored and are gone, but the sweeps on A and B report {deleted[0]} + {deleted[1]} "
        f"deleted: a blob counted by both. Answers: {answers}")


def test_a_sweep_leaves_another_nodes_upload_in_progress_alone(make_cluster):
    """An UploadArchive of 20 MiB sent slowly to B: from 8 MiB on, B streams it into a multipart staging upload in the
    bucket (docs/s3-blobs.md#writes). Once that staging upload is older than the grace (1 s here; a sweep on demand,
    `tessera gc`, uses 60 s, the periodic one `--gc-grace`), a sweep runs on A; then the rest of the body is sent. The
    upload must still be stored (201) and read back: a sweep may remove the staging a dead node left, not the one a
    live upload is writing, or every upload that takes longer than the grace fails whenever any node sweeps."""
    cluster = make_cluster("staging", SWEEP_ON_DEMAND)
    a, b = cluster.clients("glacier")
    vault = unique_name("cluster-staging")
    a.create_vault(vaultName=vault)
    body = random_bytes(20 * MiB + 3)
    path = f"/-/vaults/{vault}/archives"
    headers = sigv4_headers("POST", cluster.b.endpoint + path, ONE.access_key, ONE.secret_key, body=body, headers={
        "x-amz-glacier-version": API_VERSION, "x-amz-sha256-tree-hash": tree_hash(body),
        "x-amz-content-sha256": hashlib.sha256(body).hexdigest()})
    conn = http.client.HTTPConnection("127.0.0.1", cluster.b.port, timeout=120)
    try:
        conn.putrequest("POST", path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        half = 10 * MiB
        conn.send(body[:half])
        deadline = time.monotonic() + 30
        while not cluster.staging_uploads():
            assert time.monotonic() < deadline, "B started no multipart staging upload for a body over 8 MiB"
            time.sleep(0.05)
        time.sleep(GRACE + 0.3)
        swept = sweep(cluster.a)
        left = cluster.staging_uploads()
        conn.send(body[half:])
        resp = conn.getresponse()
        answer = resp.read()
    finally:
        conn.close()
    assert resp.status == 201, (
        f"UploadArchive on B answered {resp.status} {answer[:300]!r} after a sweep on A ({swept}); staging uploads "
        f"left by the sweep: {left}")
    archive_id = resp.getheader("x-amz-archive-id")
    _, _, data = retrieve_archive(a, vault, archive_id)
    assert data == body
