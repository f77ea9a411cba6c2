#!/usr/bin/env python3
"""Client benchmark: the `tessera glacier` and `tessera ebs` transfer commands against boto3 doing the same
work, on the same server, same files, same run; beside one SHA-256 pass over the file (the floor for any
client that hashes what it sends).

    swift build -c release --product tessera
    python3 bench/client_transfers.py [--glacier-mib 1024] [--ebs-mib 2048] [--rounds 2]

For each run: wall time, the client's CPU time and peak RSS (wait4's rusage), and the server's CPU time per
MiB from /proc. Prints Markdown tables (paste them into bench/README.md). The server listens on 127.0.0.1
only and is stopped before the script ends; scratch files go to bench/out/ (git-ignored) and are removed.
"""
import argparse, base64, hashlib, json, os, shutil, subprocess, sys

import boto3
from benchlib import KEY, MIB, SECRET, make_file, print_table, start_tessera

BLOB_INFO_CACHES = [os.path.expanduser("~/.local/share/containers/cache"), "/var/lib/containers/cache"]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLOCK = 512 << 10


# Runs one command in a fresh process and prints its wall time, CPU and peak RSS as JSON (ru_maxrss of the
# only child this process ever had).
HELPER = r"""
import json, resource, subprocess, sys, time
argv = json.loads(sys.argv[1])
start = time.monotonic()
proc = subprocess.run(argv, capture_output=True)
seconds = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
if proc.returncode != 0:
    sys.stderr.write(proc.stderr.decode()); sys.exit(1)
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / 1024,
                  "stdout": proc.stdout.decode()}))
"""

BOTO3_GLACIER = r"""
import boto3, concurrent.futures, hashlib, json, os, sys
from botocore.config import Config
from botocore.utils import calculate_tree_hash
port, path, part, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
size = os.path.getsize(path)
glacier = boto3.client("glacier", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                       config=Config(retries={"max_attempts": 3}, max_pool_connections=threads))
upload = glacier.initiate_multipart_upload(vaultName="bench", partSize=str(part))["uploadId"]
def send(offset):
    with open(path, "rb") as f:
        f.seek(offset)
        body = f.read(min(part, size - offset))
    r = glacier.upload_multipart_part(vaultName="bench", uploadId=upload, body=body,
                                      range=f"bytes {offset}-{offset + len(body) - 1}/*")
    return offset, r["checksum"]
with concurrent.futures.ThreadPoolExecutor(threads) as pool:
    parts = sorted(pool.map(send, range(0, size, part)))
nodes = [bytes.fromhex(c) for _, c in parts]
while len(nodes) > 1:
    nodes = [hashlib.sha256(nodes[i] + nodes[i + 1]).digest() if i + 1 < len(nodes) else nodes[i]
             for i in range(0, len(nodes), 2)]
done = glacier.complete_multipart_upload(vaultName="bench", uploadId=upload, archiveSize=str(size),
                                         checksum=nodes[0].hex())
print(json.dumps({"archiveId": done["archiveId"], "treeHash": nodes[0].hex()}))
"""

# coldsnap's approach in boto3: read every block, skip the zero ones, PutSnapshotBlock 16 at a time.
BOTO3_EBS = r"""
import base64, boto3, concurrent.futures, hashlib, json, os, sys
from botocore.config import Config
port, path, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
BLOCK = 512 << 10
size = os.path.getsize(path)
ebs = boto3.client("ebs", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                   config=Config(retries={"max_attempts": 3}, max_pool_connections=threads))
snap = ebs.start_snapshot(VolumeSize=max(1, -(-size // (1 << 30))))["SnapshotId"]
zero = bytes(BLOCK)
def send(index):
    with open(path, "rb") as f:
        f.seek(index * BLOCK)
        data = f.read(BLOCK).ljust(BLOCK, b"\0")
    if data == zero:
        return 0
    ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=index, BlockData=data, DataLength=BLOCK,
                           Checksum=base64.b64encode(hashlib.sha256(data).digest()).decode(), ChecksumAlgorithm="SHA256")
    return 1
with concurrent.futures.ThreadPoolExecutor(threads) as pool:
    sent = sum(pool.map(send, range(-(-size // BLOCK))))
ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=sent)
print(json.dumps({"snapshotId": snap, "blocksSent": sent}))
"""


def measure(argv, env):
    """Runs `argv` in a fresh helper process; returns its wall time, CPU seconds and peak RSS."""
    proc = subprocess.run([sys.executable, "-c", HELPER, json.dumps(argv)], env=env, capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{proc.stderr.decode()}")
    return json.loads(proc.stdout.decode().splitlines()[-1])


def sha256_pass(path):
    return measure([sys.executable, "-c",
                    "import hashlib,sys\nh=hashlib.sha256()\nf=open(sys.argv[1],'rb')\n"
                    "for c in iter(lambda: f.read(16<<20), b''): h.update(c)\nprint(h.hexdigest())", path], os.environ)


def make_half_zero_image(path, size):
    """Every other 512 KiB block random, the rest written as zeros (read by both clients; not holes)."""
    random_block = os.urandom(BLOCK)
    with open(path, "wb") as f:
        for index in range(size // BLOCK):
            if index % 2 == 0:
                f.write(hashlib.sha256(index.to_bytes(8, "little")).digest() + random_block[32:])
            else:
                f.write(bytes(BLOCK))


def make_layout(directory, layers):
    """An OCI image layout of `layers` random 64 MiB layers (uncompressed tar media type), tagged v1."""
    def put(data):
        digest = hashlib.sha256(data).hexdigest()
        os.makedirs(os.path.join(directory, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(directory, "blobs", "sha256", digest), "wb") as f:
            f.write(data)
        return {"digest": f"sha256:{digest}", "size": len(data)}
    descriptors = [dict(put(os.urandom(64 * MIB)), mediaType="application/vnd.oci.image.layer.v1.tar")
                   for _ in range(layers)]
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descriptors]}}).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": dict(put(config), mediaType="application/vnd.oci.image.config.v1+json"),
                           "layers": descriptors}).encode()
    root = dict(put(manifest), mediaType="application/vnd.oci.image.manifest.v1+json",
                annotations={"org.opencontainers.image.ref.name": "v1"})
    with open(os.path.join(directory, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [root]}, f)
    with open(os.path.join(directory, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    return directory


def ecr_client(port):
    return boto3.client("ecr", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET)


def ecr_password(port):
    token = ecr_client(port).get_authorization_token()["authorizationData"][0]["authorizationToken"]
    return base64.b64decode(token).decode().split(":", 1)[1]


def create_repository(port):
    name = f"bench-{os.urandom(4).hex()}"
    ecr_client(port).create_repository(repositoryName=name)
    return name


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--glacier-mib", type=int, default=1024)
    parser.add_argument("--ebs-mib", type=int, default=2048)
    parser.add_argument("--ecr-layers", type=int, default=4, help="layers of 64 MiB in the pushed image")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "tessera"))
    args = parser.parse_args()
    out = os.path.join(ROOT, "bench", "out", "client")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    archive = os.path.join(out, "archive.bin")
    image = os.path.join(out, "image.img")
    make_file(archive, args.glacier_mib * MIB)
    make_half_zero_image(image, args.ebs_mib * MIB)
    layout = os.path.join(out, "layout")
    ecr_mib = 64 * args.ecr_layers

    server = start_tessera(args.binary, out, "client")
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="us-east-1",
               AWS_DEFAULT_REGION="us-east-1", XDG_STATE_HOME=os.path.join(out, "state"),
               AWS_ENDPOINT_URL=f"http://127.0.0.1:{server.port}")
    rows = {}
    try:
        boto3.client("glacier", endpoint_url=f"http://127.0.0.1:{server.port}", region_name="us-east-1",
                     aws_access_key_id=KEY, aws_secret_access_key=SECRET).create_vault(vaultName="bench")

        def run(name, argv, mib):
            before = server.cpu_seconds()
            result = measure(argv, env)
            server_cpu = server.cpu_seconds() - before
            best = rows.get(name)
            if best is None or result["seconds"] < best["seconds"]:
                rows[name] = dict(result, server_ms_per_mib=server_cpu * 1000 / mib, mib=mib)

        for _ in range(args.rounds):
            rows.setdefault("sha", None)
            result = sha256_pass(archive)
            if rows["sha"] is None or result["seconds"] < rows["sha"]["seconds"]:
                rows["sha"] = dict(result, server_ms_per_mib=0.0, mib=args.glacier_mib)
            run("tessera-glacier", [args.binary, "glacier", "upload", archive, "--vault", "bench", "--json"], args.glacier_mib)
            run("boto3-glacier", [sys.executable, "-c", BOTO3_GLACIER, str(server.port), archive, str(16 * MIB), "4"],
                args.glacier_mib)
            run("tessera-ebs", [args.binary, "ebs", "upload", image, "--json"], args.ebs_mib)
            run("boto3-ebs", [sys.executable, "-c", BOTO3_EBS, str(server.port), image, "16"], args.ebs_mib)
            if shutil.which("skopeo"):
                # A fresh repository per run, so that neither client finds the blobs already there.
                password = ecr_password(server.port)
                for name, argv in [  # a new layout each time: no blob is already in the registry
                    ("tessera-ecr", lambda repo: [args.binary, "ecr", "push", layout, f"{repo}:v1", "--json"]),
                    ("skopeo-ecr", lambda repo: ["skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false",
                                                 "--dest-creds", f"AWS:{password}", f"oci:{layout}:v1",
                                                 f"docker://127.0.0.1:{server.port}/{repo}:v1"]),
                ]:
                    repo = create_repository(server.port)
                    shutil.rmtree(layout, ignore_errors=True)
                    make_layout(layout, args.ecr_layers)
                    for cache in BLOB_INFO_CACHES:   # skopeo would otherwise mount blobs it has pushed before
                        shutil.rmtree(cache, ignore_errors=True)
                    run(name, argv(repo), ecr_mib)
        server_rss = server.peak_rss_mib
    finally:
        server.stop()
        shutil.rmtree(out, ignore_errors=True)

    def line(label, row, reference=None):
        rate = row["mib"] / row["seconds"]
        ratio = f"{reference['seconds'] / row['seconds']:.2f}×" if reference else "—"
        return [label, f"{row['seconds']:.2f} s", f"{rate:.0f} MiB/s", ratio, f"{row['cpu'] * 1000 / row['mib']:.2f}",
                f"{row['rss_mib']:.0f} MiB", f"{row['server_ms_per_mib']:.2f}"]

    header = ["run", "time", "rate", "speed vs boto3", "client CPU ms/MiB", "client peak RSS", "server CPU ms/MiB"]
    print(f"Glacier, {args.glacier_mib} MiB file, best of {args.rounds} rounds:\n")
    print_table(header, [
        line("one SHA-256 pass over the file (hashlib)", rows["sha"]),
        line("`tessera glacier upload` (16 MiB parts, 4 in flight)", rows["tessera-glacier"], rows["boto3-glacier"]),
        line("boto3 multipart (16 MiB parts, 4 threads)", rows["boto3-glacier"]),
    ])
    print(f"\nEBS, {args.ebs_mib} MiB image (every other block zero), best of {args.rounds} rounds:\n")
    print_table(header, [
        line("`tessera ebs upload` (16 blocks in flight)", rows["tessera-ebs"], rows["boto3-ebs"]),
        line("boto3, 16 threads, zero blocks skipped", rows["boto3-ebs"]),
    ])
    if "tessera-ecr" in rows:
        print(f"\nECR, an image of {args.ecr_layers} × 64 MiB random layers from an OCI layout, best of {args.rounds} rounds "
              "(skopeo pushes through the OCI door, `tessera ecr push` through the ECR layer API):\n")
        print_table(["run", "time", "rate", "speed vs skopeo", "client CPU ms/MiB", "client peak RSS", "server CPU ms/MiB"], [
            line("`tessera ecr push` (10 MiB parts, 4 blobs in flight)", rows["tessera-ecr"], rows["skopeo-ecr"]),
            line("`skopeo copy oci:… docker://…`", rows["skopeo-ecr"]),
        ])
    print(f"\nserver peak RSS over the whole run: {server_rss:.0f} MiB")


if __name__ == "__main__":
    main()
