"""Durability of ECR state: SIGKILL the server in the middle of a layer part, of a PutImage and of a
CompleteLayerUpload, and right after acknowledgements; restart on the same data dir; every
acknowledged part, layer, image, tag and setting is there, nothing half-sent is, and an interrupted
upload continues from the last byte it acknowledged (issue 10, "Bad input and failure")."""

import base64
import json
import threading
import time

import pytest

from ecr_helpers import (
    MIN_PART, ONE, complete, config_blob, compact, docker_manifest, download_url, ensure_blobs,
    expect_ecr_error, fetch, get_manifest, image_digests, image_id, initiate, is_available,
    keep_newest, last_valid_byte, layer_availability, layer_blobs, manifest_digest, policy,
    push_image, put_manifest, random_layer, raw_headers, repository_arn, repository_name,
    sha256_digest, statement, tags_by_digest, upload_part, upload_parts, watch_responses, Blob,
    DOCKER_LAYER, PULL_ACTIONS)
from tessera_server import TEST_ACCOUNTS, make_client, send_half_body

pytestmark = [pytest.mark.crash, pytest.mark.slow]
ACCOUNT = TEST_ACCOUNTS["one"]


def client_of(server, service="ecr"):
    return watch_responses(make_client(server.endpoint, ACCOUNT, service))


def send_half(endpoint, operation, payload, started, outcome, service="ecr"):
    """POST a signed JSON 1.1 request but send only half its body, then wait for an answer."""
    body = json.dumps(payload).encode()
    headers = raw_headers(endpoint, ACCOUNT, operation, body, service)
    send_half_body(endpoint + "/", "POST", headers, body, started, outcome)


def kill_during(server, operation, payload, service="ecr"):
    started, outcome = threading.Event(), {}
    thread = threading.Thread(target=send_half, daemon=True,
                              args=(server.endpoint, operation, payload, started, outcome, service))
    thread.start()
    assert started.wait(30), f"the half-sent {operation} never started"
    time.sleep(0.3)  # let the server start reading the body
    server.kill()
    thread.join(30)
    assert not thread.is_alive()
    assert "status" not in outcome or outcome["status"] >= 400, outcome


def assert_image_intact(ecr, repo, image):
    got = get_manifest(ecr, repo, image_id(digest=image.digest))
    assert got["imageManifest"] == image.manifest
    for blob in [image.config, *image.layers]:
        assert fetch(download_url(ecr, repo, blob.digest)).content == blob.data


def test_kill_9_during_a_layer_part(server_factory):
    server = server_factory("tessera-ecr-crash").start()
    ecr = client_of(server)
    repo = repository_name("crash")
    ecr.create_repository(repositoryName=repo)
    before = push_image(ecr, repo, "before", layers=2)

    data = random_layer(3 * MIN_PART + 1234)
    upload_id = initiate(ecr, repo)
    for i in range(2):
        upload_part(ecr, repo, upload_id, data[i * MIN_PART:(i + 1) * MIN_PART], i * MIN_PART)
    first, last = 2 * MIN_PART, 3 * MIN_PART - 1
    kill_during(server, "UploadLayerPart", {
        "repositoryName": repo, "uploadId": upload_id, "partFirstByte": first, "partLastByte": last,
        "layerPartBlob": base64.b64encode(data[first:last + 1]).decode()})

    server.start()  # same data dir, new port
    ecr = client_of(server)
    assert ecr.describe_repositories(repositoryNames=[repo])["repositories"][0]["repositoryName"] == repo
    assert_image_intact(ecr, repo, before)
    # the acknowledged parts are there, the half-sent one is not
    assert last_valid_byte(ecr, repo, upload_id) == 2 * MIN_PART - 1
    assert upload_parts(ecr, repo, upload_id, data, MIN_PART, start=2 * MIN_PART) == len(data) - 1
    assert complete(ecr, repo, upload_id, sha256_digest(data))["layerDigest"] == sha256_digest(data)
    after = push_image(ecr, repo, "after", blobs=[Blob(data, DOCKER_LAYER)])
    assert_image_intact(ecr, repo, after)

    server.restart()  # a clean SIGTERM restart keeps everything too
    ecr = client_of(server)
    assert_image_intact(ecr, repo, after)
    assert tags_by_digest(ecr, repo) == {before.digest: ["before"], after.digest: ["after"]}


def test_kill_9_during_put_image(server_factory):
    server = server_factory("tessera-ecr-crash-put").start()
    ecr = client_of(server)
    repo = repository_name("crash-put")
    ecr.create_repository(repositoryName=repo)
    config, layers = config_blob(), layer_blobs(2)
    ensure_blobs(ecr, repo, [config, *layers])
    manifest = docker_manifest(config, layers)
    manifest["annotations"] = {"padding": "x" * 200000}  # a body big enough to be cut in half
    text = compact(manifest)
    kill_during(server, "PutImage", {"repositoryName": repo, "imageManifest": text, "imageTag": "v1"})

    server.start()
    ecr = client_of(server)
    assert image_digests(ecr, repo) == set()
    assert all(is_available(ecr, repo, b.digest) for b in [config, *layers])
    resp = put_manifest(ecr, repo, text, "v1")
    assert resp["image"]["imageId"]["imageDigest"] == manifest_digest(text)
    assert get_manifest(ecr, repo, image_id(tag="v1"))["imageManifest"] == text


def test_kill_9_during_complete_layer_upload(server_factory):
    server = server_factory("tessera-ecr-crash-complete").start()
    ecr = client_of(server)
    repo = repository_name("crash-complete")
    ecr.create_repository(repositoryName=repo)
    data = random_layer(MIN_PART + 10)
    upload_id = initiate(ecr, repo)
    upload_parts(ecr, repo, upload_id, data, MIN_PART)
    kill_during(server, "CompleteLayerUpload", {
        "repositoryName": repo, "uploadId": upload_id, "layerDigests": [sha256_digest(data)]})

    server.start()
    ecr = client_of(server)
    assert not is_available(ecr, repo, sha256_digest(data))
    assert last_valid_byte(ecr, repo, upload_id) == len(data) - 1
    assert complete(ecr, repo, upload_id, sha256_digest(data))["layerDigest"] == sha256_digest(data)
    assert layer_availability(ecr, repo, [sha256_digest(data)])[sha256_digest(data)][
        "layerSize"] == len(data)


def test_kill_9_right_after_acknowledgements(server_factory):
    server = server_factory("tessera-ecr-crash-ack").start()
    ecr, public = client_of(server), client_of(server, "ecr-public")
    repo = repository_name("crash-ack")
    ecr.create_repository(repositoryName=repo, imageTagMutability="IMMUTABLE",
                          tags=[{"Key": "survives", "Value": "kill-9"}])
    image = push_image(ecr, repo, "v1", kind="oci")
    put_manifest(ecr, repo, image.manifest, "stable")
    loose = random_layer(4000)
    upload_id = initiate(ecr, repo)
    upload_part(ecr, repo, upload_id, loose, 0)
    assert complete(ecr, repo, upload_id, sha256_digest(loose))["layerDigest"] == sha256_digest(loose)
    pending = initiate(ecr, repo)
    head = random_layer(MIN_PART)
    upload_part(ecr, repo, pending, head, 0)
    ecr.put_lifecycle_policy(repositoryName=repo, lifecyclePolicyText=keep_newest(10))
    pull = policy(statement({"AWS": "222222222222"}, PULL_ACTIONS))
    ecr.set_repository_policy(repositoryName=repo, policyText=pull)
    public_repo = repository_name("crash-public")
    public.create_repository(repositoryName=public_repo, catalogData={"description": "kept"})
    public_image = push_image(public, public_repo, "v1")
    server.kill()  # immediately after the last acknowledgement

    server.start()
    ecr, public = client_of(server), client_of(server, "ecr-public")
    assert_image_intact(ecr, repo, image)
    assert tags_by_digest(ecr, repo) == {image.digest: ["stable", "v1"]}
    assert layer_availability(ecr, repo, [sha256_digest(loose)])[sha256_digest(loose)][
        "layerSize"] == len(loose)
    assert ecr.describe_repositories(repositoryNames=[repo])["repositories"][0][
        "imageTagMutability"] == "IMMUTABLE"
    assert ecr.list_tags_for_resource(resourceArn=repository_arn(repo))["tags"] == [
        {"Key": "survives", "Value": "kill-9"}]
    assert json.loads(ecr.get_lifecycle_policy(repositoryName=repo)["lifecyclePolicyText"]) == \
        json.loads(keep_newest(10))
    assert json.loads(ecr.get_repository_policy(repositoryName=repo)["policyText"]) == json.loads(pull)
    assert image_digests(public, public_repo) == {public_image.digest}
    assert public.get_repository_catalog_data(repositoryName=public_repo)["catalogData"][
        "description"] == "kept"

    # the open upload continues where it stood
    assert last_valid_byte(ecr, repo, pending) == MIN_PART - 1
    tail = random_layer(100)
    upload_part(ecr, repo, pending, tail, MIN_PART)
    assert complete(ecr, repo, pending, sha256_digest(head + tail))["layerDigest"] == \
        sha256_digest(head + tail)
    with expect_ecr_error("ImageTagAlreadyExistsException"):  # IMMUTABLE survived
        put_manifest(ecr, repo, push_image(ecr, repo, kind="oci").manifest, "v1")
    assert ONE in ecr.describe_repositories(repositoryNames=[repo])["repositories"][0]["repositoryArn"]
