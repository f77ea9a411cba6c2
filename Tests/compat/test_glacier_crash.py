"""Durability: SIGKILL the server mid-upload, restart it on the same data dir, and find every
acknowledged write intact (docs/architecture.md#durability; docs/aws/glacier.md#uploadmultipartpart, #listparts)."""

import threading
import time

import pytest

from glacier_helpers import (
    API_VERSION, MiB, complete, content_range, initiate, part_ranges, random_bytes,
    retrieve_archive, sha256_hex, sigv4_headers, status_of, tree_hash, unique_name,
    upload_archive, upload_parts)
from tessera_server import TEST_ACCOUNTS, make_client, send_half_body

pytestmark = [pytest.mark.crash, pytest.mark.slow]
ONE = TEST_ACCOUNTS["one"]


def send_half_a_part(endpoint, vault, upload_id, first, body, started, outcome):
    """PUT a part but send only half its body, then wait for an answer that never comes."""
    url = f"{endpoint}/-/vaults/{vault}/multipart-uploads/{upload_id}"
    headers = sigv4_headers("PUT", url, ONE.access_key, ONE.secret_key, body=body, headers={
        "x-amz-glacier-version": API_VERSION,
        "Content-Range": content_range(first, first + len(body) - 1),
        "x-amz-content-sha256": sha256_hex(body),
        "x-amz-sha256-tree-hash": tree_hash(body),
    })
    send_half_body(url, "PUT", headers, body, started, outcome)


def listed_parts(client, vault, upload_id):
    resp = client.list_parts(vaultName=vault, uploadId=upload_id)
    return [(p["RangeInBytes"], p["SHA256TreeHash"]) for p in resp["Parts"]]


def test_kill_9_during_part_upload_keeps_acknowledged_writes(server_factory):
    server = server_factory("tessera-crash").start()
    client = make_client(server.endpoint, ONE)
    vault = unique_name("crash")
    client.create_vault(vaultName=vault)
    archive = random_bytes(2 * MiB + 17)
    archive_id = upload_archive(client, vault, archive, description="before the crash")["archiveId"]

    data = random_bytes(6 * MiB + 5)
    ranges = part_ranges(len(data), MiB)  # 7 parts
    up = initiate(client, vault, MiB, description="crash upload")
    upload_parts(client, up, data, order=[0, 1, 2, 3])
    acknowledged = [(f"{a}-{b}", up.part_hashes[a]) for a, b in ranges[:4]]
    assert listed_parts(client, vault, up.upload_id) == acknowledged

    started, outcome = threading.Event(), {}
    first, last = ranges[4]
    thread = threading.Thread(target=send_half_a_part, daemon=True, args=(
        server.endpoint, vault, up.upload_id, first, data[first:last + 1], started, outcome))
    thread.start()
    assert started.wait(30), "the in-flight part upload never started"
    time.sleep(0.3)  # let the server start reading the body
    server.kill()
    thread.join(30)
    assert not thread.is_alive()
    assert "status" not in outcome or outcome["status"] >= 400, outcome

    server.start()  # same data dir, new port
    client = make_client(server.endpoint, ONE)
    assert client.describe_vault(vaultName=vault)["VaultName"] == vault
    # Every acknowledged part is there with its hash; the half-sent one is not.
    assert listed_parts(client, vault, up.upload_id) == acknowledged
    uploads = client.list_multipart_uploads(vaultName=vault)["UploadsList"]
    assert [u["MultipartUploadId"] for u in uploads] == [up.upload_id]

    _, out, body = retrieve_archive(client, vault, archive_id)
    assert body == archive
    assert out["checksum"] == tree_hash(archive)
    assert out["archiveDescription"] == "before the crash"

    upload_parts(client, up, data, order=[6, 4, 5])
    resp = complete(client, up, len(data), tree_hash(data))
    assert status_of(resp) == 201 and resp["checksum"] == tree_hash(data)
    _, out, body = retrieve_archive(client, vault, resp["archiveId"])
    assert body == data
    assert out["archiveDescription"] == "crash upload"

    server.restart()  # a clean SIGTERM restart keeps everything too
    client = make_client(server.endpoint, ONE)
    _, _, body = retrieve_archive(client, vault, resp["archiveId"])
    assert body == data


def test_kill_9_right_after_acknowledgements(server_factory):
    server = server_factory("tessera-crash-ack").start()
    client = make_client(server.endpoint, ONE)
    vault = unique_name("crash-ack")
    client.create_vault(vaultName=vault)
    data = random_bytes(3 * MiB + 1)
    up = initiate(client, vault, MiB)
    upload_parts(client, up, data, threads=2)
    done = complete(client, up, len(data), tree_hash(data))
    pending = initiate(client, vault, 2 * MiB, description="still open")
    tail = random_bytes(2 * MiB)
    upload_parts(client, pending, tail, order=[0])
    client.add_tags_to_vault(vaultName=vault, Tags={"survives": "kill-9"})
    server.kill()  # immediately after the last acknowledgement

    server.start()
    client = make_client(server.endpoint, ONE)
    _, out, body = retrieve_archive(client, vault, done["archiveId"])
    assert body == data and out["checksum"] == tree_hash(data)
    assert listed_parts(client, vault, pending.upload_id) == [(f"0-{2 * MiB - 1}", tree_hash(tail))]
    assert client.list_tags_for_vault(vaultName=vault)["Tags"] == {"survives": "kill-9"}
    uploads = client.list_multipart_uploads(vaultName=vault)["UploadsList"]
    assert [u["MultipartUploadId"] for u in uploads] == [pending.upload_id]
    again = complete(client, pending, len(tail), tree_hash(tail))
    assert status_of(again) == 201
