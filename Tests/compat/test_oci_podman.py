"""podman (Debian's package, 4.3; containers/image, like skopeo, but with its own image store and `run`) against
the OCI door: `podman login` with the password of GetAuthorizationToken (what `aws ecr get-login-password`
prints) and a wrong one; `podman import` of a small rootfs (entrypoint /hello), push to a repository created
through the ECR API, the image listed by DescribeImages with the digest podman wrote (`--digestfile`), rmi, pull,
`podman run`; the same image pushed to a second repository (the layer mounted, not sent again) and pulled by
digest; an IMMUTABLE repository refusing to move a tag, with ECR's sentence in podman's error; Docker schema 2
and zstd-compressed pushes; `podman manifest push --all` of a two-platform index; missing repository, tag and
credentials.

Every podman call runs with its own store under the test's temp dir (`--root`, `--runroot`, `--tmpdir`,
`--storage-driver vfs`, `--cgroup-manager cgroupfs`, `--events-backend file`, network config and volumes there
too), with HOME, the XDG directories, TMPDIR, containers.conf, registries.conf, storage.conf and the auth file
pointing into it, and `--tls-verify=false` (plain HTTP on 127.0.0.1). `podman run` adds `--network none` (no
bridge, no firewall rules), `--cgroups no-conmon --cgroup-parent /` (no cgroup outlives the container) and the
`--ulimit` flags this machine kind needs. What podman (as root) still writes outside, with no option to move
it: containers/image's blob-info cache in /var/lib/containers/cache (skopeo writes it too; it is what lets
podman mount a layer it pushed before), and the empty directories /run/containers/networks and /run/runc.
Nothing comes from the internet.

Skipped, with the reason, where podman is not installed or cannot run; `podman run` alone skips where the machine
cannot start containers.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from oci_helpers import (
    DOCKER_LAYER, DOCKER_MANIFEST, HELLO_MESSAGE, OCI_INDEX, OCI_LAYER_GZIP, OCI_MANIFEST, describe,
    digest_of, rootfs_tar)

RUN_FLAGS = ("--rm", "--network", "none", "--cgroups", "no-conmon", "--cgroup-parent", "/",
             "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024")
IMMUTABLE_SENTENCE = ("The image tag '{tag}' already exists in the '{repo}' repository and cannot be overwritten "
                      "because the tag is immutable.")
OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class Podman:
    """podman with everything it keeps under `home`: the image store, run state, configuration, the auth file."""

    def __init__(self, home: Path):
        self.home = Path(home)
        for sub in ("config", "data", "cache", "tmp", "root", "libpod-tmp", "networks", "volumes"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        (self.home / "run").mkdir(mode=0o700, exist_ok=True)
        # podman refuses a runroot longer than 50 characters, which a pytest temp dir is: the run state (locks,
        # a container's runtime files while it runs) goes to a short directory of its own, removed by cleanup()
        self.runroot = Path(tempfile.mkdtemp(prefix="tessera-podman-"))
        self.auth_file = self.home / "auth.json"
        (self.home / "storage.conf").write_text(
            f'[storage]\ndriver = "vfs"\nrunroot = "{self.runroot}"\ngraphroot = "{self.home / "root"}"\n')
        (self.home / "registries.conf").write_text("unqualified-search-registries = []\n")
        (self.home / "containers.conf").write_text("")

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("CONTAINERS_", "CONTAINER_", "REGISTRY_AUTH", "DOCKER_", "XDG_", "BUILDAH_"))}
        home = self.home
        env.update({
            "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CACHE_HOME": str(home / "cache"), "XDG_RUNTIME_DIR": str(home / "run"), "TMPDIR": str(home / "tmp"),
            "CONTAINERS_CONF": str(home / "containers.conf"),
            "CONTAINERS_REGISTRIES_CONF": str(home / "registries.conf"),
            "CONTAINERS_STORAGE_CONF": str(home / "storage.conf"),
            "REGISTRY_AUTH_FILE": str(self.auth_file),
        })
        return env

    def command(self, *args) -> list[str]:
        home = self.home
        return ["podman", "--root", str(home / "root"), "--runroot", str(self.runroot),
                "--tmpdir", str(home / "libpod-tmp"), "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs",
                "--events-backend", "file", "--network-config-dir", str(home / "networks"),
                "--volumepath", str(home / "volumes"), *map(str, args)]

    def __call__(self, *args, input: str | bytes | None = None, check: bool = True,
                 timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = self.command(*args)
        proc = subprocess.run(cmd, env=self.env, input=input, capture_output=True, timeout=timeout,
                              text=not isinstance(input, bytes))
        if isinstance(proc.stdout, bytes):
            proc.stdout, proc.stderr = proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
        if check:
            assert proc.returncode == 0, (f"$ {' '.join(cmd)}\nexit {proc.returncode}\n"
                                          f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc

    def cleanup(self) -> None:
        shutil.rmtree(self.runroot, ignore_errors=True)

    # -- what the tests do over and over -------------------------------------------------

    def login(self, host: str, password: str) -> None:
        out = self("login", "--tls-verify=false", "--authfile", self.auth_file, "-u", "AWS", "--password-stdin",
                   host, input=password).stdout
        assert "Login Succeeded" in out, out

    def import_rootfs(self, name: str, *options: str) -> str:
        """`podman import` of a fresh rootfs tar (/hello, 4 KiB of random data, so every image is new); returns
        the image id (hex)."""
        tar = self.home / f"rootfs-{uuid.uuid4().hex[:8]}.tar"
        tar.write_bytes(rootfs_tar())
        out = self("import", "--change", 'ENTRYPOINT ["/hello"]', *options, tar, name).stdout
        return bare(out.strip().splitlines()[-1])

    def push(self, source: str, dest: str, *options, check: bool = True):
        """`podman push`; returns the manifest digest of its --digestfile (or the failed process)."""
        digest_file = self.home / f"digest-{uuid.uuid4().hex[:8]}"
        proc = self("push", "--tls-verify=false", "--digestfile", digest_file, *options, source, dest, check=check)
        if proc.returncode != 0:
            return proc
        digest = digest_file.read_text().strip()
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", digest), digest
        return digest

    def pull(self, ref: str, *options, check: bool = True) -> subprocess.CompletedProcess:
        return self("pull", "--tls-verify=false", *options, ref, check=check)

    def inspect(self, ref: str) -> dict:
        return json.loads(self("image", "inspect", ref).stdout)[0]

    def exists(self, ref: str) -> bool:
        return self("image", "exists", ref, check=False).returncode == 0


def bare(image_id: str) -> str:
    return image_id.split(":", 1)[-1]


def image_rows(ecr, repo: str) -> list[tuple[str, list | None]]:
    """(digest, tags) of every image DescribeImages lists, sorted by digest."""
    details = ecr.describe_images(repositoryName=repo)["imageDetails"]
    return sorted((d["imageDigest"], sorted(d["imageTags"]) if d.get("imageTags") else None) for d in details)


def uploads_logged(server, since: int, repo: str, tag: str, timeout: float = 5.0) -> list[dict]:
    """The requests to `repo`'s upload sessions (method, path, status, operation) that the server logged after
    byte `since` of its log, read once the manifest PUT to `tag` is there. (The bytes metric cannot tell: it
    counts declared lengths, and podman streams a blob's PATCH with chunked encoding.)"""
    manifest = f"/v2/{repo}/manifests/{tag}"
    deadline = time.monotonic() + timeout
    while True:
        seen = []
        for line in server.log_text(since=since, max_chars=10_000_000).splitlines():
            if line.startswith("{"):
                try:
                    fields = json.loads(line)
                except ValueError:
                    continue
            else:
                fields = dict(re.findall(r"([\w.]+)=(\S+)", line))
            if "http.path" in fields:
                seen.append({"method": fields.get("http.method"), "path": fields["http.path"],
                             "status": str(fields.get("http.status")), "operation": fields.get("operation")})
        if any(r["path"] == manifest for r in seen) or time.monotonic() > deadline:
            return [r for r in seen if r["path"].startswith(f"/v2/{repo}/blobs/uploads/")]
        time.sleep(0.1)


# -- fixtures ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def podman_works(tmp_path_factory):
    """Skip unless podman is installed and `podman info` works with a private store."""
    if not shutil.which("podman"):
        pytest.skip("podman is not installed (apt-get install podman; .ci/run does)")
    probe = Podman(tmp_path_factory.mktemp("podman-probe"))
    try:
        proc = probe("info", "--format", "{{.Version.Version}}", check=False, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.skip("podman cannot run on this machine: `podman info` timed out")
    finally:
        probe.cleanup()
    if proc.returncode != 0:
        pytest.skip(f"podman cannot run on this machine: {(proc.stderr.strip() or proc.stdout.strip())[-500:]}")
    return proc.stdout.strip()


@pytest.fixture
def podman(podman_works, tmp_path):
    """A podman with a store of the test's own, not logged in."""
    podman = Podman(tmp_path / "podman")
    yield podman
    podman.cleanup()


@pytest.fixture
def logged_in(podman, oci, registry_password) -> Podman:
    podman.login(oci.host, registry_password)
    return podman


@pytest.fixture(scope="module")
def pushed(podman_works, tessera, ecr, registry_password, tmp_path_factory):
    """Once for the module: import → push (to a repository CreateRepository made) → rmi → pull. The tests below
    check each step's outcome."""
    from ecr_helpers import repository_name
    podman = Podman(tmp_path_factory.mktemp("podman-pushed"))
    host = urlsplit(tessera.endpoint).netloc
    repo = repository_name("podman-push")
    ecr.create_repository(repositoryName=repo)
    try:
        podman.login(host, registry_password)
        local = f"tessera-compat/local-{uuid.uuid4().hex[:10]}:1"
        image_id = podman.import_rootfs(local)
        remote = f"{host}/{repo}:v1"
        podman("tag", local, remote)
        offset = tessera.log_size()
        digest = podman.push(remote, remote)
        uploads = uploads_logged(tessera, offset, repo, "v1")
        podman("rmi", remote, local)
        gone = not podman.exists(remote) and not podman.exists(image_id)
        pulled = podman.pull(remote)
        yield {"podman": podman, "host": host, "repo": repo, "remote": remote, "digest": digest,
               "image_id": image_id, "uploads": uploads, "gone": gone, "pull": pulled}
    finally:
        ecr.delete_repository(repositoryName=repo, force=True)
        podman.cleanup()


# -- login ---------------------------------------------------------------------------------

def test_login_with_the_password_of_get_authorization_token(podman, ecr, oci, tmp_path):
    """What `aws ecr get-login-password | podman login --username AWS --password-stdin <proxyEndpoint>` does:
    the token's password, the token's endpoint (with its http:// scheme, which podman strips)."""
    data = ecr.get_authorization_token()["authorizationData"][0]
    user, _, password = base64.b64decode(data["authorizationToken"]).decode().partition(":")
    assert user == "AWS"
    auth_file = tmp_path / "login-auth.json"
    proc = podman("login", "--tls-verify=false", "--authfile", auth_file, "-u", "AWS", "--password-stdin",
                  data["proxyEndpoint"], input=password)
    assert "Login Succeeded" in proc.stdout, proc
    stored = json.loads(auth_file.read_text())["auths"][oci.host]["auth"]
    assert base64.b64decode(stored).decode() == f"AWS:{password}"
    assert oci.with_password(password).get("/v2/").status_code == 200
    got = podman("login", "--get-login", "--authfile", auth_file, oci.host)
    assert got.stdout.strip() == "AWS"
    podman("logout", "--authfile", auth_file, oci.host)
    assert oci.host not in json.loads(auth_file.read_text()).get("auths", {})


def test_login_with_a_wrong_password_is_refused(podman, oci, tmp_path):
    auth_file = tmp_path / "wrong-auth.json"
    proc = podman("login", "--tls-verify=false", "--authfile", auth_file, "-u", "AWS", "--password-stdin",
                  oci.host, input="not-the-password", check=False)
    assert proc.returncode != 0, proc.stdout
    assert "invalid username/password" in proc.stderr, proc.stderr
    assert not auth_file.exists() or oci.host not in json.loads(auth_file.read_text()).get("auths", {})


def test_push_without_credentials_is_refused(podman, oci, make_repository):
    repo = make_repository()
    podman.auth_file.write_text("{}")
    local = f"tessera-compat/anon-{uuid.uuid4().hex[:8]}:1"
    podman.import_rootfs(local)
    proc = podman.push(local, f"{oci.host}/{repo}:v1", check=False)
    assert proc.returncode != 0, proc.stdout
    assert "unauthorized: authentication required" in proc.stderr, proc.stderr
    assert oci.get_manifest(repo, "v1").status_code == 404


# -- import, push, rmi, pull, run ------------------------------------------------------------------

def test_push_is_listed_by_describe_images(pushed, oci, ecr):
    repo, digest = pushed["repo"], pushed["digest"]
    assert image_rows(ecr, repo) == [(digest, ["v1"])]
    detail = ecr.describe_images(repositoryName=repo)["imageDetails"][0]
    assert detail["imageManifestMediaType"] == OCI_MANIFEST            # podman import makes an OCI image
    head = oci.head(oci.manifest_path(repo, "v1"), headers={"Accept": OCI_MANIFEST})
    assert head.status_code == 200 and head.headers["Docker-Content-Digest"] == digest, describe(head)
    manifest = oci.get_manifest(repo, digest)
    assert digest_of(manifest.content) == digest, describe(manifest)
    body = manifest.json()
    assert [l["mediaType"] for l in body["layers"]] == [OCI_LAYER_GZIP]
    # each blob (layer, config) through its own session: POST, one PATCH with the whole blob, PUT ?digest=
    assert [(r["method"], r["status"]) for r in pushed["uploads"]] == [("POST", "202"), ("PATCH", "202"),
                                                                      ("PUT", "201")] * 2, pushed["uploads"]
    config = oci.get(oci.blob_path(repo, body["config"]["digest"])).json()
    assert config["config"]["Entrypoint"] == ["/hello"]
    assert bare(body["config"]["digest"]) == pushed["image_id"]
    assert detail["imageSizeInBytes"] == body["config"]["size"] + body["layers"][0]["size"]


def test_rmi_then_pull(pushed):
    podman = pushed["podman"]
    assert pushed["gone"], "podman rmi left the image behind"
    assert "Writing manifest to image destination" in pushed["pull"].stderr, pushed["pull"]
    info = podman.inspect(pushed["remote"])
    assert info["Id"] == pushed["image_id"]
    assert info["Digest"] == pushed["digest"]
    assert f"{pushed['host']}/{pushed['repo']}@{pushed['digest']}" in info["RepoDigests"]
    assert info["Config"]["Entrypoint"] == ["/hello"]


def test_run_the_pulled_image(pushed):
    """`podman run` of the pulled image: /hello, a 172-byte static program, prints its line. Skipped when this
    machine cannot start containers (the pull itself is checked above)."""
    proc = pushed["podman"]("run", *RUN_FLAGS, pushed["remote"], check=False)
    if proc.returncode != 0:
        pytest.skip(f"podman run is not possible on this machine: {proc.stderr.strip()[-500:]}")
    assert proc.stdout.encode() == HELLO_MESSAGE


def test_second_repository_mounts_the_layer_and_pulls_by_digest(pushed, tessera, oci, ecr, make_repository):
    """The same image to another repository: podman knows where its layer already is and asks the server to
    mount it (`POST …/blobs/uploads/?mount=&from=` → 201); only the config goes through an upload session (one
    PATCH). Then rmi, and a pull by digest from the second repository."""
    podman, host, digest = pushed["podman"], pushed["host"], pushed["digest"]
    second = make_repository()
    remote = f"{host}/{second}:v1"
    podman("tag", pushed["remote"], remote)
    offset = tessera.log_size()
    assert podman.push(remote, remote) == digest
    uploads = uploads_logged(tessera, offset, second, "v1")
    assert [r for r in uploads if r["method"] == "POST" and r["status"] == "201"], uploads    # the mount
    assert [r["method"] for r in uploads if r["method"] != "POST"] == ["PATCH", "PUT"], uploads  # the config
    assert image_rows(ecr, second) == [(digest, ["v1"])]
    layer = oci.get_manifest(second, digest).json()["layers"][0]["digest"]
    assert oci.get(oci.blob_path(second, layer)).content == oci.get(oci.blob_path(pushed["repo"], layer)).content

    by_digest = f"{host}/{second}@{digest}"
    podman("rmi", "-f", pushed["image_id"])                   # every name of the image: the pull fetches all
    assert not podman.exists(pushed["image_id"])
    podman.pull(by_digest)
    info = podman.inspect(by_digest)
    assert info["Digest"] == digest and info["Id"] == pushed["image_id"]
    assert by_digest in info["RepoDigests"]
    podman("tag", by_digest, pushed["remote"])


# -- tag immutability ------------------------------------------------------------------------------

def test_immutable_tag_refuses_another_image(logged_in, oci, ecr, make_repository):
    """In an IMMUTABLE repository a push of another image to an existing tag fails, podman shows ECR's sentence
    (for each manifest format it tries), and nothing changes; the same image again, and a new tag, are fine."""
    podman = logged_in
    repo = make_repository(imageTagMutability="IMMUTABLE")
    first, second = (f"tessera-compat/imm-{uuid.uuid4().hex[:8]}:{n}" for n in ("a", "b"))
    podman.import_rootfs(first)
    podman.import_rootfs(second)
    remote = f"{oci.host}/{repo}:v1"
    digest = podman.push(first, remote)
    assert image_rows(ecr, repo) == [(digest, ["v1"])]

    proc = podman.push(second, remote, check=False)
    assert proc.returncode != 0, proc.stdout
    assert "tag invalid: " + IMMUTABLE_SENTENCE.format(tag="v1", repo=repo) in proc.stderr, proc.stderr
    assert image_rows(ecr, repo) == [(digest, ["v1"])]
    got = oci.head(oci.manifest_path(repo, "v1"), headers={"Accept": f"{OCI_MANIFEST}, {DOCKER_MANIFEST}"})
    assert got.headers["Docker-Content-Digest"] == digest, describe(got)

    assert podman.push(first, remote) == digest           # the same manifest again: 201 (docs/aws/oci.md)
    other = podman.push(second, f"{oci.host}/{repo}:v2")
    assert image_rows(ecr, repo) == sorted([(digest, ["v1"]), (other, ["v2"])])


# -- formats ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("options, manifest_type, layer_type", [
    (("--format", "v2s2"), DOCKER_MANIFEST, DOCKER_LAYER),
    (("--compression-format", "zstd"), OCI_MANIFEST, OCI_LAYER_ZSTD),
], ids=["docker-schema2", "oci-zstd"])
def test_push_formats(logged_in, oci, ecr, make_repository, options, manifest_type, layer_type):
    """`--format v2s2` converts to a Docker schema 2 manifest; `--compression-format zstd` sends a zstd layer.
    Either is stored as sent, described with its media type, and pulls back to the same image."""
    podman = logged_in
    repo = make_repository()
    local = f"tessera-compat/fmt-{uuid.uuid4().hex[:8]}:1"
    image_id = podman.import_rootfs(local)
    remote = f"{oci.host}/{repo}:v1"
    digest = podman.push(local, remote, *options)
    got = oci.get_manifest(repo, "v1")
    assert got.headers["Content-Type"] == manifest_type and digest_of(got.content) == digest, describe(got)
    layer = got.json()["layers"][0]
    assert layer["mediaType"] == layer_type
    blob = oci.get(oci.blob_path(repo, layer["digest"])).content
    assert digest_of(blob) == layer["digest"]
    if layer_type == OCI_LAYER_ZSTD:
        assert blob.startswith(ZSTD_MAGIC)
    detail = ecr.describe_images(repositoryName=repo)["imageDetails"][0]
    assert (detail["imageDigest"], detail["imageManifestMediaType"]) == (digest, manifest_type)
    podman("rmi", local)
    podman.pull(remote)
    info = podman.inspect(remote)
    assert info["Id"] == image_id and info["Digest"] == digest


def test_manifest_push_all_of_an_index(logged_in, oci, ecr, make_repository, tmp_path):
    """`podman manifest create/add/push --all`: two single-platform images and an index naming them; podman
    writes it as an OCI index. DescribeImages lists the index by tag and its images by digest; a pull for arm64
    in another store gets the arm64 image."""
    podman = logged_in
    repo = make_repository()
    amd, arm, multi = (f"tessera-compat/{n}-{uuid.uuid4().hex[:8]}:1" for n in ("amd", "arm", "multi"))
    podman.import_rootfs(amd, "--arch", "amd64")
    arm_id = podman.import_rootfs(arm, "--arch", "arm64")
    podman("manifest", "create", multi)
    for name in (amd, arm):
        podman("manifest", "add", multi, f"containers-storage:localhost/{name}")
    digest_file = tmp_path / "index-digest"
    podman("manifest", "push", "--all", "--tls-verify=false", "--digestfile", digest_file, multi,
           f"docker://{oci.host}/{repo}:multi")
    digest = digest_file.read_text().strip()

    got = oci.get_manifest(repo, "multi")
    assert got.headers["Content-Type"] == OCI_INDEX and digest_of(got.content) == digest, describe(got)
    children = {m["platform"]["architecture"]: m["digest"] for m in got.json()["manifests"]}
    assert sorted(children) == ["amd64", "arm64"]
    assert image_rows(ecr, repo) == sorted([(digest, ["multi"])] + [(d, None) for d in children.values()])
    kinds = {d["imageDigest"]: d["imageManifestMediaType"]
             for d in ecr.describe_images(repositoryName=repo)["imageDetails"]}
    assert kinds == {digest: OCI_INDEX, **{d: OCI_MANIFEST for d in children.values()}}

    other = Podman(tmp_path / "podman-other")
    try:
        other.login(oci.host, oci.password)
        other.pull(f"{oci.host}/{repo}:multi", "--arch", "arm64")
        info = other.inspect(f"{oci.host}/{repo}:multi")
    finally:
        other.cleanup()
    assert info["Architecture"] == "arm64" and info["Id"] == arm_id


# -- errors ----------------------------------------------------------------------------------------

def test_missing_repository_and_tag(logged_in, oci, make_repository):
    podman = logged_in
    local = f"tessera-compat/missing-{uuid.uuid4().hex[:8]}:1"
    podman.import_rootfs(local)
    absent = f"no-such-repository-{uuid.uuid4().hex[:8]}"
    proc = podman.push(local, f"{oci.host}/{absent}:v1", check=False)
    assert proc.returncode != 0 and "name unknown" in proc.stderr, proc.stderr
    repo = make_repository()
    proc = podman.pull(f"{oci.host}/{repo}:absent", check=False)
    assert proc.returncode != 0 and "manifest unknown" in proc.stderr, proc.stderr
