"""ECR images (docs/aws/ecr.md, #put-image to #listings): PutImage of every media type (Docker v2 schema 2, OCI
image manifest, Docker manifest list, OCI index, OCI 1.1 artifacts with `artifactType` and
`subject`), the digest of the bytes exactly as sent, the blob checks against *this* repository,
tag mutability; BatchGetImage, BatchDeleteImage, ListImages, DescribeImages, ListImageReferrers,
UpdateImageStorageClass, scanning (no vulnerability database: a plain status, never findings),
replication and signing status."""

import json
import time

import pytest

from ecr_helpers import (
    DOCKER_CONFIG, DOCKER_LIST, DOCKER_MANIFEST, KiB, OCI_CONFIG, OCI_INDEX, OCI_LAYER, OCI_MANIFEST,
    ONE, SBOM_TYPE, SIGNATURE_TYPE, assert_recent, compact, config_blob, describe_images,
    docker_manifest, ensure_blobs, expect_ecr_error, get_manifest, image_digests, image_id,
    layer_blobs, list_images, manifest_descriptor, manifest_digest, odd_whitespace, oci_index,
    oci_manifest, push_image, push_index, put_manifest, repository_name, sha256_digest,
    tags_by_digest, unknown_digest, wait_until)

INVALID_JSON = "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'"


@pytest.fixture
def other_repository(ecr):
    name = repository_name("other")
    ecr.create_repository(repositoryName=name)
    yield name
    ecr.delete_repository(repositoryName=name, force=True)


@pytest.fixture
def make_repository(ecr):
    """make_repository(**create_kwargs) -> name; force-deleted at teardown."""
    names = []

    def make(**kwargs):
        name = repository_name("mut")
        ecr.create_repository(repositoryName=name, **kwargs)
        names.append(name)
        return name
    yield make
    for name in names:
        ecr.delete_repository(repositoryName=name, force=True)


def assert_nothing_stored(ecr, repo):
    assert ecr.describe_images(repositoryName=repo)["imageDetails"] == []
    assert ecr.list_images(repositoryName=repo)["imageIds"] == []


def detail(ecr, repo, ident):
    resp = ecr.describe_images(repositoryName=repo, imageIds=[ident])
    assert len(resp["imageDetails"]) == 1, resp
    return resp["imageDetails"][0]


# -- PutImage: the working path ----------------------------------------------------------

def test_put_image_response(ecr, repository):
    image = push_image(ecr, repository, "v1")
    out = image.response["image"]
    assert out["registryId"] == ONE
    assert out["repositoryName"] == repository
    assert out["imageId"] == {"imageDigest": image.digest, "imageTag": "v1"}
    assert out["imageManifest"] == image.manifest
    assert out["imageManifestMediaType"] == DOCKER_MANIFEST


@pytest.mark.parametrize("kind", ["docker", "oci"])
def test_digest_covers_the_manifest_bytes_exactly_as_sent(ecr, repository, kind):
    image = push_image(ecr, repository, "odd", kind=kind, serialize=odd_whitespace,
                       annotations={"note": "caf\u00e9 \u2713"} if kind == "oci" else None)
    assert image.digest == manifest_digest(image.manifest)
    assert image.digest != manifest_digest(compact(json.loads(image.manifest)))
    for ident in (image_id(tag="odd"), image_id(digest=image.digest)):
        got = get_manifest(ecr, repository, ident)
        assert got["imageManifest"] == image.manifest  # byte for byte
        assert got["imageManifest"].encode() == image.manifest.encode()
        assert got["imageId"]["imageDigest"] == image.digest
    assert detail(ecr, repository, image_id(tag="odd"))["imageDigest"] == image.digest


def test_same_content_other_whitespace_is_another_image(ecr, repository):
    config = config_blob()
    layers = layer_blobs(1)
    ensure_blobs(ecr, repository, [config, *layers])
    manifest = docker_manifest(config, layers)
    a = put_manifest(ecr, repository, compact(manifest), "compact")
    b = put_manifest(ecr, repository, json.dumps(manifest, indent=3), "indented")
    assert a["image"]["imageId"]["imageDigest"] != b["image"]["imageId"]["imageDigest"]
    assert image_digests(ecr, repository) == {a["image"]["imageId"]["imageDigest"],
                                              b["image"]["imageId"]["imageDigest"]}


@pytest.mark.parametrize("kind, manifest_type, config_type", [
    ("docker", DOCKER_MANIFEST, DOCKER_CONFIG),
    ("oci", OCI_MANIFEST, OCI_CONFIG),
])
def test_describe_image_details(ecr, repository, kind, manifest_type, config_type):
    before = time.time()
    image = push_image(ecr, repository, "v1", kind=kind, layers=2, layer_size=3 * KiB)
    d = detail(ecr, repository, image_id(tag="v1"))
    assert d["registryId"] == ONE
    assert d["repositoryName"] == repository
    assert d["imageDigest"] == image.digest
    assert d["imageTags"] == ["v1"]
    assert d["imageSizeInBytes"] == image.size == image.config.size + 2 * 3 * KiB
    assert before - 5 <= d["imagePushedAt"].timestamp() <= time.time() + 5
    assert d["imageManifestMediaType"] == manifest_type
    assert d["artifactMediaType"] == config_type
    assert d.get("imageStatus", "ACTIVE") == "ACTIVE"


def test_oci_manifest_without_media_type_field_takes_the_parameter(ecr, repository):
    config, layers = config_blob(OCI_CONFIG), layer_blobs(1, media_type=OCI_LAYER)
    ensure_blobs(ecr, repository, [config, *layers])
    text = compact(oci_manifest(config, layers, media_type_field=False))
    with expect_ecr_error("InvalidParameterException"):
        put_manifest(ecr, repository, text, "v1")
    assert_nothing_stored(ecr, repository)
    resp = put_manifest(ecr, repository, text, "v1", media_type=OCI_MANIFEST)
    assert resp["image"]["imageManifestMediaType"] == OCI_MANIFEST
    assert resp["image"]["imageId"]["imageDigest"] == manifest_digest(text)
    assert detail(ecr, repository, image_id(tag="v1"))["imageManifestMediaType"] == OCI_MANIFEST


def test_media_type_parameter_contradicting_the_manifest(ecr, repository):
    config, layers = config_blob(), layer_blobs(1)
    ensure_blobs(ecr, repository, [config, *layers])
    text = compact(docker_manifest(config, layers))
    with expect_ecr_error("InvalidParameterException"):
        put_manifest(ecr, repository, text, "v1", media_type=OCI_MANIFEST)
    assert_nothing_stored(ecr, repository)


def test_push_with_own_registry_id(ecr, repository):
    image = push_image(ecr, repository, "v1", registry_id=ONE)
    assert image.response["image"]["registryId"] == ONE


def test_put_image_in_missing_repository(ecr):
    name = repository_name("missing")
    with expect_ecr_error("RepositoryNotFoundException", message=(
            f"The repository with name '{name}' does not exist in the registry with id '{ONE}'")):
        put_manifest(ecr, name, compact(docker_manifest(config_blob(), layer_blobs(1))), "v1")


# -- manifest lists and indexes ----------------------------------------------------------

@pytest.mark.parametrize("kind, child_kind, media_type", [
    ("docker", "docker", DOCKER_LIST), ("oci", "oci", OCI_INDEX)])
def test_index_over_pushed_images(ecr, repository, kind, child_kind, media_type):
    children = [push_image(ecr, repository, kind=child_kind, layer_size=size)
                for size in (1 * KiB, 5 * KiB)]
    index = push_index(ecr, repository, children, "multi", kind=kind)
    assert index.response["image"]["imageManifestMediaType"] == media_type
    got = get_manifest(ecr, repository, image_id(tag="multi"))
    assert got["imageManifest"] == index.manifest
    assert got["imageManifestMediaType"] == media_type
    d = detail(ecr, repository, image_id(digest=index.digest))
    assert d["imageManifestMediaType"] == media_type
    assert d["imageTags"] == ["multi"]
    # "If the image is a manifest list, this will be the max size of all manifests in the list."
    assert d["imageSizeInBytes"] == max(c.size for c in children)
    assert image_digests(ecr, repository) == {index.digest, *(c.digest for c in children)}


@pytest.mark.parametrize("kind", ["docker", "oci"])
def test_index_referencing_a_missing_image(ecr, repository, kind):
    child = push_image(ecr, repository, kind=kind)
    ghost = {"mediaType": child.media_type, "size": 123, "digest": unknown_digest(),
             "platform": {"architecture": "arm64", "os": "linux"}}
    manifest = oci_index([child], descriptors=[manifest_descriptor(child), ghost])
    if kind == "docker":
        manifest["mediaType"] = DOCKER_LIST
    with expect_ecr_error("ReferencedImagesNotFoundException"):
        put_manifest(ecr, repository, compact(manifest), "multi")
    assert image_digests(ecr, repository) == {child.digest}


def test_index_referencing_an_image_of_another_repository(ecr, repository, other_repository):
    elsewhere = push_image(ecr, other_repository, "v1", kind="oci")
    with expect_ecr_error("ReferencedImagesNotFoundException"):
        put_manifest(ecr, repository, compact(oci_index([elsewhere])), "multi")
    assert_nothing_stored(ecr, repository)


def test_child_of_an_index_cannot_be_deleted(ecr, repository):
    children = [push_image(ecr, repository, kind="oci") for _ in range(2)]
    index = push_index(ecr, repository, children, "multi")
    resp = ecr.batch_delete_image(repositoryName=repository,
                                  imageIds=[image_id(digest=children[0].digest)])
    assert resp["imageIds"] == []
    [failure] = resp["failures"]
    assert failure["imageId"] == {"imageDigest": children[0].digest}
    assert failure["failureCode"] == "ImageReferencedByManifestList"
    assert failure["failureReason"] == \
        f"Requested image referenced by manifest list: [{index.digest}]"  # [real]
    assert children[0].digest in image_digests(ecr, repository)

    ecr.batch_delete_image(repositoryName=repository, imageIds=[image_id(tag="multi")])
    resp = ecr.batch_delete_image(repositoryName=repository,
                                  imageIds=[image_id(digest=children[0].digest)])
    assert resp["failures"] == []
    assert image_digests(ecr, repository) == {children[1].digest}


# -- OCI 1.1 artifacts and referrers ----------------------------------------------------

def test_artifact_with_subject_is_a_referrer(ecr, repository):
    subject = push_image(ecr, repository, "app", kind="oci")
    sbom = push_image(ecr, repository, kind="artifact", artifact_type=SBOM_TYPE, subject=subject,
                      annotations={"org.opencontainers.image.created": "2026-11-30T00:00:00Z"})
    sig = push_image(ecr, repository, kind="artifact", artifact_type=SIGNATURE_TYPE, subject=subject)
    assert json.loads(sbom.manifest)["artifactType"] == SBOM_TYPE

    resp = ecr.list_image_referrers(repositoryName=repository,
                                    subjectId={"imageDigest": subject.digest})
    referrers = {r["digest"]: r for r in resp["referrers"]}
    assert set(referrers) == {sbom.digest, sig.digest}
    r = referrers[sbom.digest]
    assert r["mediaType"] == OCI_MANIFEST
    assert r["artifactType"] == SBOM_TYPE
    # "The size, in bytes, of the artifact": the manifest's length (as in the OCI referrers API) or
    # the artifact's blobs (as imageSizeInBytes); the model does not say which.
    assert r["size"] in (len(sbom.manifest.encode()), sbom.size), r
    assert r.get("annotations") == {"org.opencontainers.image.created": "2026-11-30T00:00:00Z"}
    assert r.get("artifactStatus", "ACTIVE") == "ACTIVE"

    only = ecr.list_image_referrers(repositoryName=repository,
                                    subjectId={"imageDigest": subject.digest},
                                    filter={"artifactTypes": [SIGNATURE_TYPE]})
    assert [r["digest"] for r in only["referrers"]] == [sig.digest]
    d = detail(ecr, repository, image_id(digest=sbom.digest))
    assert d["subjectManifestDigest"] == subject.digest
    assert "imageTags" not in d or d["imageTags"] == []


def test_image_without_referrers(ecr, repository):
    subject = push_image(ecr, repository, "app", kind="oci")
    resp = ecr.list_image_referrers(repositoryName=repository,
                                    subjectId={"imageDigest": subject.digest})
    assert resp["referrers"] == []


def test_referrers_page(ecr, repository):
    subject = push_image(ecr, repository, "app", kind="oci")
    digests = {push_image(ecr, repository, kind="artifact", subject=subject).digest for _ in range(3)}
    seen, token = [], None
    while True:
        kwargs = {"maxResults": 2, **({"nextToken": token} if token else {})}
        resp = ecr.list_image_referrers(repositoryName=repository,
                                        subjectId={"imageDigest": subject.digest}, **kwargs)
        assert len(resp["referrers"]) <= 2
        seen += [r["digest"] for r in resp["referrers"]]
        token = resp.get("nextToken")
        if not token:
            break
    assert sorted(seen) == sorted(digests)


def test_referrers_in_missing_repository(ecr):
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.list_image_referrers(repositoryName=repository_name("missing"),
                                 subjectId={"imageDigest": unknown_digest()})


# -- PutImage refusals -------------------------------------------------------------------

def test_missing_layer_is_layers_not_found(ecr, repository):
    config, layers = config_blob(), layer_blobs(2)
    ensure_blobs(ecr, repository, [config, layers[0]])  # layers[1] never uploaded
    with expect_ecr_error("LayersNotFoundException", message=(
            f"Layers with digests '[{layers[1].digest}]' required for pushing image into repository "
            f"with name '{repository}' in the registry with id '{ONE}' do not exist")):
        put_manifest(ecr, repository, compact(docker_manifest(config, layers)), "v1")
    assert_nothing_stored(ecr, repository)


def test_missing_config_is_layers_not_found(ecr, repository):
    config, layers = config_blob(), layer_blobs(1)
    ensure_blobs(ecr, repository, layers)
    with expect_ecr_error("LayersNotFoundException", contains=config.digest):
        put_manifest(ecr, repository, compact(docker_manifest(config, layers)), "v1")
    assert_nothing_stored(ecr, repository)


def test_layer_of_another_repository_does_not_count(ecr, repository, other_repository):
    config, layers = config_blob(), layer_blobs(1)
    ensure_blobs(ecr, other_repository, [config, *layers])
    ensure_blobs(ecr, repository, [config])
    with expect_ecr_error("LayersNotFoundException", contains=layers[0].digest):
        put_manifest(ecr, repository, compact(docker_manifest(config, layers)), "v1")
    assert_nothing_stored(ecr, repository)


def test_image_digest_does_not_match(ecr, repository):
    config, layers = config_blob(), layer_blobs(1)
    ensure_blobs(ecr, repository, [config, *layers])
    text = compact(docker_manifest(config, layers))
    with expect_ecr_error("ImageDigestDoesNotMatchException"):
        put_manifest(ecr, repository, text, "v1", digest=sha256_digest(b"something else"))
    assert_nothing_stored(ecr, repository)
    resp = put_manifest(ecr, repository, text, "v1", digest=manifest_digest(text))
    assert resp["image"]["imageId"]["imageDigest"] == manifest_digest(text)


def test_invalid_json(ecr, repository):
    with expect_ecr_error("InvalidParameterException", message=INVALID_JSON):
        put_manifest(ecr, repository, '{"schemaVersion": 2, "mediaType": ', "v1")
    assert_nothing_stored(ecr, repository)


@pytest.mark.parametrize("mutate", [
    lambda m: m.pop("config"),
    lambda m: m.pop("layers"),
    lambda m: m.update(layers="not a list"),
    lambda m: m["layers"][0].pop("digest"),
    lambda m: m.update(mediaType="application/x-unknown-manifest"),
], ids=["no-config", "no-layers", "layers-not-list", "layer-without-digest", "unknown-media-type"])
def test_malformed_manifest(ecr, repository, mutate):
    config, layers = config_blob(), layer_blobs(1)
    ensure_blobs(ecr, repository, [config, *layers])
    manifest = docker_manifest(config, layers)
    mutate(manifest)
    with expect_ecr_error("InvalidParameterException"):
        put_manifest(ecr, repository, compact(manifest), "v1")
    assert_nothing_stored(ecr, repository)


def test_malformed_layer_digest_in_manifest(ecr, repository):
    config, layers = config_blob(), layer_blobs(1)
    ensure_blobs(ecr, repository, [config, *layers])
    manifest = docker_manifest(config, layers)
    manifest["layers"][0]["digest"] = "sha256:not-hex"
    with expect_ecr_error(("InvalidParameterException", "LayersNotFoundException")):
        put_manifest(ecr, repository, compact(manifest), "v1")
    assert_nothing_stored(ecr, repository)


@pytest.mark.parametrize("text", ["[]", "42", '"manifest"', "null"])
def test_manifest_that_is_not_an_object(ecr, repository, text):
    with expect_ecr_error("InvalidParameterException"):
        put_manifest(ecr, repository, text, "v1", media_type=DOCKER_MANIFEST)
    assert_nothing_stored(ecr, repository)


# -- tags and mutability ----------------------------------------------------------------

def test_same_digest_and_tag_again_is_already_exists(ecr, repository):
    image = push_image(ecr, repository, "v1")
    with expect_ecr_error("ImageAlreadyExistsException"):
        put_manifest(ecr, repository, image.manifest, "v1")
    assert tags_by_digest(ecr, repository) == {image.digest: ["v1"]}


def test_same_manifest_with_a_new_tag_adds_the_tag(ecr, repository):
    image = push_image(ecr, repository, "v1")
    resp = put_manifest(ecr, repository, image.manifest, "stable")
    assert resp["image"]["imageId"] == {"imageDigest": image.digest, "imageTag": "stable"}
    assert tags_by_digest(ecr, repository) == {image.digest: ["stable", "v1"]}


def test_untagged_push_then_tag(ecr, repository):
    image = push_image(ecr, repository)
    d = detail(ecr, repository, image_id(digest=image.digest))
    assert d.get("imageTags", []) == []
    put_manifest(ecr, repository, image.manifest, "later")
    assert tags_by_digest(ecr, repository) == {image.digest: ["later"]}


def test_mutable_tag_moves(ecr, repository):
    old = push_image(ecr, repository, "latest")
    new = push_image(ecr, repository, "latest")
    assert tags_by_digest(ecr, repository) == {old.digest: [], new.digest: ["latest"]}
    assert get_manifest(ecr, repository, image_id(tag="latest"))["imageManifest"] == new.manifest


def test_immutable_tag_cannot_move(ecr, make_repository):
    repo = make_repository(imageTagMutability="IMMUTABLE")
    first = push_image(ecr, repo, "v1")
    second = push_image(ecr, repo, "v2")
    with expect_ecr_error("ImageTagAlreadyExistsException"):
        put_manifest(ecr, repo, second.manifest, "v1")
    with expect_ecr_error("ImageAlreadyExistsException"):  # [real]: even when IMMUTABLE
        put_manifest(ecr, repo, first.manifest, "v1")
    put_manifest(ecr, repo, first.manifest, "also-v1")  # a new tag is fine
    assert tags_by_digest(ecr, repo) == {first.digest: ["also-v1", "v1"], second.digest: ["v2"]}


@pytest.mark.parametrize("mutability, filters, movable, fixed", [
    ("IMMUTABLE_WITH_EXCLUSION", ["latest", "dev-*"], ["latest", "dev-42"], ["v1", "release-1"]),
    ("MUTABLE_WITH_EXCLUSION", ["release-*"], ["latest", "v1"], ["release-1", "release-2"]),
])
def test_mutability_exclusion_filters(ecr, make_repository, mutability, filters, movable, fixed):
    repo = make_repository(imageTagMutability=mutability, imageTagMutabilityExclusionFilters=[
        {"filterType": "WILDCARD", "filter": f} for f in filters])
    first = push_image(ecr, repo)
    second = push_image(ecr, repo)
    for tag in movable + fixed:
        put_manifest(ecr, repo, first.manifest, tag)
    for tag in movable:
        put_manifest(ecr, repo, second.manifest, tag)
    for tag in fixed:
        with expect_ecr_error("ImageTagAlreadyExistsException"):
            put_manifest(ecr, repo, second.manifest, tag)
    assert tags_by_digest(ecr, repo) == {first.digest: sorted(fixed), second.digest: sorted(movable)}


def test_mutability_change_applies_to_later_pushes(ecr, repository):
    first = push_image(ecr, repository, "v1")
    ecr.put_image_tag_mutability(repositoryName=repository, imageTagMutability="IMMUTABLE")
    second = push_image(ecr, repository)
    with expect_ecr_error("ImageTagAlreadyExistsException"):
        put_manifest(ecr, repository, second.manifest, "v1")
    ecr.put_image_tag_mutability(repositoryName=repository, imageTagMutability="MUTABLE")
    put_manifest(ecr, repository, second.manifest, "v1")
    assert tags_by_digest(ecr, repository) == {first.digest: [], second.digest: ["v1"]}


# -- BatchGetImage ----------------------------------------------------------------------

def test_batch_get_by_tag_digest_and_missing(ecr, repository):
    a = push_image(ecr, repository, "a")
    b = push_image(ecr, repository, "b", kind="oci")
    resp = ecr.batch_get_image(repositoryName=repository, imageIds=[
        image_id(tag="a"), image_id(digest=b.digest), image_id(tag="nope")])
    got = {i["imageId"]["imageDigest"]: i for i in resp["images"]}
    assert set(got) == {a.digest, b.digest}
    assert got[a.digest]["imageManifest"] == a.manifest
    assert got[a.digest]["imageManifestMediaType"] == DOCKER_MANIFEST
    assert got[b.digest]["imageManifestMediaType"] == OCI_MANIFEST
    assert all(i["registryId"] == ONE and i["repositoryName"] == repository for i in resp["images"])
    assert resp["failures"] == [{"imageId": {"imageTag": "nope"}, "failureCode": "ImageNotFound",
                                 "failureReason": "Requested image not found"}]  # [real]


def test_batch_get_accepted_media_types(ecr, repository):
    image = push_image(ecr, repository, "v1", kind="oci")
    ok = get_manifest(ecr, repository, image_id(tag="v1"),
                      acceptedMediaTypes=[DOCKER_MANIFEST, OCI_MANIFEST])
    assert ok["imageManifest"] == image.manifest
    resp = ecr.batch_get_image(repositoryName=repository, imageIds=[image_id(tag="v1")],
                               acceptedMediaTypes=[DOCKER_MANIFEST])
    # An OCI manifest is never served as something it is not.
    assert all(i["imageManifestMediaType"] == DOCKER_MANIFEST for i in resp["images"])
    assert all(i["imageManifest"] != image.manifest for i in resp["images"])
    assert len(resp["images"]) + len(resp["failures"]) == 1


def test_batch_get_tag_not_matching_digest(ecr, repository):
    a = push_image(ecr, repository, "a")
    push_image(ecr, repository, "b")
    resp = ecr.batch_get_image(repositoryName=repository,
                               imageIds=[{"imageTag": "b", "imageDigest": a.digest}])
    assert resp["images"] == []
    assert [f["failureCode"] for f in resp["failures"]] in (
        ["ImageTagDoesNotMatchDigest"], ["ImageNotFound"])


def test_batch_get_without_digest_or_tag(ecr, repository):
    push_image(ecr, repository, "a")
    resp = ecr.batch_get_image(repositoryName=repository, imageIds=[{}])
    assert resp["images"] == []
    assert [f["failureCode"] for f in resp["failures"]] == ["MissingDigestAndTag"]


def test_batch_get_in_missing_repository(ecr):
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.batch_get_image(repositoryName=repository_name("missing"), imageIds=[image_id(tag="a")])


# -- BatchDeleteImage -------------------------------------------------------------------

def test_delete_by_tag_removes_only_that_tag(ecr, repository):
    image = push_image(ecr, repository, "a")
    put_manifest(ecr, repository, image.manifest, "b")
    resp = ecr.batch_delete_image(repositoryName=repository, imageIds=[image_id(tag="a")])
    assert resp["imageIds"] == [{"imageDigest": image.digest, "imageTag": "a"}]
    assert resp["failures"] == []
    assert tags_by_digest(ecr, repository) == {image.digest: ["b"]}


def test_delete_of_the_last_tag_deletes_the_image(ecr, repository):
    image = push_image(ecr, repository, "only")
    resp = ecr.batch_delete_image(repositoryName=repository, imageIds=[image_id(tag="only")])
    assert resp["imageIds"] == [{"imageDigest": image.digest, "imageTag": "only"}]
    assert_nothing_stored(ecr, repository)


def test_delete_by_digest_removes_the_image_and_its_tags(ecr, repository):
    image = push_image(ecr, repository, "a")
    put_manifest(ecr, repository, image.manifest, "b")
    keep = push_image(ecr, repository, "c")
    resp = ecr.batch_delete_image(repositoryName=repository, imageIds=[image_id(digest=image.digest)])
    assert resp["failures"] == []
    assert resp["imageIds"] and all(i["imageDigest"] == image.digest for i in resp["imageIds"])
    assert tags_by_digest(ecr, repository) == {keep.digest: ["c"]}
    failures = ecr.batch_get_image(repositoryName=repository, imageIds=[image_id(tag="a")])["failures"]
    assert [f["failureCode"] for f in failures] == ["ImageNotFound"]


def test_delete_failures(ecr, repository):
    keep = push_image(ecr, repository, "keep")
    gone = push_image(ecr, repository, "gone")
    resp = ecr.batch_delete_image(repositoryName=repository, imageIds=[
        image_id(tag="missing"), image_id(digest=unknown_digest()), {}, image_id(tag="gone")])
    assert resp["imageIds"] == [{"imageDigest": gone.digest, "imageTag": "gone"}]
    codes = {json.dumps(f["imageId"], sort_keys=True): f["failureCode"] for f in resp["failures"]}
    assert codes[json.dumps({"imageTag": "missing"})] == "ImageNotFound"
    assert codes[json.dumps({})] == "MissingDigestAndTag"
    assert sorted(codes.values()) == ["ImageNotFound", "ImageNotFound", "MissingDigestAndTag"]
    assert all(f.get("failureReason") for f in resp["failures"])
    assert tags_by_digest(ecr, repository) == {keep.digest: ["keep"]}


def test_delete_with_a_malformed_digest(ecr, repository):
    keep = push_image(ecr, repository, "keep")
    resp = ecr.batch_delete_image(repositoryName=repository,
                                  imageIds=[image_id(digest="sha256:not-hex")])
    assert resp["imageIds"] == []
    assert [f["failureCode"] for f in resp["failures"]] in (["InvalidImageDigest"], ["ImageNotFound"])
    assert image_digests(ecr, repository) == {keep.digest}


def test_deleted_image_can_be_pushed_again(ecr, repository):
    image = push_image(ecr, repository, "v1")
    ecr.batch_delete_image(repositoryName=repository, imageIds=[image_id(digest=image.digest)])
    resp = put_manifest(ecr, repository, image.manifest, "v1")
    assert resp["image"]["imageId"]["imageDigest"] == image.digest


def test_delete_in_missing_repository(ecr):
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.batch_delete_image(repositoryName=repository_name("missing"), imageIds=[image_id(tag="a")])


# -- ListImages and DescribeImages -------------------------------------------------------

@pytest.fixture
def three_images(ecr, repository):
    """a: tags x, y; b: tag z; c: untagged."""
    a = push_image(ecr, repository, "x")
    put_manifest(ecr, repository, a.manifest, "y")
    b = push_image(ecr, repository, "z")
    c = push_image(ecr, repository)
    return a, b, c


def test_list_images_one_entry_per_tag(ecr, repository, three_images):
    a, b, c = three_images
    key = lambda i: (i["imageDigest"], i.get("imageTag", ""))  # noqa: E731
    assert sorted(list_images(ecr, repository), key=key) == sorted([
        {"imageDigest": a.digest, "imageTag": "x"}, {"imageDigest": a.digest, "imageTag": "y"},
        {"imageDigest": b.digest, "imageTag": "z"}, {"imageDigest": c.digest}], key=key)
    tagged = list_images(ecr, repository, filter={"tagStatus": "TAGGED"})
    assert sorted(i["imageTag"] for i in tagged) == ["x", "y", "z"]
    assert list_images(ecr, repository, filter={"tagStatus": "UNTAGGED"}) == [{"imageDigest": c.digest}]
    assert len(list_images(ecr, repository, filter={"tagStatus": "ANY"})) == 4


def test_list_images_pages(ecr, repository, three_images):
    everything = list_images(ecr, repository)
    paged = list_images(ecr, repository, maxResults=1)
    assert sorted(map(json.dumps, paged)) == sorted(map(json.dumps, everything))
    first = ecr.list_images(repositoryName=repository, maxResults=2)
    assert len(first["imageIds"]) == 2 and first.get("nextToken")



@pytest.mark.parametrize("listed_first", [0, 1], ids=["delete-the-listed-entry", "delete-another-entry"])
def test_list_images_pages_survive_a_deletion_between_pages(ecr, repository, three_images, listed_first):
    everything = list_images(ecr, repository)
    first = ecr.list_images(repositoryName=repository, maxResults=1)
    assert first["imageIds"] == everything[:1] and first.get("nextToken")
    gone = everything[listed_first]
    # By tag only that tag goes; an id naming the digest would take every tag of the image with it.
    by = {"imageTag": gone["imageTag"]} if "imageTag" in gone else gone
    assert ecr.batch_delete_image(repositoryName=repository, imageIds=[by])["failures"] == []
    rest, token = [], first["nextToken"]
    while token:
        resp = ecr.list_images(repositoryName=repository, maxResults=1, nextToken=token)
        rest += resp["imageIds"]
        token = resp.get("nextToken")
    # Every entry not deleted comes exactly once; the deleted one does not come back.
    expected = [entry for entry in everything[1:] if entry != gone]
    assert rest == expected


def test_describe_images_filters_and_pages(ecr, repository, three_images):
    a, b, c = three_images
    assert image_digests(ecr, repository) == {a.digest, b.digest, c.digest}
    assert image_digests(ecr, repository, filter={"tagStatus": "TAGGED"}) == {a.digest, b.digest}
    assert image_digests(ecr, repository, filter={"tagStatus": "UNTAGGED"}) == {c.digest}
    paged = describe_images(ecr, repository, maxResults=1)
    assert sorted(d["imageDigest"] for d in paged) == sorted([a.digest, b.digest, c.digest])
    assert sorted(detail(ecr, repository, image_id(tag="y"))["imageTags"]) == ["x", "y"]


def test_describe_images_by_ids_with_a_missing_one(ecr, repository, three_images):
    a, _, _ = three_images
    with expect_ecr_error("ImageNotFoundException"):
        ecr.describe_images(repositoryName=repository,
                            imageIds=[image_id(digest=a.digest), image_id(tag="nope")])


def test_describe_images_ids_with_max_results(ecr, repository, three_images):
    with expect_ecr_error("InvalidParameterException"):
        ecr.describe_images(repositoryName=repository, imageIds=[image_id(tag="x")], maxResults=5)


def test_describe_images_of_empty_repository(ecr, repository):
    resp = ecr.describe_images(repositoryName=repository)
    assert resp["imageDetails"] == [] and "nextToken" not in resp


def test_describe_and_list_in_missing_repository(ecr):
    name = repository_name("missing")
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.describe_images(repositoryName=name)
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.list_images(repositoryName=name)


# -- storage class ----------------------------------------------------------------------

def test_archive_and_restore(ecr, repository):
    image = push_image(ecr, repository, "cold")
    keep = push_image(ecr, repository, "warm")
    resp = ecr.update_image_storage_class(repositoryName=repository, imageId=image_id(tag="cold"),
                                          targetStorageClass="ARCHIVE")
    assert resp["imageId"]["imageDigest"] == image.digest
    assert resp["imageStatus"] == "ARCHIVED"
    # "If not specified, only images with ACTIVE status are returned."
    assert image_digests(ecr, repository) == {keep.digest}
    archived = describe_images(ecr, repository, filter={"imageStatus": "ARCHIVED"})
    assert [d["imageDigest"] for d in archived] == [image.digest]
    assert archived[0]["imageStatus"] == "ARCHIVED"
    assert_recent(archived[0]["lastArchivedAt"])
    assert image_digests(ecr, repository, filter={"imageStatus": "ANY"}) == {image.digest, keep.digest}
    assert [i["imageDigest"] for i in list_images(ecr, repository, filter={"imageStatus": "ARCHIVED"})] \
        == [image.digest]
    # An archived image cannot be pulled or scanned until it is restored.
    pulled = ecr.batch_get_image(repositoryName=repository, imageIds=[image_id(tag="cold")])
    assert pulled["images"] == []
    assert [f["failureCode"] for f in pulled["failures"]] == ["ImageInaccessible"]
    with expect_ecr_error("ImageArchivedException"):
        ecr.start_image_scan(repositoryName=repository, imageId=image_id(digest=image.digest))

    back = ecr.update_image_storage_class(repositoryName=repository,
                                          imageId=image_id(digest=image.digest),
                                          targetStorageClass="STANDARD")
    assert back["imageStatus"] in ("ACTIVATING", "ACTIVE")
    wait_until(lambda: image.digest in image_digests(ecr, repository), 30, 0.5, "image ACTIVE again")
    assert get_manifest(ecr, repository, image_id(tag="cold"))["imageManifest"] == image.manifest


def test_storage_class_of_missing_image(ecr, repository):
    push_image(ecr, repository, "v1")
    with expect_ecr_error("ImageNotFoundException"):
        ecr.update_image_storage_class(repositoryName=repository, imageId=image_id(tag="nope"),
                                       targetStorageClass="ARCHIVE")


# -- scanning, replication, signing (no vulnerability database, no other regions) ---------

def test_scan_ends_saying_there_is_no_vulnerability_database(ecr, repository):
    image = push_image(ecr, repository, "v1")
    with expect_ecr_error("ScanNotFoundException"):
        ecr.describe_image_scan_findings(repositoryName=repository, imageId=image_id(tag="v1"))
    started = ecr.start_image_scan(repositoryName=repository, imageId=image_id(tag="v1"))
    assert started["imageId"]["imageDigest"] == image.digest
    assert started["registryId"] == ONE and started["repositoryName"] == repository

    def finished():
        resp = ecr.describe_image_scan_findings(repositoryName=repository,
                                                imageId=image_id(digest=image.digest))
        return resp if resp["imageScanStatus"]["status"] not in ("IN_PROGRESS", "PENDING") else None
    resp = wait_until(finished, 30, 0.3, "scan finished")
    status = resp["imageScanStatus"]
    assert status["status"] in ("COMPLETE", "FAILED"), status
    assert "vulnerability database" in status["description"].lower(), status
    findings = resp.get("imageScanFindings", {})
    assert findings.get("findings", []) == []
    assert findings.get("enhancedFindings", []) == []
    assert not findings.get("findingSeverityCounts")


def test_scan_of_missing_image(ecr, repository):
    push_image(ecr, repository, "v1")
    with expect_ecr_error("ImageNotFoundException"):
        ecr.start_image_scan(repositoryName=repository, imageId=image_id(tag="nope"))


def test_replication_and_signing_status(ecr, repository):
    image = push_image(ecr, repository, "v1")
    rep = ecr.describe_image_replication_status(repositoryName=repository, imageId=image_id(tag="v1"))
    assert rep["imageId"]["imageDigest"] == image.digest
    assert rep["replicationStatuses"] == []
    sig = ecr.describe_image_signing_status(repositoryName=repository, imageId=image_id(tag="v1"))
    assert sig["imageId"]["imageDigest"] == image.digest
    assert sig["signingStatuses"] == []
    with expect_ecr_error("ImageNotFoundException"):
        ecr.describe_image_replication_status(repositoryName=repository, imageId=image_id(tag="nope"))


def test_layers_are_shared_between_images(ecr, repository):
    shared = layer_blobs(1)[0]
    a = push_image(ecr, repository, "a", blobs=[shared])
    b = push_image(ecr, repository, "b", blobs=[shared, *layer_blobs(1)])
    ecr.batch_delete_image(repositoryName=repository, imageIds=[image_id(tag="a")])
    resp = ecr.get_download_url_for_layer(repositoryName=repository, layerDigest=shared.digest)
    import requests
    assert requests.get(resp["downloadUrl"], timeout=30).content == shared.data
    assert image_digests(ecr, repository) == {b.digest}
    assert a.digest != b.digest
