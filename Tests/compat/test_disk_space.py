"""A full disk, through the wire, on the volume that once crashed the server: a loop-mounted 200 MB ext4
image with 1 KiB blocks (SQLite grows its shared-memory file sparsely there; filling a hole through its
memory map on a full disk killed the process with SIGBUS).

- Uploads stop at the free-space floor with each protocol's retryable error and `Retry-After`; the disk
  never fills. Reads and deletes go on; `tessera gc --now` gives the space back at once.
- A restart on a disk something else filled to the last block: the server starts (its free-space reserve
  makes room), refuses uploads, deletes archives, sweeps, and takes uploads again once space is freed,
  and the process never dies.

Needs root (loop mounts); skipped with the reason where the mount is refused.
"""

from __future__ import annotations

import errno
import os
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from client_helpers import client_environment, run_json
from oci_helpers import OCIClient, registry_password
from tessera_server import TEST_ACCOUNTS, TesseraServer, make_client, write_credentials

MIB = 1 << 20
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="loop-mounting an ext4 image needs root")


@pytest.fixture
def volume(tmp_path):
    """A fresh 200 MB ext4 file system with 1 KiB blocks, mounted for this test."""
    image, mount = tmp_path / "volume.img", tmp_path / "mnt"
    mount.mkdir()
    subprocess.run(["truncate", "-s", "200M", str(image)], check=True)
    subprocess.run(["mkfs.ext4", "-q", "-b", "1024", str(image)], check=True)
    mounted = subprocess.run(["mount", "-o", "loop", str(image), str(mount)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot loop-mount an ext4 image here: {mounted.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def server_on(tmp_path):
    servers: list[TesseraServer] = []

    def start(mount: Path, *extra: str) -> TesseraServer:
        creds = write_credentials(tmp_path / "credentials", TEST_ACCOUNTS.values())
        server = TesseraServer(mount / "data", creds, log_dir=tmp_path, name=f"disk-{len(servers)}",
                               extra_args=["--gc-grace", "1", *extra])
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


def free_bytes(path: Path) -> int:
    status = os.statvfs(path)
    return status.f_bavail * status.f_frsize


def error_of(call) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call()
    return caught.value


def assert_retryable_refusal(error: ClientError, code: str) -> None:
    assert error.response["Error"]["Code"] == code, error.response
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] >= 500, error.response
    assert error.response["ResponseMetadata"]["HTTPHeaders"].get("retry-after") == "30", error.response
    assert "disk space" in error.response["Error"]["Message"], error.response


def fill_until_refused(glacier, vault: str, part: int) -> list[str]:
    """Uploads archives of `part` bytes until the server refuses one; returns the ids it took."""
    archives = []
    for _ in range(400):
        try:
            archives.append(glacier.upload_archive(vaultName=vault, body=os.urandom(part))["archiveId"])
        except ClientError as refused:
            assert_retryable_refusal(refused, "ServiceUnavailableException")
            return archives
    raise AssertionError("the server took 400 archives on a 200 MB disk without refusing one")


def fill_to_the_last_block(path: Path) -> None:
    """Writes zeros until every write fails with ENOSPC, root's reserved blocks used up too (what ext4 keeps
    back for its own metadata stays: no write can have it)."""
    with open(path, "wb", buffering=0) as filler:
        for size in (MIB, 64 << 10, 1024):
            chunk = bytes(size)
            while True:
                try:
                    filler.write(chunk)
                except OSError as full:
                    assert full.errno == errno.ENOSPC, full
                    break
        os.fsync(filler.fileno())


def test_uploads_stop_at_the_floor_and_deletes_with_gc_give_the_space_back(volume, server_on, tmp_path):
    server = server_on(volume, "--min-free-space", "48MiB")
    one = TEST_ACCOUNTS["one"]
    glacier = make_client(server.endpoint, one)
    vault = "full-" + uuid.uuid4().hex[:8]
    glacier.create_vault(vaultName=vault)

    archives = fill_until_refused(glacier, vault, 4 * MIB)
    assert len(archives) >= 20, f"only {len(archives)} archives of 4 MiB fit on a 200 MB disk with a 48 MiB floor"
    assert free_bytes(volume) >= 16 * MIB, "the floor must keep the disk from filling"

    # Every door refuses new data the same way, and starts no session that would need it.
    assert_retryable_refusal(error_of(lambda: glacier.initiate_multipart_upload(vaultName=vault, partSize=str(MIB))),
                             "ServiceUnavailableException")
    ebs = make_client(server.endpoint, one, "ebs")
    assert_retryable_refusal(error_of(lambda: ebs.start_snapshot(VolumeSize=1)), "InternalServerException")
    ecr = make_client(server.endpoint, one, "ecr")
    ecr.create_repository(repositoryName="disk/full")  # settings and records still change
    assert_retryable_refusal(error_of(lambda: ecr.initiate_layer_upload(repositoryName="disk/full")), "ServerException")
    oci = OCIClient(server.endpoint, registry_password(ecr))
    refused = oci.post("/v2/disk/full/blobs/uploads/")
    assert refused.status_code == 503 and refused.headers.get("Retry-After") == "30", refused.text
    assert refused.json()["errors"][0]["code"] == "UNKNOWN", refused.text

    # Reads and deletes go on; the sweep on demand gives the bytes back without waiting for --gc-grace's hour.
    assert glacier.describe_vault(vaultName=vault)["VaultName"] == vault
    for archive in archives:
        glacier.delete_archive(vaultName=vault, archiveId=archive)
    before = free_bytes(volume)
    time.sleep(1.5)  # the on-demand grace is --gc-grace (1 s) here
    swept = run_json(["gc", "--now", "--endpoint-url", server.endpoint], client_environment(one, tmp_path))
    assert swept["deletedBlobs"] >= len(archives), swept
    assert swept["freedBytes"] >= len(archives) * 4 * MIB, swept
    assert free_bytes(volume) >= before + len(archives) * 4 * MIB - 8 * MIB, "the sweep freed the deleted archives' blocks"

    data = os.urandom(4 * MIB)
    archive = glacier.upload_archive(vaultName=vault, body=data)["archiveId"]
    assert archive
    metrics = {line.split()[0]: float(line.split()[1]) for line in
               urllib.request.urlopen(server.endpoint + "/metrics").read().decode().splitlines()
               if line.startswith("tessera_disk_free")}
    assert metrics["tessera_disk_free_floor_bytes"] == 48 * MIB, metrics
    assert metrics["tessera_disk_free_bytes"] > 48 * MIB, metrics
    assert server.proc.poll() is None
    assert server.stop() == 0, server.log_text()


def test_a_restart_on_a_disk_filled_to_the_last_block(volume, server_on, tmp_path):
    one = TEST_ACCOUNTS["one"]
    server = server_on(volume, "--min-free-space", "32MiB")
    assert (volume / "data" / "free-space-reserve").stat().st_size == 8 * MIB
    glacier = make_client(server.endpoint, one)
    vault = "filled-" + uuid.uuid4().hex[:8]
    glacier.create_vault(vaultName=vault)
    bodies = [os.urandom(MIB) for _ in range(8)]
    archives = [glacier.upload_archive(vaultName=vault, body=body)["archiveId"] for body in bodies]
    server.kill()  # the WAL keeps what was acknowledged; the restart recovers it through the shared-memory file

    fill_to_the_last_block(volume / "filler")
    assert os.statvfs(volume).f_bavail == 0, "the disk is full: writes fail with ENOSPC"

    server.start()
    assert "free-space reserve released" in server.log_text()
    glacier = make_client(server.endpoint, one)
    assert_retryable_refusal(error_of(lambda: glacier.upload_archive(vaultName=vault, body=os.urandom(MIB))),
                             "ServiceUnavailableException")
    ebs = make_client(server.endpoint, one, "ebs")
    assert_retryable_refusal(error_of(lambda: ebs.start_snapshot(VolumeSize=1)), "InternalServerException")

    # Deletes are recorded on the full disk, and the sweep frees their blobs.
    for archive in archives[:6]:
        glacier.delete_archive(vaultName=vault, archiveId=archive)
    glacier.create_vault(vaultName=vault + "-2")
    time.sleep(1.5)
    swept = run_json(["gc", "--endpoint-url", server.endpoint], client_environment(one, tmp_path))
    assert swept["deletedBlobs"] >= 6, swept
    assert server.proc.poll() is None, server.log_text()

    # With the filler gone, uploads are taken again; what was acknowledged before the kill is all there.
    (volume / "filler").unlink()
    glacier.upload_archive(vaultName=vault, body=os.urandom(MIB))
    job = glacier.initiate_job(vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": archives[7]})
    assert glacier.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read() == bodies[7]
    assert server.stop() == 0, server.log_text()
