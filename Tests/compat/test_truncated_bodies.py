"""A client that goes away in the middle of a body is not a server error: the server answers the protocol's
4xx where the socket still takes it, logs it at info (never "unexpected failure"), and stores nothing.
Each request declares Content-Length: 100, sends 11 bytes and shuts its side of the connection."""

import base64
import hashlib
import json
import socket
from urllib.parse import urlsplit

import pytest

from ebs_helpers import BLOCK_SIZE
from glacier_helpers import API_VERSION, sha256_hex, sigv4_headers, tree_hash
from oci_helpers import OCIClient, registry_password
from tessera_server import TEST_ACCOUNTS

ONE = TEST_ACCOUNTS["one"]


def truncated(endpoint, method, path, headers, declared=100, sent=11):
    """Sends the request head and `sent` bytes of a body declared `declared` long, closes the write side, and
    returns the status line of the answer (or "" when the server closed without one)."""
    parts = urlsplit(endpoint)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        head = f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall((head + f"Content-Length: {declared}\r\n\r\n").encode() + b"x" * sent)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode(errors="replace")


def assert_client_error(tessera, since, status_line):
    assert status_line == "" or status_line.split()[1].startswith("4"), status_line
    log = tessera.log_text(since)
    assert "unexpected failure" not in log and " error " not in log, log


def test_a_glacier_archive_cut_short(tessera, glacier, vault):
    body = b"x" * 100
    path = f"/-/vaults/{vault}/archives"
    headers = sigv4_headers("POST", tessera.endpoint + path, ONE.access_key, ONE.secret_key, body=body, headers={
        "x-amz-glacier-version": API_VERSION, "x-amz-content-sha256": sha256_hex(body), "x-amz-sha256-tree-hash": tree_hash(body)})
    since = tessera.log_size()
    assert_client_error(tessera, since, truncated(tessera.endpoint, "POST", path, headers))
    assert glacier.describe_vault(vaultName=vault)["NumberOfArchives"] == 0


def test_a_glacier_json_document_cut_short(tessera, vault):
    body = json.dumps({"Type": "inventory-retrieval", "Description": "x" * 80}).encode()
    path = f"/-/vaults/{vault}/jobs"
    headers = sigv4_headers("POST", tessera.endpoint + path, ONE.access_key, ONE.secret_key, body=body,
                            headers={"x-amz-glacier-version": API_VERSION})
    since = tessera.log_size()
    assert_client_error(tessera, since, truncated(tessera.endpoint, "POST", path, headers, declared=len(body)))


def test_an_ebs_block_cut_short(tessera, client_for):
    ebs = client_for("one", "ebs")
    snapshot = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    block = b"x" * BLOCK_SIZE
    path = f"/snapshots/{snapshot}/blocks/0"
    headers = sigv4_headers("PUT", tessera.endpoint + path, ONE.access_key, ONE.secret_key, service="ebs", headers={
        "x-amz-Data-Length": str(BLOCK_SIZE), "x-amz-Checksum": base64.b64encode(hashlib.sha256(block).digest()).decode(),
        "x-amz-Checksum-Algorithm": "SHA256", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    since = tessera.log_size()
    assert_client_error(tessera, since, truncated(tessera.endpoint, "PUT", path, headers, declared=BLOCK_SIZE, sent=1000))
    assert ebs.complete_snapshot(SnapshotId=snapshot, ChangedBlocksCount=0)["Status"] == "completed"


def test_an_ecr_layer_part_cut_short(tessera, ecr, repository):
    upload = ecr.initiate_layer_upload(repositoryName=repository)["uploadId"]
    body = json.dumps({"repositoryName": repository, "uploadId": upload, "partFirstByte": 0, "partLastByte": 99,
                       "layerPartBlob": base64.b64encode(b"y" * 100).decode()}).encode()
    headers = sigv4_headers("POST", tessera.endpoint + "/", ONE.access_key, ONE.secret_key, body=body, service="ecr", headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.UploadLayerPart"})
    since = tessera.log_size()
    assert_client_error(tessera, since, truncated(tessera.endpoint, "POST", "/", headers, declared=len(body), sent=len(body) // 2))
    # Nothing was received: the upload still starts at byte 0.
    done = ecr.upload_layer_part(repositoryName=repository, uploadId=upload, partFirstByte=0, partLastByte=99, layerPartBlob=b"y" * 100)
    assert done["lastByteReceived"] == 99


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_an_oci_chunk_cut_short(tessera, ecr, repository, method):
    oci = OCIClient(tessera.endpoint, registry_password(ecr))
    location = oci.post(oci.uploads_path(repository)).headers["Location"]
    path = urlsplit(location).path + ("?digest=sha256:" + hashlib.sha256(b"x" * 100).hexdigest() if method == "PUT" else "")
    token = base64.b64encode(f"AWS:{registry_password(ecr)}".encode()).decode()
    since = tessera.log_size()
    assert_client_error(tessera, since, truncated(tessera.endpoint, method, path, {"Authorization": f"Basic {token}"}))
    status = oci.get(location)
    assert status.status_code == 204 and status.headers["Range"] == "0-0", status.headers
