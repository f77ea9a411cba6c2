"""skopeo (Debian's package, containers/image — podman's library) against the OCI door: an OCI image layout
of several layers made by the test copied to `docker://127.0.0.1:PORT/repo:tag` and back with identical
digests; inspect, list-tags, delete; an index with `--all`; a Docker schema 2 image; names with slashes; wrong
credentials; an ECR Public repository pulled with no credentials.

Credentials are `AWS:<password of GetAuthorizationToken>`; `--*-tls-verify=false` lets skopeo use plain HTTP.
"""

from __future__ import annotations

import json

import pytest

from oci_helpers import (
    DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, build_image, build_index, describe, layout_blob,
    public_name, read_oci_layout, run, write_dir_layout, write_oci_layout)

ONE = "111111111111"


@pytest.fixture
def sk(skopeo, oci, registry_password):
    """sk(verb, *args, creds="AWS:<password>" | None, check=True) runs skopeo against the shared server."""
    def call(verb: str, *args, creds: str | None = f"AWS:{registry_password}", check: bool = True):
        cmd = [skopeo, "--insecure-policy", verb]
        if verb == "copy":
            cmd += ["--src-tls-verify=false", "--dest-tls-verify=false"]
            src, dest = args[-2], args[-1]
            if creds and src.startswith("docker://"):
                cmd += ["--src-creds", creds]
            if creds and dest.startswith("docker://"):
                cmd += ["--dest-creds", creds]
            if not creds:
                cmd += ["--src-no-creds"] if src.startswith("docker://") else []
                cmd += ["--dest-no-creds"] if dest.startswith("docker://") else []
        else:
            cmd += ["--tls-verify=false"]
            cmd += ["--creds", creds] if creds else ["--no-creds"]
        return run(cmd + list(args), check=check, timeout=120)
    return call


def ref(oci, repo: str, tag: str | None = None) -> str:
    return f"docker://{oci.host}/{repo}" + (f":{tag}" if tag else "")


def test_copy_layout_to_registry_and_back(sk, oci, ecr, make_repository, tmp_path):
    """Three layers; the manifest digest and every blob survive the round trip byte for byte, and the ECR
    door sees the image."""
    repo = make_repository()
    image = build_image(layer_count=3, layer_size=4096)
    src = write_oci_layout(tmp_path / "src", {"v1": image})
    sk("copy", f"oci:{src}:v1", ref(oci, repo, "v1"))

    head = oci.head(oci.manifest_path(repo, "v1"), headers={"Accept": OCI_MANIFEST})
    assert head.status_code == 200 and head.headers["Docker-Content-Digest"] == image.digest, describe(head)
    for digest, data in image.blobs.items():
        assert oci.get(oci.blob_path(repo, digest)).content == data

    back = tmp_path / "back"
    sk("copy", ref(oci, repo, "v1"), f"oci:{back}:v1")
    desc, manifest = read_oci_layout(back, "v1")
    assert desc["digest"] == image.digest
    assert manifest == image.manifest
    for digest, data in image.blobs.items():
        assert layout_blob(back, digest) == data

    details = ecr.describe_images(repositoryName=repo)["imageDetails"]
    assert [(d["imageDigest"], d.get("imageTags")) for d in details] == [(image.digest, ["v1"])]


def test_inspect_list_tags_and_delete(sk, oci, ecr, make_repository, tmp_path):
    repo = make_repository()
    image = build_image(layer_count=3, layer_size=2048)
    src = write_oci_layout(tmp_path / "src", {"v1": image})
    for tag in ("v1", "latest", "stable"):
        sk("copy", f"oci:{src}:v1", ref(oci, repo, tag))

    info = json.loads(sk("inspect", ref(oci, repo, "v1")).stdout)
    assert info["Digest"] == image.digest
    assert info["Layers"] == image.layer_digests
    assert sorted(info["RepoTags"]) == ["latest", "stable", "v1"]
    raw = sk("inspect", "--raw", ref(oci, repo, "latest")).stdout
    assert raw.encode() == image.manifest
    config = json.loads(sk("inspect", "--config", "--raw", ref(oci, repo, "stable")).stdout)
    assert config["rootfs"]["diff_ids"] == [l.diff_id for l in image.layers]

    tags = json.loads(sk("list-tags", ref(oci, repo)).stdout)
    assert tags["Repository"].endswith(repo) and sorted(tags["Tags"]) == ["latest", "stable", "v1"]

    # skopeo delete resolves the tag and deletes the manifest by digest: the image and all its tags go
    sk("delete", ref(oci, repo, "stable"))
    resp = oci.get_manifest(repo, image.digest)
    assert resp.status_code == 404, describe(resp)
    assert ecr.list_images(repositoryName=repo)["imageIds"] == []
    failed = sk("inspect", ref(oci, repo, "v1"), check=False)
    assert failed.returncode != 0 and "manifest unknown" in failed.stderr.lower(), failed.stderr


def test_copy_index_with_all(sk, oci, make_repository, tmp_path):
    repo = make_repository()
    amd = build_image(layer_count=2, layer_size=1024)
    arm = build_image(layer_count=2, layer_size=1024, arch="arm64")
    index = build_index([amd, arm])
    src = write_oci_layout(tmp_path / "src", {"multi": index})
    sk("copy", "--all", f"oci:{src}:multi", ref(oci, repo, "multi"))
    got = oci.get_manifest(repo, "multi")
    assert got.status_code == 200 and got.headers["Content-Type"] == OCI_INDEX, describe(got)
    assert got.headers["Docker-Content-Digest"] == index.digest and got.content == index.manifest
    for child in (amd, arm):
        assert oci.get_manifest(repo, child.digest).content == child.manifest
    back = tmp_path / "back"
    sk("copy", "--all", ref(oci, repo, "multi"), f"oci:{back}:multi")
    desc, manifest = read_oci_layout(back, "multi")
    assert desc["digest"] == index.digest and manifest == index.manifest
    for child in (amd, arm):
        for digest, data in child.blobs.items():
            assert layout_blob(back, digest) == data


def test_docker_schema2_image(sk, oci, make_repository, tmp_path):
    """A Docker v2 schema 2 image keeps its media type and digest (served as
    application/vnd.docker.distribution.manifest.v2+json)."""
    repo = make_repository()
    image = build_image(layer_count=2, layer_size=2048, docker=True)
    src = write_dir_layout(tmp_path / "src", image)
    sk("copy", f"dir:{src}", ref(oci, repo, "v1"))
    got = oci.get_manifest(repo, "v1")
    assert got.headers["Content-Type"] == DOCKER_MANIFEST and got.content == image.manifest, describe(got)
    info = json.loads(sk("inspect", ref(oci, repo, "v1")).stdout)
    assert info["Digest"] == image.digest
    back = tmp_path / "back"
    sk("copy", ref(oci, repo, "v1"), f"dir:{back}")
    assert (back / "manifest.json").read_bytes() == image.manifest


def test_names_with_slashes(sk, oci, make_repository, tmp_path):
    repo = make_repository("org/team/app")
    image = build_image(layer_count=2, layer_size=1024)
    src = write_oci_layout(tmp_path / "src", {"v1": image})
    sk("copy", f"oci:{src}:v1", ref(oci, repo, "v1"))
    assert json.loads(sk("list-tags", ref(oci, repo)).stdout)["Tags"] == ["v1"]
    back = tmp_path / "back"
    sk("copy", ref(oci, repo, "v1"), f"oci:{back}:v1")
    assert read_oci_layout(back, "v1")[0]["digest"] == image.digest


def test_push_pull_second_repository_reuses_blobs(sk, oci, make_repository, tmp_path):
    """A second push of the same layers to another repository (skopeo may mount them from the first)."""
    first, second = make_repository(), make_repository()
    image = build_image(layer_count=3, layer_size=2048)
    src = write_oci_layout(tmp_path / "src", {"v1": image})
    sk("copy", f"oci:{src}:v1", ref(oci, first, "v1"))
    sk("copy", ref(oci, first, "v1"), ref(oci, second, "v1"))
    assert oci.get_manifest(second, "v1").headers["Docker-Content-Digest"] == image.digest
    for digest, data in image.blobs.items():
        assert oci.get(oci.blob_path(second, digest)).content == data


def test_wrong_credentials_and_missing_repository(sk, oci, make_repository, tmp_path):
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=1024)
    src = write_oci_layout(tmp_path / "src", {"v1": image})
    failed = sk("copy", f"oci:{src}:v1", ref(oci, repo, "v1"), creds="AWS:not-the-password", check=False)
    assert failed.returncode != 0
    assert "unauthorized" in failed.stderr.lower() or "401" in failed.stderr, failed.stderr
    assert oci.get_manifest(repo, "v1").status_code == 404
    failed = sk("copy", f"oci:{src}:v1", ref(oci, repo + "-missing", "v1"), check=False)
    assert failed.returncode != 0 and "name unknown" in failed.stderr.lower(), failed.stderr


def test_public_repository_anonymous_pull(sk, oci, make_repository, tmp_path):
    """`r<account>/NAME` is account one's ECR Public repository NAME: its owner pushes with credentials,
    anyone pulls without; an anonymous push is refused."""
    name = make_repository(public=True)
    repo = public_name(ONE, name)
    image = build_image(layer_count=2, layer_size=1024)
    src = write_oci_layout(tmp_path / "src", {"v1": image})
    sk("copy", f"oci:{src}:v1", ref(oci, repo, "v1"))
    info = json.loads(sk("inspect", ref(oci, repo, "v1"), creds=None).stdout)
    assert info["Digest"] == image.digest
    back = tmp_path / "back"
    sk("copy", ref(oci, repo, "v1"), f"oci:{back}:v1", creds=None)
    assert read_oci_layout(back, "v1")[0]["digest"] == image.digest
    other = write_oci_layout(tmp_path / "other", {"v2": build_image(layer_count=1, layer_size=512)})
    failed = sk("copy", f"oci:{other}:v2", ref(oci, repo, "v2"), creds=None, check=False)
    assert failed.returncode != 0, failed.stdout
    assert oci.get_manifest(repo, "v2").status_code == 404
