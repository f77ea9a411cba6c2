"""`tessera ecr …`, the client commands, against a live server: an OCI layout pushed through the ECR layer
API is pulled back by skopeo with identical digests (and an index with its images); `tessera ecr pull`
writes a layout skopeo reads; blobs the repository holds are not sent again; `login` stores what skopeo
uses; a killed push resumes without resending acknowledged parts."""

from __future__ import annotations

import json
import signal
import subprocess

import pytest

from client_helpers import client_environment, journals, one_line_failure, run_client, run_json, wait_for_journal
from conftest import ACCOUNTS
from counting_proxy import CountingProxy
from oci_helpers import build_image, build_index, layout_blob, random_layers, read_oci_layout, run, write_oci_layout
from tessera_server import default_binary

MiB = 1 << 20


@pytest.fixture
def env(state):
    return client_environment(ACCOUNTS["one"], state, {"DOCKER_CONFIG": str(state / "docker")})


def assert_layout_holds_index(out, tag, index, children):
    """The layout at `out` names `index` under `tag` and holds every child manifest and blob byte for byte."""
    desc, manifest = read_oci_layout(out, tag)
    assert desc["digest"] == index.digest and manifest == index.manifest
    for child in children:
        assert layout_blob(out, child.digest) == child.manifest
        for digest, data in child.blobs.items():
            assert layout_blob(out, digest) == data


def test_push_then_skopeo_pulls_the_same_digests(tessera, env, oci, skopeo, make_repository, registry_password, tmp_path):
    repo = make_repository()
    image = build_image(layer_count=3, layer_size=64 << 10)
    layout = write_oci_layout(tmp_path / "src", {"v1": image})
    result = run_json(["ecr", "push", f"{layout}:v1", f"{repo}:v1", "--endpoint-url", tessera.endpoint], env)
    assert result["digest"] == image.digest and result["blobs"] == 4 and result["blobsSent"] == 4

    back = tmp_path / "back"
    run([skopeo, "--insecure-policy", "copy", "--src-tls-verify=false", "--src-creds", f"AWS:{registry_password}",
         f"docker://{oci.host}/{repo}:v1", f"oci:{back}:v1"], timeout=120)
    desc, manifest = read_oci_layout(back, "v1")
    assert desc["digest"] == image.digest and manifest == image.manifest
    for digest, data in image.blobs.items():
        assert layout_blob(back, digest) == data

    # A second push of an image sharing two of those layers sends only the new blobs.
    second = build_image(list(image.layers[:2]) + random_layers(1, 32 << 10))
    layout2 = write_oci_layout(tmp_path / "src2", {"v2": second})
    again = run_json(["ecr", "push", str(layout2), f"{repo}:v2", "--endpoint-url", tessera.endpoint], env)
    assert again["blobsSent"] == 2 and again["blobs"] == 4   # the new layer and the new config


def test_push_to_ecr_public_then_an_anonymous_skopeo_pull(tessera, env, oci, skopeo, make_repository, ecr_public, tmp_path):
    from oci_helpers import public_name
    repo = make_repository(public=True)
    image = build_image(layer_count=2, layer_size=48 << 10)
    layout = write_oci_layout(tmp_path / "src", {"v1": image})
    result = run_json(["ecr", "push", "--public", f"{layout}:v1", f"{repo}:v1", "--endpoint-url", tessera.endpoint], env)
    assert result["digest"] == image.digest and result["blobsSent"] == 3
    described = ecr_public.describe_images(repositoryName=repo)["imageDetails"]
    assert [d["imageDigest"] for d in described] == [image.digest]
    assert described[0]["imageTags"] == ["v1"]
    # ECR Public repositories are pulled anonymously under /v2/r<account>/<name>.
    back = tmp_path / "back"
    run([skopeo, "--insecure-policy", "copy", "--src-tls-verify=false", "--src-no-creds",
         f"docker://{oci.host}/{public_name(ACCOUNTS['one'].account_id, repo)}:v1", f"oci:{back}:v1"], timeout=120)
    desc, manifest = read_oci_layout(back, "v1")
    assert desc["digest"] == image.digest and manifest == image.manifest
    # A private repository of that name does not exist: the flag is what picks the API.
    failed = run_client(["ecr", "push", f"{layout}:v1", f"{repo}:v1", "--endpoint-url", tessera.endpoint], env, check=False)
    assert failed.returncode != 0 and "RepositoryNotFoundException" in one_line_failure(failed)


def test_public_pull_is_anonymous_through_the_public_registry_port(tessera, env, make_repository, state, tmp_path):
    """`tessera ecr pull --public HOST/ALIAS/NAME:TAG` reads an ECR Public image through the registry API of
    the reference's host, as docker does: the port's Bearer challenge is answered with an anonymous token,
    and no AWS credentials exist in the environment at all."""
    from oci_helpers import public_name
    assert tessera.public_endpoint, "the shared server runs with --public-registry-port"
    host = tessera.public_endpoint.removeprefix("http://")
    repo = make_repository(public=True)
    children = [build_image(layer_count=2, layer_size=96 << 10, arch=a) for a in ("amd64", "arm64")]
    index = build_index(children)
    src = write_oci_layout(tmp_path / "src", {"v1": index})
    run_json(["ecr", "push", "--public", str(src), f"{repo}:v1", "--endpoint-url", tessera.endpoint], env)

    anonymous = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    empty_home = tmp_path / "nobody"
    empty_home.mkdir()
    anonymous["HOME"] = str(empty_home)
    name = public_name(ACCOUNTS["one"].account_id, repo)
    out = tmp_path / "pulled"
    pulled = run_json(["ecr", "pull", "--public", f"{host}/{name}:v1", str(out)], anonymous)
    assert pulled["digest"] == index.digest and pulled["blobs"] == 6 and pulled["blobsFetched"] == 6
    assert_layout_holds_index(out, "v1", index, children)
    # By digest too, into the same layout: nothing is fetched again.
    again = run_json(["ecr", "pull", "--public", f"{host}/{name}@{children[0].digest}", str(out)], anonymous)
    assert again["digest"] == children[0].digest and again["blobsFetched"] == 0

    # A tag that is not there, a private repository's name and a flag that does not belong: one line each.
    line = one_line_failure(run_client(["ecr", "pull", "--public", f"{host}/{name}:nope", str(tmp_path / "x")],
                                       anonymous, check=False))
    assert "MANIFEST_UNKNOWN" in line
    line = one_line_failure(run_client(["ecr", "pull", "--public", f"{host}/{repo}:v1", str(tmp_path / "y")],
                                       anonymous, check=False))
    assert "NAME_UNKNOWN" in line
    misused = run_client(["ecr", "pull", "--public", f"{host}/{name}:v1", str(tmp_path / "z"),
                          "--endpoint-url", tessera.endpoint], anonymous, check=False)
    assert misused.returncode != 0 and "reference's host" in misused.stderr.decode()


def test_pull_writes_a_layout_skopeo_reads(tessera, env, skopeo, make_repository, tmp_path):
    repo = make_repository()
    children = [build_image(layer_count=2, layer_size=8 << 10, arch=a) for a in ("amd64", "arm64")]
    index = build_index(children)
    src = write_oci_layout(tmp_path / "src", {"multi": index})
    pushed = run_json(["ecr", "push", str(src), f"{repo}:multi", "--endpoint-url", tessera.endpoint], env)
    assert pushed["digest"] == index.digest

    out = tmp_path / "pulled"
    pulled = run_json(["ecr", "pull", f"{repo}:multi", str(out), "--endpoint-url", tessera.endpoint], env)
    assert pulled["digest"] == index.digest and pulled["blobs"] == 6
    assert_layout_holds_index(out, "multi", index, children)
    # skopeo reads what the client wrote.
    inspected = json.loads(run([skopeo, "inspect", "--raw", f"oci:{out}:multi"], timeout=60).stdout)
    assert inspected["mediaType"] == "application/vnd.oci.image.index.v1+json"

    again = run_json(["ecr", "pull", f"{repo}:multi", str(out), "--endpoint-url", tessera.endpoint], env)
    assert again["blobsFetched"] == 0, "blobs already in the layout are not fetched again"


def test_login_stores_what_skopeo_uses(tessera, env, oci, skopeo, state, make_repository, tmp_path):
    result = run_json(["ecr", "login", "--endpoint-url", tessera.endpoint], env)
    config = json.loads((state / "docker" / "config.json").read_text())
    assert result["registry"] in config["auths"]
    repo = make_repository()
    image = build_image(layer_count=1)
    layout = write_oci_layout(tmp_path / "src", {"v1": image})
    run_json(["ecr", "push", str(layout), f"{repo}:v1", "--endpoint-url", tessera.endpoint], env)
    inspected = run([skopeo, "inspect", "--raw", "--tls-verify=false", "--authfile", str(state / "docker" / "config.json"),
                     f"docker://{oci.host}/{repo}:v1"], timeout=60)
    assert json.loads(inspected.stdout) == json.loads(image.manifest)
    password = run_client(["ecr", "login", "--print-password", "--endpoint-url", tessera.endpoint], env).stdout.decode()
    assert len(password.strip()) > 20


def test_push_killed_and_rerun_resends_no_acknowledged_part(tessera, env, state, make_repository, tmp_path):
    repo = make_repository()
    layers = random_layers(2, 48 * MiB)
    image = build_image(layers)
    layout = write_oci_layout(tmp_path / "big", {"v1": image})
    proxy = CountingProxy("127.0.0.1", tessera.port, rate=24 * MiB)
    try:
        args = ["ecr", "push", str(layout), f"{repo}:v1", "--concurrency", "1", "--endpoint-url", proxy.endpoint,
                "--json"]
        proc = subprocess.Popen([str(default_binary()), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wait_for_journal(state, 2, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proxy.settle()
        entries = [json.loads(line) for line in journals(state)[0].read_text().splitlines()[1:] if line.strip()]
        acknowledged = {}
        for entry in entries:
            acknowledged[entry["part"]] = int(entry["hash"].split()[1]) + 1
        total = sum(len(l.data) for l in layers) + len(image.config)
        proxy.reset()
        proxy.rate = None
        result = run_json(args[:-1], env)
        sent, _ = proxy.counts()
        assert result["resumed"] is True and result["digest"] == image.digest
        remaining = total - sum(acknowledged.values())
        # base64 in JSON: 4/3 of the bytes, plus requests' overhead.
        assert sent <= remaining * 4 / 3 + 64 * 1024, f"the rerun sent {sent} bytes for {remaining} unacknowledged"
    finally:
        proxy.close()


def test_ecr_errors_are_one_line(tessera, env, tmp_path):
    endpoint = ["--endpoint-url", tessera.endpoint]
    line = one_line_failure(run_client(["ecr", "push", str(tmp_path / "nowhere"), "repo:v1", *endpoint], env, check=False))
    assert "index.json" in line
    image = build_image(layer_count=1)
    layout = write_oci_layout(tmp_path / "src", {"v1": image})
    line = one_line_failure(run_client(["ecr", "push", str(layout), "no-such-repo:v1", *endpoint], env, check=False))
    assert "RepositoryNotFoundException" in line
    line = one_line_failure(run_client(["ecr", "pull", "no-such-repo:v1", str(tmp_path / "o"), *endpoint], env,
                                       check=False))
    assert "RepositoryNotFoundException" in line
