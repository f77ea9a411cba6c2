"""ECR layer uploads (docs/aws/ecr.md#layer-upload, #download-url): InitiateLayerUpload, UploadLayerPart,
CompleteLayerUpload, BatchCheckLayerAvailability and GetDownloadUrlForLayer, working paths and
every refusal; after each refusal the state is checked unchanged (availability, the byte an
upload continues from)."""

import time
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from ecr_helpers import (
    KiB, MAX_LAYER, MAX_PARTS, MIN_PART, MiB, ONE, PART_SIZE, UUID_RE, complete, download_url,
    expect_ecr_error, fetch, initiate, is_available, last_valid_byte, layer_availability,
    push_image, random_layer, repository_name, sha256_digest, unknown_digest, upload_layer,
    upload_part, upload_parts, Blob, DOCKER_LAYER)
from tessera_server import TEST_ACCOUNTS, make_client

TOO_SMALL = "All layer parts except the last part should be at least 5MB"  # [real] docs/aws/ecr.md#errors


def not_found_message(name, account=ONE):
    return f"The repository with name '{name}' does not exist in the registry with id '{account}'"


@pytest.fixture
def other_repository(ecr):
    name = repository_name("other")
    ecr.create_repository(repositoryName=name)
    yield name
    ecr.delete_repository(repositoryName=name, force=True)


# -- InitiateLayerUpload ----------------------------------------------------------------

def test_initiate_returns_upload_id_and_part_size(ecr, repository):
    resp = ecr.initiate_layer_upload(repositoryName=repository)
    assert UUID_RE.match(resp["uploadId"]), resp
    assert resp["partSize"] == PART_SIZE
    again = ecr.initiate_layer_upload(repositoryName=repository)
    assert again["uploadId"] != resp["uploadId"]


def test_initiate_in_missing_repository(ecr):
    name = repository_name("missing")
    with expect_ecr_error("RepositoryNotFoundException", message=not_found_message(name)):
        ecr.initiate_layer_upload(repositoryName=name)


# -- the working path -------------------------------------------------------------------

def test_single_small_part(ecr, repository):
    data = random_layer(137)  # [real]: a 137-byte single part is accepted
    upload_id = initiate(ecr, repository)
    part = upload_part(ecr, repository, upload_id, data, 0)
    assert part["registryId"] == ONE
    assert part["repositoryName"] == repository
    assert part["uploadId"] == upload_id
    assert part["lastByteReceived"] == 136
    done = complete(ecr, repository, upload_id, sha256_digest(data))
    assert done == {**done, "registryId": ONE, "repositoryName": repository, "uploadId": upload_id,
                    "layerDigest": sha256_digest(data)}


def test_completed_layer_is_available_before_any_image(ecr, repository):
    data = random_layer(3 * KiB)
    digest = upload_layer(ecr, repository, data)["layerDigest"]
    layer = layer_availability(ecr, repository, [digest])[digest]
    assert layer["layerAvailability"] == "AVAILABLE"
    assert layer["layerSize"] == len(data)


def test_several_parts_of_exactly_5_mib_then_a_small_last_part(ecr, repository):
    data = random_layer(2 * MIN_PART + 1000)
    upload_id = initiate(ecr, repository)
    assert upload_parts(ecr, repository, upload_id, data, MIN_PART) == len(data) - 1
    done = complete(ecr, repository, upload_id, sha256_digest(data))
    assert done["layerDigest"] == sha256_digest(data)
    assert layer_availability(ecr, repository, [done["layerDigest"]])[done["layerDigest"]][
        "layerSize"] == len(data)
    image = push_image(ecr, repository, "big", blobs=[Blob(data, DOCKER_LAYER)])
    assert fetch(download_url(ecr, repository, image.layers[0].digest)).content == data


def test_parts_of_any_size_between_5_and_20_mib(ecr, repository):
    sizes = [MIN_PART + 1, PART_SIZE, 7 * MiB + 3]
    data = random_layer(sum(sizes))
    upload_id = initiate(ecr, repository)
    first = 0
    for size in sizes:
        resp = upload_part(ecr, repository, upload_id, data[first:first + size], first)
        first += size
        assert resp["lastByteReceived"] == first - 1
    assert complete(ecr, repository, upload_id, sha256_digest(data))["layerDigest"] == \
        sha256_digest(data)


def test_uploads_of_one_repository_are_independent(ecr, repository):
    a, b = random_layer(100), random_layer(200)
    up_a, up_b = initiate(ecr, repository), initiate(ecr, repository)
    upload_part(ecr, repository, up_a, a, 0)
    upload_part(ecr, repository, up_b, b, 0)
    assert complete(ecr, repository, up_b, sha256_digest(b))["layerDigest"] == sha256_digest(b)
    assert complete(ecr, repository, up_a, sha256_digest(a))["layerDigest"] == sha256_digest(a)


# -- UploadLayerPart refusals -----------------------------------------------------------

def test_first_part_not_at_zero(ecr, repository):
    upload_id = initiate(ecr, repository)
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(ecr, repository, upload_id, random_layer(10), 5)
    assert err["lastValidByteReceived"] == -1
    assert err.body["lastValidByteReceived"] == -1  # a number on the wire
    data = random_layer(10)
    assert upload_part(ecr, repository, upload_id, data, 0)["lastByteReceived"] == 9
    assert complete(ecr, repository, upload_id, sha256_digest(data))["layerDigest"] == sha256_digest(data)


def test_invalid_part_error_names_the_upload(ecr, repository):
    upload_id = initiate(ecr, repository)
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(ecr, repository, upload_id, random_layer(10), 5)
    assert err["uploadId"] == upload_id
    assert err["repositoryName"] == repository
    assert err["registryId"] == ONE


@pytest.mark.parametrize("first", [200, 50, 0, 99], ids=["gap", "overlap", "restart", "last-byte"])
def test_part_not_following_the_last_byte(ecr, repository, first):
    data = random_layer(200)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data[:100], 0)
    upload_part(ecr, repository, upload_id, data[100:150], 100)
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(ecr, repository, upload_id, random_layer(100), first)
    assert err["lastValidByteReceived"] == 149
    assert last_valid_byte(ecr, repository, upload_id) == 149


@pytest.mark.parametrize("first, last, size", [(0, 98, 100), (0, 100, 100), (0, 0, 100)],
                         ids=["range-short", "range-long", "one-byte-range"])
def test_length_differs_from_range_on_an_empty_upload(ecr, repository, first, last, size):
    upload_id = initiate(ecr, repository)
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(ecr, repository, upload_id, random_layer(size), first, last)
    assert err["lastValidByteReceived"] == -1
    data = random_layer(size)
    assert upload_part(ecr, repository, upload_id, data, 0)["lastByteReceived"] == size - 1


def test_length_differs_from_range_after_a_part(ecr, repository):
    data = random_layer(300)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data[:100], 0)
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(ecr, repository, upload_id, data[100:300], 100, 249)
    assert err["lastValidByteReceived"] == 99
    upload_part(ecr, repository, upload_id, data[100:], 100)
    assert last_valid_byte(ecr, repository, upload_id) == 299


def test_last_byte_before_first_byte(ecr, repository):
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, random_layer(10), 0)
    with expect_ecr_error(("InvalidLayerPartException", "InvalidParameterException")):
        upload_part(ecr, repository, upload_id, b"", 10, 9)
    assert last_valid_byte(ecr, repository, upload_id) == 9


def test_retry_of_the_last_part_with_identical_bytes_succeeds(ecr, repository):
    data = random_layer(100)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data, 0)
    again = upload_part(ecr, repository, upload_id, data, 0)
    assert again["lastByteReceived"] == 99
    assert last_valid_byte(ecr, repository, upload_id) == 99
    done = complete(ecr, repository, upload_id, sha256_digest(data))
    assert done["layerDigest"] == sha256_digest(data)
    assert layer_availability(ecr, repository, [done["layerDigest"]])[done["layerDigest"]][
        "layerSize"] == 100


def test_retry_of_the_last_of_several_parts_succeeds(ecr, repository):
    data = random_layer(150)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data[:100], 0)
    upload_part(ecr, repository, upload_id, data[100:], 100)
    assert upload_part(ecr, repository, upload_id, data[100:], 100)["lastByteReceived"] == 149
    assert last_valid_byte(ecr, repository, upload_id) == 149


def test_retry_of_the_last_part_with_other_bytes_is_refused(ecr, repository):
    data, other = random_layer(100), random_layer(100)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data, 0)
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(ecr, repository, upload_id, other, 0)
    assert err["lastValidByteReceived"] == 99
    assert complete(ecr, repository, upload_id, sha256_digest(data))["layerDigest"] == sha256_digest(data)
    assert not is_available(ecr, repository, sha256_digest(other))


def test_retry_of_an_earlier_part_is_refused(ecr, repository):
    data = random_layer(200)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data[:100], 0)
    upload_part(ecr, repository, upload_id, data[100:], 100)
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(ecr, repository, upload_id, data[:100], 0)
    assert err["lastValidByteReceived"] == 199


def test_part_for_unknown_upload(ecr, repository):
    with expect_ecr_error("UploadNotFoundException"):
        upload_part(ecr, repository, str(uuid.uuid4()), random_layer(10), 0)


def test_part_for_malformed_upload_id(ecr, repository):
    with expect_ecr_error(("UploadNotFoundException", "InvalidParameterException")):
        upload_part(ecr, repository, "not-an-upload-id", random_layer(10), 0)


def test_part_for_another_repositorys_upload(ecr, repository, other_repository):
    upload_id = initiate(ecr, other_repository)
    with expect_ecr_error("UploadNotFoundException"):
        upload_part(ecr, repository, upload_id, random_layer(10), 0)
    data = random_layer(10)
    assert upload_part(ecr, other_repository, upload_id, data, 0)["lastByteReceived"] == 9
    with expect_ecr_error("UploadNotFoundException"):
        complete(ecr, repository, upload_id, sha256_digest(data))
    assert complete(ecr, other_repository, upload_id, sha256_digest(data))["layerDigest"] == \
        sha256_digest(data)
    assert not is_available(ecr, repository, sha256_digest(data))


def test_part_in_missing_repository(ecr, repository):
    upload_id = initiate(ecr, repository)
    name = repository_name("missing")
    with expect_ecr_error("RepositoryNotFoundException"):
        upload_part(ecr, name, upload_id, random_layer(10), 0)
    assert last_valid_byte(ecr, repository, upload_id) == -1


@pytest.mark.slow
def test_4201st_part_is_over_the_limit(ecr, repository):
    """4,200 one-byte parts are accepted, the 4,201st is LimitExceededException (docs/aws/ecr.md#quotas)."""
    upload_id = initiate(ecr, repository)
    start = time.monotonic()
    for i in range(MAX_PARTS):
        resp = upload_part(ecr, repository, upload_id, b"x", i)
    assert resp["lastByteReceived"] == MAX_PARTS - 1
    with expect_ecr_error("LimitExceededException"):
        upload_part(ecr, repository, upload_id, b"x", MAX_PARTS)
    assert last_valid_byte(ecr, repository, upload_id) == MAX_PARTS - 1
    print(f"{MAX_PARTS + 1} parts in {time.monotonic() - start:.1f} s")


@pytest.mark.parametrize("before", [0, 10], ids=["empty-upload", "after-a-part"])
@pytest.mark.parametrize("beyond", [1, 10 * MAX_LAYER], ids=["one-byte-over", "far-over"])
def test_range_past_the_layer_size_limit_fails_and_changes_nothing(ecr, repository, before, beyond):
    upload_id = initiate(ecr, repository)
    head = random_layer(before)
    if before:
        upload_part(ecr, repository, upload_id, head, 0)
    with expect_ecr_error(("LimitExceededException", "InvalidLayerPartException")) as err:
        upload_part(ecr, repository, upload_id, random_layer(10), before, MAX_LAYER - 1 + beyond)
    if err.code == "InvalidLayerPartException":
        assert err["lastValidByteReceived"] == before - 1
    assert last_valid_byte(ecr, repository, upload_id) == before - 1
    tail = random_layer(10)
    assert upload_part(ecr, repository, upload_id, tail, before)["lastByteReceived"] == before + 9
    if not before:  # with a 10-byte head the parts are too small to complete
        assert complete(ecr, repository, upload_id, sha256_digest(tail))["layerDigest"] == \
            sha256_digest(tail)


# -- CompleteLayerUpload refusals -------------------------------------------------------

@pytest.mark.parametrize("sizes", [
    (100, 100),
    pytest.param((MIN_PART - 1, 10), marks=pytest.mark.slow),
    pytest.param((MIN_PART, 100, 100), marks=pytest.mark.slow),
], ids=["tiny-parts", "one-byte-under-5-mib", "small-middle-part"])
def test_non_final_part_under_5_mib_is_too_small(ecr, repository, sizes):
    data = random_layer(sum(sizes))
    upload_id = initiate(ecr, repository)
    first = 0
    for size in sizes:
        upload_part(ecr, repository, upload_id, data[first:first + size], first)
        first += size
    with expect_ecr_error("LayerPartTooSmallException", message=TOO_SMALL):
        complete(ecr, repository, upload_id, sha256_digest(data))
    assert not is_available(ecr, repository, sha256_digest(data))
    assert last_valid_byte(ecr, repository, upload_id) == len(data) - 1  # the upload is still open


def test_wrong_digest_is_invalid_layer_and_nothing_is_stored(ecr, repository):
    data = random_layer(1000)
    claimed = sha256_digest(random_layer(1000))
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data, 0)
    with expect_ecr_error("InvalidLayerException"):
        complete(ecr, repository, upload_id, claimed)
    availability = layer_availability(ecr, repository, [claimed, sha256_digest(data)])
    assert availability[claimed]["layerAvailability"] == "UNAVAILABLE"
    assert availability[sha256_digest(data)]["layerAvailability"] == "UNAVAILABLE"
    assert "layerSize" not in availability[claimed]


@pytest.mark.parametrize("digest", ["sha256:xyz", "md5:" + "0" * 32, "sha256:" + "0" * 63, "nodigest"])
def test_malformed_digest_at_completion(ecr, repository, digest):
    data = random_layer(100)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data, 0)
    with expect_ecr_error(("InvalidLayerException", "InvalidParameterException")):
        complete(ecr, repository, upload_id, digest)
    assert not is_available(ecr, repository, sha256_digest(data))


def test_layer_already_exists_after_verification(ecr, repository):
    data = random_layer(500)
    upload_layer(ecr, repository, data)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data, 0)
    with expect_ecr_error("LayerAlreadyExistsException"):
        complete(ecr, repository, upload_id, sha256_digest(data))
    layer = layer_availability(ecr, repository, [sha256_digest(data)])[sha256_digest(data)]
    assert layer["layerAvailability"] == "AVAILABLE" and layer["layerSize"] == 500


def test_digest_is_verified_before_already_exists(ecr, repository):
    existing = random_layer(500)
    upload_layer(ecr, repository, existing)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, random_layer(500), 0)  # other bytes
    with expect_ecr_error("InvalidLayerException"):
        complete(ecr, repository, upload_id, sha256_digest(existing))
    assert is_available(ecr, repository, sha256_digest(existing))


def test_same_layer_in_another_repository_is_uploaded_normally(ecr, repository, other_repository):
    data = random_layer(700)
    upload_layer(ecr, repository, data)
    assert not is_available(ecr, other_repository, sha256_digest(data))
    assert upload_layer(ecr, other_repository, data)["layerDigest"] == sha256_digest(data)
    assert is_available(ecr, other_repository, sha256_digest(data))


def test_empty_upload(ecr, repository):
    upload_id = initiate(ecr, repository)
    with expect_ecr_error("EmptyUploadException"):
        complete(ecr, repository, upload_id, sha256_digest(b""))
    data = random_layer(10)
    upload_part(ecr, repository, upload_id, data, 0)
    assert complete(ecr, repository, upload_id, sha256_digest(data))["layerDigest"] == sha256_digest(data)


def test_complete_unknown_upload(ecr, repository):
    with expect_ecr_error("UploadNotFoundException"):
        complete(ecr, repository, str(uuid.uuid4()), unknown_digest())


def test_completed_upload_id_is_consumed(ecr, repository):
    data = random_layer(100)
    upload_id = initiate(ecr, repository)
    upload_part(ecr, repository, upload_id, data, 0)
    complete(ecr, repository, upload_id, sha256_digest(data))
    with expect_ecr_error("UploadNotFoundException"):
        upload_part(ecr, repository, upload_id, random_layer(10), 100)
    with expect_ecr_error("UploadNotFoundException"):
        complete(ecr, repository, upload_id, sha256_digest(data))


# -- BatchCheckLayerAvailability ---------------------------------------------------------

def test_batch_check_mixed(ecr, repository):
    data = random_layer(321)
    present = upload_layer(ecr, repository, data)["layerDigest"]
    absent = unknown_digest()
    resp = ecr.batch_check_layer_availability(
        repositoryName=repository, layerDigests=[present, absent, "not-a-digest", ""])
    layers = {l["layerDigest"]: l for l in resp["layers"]}
    assert set(layers) == {present, absent}
    assert layers[present]["layerAvailability"] == "AVAILABLE"
    assert layers[present]["layerSize"] == 321
    assert layers[absent] == {"layerDigest": absent, "layerAvailability": "UNAVAILABLE"}
    failures = {f["layerDigest"]: f for f in resp["failures"]}
    assert failures["not-a-digest"]["failureCode"] == "InvalidLayerDigest"
    assert failures[""]["failureCode"] == "MissingLayerDigest"
    assert all(f.get("failureReason") for f in resp["failures"])


def test_batch_check_in_missing_repository(ecr):
    name = repository_name("missing")
    with expect_ecr_error("RepositoryNotFoundException", message=not_found_message(name)):
        ecr.batch_check_layer_availability(repositoryName=name, layerDigests=[unknown_digest()])


# -- GetDownloadUrlForLayer --------------------------------------------------------------

def tamper(url: str) -> str:
    """Change one character of the URL's token: the longest query value, else the last path segment."""
    parts = urlsplit(url)
    flip = lambda c: {"0": "1", "a": "b", "A": "B"}.get(c, "0" if c != "0" else "1")  # noqa: E731
    query = parse_qsl(parts.query, keep_blank_values=True)
    if query:
        i = max(range(len(query)), key=lambda k: len(query[k][1]))
        name, value = query[i]
        query[i] = (name, value[:-1] + flip(value[-1]))
        return urlunsplit(parts._replace(query=urlencode(query)))
    head, _, last = parts.path.rpartition("/")
    mid = len(last) // 2
    return urlunsplit(parts._replace(path=f"{head}/{last[:mid]}{flip(last[mid])}{last[mid + 1:]}"))


def test_download_url_serves_the_layer(tessera, ecr, repository):
    image = push_image(ecr, repository, "v1", layers=2, layer_size=4 * KiB)
    layer = image.layers[0]
    url = download_url(ecr, repository, layer.digest)
    assert url.startswith(tessera.endpoint + "/"), url
    resp = fetch(url)
    assert resp.status_code == 200
    assert resp.content == layer.data

    ranged = fetch(url, Range="bytes=10-19")
    assert ranged.status_code == 206
    assert ranged.content == layer.data[10:20]
    assert ranged.headers["Content-Range"] == f"bytes 10-19/{layer.size}"
    # The range unit is case-insensitive (RFC 9110 section 14.1).
    capitalised = fetch(url, Range="Bytes=10-19")
    assert capitalised.status_code == 206 and capitalised.content == layer.data[10:20]

    config = fetch(download_url(ecr, repository, image.config.digest))
    assert config.status_code == 200 and config.content == image.config.data


def test_tampered_download_url_serves_nothing(ecr, repository):
    image = push_image(ecr, repository, "v1", layers=2, layer_size=4 * KiB)
    first, second = image.layers
    url = download_url(ecr, repository, first.digest)
    bad = fetch(tamper(url))
    assert bad.status_code in (403, 404), (bad.status_code, bad.text[:200])
    assert first.data not in bad.content and second.data not in bad.content

    first_hex, second_hex = first.digest.split(":")[1], second.digest.split(":")[1]
    if first_hex in url:
        swapped = fetch(url.replace(first_hex, second_hex))
        assert swapped.status_code in (403, 404), swapped.status_code
        assert second.data not in swapped.content and first.data not in swapped.content
    assert fetch(url).content == first.data  # the genuine URL still works


def test_download_url_of_unknown_layer(ecr, repository):
    push_image(ecr, repository, "v1")
    with expect_ecr_error("LayersNotFoundException"):
        ecr.get_download_url_for_layer(repositoryName=repository, layerDigest=unknown_digest())


def test_download_url_of_layer_no_image_references(ecr, repository):
    digest = upload_layer(ecr, repository, random_layer(100))["layerDigest"]
    with expect_ecr_error("LayerInaccessibleException"):
        ecr.get_download_url_for_layer(repositoryName=repository, layerDigest=digest)


def test_download_url_of_another_repositorys_layer(ecr, repository, other_repository):
    image = push_image(ecr, other_repository, "v1")
    with expect_ecr_error("LayersNotFoundException"):
        ecr.get_download_url_for_layer(repositoryName=repository, layerDigest=image.layers[0].digest)


def test_download_url_in_missing_repository(ecr):
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.get_download_url_for_layer(repositoryName=repository_name("missing"),
                                       layerDigest=unknown_digest())


# -- unfinished uploads expire -----------------------------------------------------------

@pytest.mark.slow
def test_unfinished_upload_expires(server_factory):
    server = server_factory("tessera-upload-expiry", extra_args=[
        "--upload-expiry", "2", "--gc-interval", "1", "--gc-grace", "1"]).start()
    ecr = make_client(server.endpoint, TEST_ACCOUNTS["one"], "ecr")
    repo = repository_name("expiry")
    ecr.create_repository(repositoryName=repo)
    kept = upload_layer(ecr, repo, random_layer(100))["layerDigest"]
    upload_id = initiate(ecr, repo)
    upload_part(ecr, repo, upload_id, random_layer(100), 0)
    time.sleep(3.5)

    def expired():
        # A part whose length does not match its range: refused while the upload lives
        # (InvalidLayerPartException, nothing changes), UploadNotFoundException once it expired.
        try:
            upload_part(ecr, repo, upload_id, random_layer(10), 100, 200)
        except Exception as exc:  # noqa: BLE001
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            assert code in ("InvalidLayerPartException", "UploadNotFoundException"), exc
            return code == "UploadNotFoundException"
        raise AssertionError("a part whose length differs from its range was accepted")
    deadline = time.monotonic() + 10
    while not expired():
        assert time.monotonic() < deadline, "the unfinished upload did not expire"
        time.sleep(0.5)
    with pytest.raises(Exception) as excinfo:
        complete(ecr, repo, upload_id, unknown_digest())
    assert excinfo.value.response["Error"]["Code"] == "UploadNotFoundException"
    assert is_available(ecr, repo, kept)  # completed layers are not uploads
    fresh = random_layer(50)
    assert upload_layer(ecr, repo, fresh)["layerDigest"] == sha256_digest(fresh)
