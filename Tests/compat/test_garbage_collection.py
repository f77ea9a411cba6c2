"""Garbage collection through the live server: the blob of an aborted upload's part is removed from
the blob store (the data directory, or the S3 bucket with TESSERA_COMPAT_BLOBS=s3) by the periodic sweep,
while archives stay whole (docs/data-directory.md, docs/s3-blobs.md)."""

import time

import pytest

from glacier_helpers import MiB, initiate, random_bytes, retrieve_archive, sha256_hex, unique_name, upload_archive, upload_parts
from tessera_server import TEST_ACCOUNTS, make_client

pytestmark = [pytest.mark.slow]
ONE = TEST_ACCOUNTS["one"]


def stored(server, data: bytes) -> bool:
    return server.has_blob(sha256_hex(data))


def test_sweep_removes_aborted_parts_and_keeps_archives(server_factory):
    server = server_factory("tessera-gc", extra_args=["--gc-interval", "0.5", "--gc-grace", "1"]).start()
    client = make_client(server.endpoint, ONE)
    vault = unique_name("gc")
    client.create_vault(vaultName=vault)
    archive = random_bytes(MiB + 3)
    archive_id = upload_archive(client, vault, archive)["archiveId"]

    part = random_bytes(MiB)
    up = initiate(client, vault, MiB)
    upload_parts(client, up, part)
    assert stored(server, part), "an acknowledged part is a stored blob"
    client.abort_multipart_upload(vaultName=vault, uploadId=up.upload_id)

    deadline = time.monotonic() + 20
    while stored(server, part) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not stored(server, part), "the aborted part's blob was not collected"
    assert stored(server, archive)
    _, _, body = retrieve_archive(client, vault, archive_id)
    assert body == archive


def test_open_upload_parts_survive_sweeps(server_factory):
    server = server_factory("tessera-gc-open", extra_args=["--gc-interval", "0.5", "--gc-grace", "1"]).start()
    client = make_client(server.endpoint, ONE)
    vault = unique_name("gc-open")
    client.create_vault(vaultName=vault)
    part = random_bytes(MiB)
    up = initiate(client, vault, MiB)
    upload_parts(client, up, part)
    time.sleep(3)  # several sweeps, each past the grace period
    assert stored(server, part)
    parts = client.list_parts(vaultName=vault, uploadId=up.upload_id)["Parts"]
    assert [p["RangeInBytes"] for p in parts] == [f"0-{MiB - 1}"]
