#!/usr/bin/env python3
"""Soak: one `tessera serve` under a mixed load for N minutes, with garbage collection racing the uploads, its
memory, file descriptors and CPU recorded every minute, and every object still alive checked byte for byte at the
end.

    python3 bench/soak.py --minutes 60    # --workers 4; --gc-interval 2 --gc-grace 5; --weight OP=W; --server-env K=V
                                          # --malloc-info-every N, --malloc-trim-at-end (gdb; see below)

It runs a copy of the release binary (--bin, copied to --copy-to, /tmp/soak-tessera), because the build tree's may be
rebuilt under a long run.

The load, from `--workers` threads, each picking its next operation at random:
  Glacier   UploadArchive (1 KiB-512 KiB; one in five the bytes of an archive deleted moments ago, so its blob may be
            in the sweep's grace period), multipart uploads (2-3 parts of 1 MiB; one in eight aborted half-way),
            DeleteArchive, archive-retrieval jobs + GetJobOutput (whole or a range) compared with what was sent;
  EBS       StartSnapshot, 4-16 PutSnapshotBlock (two in five from a pool of 48 contents shared across snapshots),
            CompleteSnapshot with the LINEAR checksum, ListSnapshotBlocks + GetSnapshotBlock compared,
            EC2 DeleteSnapshot;
  registry  images pushed through the ECR API (InitiateLayerUpload/UploadLayerPart/CompleteLayerUpload, PutImage)
            and through `/v2` (HEAD, POST + PUT blobs, PUT manifest), each on one of 6 shared base layers plus a
            fresh layer; one in ten uploads abandoned; pulled through the other door or the same (BatchGetImage +
            GetDownloadUrlForLayer, GET manifest + blobs) and compared; deleted (BatchDeleteImage or DELETE
            manifest). The server expires unused layers after --layer-expiry and abandoned uploads after
            --upload-expiry, so the sweep races pushes that reuse a base layer.
Live objects are kept between a low and a high mark per kind, so the store stays small and deletes keep coming.

Every minute it prints and records the server's RSS, peak RSS, anonymous/file RSS, what of it lies in glibc's
malloc arenas (from /proc/PID/smaps), its fd and thread counts, CPU seconds (utime + stime), the number of
/metrics series, requests done and p50/p99 latency per operation. At the end it waits for two more sweeps, then
reads back every live Glacier archive (through a job), every block of every live snapshot, every live image's
manifest and blobs (by digest, through `/v2` and the ECR API), and exits 1 on any mismatch or failed request.

The per-minute series goes to `--out`/soak-<UTC time>.json (rewritten every minute, so a cut-short run keeps
what it measured); the server's data directory is `--out`/soak-data, removed at the end unless --keep-data.
With --malloc-info-every N it attaches gdb every N minutes and records glibc's malloc_info (what the allocator holds,
what of it is free); with --malloc-trim-at-end it calls malloc_trim(0) when the load stops and records the RSS
before and after: how much of the RSS is memory the allocator keeps rather than memory in use. Each attach stops
the server for a few seconds. The server's output goes to `--out`/soak-server.log. If no request finishes for 90 s, the server's thread stacks
(gdb) and the script's are written beside the series. SIGTERM or Ctrl-C stops the load early and still checks and
reports; a second one stops at once. The server listens on 127.0.0.1 only and is stopped before the script ends.
"""
import argparse, base64, collections, datetime, faulthandler, hashlib, json, os, random, re, shutil, signal, subprocess
import sys, threading, time, traceback

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from benchlib import ACCOUNT, KEY, MIB, SECRET, print_table, terminate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIB = 1024
BLOCK = 524288
REGION = "us-east-1"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
ARENA = 64 * MIB  # glibc's HEAP_MAX_SIZE on 64-bit: each non-main arena is a 64 MiB-aligned mapping of this size
POOL_SEEDS = list(range(1, 49))  # EBS block contents shared across snapshots
BASE_LAYERS = 6
LIVE = {"archive": (6, 30), "snapshot": (4, 16), "image": (6, 24)}  # (low, high) marks per kind


# -- data -----------------------------------------------------------------------------

def data_of(seed, size):
    return random.Random(seed).randbytes(size)


def fresh_seed():
    return random.getrandbits(62) + 1000


def tree_hash(data):
    """Glacier's SHA-256 tree hash (1 MiB leaves, pairwise, an odd last node promoted)."""
    level = [hashlib.sha256(data[i:i + MIB]).digest() for i in range(0, len(data), MIB)] or [hashlib.sha256(b"").digest()]
    while len(level) > 1:
        nxt = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0].hex()


def b64_sha256(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def digest_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


# -- /proc ----------------------------------------------------------------------------

def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem", "VmSize"):
                fields[key] = int(value.split()[0]) / 1024
            elif key == "Threads":
                fields[key] = int(value)
    return fields


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_fds(pid):
    fds = os.listdir(f"/proc/{pid}/fd")
    kinds = collections.Counter()
    for fd in fds:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        kinds["socket" if target.startswith("socket:") else "pipe" if target.startswith("pipe:")
              else "anon" if target.startswith("anon_inode:") else "file"] += 1
    return len(fds), dict(kinds)


def proc_smaps(pid):
    """RSS by kind of mapping: the main heap, glibc's other arenas (64 MiB-aligned heaps), other anonymous memory
    (thread stacks, large allocations, the Swift runtime), files; and how many arenas and mappings there are."""
    maps = []
    current = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
            if head:
                current = {"start": int(head.group(1), 16), "end": int(head.group(2), 16), "perms": head.group(3),
                           "path": head.group(4).strip(), "rss": 0}
                maps.append(current)
            elif line.startswith("Rss:") and current is not None:
                current["rss"] = int(line.split()[1]) / 1024
    out = {"heap": 0.0, "arenas": 0.0, "anon_other": 0.0, "file": 0.0, "stack": 0.0, "arena_count": 0,
           "mappings": len(maps)}
    arena_ranges = []
    for m in maps:
        if not m["path"] and m["start"] % ARENA == 0 and m["end"] - m["start"] <= ARENA:
            arena_ranges.append((m["start"], m["start"] + ARENA))
    for m in maps:
        if m["path"] == "[heap]":
            out["heap"] += m["rss"]
        elif m["path"] == "[stack]":
            out["stack"] += m["rss"]
        elif m["path"] and not m["path"].startswith("["):
            out["file"] += m["rss"]
        elif not m["path"] and any(a <= m["start"] < b for a, b in arena_ranges):
            out["arenas"] += m["rss"]
        else:
            out["anon_other"] += m["rss"]
    out["arena_count"] = len(arena_ranges)
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in out.items()}


def dir_size(path):
    total = files = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            try:
                total += os.stat(os.path.join(dirpath, name)).st_size
                files += 1
            except OSError:
                pass
    return total, files


# -- figures --------------------------------------------------------------------------

def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.minute = collections.defaultdict(list)
        self.total = collections.defaultdict(list)
        self.requests = 0
        self.errors = collections.Counter()
        self.error_samples = []
        self.mismatches = []
        self.events = collections.Counter()  # races the clients handled (a layer expired between HEAD and PUT, …)

    def record(self, name, seconds):
        with self.lock:
            self.minute[name].append(seconds)
            self.total[name].append(seconds)
            self.requests += 1

    def error(self, op, exc):
        code = exc.response["Error"]["Code"] if isinstance(exc, ClientError) else type(exc).__name__
        with self.lock:
            self.errors[f"{op}: {code}"] += 1
            if len(self.error_samples) < 50:
                self.error_samples.append(f"{time.strftime('%H:%M:%S')} {op}: {exc!r}"[:600])

    def event(self, what):
        with self.lock:
            self.events[what] += 1

    def mismatch(self, what):
        with self.lock:
            self.mismatches.append(f"{time.strftime('%H:%M:%S')} {what}")
        print(f"MISMATCH {what}", flush=True)

    def take_minute(self):
        with self.lock:
            minute, self.minute = self.minute, collections.defaultdict(list)
        return {name: {"n": len(v), "p50_ms": round(percentile(v, 50) * 1000, 1), "p99_ms": round(percentile(v, 99) * 1000, 1)}
                for name, v in sorted(minute.items())}


class Timed:
    """Wraps a boto3 client or a requests session: every call is timed under `prefix.Operation`."""

    def __init__(self, client, prefix, stats):
        self._client, self._prefix, self._stats = client, prefix, stats

    def __getattr__(self, name):
        fn = getattr(self._client, name)
        if not callable(fn):
            return fn
        label = f"{self._prefix}.{''.join(p.capitalize() for p in name.split('_'))}"

        def call(*args, **kwargs):
            start = time.monotonic()
            try:
                return fn(*args, **kwargs)
            finally:
                self._stats.record(label, time.monotonic() - start)
        return call


# -- the live set ---------------------------------------------------------------------

class LiveSet:
    """Objects acknowledged and not deleted, per kind; an object being read is not deleted meanwhile."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = {kind: {} for kind in LIVE}
        self.busy = collections.Counter()
        self.recently_deleted_archives = collections.deque(maxlen=20)

    def add(self, kind, key, value):
        with self.lock:
            self.items[kind][key] = value

    def count(self, kind):
        with self.lock:
            return len(self.items[kind])

    def borrow(self, kind):
        with self.lock:
            if not self.items[kind]:
                return None
            key = random.choice(list(self.items[kind]))
            self.busy[key] += 1
            return key, self.items[kind][key]

    def give_back(self, key):
        with self.lock:
            self.busy[key] -= 1
            if self.busy[key] <= 0:
                del self.busy[key]

    def take_for_delete(self, kind):
        with self.lock:
            free = [k for k in self.items[kind] if not self.busy.get(k)]
            if not free:
                return None
            key = random.choice(free)
            return key, self.items[kind].pop(key)


# -- the load -------------------------------------------------------------------------

class Worker:
    def __init__(self, soak, number):
        self.soak, self.stats, self.live = soak, soak.stats, soak.live
        endpoint = soak.endpoint
        config = Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=120, max_pool_connections=4)
        make = lambda service: boto3.session.Session().client(  # noqa: E731 - one session per client: thread-safe
            service, endpoint_url=endpoint, region_name=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET,
            config=config)
        self.glacier = Timed(make("glacier"), "glacier", self.stats)
        self.ebs = Timed(make("ebs"), "ebs", self.stats)
        self.ec2 = Timed(make("ec2"), "ec2", self.stats)
        self.ecr = Timed(make("ecr"), "ecr", self.stats)
        self.session = requests.Session()
        self.session.auth = ("AWS", soak.registry_password)
        self.plain = requests.Session()
        self.number = number
        self.rng = random.Random(number * 7919 + int(time.time()))

    def http(self, label, method, url, plain=False, **kwargs):
        """A `/v2` request (Basic AWS:<password>), or with `plain` one without credentials, timed as `label`."""
        start = time.monotonic()
        try:
            return (self.plain if plain else self.session).request(method, url, timeout=120, **kwargs)
        finally:
            self.stats.record(label, time.monotonic() - start)

    OPS = [("glacier_upload", 3), ("glacier_multipart", 2), ("glacier_read", 2), ("glacier_delete", 2),
           ("ebs_snapshot", 2), ("ebs_read", 2), ("ebs_delete", 1),
           ("ecr_push", 2), ("oci_push", 2), ("registry_pull", 3), ("registry_delete", 2)]
    KIND = {"glacier_upload": "archive", "glacier_multipart": "archive", "glacier_delete": "archive",
            "ebs_snapshot": "snapshot", "ebs_delete": "snapshot", "ecr_push": "image", "oci_push": "image",
            "registry_delete": "image"}
    CREATE = {"archive": "glacier_upload", "snapshot": "ebs_snapshot", "image": "ecr_push"}
    DELETE = {"archive": "glacier_delete", "snapshot": "ebs_delete", "image": "registry_delete"}

    def pick(self):
        ops = self.soak.weights
        op = self.rng.choices(list(ops), list(ops.values()))[0]
        kind = self.KIND.get(op)
        if kind:
            low, high = LIVE[kind]
            n = self.live.count(kind)
            if op == self.DELETE[kind] and n <= low:
                return self.CREATE[kind]
            if op != self.DELETE[kind] and n >= high:
                return self.DELETE[kind]
        return op

    def run(self, stop):
        while not stop.is_set():
            op = self.pick()
            try:
                getattr(self, op)()
            except Exception as exc:  # noqa: BLE001 - counted, reported, and the run fails
                self.stats.error(op, exc)

    # Glacier -----------------------------------------------------------------------

    def glacier_upload(self):
        reuse = self.rng.random() < 0.2 and self.live.recently_deleted_archives
        seed, size = (self.rng.choice(list(self.live.recently_deleted_archives)) if reuse
                      else (fresh_seed(), self.rng.randint(KIB, MIB // 2)))
        data = data_of(seed, size)
        resp = self.glacier.upload_archive(vaultName=self.soak.vault, body=data, checksum=tree_hash(data))
        if resp["checksum"] != tree_hash(data):
            self.stats.mismatch(f"UploadArchive answered checksum {resp['checksum']} for {tree_hash(data)}")
        if reuse:
            self.stats.event("glacier: bytes of a deleted archive uploaded again")
        self.live.add("archive", resp["archiveId"], (seed, size))

    def glacier_multipart(self):
        seed, size = fresh_seed(), self.rng.randint(MIB + 1, 3 * MIB)
        data = data_of(seed, size)
        up = self.glacier.initiate_multipart_upload(vaultName=self.soak.vault, partSize=str(MIB))["uploadId"]
        abort = self.rng.random() < 0.125
        for first in range(0, size, MIB):
            part = data[first:first + MIB]
            self.glacier.upload_multipart_part(vaultName=self.soak.vault, uploadId=up, body=part, checksum=tree_hash(part),
                                               range=f"bytes {first}-{first + len(part) - 1}/*")
            if abort:
                self.glacier.abort_multipart_upload(vaultName=self.soak.vault, uploadId=up)
                self.stats.event("glacier: multipart upload aborted after a part")
                return
        resp = self.glacier.complete_multipart_upload(vaultName=self.soak.vault, uploadId=up, archiveSize=str(size),
                                                      checksum=tree_hash(data))
        self.live.add("archive", resp["archiveId"], (seed, size))

    def glacier_delete(self):
        taken = self.live.take_for_delete("archive")
        if taken:
            archive_id, spec = taken
            self.glacier.delete_archive(vaultName=self.soak.vault, archiveId=archive_id)
            self.live.recently_deleted_archives.append(spec)

    def glacier_read(self, archive=None):
        borrowed = archive or self.live.borrow("archive")
        if not borrowed:
            return
        archive_id, (seed, size) = borrowed
        try:
            return self.read_archive(archive_id, seed, size, ranged=archive is None and self.rng.random() < 0.5)
        finally:
            if archive is None:
                self.live.give_back(archive_id)

    def read_archive(self, archive_id, seed, size, ranged=False):
        vault = self.soak.vault
        job = self.glacier.initiate_job(vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id})
        for _ in range(300):
            if self.glacier.describe_job(vaultName=vault, jobId=job["jobId"])["Completed"]:
                break
            time.sleep(0.1)
        data = data_of(seed, size)
        if ranged:
            first = self.rng.randrange(size)
            last = self.rng.randrange(first, size)
            out = self.glacier.get_job_output(vaultName=vault, jobId=job["jobId"], range=f"bytes={first}-{last}")
            want = data[first:last + 1]
        else:
            out = self.glacier.get_job_output(vaultName=vault, jobId=job["jobId"])
            want = data
        got = out["body"].read()
        if got != want:
            self.stats.mismatch(f"archive {archive_id}: GetJobOutput gave {len(got)} bytes (sha256 "
                                f"{hashlib.sha256(got).hexdigest()[:16]}), expected {len(want)} ({hashlib.sha256(want).hexdigest()[:16]})")
            return False
        return True

    # EBS ---------------------------------------------------------------------------

    def ebs_snapshot(self):
        snap = self.ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
        count = self.rng.randint(4, 16)
        indexes = sorted(self.rng.sample(range(2048), count))
        blocks = {i: (self.rng.choice(POOL_SEEDS) if self.rng.random() < 0.4 else fresh_seed()) for i in indexes}
        digests = b""
        for i in indexes:
            data = data_of(blocks[i], BLOCK)
            self.ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=i, BlockData=data, DataLength=BLOCK,
                                        Checksum=b64_sha256(data), ChecksumAlgorithm="SHA256")
            digests += hashlib.sha256(data).digest()
        status = self.ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=count, Checksum=b64_sha256(digests),
                                            ChecksumAlgorithm="SHA256", ChecksumAggregationMethod="LINEAR")["Status"]
        if status != "completed":
            self.stats.mismatch(f"snapshot {snap}: CompleteSnapshot answered {status}")
            return
        self.live.add("snapshot", snap, blocks)

    def ebs_read(self):
        borrowed = self.live.borrow("snapshot")
        if borrowed:
            try:
                self.read_snapshot(*borrowed, sample=self.rng.randint(1, 4))
            finally:
                self.live.give_back(borrowed[0])

    def read_snapshot(self, snap, blocks, sample=None):
        tokens, kwargs = {}, {"SnapshotId": snap}
        while True:
            page = self.ebs.list_snapshot_blocks(**kwargs)
            tokens.update({b["BlockIndex"]: b["BlockToken"] for b in page["Blocks"]})
            if not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
        if sorted(tokens) != sorted(blocks):
            self.stats.mismatch(f"snapshot {snap}: lists blocks {sorted(tokens)}, expected {sorted(blocks)}")
            return False
        ok = True
        for i in (self.rng.sample(sorted(blocks), min(sample, len(blocks))) if sample else sorted(blocks)):
            resp = self.ebs.get_snapshot_block(SnapshotId=snap, BlockIndex=i, BlockToken=tokens[i])
            got = resp["BlockData"].read()
            want = data_of(blocks[i], BLOCK)
            if got != want or resp["Checksum"] != b64_sha256(want):
                self.stats.mismatch(f"snapshot {snap} block {i}: {len(got)} bytes, checksum {resp['Checksum']}, "
                                    f"expected {b64_sha256(want)}")
                ok = False
        return ok

    def ebs_delete(self):
        taken = self.live.take_for_delete("snapshot")
        if taken:
            self.ec2.delete_snapshot(SnapshotId=taken[0])

    # registry ------------------------------------------------------------------------

    def image_blobs(self, oci):
        base = self.soak.base_layers[self.rng.randrange(BASE_LAYERS)]
        fresh = data_of(fresh_seed(), self.rng.randint(KIB, MIB))
        config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": {"soak": str(fresh_seed())}},
                             "rootfs": {"type": "layers", "diff_ids": [digest_of(base), digest_of(fresh)]}},
                            separators=(",", ":")).encode()
        layer_type, config_type, manifest_type = (OCI_LAYER, OCI_CONFIG, OCI_MANIFEST) if oci else \
            (DOCKER_LAYER, DOCKER_CONFIG, DOCKER_MANIFEST)
        manifest = json.dumps({"schemaVersion": 2, "mediaType": manifest_type,
                               "config": {"mediaType": config_type, "size": len(config), "digest": digest_of(config)},
                               "layers": [{"mediaType": layer_type, "size": len(b), "digest": digest_of(b)} for b in (base, fresh)]},
                              separators=(",", ":"))
        return manifest, manifest_type, [config, base, fresh]

    def ecr_upload_blob(self, data, abandon=False):
        repo = self.soak.repository
        up = self.ecr.initiate_layer_upload(repositoryName=repo)["uploadId"]
        self.ecr.upload_layer_part(repositoryName=repo, uploadId=up, partFirstByte=0, partLastByte=len(data) - 1,
                                   layerPartBlob=data)
        if abandon:
            self.stats.event("registry: layer upload abandoned (ECR)")
            return
        try:
            self.ecr.complete_layer_upload(repositoryName=repo, uploadId=up, layerDigests=[digest_of(data)])
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "LayerAlreadyExistsException":
                raise

    def ecr_push(self, retry=True):
        repo = self.soak.repository
        manifest, media_type, blobs = self.image_blobs(oci=False)
        if self.rng.random() < 0.1:
            self.ecr_upload_blob(data_of(fresh_seed(), 64 * KIB), abandon=True)
        digests = [digest_of(b) for b in blobs]
        present = self.ecr.batch_check_layer_availability(repositoryName=repo, layerDigests=digests)
        available = {l["layerDigest"] for l in present["layers"] if l.get("layerAvailability") == "AVAILABLE"}
        for blob in blobs:
            if digest_of(blob) not in available:
                self.ecr_upload_blob(blob)
        tag = f"ecr-{self.number}-{fresh_seed()}"
        try:
            resp = self.ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag=tag)
        except ClientError as exc:
            if retry and exc.response["Error"]["Code"] == "LayersNotFoundException":
                # A layer found AVAILABLE expired before PutImage named it: the sweep won the race. Push again.
                self.stats.event("registry: a layer expired between check and PutImage (ECR), pushed again")
                for blob in blobs:
                    self.ecr_upload_blob(blob)
                resp = self.ecr.put_image(repositoryName=repo, imageManifest=manifest, imageTag=tag)
            else:
                raise
        digest = resp["image"]["imageId"]["imageDigest"]
        if digest != digest_of(manifest.encode()):
            self.stats.mismatch(f"PutImage answered digest {digest} for {digest_of(manifest.encode())}")
        self.live.add("image", digest, {"tag": tag, "manifest": manifest, "media_type": media_type, "blobs": blobs,
                                        "door": "ecr"})

    def oci_upload_blob(self, data, abandon=False):
        repo, endpoint = self.soak.repository, self.soak.endpoint
        start = self.http("v2.StartUpload", "POST", f"{endpoint}/v2/{repo}/blobs/uploads/", headers={"Content-Length": "0"})
        if start.status_code != 202:
            raise RuntimeError(f"POST blobs/uploads: {start.status_code} {start.text[:200]}")
        location = requests.compat.urljoin(start.url, start.headers["Location"])
        if abandon:
            patch = self.http("v2.PatchUpload", "PATCH", location, data=data[:len(data) // 2],
                              headers={"Content-Type": "application/octet-stream"})
            self.stats.event("registry: blob session abandoned (OCI)")
            return patch
        sep = "&" if "?" in location else "?"
        put = self.http("v2.PutBlob", "PUT", f"{location}{sep}digest={digest_of(data)}", data=data,
                        headers={"Content-Type": "application/octet-stream"})
        if put.status_code != 201:
            raise RuntimeError(f"PUT blob: {put.status_code} {put.text[:200]}")

    def oci_push(self):
        repo, endpoint = self.soak.repository, self.soak.endpoint
        manifest, media_type, blobs = self.image_blobs(oci=True)
        if self.rng.random() < 0.1:
            self.oci_upload_blob(data_of(fresh_seed(), 64 * KIB), abandon=True)
        for blob in blobs:
            if self.http("v2.HeadBlob", "HEAD", f"{endpoint}/v2/{repo}/blobs/{digest_of(blob)}").status_code != 200:
                self.oci_upload_blob(blob)
        tag = f"oci-{self.number}-{fresh_seed()}"
        put = self.http("v2.PutManifest", "PUT", f"{endpoint}/v2/{repo}/manifests/{tag}", data=manifest.encode(),
                        headers={"Content-Type": media_type})
        if put.status_code == 400 and "MANIFEST_BLOB_UNKNOWN" in put.text:
            self.stats.event("registry: a blob expired between HEAD and PUT manifest (OCI), pushed again")
            for blob in blobs:
                self.oci_upload_blob(blob)
            put = self.http("v2.PutManifest", "PUT", f"{endpoint}/v2/{repo}/manifests/{tag}", data=manifest.encode(),
                            headers={"Content-Type": media_type})
        if put.status_code != 201:
            raise RuntimeError(f"PUT manifest: {put.status_code} {put.text[:300]}")
        digest = put.headers.get("Docker-Content-Digest", "")
        if digest != digest_of(manifest.encode()):
            self.stats.mismatch(f"PUT manifest answered digest {digest!r} for {digest_of(manifest.encode())}")
        self.live.add("image", digest_of(manifest.encode()),
                      {"tag": tag, "manifest": manifest, "media_type": media_type, "blobs": blobs, "door": "oci"})

    def registry_pull(self):
        borrowed = self.live.borrow("image")
        if borrowed:
            try:
                self.read_image(*borrowed, door=self.rng.choice(["ecr", "oci"]))
            finally:
                self.live.give_back(borrowed[0])

    def read_image(self, digest, image, door):
        """The manifest by tag and every blob by digest, through one door; False on a mismatch."""
        repo, endpoint = self.soak.repository, self.soak.endpoint
        ok = True
        if door == "ecr":
            resp = self.ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": image["tag"]}],
                                            acceptedMediaTypes=[image["media_type"]])
            images = resp.get("images", [])
            got = images[0]["imageManifest"] if images else None
            if got != image["manifest"]:
                self.stats.mismatch(f"image {digest} ({image['tag']}): BatchGetImage gave {str(got)[:120]!r}, failures "
                                    f"{resp.get('failures')}")
                ok = False
        else:
            resp = self.http("v2.GetManifest", "GET", f"{endpoint}/v2/{repo}/manifests/{image['tag']}",
                             headers={"Accept": image["media_type"]})
            if resp.status_code != 200 or resp.content != image["manifest"].encode():
                self.stats.mismatch(f"image {digest} ({image['tag']}): GET manifest {resp.status_code} {resp.content[:120]!r}")
                ok = False
        for blob in image["blobs"]:
            want_digest = digest_of(blob)
            if door == "ecr":
                url = self.ecr.get_download_url_for_layer(repositoryName=repo, layerDigest=want_digest)["downloadUrl"]
                resp = self.http("layer-url.GET", "GET", url, plain=True)
            else:
                resp = self.http("v2.GetBlob", "GET", f"{endpoint}/v2/{repo}/blobs/{want_digest}")
            if resp.status_code != 200 or digest_of(resp.content) != want_digest or resp.content != blob:
                self.stats.mismatch(f"image {digest}: blob {want_digest} through {door}: {resp.status_code}, "
                                    f"{len(resp.content)} bytes, sha256 {digest_of(resp.content)}")
                ok = False
        return ok

    def registry_delete(self):
        taken = self.live.take_for_delete("image")
        if not taken:
            return
        digest, image = taken
        if self.rng.random() < 0.5:
            resp = self.ecr.batch_delete_image(repositoryName=self.soak.repository, imageIds=[{"imageDigest": digest}])
            if resp.get("failures"):
                raise RuntimeError(f"BatchDeleteImage {digest}: {resp['failures']}")
        else:
            resp = self.http("v2.DeleteManifest", "DELETE", f"{self.soak.endpoint}/v2/{self.soak.repository}/manifests/{digest}")
            if resp.status_code != 202:
                raise RuntimeError(f"DELETE manifest {digest}: {resp.status_code} {resp.text[:200]}")


# -- the run --------------------------------------------------------------------------

class Soak:
    def __init__(self, args):
        self.args = args
        self.stats = Stats()
        self.live = LiveSet()
        self.samples = []
        self.vault = "soak"
        self.repository = "soak/images"
        self.base_layers = [data_of(10_000 + i, 256 * KIB) for i in range(BASE_LAYERS)]
        self.interrupted = False
        self.weights = dict(Worker.OPS)
        for setting in args.weights:
            name, _, value = setting.partition("=")
            if name not in self.weights:
                raise SystemExit(f"--weight {name}: not one of {', '.join(self.weights)}")
            self.weights[name] = float(value)

    def start_server(self):
        args = self.args
        os.makedirs(args.out, exist_ok=True)
        self.data_dir = os.path.join(args.out, "soak-data")
        shutil.rmtree(self.data_dir, ignore_errors=True)
        creds = os.path.join(args.out, "soak-credentials")
        with open(creds, "w") as f:
            f.write(f"{KEY} {SECRET} {ACCOUNT}\n")
        env = dict(os.environ)
        for setting in args.server_env:
            name, _, value = setting.partition("=")
            env[name] = value
        self.argv = [args.bin, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", self.data_dir,
                     "--credentials", creds, "--log-level", args.log_level,
                     "--gc-interval", str(args.gc_interval), "--gc-grace", str(args.gc_grace),
                     "--layer-expiry", str(args.layer_expiry), "--upload-expiry", str(args.upload_expiry)]
        self.log_path = os.path.join(args.out, "soak-server.log")
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        self.pid = self.proc.pid
        deadline = time.monotonic() + 60
        while True:
            with open(self.log_path, "rb") as f:
                match = re.search(rb"listening on http://127\.0\.0\.1:(\d+)", f.read())
            if match:
                break
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{open(self.log_path).read()[-3000:]}")
            time.sleep(0.05)
        self.endpoint = f"http://127.0.0.1:{int(match.group(1))}"

    def stop_server(self):
        terminate(self.proc)
        self.log.close()

    def gdb_calls(self, *calls):
        """Attach gdb to the server (it stops for the few seconds this takes), make the calls, detach."""
        argv = ["gdb", "-p", str(self.pid), "-batch"]
        for call in calls:
            argv += ["-ex", call]
        return subprocess.run(argv, capture_output=True, text=True, timeout=180).stdout

    def malloc_info(self, tag):
        """glibc's malloc_info(3) of the server, kept as XML beside the series; returns its totals in MiB: what the
        allocator holds from the kernel (system), what of it is free (fast + rest), and what is mmapped."""
        path = os.path.join(self.args.out, f"malloc-info-{tag}.xml")
        start = time.monotonic()
        self.gdb_calls(f'call (void*)fopen("{path}", "w")', "call (int)malloc_info(0, $1)", "call (int)fclose($1)")
        paused = time.monotonic() - start
        try:
            text = open(path).read()
        except OSError:
            return {"error": "gdb could not call malloc_info"}
        tail = text[text.rindex("</heap>"):] if "</heap>" in text else text
        grab = lambda pattern: int(re.search(pattern, tail).group(1)) if re.search(pattern, tail) else 0  # noqa: E731
        out = {"heaps": text.count("<heap nr="),
               "system_mib": grab(r'<system type="current" size="(\d+)"') / MIB,
               "free_mib": (grab(r'<total type="fast" count="\d+" size="(\d+)"')
                            + grab(r'<total type="rest" count="\d+" size="(\d+)"')) / MIB,
               "mmap_mib": grab(r'<total type="mmap" count="\d+" size="(\d+)"') / MIB,
               "gdb_pause_s": paused}
        out["in_use_mib"] = out["system_mib"] - out["free_mib"] + out["mmap_mib"]
        return {k: round(v, 1) if isinstance(v, float) else v for k, v in out.items()}

    def server_stacks(self, why):
        """The server's threads' stacks (gdb), and this script's (faulthandler), into a file beside the series."""
        path = os.path.join(self.args.out, f"stacks-{time.strftime('%H%M%S')}.txt")
        with open(path, "w") as f:
            f.write(f"{why}\n\n")
            f.flush()
            subprocess.run(["gdb", "-p", str(self.pid), "-batch", "-ex", "thread apply all bt"], stdout=f,
                           stderr=subprocess.STDOUT, timeout=120, check=False)
            f.write("\n\n-- soak.py --\n")
            f.flush()
            faulthandler.dump_traceback(file=f, all_threads=True)
        print(f"{why}: stacks in {path}", flush=True)

    def setup(self):
        config = Config(retries={"total_max_attempts": 1})
        session = boto3.session.Session()
        kwargs = dict(endpoint_url=self.endpoint, region_name=REGION, aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                      config=config)
        session.client("glacier", **kwargs).create_vault(vaultName=self.vault)
        ecr = session.client("ecr", **kwargs)
        ecr.create_repository(repositoryName=self.repository)
        token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
        self.registry_password = base64.b64decode(token).decode().partition(":")[2]

    def sample(self, minute, started):
        pid = self.pid
        status = proc_status(pid)
        fds, fd_kinds = proc_fds(pid)
        try:
            metrics = requests.get(f"{self.endpoint}/metrics", timeout=30).text
            series = sum(1 for line in metrics.splitlines() if line and not line.startswith("#"))
        except requests.RequestException:
            series = None
        disk, files = dir_size(self.data_dir)
        with self.stats.lock:
            requests_done, errors, mismatches = self.stats.requests, sum(self.stats.errors.values()), len(self.stats.mismatches)
        record = {
            "minute": minute, "elapsed_s": round(time.monotonic() - started, 1),
            "time": datetime.datetime.now(datetime.timezone.utc).strftime("%H:%M:%S"),
            "rss_mib": round(status["VmRSS"], 1), "peak_rss_mib": round(status["VmHWM"], 1),
            "rss_anon_mib": round(status["RssAnon"], 1), "rss_file_mib": round(status["RssFile"], 1),
            "vm_size_mib": round(status["VmSize"], 1), "threads": status["Threads"],
            "smaps_mib": proc_smaps(pid), "fds": fds, "fd_kinds": fd_kinds,
            "cpu_s": round(proc_cpu(pid), 2), "requests": requests_done, "errors": errors, "mismatches": mismatches,
            "metrics_series": series, "data_mib": round(disk / MIB, 1), "data_files": files,
            "live": {kind: self.live.count(kind) for kind in LIVE},
            "latency": self.stats.take_minute(),
        }
        every = self.args.malloc_info_every
        if every and isinstance(minute, int) and minute and minute % every == 0:
            record["malloc"] = self.malloc_info(f"min{minute}")
            print(f"  malloc_info: {record['malloc']}", flush=True)
        self.samples.append(record)
        smaps = record["smaps_mib"]
        print(f"[{record['time']}] min {minute:>5}  rss {record['rss_mib']:6.1f} MiB (peak {record['peak_rss_mib']:.1f}; "
              f"heap {smaps['heap']:.0f}, {smaps['arena_count']} arenas {smaps['arenas']:.0f}, other anon "
              f"{smaps['anon_other']:.0f}, file {smaps['file']:.0f})  fds {fds:3d}  threads {status['Threads']}  "
              f"cpu {record['cpu_s']:7.1f} s  requests {requests_done:6d}  errors {errors}  mismatches {mismatches}  "
              f"series {series}  data {record['data_mib']:.0f} MiB/{files} files  live {record['live']}", flush=True)
        self.write_json()

    def write_json(self, final=None):
        path = self.json_path
        doc = {"command": " ".join(sys.argv), "server": " ".join(self.argv), "server_env": self.args.server_env,
               "weights": self.weights, "workers": self.args.workers,
               "binary_version": self.version, "started_utc": self.started_utc, "samples": self.samples}
        if final:
            doc.update(final)
        with open(path + ".tmp", "w") as f:
            json.dump(doc, f, indent=1)
        os.replace(path + ".tmp", path)

    def verify_all(self):
        """Every live object, read back whole with a worker of its own."""
        worker = Worker(self, 99)
        counts = collections.Counter()
        for kind in ("archive", "snapshot", "image"):
            for key, value in list(self.live.items[kind].items()):
                try:
                    if kind == "archive":
                        ok = worker.read_archive(key, *value)
                    elif kind == "snapshot":
                        ok = worker.read_snapshot(key, value)
                    else:
                        through_oci = worker.read_image(key, value, "oci")
                        ok = worker.read_image(key, value, "ecr") and through_oci
                except Exception as exc:  # noqa: BLE001
                    self.stats.mismatch(f"{kind} {key}: reading it back failed: {exc!r}"[:500])
                    ok = False
                counts[f"{kind}s checked"] += 1
                counts[f"{kind}s wrong"] += 0 if ok else 1
        return dict(counts)

    def run(self):
        args = self.args
        stamp = datetime.datetime.now(datetime.timezone.utc)
        self.started_utc = stamp.isoformat(timespec="seconds")
        os.makedirs(args.out, exist_ok=True)
        self.json_path = os.path.join(args.out, f"soak-{stamp.strftime('%Y%m%dT%H%M%SZ')}.json")
        self.version = subprocess.run([args.bin, "--version"], capture_output=True, text=True).stdout.strip()
        self.start_server()
        code = 1
        try:
            code = self.run_with_server(args)
            return code
        except BaseException:
            traceback.print_exc()
            raise
        finally:
            self.stop_server()
            if not args.keep_data and code == 0:
                shutil.rmtree(self.data_dir, ignore_errors=True)
            elif code:
                print(f"kept the server's data directory {self.data_dir} and its log {self.log_path}", flush=True)

    def run_with_server(self, args):
        print(f"{self.version}; server pid {self.pid} at {self.endpoint}; series to {self.json_path}", flush=True)
        print("$ " + " ".join(self.argv), flush=True)
        self.setup()
        started = time.monotonic()
        self.sample(0, started)
        stop = threading.Event()
        workers = [Worker(self, n) for n in range(args.workers)]
        threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in workers]
        for t in threads:
            t.start()
        end = started + args.minutes * 60
        minute = 0
        last_requests, last_progress, stalled = 0, time.monotonic(), False
        while time.monotonic() < end and not self.interrupted:
            next_sample = started + (minute + 1) * 60
            while time.monotonic() < min(next_sample, end) and not self.interrupted:
                time.sleep(1)
                if self.stats.requests != last_requests:
                    last_requests, last_progress = self.stats.requests, time.monotonic()
                elif time.monotonic() - last_progress > 90 and not stalled:
                    stalled = True
                    self.server_stacks("no request finished for 90 s")
                if self.proc.poll() is not None:
                    break
            if time.monotonic() >= next_sample - 0.5:
                minute += 1
                try:
                    self.sample(minute, started)
                except Exception:  # noqa: BLE001 - a sample that fails is reported, the load goes on
                    traceback.print_exc()
            if self.proc.poll() is not None:
                self.stats.mismatch(f"the server exited with {self.proc.returncode}")
                break
        stop.set()
        for t in threads:
            t.join(300)
        if self.proc.poll() is not None:
            self.write_json({"mismatches": self.stats.mismatches, "errors": dict(self.stats.errors)})
            print(f"the server exited with {self.proc.returncode}; its log: {self.log_path}", flush=True)
            return 1
        load_seconds = time.monotonic() - started
        cpu_load = proc_cpu(self.pid)
        requests_load = self.stats.requests
        self.sample(round((time.monotonic() - started) / 60, 2), started)
        trim = None
        if self.args.malloc_trim_at_end:
            # How much of the RSS is memory the allocator holds free: malloc_info, malloc_trim(0), RSS again.
            before = proc_status(self.pid)["VmRSS"]
            info = self.malloc_info("end")
            self.gdb_calls("call (int)malloc_trim(0)")
            time.sleep(1)
            trim = {"rss_before_mib": round(before, 1), "malloc_info": info,
                    "rss_after_trim_mib": round(proc_status(self.pid)["VmRSS"], 1), "smaps_after_trim_mib": proc_smaps(self.pid)}
            print(f"malloc_trim(0): RSS {trim['rss_before_mib']} -> {trim['rss_after_trim_mib']} MiB; malloc_info before: {info}",
                  flush=True)
        # Let the sweep run twice more over what is left, then read everything back.
        settle = args.gc_grace + 2 * args.gc_interval + 1
        print(f"load stopped after {load_seconds:.0f} s; waiting {settle:.0f} s for two more sweeps, then reading "
              f"every live object back", flush=True)
        time.sleep(settle)
        verification = self.verify_all()
        after = {"rss_mib": round(proc_status(self.pid)["VmRSS"], 1), "fds": proc_fds(self.pid)[0]}
        overall = {name: {"n": len(v), "p50_ms": round(percentile(v, 50) * 1000, 1), "p99_ms": round(percentile(v, 99) * 1000, 1)}
                   for name, v in sorted(self.stats.total.items())}
        final = {
            "load_seconds": round(load_seconds, 1), "requests_during_load": requests_load,
            "server_cpu_s_during_load": round(cpu_load, 2),
            "server_cpu_ms_per_request": round(cpu_load * 1000 / max(requests_load, 1), 3),
            "latency_overall": overall, "errors": dict(self.stats.errors), "error_samples": self.stats.error_samples,
            "handled_races": dict(self.stats.events), "mismatches": self.stats.mismatches, "verification": verification,
            "after_verification": after, "malloc_trim_at_end": trim,
        }
        self.write_json(final)
        self.report(final)
        return 1 if self.stats.mismatches or self.stats.errors else 0

    def report(self, final):
        samples = self.samples
        marks = sorted({0, 1, 5, 15, 30, samples[-1]["minute"]} & {s["minute"] for s in samples})
        rows = []
        for s in samples:
            if s["minute"] in marks:
                marks.remove(s["minute"])
                m = s["smaps_mib"]
                rows.append([s["minute"], f"{s['rss_mib']:.1f}", f"{s['peak_rss_mib']:.1f}",
                             f"{m['heap']:.0f} / {m['arenas']:.0f} ({m['arena_count']}) / {m['anon_other']:.0f}",
                             s["fds"], s["threads"], f"{s['cpu_s']:.1f}", s["requests"], s["metrics_series"],
                             f"{s['data_mib']:.0f}"])
        print()
        print_table(["minute", "RSS MiB", "peak RSS MiB", "heap / arenas (n) / other anon MiB", "fds", "threads",
                     "server CPU s", "requests", "/metrics series", "data MiB"], rows)
        print()
        print_table(["operation", "requests", "p50 ms", "p99 ms"],
                    [[name, v["n"], v["p50_ms"], v["p99_ms"]] for name, v in final["latency_overall"].items()])
        print()
        print(f"server CPU during the load: {final['server_cpu_s_during_load']:.1f} s for {final['requests_during_load']} "
              f"requests = {final['server_cpu_ms_per_request']:.2f} ms a request")
        print(f"handled races: {final['handled_races']}")
        print(f"verification: {final['verification']}")
        print(f"errors: {final['errors'] or 'none'}")
        for line in final["error_samples"][:10]:
            print("  " + line)
        print(f"mismatches: {len(final['mismatches'])}")
        for line in final["mismatches"][:20]:
            print("  " + line)
        print(f"series: {self.json_path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="client threads")
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/tessera"),
                        help="the server binary; copied to --copy-to first (the build tree gets rebuilt under a long run)")
    parser.add_argument("--copy-to", default="/tmp/soak-tessera", help="where the binary is copied; '' runs --bin as it is")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/out"))
    parser.add_argument("--gc-interval", type=float, default=2)
    parser.add_argument("--gc-grace", type=float, default=5)
    parser.add_argument("--layer-expiry", type=float, default=30)
    parser.add_argument("--upload-expiry", type=float, default=60)
    parser.add_argument("--log-level", default="warning")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="set in the server's environment, e.g. GLIBC_TUNABLES=glibc.malloc.arena_max=2 (repeatable)")
    parser.add_argument("--weight", dest="weights", action="append", default=[], metavar="OP=WEIGHT",
                        help="change how often an operation is picked (repeatable; 0 leaves it out): "
                             + ", ".join(f"{o}={w}" for o, w in Worker.OPS))
    parser.add_argument("--malloc-info-every", type=int, default=0, metavar="MINUTES",
                        help="every so many minutes, attach gdb and record glibc's malloc_info (pauses the server a few s)")
    parser.add_argument("--malloc-trim-at-end", action="store_true",
                        help="when the load stops, record malloc_info, call malloc_trim(0) through gdb and record RSS again")
    parser.add_argument("--keep-data", action="store_true", help="leave the server's data directory in place")
    args = parser.parse_args()
    if args.copy_to and os.path.abspath(args.bin) != os.path.abspath(args.copy_to):
        shutil.copy2(args.bin, args.copy_to)
        args.bin = args.copy_to
    soak = Soak(args)
    faulthandler.register(signal.SIGUSR1, all_threads=True)  # kill -USR1 <pid>: this script's stacks on stderr

    def interrupt(*_):  # SIGTERM / Ctrl-C: stop the load early, check what is live, report
        if soak.interrupted:
            raise KeyboardInterrupt
        soak.interrupted = True
        print("interrupted: stopping the load", flush=True)
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    sys.exit(soak.run())


if __name__ == "__main__":
    main()
