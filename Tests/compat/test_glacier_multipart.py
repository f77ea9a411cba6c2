"""Glacier multipart uploads, the working paths (docs/aws/glacier.md#multipart-uploads).

Errors of parts and completion are in test_glacier_multipart_errors.py.
"""

import pytest

from glacier_helpers import (
    GiB, ID_RE, ISO8601_RE, MiB, complete, expect_error, expect_status, initiate, part_ranges,
    random_bytes, retrieve_archive, status_of, tree_hash, upload_in_parts, upload_part,
    upload_parts, vault_arn)

ONE = "111111111111"


def listed_parts(client, up, limit=None):
    """All parts by hand (following Marker); returns [(RangeInBytes, SHA256TreeHash)]."""
    parts, marker = [], None
    while True:
        kwargs = {"vaultName": up.vault, "uploadId": up.upload_id}
        if limit:
            kwargs["limit"] = str(limit)
        if marker:
            kwargs["marker"] = marker
        resp = client.list_parts(**kwargs)
        parts += [(p["RangeInBytes"], p["SHA256TreeHash"]) for p in resp["Parts"]]
        marker = resp.get("Marker")
        if not marker:
            return parts


def expected_parts(data, part_size):
    return [(f"{a}-{b}", tree_hash(data[a:b + 1])) for a, b in part_ranges(len(data), part_size)]


def test_initiate_returns_upload_id_and_location(glacier, vault):
    resp = glacier.initiate_multipart_upload(vaultName=vault, partSize=str(MiB))
    assert status_of(resp) == 201
    upload_id = resp["uploadId"]
    assert ID_RE.match(upload_id), upload_id
    assert resp["location"] == f"/{ONE}/vaults/{vault}/multipart-uploads/{upload_id}"


@pytest.mark.parametrize("part_size", [MiB, 2 * MiB, 64 * MiB, 1 * GiB, 4 * GiB])
def test_valid_part_sizes(glacier, vault, part_size):
    up = initiate(glacier, vault, part_size)
    resp = glacier.list_parts(vaultName=vault, uploadId=up.upload_id)
    assert resp["PartSizeInBytes"] == part_size
    assert resp["Parts"] == []


def test_list_parts_fields(glacier, vault):
    up = initiate(glacier, vault, MiB, description="nightly backup")
    data = random_bytes(2 * MiB)
    upload_parts(glacier, up, data)
    resp = glacier.list_parts(vaultName=vault, uploadId=up.upload_id)
    assert resp["MultipartUploadId"] == up.upload_id
    assert resp["VaultARN"] == vault_arn(ONE, vault)
    assert resp["ArchiveDescription"] == "nightly backup"
    assert resp["PartSizeInBytes"] == MiB
    assert ISO8601_RE.match(resp["CreationDate"])
    assert resp.get("Marker") is None
    assert [(p["RangeInBytes"], p["SHA256TreeHash"]) for p in resp["Parts"]] == \
        expected_parts(data, MiB)


def test_list_parts_without_description(glacier, vault):
    up = initiate(glacier, vault, MiB)
    assert glacier.list_parts(vaultName=vault, uploadId=up.upload_id).get("ArchiveDescription") is None


def test_parts_out_of_order_then_complete(glacier, vault):
    data = random_bytes(4 * MiB + MiB // 2)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data, order=[3, 0, 4, 2, 1])
    assert listed_parts(glacier, up) == expected_parts(data, MiB)  # sorted by range
    resp = complete(glacier, up, len(data), tree_hash(data))
    assert status_of(resp) == 201
    assert resp["checksum"] == tree_hash(data)
    assert ID_RE.match(resp["archiveId"])
    assert resp["location"] == f"/{ONE}/vaults/{vault}/archives/{resp['archiveId']}"
    _, _, body = retrieve_archive(glacier, vault, resp["archiveId"])
    assert body == data


def test_parts_in_parallel_threads(glacier, vault):
    data = random_bytes(8 * MiB - 1000)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data, order=[7, 1, 5, 3, 0, 6, 2, 4], threads=4)
    assert listed_parts(glacier, up) == expected_parts(data, MiB)
    resp = complete(glacier, up, len(data), tree_hash(data))
    assert resp["checksum"] == tree_hash(data)
    _, _, body = retrieve_archive(glacier, vault, resp["archiveId"])
    assert body == data


def test_reupload_of_a_part_last_write_wins(glacier, vault):
    first = random_bytes(2 * MiB)
    final = first[:MiB] + random_bytes(MiB)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, first)
    upload_part(glacier, up, final, MiB)  # same range, new bytes
    upload_part(glacier, up, final, 0)    # same range, same bytes: idempotent
    assert listed_parts(glacier, up) == expected_parts(final, MiB)
    resp = complete(glacier, up, len(final), tree_hash(final))
    assert resp["checksum"] == tree_hash(final)
    _, _, body = retrieve_archive(glacier, vault, resp["archiveId"])
    assert body == final


def test_list_parts_pagination(glacier, vault):
    data = random_bytes(5 * MiB)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data)
    first = glacier.list_parts(vaultName=vault, uploadId=up.upload_id, limit="2")
    assert len(first["Parts"]) == 2 and first["Marker"]
    assert listed_parts(glacier, up, limit=2) == expected_parts(data, MiB)
    assert listed_parts(glacier, up, limit=1) == expected_parts(data, MiB)
    pages = list(glacier.get_paginator("list_parts").paginate(
        vaultName=vault, uploadId=up.upload_id, PaginationConfig={"PageSize": "2"}))
    assert [len(p["Parts"]) for p in pages] == [2, 2, 1]
    assert [(x["RangeInBytes"], x["SHA256TreeHash"]) for p in pages for x in p["Parts"]] == \
        expected_parts(data, MiB)


def test_list_multipart_uploads_pagination_and_lifecycle(glacier, vault):
    ups = [initiate(glacier, vault, MiB * 2 ** i, description=f"upload {i}") for i in range(3)]
    resp = glacier.list_multipart_uploads(vaultName=vault)
    listed = {u["MultipartUploadId"]: u for u in resp["UploadsList"]}
    assert set(listed) == {u.upload_id for u in ups}
    for i, up in enumerate(ups):
        entry = listed[up.upload_id]
        assert entry["PartSizeInBytes"] == MiB * 2 ** i
        assert entry["ArchiveDescription"] == f"upload {i}"
        assert entry["VaultARN"] == vault_arn(ONE, vault)
        assert ISO8601_RE.match(entry["CreationDate"])
    page = glacier.list_multipart_uploads(vaultName=vault, limit="2")
    assert len(page["UploadsList"]) == 2 and page["Marker"]
    rest = glacier.list_multipart_uploads(vaultName=vault, limit="2", marker=page["Marker"])
    assert len(rest["UploadsList"]) == 1 and not rest.get("Marker")
    ids = [u["MultipartUploadId"] for u in page["UploadsList"] + rest["UploadsList"]]
    assert sorted(ids) == sorted(u.upload_id for u in ups)
    pages = glacier.get_paginator("list_multipart_uploads").paginate(
        vaultName=vault, PaginationConfig={"PageSize": "1"})
    assert sorted(u["MultipartUploadId"] for p in pages for u in p["UploadsList"]) == sorted(ids)

    data = random_bytes(1000)
    upload_part(glacier, ups[0], data, 0)
    complete(glacier, ups[0], len(data), tree_hash(data))
    glacier.abort_multipart_upload(vaultName=vault, uploadId=ups[1].upload_id)
    remaining = glacier.list_multipart_uploads(vaultName=vault)["UploadsList"]
    assert [u["MultipartUploadId"] for u in remaining] == [ups[2].upload_id]


def test_complete_repeated_returns_same_archive(glacier, vault):
    data = random_bytes(3 * MiB + 17)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data)
    first = complete(glacier, up, len(data), tree_hash(data))
    again = complete(glacier, up, len(data), tree_hash(data))
    assert status_of(again) == 201
    assert again["archiveId"] == first["archiveId"]
    assert again["checksum"] == first["checksum"] == tree_hash(data)


def test_completed_upload_is_gone(glacier, vault):
    data = random_bytes(MiB + 1)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data)
    complete(glacier, up, len(data), tree_hash(data))
    expect_error(lambda: glacier.list_parts(vaultName=vault, uploadId=up.upload_id),
                 "ResourceNotFoundException", 404)
    expect_error(lambda: upload_part(glacier, up, data, 0), "ResourceNotFoundException", 404)
    assert up.upload_id not in [u["MultipartUploadId"] for u in
                                glacier.list_multipart_uploads(vaultName=vault)["UploadsList"]]
    expect_status(lambda: glacier.abort_multipart_upload(vaultName=vault, uploadId=up.upload_id),
                  404)


def test_abort_then_upload_is_gone(glacier, vault):
    data = random_bytes(2 * MiB)
    up = initiate(glacier, vault, MiB)
    upload_parts(glacier, up, data)
    resp = glacier.abort_multipart_upload(vaultName=vault, uploadId=up.upload_id)
    assert status_of(resp) == 204
    expect_error(lambda: glacier.list_parts(vaultName=vault, uploadId=up.upload_id),
                 "ResourceNotFoundException", 404)
    expect_error(lambda: upload_part(glacier, up, data, 0), "ResourceNotFoundException", 404)
    expect_error(lambda: complete(glacier, up, len(data), tree_hash(data)),
                 "ResourceNotFoundException", 404)
    assert glacier.list_multipart_uploads(vaultName=vault)["UploadsList"] == []
    # Aborting an aborted upload succeeds "for a short time".
    assert status_of(glacier.abort_multipart_upload(vaultName=vault, uploadId=up.upload_id)) == 204


@pytest.mark.slow
@pytest.mark.parametrize("part_size,size", [
    (2 * MiB, 5 * MiB + 3), (4 * MiB, 9 * MiB + 1), (8 * MiB, 16 * MiB), (MiB, 12 * MiB + 7)])
def test_multi_mib_archives(glacier, vault, part_size, size):
    data = random_bytes(size)
    resp = upload_in_parts(glacier, vault, data, part_size=part_size, threads=2)
    assert resp["checksum"] == tree_hash(data)
    _, out, body = retrieve_archive(glacier, vault, resp["archiveId"])
    assert body == data
    assert out["checksum"] == tree_hash(data)


def test_single_short_part_archive(glacier, vault):
    data = b"tiny archive"
    resp = upload_in_parts(glacier, vault, data, part_size=MiB)
    assert resp["checksum"] == tree_hash(data)
    _, _, body = retrieve_archive(glacier, vault, resp["archiveId"])
    assert body == data


def test_archive_inherits_initiate_description(glacier, vault):
    data = random_bytes(MiB + 10)
    resp = upload_in_parts(glacier, vault, data, description="from initiate")
    _, out, body = retrieve_archive(glacier, vault, resp["archiveId"])
    assert body == data
    assert out["archiveDescription"] == "from initiate"


def test_initiate_in_missing_vault_is_404(glacier, vault_name):
    name = vault_name()
    expect_error(lambda: glacier.initiate_multipart_upload(vaultName=name, partSize=str(MiB)),
                 "ResourceNotFoundException", 404,
                 message=f"Vault not found for ARN: {vault_arn(ONE, name)}")


def test_other_account_cannot_touch_the_upload(glacier, glacier_two, vault):
    up = initiate(glacier, vault, MiB)
    expect_error(lambda: glacier_two.list_parts(vaultName=vault, uploadId=up.upload_id),
                 "ResourceNotFoundException", 404)
    expect_error(lambda: glacier_two.abort_multipart_upload(vaultName=vault, uploadId=up.upload_id),
                 "ResourceNotFoundException", 404)
    assert glacier.list_parts(vaultName=vault, uploadId=up.upload_id)["MultipartUploadId"] == \
        up.upload_id
