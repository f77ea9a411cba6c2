#!/usr/bin/env python3
"""Glacier ingest benchmark: time and peak server RSS of big uploads, beside the disk's durable write
speed and SHA-256 per core measured in the same run, and beside moto_server doing the same upload.

    swift build -c release --product tessera
    python3 bench/glacier_ingest.py [--size-mib 1024] [--big-part-mib 4096] [--skip-moto]

Prints a Markdown table (paste it into bench/README.md). Every server listens on 127.0.0.1 only and
is stopped before the script ends. Scratch files go to bench/out/ (git-ignored) and are removed.
"""
import argparse, concurrent.futures, hashlib, os, shutil, subprocess, sys, time

import boto3
from botocore.config import Config

from benchlib import KEY, MIB, SECRET, make_file, run_dd, sha256_per_core, signed_headers, start_moto, start_tessera, print_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def hashes_of(path, offset, length):
    """(linear sha256 hex, tree hash hex) of a byte range of a file, read in 1 MiB chunks."""
    linear, leaves = hashlib.sha256(), []
    with open(path, "rb") as f:
        f.seek(offset)
        left = length
        while left > 0:
            chunk = f.read(min(MIB, left))
            linear.update(chunk)
            leaves.append(hashlib.sha256(chunk).digest())
            left -= len(chunk)
    while len(leaves) > 1:
        leaves = [hashlib.sha256(leaves[i] + leaves[i + 1]).digest() if i + 1 < len(leaves) else leaves[i]
                  for i in range(0, len(leaves), 2)]
    return linear.hexdigest(), (leaves[0] if leaves else hashlib.sha256(b"").digest()).hex()


def copy_range(path, offset, length, destination):
    with open(path, "rb") as src, open(destination, "wb") as dst:
        src.seek(offset)
        left = length
        while left > 0:
            chunk = src.read(min(16 * MIB, left))
            dst.write(chunk)
            left -= len(chunk)


def tree_of(nodes_hex):
    nodes = [bytes.fromhex(h) for h in nodes_hex]
    while len(nodes) > 1:
        nodes = [hashlib.sha256(nodes[i] + nodes[i + 1]).digest() if i + 1 < len(nodes) else nodes[i]
                 for i in range(0, len(nodes), 2)]
    return nodes[0].hex()


def client(port):
    return boto3.client("glacier", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 1}, read_timeout=600, max_pool_connections=16))


def boto3_multipart(port, path, size, part_size, threads):
    glacier = client(port)
    glacier.create_vault(vaultName="bench")
    upload = glacier.initiate_multipart_upload(vaultName="bench", partSize=str(part_size))["uploadId"]

    def send(offset):
        with open(path, "rb") as f:
            f.seek(offset)
            body = f.read(min(part_size, size - offset))
        r = glacier.upload_multipart_part(vaultName="bench", uploadId=upload, body=body,
                                          range=f"bytes {offset}-{offset + len(body) - 1}/*")
        return offset, r["checksum"]

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        parts = sorted(pool.map(send, range(0, size, part_size)))
    done = glacier.complete_multipart_upload(vaultName="bench", uploadId=upload, archiveSize=str(size),
                                             checksum=tree_of([c for _, c in parts]))
    seconds = time.monotonic() - start
    assert done["archiveId"]
    return seconds


def curl_parts(port, path, size, part_size, parallel):
    """Initiate, then PUT every part with curl (streaming from the file), `parallel` at a time; complete."""
    glacier = client(port)
    glacier.create_vault(vaultName="bench")
    upload = glacier.initiate_multipart_upload(vaultName="bench", partSize=str(part_size))["uploadId"]
    out = os.path.dirname(path)
    commands, trees = [], []
    for index, offset in enumerate(range(0, size, part_size)):
        length = min(part_size, size - offset)
        part_path = path if length == size else os.path.join(out, f"part-{index}")
        if part_path != path:
            copy_range(path, offset, length, part_path)
        linear, tree = hashes_of(path, offset, length)
        trees.append(tree)
        headers = signed_headers(port, "glacier", "PUT", f"/-/vaults/bench/multipart-uploads/{upload}", {
            "x-amz-glacier-version": "2012-06-01", "x-amz-content-sha256": linear,
            "x-amz-sha256-tree-hash": tree, "Content-Range": f"bytes {offset}-{offset + length - 1}/*"})
        argv = ["curl", "-sS", "-f", "-o", "/dev/null", "-X", "PUT", "-T", part_path, "-H", "Expect:",
                f"http://127.0.0.1:{port}/-/vaults/bench/multipart-uploads/{upload}"]
        for name, value in headers.items():
            argv += ["-H", f"{name}: {value}"]
        commands.append((argv, part_path))
    start = time.monotonic()
    running = []
    for argv, _ in commands:
        running.append(subprocess.Popen(argv))
        if len(running) == parallel:
            assert running.pop(0).wait() == 0
    for proc in running:
        assert proc.wait() == 0
    done = glacier.complete_multipart_upload(vaultName="bench", uploadId=upload, archiveSize=str(size),
                                             checksum=tree_of(trees))
    seconds = time.monotonic() - start
    assert done["archiveId"]
    for _, part_path in commands:
        if part_path != path:
            os.remove(part_path)
    return seconds


def upload_archive(port, path):
    glacier = client(port)
    glacier.create_vault(vaultName="bench")
    with open(path, "rb") as f:
        body = f.read()
    start = time.monotonic()
    glacier.upload_archive(vaultName="bench", body=body)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/tessera"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/out"))
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--part-mib", type=int, default=256, help="part size of the curl and boto3 multipart runs")
    parser.add_argument("--big-part-mib", type=int, default=4096, help="one part of this size streamed with curl; 0 skips")
    parser.add_argument("--skip-moto", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    size, part = args.size_mib * MIB, args.part_mib * MIB
    data = os.path.join(args.out, "data.bin")
    make_file(data, size)
    rows = []
    dd = run_dd(args.out)
    rows.append(("disk: dd 1 GiB, conv=fdatasync", f"{dd:.0f} MB/s", "", "the ceiling for acknowledged ingest"))
    rows.append(("SHA-256, one core (Python hashlib/OpenSSL)", f"{sha256_per_core():.0f} MB/s", "", ""))

    def scenario(name, run, note=""):
        server = start_tessera(args.bin, args.out, name.split()[0])
        try:
            seconds = run(server.port)
            rss = server.peak_rss_mib
        finally:
            server.stop()
        rate = size / seconds / 1e6
        rows.append((name, f"{seconds:.2f} s = {rate:.0f} MB/s ({rate / dd * 100:.0f} % of dd)", f"{rss:.0f} MiB", note))
        return seconds

    scenario(f"curl: {args.size_mib} MiB multipart, {args.part_mib} MiB parts, 4 in parallel",
             lambda port: curl_parts(port, data, size, part, 4), f"RSS budget 64 + 2×{args.part_mib} MiB")
    boto_multipart = scenario(f"boto3: {args.size_mib} MiB multipart, {args.part_mib // 4} MiB parts, 4 threads",
                              lambda port: boto3_multipart(port, data, size, part // 4, 4), "client hashes in Python")
    tessera_single = scenario(f"boto3: upload_archive of {args.size_mib} MiB", lambda port: upload_archive(port, data))
    if not args.skip_moto:
        moto = start_moto()
        try:
            moto_seconds = upload_archive(moto.port, data)
            moto_rss = moto.peak_rss_mib
        finally:
            moto.stop()
        rows.append((f"moto_server: upload_archive of {args.size_mib} MiB", f"{moto_seconds:.2f} s = {size / moto_seconds / 1e6:.0f} MB/s",
                     f"{moto_rss:.0f} MiB", f"Tessera multipart (boto3) is {moto_seconds / boto_multipart:.1f}× faster; "
                     f"upload_archive {moto_seconds / tessera_single:.1f}×"))
    os.remove(data)
    if args.big_part_mib:
        big = args.big_part_mib * MIB
        big_path = os.path.join(args.out, "big.bin")
        make_file(big_path, big)
        server = start_tessera(args.bin, args.out, "big")
        try:
            seconds = curl_parts(server.port, big_path, big, big, 1)
            rss = server.peak_rss_mib
        finally:
            server.stop()
            os.remove(big_path)
        rate = big / seconds / 1e6
        rows.append((f"curl: one {args.big_part_mib} MiB part", f"{seconds:.2f} s = {rate:.0f} MB/s ({rate / dd * 100:.0f} % of dd)",
                     f"{rss:.0f} MiB", "the part never sits in memory"))
    shutil.rmtree(args.out, ignore_errors=True)
    print_table(("run", "time / rate", "server peak RSS", "note"), rows)


if __name__ == "__main__":
    sys.exit(main())
