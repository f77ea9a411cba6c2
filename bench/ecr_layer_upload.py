#!/usr/bin/env python3
"""ECR layer upload benchmark: a large layer sent through boto3's upload_layer_part in 10 MiB parts (the part
size real ECR advertises), with the server's peak RSS and CPU per MiB, the time of CompleteLayerUpload beside
one SHA-256 pass over the same layer measured in the same run, and the download through the layer's URL;
then moto_server driven by the same calls.

    swift build -c release --product tessera
    python3 bench/ecr_layer_upload.py [--size-mib 1024] [--part-mib 10] [--skip-moto]

Prints a Markdown table (paste it into bench/README.md). Every server listens on 127.0.0.1 only and is
stopped before the script ends. Scratch files go to bench/out/ (git-ignored) and are removed.
"""
import argparse, hashlib, os, resource, shutil, sys, time

import boto3, requests
from botocore.config import Config

from benchlib import KEY, MIB, SECRET, make_file, run_dd, start_moto, start_tessera, print_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def client(port):
    return boto3.client("ecr", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 1}, read_timeout=600))


def client_cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(16 * MIB):
            digest.update(chunk)
    return digest.hexdigest()


def upload_layer(ecr, path, size, part_size):
    """Sends the file as one layer in sequential parts. Returns (seconds for the parts, seconds for completion, digest)."""
    ecr.create_repository(repositoryName="bench/layer")
    upload = ecr.initiate_layer_upload(repositoryName="bench/layer")["uploadId"]
    digest = hashlib.sha256()
    start = time.monotonic()
    with open(path, "rb") as f:
        offset = 0
        while offset < size:
            part = f.read(part_size)
            digest.update(part)
            ecr.upload_layer_part(repositoryName="bench/layer", uploadId=upload, partFirstByte=offset,
                                  partLastByte=offset + len(part) - 1, layerPartBlob=part)
            offset += len(part)
    parts = time.monotonic() - start
    layer = "sha256:" + digest.hexdigest()
    start = time.monotonic()
    done = ecr.complete_layer_upload(repositoryName="bench/layer", uploadId=upload, layerDigests=[layer])
    complete = time.monotonic() - start
    assert done["layerDigest"] == layer
    return parts, complete, layer


def push_image(ecr, layer, size):
    """An image that uses the layer, so GetDownloadUrlForLayer serves it."""
    config = b'{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'
    upload = ecr.initiate_layer_upload(repositoryName="bench/layer")["uploadId"]
    ecr.upload_layer_part(repositoryName="bench/layer", uploadId=upload, partFirstByte=0, partLastByte=len(config) - 1,
                          layerPartBlob=config)
    config_digest = "sha256:" + hashlib.sha256(config).hexdigest()
    ecr.complete_layer_upload(repositoryName="bench/layer", uploadId=upload, layerDigests=[config_digest])
    manifest = ('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":'
                f'"application/vnd.oci.image.config.v1+json","digest":"{config_digest}","size":{len(config)}}},"layers":'
                f'[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"{layer}","size":{size}}}]}}')
    ecr.put_image(repositoryName="bench/layer", imageManifest=manifest, imageTag="bench")


def download(ecr, layer):
    url = ecr.get_download_url_for_layer(repositoryName="bench/layer", layerDigest=layer)["downloadUrl"]
    digest = hashlib.sha256()
    start = time.monotonic()
    with requests.get(url, stream=True) as response:
        response.raise_for_status()
        for chunk in response.iter_content(4 * MIB):
            digest.update(chunk)
    seconds = time.monotonic() - start
    assert "sha256:" + digest.hexdigest() == layer
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/tessera"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/out"))
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--part-mib", type=int, default=10)
    parser.add_argument("--skip-moto", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    size, part = args.size_mib * MIB, args.part_mib * MIB
    data = os.path.join(args.out, "layer.bin")
    make_file(data, size)
    rows = []
    dd = run_dd(args.out)
    rows.append(("disk: dd 1 GiB, conv=fdatasync", f"{dd:.0f} MB/s", "", "", "the ceiling for acknowledged ingest"))
    start = time.monotonic()
    sha256_of(data)
    sha_seconds = time.monotonic() - start
    rows.append((f"one SHA-256 pass over the {args.size_mib} MiB layer file (hashlib)", f"{sha_seconds:.2f} s", "", "",
                 "what completing by re-reading the layer would cost at least"))

    server = start_tessera(args.bin, args.out, "ecr")
    try:
        ecr = client(server.port)
        cpu0, client0 = server.cpu_seconds(), client_cpu()
        parts_seconds, complete_seconds, layer = upload_layer(ecr, data, size, part)
        server_cpu, client_used = server.cpu_seconds() - cpu0, client_cpu() - client0
        rss = server.peak_rss_mib
        rate = size / parts_seconds / 1e6
        rows.append((f"Tessera: boto3 upload_layer_part, {args.size_mib} MiB in {args.part_mib} MiB parts",
                     f"{parts_seconds:.2f} s = {rate:.0f} MB/s ({rate / dd * 100:.0f} % of dd)", f"{rss:.0f} MiB",
                     f"server {server_cpu * 1000 / args.size_mib:.2f} ms, boto3 {client_used * 1000 / args.size_mib:.2f} ms",
                     f"RSS budget 64 + 2×{args.part_mib} MiB = {64 + 2 * args.part_mib} MiB"))
        rows.append(("Tessera: CompleteLayerUpload", f"{complete_seconds * 1000:.0f} ms", "", "",
                     f"{sha_seconds / complete_seconds:.0f}× less than one SHA-256 pass: the digest was kept as the parts arrived"))
        push_image(ecr, layer, size)
        cpu0 = server.cpu_seconds()
        seconds = download(ecr, layer)
        server_cpu = server.cpu_seconds() - cpu0
        rows.append((f"Tessera: download of the {args.size_mib} MiB layer through its URL (requests)",
                     f"{seconds:.2f} s = {size / seconds / 1e6:.0f} MB/s", f"{server.peak_rss_mib:.0f} MiB",
                     f"server {server_cpu * 1000 / args.size_mib:.2f} ms", "every segment verified as it streams"))
    finally:
        server.stop()

    if not args.skip_moto:
        moto = start_moto()
        try:
            ecr = client(moto.port)
            try:
                upload_layer(ecr, data, min(size, 2 * part), part)
                outcome = "the layer API worked"
            except Exception as error:  # noqa: BLE001 - reported as moto's answer
                outcome = " ".join(f"{type(error).__name__}: {error}".split())[:140]
            rss = moto.peak_rss_mib
        finally:
            moto.stop()
        rows.append(("moto_server: the same calls", outcome, f"{rss:.0f} MiB", "", "moto has no layer upload API"))
    os.remove(data)
    shutil.rmtree(args.out, ignore_errors=True)
    print_table(("run", "time / rate", "server peak RSS", "CPU per MiB", "note"), rows)


if __name__ == "__main__":
    sys.exit(main())
