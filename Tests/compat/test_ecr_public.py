"""ECR Public (`SpencerFrontendService.*`, docs/aws/ecr.md#ecr-public): repositories with catalog data, the
layer flow under ECR Public's limits (1,000 parts, 10,000 MiB a layer), PutImage, DescribeImages,
DescribeImageTags, BatchDeleteImage, DescribeRegistries and registry aliases,
GetAuthorizationToken, registry and repository catalog data, tags and repository policies.

Public repositories are a namespace of their own, apart from the account's private ones (as in AWS,
where both can hold the same name).
"""

import base64
import json
import re
import time
import uuid

import pytest

from ecr_helpers import (
    DOCKER_CONFIG, DOCKER_MANIFEST, KiB, MIN_PART, ONE, PUBLIC_MAX_LAYER, PUBLIC_MAX_PARTS, TWO,
    UUID_RE, assert_recent, compact, complete, config_blob, decode_token, describe_images,
    docker_manifest, ensure_blobs, expect_ecr_error, image_digests, image_id, initiate, is_available,
    last_valid_byte, layer_availability, layer_blobs, manifest_digest, policy, push_image,
    put_manifest, random_layer, repository_name, sha256_digest, statement, tags_by_digest,
    unknown_digest, unvalidated_client, upload_layer, upload_part, watch_responses,
    PULL_ACTIONS)
from tessera_server import TEST_ACCOUNTS

TOO_SMALL = "All layer parts except the last part should be at least 5MB"  # [real] docs/aws/ecr.md#errors
PNG_1X1 = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def public_two(client_for):
    return watch_responses(client_for("two", "ecr-public"))


@pytest.fixture(scope="module")
def public_three(client_for):
    return watch_responses(client_for("three", "ecr-public"))


@pytest.fixture
def public_repository(ecr_public, request):
    name = repository_name(request.node.name)
    ecr_public.create_repository(repositoryName=name)
    yield name
    try:
        ecr_public.delete_repository(repositoryName=name, force=True)
    except Exception:  # noqa: BLE001 - the test deleted it
        pass


@pytest.fixture(scope="module")
def registry(ecr_public):
    """Account one's public registry as DescribeRegistries shows it."""
    regs = ecr_public.describe_registries()["registries"]
    assert len(regs) == 1, regs
    return regs[0]


def arn_ok(arn, name, account=ONE):
    return re.fullmatch(rf"arn:aws:ecr(-public)?:[a-z0-9-]*:{account}:repository/{re.escape(name)}", arn)


# -- repositories -----------------------------------------------------------------------

def test_create_repository(ecr_public, registry):
    name = repository_name("public")
    try:
        resp = ecr_public.create_repository(repositoryName=name)
        repo = resp["repository"]
        assert repo["repositoryName"] == name
        assert repo["registryId"] == ONE
        assert arn_ok(repo["repositoryArn"], name), repo
        assert repo["repositoryUri"] == f"{registry['registryUri']}/{name}"
        assert_recent(repo["createdAt"])
        described = ecr_public.describe_repositories(repositoryNames=[name])["repositories"]
        assert described == [repo]
    finally:
        ecr_public.delete_repository(repositoryName=name, force=True)


def test_create_with_catalog_data(ecr_public):
    name = repository_name("catalog")
    catalog = {"description": "a compat repository", "architectures": ["x86-64", "ARM 64", "riscv64"],
               "operatingSystems": ["Linux"], "aboutText": "# About\nmarkdown",
               "usageText": "docker pull it"}
    try:
        resp = ecr_public.create_repository(repositoryName=name,
                                            catalogData={**catalog, "logoImageBlob": PNG_1X1},
                                            tags=[{"Key": "team", "Value": "storage"}])
        for key, value in catalog.items():
            assert resp["catalogData"][key] == value, key
        assert resp["catalogData"].get("logoUrl"), resp["catalogData"]
        got = ecr_public.get_repository_catalog_data(repositoryName=name)["catalogData"]
        for key, value in catalog.items():
            assert got[key] == value, key
        arn = resp["repository"]["repositoryArn"]
        assert ecr_public.list_tags_for_resource(resourceArn=arn)["tags"] == [
            {"Key": "team", "Value": "storage"}]
    finally:
        ecr_public.delete_repository(repositoryName=name, force=True)


def test_put_repository_catalog_data(ecr_public, public_repository):
    put = ecr_public.put_repository_catalog_data(
        repositoryName=public_repository, catalogData={"description": "first", "aboutText": "about"})
    assert put["catalogData"]["description"] == "first"
    ecr_public.put_repository_catalog_data(repositoryName=public_repository,
                                           catalogData={"description": "second"})
    got = ecr_public.get_repository_catalog_data(repositoryName=public_repository)["catalogData"]
    assert got["description"] == "second"


def test_catalog_data_of_missing_repository(ecr_public):
    name = repository_name("missing")
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr_public.get_repository_catalog_data(repositoryName=name)
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr_public.put_repository_catalog_data(repositoryName=name, catalogData={"description": "x"})


def test_create_twice(ecr_public, public_repository):
    with expect_ecr_error("RepositoryAlreadyExistsException"):
        ecr_public.create_repository(repositoryName=public_repository)


@pytest.mark.parametrize("name", ["Upper", "-lead", "a..b", "a/", "x" * 206, "a"])
def test_invalid_names(tessera, ecr_public, name):
    raw = unvalidated_client(tessera.endpoint, TEST_ACCOUNTS["one"], "ecr-public")
    with expect_ecr_error("InvalidParameterException"):
        raw.create_repository(repositoryName=name)


def test_describe_missing_and_pages(ecr_public, public_repository):
    missing = repository_name("missing")
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr_public.describe_repositories(repositoryNames=[public_repository, missing])
    extra = [repository_name("paged") for _ in range(2)]
    for name in extra:
        ecr_public.create_repository(repositoryName=name)
    try:
        seen, token = [], None
        while True:
            resp = ecr_public.describe_repositories(maxResults=1, **({"nextToken": token} if token else {}))
            assert len(resp["repositories"]) == 1
            seen += [r["repositoryName"] for r in resp["repositories"]]
            token = resp.get("nextToken")
            if not token:
                break
        assert len(seen) == len(set(seen))
        assert {public_repository, *extra} <= set(seen)
    finally:
        for name in extra:
            ecr_public.delete_repository(repositoryName=name)


def test_public_and_private_namespaces_are_apart(ecr, ecr_public, public_repository):
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.describe_repositories(repositoryNames=[public_repository])
    private = {r["repositoryName"] for r in ecr.describe_repositories(maxResults=1000)["repositories"]}
    assert public_repository not in private
    ecr.create_repository(repositoryName=public_repository)
    try:
        image = push_image(ecr, public_repository, "private-only")
        assert image_digests(ecr_public, public_repository) == set()
        assert image_digests(ecr, public_repository) == {image.digest}
    finally:
        ecr.delete_repository(repositoryName=public_repository, force=True)
    assert ecr_public.describe_repositories(repositoryNames=[public_repository])["repositories"]


def test_delete_non_empty_needs_force(ecr_public, public_repository):
    push_image(ecr_public, public_repository, "v1")
    with expect_ecr_error("RepositoryNotEmptyException"):
        ecr_public.delete_repository(repositoryName=public_repository)
    assert ecr_public.describe_images(repositoryName=public_repository)["imageDetails"]
    deleted = ecr_public.delete_repository(repositoryName=public_repository, force=True)
    assert deleted["repository"]["repositoryName"] == public_repository
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr_public.describe_repositories(repositoryNames=[public_repository])


def test_other_account_sees_nothing(ecr_public, public_two, public_repository):
    with expect_ecr_error("RepositoryNotFoundException"):
        public_two.describe_repositories(repositoryNames=[public_repository])
    isolated = ("AccessDeniedException", "RepositoryNotFoundException")
    missing = repository_name("not-there")
    for call in (
            lambda n: public_two.describe_images(registryId=ONE, repositoryName=n),
            lambda n: public_two.initiate_layer_upload(registryId=ONE, repositoryName=n),
            lambda n: public_two.delete_repository(registryId=ONE, repositoryName=n, force=True)):
        with expect_ecr_error(isolated) as existing:
            call(public_repository)
        with expect_ecr_error(isolated) as absent:
            call(missing)
        assert existing.code == absent.code
        if existing.code == "AccessDeniedException":  # ECR Public's actions are ecr-public:*
            assert re.search(r"ecr-public:[A-Z]", existing.message), existing.message
    assert ecr_public.describe_repositories(repositoryNames=[public_repository])["repositories"]


# -- registries ---------------------------------------------------------------------------

def test_describe_registries(registry):
    assert registry["registryId"] == ONE
    assert registry["registryArn"].startswith("arn:aws:ecr-public:")
    assert f":{ONE}:" in registry["registryArn"]
    assert isinstance(registry["verified"], bool)
    aliases = registry["aliases"]
    assert aliases, registry
    assert sum(a["primaryRegistryAlias"] for a in aliases) == 1
    assert sum(a["defaultRegistryAlias"] for a in aliases) == 1
    primary = next(a for a in aliases if a["primaryRegistryAlias"])
    assert primary["status"] == "ACTIVE"
    assert re.fullmatch(r"[a-z][a-z0-9]+(?:[._-][a-z0-9]+)*", primary["name"])
    assert registry["registryUri"].endswith("/" + primary["name"]) or \
        registry["registryUri"].endswith(primary["name"])


def test_registries_of_two_accounts_differ(registry, public_two):
    [theirs] = public_two.describe_registries()["registries"]
    assert theirs["registryId"] == TWO
    assert theirs["registryUri"] != registry["registryUri"]
    assert {a["name"] for a in theirs["aliases"]}.isdisjoint({a["name"] for a in registry["aliases"]})


def test_registry_alias_names_the_registry(ecr_public, public_repository, registry):
    alias = next(a["name"] for a in registry["aliases"] if a["primaryRegistryAlias"])
    data = random_layer(300)
    upload_id = initiate(ecr_public, public_repository, registry_id=alias)
    upload_part(ecr_public, public_repository, upload_id, data, 0, registry_id=alias)
    done = complete(ecr_public, public_repository, upload_id, sha256_digest(data), registry_id=alias)
    assert done["layerDigest"] == sha256_digest(data)
    assert is_available(ecr_public, public_repository, sha256_digest(data), registry_id=alias)
    with expect_ecr_error("RegistryNotFoundException"):
        initiate(ecr_public, public_repository, registry_id=f"no-such-alias-{uuid.uuid4().hex[:8]}")


def test_registry_catalog_data(public_three):
    before = public_three.get_registry_catalog_data()["registryCatalogData"]
    assert isinstance(before.get("displayName", ""), str)
    put = public_three.put_registry_catalog_data(displayName="Compat Registry")
    assert put["registryCatalogData"] == {"displayName": "Compat Registry"}
    assert public_three.get_registry_catalog_data()["registryCatalogData"]["displayName"] == \
        "Compat Registry"


def test_authorization_token(ecr_public):
    before = time.time()
    data = ecr_public.get_authorization_token()["authorizationData"]
    user, password = decode_token(data["authorizationToken"])
    assert user == "AWS" and password and not any(c.isspace() for c in password)
    assert abs(data["expiresAt"].timestamp() - (before + 12 * 3600)) < 300


# -- layers -----------------------------------------------------------------------------

def test_layer_flow_in_parts(ecr_public, public_repository):
    data = random_layer(MIN_PART + 777)
    resp = ecr_public.initiate_layer_upload(repositoryName=public_repository)
    upload_id = resp["uploadId"]
    assert UUID_RE.match(upload_id) and resp["partSize"] > 0
    part = upload_part(ecr_public, public_repository, upload_id, data[:MIN_PART], 0)
    assert part == {**part, "registryId": ONE, "repositoryName": public_repository,
                    "uploadId": upload_id, "lastByteReceived": MIN_PART - 1}
    upload_part(ecr_public, public_repository, upload_id, data[MIN_PART:], MIN_PART)
    done = complete(ecr_public, public_repository, upload_id, sha256_digest(data))
    assert done == {**done, "registryId": ONE, "repositoryName": public_repository,
                    "uploadId": upload_id, "layerDigest": sha256_digest(data)}
    layer = layer_availability(ecr_public, public_repository, [sha256_digest(data)])[sha256_digest(data)]
    assert layer["layerAvailability"] == "AVAILABLE" and layer["layerSize"] == len(data)


def test_layer_refusals(ecr_public, public_repository):
    upload_id = initiate(ecr_public, public_repository)
    with expect_ecr_error("EmptyUploadException"):
        complete(ecr_public, public_repository, upload_id, unknown_digest())
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(ecr_public, public_repository, upload_id, random_layer(10), 3)
    assert err["lastValidByteReceived"] == -1
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(ecr_public, public_repository, upload_id, random_layer(10), 0, 10)
    assert err["lastValidByteReceived"] == -1
    data = random_layer(200)
    upload_part(ecr_public, public_repository, upload_id, data[:100], 0)
    upload_part(ecr_public, public_repository, upload_id, data[100:], 100)
    with expect_ecr_error("LayerPartTooSmallException", message=TOO_SMALL):
        complete(ecr_public, public_repository, upload_id, sha256_digest(data))
    assert last_valid_byte(ecr_public, public_repository, upload_id) == 199
    with expect_ecr_error("UploadNotFoundException"):
        upload_part(ecr_public, public_repository, str(uuid.uuid4()), data, 0)


def test_wrong_digest_and_already_exists(ecr_public, public_repository):
    data = random_layer(500)
    upload_id = initiate(ecr_public, public_repository)
    upload_part(ecr_public, public_repository, upload_id, data, 0)
    with expect_ecr_error("InvalidLayerException"):
        complete(ecr_public, public_repository, upload_id, sha256_digest(b"other"))
    assert not is_available(ecr_public, public_repository, sha256_digest(data))
    upload_layer(ecr_public, public_repository, data)
    again = initiate(ecr_public, public_repository)
    upload_part(ecr_public, public_repository, again, data, 0)
    with expect_ecr_error("LayerAlreadyExistsException"):
        complete(ecr_public, public_repository, again, sha256_digest(data))


def test_upload_of_another_repository(ecr_public, public_repository):
    other = repository_name("other")
    ecr_public.create_repository(repositoryName=other)
    try:
        upload_id = initiate(ecr_public, other)
        with expect_ecr_error("UploadNotFoundException"):
            upload_part(ecr_public, public_repository, upload_id, random_layer(10), 0)
    finally:
        ecr_public.delete_repository(repositoryName=other, force=True)


@pytest.mark.slow
def test_1001st_part_is_over_the_public_limit(ecr_public, public_repository):
    upload_id = initiate(ecr_public, public_repository)
    for i in range(PUBLIC_MAX_PARTS):
        resp = upload_part(ecr_public, public_repository, upload_id, b"p", i)
    assert resp["lastByteReceived"] == PUBLIC_MAX_PARTS - 1
    with expect_ecr_error("LimitExceededException"):
        upload_part(ecr_public, public_repository, upload_id, b"p", PUBLIC_MAX_PARTS)
    assert last_valid_byte(ecr_public, public_repository, upload_id) == PUBLIC_MAX_PARTS - 1


@pytest.mark.parametrize("last_byte", [PUBLIC_MAX_LAYER, 20000 * 1024 * 1024, 10 ** 13],
                         ids=["one-byte-over", "under-the-private-limit", "far-over"])
def test_range_past_the_public_layer_limit(ecr_public, public_repository, last_byte):
    upload_id = initiate(ecr_public, public_repository)
    with expect_ecr_error(("LimitExceededException", "InvalidLayerPartException")):
        upload_part(ecr_public, public_repository, upload_id, random_layer(10), 0, last_byte)
    assert last_valid_byte(ecr_public, public_repository, upload_id) == -1


# -- images -----------------------------------------------------------------------------

def test_push_describe_and_delete(ecr_public, public_repository):
    before = time.time()
    image = push_image(ecr_public, public_repository, "v1", layers=2, layer_size=2 * KiB)
    out = image.response["image"]
    assert out["registryId"] == ONE and out["repositoryName"] == public_repository
    assert out["imageId"] == {"imageDigest": image.digest, "imageTag": "v1"}
    assert out["imageManifest"] == image.manifest
    assert out["imageManifestMediaType"] == DOCKER_MANIFEST
    put_manifest(ecr_public, public_repository, image.manifest, "latest")

    [detail] = describe_images(ecr_public, public_repository)
    assert detail["imageDigest"] == image.digest
    assert sorted(detail["imageTags"]) == ["latest", "v1"]
    assert detail["imageSizeInBytes"] == image.size
    assert before - 5 <= detail["imagePushedAt"].timestamp() <= time.time() + 5
    assert detail["imageManifestMediaType"] == DOCKER_MANIFEST
    assert detail["artifactMediaType"] == DOCKER_CONFIG
    assert detail["registryId"] == ONE and detail["repositoryName"] == public_repository

    tags = ecr_public.describe_image_tags(repositoryName=public_repository)["imageTagDetails"]
    assert sorted(t["imageTag"] for t in tags) == ["latest", "v1"]
    for t in tags:
        assert_recent(t["createdAt"])
        ref = t["imageDetail"]
        assert ref["imageDigest"] == image.digest
        assert ref["imageSizeInBytes"] == image.size
        assert ref["imageManifestMediaType"] == DOCKER_MANIFEST
        assert ref["artifactMediaType"] == DOCKER_CONFIG
        assert_recent(ref["imagePushedAt"])

    resp = ecr_public.batch_delete_image(repositoryName=public_repository,
                                         imageIds=[image_id(tag="latest"), image_id(tag="nope")])
    assert resp["imageIds"] == [{"imageDigest": image.digest, "imageTag": "latest"}]
    assert [f["failureCode"] for f in resp["failures"]] == ["ImageNotFound"]
    assert tags_by_digest(ecr_public, public_repository) == {image.digest: ["v1"]}
    ecr_public.batch_delete_image(repositoryName=public_repository,
                                  imageIds=[image_id(digest=image.digest)])
    assert describe_images(ecr_public, public_repository) == []
    assert ecr_public.describe_image_tags(repositoryName=public_repository)["imageTagDetails"] == []


def test_describe_image_tags_pages(ecr_public, public_repository):
    for tag in ("a", "b", "c"):
        push_image(ecr_public, public_repository, tag)
    seen, token = [], None
    while True:
        resp = ecr_public.describe_image_tags(repositoryName=public_repository, maxResults=1,
                                              **({"nextToken": token} if token else {}))
        assert len(resp["imageTagDetails"]) <= 1
        seen += [t["imageTag"] for t in resp["imageTagDetails"]]
        token = resp.get("nextToken")
        if not token:
            break
    assert sorted(seen) == ["a", "b", "c"]


def test_put_image_refusals(ecr_public, public_repository):
    config, layers = config_blob(), layer_blobs(2)
    ensure_blobs(ecr_public, public_repository, [config, layers[0]])
    text = compact(docker_manifest(config, layers))
    with expect_ecr_error("LayersNotFoundException", contains=layers[1].digest):
        put_manifest(ecr_public, public_repository, text, "v1")
    ensure_blobs(ecr_public, public_repository, layers)
    with expect_ecr_error("ImageDigestDoesNotMatchException"):
        put_manifest(ecr_public, public_repository, text, "v1", digest=unknown_digest())
    with expect_ecr_error("InvalidParameterException"):
        put_manifest(ecr_public, public_repository, "{not json", "v1")
    assert describe_images(ecr_public, public_repository) == []
    put_manifest(ecr_public, public_repository, text, "v1", digest=manifest_digest(text))
    with expect_ecr_error("ImageAlreadyExistsException"):
        put_manifest(ecr_public, public_repository, text, "v1")
    assert image_digests(ecr_public, public_repository) == {manifest_digest(text)}


def test_describe_images_by_id(ecr_public, public_repository):
    image = push_image(ecr_public, public_repository, "v1")
    resp = ecr_public.describe_images(repositoryName=public_repository, imageIds=[image_id(tag="v1")])
    assert [d["imageDigest"] for d in resp["imageDetails"]] == [image.digest]
    with expect_ecr_error("ImageNotFoundException"):
        ecr_public.describe_images(repositoryName=public_repository, imageIds=[image_id(tag="nope")])


# -- tags and policies ------------------------------------------------------------------

def test_tags(ecr_public, public_repository):
    arn = ecr_public.describe_repositories(repositoryNames=[public_repository])[
        "repositories"][0]["repositoryArn"]
    ecr_public.tag_resource(resourceArn=arn, tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ecr_public.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert ecr_public.list_tags_for_resource(resourceArn=arn)["tags"] == [{"Key": "b", "Value": "2"}]
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr_public.list_tags_for_resource(resourceArn=arn.replace(public_repository, "no-such-repo-x"))


def test_repository_policy(ecr_public, public_repository):
    with expect_ecr_error("RepositoryPolicyNotFoundException"):
        ecr_public.get_repository_policy(repositoryName=public_repository)
    text = policy(statement({"AWS": TWO}, [a.replace("ecr:", "ecr-public:") for a in PULL_ACTIONS]))
    set_ = ecr_public.set_repository_policy(repositoryName=public_repository, policyText=text)
    assert set_["registryId"] == ONE and json.loads(set_["policyText"]) == json.loads(text)
    got = ecr_public.get_repository_policy(repositoryName=public_repository)
    assert json.loads(got["policyText"]) == json.loads(text)
    assert json.loads(ecr_public.delete_repository_policy(
        repositoryName=public_repository)["policyText"]) == json.loads(text)
    with expect_ecr_error("RepositoryPolicyNotFoundException"):
        ecr_public.delete_repository_policy(repositoryName=public_repository)
    with expect_ecr_error("InvalidParameterException"):
        ecr_public.set_repository_policy(repositoryName=public_repository, policyText="{nope")
