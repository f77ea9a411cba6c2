"""oras-py (PyPI `oras`, `auth_backend="basic"` with `AWS:<password>`) against the OCI door: an artifact pushed
with `do_chunked=True` and a small chunk size, so that several PATCHes with Content-Range reach the server, and
pulled back; the default monolithic push; several files; tags and tag deletion; an artifact with a `subject`
found through the referrers API (with the `artifactType` filter).

oras-py sends each request without credentials first and repeats it with Basic auth after the 401, so every
chunk is also sent once unauthenticated: the server must not keep it.
"""

from __future__ import annotations

import hashlib
import os

import pytest

from oci_helpers import OCI_INDEX, OCI_MANIFEST, describe, digest_of, random_bytes

oras_client = pytest.importorskip("oras.client", reason="oras is not installed (pip install oras)")
oras_oci = pytest.importorskip("oras.oci")

SBOM_TYPE = "application/vnd.example.sbom.v1+json"
SIGNATURE_TYPE = "application/vnd.example.signature.v1+json"


@pytest.fixture
def oras(oci, registry_password, monkeypatch, tmp_path):
    """An OrasClient for account one, working in tmp_path (oras-py wants files under the current directory,
    and reads ~/.docker/config.json, so HOME is a fresh directory). `client.calls` records
    (method, path, status) of every request it sends."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("DOCKER_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    client = oras_client.OrasClient(hostname=oci.host, insecure=True, auth_backend="basic")
    client.auth.set_basic_auth("AWS", registry_password)
    calls: list[tuple[str, str, int, dict]] = []
    send = client.session.request

    def recording(method, url, *args, **kwargs):
        resp = send(method, url, *args, **kwargs)
        calls.append((method, url.split("://", 1)[1].split("/", 1)[1].split("?")[0], resp.status_code,
                      dict(resp.headers)))
        return resp

    client.session.request = recording
    client.calls = calls
    return client


def write_file(name: str, size: int) -> bytes:
    data = random_bytes(size)
    with open(name, "wb") as f:
        f.write(data)
    return data


def test_chunked_push_and_pull(oras, oci, make_repository, tmp_path):
    repo = make_repository()
    data = write_file("artifact.bin", 100 * 1024 + 123)
    target = f"{oci.host}/{repo}:chunked"
    resp = oras.push(files=["artifact.bin"], target=target, do_chunked=True, chunk_size=16 * 1024, quiet=True)
    assert resp.status_code == 201, describe(resp)
    patches = [c for c in oras.calls if c[0] == "PATCH" and c[2] == 202]
    assert len(patches) == 7, oras.calls                     # ceil(102523 / 16384)
    ranges = [c[3].get("Range") for c in patches]
    ends = [min((i + 1) * 16 * 1024, len(data)) - 1 for i in range(7)]
    assert ranges == [f"0-{end}" for end in ends], ranges
    # oras-py 0.2 sends each chunk without credentials first; the 401 must not have kept any of it (the Range
    # values above show the session holds each chunk once)
    refused = [c for c in oras.calls if c[0] == "PATCH" and c[2] == 401]
    assert len(refused) in (0, 7), oras.calls

    manifest = oci.get_manifest(repo, "chunked").json()
    layer = manifest["layers"][0]
    assert layer["digest"] == digest_of(data) and layer["size"] == len(data)
    assert oci.get(oci.blob_path(repo, layer["digest"])).content == data

    out = tmp_path / "out"
    files = oras.pull(target=target, outdir=str(out))
    assert [os.path.basename(f) for f in files] == ["artifact.bin"]
    assert (out / "artifact.bin").read_bytes() == data


def test_monolithic_push_of_several_files(oras, oci, make_repository, tmp_path):
    repo = make_repository()
    contents = {f"file-{i}.txt": write_file(f"file-{i}.txt", 3000 + i) for i in range(3)}
    target = f"{oci.host}/{repo}:files"
    resp = oras.push(files=list(contents), target=target, quiet=True)
    assert resp.status_code == 201, describe(resp)
    assert not [c for c in oras.calls if c[0] == "PATCH"]
    out = tmp_path / "out"
    oras.pull(target=target, outdir=str(out))
    for name, data in contents.items():
        assert (out / name).read_bytes() == data


def test_tags_and_tag_deletion(oras, oci, make_repository):
    repo = make_repository()
    write_file("a.bin", 2048)
    for tag in ("v1", "v2", "latest"):
        oras.push(files=["a.bin"], target=f"{oci.host}/{repo}:{tag}", quiet=True)
    assert sorted(oras.get_tags(f"{oci.host}/{repo}")) == ["latest", "v1", "v2"]
    # all three tags name one manifest: oras deletes it by digest, which takes every tag
    assert oras.delete_tag(f"{oci.host}/{repo}", "v1") is True
    assert oci.get_manifest(repo, "v2").status_code == 404
    assert oras.get_tags(f"{oci.host}/{repo}") == []


def test_artifact_with_subject_found_through_referrers(oras, oci, make_repository):
    repo = make_repository()
    write_file("image.bin", 4096)
    oras.push(files=["image.bin"], target=f"{oci.host}/{repo}:image", quiet=True)
    head = oci.head(oci.manifest_path(repo, "image"), headers={"Accept": OCI_MANIFEST})
    subject = oras_oci.Subject(mediaType=head.headers["Content-Type"], digest=head.headers["Docker-Content-Digest"],
                               size=int(head.headers["Content-Length"]))

    referrers = {}
    for name, artifact_type, chunked in (("sbom.json", SBOM_TYPE, True), ("sig.bin", SIGNATURE_TYPE, False)):
        write_file(name, 5000)
        with open(f"{name}.config", "wb") as f:
            f.write(b"{}")
        oras.calls.clear()
        resp = oras.push(files=[name], target=f"{oci.host}/{repo}:{name.replace('.', '-')}", subject=subject,
                         manifest_config=f"{name}.config:{artifact_type}",
                         manifest_annotations={"org.example.kind": name}, do_chunked=chunked,
                         chunk_size=1024, quiet=True)
        assert resp.status_code == 201, describe(resp)
        assert resp.headers.get("OCI-Subject") == subject.digest, describe(resp)
        referrers[resp.headers["Docker-Content-Digest"]] = (artifact_type, name)

    resp = oci.get(f"/v2/{repo}/referrers/{subject.digest}")
    assert resp.status_code == 200 and resp.headers["Content-Type"] == OCI_INDEX, describe(resp)
    listed = {m["digest"]: m for m in resp.json()["manifests"]}
    assert set(listed) == set(referrers), resp.json()
    for digest, (artifact_type, name) in referrers.items():
        entry = listed[digest]
        assert entry["artifactType"] == artifact_type          # the config's media type (no artifactType)
        assert entry["mediaType"] == OCI_MANIFEST
        assert entry["annotations"]["org.example.kind"] == name
        pulled = oci.get_manifest(repo, digest)
        assert entry["size"] == len(pulled.content)
        assert hashlib.sha256(pulled.content).hexdigest() == digest.split(":")[1]

    filtered = oci.get(f"/v2/{repo}/referrers/{subject.digest}", params={"artifactType": SBOM_TYPE})
    assert filtered.headers.get("OCI-Filters-Applied") == "artifactType", describe(filtered)
    assert [m["artifactType"] for m in filtered.json()["manifests"]] == [SBOM_TYPE]
    none = oci.get(f"/v2/{repo}/referrers/{subject.digest}", params={"artifactType": "application/x-none"})
    assert none.json()["manifests"] == []
