"""One registry, two doors: what is pushed through the OCI door (`/v2`, skopeo, docker, raw) is seen, described
and deleted through the ECR API (boto3, `aws ecr`), and what is pushed with UploadLayerPart/PutImage is pulled
with skopeo and docker; tags, tag immutability, repository policies and ECR Public apply whichever door is used.

Names under /v2: `NAME` is the caller's private repository; `<12-digit account>/NAME` another account's private
repository, reachable as its repository policy allows; `r<12-digit account>/NAME` an ECR Public repository,
pulled by anyone.
"""

from __future__ import annotations

import json

import pytest

from ecr_helpers import (
    PULL_ACTIONS, PUSH_ACTIONS, MiB, complete, initiate, layer_availability, policy, statement, upload_parts)
from oci_helpers import (
    DOCKER_MANIFEST, HELLO_MESSAGE, OCI_MANIFEST, OCIClient, build_image, describe, expect_challenge,
    expect_oci_error, make_layer, public_name, random_bytes, read_oci_layout, rootfs_tar, run, runnable_image,
    start_session, write_oci_layout)

ONE, TWO = "111111111111", "222222222222"


def skopeo_cmd(skopeo, password, verb, *args, creds=True):
    cmd = [skopeo, "--insecure-policy", verb]
    if verb == "copy":
        cmd += ["--src-tls-verify=false", "--dest-tls-verify=false"]
        if creds:
            cmd += ["--src-creds" if args[-2].startswith("docker://") else "--dest-creds", f"AWS:{password}"]
    else:
        cmd += ["--tls-verify=false", "--creds", f"AWS:{password}"]
    return cmd + list(args)


def push_through_ecr(ecr, repo: str, image, tag: str, part_size: int | None = None) -> dict:
    """UploadLayerPart for every blob (in `part_size` parts), then PutImage of the manifest bytes."""
    for digest, data in image.blobs.items():
        upload_id = initiate(ecr, repo)
        upload_parts(ecr, repo, upload_id, data, part_size or len(data))
        assert complete(ecr, repo, upload_id, digest)["layerDigest"] == digest
    resp = ecr.put_image(repositoryName=repo, imageManifest=image.manifest.decode(), imageTag=tag)
    assert resp["image"]["imageId"]["imageDigest"] == image.digest
    return resp


# -- OCI door → ECR API ---------------------------------------------------------------------

def test_skopeo_push_seen_and_deleted_through_ecr(skopeo, oci, ecr, registry_password, make_repository, tmp_path):
    repo = make_repository()
    image = build_image(layer_count=3, layer_size=4096)
    src = write_oci_layout(tmp_path / "src", {"v1": image})
    run(skopeo_cmd(skopeo, registry_password, "copy", f"oci:{src}:v1", f"docker://{oci.host}/{repo}:v1"))

    assert ecr.list_images(repositoryName=repo)["imageIds"] == [{"imageDigest": image.digest, "imageTag": "v1"}]
    detail = ecr.describe_images(repositoryName=repo)["imageDetails"][0]
    assert detail["imageDigest"] == image.digest and detail["imageTags"] == ["v1"]
    assert detail["imageManifestMediaType"] == OCI_MANIFEST
    assert detail["imageSizeInBytes"] == sum(len(b) for b in image.blobs.values())
    got = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "v1"}])["images"][0]
    assert got["imageManifest"].encode() == image.manifest
    layers = layer_availability(ecr, repo, image.layer_digests)
    assert all(l["layerAvailability"] == "AVAILABLE" for l in layers.values()), layers

    resp = ecr.batch_delete_image(repositoryName=repo, imageIds=[{"imageTag": "v1"}])
    assert resp["imageIds"] and not resp.get("failures"), resp
    expect_oci_error(oci.get_manifest(repo, image.digest), 404, "MANIFEST_UNKNOWN")
    failed = run(skopeo_cmd(skopeo, registry_password, "inspect", f"docker://{oci.host}/{repo}:v1"), check=False)
    assert failed.returncode != 0


@pytest.mark.cli
def test_docker_push_listed_and_deleted_with_aws_cli(docker_registry, aws_cli, oci, make_repository):
    docker = docker_registry
    env, _ = aws_cli
    repo = make_repository()
    local = f"tessera-compat/cross-{repo}:1"
    docker.docker("import", "-", local, input=rootfs_tar())
    remote = f"{oci.host}/{repo}:v1"
    docker.docker("tag", local, remote)
    out = docker.docker("push", remote).stdout
    digest = next(w for w in out.split() if w.startswith("sha256:"))

    described = json.loads(run(["aws", "ecr", "describe-images", "--repository-name", repo, "--output", "json"],
                               env=env).stdout)["imageDetails"]
    assert [(d["imageDigest"], d["imageTags"]) for d in described] == [(digest, ["v1"])]
    assert described[0]["imageManifestMediaType"] == DOCKER_MANIFEST
    deleted = json.loads(run(["aws", "ecr", "batch-delete-image", "--repository-name", repo, "--image-ids",
                              "imageTag=v1", "--output", "json"], env=env).stdout)
    assert deleted["imageIds"][0]["imageDigest"] == digest and not deleted.get("failures"), deleted
    docker.docker("rmi", remote, local)
    proc = docker.docker("pull", remote, check=False)
    assert proc.returncode != 0 and "manifest unknown" in (proc.stdout + proc.stderr).lower(), proc


def test_tags_cross_the_doors(oci, ecr, make_repository):
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=1024)
    oci.push_image(repo, image, tag="from-v2")
    assert ecr.describe_images(repositoryName=repo)["imageDetails"][0]["imageTags"] == ["from-v2"]
    ecr.put_image(repositoryName=repo, imageManifest=image.manifest.decode(), imageTag="from-ecr")
    assert oci.tags(repo).json()["tags"] == ["from-ecr", "from-v2"]
    assert oci.get_manifest(repo, "from-ecr").content == image.manifest
    ecr.batch_delete_image(repositoryName=repo, imageIds=[{"imageTag": "from-v2"}])
    assert oci.tags(repo).json()["tags"] == ["from-ecr"]
    assert oci.delete(oci.manifest_path(repo, "from-ecr")).status_code == 202
    assert ecr.list_images(repositoryName=repo, filter={"tagStatus": "TAGGED"})["imageIds"] == []


def test_blobs_cross_the_doors(oci, ecr, make_repository):
    """A blob pushed through /v2 is an AVAILABLE layer for the ECR API, and PutImage can use it; a layer
    completed through the ECR API is a blob under /v2."""
    repo = make_repository()
    image = build_image(layer_count=2, layer_size=2048)
    via_v2 = image.layers[0]
    oci.push_blob(repo, via_v2.data)
    entry = layer_availability(ecr, repo, [via_v2.digest])[via_v2.digest]
    assert entry["layerAvailability"] == "AVAILABLE" and entry["layerSize"] == len(via_v2.data), entry
    for digest, data in image.blobs.items():
        if digest != via_v2.digest:
            upload_id = initiate(ecr, repo)
            upload_parts(ecr, repo, upload_id, data, len(data))
            complete(ecr, repo, upload_id, digest)
            head = oci.head(oci.blob_path(repo, digest))
            assert head.status_code == 200 and head.headers["Content-Length"] == str(len(data)), describe(head)
    ecr.put_image(repositoryName=repo, imageManifest=image.manifest.decode(), imageTag="mixed")
    assert oci.get_manifest(repo, "mixed").headers["Docker-Content-Digest"] == image.digest


# -- ECR API → OCI door ---------------------------------------------------------------------

@pytest.mark.slow
def test_layer_uploaded_in_parts_pulled_with_skopeo(skopeo, oci, ecr, registry_password, make_repository, tmp_path):
    """A 6 MiB layer uploaded with UploadLayerPart in two parts (5 MiB + 1 MiB): /v2 serves it whole and by a
    Range across the part boundary, and skopeo copies the image out with identical digests."""
    repo = make_repository()
    layer = make_layer({"big.bin": random_bytes(6 * MiB)})
    image = build_image([layer])
    push_through_ecr(ecr, repo, image, "parts", part_size=5 * MiB)
    blob = oci.get(oci.blob_path(repo, layer.digest), headers={"Range": f"bytes={5 * MiB - 10}-{5 * MiB + 9}"})
    assert blob.status_code == 206 and blob.content == layer.data[5 * MiB - 10:5 * MiB + 10], describe(blob)
    assert oci.get(oci.blob_path(repo, layer.digest)).content == layer.data
    back = tmp_path / "back"
    run(skopeo_cmd(skopeo, registry_password, "copy", f"docker://{oci.host}/{repo}:parts", f"oci:{back}:parts"))
    desc, manifest = read_oci_layout(back, "parts")
    assert desc["digest"] == image.digest and manifest == image.manifest


def test_ecr_image_pulled_and_run_with_docker(docker_registry, skopeo, oci, ecr, registry_password,
                                              make_repository, tmp_path):
    """A Docker image (one layer holding /hello) pushed with UploadLayerPart and PutImage: skopeo copies it out
    byte for byte, docker pulls it and runs it."""
    repo = make_repository()
    image = runnable_image(docker=True)
    push_through_ecr(ecr, repo, image, "v1")
    back = tmp_path / "back"
    run(skopeo_cmd(skopeo, registry_password, "copy", f"docker://{oci.host}/{repo}:v1", f"dir:{back}"))
    assert (back / "manifest.json").read_bytes() == image.manifest
    remote = f"{oci.host}/{repo}:v1"
    out = docker_registry.docker("pull", remote).stdout
    assert image.digest in out, out
    proc = docker_registry.docker("run", "--rm", "--network", "none", remote, check=False, timeout=120)
    docker_registry.docker("rmi", remote, check=False)
    if proc.returncode != 0:
        pytest.skip(f"pulled; docker run is not possible on this machine: {proc.stderr.strip()[-400:]}")
    assert proc.stdout.encode() == HELLO_MESSAGE


# -- tag immutability -------------------------------------------------------------------------

def test_immutable_repository_refuses_a_retag_from_docker(docker_registry, oci, ecr, make_repository):
    docker = docker_registry
    repo = make_repository(imageTagMutability="IMMUTABLE")
    remote = f"{oci.host}/{repo}:v1"
    first, second = f"tessera-compat/imm-{repo}:a", f"tessera-compat/imm-{repo}:b"
    docker.docker("import", "-", first, input=rootfs_tar())
    docker.docker("import", "-", second, input=rootfs_tar())
    docker.docker("tag", first, remote)
    out = docker.docker("push", remote).stdout
    digest = next(w for w in out.split() if w.startswith("sha256:"))
    docker.docker("tag", second, remote)
    proc = docker.docker("push", remote, check=False)
    assert proc.returncode != 0, proc.stdout
    assert "tag invalid" in (proc.stdout + proc.stderr).lower(), proc
    assert oci.get_manifest(repo, "v1").headers["Docker-Content-Digest"] == digest
    assert ecr.describe_images(repositoryName=repo, imageIds=[{"imageTag": "v1"}])["imageDetails"][0][
        "imageDigest"] == digest
    # a mutable tag of the exclusion filter moves
    ecr.put_image_tag_mutability(repositoryName=repo, imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
                                 imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD",
                                                                      "filter": "latest*"}])
    for name in (first, second):
        docker.docker("tag", name, f"{oci.host}/{repo}:latest")
        docker.docker("push", f"{oci.host}/{repo}:latest")
    docker.docker("rmi", remote, f"{oci.host}/{repo}:latest", first, second, check=False)


def test_immutable_tag_through_skopeo(skopeo, oci, registry_password, make_repository, tmp_path):
    repo = make_repository(imageTagMutability="IMMUTABLE")
    a, b = build_image(layer_count=1, layer_size=512), build_image(layer_count=1, layer_size=512)
    src = write_oci_layout(tmp_path / "src", {"a": a, "b": b})
    run(skopeo_cmd(skopeo, registry_password, "copy", f"oci:{src}:a", f"docker://{oci.host}/{repo}:v1"))
    failed = run(skopeo_cmd(skopeo, registry_password, "copy", f"oci:{src}:b", f"docker://{oci.host}/{repo}:v1"),
                 check=False)
    assert failed.returncode != 0 and "tag invalid" in failed.stderr.lower(), failed.stderr
    assert oci.get_manifest(repo, "v1").headers["Docker-Content-Digest"] == a.digest


# -- other accounts and repository policies -------------------------------------------------------

@pytest.fixture
def shared(oci, make_repository):
    """Account one's repository with image v1; (name, image)."""
    repo = make_repository()
    image = build_image(layer_count=2, layer_size=1024)
    oci.push_image(repo, image, tag="v1")
    return repo, image


def grant(ecr, repo, actions, effect="Allow", principal=None):
    ecr.set_repository_policy(repositoryName=repo, policyText=policy(
        statement(principal or {"AWS": TWO}, actions, effect=effect)))


def test_other_account_without_a_policy_is_denied(shared, oci_two, oci_anonymous):
    repo, image = shared
    for resp in (oci_two.tags(f"{ONE}/{repo}"), oci_two.get_manifest(f"{ONE}/{repo}", "v1"),
                 oci_two.get(oci_two.blob_path(f"{ONE}/{repo}", image.layer_digests[0])),
                 oci_two.post(oci_two.uploads_path(f"{ONE}/{repo}"))):
        expect_oci_error(resp, 403, "DENIED")
    # its own registry has no such repository
    expect_oci_error(oci_two.tags(repo), 404, "NAME_UNKNOWN")
    # anonymous: 401 with the challenge, for the plain and the account-qualified name
    for name in (repo, f"{ONE}/{repo}"):
        expect_challenge(oci_anonymous.get_manifest(name, "v1"))
        expect_challenge(oci_anonymous.get(oci_anonymous.blob_path(name, image.digest)))
        expect_challenge(oci_anonymous.post(oci_anonymous.uploads_path(name)))


def test_repository_policy_grants_pull_not_push(shared, ecr, oci, oci_two):
    repo, image = shared
    grant(ecr, repo, PULL_ACTIONS)
    name = f"{ONE}/{repo}"
    got = oci_two.get_manifest(name, "v1")
    assert got.status_code == 200 and got.content == image.manifest, describe(got)
    for digest, data in image.blobs.items():
        assert oci_two.get(oci_two.blob_path(name, digest)).content == data
    assert oci_two.tags(name).json()["tags"] == ["v1"]
    # not push: no upload session, no manifest, no delete
    expect_oci_error(oci_two.post(oci_two.uploads_path(name)), 403, "DENIED")
    other = build_image(layer_count=0)
    expect_oci_error(oci_two.put_manifest(name, "v2", other.manifest, OCI_MANIFEST), 403, "DENIED")
    expect_oci_error(oci_two.delete(oci_two.manifest_path(name, image.digest)), 403, "DENIED")
    assert oci.get_manifest(repo, "v1").status_code == 200


def test_repository_policy_grants_push(shared, ecr, oci, oci_two):
    repo, _ = shared
    grant(ecr, repo, sorted(set(PULL_ACTIONS + PUSH_ACTIONS)))
    image = build_image(layer_count=2, layer_size=1024)
    oci_two.push_image(f"{ONE}/{repo}", image, tag="from-two")
    got = oci.get_manifest(repo, "from-two")
    assert got.status_code == 200 and got.content == image.manifest, describe(got)


def test_explicit_deny_wins(shared, ecr, oci_two):
    repo, _ = shared
    ecr.set_repository_policy(repositoryName=repo, policyText=policy(
        statement({"AWS": TWO}, PULL_ACTIONS, sid="allow"),
        statement({"AWS": TWO}, ["ecr:BatchGetImage"], effect="Deny", sid="deny")))
    expect_oci_error(oci_two.get_manifest(f"{ONE}/{repo}", "v1"), 403, "DENIED")


def test_mount_from_an_unreadable_repository_is_not_a_mount(shared, oci_two, make_repository, ecr_two):
    """Account two asks to mount account one's blob without any grant: 202 (an upload session), and the blob
    is not linked to its repository."""
    repo, image = shared
    mine = make_repository(client=ecr_two)
    digest = image.layer_digests[0]
    resp = oci_two.post(oci_two.uploads_path(mine), params={"mount": digest, "from": f"{ONE}/{repo}"})
    assert resp.status_code == 202, describe(resp)
    assert oci_two.head(oci_two.blob_path(mine, digest)).status_code == 404


def test_mount_from_a_granted_repository(shared, ecr, oci_two, make_repository, ecr_two):
    repo, image = shared
    grant(ecr, repo, PULL_ACTIONS)
    mine = make_repository(client=ecr_two)
    digest = image.layer_digests[0]
    resp = oci_two.post(oci_two.uploads_path(mine), params={"mount": digest, "from": f"{ONE}/{repo}"})
    assert resp.status_code == 201, describe(resp)
    assert oci_two.get(oci_two.blob_path(mine, digest)).content == image.blobs[digest]


# -- ECR Public -------------------------------------------------------------------------------

def test_public_repository_through_both_doors(oci, oci_two, oci_anonymous, ecr_public, make_repository):
    name = make_repository(public=True)
    repo = public_name(ONE, name)
    image = build_image(layer_count=2, layer_size=1024)
    oci.push_image(repo, image, tag="v1")
    details = ecr_public.describe_images(repositoryName=name)["imageDetails"]
    assert [(d["imageDigest"], d.get("imageTags")) for d in details] == [(image.digest, ["v1"])]
    for client in (oci_anonymous, oci_two):
        got = client.get_manifest(repo, "v1")
        assert got.status_code == 200 and got.content == image.manifest, describe(got)
        for digest, data in image.blobs.items():
            assert client.get(client.blob_path(repo, digest)).content == data
        assert client.tags(repo).json()["tags"] == ["v1"]
    # only its owner pushes: anonymous → 401, another account → 403
    expect_challenge(oci_anonymous.post(oci_anonymous.uploads_path(repo)))
    expect_oci_error(oci_two.post(oci_two.uploads_path(repo)), 403, "DENIED")
    expect_oci_error(oci_two.put_manifest(repo, "v2", image.manifest, OCI_MANIFEST), 403, "DENIED")
    expect_oci_error(oci_two.delete(oci_two.manifest_path(repo, "v1")), 403, "DENIED")
    # an image pushed through ECR Public's API is pulled anonymously under /v2
    other = build_image(layer_count=1, layer_size=512)
    push_through_ecr(ecr_public, name, other, "v2")
    assert oci_anonymous.get_manifest(repo, "v2").content == other.manifest
    expect_oci_error(oci_anonymous.get_manifest(public_name(ONE, name + "-missing"), "v1"), 404, "NAME_UNKNOWN")


def test_public_pull_with_empty_basic_credentials(oci, make_repository):
    """skopeo and podman (containers/image) answer a Basic challenge with `Authorization: Basic Og==` (empty
    user and password) when they have no credentials; for a public repository that is an anonymous pull."""
    name = make_repository(public=True)
    repo = public_name(ONE, name)
    image = build_image(layer_count=1, layer_size=512)
    oci.push_image(repo, image, tag="v1")
    empty = OCIClient(oci.endpoint)
    resp = empty.get(empty.manifest_path(repo, "v1"),
                     headers={"Authorization": "Basic Og==", "Accept": OCI_MANIFEST})
    assert resp.status_code == 200, describe(resp)
    blob = empty.get(empty.blob_path(repo, image.layer_digests[0]), headers={"Authorization": "Basic Og=="})
    assert blob.status_code == 200, describe(blob)
    # and it is no way around auth for a private repository
    private = make_repository()
    expect_challenge(empty.get(empty.manifest_path(private, "v1"), headers={"Authorization": "Basic Og=="}))


def test_upload_sessions_belong_to_the_account(shared, oci, oci_two, make_repository, ecr_two):
    """Account two cannot use account one's upload session, even by its URL."""
    repo, _ = shared
    url = start_session(oci, repo)
    path = url.split("://", 1)[1].split("/", 1)[1]
    for prefix in ("", f"{ONE}/"):
        resp = oci_two.get("/" + path.replace(f"v2/{repo}/", f"v2/{prefix}{repo}/", 1))
        assert resp.status_code in (403, 404), describe(resp)
        resp = oci_two.patch("/" + path.replace(f"v2/{repo}/", f"v2/{prefix}{repo}/", 1), data=b"x" * 100,
                             headers={"Content-Range": "0-99"})
        assert resp.status_code in (403, 404), describe(resp)
    # nothing was appended: account one's first chunk still starts at 0
    resp = oci.patch(url, data=b"y" * 10, headers={"Content-Range": "0-9"})
    assert resp.status_code == 202 and resp.headers["Range"] == "0-9", describe(resp)
