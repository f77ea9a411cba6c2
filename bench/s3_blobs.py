#!/usr/bin/env python3
"""S3 blob store benchmark: Tessera with its blobs in the data directory (`--blobs data-dir`) beside Tessera
with its blobs in a bucket on Ceph radosgw (`--blobs s3://…`), both on SQLite metadata, and beside boto3
sending the same bytes straight to the same radosgw (the object store's own limit), all in one run.

    swift build -c release --product tessera
    python3 bench/s3_blobs.py [--archive-mib 512] [--part-mib 64] [--ranges 32] [--blocks 2000]

Workloads, each run against the three targets one after another (local, S3, straight to radosgw):

1. Glacier: a multipart upload of one archive in 64 MiB parts from 4 boto3 threads, then GetJobOutput of the
   whole archive (an archive-retrieval job; the server's job delay is 0). Straight to radosgw: a multipart
   upload of the same file in 8 MiB parts (the part size Tessera uses towards S3) from 4 threads, then
   get_object. Every body read back is checked against the file's SHA-256.
2. Glacier ranged GetJobOutput: `--ranges` random 1 MiB ranges of that archive, one at a time, first starting
   at MiB boundaries (tree-hash aligned: Tessera then reads the range twice, once for its tree hash), then at
   any byte (get_object with Range on the object straight to radosgw). Beside them, boto3 GETs of an object the
   size of a part's chunk list: radosgw's own time for a small answer.
3. EBS: StartSnapshot, `--blocks` PutSnapshotBlock of random 512 KiB blocks from 16 threads, CompleteSnapshot,
   then GetSnapshotBlock of every block from 16 threads (put_object / get_object of 512 KiB objects from 16
   threads straight to radosgw).

For each: wall time, rate, and CPU time from /proc and getrusage — Tessera's, the object store's (radosgw,
ceph-osd and ceph-mon, the PIDs in DIR/run/*.pid) and this client's — per MiB (per range, per block), and
Tessera's peak RSS during that workload (VmHWM, reset before each one through /proc/PID/clear_refs).

The script starts its own radosgw cluster (scripts/radosgw start, objects in memory; --memstore-gib caps it)
in a fresh directory under /tmp and stops it at the end, unless --rgw-dir names a running one. Prints Markdown
tables for bench/README.md. Servers listen on 127.0.0.1 only; scratch files go to bench/out/s3-blobs and are
removed.
"""
import argparse, base64, concurrent.futures, glob, hashlib, os, random, resource, shutil, signal, subprocess
import sys, tempfile, time

import boto3
from botocore.config import Config

from benchlib import KEY, MIB, SECRET, block_tokens, make_file, print_table, proc_status_mib, start_tessera

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = 512 << 10
THREADS = 16
S3_PART = 8 * MIB
BUCKET = "tessera-bench"
DIRECT_BUCKET = "bench-direct"


# --- the object store --------------------------------------------------------------------------------------

class Cluster:
    """A radosgw cluster started by scripts/radosgw (or one already running in `dir`), with its endpoint, keys
    and daemons' PIDs."""

    def __init__(self, dir, start, memstore_bytes):
        self.dir, self.started = dir, False
        if start:
            env = dict(os.environ, TESSERA_RADOSGW_MEMSTORE_BYTES=str(memstore_bytes))
            self.started = True  # stop() removes what a failed start left, too
            subprocess.run([os.path.join(ROOT, "scripts/radosgw"), "start", dir], check=True, env=env,
                           stdout=subprocess.DEVNULL)
        self.env = {}
        with open(os.path.join(dir, "env")) as f:
            for line in f:
                name, _, value = line.removeprefix("export ").strip().partition("=")
                self.env[name] = value.strip("'\"")
        self.endpoint = self.env["TESSERA_TEST_S3_ENDPOINT"]
        self.pids = {}
        for path in glob.glob(os.path.join(dir, "run", "*.pid")):
            with open(path) as f:
                self.pids[os.path.basename(path)[:-4]] = int(f.read().split()[0])

    def daemon_names(self):
        """The daemons' process names by PID (radosgw, ceph-osd, ceph-mon)."""
        names = {}
        for pid in self.pids.values():
            with open(f"/proc/{pid}/comm") as f:
                names[pid] = f.read().strip()
        return names

    def cpu_seconds(self):
        """User + system CPU of each daemon so far, by process name."""
        names = self.daemon_names()
        return {names[pid]: proc_cpu(pid) for pid in self.pids.values()}

    def rss_mib(self):
        names = self.daemon_names()
        return {names[pid]: proc_status_mib(pid, "VmRSS") for pid in self.pids.values()}

    def s3(self):
        return boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id=self.env["TESSERA_S3_ACCESS_KEY_ID"],
                            aws_secret_access_key=self.env["TESSERA_S3_SECRET_ACCESS_KEY"],
                            config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1},
                                          read_timeout=600, max_pool_connections=THREADS * 2))

    def stop(self):
        if self.started:
            subprocess.run([os.path.join(ROOT, "scripts/radosgw"), "stop", self.dir], check=False)


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")



def reset_peak_rss(pid):
    """Resets VmHWM to the current RSS (Linux ≥ 4.0), so the next reading is this workload's peak."""
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")


def machine_busy_seconds():
    """CPU seconds the whole machine has spent busy (every process, all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def client_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- one measured run ------------------------------------------------------------------------------------

class Target:
    """Where a workload runs: a Tessera server (local or S3 blobs) or straight to radosgw (server None)."""

    def __init__(self, name, server=None):
        self.name, self.server = name, server

    @property
    def port(self):
        return self.server.port


def measure(target, cluster, run):
    """Runs `run()` and returns a dict: seconds, the CPU seconds of Tessera, of each object store daemon and
    of this client meanwhile, Tessera's peak RSS, and run()'s result (or the error it raised)."""
    server = target.server
    if server:
        reset_peak_rss(server.proc.pid)
    store0, client0, tessera0 = cluster.cpu_seconds(), client_cpu(), server.cpu_seconds() if server else 0
    busy0 = machine_busy_seconds()
    start = time.monotonic()
    error, result = None, None
    try:
        result = run()
    except Exception as e:  # the row says so; the other targets still run
        error = f"{type(e).__name__}: {str(e)[:200]}"
    seconds = time.monotonic() - start
    store1, busy = cluster.cpu_seconds(), machine_busy_seconds() - busy0
    m = {"seconds": seconds, "client": client_cpu() - client0,
         "tessera": (server.cpu_seconds() - tessera0) if server else None,
         "store": {name: store1[name] - store0.get(name, 0) for name in store1},
         "rss": server.peak_rss_mib if server else None, "error": error, "result": result}
    # What every other process on the machine used meanwhile, in cores: the noise beside this run.
    m["others"] = max(0.0, busy - m["client"] - (m["tessera"] or 0) - sum(m["store"].values())) / seconds
    return m


# --- Glacier ---------------------------------------------------------------------------------------------

def glacier(port):
    return boto3.client("glacier", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"total_max_attempts": 1}, read_timeout=600, max_pool_connections=THREADS))


def tree_of(nodes_hex):
    nodes = [bytes.fromhex(h) for h in nodes_hex]
    while len(nodes) > 1:
        nodes = [hashlib.sha256(nodes[i] + nodes[i + 1]).digest() if i + 1 < len(nodes) else nodes[i]
                 for i in range(0, len(nodes), 2)]
    return nodes[0].hex()


def read_part(path, offset, length):
    with open(path, "rb") as f:
        f.seek(offset)
        return f.read(length)


def glacier_upload(port, path, size, part, threads=4):
    """Multipart upload of the file in `part`-byte parts from `threads` boto3 threads; returns the archive id."""
    client = glacier(port)
    client.create_vault(vaultName="bench")
    upload = client.initiate_multipart_upload(vaultName="bench", partSize=str(part))["uploadId"]

    def send(offset):
        body = read_part(path, offset, min(part, size - offset))
        r = client.upload_multipart_part(vaultName="bench", uploadId=upload, body=body,
                                         range=f"bytes {offset}-{offset + len(body) - 1}/*")
        return offset, r["checksum"]

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        parts = sorted(pool.map(send, range(0, size, part)))
    return client.complete_multipart_upload(vaultName="bench", uploadId=upload, archiveSize=str(size),
                                            checksum=tree_of([c for _, c in parts]))["archiveId"]


def retrieval_job(port, archive):
    """An archive-retrieval job for the archive, waited for until it has succeeded."""
    client = glacier(port)
    job = client.initiate_job(vaultName="bench", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive})["jobId"]
    for _ in range(600):
        if client.describe_job(vaultName="bench", jobId=job)["StatusCode"] == "Succeeded":
            return job
        time.sleep(0.1)
    raise RuntimeError("the retrieval job did not succeed")


def drain(body, digest):
    """Reads a streaming body to its end in 1 MiB pieces, hashing it; returns (bytes, hex digest)."""
    total = 0
    for piece in body.iter_chunks(MIB):
        digest.update(piece)
        total += len(piece)
    return total, digest.hexdigest()


def glacier_download(port, job, size, expected):
    total, hex_ = drain(glacier(port).get_job_output(vaultName="bench", jobId=job)["body"], hashlib.sha256())
    assert (total, hex_) == (size, expected), "the archive came back whole and unchanged"


def glacier_ranges(port, job, offsets, length, path):
    client = glacier(port)
    for offset in offsets:
        got = client.get_job_output(vaultName="bench", jobId=job, range=f"bytes={offset}-{offset + length - 1}")["body"].read()
        assert got == read_part(path, offset, length), f"range at {offset} came back unchanged"


def direct_upload(s3, path, size, threads=4):
    """Straight to radosgw: a multipart upload of the file in 8 MiB parts from `threads` threads."""
    upload = s3.create_multipart_upload(Bucket=DIRECT_BUCKET, Key="archive")["UploadId"]

    def send(number):
        offset = (number - 1) * S3_PART
        body = read_part(path, offset, min(S3_PART, size - offset))
        return number, s3.upload_part(Bucket=DIRECT_BUCKET, Key="archive", UploadId=upload, PartNumber=number, Body=body)["ETag"]

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        parts = sorted(pool.map(send, range(1, (size + S3_PART - 1) // S3_PART + 1)))
    s3.complete_multipart_upload(Bucket=DIRECT_BUCKET, Key="archive", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]})


def direct_download(s3, size, expected):
    total, hex_ = drain(s3.get_object(Bucket=DIRECT_BUCKET, Key="archive")["Body"], hashlib.sha256())
    assert (total, hex_) == (size, expected), "the object came back whole and unchanged"


def direct_ranges(s3, offsets, length, path):
    for offset in offsets:
        got = s3.get_object(Bucket=DIRECT_BUCKET, Key="archive", Range=f"bytes={offset}-{offset + length - 1}")["Body"].read()
        assert got == read_part(path, offset, length), f"range at {offset} came back unchanged"


# --- EBS -------------------------------------------------------------------------------------------------

def ebs(port):
    return boto3.client("ebs", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=THREADS * 2))


def ebs_put(port, blocks, sums):
    """StartSnapshot, every block from 16 threads, CompleteSnapshot; returns the snapshot id."""
    client = ebs(port)
    snap = client.start_snapshot(VolumeSize=max(1, (len(blocks) + 2047) // 2048))["SnapshotId"]

    def put(index):
        client.put_snapshot_block(SnapshotId=snap, BlockIndex=index, BlockData=blocks[index], DataLength=BLOCK,
                                  Checksum=sums[index], ChecksumAlgorithm="SHA256")

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(put, range(len(blocks))))
    assert client.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=len(blocks))["Status"] == "completed"
    return snap


def ebs_get(port, snap, tokens, blocks):
    client = ebs(port)

    def get(item):
        index, token = item
        data = client.get_snapshot_block(SnapshotId=snap, BlockIndex=index, BlockToken=token)["BlockData"].read()
        assert data == blocks[index], f"block {index} came back unchanged"

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(get, tokens.items()))


def direct_put_blocks(s3, blocks):
    def put(index):
        s3.put_object(Bucket=DIRECT_BUCKET, Key=f"blocks/{index}", Body=blocks[index])

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(put, range(len(blocks))))


def direct_get_blocks(s3, blocks):
    def get(index):
        data = s3.get_object(Bucket=DIRECT_BUCKET, Key=f"blocks/{index}")["Body"].read()
        assert data == blocks[index], f"block {index} came back unchanged"

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(get, range(len(blocks))))


# --- the tables ------------------------------------------------------------------------------------------

def row(target, m, units, unit_name, unit_label, rate_of, reference=None, direct=None):
    """One table row: wall time, rate, and CPU per unit (MiB, range or block) of Tessera, the object store
    (radosgw + ceph-osd + ceph-mon) and the client, with the sum of the three and what two cores would allow
    at that cost."""
    if m["error"]:
        return (target.name, f"{m['seconds']:.2f} s", "error", "", "", "", "", m["error"])
    store = m["store"]
    per = lambda seconds: seconds / units * 1000
    tessera = per(m["tessera"]) if m["tessera"] is not None else 0.0
    store_total = per(sum(store.values()))
    parts = " + ".join(f"{per(store.get(n, 0)):.2f}" for n in ("radosgw", "ceph-osd", "ceph-mon"))
    total = tessera + store_total + per(m["client"])
    notes = []
    if reference and not reference["error"]:
        notes.append(f"{m['seconds'] / reference['seconds']:.2f}× local's time")
    if direct and not direct["error"]:
        notes.append(f"{m['seconds'] / direct['seconds']:.2f}× radosgw-direct's time")
    notes.append(f"all CPU {total:.2f} ms/{unit_name}: two cores allow {2000 / total:.0f} {unit_label}")
    notes.append(f"other processes {m['others']:.2f} cores")
    return (target.name, f"{m['seconds']:.2f} s", rate_of(m["seconds"]),
            f"{tessera:.2f}" if m["tessera"] is not None else "—",
            f"{store_total:.2f} ({parts})", f"{per(m['client']):.2f}",
            f"{m['rss']:.0f} MiB" if m["rss"] is not None else "—", "; ".join(notes))


def header(unit):
    return ("target", "wall", "rate", f"Tessera CPU ms/{unit}", f"object store CPU ms/{unit} (rgw + osd + mon)",
            f"client CPU ms/{unit}", "Tessera peak RSS", "note")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/tessera"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/out/s3-blobs"))
    parser.add_argument("--archive-mib", type=int, default=512)
    parser.add_argument("--part-mib", type=int, default=64, help="Glacier part size")
    parser.add_argument("--ranges", type=int, default=32, help="random 1 MiB ranges read by GetJobOutput")
    parser.add_argument("--blocks", type=int, default=2000, help="EBS blocks of 512 KiB")
    parser.add_argument("--rgw-dir", help="a radosgw cluster already running (scripts/radosgw start DIR); default: start one")
    parser.add_argument("--memstore-gib", type=int, default=8, help="the OSD's RAM cap for a cluster this script starts")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    # SIGTERM ends the run like ^C: the finally clauses stop every server and the cluster.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(args.out)
    size, part = args.archive_mib * MIB, args.part_mib * MIB
    archive_path = os.path.join(args.out, "archive.bin")
    make_file(archive_path, size)
    with open(archive_path, "rb") as f:
        archive_sha = hashlib.file_digest(f, "sha256").hexdigest()
    rng = random.Random(args.seed)
    offsets = [rng.randrange(0, (size - MIB) // MIB + 1) * MIB for _ in range(args.ranges)]
    unaligned = [rng.randrange(0, size - MIB + 1) for _ in range(args.ranges)]
    blocks = [os.urandom(BLOCK) for _ in range(args.blocks)]
    sums = [base64.b64encode(hashlib.sha256(b).digest()).decode() for b in blocks]
    os.sync()  # the archive file just written must not be flushing while the servers' writes are timed

    load_start = open("/proc/loadavg").read().split()[0]
    rgw_dir = args.rgw_dir or tempfile.mkdtemp(prefix="rgw-bench-")
    cluster = None
    servers = []
    try:
        cluster = Cluster(rgw_dir, start=not args.rgw_dir, memstore_bytes=args.memstore_gib << 30)
        s3 = cluster.s3()
        s3.create_bucket(Bucket=DIRECT_BUCKET)
        local = Target("Tessera, local blobs", start_tessera(args.bin, args.out, "local"))
        servers.append(local.server)
        s3_env = dict(os.environ, TESSERA_S3_ACCESS_KEY_ID=cluster.env["TESSERA_S3_ACCESS_KEY_ID"],
                      TESSERA_S3_SECRET_ACCESS_KEY=cluster.env["TESSERA_S3_SECRET_ACCESS_KEY"])
        remote = Target("Tessera, S3 blobs (radosgw)", start_tessera(
            args.bin, args.out, "s3", ["--blobs", f"s3://{BUCKET}", "--s3-endpoint", cluster.endpoint,
                                       "--s3-region", "us-east-1"], env=s3_env))
        servers.append(remote.server)
        direct = Target("boto3 straight to radosgw")
        tessera_targets = (local, remote)
        mib = lambda seconds, n: f"{n / seconds:.0f} MiB/s"
        archive_mib = size / MIB

        # 1. Glacier upload, then the whole archive back.
        up, archives = {}, {}
        for t in tessera_targets:
            up[t] = measure(t, cluster, lambda: glacier_upload(t.port, archive_path, size, part))
            archives[t] = up[t]["result"]
        up[direct] = measure(direct, cluster, lambda: direct_upload(s3, archive_path, size))
        jobs = {t: retrieval_job(t.port, archives[t]) for t in tessera_targets if archives[t]}
        down = {t: measure(t, cluster, lambda: glacier_download(t.port, jobs[t], size, archive_sha)) for t in jobs}
        down[direct] = measure(direct, cluster, lambda: direct_download(s3, size, archive_sha))

        # 2. Ranges of it: at MiB boundaries (Tessera then also computes the range's tree hash) and anywhere.
        ranged = {}
        for aligned, starts in ((True, offsets), (False, unaligned)):
            for t in jobs:
                ranged[aligned, t] = measure(t, cluster, lambda: glacier_ranges(t.port, jobs[t], starts, MIB, archive_path))
            ranged[aligned, direct] = measure(direct, cluster, lambda: direct_ranges(s3, starts, MIB, archive_path))
        # radosgw's own answer time for an object the size of a part's chunk list (32 bytes a MiB).
        list_size = 32 * (part // MIB)
        s3.put_object(Bucket=DIRECT_BUCKET, Key="small", Body=os.urandom(list_size))
        small = measure(direct, cluster, lambda: [s3.get_object(Bucket=DIRECT_BUCKET, Key="small")["Body"].read()
                                                  for _ in range(args.ranges)])

        # 3. EBS blocks in, then out.
        bput, snaps = {}, {}
        for t in tessera_targets:
            bput[t] = measure(t, cluster, lambda: ebs_put(t.port, blocks, sums))
            snaps[t] = bput[t]["result"]
        bput[direct] = measure(direct, cluster, lambda: direct_put_blocks(s3, blocks))
        tokens = {t: block_tokens(ebs(t.port), snaps[t], len(blocks))[0] for t in tessera_targets if snaps[t]}
        bget = {t: measure(t, cluster, lambda: ebs_get(t.port, snaps[t], tokens[t], blocks)) for t in tokens}
        bget[direct] = measure(direct, cluster, lambda: direct_get_blocks(s3, blocks))

        end_rss = {t.name: proc_status_mib(t.server.proc.pid, "VmRSS") for t in tessera_targets}
        store_rss = cluster.rss_mib()
        load_end = open("/proc/loadavg").read().split()[0]
    finally:
        for server in servers:
            server.stop()
        if cluster:
            cluster.stop()
        elif not args.rgw_dir:
            subprocess.run([os.path.join(ROOT, "scripts/radosgw"), "stop", rgw_dir], check=False)
        shutil.rmtree(args.out, ignore_errors=True)

    order = (local, remote, direct)

    def table(title, measured, units, unit_name, unit_label, rate_of):
        print(f"\n{title}\n")
        print_table(header(unit_name), [
            row(t, measured[t], units, unit_name, unit_label, rate_of,
                reference=measured.get(local) if t is remote else None,
                direct=measured.get(direct) if t is not direct else None)
            for t in order if t in measured])

    print(f"load average at the start {load_start}, at the end {load_end}")
    table(f"Glacier multipart upload, {args.archive_mib} MiB in {args.part_mib} MiB parts, 4 boto3 threads "
          f"(straight to radosgw: 8 MiB parts, 4 threads)", up, archive_mib, "MiB", "MiB/s",
          lambda s: mib(s, archive_mib))
    table(f"Glacier GetJobOutput of the whole {args.archive_mib} MiB archive (straight to radosgw: get_object)",
          down, archive_mib, "MiB", "MiB/s", lambda s: mib(s, archive_mib))
    for aligned, where in ((True, "starting at random MiB boundaries (Tessera also computes each range's tree hash)"),
                           (False, "starting at random bytes (no tree hash)")):
        table(f"Glacier GetJobOutput of {args.ranges} random 1 MiB ranges, one at a time, {where}; "
              f"straight to radosgw: get_object with Range", {t: m for (a, t), m in ranged.items() if a == aligned},
              args.ranges, "range", "ranges/s", lambda s: f"{s / args.ranges * 1000:.1f} ms/range")
    print(f"\nboto3 straight to radosgw, {args.ranges} GETs of one {list_size}-byte object (a {args.part_mib} MiB part's "
          f"chunk list): {small['seconds'] / args.ranges * 1000:.1f} ms each" + (f" ({small['error']})" if small["error"] else ""))
    block_mib = args.blocks * BLOCK / MIB
    table(f"EBS PutSnapshotBlock of {args.blocks} random 512 KiB blocks, 16 boto3 threads, with Start/CompleteSnapshot "
          f"(straight to radosgw: put_object)", bput, args.blocks, "block", "blocks/s",
          lambda s: f"{args.blocks / s:.0f} blocks/s = {block_mib / s:.0f} MiB/s")
    table(f"EBS GetSnapshotBlock of every block, 16 boto3 threads (straight to radosgw: get_object)",
          bget, args.blocks, "block", "blocks/s", lambda s: f"{args.blocks / s:.0f} blocks/s = {block_mib / s:.0f} MiB/s")
    print("\nRSS at the end: " + ", ".join(f"{name} {rss:.0f} MiB" for name, rss in end_rss.items())
          + "; object store daemons " + ", ".join(f"{name} {rss:.0f} MiB" for name, rss in store_rss.items()))


if __name__ == "__main__":
    sys.exit(main())
