#!/usr/bin/env python3
"""OCI registry benchmark: skopeo pushing and pulling an image of 4 × 64 MiB random layers, Tessera beside the
CNCF reference registry (Debian's docker-registry, distribution 2.8.2, filesystem storage in a temp dir) in
the same run, alternating, three rounds, skopeo's blob-info cache cleared before every copy, the first of each round alternating; then one 1 GiB
layer through each Tessera door (skopeo on /v2, boto3 upload_layer_part in 10 MiB parts on the ECR API), with
the server's peak RSS.

    swift build -c release --product tessera
    apt-get install -y skopeo docker-registry
    python3 bench/oci_skopeo.py [--rounds 3] [--layer-mib 64] [--layers 4] [--big-mib 1024]

Prints Markdown tables (paste them into bench/README.md). Every server listens on 127.0.0.1 only and is
stopped before the script ends. Scratch files go to bench/out/ (git-ignored) and are removed.
"""
import argparse, base64, hashlib, json, os, shutil, subprocess, sys, time

import boto3
from botocore.config import Config

from benchlib import KEY, MIB, SECRET, Server, make_file, run_dd, start_tessera
from ecr_layer_upload import upload_layer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOB_INFO_CACHES = [os.path.expanduser("~/.local/share/containers/cache"), "/var/lib/containers/cache"]


def make_layout(path, layer_paths):
    """An OCI image layout whose layers are the given files (random bytes: registries move blobs as they are)."""
    blobs = os.path.join(path, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def put_file(source):
        digest = hashlib.sha256()
        with open(source, "rb") as f:
            while chunk := f.read(16 * MIB):
                digest.update(chunk)
        os.link(source, os.path.join(blobs, digest.hexdigest()))
        return "sha256:" + digest.hexdigest(), os.path.getsize(source)

    def put_bytes(data):
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data)
        return "sha256:" + digest, len(data)

    layers = [put_file(p) for p in layer_paths]
    config = put_bytes(json.dumps({"architecture": "amd64", "os": "linux",
                                   "rootfs": {"type": "layers", "diff_ids": [d for d, _ in layers]}}).encode())
    manifest = put_bytes(json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config[0], "size": config[1]},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": s} for d, s in layers],
    }).encode())
    with open(os.path.join(path, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": manifest[0],
                                                      "size": manifest[1], "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}, f)
    with open(os.path.join(path, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')
    return manifest[0]


def start_reference_registry(out):
    """distribution on a free loopback port (it does not report the port it got for :0, so one is picked)."""
    import socket
    root = os.path.join(out, "registry-data")
    shutil.rmtree(root, ignore_errors=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = os.path.join(out, "registry.yml")
    with open(config, "w") as f:
        f.write(f"version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: {root}\n"
                f"  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\n")
    return Server(["docker-registry", "serve", config], r"listening on 127\.0\.0\.1:(\d+)")


def clear_blob_info_cache():
    for path in BLOB_INFO_CACHES:
        shutil.rmtree(path, ignore_errors=True)


def skopeo(source, destination, creds=None, source_creds=None):
    argv = ["skopeo", "copy", "-q", "--src-tls-verify=false", "--dest-tls-verify=false"]
    if creds:
        argv += ["--dest-creds", creds]
    if source_creds:
        argv += ["--src-creds", source_creds]
    clear_blob_info_cache()
    start = time.monotonic()
    subprocess.run(argv + [source, destination], check=True, capture_output=True)
    return time.monotonic() - start


def ecr_client(port):
    return boto3.client("ecr", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 1}, read_timeout=600))


def password(ecr):
    token = ecr.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    return base64.b64decode(token).decode().split(":", 1)[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build/release/tessera"))
    parser.add_argument("--out", default=os.path.join(ROOT, "bench/out"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--layer-mib", type=int, default=64)
    parser.add_argument("--big-mib", type=int, default=1024, help="one layer of this size through both doors; 0 skips")
    args = parser.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    layer_paths = []
    for index in range(args.layers):
        path = os.path.join(out, f"layer-{index}.bin")
        make_file(path, args.layer_mib * MIB)
        layer_paths.append(path)
    source = os.path.join(out, "source")
    make_layout(source, layer_paths)
    image_bytes = args.layers * args.layer_mib * MIB
    dd = run_dd(out)
    os.sync()  # the source files' writeback must not land on the first copy

    tessera = start_tessera(args.bin, out, "oci")
    reference = start_reference_registry(out)
    ecr = ecr_client(tessera.port)
    creds = "AWS:" + password(ecr)
    results = {"Tessera": {"push": [], "pull": [], "cpu": []}, "reference registry": {"push": [], "pull": [], "cpu": []}}
    try:
        for round_index in range(args.rounds):
            # Who goes first alternates, so neither registry always meets a cold page cache or a busy disk.
            order = [("Tessera", tessera), ("reference registry", reference)]
            for name, server in (order if round_index % 2 == 0 else order[::-1]):
                repository = f"bench/round{round_index}"
                if server is tessera:
                    ecr.create_repository(repositoryName=repository)
                target = f"docker://127.0.0.1:{server.port}/{repository}:bench"
                login = creds if server is tessera else None
                cpu0 = server.cpu_seconds()
                results[name]["push"].append(skopeo(f"oci:{source}:bench", target, creds=login))
                back = os.path.join(out, f"back-{name[0]}-{round_index}")
                results[name]["pull"].append(skopeo(target, f"oci:{back}:bench", source_creds=login))
                results[name]["cpu"].append(server.cpu_seconds() - cpu0)
                shutil.rmtree(back, ignore_errors=True)
        rss = {"Tessera": tessera.peak_rss_mib, "reference registry": reference.peak_rss_mib}
    finally:
        tessera.stop()
        reference.stop()

    mib = image_bytes / MIB
    print(f"skopeo copy of an image of {args.layers} × {args.layer_mib} MiB random layers, {args.rounds} rounds, alternating; "
          f"dd in the same run: {dd:.0f} MB/s\n")
    print("| registry | push, each round | pull, each round | server CPU per MiB moved (push + pull) | server peak RSS |")
    print("| --- | --- | --- | --- | --- |")
    for name, figures in results.items():
        push = ", ".join(f"{image_bytes / s / 1e6:.0f}" for s in figures["push"])
        pull = ", ".join(f"{image_bytes / s / 1e6:.0f}" for s in figures["pull"])
        cpu = ", ".join(f"{c * 1000 / (2 * mib):.2f}" for c in figures["cpu"])
        print(f"| {name} | {push} MB/s | {pull} MB/s | {cpu} ms | {rss[name]:.0f} MiB |")
    ratio = lambda kind: [r / t for r, t in zip(results["reference registry"][kind], results["Tessera"][kind])]  # noqa: E731
    print(f"\nTessera ÷ reference registry, rate per round: push {', '.join(f'{x:.2f}' for x in ratio('push'))}; "
          f"pull {', '.join(f'{x:.2f}' for x in ratio('pull'))}\n")

    if args.big_mib:
        big = os.path.join(out, "big.bin")
        make_file(big, args.big_mib * MIB)
        big_layout = os.path.join(out, "big-layout")
        make_layout(big_layout, [big])
        server = start_tessera(args.bin, out, "big")
        try:
            ecr = ecr_client(server.port)
            ecr.create_repository(repositoryName="bench/big")
            login = "AWS:" + password(ecr)
            oci_seconds = skopeo(f"oci:{big_layout}:bench", f"docker://127.0.0.1:{server.port}/bench/big:bench", creds=login)
            after_push = server.peak_rss_mib
            back = os.path.join(out, "big-back")
            pull_seconds = skopeo(f"docker://127.0.0.1:{server.port}/bench/big:bench", f"oci:{back}:bench", source_creds=login)
            after_pull = server.peak_rss_mib
            shutil.rmtree(back, ignore_errors=True)
            parts_seconds, complete_seconds, _ = upload_layer(ecr, big, args.big_mib * MIB, 10 * MIB)
            ecr_seconds = parts_seconds + complete_seconds
            after_ecr = server.peak_rss_mib
        finally:
            server.stop()
        size = args.big_mib * MIB
        print(f"One {args.big_mib} MiB layer through each door of one Tessera\n")
        print("| path | time / rate | server peak RSS after it |")
        print("| --- | --- | --- |")
        print(f"| skopeo push (OCI door: POST, one PATCH, PUT) | {oci_seconds:.2f} s = {size / oci_seconds / 1e6:.0f} MB/s | {after_push:.0f} MiB |")
        print(f"| skopeo pull | {pull_seconds:.2f} s = {size / pull_seconds / 1e6:.0f} MB/s | {after_pull:.0f} MiB |")
        print(f"| boto3 upload_layer_part, 10 MiB parts (ECR door) | {ecr_seconds:.2f} s = {size / ecr_seconds / 1e6:.0f} MB/s "
              f"({ecr_seconds / oci_seconds:.2f}× the OCI door's time) | {after_ecr:.0f} MiB |")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
