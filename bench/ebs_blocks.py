#!/usr/bin/env python3
"""EBS direct API benchmark: PutSnapshotBlock and GetSnapshotBlock throughput from a concurrent boto3
client (16 threads) against Tessera and against moto_server in the same run, a native concurrent client
(curl --parallel, 16 at once) to tell the server's limit from boto3's, and the space an 8 GiB volume that
is 90 % zero blocks takes on disk.

    swift build -c release --product tessera
    python3 bench/ebs_blocks.py [--blocks 2048] [--skip-moto] [--skip-sparse]

Prints a Markdown table for bench/README.md. Servers listen on 127.0.0.1 only and are stopped at the end.
"""
import argparse, base64, concurrent.futures, hashlib, mmap, os, resource, shutil, subprocess, sys, time, urllib.parse

import boto3
from botocore.config import Config

import sendfile_client
from benchlib import KEY, MIB, SECRET, block_tokens, run_dd, signed_headers, start_moto, start_tessera, print_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = 524288
THREADS = 16


def ebs_client(port):
    return boto3.client("ebs", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=THREADS * 2))


def checksum(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def boto3_put(port, blocks):
    """16 threads of boto3 PutSnapshotBlock; returns (seconds, snapshot id)."""
    ebs = ebs_client(port)
    volume = max(1, (len(blocks) + 2047) // 2048)
    snap = ebs.start_snapshot(VolumeSize=volume)["SnapshotId"]
    sums = [checksum(b) for b in blocks]

    def put(index):
        ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=index, BlockData=blocks[index], DataLength=BLOCK,
                               Checksum=sums[index], ChecksumAlgorithm="SHA256")

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(put, range(len(blocks))))
    seconds = time.monotonic() - start
    ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=len(blocks))
    return seconds, snap


def boto3_get(port, snap, count):
    """16 threads of boto3 GetSnapshotBlock over every block; returns seconds."""
    ebs = ebs_client(port)
    tokens, _ = block_tokens(ebs, snap, count)

    def get(item):
        index, token = item
        data = ebs.get_snapshot_block(SnapshotId=snap, BlockIndex=index, BlockToken=token)["BlockData"].read()
        assert len(data) == BLOCK

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(get, tokens.items()))
    return time.monotonic() - start


def block_puts(port, out, count, distinct=None):
    """A new snapshot and `count` PutSnapshotBlock requests for it, signed as botocore would, their bodies
    from `distinct` block files (default: every block distinct, so nothing is saved by dedup); returns
    (snapshot id, [(path, headers, body file)])."""
    distinct = distinct or count
    ebs = ebs_client(port)
    snap = ebs.start_snapshot(VolumeSize=max(1, (count + 2047) // 2048))["SnapshotId"]
    files = []
    for i in range(distinct):
        path = os.path.join(out, f"block-{i}")
        data = os.urandom(BLOCK)
        with open(path, "wb") as f:
            f.write(data)
        files.append((path, checksum(data)))
    requests = []
    for index in range(count):
        path, sum_ = files[index % distinct]
        url = f"/snapshots/{snap}/blocks/{index}"
        requests.append((url, signed_headers(port, "ebs", "PUT", url, {
            "x-amz-Data-Length": str(BLOCK), "x-amz-Checksum": sum_, "x-amz-Checksum-Algorithm": "SHA256",
            "X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"}), path))
    os.sync()  # the block files just written must not be flushing while the server's writes are timed
    return snap, requests


def block_gets(port, snap, count):
    """GetSnapshotBlock requests for every block of `snap`, signed beforehand: [(path, headers)]."""
    tokens, _ = block_tokens(ebs_client(port), snap, count)
    requests = []
    for index, token in sorted(tokens.items()):
        url = f"/snapshots/{snap}/blocks/{index}?blockToken={urllib.parse.quote(token, safe='')}"
        requests.append((url, signed_headers(port, "ebs", "GET", url, {})))
    return requests


def complete(port, snap, count):
    status = ebs_client(port).complete_snapshot(SnapshotId=snap, ChangedBlocksCount=count)["Status"]
    assert status == "completed", "every block sent was stored"


class ClientCPU:
    """CPU used by this process and its finished children while the block is timed (the client's share
    of the two cores)."""

    def __enter__(self):
        self.start = self._now()
        return self

    def __exit__(self, *exc):
        self.seconds = self._now() - self.start

    @staticmethod
    def _now():
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def curl_put(port, out, count, distinct=None):
    """curl --parallel (16 at once) PUTting `count` blocks; returns (seconds, client CPU seconds, snapshot id)."""
    snap, requests = block_puts(port, out, count, distinct)
    config = os.path.join(out, "curl.cfg")
    with open(config, "w") as cfg:
        for n, (url, headers, path) in enumerate(requests):
            cfg.write(f'url = "http://127.0.0.1:{port}{url}"\nupload-file = "{path}"\noutput = "/dev/null"\n')
            cfg.write('header = "Expect:"\n')
            for name, value in headers.items():
                cfg.write(f'header = "{name}: {value}"\n')
            if n + 1 < count:
                cfg.write("next\n")
    start = time.monotonic()
    with ClientCPU() as cpu:
        subprocess.run(["curl", "-sS", "--no-progress-meter", "--fail-with-body", "--parallel", "--parallel-max", str(THREADS), "-K", config], check=True)
    seconds = time.monotonic() - start
    complete(port, snap, count)
    return seconds, cpu.seconds, snap


def curl_get(port, out, snap, count):
    """curl --parallel (16 at once) GetSnapshotBlock of every block of `snap`; checks every body's length;
    returns (seconds, client CPU seconds)."""
    config = os.path.join(out, "curl-get.cfg")
    bodies = os.path.join(out, "got")
    os.makedirs(bodies, exist_ok=True)
    with open(config, "w") as cfg:
        for n, (url, headers) in enumerate(block_gets(port, snap, count)):
            # Every body lands in one of 16 files, so the check below reads what the server sent
            # without the page cache filling with 1 GiB of copies.
            cfg.write(f'url = "http://127.0.0.1:{port}{url}"\noutput = "{bodies}/{n % THREADS}"\n')
            cfg.write('write-out = "%{size_download}\\n"\n')
            for name, value in headers.items():
                cfg.write(f'header = "{name}: {value}"\n')
            if n + 1 < count:
                cfg.write("next\n")
    start = time.monotonic()
    with ClientCPU() as cpu:
        done = subprocess.run(["curl", "-sS", "--no-progress-meter", "--fail-with-body", "--parallel", "--parallel-max", str(THREADS), "-K", config],
                              check=True, capture_output=True, text=True)
    seconds = time.monotonic() - start
    sizes = done.stdout.split()
    assert len(sizes) == count and all(int(size) == BLOCK for size in sizes), "every block came back whole"
    shutil.rmtree(bodies, ignore_errors=True)
    return seconds, cpu.seconds


def sendfile_put(port, out, count, distinct=None):
    """16 keep-alive connections PUTting `count` blocks with os.sendfile (sendfile_client.py); returns
    (seconds, client CPU seconds, snapshot id)."""
    snap, requests = block_puts(port, out, count, distinct)
    prepared = [sendfile_client.Request("PUT", url, port, headers, path) for url, headers, path in requests]
    start = time.monotonic()
    with ClientCPU() as cpu:
        answers = sendfile_client.run(port, prepared, THREADS)
    seconds = time.monotonic() - start
    assert all(200 <= status < 300 for status, _ in answers), "every block was accepted"
    complete(port, snap, count)
    return seconds, cpu.seconds, snap


def sendfile_get(port, out, snap, count):
    """16 keep-alive connections reading every block of `snap` (nothing is written under `out`); checks every
    body's length; returns (seconds, client CPU seconds)."""
    prepared = [sendfile_client.Request("GET", url, port, headers) for url, headers in block_gets(port, snap, count)]
    start = time.monotonic()
    with ClientCPU() as cpu:
        answers = sendfile_client.run(port, prepared, THREADS)
    seconds = time.monotonic() - start
    assert all(answer == (200, BLOCK) for answer in answers), "every block came back whole"
    return seconds, cpu.seconds


# The native clients, each a put and a get with the same signatures: (name, put, get).
NATIVE_CLIENTS = (("curl", curl_put, curl_get), ("sendfile", sendfile_put, sendfile_get))


def sparse_volume(port, data_dir, gib=8, random_share=0.10):
    """An `gib` GiB volume, `random_share` random blocks and the rest all-zero; returns bytes of blobs on disk."""
    ebs = ebs_client(port)
    total = gib * 2048
    snap = ebs.start_snapshot(VolumeSize=gib)["SnapshotId"]
    zero = bytes(BLOCK)
    zero_sum = checksum(zero)
    every = round(1 / random_share)

    def put(index):
        data = os.urandom(BLOCK) if index % every == 0 else zero
        ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=index, BlockData=data, DataLength=BLOCK,
                               Checksum=checksum(data) if data is not zero else zero_sum, ChecksumAlgorithm="SHA256")

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(put, range(total)))
    assert ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=total)["Status"] == "completed"
    blobs = os.path.join(data_dir, "blobs", "sha256")
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, names in os.walk(blobs) for f in names), total


def small_file_limit(out, count, threads=THREADS):
    """The disk's rate for exactly what Tessera does to acknowledge a new block, without a server: `threads`
    threads each writing a distinct 512 KiB file with O_DIRECT from an aligned buffer, fdatasync, rename
    into a shard directory, fsync that directory. Returns seconds.

    The files stay until the end of the run: on ext4 without a journal (this machine's disk) creating a
    file skips over inodes freed in the last minutes, so deleting them here would slow the server's run."""
    root = os.path.join(out, "limit")
    os.makedirs(root, exist_ok=True)
    for shard in range(256):
        os.makedirs(os.path.join(root, f"{shard:02x}"), exist_ok=True)
    direct = getattr(os, "O_DIRECT", 0)

    def one(index, buffer):
        shard = os.path.join(root, f"{index % 256:02x}")
        temp = os.path.join(root, f"tmp-{index}")
        buffer[-8:] = index.to_bytes(8, "big")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | direct, 0o644)
        try:
            os.write(fd, buffer)
            os.fdatasync(fd)
        finally:
            os.close(fd)
        os.rename(temp, os.path.join(shard, str(index)))
        fd = os.open(shard, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def worker(first):
        buffer = mmap.mmap(-1, BLOCK)  # page-aligned, as direct I/O needs
        buffer[:] = os.urandom(BLOCK)
        for index in range(first, count, threads):
            one(index, buffer)

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/tessera"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/out"))
    parser.add_argument("--blocks", type=int, default=2048, help="blocks per throughput run (2048 = 1 GiB)")
    parser.add_argument("--skip-moto", action="store_true")
    parser.add_argument("--skip-sparse", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    blocks = [os.urandom(BLOCK) for _ in range(args.blocks)]
    rows = [("disk: dd 1 GiB, conv=fdatasync", f"{run_dd(args.out):.0f} MB/s", "", "")]

    def rate(seconds, count):
        return f"{count / seconds:.0f} blocks/s = {count * BLOCK / seconds / MIB:.0f} MiB/s"

    limit_s = small_file_limit(args.out, args.blocks)
    rows.append((f"disk: {THREADS} threads × (O_DIRECT write 512 KiB, fdatasync, rename, fsync dir), no server", rate(limit_s, args.blocks), "",
                 "the ceiling for acknowledged distinct blocks"))

    server = start_tessera(args.bin, args.out, "ebs")
    try:
        put_s, snap = boto3_put(server.port, blocks)
        get_s = boto3_get(server.port, snap, len(blocks))
        native = {}
        for name, put, get in NATIVE_CLIENTS:
            before = server.cpu_seconds()
            seconds, client_cpu, native_snap = put(server.port, args.out, args.blocks)
            after = server.cpu_seconds()
            native[name, "put"] = (seconds, client_cpu, after - before)
            seconds, client_cpu = get(server.port, args.out, native_snap, args.blocks)
            native[name, "get"] = (seconds, client_cpu, server.cpu_seconds() - after)
        before = server.cpu_seconds()
        seconds, client_cpu, _ = sendfile_put(server.port, args.out, args.blocks, distinct=1)
        native["sendfile", "same"] = (seconds, client_cpu, server.cpu_seconds() - before)
        rss = f"{server.peak_rss_mib:.0f} MiB"
    finally:
        server.stop()
    rows.append((f"Tessera PutSnapshotBlock, boto3 × {THREADS} threads", rate(put_s, len(blocks)), rss, ""))
    rows.append((f"Tessera GetSnapshotBlock, boto3 × {THREADS} threads", rate(get_s, len(blocks)), rss, ""))
    clients = {"curl": f"curl --parallel {THREADS}", "sendfile": f"sendfile client × {THREADS} connections"}
    notes = {"put": f"every block distinct: {{:.0f}} % of the disk's small-file rate; ",
             "get": "blocks read back from disk; ",
             "same": "content already stored is not written again (zero blocks, shared blocks); "}
    for (name, kind), (seconds, client_cpu, cpu) in native.items():
        operation = "GetSnapshotBlock" if kind == "get" else "PutSnapshotBlock"
        label = f"Tessera {operation}, {clients[name]}" + (", one block repeated" if kind == "same" else "")
        rows.append((label, rate(seconds, args.blocks), rss,
                     notes[kind].format(limit_s / seconds * 100) + cpu_split(client_cpu, cpu, args.blocks)))
    if not args.skip_moto:
        moto = start_moto()
        try:
            moto_put, moto_snap = boto3_put(moto.port, blocks)
            moto_get = boto3_get(moto.port, moto_snap, len(blocks))
            moto_native = {}
            for name, put, get in NATIVE_CLIENTS:
                seconds, _, moto_native_snap = put(moto.port, args.out, args.blocks)
                moto_native[name, "put"] = seconds
                moto_native[name, "get"], _ = get(moto.port, args.out, moto_native_snap, args.blocks)
            moto_rss = f"{moto.peak_rss_mib:.0f} MiB"
        finally:
            moto.stop()
        rows.append((f"moto PutSnapshotBlock, boto3 × {THREADS} threads", rate(moto_put, len(blocks)), moto_rss,
                     f"Tessera is {moto_put / put_s:.1f}× moto (boto3 client)"))
        rows.append((f"moto GetSnapshotBlock, boto3 × {THREADS} threads", rate(moto_get, len(blocks)), moto_rss,
                     f"Tessera is {moto_get / get_s:.1f}× moto"))
        for (name, kind), seconds in moto_native.items():
            operation = "GetSnapshotBlock" if kind == "get" else "PutSnapshotBlock"
            rows.append((f"moto {operation}, {clients[name]}", rate(seconds, args.blocks), moto_rss,
                         f"Tessera is {seconds / native[name, kind][0]:.1f}× moto"
                         + (" (moto keeps blocks in memory, no fsync)" if kind == "put" else "")))
    if not args.skip_sparse:
        server = start_tessera(args.bin, args.out, "sparse")
        try:
            stored, total = sparse_volume(server.port, server_data_dir(args.out, "sparse"))
        finally:
            server.stop()
        rows.append((f"8 GiB volume, 90 % zero blocks ({total} blocks)", f"{stored / MIB:.0f} MiB of blobs on disk", "",
                     "target < 1024 MiB"))
    shutil.rmtree(args.out, ignore_errors=True)
    print_table(("run", "rate", "server peak RSS", "note"), rows)


def cpu_split(client_seconds, server_seconds, count):
    """Who used the two cores: the client's and the server's CPU per block, and the rate the server's two
    cores would allow if the client ran elsewhere."""
    server = server_seconds / count
    return (f"client CPU {client_seconds / count * 1000:.2f} ms/block, server CPU {server * 1000:.2f} ms/block "
            f"(2 cores ÷ server's = {2 / server:.0f} blocks/s)")


def server_data_dir(out, tag):
    return os.path.join(out, f"data-{tag}")


if __name__ == "__main__":
    sys.exit(main())
