#!/usr/bin/env python3
"""Garbage-collection sweep over a large store: the server's peak memory and CPU time while one sweep goes
through N stored blobs that no record names (all deleted) beside archives that records do name (all kept).

The unnamed blobs are written straight into the data directory (`blobs/sha256/xx/<digest>`, content matching
its name, modification time two hours back), as a crash between commit and record or long-deleted archives
would leave them; the named ones are uploaded with boto3. Then `POST /admin/gc` (what `tessera gc` sends)
runs one sweep with a 60 s grace. The peak RSS is reset (`/proc/PID/clear_refs`) just before the sweep, so
the figure is the sweep's own. With `--baseline BINARY`, the same store is swept by that build too, in the
same run.

    swift build -c release --product tessera
    python3 bench/gc_sweep.py [--blobs 200000] [--archives 2000] [--baseline OTHER-TESSERA-BINARY]

Prints a Markdown table for bench/README.md. Servers listen on 127.0.0.1 only and are stopped at the end.
"""
import argparse, concurrent.futures, hashlib, os, shutil, sys, time

import boto3
import botocore.auth, botocore.awsrequest, botocore.credentials
import requests
from botocore.config import Config

from benchlib import KEY, SECRET, print_table, proc_status_mib, start_tessera

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def write_unnamed_blobs(data_dir, count, tag):
    """`count` blobs of a few bytes each, named by their SHA-256, last written two hours ago."""
    root = os.path.join(data_dir, "blobs", "sha256")
    old = time.time() - 7200
    for index in range(count):
        content = f"unnamed {tag} {index}".encode()
        digest = hashlib.sha256(content).hexdigest()
        path = os.path.join(root, digest[:2], digest)
        with open(path, "wb") as f:
            f.write(content)
        os.utime(path, (old, old))


def upload_archives(port, count):
    glacier = boto3.client("glacier", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                           aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                           config=Config(retries={"total_max_attempts": 1}, max_pool_connections=16))
    glacier.create_vault(vaultName="gc")
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: glacier.upload_archive(vaultName="gc", body=f"named {i}".encode()), range(count)))


def admin_gc(port):
    url = f"http://127.0.0.1:{port}/admin/gc"
    request = botocore.awsrequest.AWSRequest(method="POST", url=url, headers={})
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(KEY, SECRET), "tessera", "us-east-1").add_auth(request)
    answer = requests.post(url, headers=dict(request.headers.items()), timeout=3600)
    answer.raise_for_status()
    return answer.json()


def run(binary, out, tag, blobs, archives):
    server = start_tessera(binary, out, tag, ["--gc-interval", "86400"])
    try:
        upload_archives(server.port, archives)
        write_unnamed_blobs(os.path.join(out, f"data-{tag}"), blobs, tag)
        pid = server.proc.pid
        before = proc_status_mib(pid, "VmRSS")
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS
        cpu = server.cpu_seconds()
        start = time.monotonic()
        try:
            answer = admin_gc(server.port)
        except requests.ConnectionError as error:
            code = server.proc.poll()
            sys.exit(f"{tag}: the sweep request failed ({error}); the server " +
                     (f"exited with {code}" if code is not None else "is still running"))
        seconds = time.monotonic() - start
        cpu = server.cpu_seconds() - cpu
        peak = proc_status_mib(pid, "VmHWM")
        deleted, examined = answer.get("deletedBlobs"), answer.get("examinedBlobs")
        if deleted != blobs or examined != blobs + archives:
            sys.exit(f"{tag}: the sweep examined {examined} and deleted {deleted}; expected {blobs + archives} and {blobs}")
        return [tag, f"{examined:,}", f"{deleted:,}", f"{seconds:.1f} s", f"{cpu / examined * 1e6:.0f} µs",
                f"{before:.1f} MiB", f"{peak:.1f} MiB", f"{peak - before:+.1f} MiB"]
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/tessera"))
    parser.add_argument("--baseline", help="another tessera binary to sweep the same kind of store, for comparison")
    parser.add_argument("--blobs", type=int, default=200_000)
    parser.add_argument("--archives", type=int, default=2000)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/out/gc"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = [run(args.bin, args.out, "tessera", args.blobs, args.archives)]
    if args.baseline:
        rows.append(run(args.baseline, args.out, "baseline", args.blobs, args.archives))
    shutil.rmtree(args.out, ignore_errors=True)
    print_table(["build", "blobs examined", "deleted", "sweep", "server CPU per blob", "RSS before", "peak RSS in the sweep",
                 "peak − before"], rows)


if __name__ == "__main__":
    main()
