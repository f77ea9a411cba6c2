"""The unmodified AWS CLI (`aws ecr …`, `aws ecr-public …`) against Tessera, through subprocess:
create-repository, describe-repositories, get-login-password, put-image from a file,
describe-images, batch-delete-image, put-lifecycle-policy, start-lifecycle-policy-preview,
`wait lifecycle-policy-preview-complete` and get-lifecycle-policy-preview. Blobs are uploaded with
boto3 (the CLI would only base64 them the same way)."""

import json
import subprocess
import sys

import pytest

from tessera_server import aws_cli_environment

from ecr_helpers import (
    DOCKER_MANIFEST, ONE, config_blob, decode_token, docker_manifest, ensure_blobs,
    keep_newest, layer_blobs, manifest_digest, odd_whitespace, push_image, repository_arn,
    repository_name, repository_uri)

pytestmark = [pytest.mark.cli, pytest.mark.slow]


@pytest.fixture(scope="module")
def aws(tessera, accounts, tmp_path_factory):
    """aws(service, *args, check=True, json_output=True) -> parsed JSON (or the text, or the
    CompletedProcess when check=False); the CLI runs as account one in us-east-1."""
    home = tmp_path_factory.mktemp("aws-cli-home-ecr")
    env = aws_cli_environment(accounts["one"], home)
    env["HOME"] = str(home)

    def run(service, *args, check=True, json_output=True):
        cmd = [sys.executable, "-m", "awscli", "--endpoint-url", tessera.endpoint,
               "--output", "json", service, *args]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
        if not check:
            return proc
        assert proc.returncode == 0, f"$ {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"
        if not json_output:
            return proc.stdout
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    return run


@pytest.fixture
def cli_repository(aws, ecr):
    name = repository_name("cli")
    out = aws("ecr", "create-repository", "--repository-name", name,
              "--image-scanning-configuration", "scanOnPush=false",
              "--tags", "Key=made-by,Value=cli")
    repo = out["repository"]
    assert repo["repositoryName"] == name
    assert repo["repositoryUri"] == repository_uri(name)
    assert repo["repositoryArn"] == repository_arn(name)
    assert repo["registryId"] == ONE
    assert repo["imageTagMutability"] == "MUTABLE"
    yield name
    try:
        ecr.delete_repository(repositoryName=name, force=True)
    except Exception:  # noqa: BLE001 - the test deleted it
        pass


def test_cli_create_and_describe_repositories(aws, cli_repository):
    out = aws("ecr", "describe-repositories", "--repository-names", cli_repository)
    assert [r["repositoryName"] for r in out["repositories"]] == [cli_repository]
    everything = aws("ecr", "describe-repositories")  # the CLI follows nextToken itself
    assert cli_repository in {r["repositoryName"] for r in everything["repositories"]}
    tags = aws("ecr", "list-tags-for-resource", "--resource-arn", repository_arn(cli_repository))
    assert tags["tags"] == [{"Key": "made-by", "Value": "cli"}]


def test_cli_errors_name_the_exception(aws):
    name = repository_name("cli-missing")
    proc = aws("ecr", "describe-repositories", "--repository-names", name, check=False)
    assert proc.returncode in (254, 255), proc  # CLI v1: 255, v2: 254
    assert "RepositoryNotFoundException" in proc.stderr
    assert f"The repository with name '{name}' does not exist in the registry with id '{ONE}'" \
        in proc.stderr


def test_cli_get_login_password(aws, tessera):
    password = aws("ecr", "get-login-password", json_output=False).strip()
    assert password and not any(c.isspace() for c in password)
    token = aws("ecr", "get-authorization-token")["authorizationData"][0]
    assert decode_token(token["authorizationToken"])[0] == "AWS"
    assert token["proxyEndpoint"] == tessera.endpoint
    public = aws("ecr-public", "get-login-password", "--region", "us-east-1", json_output=False).strip()
    assert public and not any(c.isspace() for c in public)


def test_cli_put_image_from_file_is_byte_exact(aws, ecr, cli_repository, tmp_path):
    config, layers = config_blob(), layer_blobs(2)
    ensure_blobs(ecr, cli_repository, [config, *layers])
    text = odd_whitespace(docker_manifest(config, layers)).replace("\r\n", "\n")
    path = tmp_path / "manifest.json"
    path.write_bytes(text.encode())
    out = aws("ecr", "put-image", "--repository-name", cli_repository, "--image-tag", "from-file",
              "--image-manifest", f"file://{path}")
    assert out["image"]["imageId"] == {"imageDigest": manifest_digest(text), "imageTag": "from-file"}
    got = aws("ecr", "batch-get-image", "--repository-name", cli_repository,
              "--image-ids", "imageTag=from-file")
    assert got["images"][0]["imageManifest"] == text
    assert got["images"][0]["imageManifestMediaType"] == DOCKER_MANIFEST


def test_cli_describe_images_and_batch_delete(aws, ecr, cli_repository):
    a = push_image(ecr, cli_repository, "a")
    b = push_image(ecr, cli_repository, "b", kind="oci")
    out = aws("ecr", "describe-images", "--repository-name", cli_repository)
    details = {d["imageDigest"]: d for d in out["imageDetails"]}
    assert set(details) == {a.digest, b.digest}
    assert details[a.digest]["imageTags"] == ["a"]
    assert details[a.digest]["imageSizeInBytes"] == a.size
    one = aws("ecr", "describe-images", "--repository-name", cli_repository,
              "--image-ids", "imageTag=b")
    assert [d["imageDigest"] for d in one["imageDetails"]] == [b.digest]

    deleted = aws("ecr", "batch-delete-image", "--repository-name", cli_repository,
                  "--image-ids", "imageTag=a", f"imageDigest={b.digest}", "imageTag=missing")
    assert sorted(i["imageDigest"] for i in deleted["imageIds"]) == sorted([a.digest, b.digest])
    assert [f["failureCode"] for f in deleted["failures"]] == ["ImageNotFound"]
    after = aws("ecr", "describe-images", "--repository-name", cli_repository)
    assert after["imageDetails"] == []
    listed = aws("ecr", "list-images", "--repository-name", cli_repository)
    assert listed["imageIds"] == []


def test_cli_lifecycle_policy_preview(aws, ecr, cli_repository, tmp_path):
    import time
    digests = []
    for i in range(3):
        digests.append(push_image(ecr, cli_repository, f"t{i}").digest)
        time.sleep(0.05)
    policy_file = tmp_path / "policy.json"
    policy_file.write_text(keep_newest(1))
    put = aws("ecr", "put-lifecycle-policy", "--repository-name", cli_repository,
              "--lifecycle-policy-text", f"file://{policy_file}")
    assert json.loads(put["lifecyclePolicyText"]) == json.loads(keep_newest(1))
    got = aws("ecr", "get-lifecycle-policy", "--repository-name", cli_repository)
    assert json.loads(got["lifecyclePolicyText"]) == json.loads(keep_newest(1))

    started = aws("ecr", "start-lifecycle-policy-preview", "--repository-name", cli_repository)
    assert started["status"] in ("IN_PROGRESS", "COMPLETE")
    aws("ecr", "wait", "lifecycle-policy-preview-complete", "--repository-name", cli_repository)
    preview = aws("ecr", "get-lifecycle-policy-preview", "--repository-name", cli_repository,
                  "--no-paginate")
    assert preview["status"] == "COMPLETE"
    expired = {r["imageDigest"]: r for r in preview["previewResults"]}
    assert set(expired) == set(digests[:2])
    assert all(r["action"]["type"] == "EXPIRE" and r["appliedRulePriority"] == 1
               for r in expired.values())
    assert preview["summary"]["expiringImageTotalCount"] == 2
    # the CLI's own pagination merges previewResults across pages
    paged = aws("ecr", "get-lifecycle-policy-preview", "--repository-name", cli_repository,
                "--page-size", "1")
    assert {r["imageDigest"] for r in paged["previewResults"]} == set(digests[:2])


def test_cli_ecr_public_repository(aws, ecr_public):
    name = repository_name("cli-public")
    try:
        out = aws("ecr-public", "create-repository", "--region", "us-east-1", "--repository-name", name,
                  "--catalog-data", "description=from the cli,operatingSystems=Linux")
        assert out["repository"]["repositoryName"] == name
        assert out["catalogData"]["description"] == "from the cli"
        image = push_image(ecr_public, name, "v1")
        tags = aws("ecr-public", "describe-image-tags", "--region", "us-east-1",
                   "--repository-name", name)
        assert [(t["imageTag"], t["imageDetail"]["imageDigest"]) for t in tags["imageTagDetails"]] == \
            [("v1", image.digest)]
        regs = aws("ecr-public", "describe-registries", "--region", "us-east-1")
        assert [r["registryId"] for r in regs["registries"]] == [ONE]
    finally:
        ecr_public.delete_repository(repositoryName=name, force=True)


def test_cli_delete_repository(aws, ecr, cli_repository):
    push_image(ecr, cli_repository, "v1")
    proc = aws("ecr", "delete-repository", "--repository-name", cli_repository, check=False)
    assert proc.returncode in (254, 255) and "RepositoryNotEmptyException" in proc.stderr
    out = aws("ecr", "delete-repository", "--repository-name", cli_repository, "--force")
    assert out["repository"]["repositoryName"] == cli_repository
