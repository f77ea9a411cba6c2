"""`kill -9` of the server during OCI pushes, then a restart on the same data directory: upload sessions live in
the metadata store, so a chunked upload continues from the bytes its acknowledged PATCHes hold (GET on the
session says where), a chunk whose body was cut off leaves no trace, acknowledged blobs and manifests are there,
and a client's retry (skopeo) completes the push. The registry password of before the crash still works (docker
keeps its login across a registry restart).
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import pytest

from oci_helpers import (
    OCI_MANIFEST, OCIClient, basic, build_image, describe, digest_of, location_of, patch_chunk, random_bytes,
    range_end, registry_password, run, start_session, with_query, write_oci_layout)
from tessera_server import TEST_ACCOUNTS, make_client

pytestmark = [pytest.mark.crash, pytest.mark.slow]

KiB = 1024


@pytest.fixture
def crashable(server_factory):
    """A server of this test's own, with account one's ECR client, /v2 client and a fresh repository."""
    server = server_factory("tessera-oci-crash").start()
    ecr = make_client(server.endpoint, TEST_ACCOUNTS["one"], "ecr")
    password = registry_password(ecr)
    repo = "crash/" + f"repo-{int(time.time() * 1000) % 10**9}"
    ecr.create_repository(repositoryName=repo)
    return server, OCIClient(server.endpoint, password), repo


def restarted(server, oci: OCIClient) -> OCIClient:
    """SIGKILL, start again on the same data dir; the old password on the new port."""
    server.kill()
    server.start()
    return OCIClient(server.endpoint, oci.password)


def rebase(url: str, oci: OCIClient) -> str:
    """A session URL of the old server, on the new one's port."""
    parts = urlsplit(url)
    return oci.endpoint + parts.path + (f"?{parts.query}" if parts.query else "")


def test_chunked_upload_continues_after_sigkill(crashable):
    server, oci, repo = crashable
    data = random_bytes(10 * 64 * KiB)
    chunk = 64 * KiB
    url = start_session(oci, repo)
    for first in range(0, 4 * chunk, chunk):
        resp = patch_chunk(oci, url, first, data[first:first + chunk])
        assert resp.status_code == 202 and range_end(resp) == first + chunk - 1, describe(resp)
        url = location_of(oci, resp)
    oci = restarted(server, oci)
    assert oci.get("/v2/").status_code == 200              # the password of before the crash
    url = rebase(url, oci)
    status = oci.get(url)
    assert status.status_code == 204, describe(status)
    acknowledged = range_end(status) + 1
    assert acknowledged == 4 * chunk, describe(status)
    url = location_of(oci, status)
    for first in range(acknowledged, len(data), chunk):
        resp = patch_chunk(oci, url, first, data[first:first + chunk])
        assert resp.status_code == 202, describe(resp)
        url = location_of(oci, resp)
    done = oci.put(with_query(url, digest=digest_of(data)), headers={"Content-Length": "0"})
    assert done.status_code == 201, describe(done)
    assert oci.get(oci.blob_path(repo, digest_of(data))).content == data


def send_half_a_chunk(oci: OCIClient, url: str, first: int, chunk: bytes) -> socket.socket:
    """A PATCH whose headers promise `chunk` but whose body stops half-way (the socket stays open)."""
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port
    sock = socket.create_connection((host, port), timeout=10)
    head = (f"PATCH {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: {basic(oci.password)}\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {len(chunk)}\r\n"
            f"Content-Range: {first}-{first + len(chunk) - 1}\r\n\r\n").encode()
    sock.sendall(head + chunk[:len(chunk) // 2])
    return sock


def test_a_half_sent_chunk_leaves_no_trace(crashable):
    server, oci, repo = crashable
    data = random_bytes(3 * 256 * KiB)
    chunk = 256 * KiB
    url = start_session(oci, repo)
    resp = patch_chunk(oci, url, 0, data[:chunk])
    assert resp.status_code == 202, describe(resp)
    url = location_of(oci, resp)
    sock = send_half_a_chunk(oci, url, chunk, data[chunk:2 * chunk])
    time.sleep(0.5)                                         # the server is reading the body
    oci = restarted(server, oci)
    sock.close()
    url = rebase(url, oci)
    status = oci.get(url)
    assert status.status_code == 204 and range_end(status) == chunk - 1, describe(status)
    resp = patch_chunk(oci, url, chunk, data[chunk:])
    assert resp.status_code == 202, describe(resp)
    done = oci.put(with_query(location_of(oci, resp), digest=digest_of(data)), headers={"Content-Length": "0"})
    assert done.status_code == 201, describe(done)
    assert oci.get(oci.blob_path(repo, digest_of(data))).content == data


def test_acknowledged_blobs_and_manifests_survive(crashable):
    server, oci, repo = crashable
    image = build_image(layer_count=3, layer_size=8 * KiB)
    oci.push_image(repo, image, tag="v1")
    oci = restarted(server, oci)
    got = oci.get_manifest(repo, "v1")
    assert got.status_code == 200 and got.content == image.manifest, describe(got)
    for digest, data in image.blobs.items():
        assert oci.get(oci.blob_path(repo, digest)).content == data
    assert oci.tags(repo).json()["tags"] == ["v1"]
    ecr = make_client(server.endpoint, TEST_ACCOUNTS["one"], "ecr")
    assert ecr.describe_images(repositoryName=repo)["imageDetails"][0]["imageDigest"] == image.digest


def test_client_retry_completes_the_push(crashable, skopeo, tmp_path):
    """Half of an image's blobs pushed, the server killed; after the restart `skopeo copy` pushes the whole
    image (finding the blobs that made it) and the image pulls back with its digest."""
    server, oci, repo = crashable
    image = build_image(layer_count=4, layer_size=16 * KiB)
    blobs = list(image.blobs.items())
    for digest, data in blobs[:2]:
        assert oci.push_blob(repo, data) == digest
    url = start_session(oci, repo)
    resp = patch_chunk(oci, url, 0, blobs[2][1][:4 * KiB])  # a third blob half uploaded
    assert resp.status_code == 202, describe(resp)
    oci = restarted(server, oci)
    for digest, _ in blobs[:2]:
        assert oci.head(oci.blob_path(repo, digest)).status_code == 200
    src = write_oci_layout(tmp_path / "src", {"v1": image})
    run([skopeo, "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds", f"AWS:{oci.password}",
         f"oci:{src}:v1", f"docker://{oci.host}/{repo}:v1"])
    head = oci.head(oci.manifest_path(repo, "v1"), headers={"Accept": OCI_MANIFEST})
    assert head.headers.get("Docker-Content-Digest") == image.digest, describe(head)
    for digest, data in image.blobs.items():
        assert oci.get(oci.blob_path(repo, digest)).content == data
