"""Glacier multipart uploads, the failure paths (docs/aws/glacier.md#initiatemultipartupload to
#completemultipartupload).

Every failed completion must leave the upload open: each test then completes it correctly.
"""

import pytest

from glacier_helpers import (
    GiB, MiB, complete, content_range, expect_error, expect_status, initiate, part_ranges,
    random_bytes, retrieve_archive, status_of, tree_hash, upload_part, upload_parts)

BAD = "InvalidParameterValueException"


def put_part(client, up, first, last, body, checksum=None):
    return client.upload_multipart_part(
        vaultName=up.vault, uploadId=up.upload_id, range=content_range(first, last), body=body,
        checksum=checksum if checksum is not None else tree_hash(body))


def ranges_listed(client, up):
    return [p["RangeInBytes"] for p in
            client.list_parts(vaultName=up.vault, uploadId=up.upload_id)["Parts"]]


def finish_correctly(client, up, data):
    resp = complete(client, up, len(data), tree_hash(data))
    assert status_of(resp) == 201 and resp["checksum"] == tree_hash(data)
    _, _, body = retrieve_archive(client, up.vault, resp["archiveId"])
    assert body == data
    return resp


# -- initiate -------------------------------------------------------------------------

@pytest.mark.parametrize("part_size", [
    "0", "1000", str(512 * 1024), str(3 * MiB), str(MiB + 1), str(8 * GiB), str(4 * GiB + MiB),
    "-1048576", "abc", "1048576.0",
])
def test_invalid_part_size_is_rejected(glacier, vault, part_size):
    expect_error(lambda: glacier.initiate_multipart_upload(vaultName=vault, partSize=part_size),
                 BAD, 400)
    assert glacier.list_multipart_uploads(vaultName=vault)["UploadsList"] == []


def test_missing_part_size_is_rejected(glacier, vault):
    expect_status(lambda: glacier.initiate_multipart_upload(vaultName=vault), 400)
    assert glacier.list_multipart_uploads(vaultName=vault)["UploadsList"] == []


# -- parts ----------------------------------------------------------------------------

@pytest.mark.parametrize("first,last", [
    (1, MiB),                        # start not on a part boundary
    (MiB // 2, MiB + MiB // 2 - 1),  # half a part in
    (0, 2 * MiB - 1),                # longer than the part size
])
def test_misaligned_or_oversized_range_is_rejected(glacier, vault, first, last):
    up = initiate(glacier, vault, MiB)
    body = random_bytes(last - first + 1)
    expect_error(lambda: put_part(glacier, up, first, last, body), BAD, 400)
    assert ranges_listed(glacier, up) == []


@pytest.mark.parametrize("header", ["bytes=0-99", "garbage", "bytes 99-0/*", "bytes 0-/*"])
def test_malformed_content_range_is_rejected(glacier, vault, header):
    up = initiate(glacier, vault, MiB)
    expect_error(lambda: glacier.upload_multipart_part(
        vaultName=vault, uploadId=up.upload_id, range=header, body=b"x" * 100), BAD, 400)
    assert ranges_listed(glacier, up) == []


@pytest.mark.parametrize("length", [1000, MiB - 1])
def test_body_length_differs_from_range(glacier, vault, length):
    up = initiate(glacier, vault, MiB)
    body = random_bytes(length)
    expect_error(lambda: put_part(glacier, up, 0, MiB - 1, body), BAD, 400,
                 message=f"Content-Range: bytes 0-{MiB - 1}/* is incompatible with "
                         f"Content-Length: {length}")
    assert ranges_listed(glacier, up) == []


def test_wrong_part_tree_hash_is_mismatch_and_part_not_listed(glacier, vault):
    up = initiate(glacier, vault, MiB)
    data = random_bytes(2 * MiB)
    upload_part(glacier, up, data, 0)
    body = data[MiB:]
    wrong = tree_hash(b"not this part")
    expect_error(lambda: put_part(glacier, up, MiB, 2 * MiB - 1, body, checksum=wrong), BAD, 400,
                 message=f"Checksum mismatch: expected {wrong}, computed {tree_hash(body)}")
    assert ranges_listed(glacier, up) == [f"0-{MiB - 1}"]
    upload_part(glacier, up, data, MiB)
    finish_correctly(glacier, up, data)


def test_failed_overwrite_keeps_the_previous_part(glacier, vault):
    up = initiate(glacier, vault, MiB)
    data = random_bytes(MiB)
    upload_part(glacier, up, data, 0)
    other = random_bytes(MiB)
    expect_error(lambda: put_part(glacier, up, 0, MiB - 1, other, checksum="0" * 64), BAD, 400)
    parts = glacier.list_parts(vaultName=vault, uploadId=up.upload_id)["Parts"]
    assert [(p["RangeInBytes"], p["SHA256TreeHash"]) for p in parts] == \
        [(f"0-{MiB - 1}", tree_hash(data))]
    finish_correctly(glacier, up, data)


@pytest.mark.parametrize("bad", ["xyz", "0" * 63, "Z" * 64])
def test_malformed_part_tree_hash(glacier, vault, bad):
    up = initiate(glacier, vault, MiB)
    body = random_bytes(1000)
    expect_error(lambda: put_part(glacier, up, 0, 999, body, checksum=bad), BAD, 400,
                 message=f"Invalid x-amz-sha256-tree-hash: {bad}")
    assert ranges_listed(glacier, up) == []


def test_part_for_unknown_upload_is_404(glacier, vault):
    body = b"x" * 10
    expect_error(lambda: glacier.upload_multipart_part(
        vaultName=vault, uploadId="NoSuchUpload" + "x" * 80, range=content_range(0, 9), body=body),
        "ResourceNotFoundException", 404)


# -- complete -------------------------------------------------------------------------

@pytest.mark.parametrize("delta", [-1, 1, MiB])
def test_complete_with_wrong_size_then_correct(glacier, vault, delta):
    data = random_bytes(3 * MiB)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data)
    expect_error(lambda: complete(glacier, up, len(data) + delta, tree_hash(data)), BAD, 400)
    assert len(ranges_listed(glacier, up)) == 3
    finish_correctly(glacier, up, data)


def test_complete_with_wrong_tree_hash_then_correct(glacier, vault):
    data = random_bytes(2 * MiB + 5)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data)
    expect_error(lambda: complete(glacier, up, len(data), tree_hash(data[:-1])), BAD, 400)
    expect_error(lambda: complete(glacier, up, len(data), "xyz"), BAD, 400,
                 message="Invalid x-amz-sha256-tree-hash: xyz")
    finish_correctly(glacier, up, data)


def test_complete_with_missing_part_then_correct(glacier, vault):
    data = random_bytes(4 * MiB)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data, order=[0, 1, 3])  # part 2 missing
    expect_error(lambda: complete(glacier, up, len(data), tree_hash(data)), BAD, 400)
    upload_parts(glacier, up, data, order=[2])
    finish_correctly(glacier, up, data)


def test_complete_with_missing_last_part_then_correct(glacier, vault):
    data = random_bytes(3 * MiB)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data, order=[0, 1])
    head = data[:2 * MiB]
    # The uploaded parts alone would be a valid archive, but size and hash name all 3 MiB.
    expect_error(lambda: complete(glacier, up, len(data), tree_hash(data)), BAD, 400)
    expect_error(lambda: complete(glacier, up, len(data), tree_hash(head)), BAD, 400)
    upload_parts(glacier, up, data, order=[2])
    finish_correctly(glacier, up, data)


def test_short_middle_part_is_accepted_but_complete_fails(glacier, vault):
    data = random_bytes(3 * MiB)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data, order=[0, 2])
    short = random_bytes(1000)
    assert status_of(put_part(glacier, up, MiB, MiB + 999, short)) == 204
    glued = data[:MiB] + short + data[2 * MiB:]
    expect_error(lambda: complete(glacier, up, len(glued), tree_hash(glued)), BAD, 400)
    upload_parts(glacier, up, data, order=[1])  # full part 1 replaces the short one
    assert ranges_listed(glacier, up) == [f"{a}-{b}" for a, b in part_ranges(len(data), MiB)]
    finish_correctly(glacier, up, data)


def test_complete_with_no_parts_fails(glacier, vault):
    up = initiate(glacier, vault, MiB)
    expect_error(lambda: complete(glacier, up, MiB, tree_hash(random_bytes(MiB))), BAD, 400)
    data = random_bytes(10)
    upload_part(glacier, up, data, 0)
    finish_correctly(glacier, up, data)


def test_repeated_complete_with_other_values_is_refused_and_keeps_the_archive(glacier, vault):
    data = random_bytes(2 * MiB + 5)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data)
    done = complete(glacier, up, len(data), tree_hash(data))
    again = complete(glacier, up, len(data), tree_hash(data))
    assert again["archiveId"] == done["archiveId"] and again["checksum"] == tree_hash(data)
    expect_error(lambda: complete(glacier, up, 5, tree_hash(b"other")), BAD, 400)
    _, _, body = retrieve_archive(glacier, vault, done["archiveId"])
    assert body == data


@pytest.mark.parametrize("listing", ["uploads", "jobs"])
def test_unknown_marker_is_a_bad_parameter(glacier, vault, listing):
    if listing == "uploads":
        call = lambda: glacier.list_multipart_uploads(vaultName=vault, marker="no-such-upload")
    else:
        call = lambda: glacier.list_jobs(vaultName=vault, marker="no-such-job")
    expect_error(call, BAD, 400)


def test_a_part_sent_chunked_without_content_length_is_refused_as_upload_archive_is(tessera, glacier, vault):
    import requests
    from glacier_helpers import API_VERSION, sha256_hex, sigv4_headers
    from tessera_server import TEST_ACCOUNTS
    one = TEST_ACCOUNTS["one"]
    up = initiate(glacier, vault)
    data = random_bytes(MiB, seed=77)
    path = f"/-/vaults/{vault}/multipart-uploads/{up.upload_id}"
    headers = sigv4_headers("PUT", tessera.endpoint + path, one.access_key, one.secret_key, body=data, headers={
        "x-amz-glacier-version": API_VERSION, "x-amz-content-sha256": sha256_hex(data),
        "x-amz-sha256-tree-hash": tree_hash(data), "Content-Range": content_range(0, MiB - 1)})
    # A generator body makes requests use Transfer-Encoding: chunked, with no Content-Length.
    resp = requests.put(tessera.endpoint + path, headers=headers, data=iter([data[:300_000], data[300_000:]]), timeout=30)
    assert resp.status_code == 400, resp.text
    assert resp.json()["code"] == "MissingParameterValueException", resp.text
    assert ranges_listed(glacier, up) == []
