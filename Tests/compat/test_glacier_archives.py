"""Glacier UploadArchive and DeleteArchive (docs/aws/glacier.md: checksum rules
in #uploadmultipartpart, #uploadarchive, #deletearchive)."""

import pytest

from glacier_helpers import (
    ID_RE, MiB, expect_error, random_bytes, retrieve_archive, status_of, tree_hash,
    upload_archive, vault_arn)

ONE = "111111111111"


def test_upload_archive_returns_id_tree_hash_and_location(glacier, vault):
    data = random_bytes(300_000)
    resp = glacier.upload_archive(vaultName=vault, body=data, checksum=tree_hash(data))
    assert status_of(resp) == 201
    archive_id = resp["archiveId"]
    assert ID_RE.match(archive_id), archive_id
    assert resp["checksum"] == tree_hash(data)
    assert resp["location"] == f"/{ONE}/vaults/{vault}/archives/{archive_id}"
    assert resp["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize("size", [1, MiB, MiB + 1, 3 * MiB + 5])
def test_upload_archive_with_sdk_computed_checksums(glacier, vault, size):
    data = random_bytes(size)
    resp = glacier.upload_archive(vaultName=vault, body=data)  # botocore computes both hashes
    assert status_of(resp) == 201
    assert resp["checksum"] == tree_hash(data)


def test_same_bytes_twice_are_two_archives(glacier, vault):
    data = b"identical payload " * 1000
    first = upload_archive(glacier, vault, data)["archiveId"]
    second = upload_archive(glacier, vault, data)["archiveId"]
    assert first != second
    glacier.delete_archive(vaultName=vault, archiveId=first)
    _, _, body = retrieve_archive(glacier, vault, second)
    assert body == data


@pytest.mark.parametrize("wrong", [
    "0" * 64,
    tree_hash(b"some other bytes"),
])
def test_wrong_tree_hash_is_checksum_mismatch(glacier, vault, wrong):
    data = random_bytes(2 * MiB + 100)
    expect_error(lambda: glacier.upload_archive(vaultName=vault, body=data, checksum=wrong),
                 "InvalidParameterValueException", 400,
                 message=f"Checksum mismatch: expected {wrong}, computed {tree_hash(data)}")


def test_linear_sha256_is_not_accepted_as_tree_hash(glacier, vault):
    import hashlib
    data = random_bytes(3 * MiB)
    linear = hashlib.sha256(data).hexdigest()
    assert linear != tree_hash(data)
    expect_error(lambda: glacier.upload_archive(vaultName=vault, body=data, checksum=linear),
                 "InvalidParameterValueException", 400,
                 message=f"Checksum mismatch: expected {linear}, computed {tree_hash(data)}")


@pytest.mark.parametrize("bad", ["abc", "g" * 64, "0" * 63, "0" * 65, "not-a-hash"])
def test_malformed_tree_hash_is_rejected(glacier, vault, bad):
    data = b"payload"
    expect_error(lambda: glacier.upload_archive(vaultName=vault, body=data, checksum=bad),
                 "InvalidParameterValueException", 400,
                 message=f"Invalid x-amz-sha256-tree-hash: {bad}")


def test_upload_to_missing_vault_is_404(glacier, vault_name):
    name = vault_name()
    data = b"payload"
    expect_error(lambda: glacier.upload_archive(vaultName=name, body=data, checksum=tree_hash(data)),
                 "ResourceNotFoundException", 404,
                 message=f"Vault not found for ARN: {vault_arn(ONE, name)}")


def test_delete_archive_is_idempotent_and_archive_is_gone(glacier, vault):
    archive_id = upload_archive(glacier, vault, random_bytes(5000))["archiveId"]
    assert status_of(glacier.delete_archive(vaultName=vault, archiveId=archive_id)) == 204
    assert status_of(glacier.delete_archive(vaultName=vault, archiveId=archive_id)) == 204
    expect_error(lambda: glacier.initiate_job(vaultName=vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": archive_id}),
        "ResourceNotFoundException", 404, message=f"The archive ID was not found: {archive_id}")


def test_delete_archive_in_missing_vault_is_404(glacier, vault_name):
    name = vault_name()
    expect_error(lambda: glacier.delete_archive(vaultName=name, archiveId="A" * 138),
                 "ResourceNotFoundException", 404,
                 message=f"Vault not found for ARN: {vault_arn(ONE, name)}")


def test_other_account_cannot_delete_archive(glacier, glacier_two, vault):
    data = random_bytes(4000)
    archive_id = upload_archive(glacier, vault, data)["archiveId"]
    expect_error(lambda: glacier_two.delete_archive(vaultName=vault, archiveId=archive_id),
                 "ResourceNotFoundException", 404)
    expect_error(lambda: glacier_two.delete_archive(accountId=ONE, vaultName=vault,
                                                    archiveId=archive_id),
                 "AccessDeniedException", 403)
    _, _, body = retrieve_archive(glacier, vault, archive_id)
    assert body == data


def test_deleting_another_vaults_or_accounts_archive_reveals_nothing(glacier, glacier_two, vault, vault_name):
    """An archive id that exists elsewhere is answered exactly as one that never existed: 404, nothing deleted."""
    archive_id = upload_archive(glacier, vault, b"not yours")["archiveId"]
    other = vault_name()
    glacier.create_vault(vaultName=other)
    own_other_vault = lambda: glacier.delete_archive(vaultName=other, archiveId=archive_id)  # noqa: E731
    expect_error(own_other_vault, "ResourceNotFoundException", 404, message=f"The archive ID was not found: {archive_id}")
    glacier_two.create_vault(vaultName=vault)
    for archive in (archive_id, "A" * 138):
        expect_error(lambda: glacier_two.delete_archive(vaultName=vault, archiveId=archive),
                     "ResourceNotFoundException", 404, message=f"The archive ID was not found: {archive}")
    glacier.delete_archive(vaultName=vault, archiveId=archive_id)
    expect_error(own_other_vault, "ResourceNotFoundException", 404)


def test_archive_in_one_vault_is_not_in_another(glacier, vault, vault_name):
    other = vault_name()
    glacier.create_vault(vaultName=other)
    archive_id = upload_archive(glacier, vault, b"lives in the first vault")["archiveId"]
    expect_error(lambda: glacier.initiate_job(vaultName=other, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": archive_id}),
        "ResourceNotFoundException", 404, message=f"The archive ID was not found: {archive_id}")


@pytest.mark.parametrize("description", [
    "plain",
    'photos 2024, "raw" & <tagged>; ~!@#$%^*()_+{}|:?`',
    "x" * 1024,
])
def test_archive_description_is_kept(glacier, vault, description):
    data = random_bytes(1234)
    archive_id = upload_archive(glacier, vault, data, description=description)["archiveId"]
    _, out, body = retrieve_archive(glacier, vault, archive_id)
    assert body == data
    assert out["archiveDescription"] == description


def test_description_over_1024_bytes_is_rejected(glacier, vault):
    data = b"payload"
    expect_error(lambda: glacier.upload_archive(vaultName=vault, body=data,
                                                checksum=tree_hash(data),
                                                archiveDescription="x" * 1025),
                 "InvalidParameterValueException", 400)
