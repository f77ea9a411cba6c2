"""docker (Debian's docker.io: dockerd started by `.ci/run`, or by the `dockerd` fixture, with vfs storage, no
iptables, no bridge) against the OCI door: `aws ecr get-login-password | docker login`, `docker import` of a
small rootfs tar, push, rmi, pull, `docker run` of the pulled image; a multi-layer image from `docker build`
(FROM scratch) pushed to two repositories (the second push mounts); pulls by digest; the errors docker shows;
and containerd's `ctr`, which pushes blobs with one monolithic PUT.

An anonymous pull and a logged-in push of an ECR Public repository go through the public registry port
(`--public-registry-port`, Bearer challenge). Skipped, with the reason, where the machine cannot run dockerd.
Nothing comes from the internet.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import uuid

import pytest

from oci_helpers import DOCKER_MANIFEST, HELLO_MESSAGE, OCI_MANIFEST, describe, hello_elf, rootfs_tar, run

PUSH_DIGEST_RE = re.compile(r"digest: (sha256:[0-9a-f]{64}) size: (\d+)")
PULL_DIGEST_RE = re.compile(r"Digest: (sha256:[0-9a-f]{64})")


def local_name() -> str:
    return f"tessera-compat/local-{uuid.uuid4().hex[:10]}:1"


def import_rootfs(docker, name: str) -> str:
    """`docker import` of a small rootfs tar whose entrypoint is /hello; returns the image id."""
    proc = docker.docker("import", "-c", 'ENTRYPOINT ["/hello"]', "-", name, input=rootfs_tar())
    return proc.stdout.decode().strip()


def push(docker, ref: str, with_output: bool = False):
    """`docker push`; returns the manifest digest docker reports (and its output)."""
    out = docker.docker("push", ref).stdout
    match = PUSH_DIGEST_RE.search(out)
    assert match, out
    return (match.group(1), out) if with_output else match.group(1)


@pytest.fixture(scope="module")
def pushed(docker_registry, tessera, ecr, request):
    """import → tag → push → rmi → pull, once for the module; the tests below check each step's outcome."""
    from ecr_helpers import repository_name
    from urllib.parse import urlsplit
    docker = docker_registry
    repo = repository_name("docker-push")
    ecr.create_repository(repositoryName=repo)
    host = urlsplit(tessera.endpoint).netloc
    local = local_name()
    image_id = import_rootfs(docker, local)
    remote = f"{host}/{repo}:v1"
    docker.docker("tag", local, remote)
    digest = push(docker, remote)
    docker.docker("rmi", remote, local)
    gone = docker.docker("image", "inspect", remote, check=False)
    assert gone.returncode != 0
    pulled = docker.docker("pull", remote).stdout
    yield {"docker": docker, "repo": repo, "remote": remote, "digest": digest, "image_id": image_id,
           "pull_output": pulled, "host": host}
    docker.docker("rmi", "-f", remote, check=False)
    ecr.delete_repository(repositoryName=repo, force=True)


def test_login_stores_the_ecr_password(docker_registry, oci, registry_password):
    config = json.loads((docker_registry.config_dir / "config.json").read_text())
    auth = config["auths"][oci.host]["auth"]
    user, _, password = base64.b64decode(auth).decode().partition(":")
    assert user == "AWS"
    assert oci.with_password(password).get("/v2/").status_code == 200


def test_login_with_a_wrong_password_fails(dockerd, oci, tmp_path):
    env = {**dockerd.env, "DOCKER_CONFIG": str(tmp_path)}
    proc = run(["docker", "login", "--username", "AWS", "--password-stdin", oci.host], env=env,
               input="not-the-password", check=False)
    assert proc.returncode != 0
    assert "401" in proc.stderr or "unauthorized" in proc.stderr.lower(), proc.stderr


def test_push_and_pull(pushed, oci, ecr):
    repo, digest = pushed["repo"], pushed["digest"]
    resp = oci.head(oci.manifest_path(repo, "v1"), headers={"Accept": f"{DOCKER_MANIFEST}, {OCI_MANIFEST}"})
    assert resp.status_code == 200 and resp.headers["Docker-Content-Digest"] == digest, describe(resp)
    assert PULL_DIGEST_RE.search(pushed["pull_output"]).group(1) == digest, pushed["pull_output"]
    info = json.loads(pushed["docker"].docker("image", "inspect", pushed["remote"]).stdout)[0]
    assert f"{pushed['host']}/{repo}@{digest}" in info["RepoDigests"]
    assert info["Id"] == pushed["image_id"]
    details = ecr.describe_images(repositoryName=repo)["imageDetails"]
    assert [(d["imageDigest"], d.get("imageTags")) for d in details] == [(digest, ["v1"])]
    assert details[0]["imageManifestMediaType"] == DOCKER_MANIFEST


def test_run_the_pulled_image(pushed):
    """`docker run` of the pulled image: /hello, a 172-byte static program, prints its line. Skipped when
    this machine's daemon cannot start containers (the image itself was pulled in test_push_and_pull)."""
    proc = pushed["docker"].docker("run", "--rm", "--network", "none", pushed["remote"], check=False,
                                   timeout=120)
    if proc.returncode != 0:
        pytest.skip(f"docker run is not possible on this machine: {proc.stderr.strip()[-500:]}")
    assert proc.stdout.encode() == HELLO_MESSAGE


def test_pull_by_digest(pushed):
    docker = pushed["docker"]
    by_digest = f"{pushed['host']}/{pushed['repo']}@{pushed['digest']}"
    docker.docker("rmi", "-f", pushed["remote"])
    out = docker.docker("pull", by_digest).stdout
    assert pushed["digest"] in out
    docker.docker("tag", by_digest, pushed["remote"])


@pytest.fixture
def built_image(docker_registry, tmp_path):
    """A three-layer image from `docker build` (legacy builder, FROM scratch: nothing is pulled)."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "hello").write_bytes(hello_elf(HELLO_MESSAGE))
    (ctx / "hello").chmod(0o755)
    (ctx / "a.bin").write_bytes(uuid.uuid4().bytes * 200)
    (ctx / "b.bin").write_bytes(uuid.uuid4().bytes * 300)
    (ctx / "Dockerfile").write_text('FROM scratch\nADD hello /hello\nADD a.bin /a.bin\nADD b.bin /b.bin\n'
                                    'ENTRYPOINT ["/hello"]\n')
    name = local_name()
    env = {**docker_registry.env, "DOCKER_BUILDKIT": "0"}
    run(["docker", "build", "-q", "-t", name, str(ctx)], env=env, timeout=180)
    yield name
    docker_registry.docker("rmi", "-f", name, check=False)


def test_multi_layer_image_to_two_repositories(docker_registry, built_image, oci, make_repository):
    """docker pushes three layers to the first repository; to the second it mounts them
    (`POST ?mount=&from=`); both pull back."""
    docker = docker_registry
    first, second = make_repository(), make_repository()
    layers = json.loads(docker.docker("image", "inspect", built_image).stdout)[0]["RootFS"]["Layers"]
    assert len(layers) == 3
    digests, outputs = [], []
    for repo in (first, second):
        remote = f"{oci.host}/{repo}:multi"
        docker.docker("tag", built_image, remote)
        digest, out = push(docker, remote, with_output=True)
        digests.append(digest)
        outputs.append(out)
    assert digests[0] == digests[1]
    assert outputs[1].count(f"Mounted from {first}") == 3, outputs[1]
    manifest = oci.get_manifest(second, "multi").json()
    assert len(manifest["layers"]) == 3
    for layer in manifest["layers"]:
        assert oci.head(oci.blob_path(second, layer["digest"])).status_code == 200
    for repo in (first, second):
        remote = f"{oci.host}/{repo}:multi"
        docker.docker("rmi", remote)
    docker.docker("rmi", built_image)
    for repo in (first, second):
        remote = f"{oci.host}/{repo}:multi"
        docker.docker("pull", remote)
        docker.docker("rmi", remote)


def test_push_to_a_missing_repository_fails(docker_registry, oci):
    docker = docker_registry
    local = local_name()
    import_rootfs(docker, local)
    remote = f"{oci.host}/no-such-repository-{uuid.uuid4().hex[:8]}:v1"
    docker.docker("tag", local, remote)
    proc = docker.docker("push", remote, check=False)
    assert proc.returncode != 0
    assert "name unknown" in (proc.stdout + proc.stderr).lower(), proc
    docker.docker("rmi", remote, local, check=False)


def test_pull_of_a_missing_tag_fails(docker_registry, oci, make_repository):
    repo = make_repository()
    proc = docker_registry.docker("pull", f"{oci.host}/{repo}:absent", check=False)
    assert proc.returncode != 0
    assert "manifest unknown" in (proc.stdout + proc.stderr).lower() or "not found" in proc.stderr.lower(), proc


def test_ctr_push_and_pull(docker_registry, oci, registry_password, make_repository, tmp_path):
    """containerd's ctr (which comes with docker.io) pushes each blob with POST then one PUT with the body."""
    if not shutil.which("ctr"):
        pytest.skip("ctr is not installed (it comes with docker.io)")
    address = docker_registry.containerd_address
    if not address:
        pytest.skip("the containerd socket of the docker daemon is unknown (set CONTAINERD_ADDRESS)")
    docker = docker_registry
    repo = make_repository()
    local = local_name()
    import_rootfs(docker, local)
    remote = f"{oci.host}/{repo}:ctr"
    docker.docker("tag", local, remote)
    archive = tmp_path / "image.tar"
    docker.docker("save", "-o", str(archive), remote)
    namespace = f"tessera-{uuid.uuid4().hex[:8]}"
    ctr = ["ctr", "--address", address, "--namespace", namespace]
    creds = f"AWS:{registry_password}"
    try:
        run(ctr + ["images", "import", str(archive)])
        run(ctr + ["images", "push", "--plain-http", "-u", creds, remote])
        got = oci.get_manifest(repo, "ctr")
        assert got.status_code == 200, describe(got)
        run(ctr + ["images", "rm", remote])
        run(ctr + ["images", "pull", "--plain-http", "-u", creds, remote])
        listed = run(ctr + ["images", "ls", "-q"]).stdout.split()
        assert remote in listed
    finally:
        run(ctr + ["images", "rm", remote], check=False)
        run(ctr + ["namespaces", "rm", namespace], check=False)
        docker.docker("rmi", remote, local, check=False)


def test_anonymous_pull_of_a_public_repository(dockerd, tessera, oci, make_repository, tmp_path):
    """docker, with no login, pulls an ECR Public repository from the public registry port: its Bearer
    challenge sends docker to /token for the anonymous token (a Basic challenge, on the main port, stops an
    anonymous docker before it sends a request)."""
    from urllib.parse import urlsplit
    from oci_helpers import public_name, runnable_image
    name = make_repository(public=True)
    repo = public_name("111111111111", name)
    digest = oci.push_image(repo, runnable_image(docker=True), tag="v1").headers["Docker-Content-Digest"]
    remote = f"{urlsplit(tessera.public_endpoint).netloc}/{repo}:v1"
    env = {**dockerd.env, "DOCKER_CONFIG": str(tmp_path)}         # no login
    try:
        proc = run(["docker", "pull", remote], env=env, check=False)
        assert proc.returncode == 0, proc.stderr
        assert PULL_DIGEST_RE.search(proc.stdout).group(1) == digest, proc.stdout
        # Pushing needs an account: docker asks for a token with push scope, gets the anonymous one, is refused.
        run(["docker", "tag", remote, remote.replace(":v1", ":v2")], env=env)
        refused = run(["docker", "push", remote.replace(":v1", ":v2")], env=env, check=False)
        assert refused.returncode != 0, refused.stdout
    finally:
        run(["docker", "rmi", remote, remote.replace(":v1", ":v2")], env=env, check=False)


def test_login_and_push_to_the_public_registry_port(dockerd, tessera, ecr_public, make_repository, tmp_path):
    """`aws ecr-public get-login-password | docker login` on the public registry port (docker trades the
    password for a Bearer token at /token), then a push that ECR Public's API lists."""
    from urllib.parse import urlsplit
    from oci_helpers import public_name
    name = make_repository(public=True)
    host = urlsplit(tessera.public_endpoint).netloc
    remote = f"{host}/{public_name('111111111111', name)}:v1"
    env = {**dockerd.env, "DOCKER_CONFIG": str(tmp_path)}
    token = ecr_public.get_authorization_token()["authorizationData"]["authorizationToken"]
    password = base64.b64decode(token).decode().partition(":")[2]
    run(["docker", "login", "--username", "AWS", "--password-stdin", host], env=env, input=password)
    wrong = run(["docker", "login", "--username", "AWS", "--password-stdin", host], env={**env, "DOCKER_CONFIG": str(tmp_path / "x")},
                input="not-the-password", check=False)
    assert wrong.returncode != 0, wrong.stdout
    local = local_name()
    try:
        run(["docker", "import", "-c", 'ENTRYPOINT ["/hello"]', "-", local], env=env, input=rootfs_tar())
        run(["docker", "tag", local, remote], env=env)
        out = run(["docker", "push", remote], env=env).stdout
        digest = PUSH_DIGEST_RE.search(out).group(1)
        details = ecr_public.describe_images(repositoryName=name)["imageDetails"]
        assert [(d["imageDigest"], d.get("imageTags")) for d in details] == [(digest, ["v1"])]
    finally:
        run(["docker", "rmi", remote, local], env=env, check=False)
