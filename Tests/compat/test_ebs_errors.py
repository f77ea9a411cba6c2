"""EBS direct failure paths of StartSnapshot, PutSnapshotBlock and CompleteSnapshot
(docs/aws/ebs.md#errors to #completesnapshot). Every error also carries `x-amzn-ErrorType: <Code>:…`."""

import uuid

import pytest

from ebs_helpers import (
    BLOCK_SIZE, b64_sha256, complete_snapshot, completed_snapshot, expect_ebs_error,
    expect_snapshot_not_found, linear_checksum, list_blocks, put_block, random_block,
    start_snapshot, unknown_snapshot_id, write_blocks, zero_block)


@pytest.fixture
def pending(ebs) -> str:
    return start_snapshot(ebs)["SnapshotId"]


@pytest.fixture(scope="module")
def completed(ebs) -> str:
    return completed_snapshot(ebs, {0: random_block()})


def assert_nothing_written(ebs, snap):
    """A refused PutSnapshotBlock stored nothing: the snapshot completes with 0 blocks."""
    assert complete_snapshot(ebs, snap, count=0, linear=False) == "completed"
    assert list_blocks(ebs, snap) == {}


def put(ebs, snap, index=3, data=None, **overrides):
    data = random_block(1) if data is None else data
    kwargs = dict(SnapshotId=snap, BlockIndex=index, BlockData=data, DataLength=len(data),
                  Checksum=b64_sha256(data), ChecksumAlgorithm="SHA256")
    kwargs.update(overrides)
    return lambda: ebs.put_snapshot_block(**kwargs)


# -- PutSnapshotBlock -----------------------------------------------------------------

def test_checksum_mismatch_is_invalid_signature(ebs, pending):
    data, claimed = random_block(), b64_sha256(b"other bytes")
    expect_ebs_error(put(ebs, pending, 9, data, Checksum=claimed), "InvalidSignatureException", 403,
                     None, "The value passed in as x-amz-Checksum does not match the computed "
                     f"checksum. Computed checksum: {b64_sha256(data)} expected checksum: {claimed}")
    assert_nothing_written(ebs, pending)


@pytest.mark.parametrize("data_length", [5, BLOCK_SIZE])
def test_body_shorter_than_a_block_fails_to_read(ebs, pending, data_length):
    short = b"12345"
    expect_ebs_error(put(ebs, pending, 9, short, DataLength=data_length), "ValidationException", 400,
                     "INVALID_PARAMETER_VALUE", "Failed to read block data")
    assert_nothing_written(ebs, pending)


def test_data_length_other_than_a_block_is_invalid_block(ebs, pending):
    expect_ebs_error(put(ebs, pending, 9, DataLength=1), "ValidationException", 400,
                     "INVALID_BLOCK", "Block data length 1 is not valid, expected 524288")
    assert_nothing_written(ebs, pending)


@pytest.mark.parametrize("volume_size, index", [(1, 2048), (1, 100000), (2, 4096)])
def test_index_beyond_the_volume_is_invalid_block(ebs, volume_size, index):
    snap = start_snapshot(ebs, volume_size)["SnapshotId"]
    expect_ebs_error(put(ebs, snap, index), "ValidationException", 400, "INVALID_BLOCK",
                     f"Block index {index} is beyond the volume size extent")
    assert_nothing_written(ebs, snap)


def test_unsupported_checksum_algorithm(ebs, pending):
    expect_ebs_error(put(ebs, pending, 9, ChecksumAlgorithm="SHA1"), "ValidationException", 400,
                     "INVALID_PARAMETER_VALUE",
                     "Unsupported Checksum Algorithm 'SHA1', supported algorithms are SHA256")
    assert_nothing_written(ebs, pending)


@pytest.mark.parametrize("overrides, field, value, constraint", [
    ({"BlockIndex": -1}, "blockIndex", "-1", "Member must have value greater than or equal to 0"),
    ({"Progress": -1}, "progress", "-1", "Member must have value greater than or equal to 0"),
    ({"Progress": 101}, "progress", "101", "Member must have value less than or equal to 100"),
    ({"Checksum": "not-base64!"}, "checksum", "not-base64!",
     "Member must satisfy regular expression pattern: ^[A-Za-z0-9+/=]+$"),
])
def test_framework_validation_errors_have_no_reason(ebs, ebs_unvalidated, pending, overrides,
                                                    field, value, constraint):
    expect_ebs_error(put(ebs_unvalidated, pending, 9, **overrides), "ValidationException", 400, None,
                     f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
                     f"constraint: {constraint}")
    assert_nothing_written(ebs, pending)


def test_put_into_a_completed_snapshot(ebs, completed):
    expect_ebs_error(put(ebs, completed, 9), "ValidationException", 400, "INVALID_SNAPSHOT_ID",
                     "Snapshot is already completed")


def test_put_into_an_unknown_snapshot(ebs):
    snap = unknown_snapshot_id()
    expect_snapshot_not_found(put(ebs, snap), snap)


def test_put_into_another_accounts_snapshot_is_not_found(ebs, ebs_two):
    # Tessera's choice: 404 as for a missing snapshot, so that its existence is not revealed.
    theirs = start_snapshot(ebs_two)["SnapshotId"]
    expect_snapshot_not_found(put(ebs, theirs), theirs)
    assert_nothing_written(ebs_two, theirs)


# -- StartSnapshot --------------------------------------------------------------------

def test_same_client_token_and_parameters_return_the_original_snapshot(ebs):
    token = str(uuid.uuid4())
    params = dict(VolumeSize=1, ClientToken=token, Description="idem", Timeout=60,
                  Tags=[{"Key": "k", "Value": "v"}])
    first = ebs.start_snapshot(**params)
    again = ebs.start_snapshot(**params)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert again["SnapshotId"] == first["SnapshotId"]
    assert again["StartTime"] == first["StartTime"]
    write_blocks(ebs, first["SnapshotId"], {0: zero_block()})
    assert complete_snapshot(ebs, first["SnapshotId"], {0: zero_block()}) == "completed"
    after = ebs.start_snapshot(**params)  # the original response, Status included (docs/aws/ebs.md#client-token)
    assert after["SnapshotId"] == first["SnapshotId"]
    assert after["Status"] == "pending"


@pytest.mark.parametrize("change", [{"VolumeSize": 2}, {"Description": "changed"}])
def test_same_client_token_with_other_parameters_conflicts(ebs, change):
    params = dict(VolumeSize=1, ClientToken=str(uuid.uuid4()), Description="idem")
    first = ebs.start_snapshot(**params)
    expect_ebs_error(lambda: ebs.start_snapshot(**{**params, **change}), "ConflictException", 409,
                     None, "Current request does not match request stored with this token.")
    assert ebs.start_snapshot(**params)["SnapshotId"] == first["SnapshotId"]


def test_client_token_length_limit(ebs):
    token = "t" * 255
    assert start_snapshot(ebs, ClientToken=token)["SnapshotId"]
    expect_ebs_error(lambda: ebs.start_snapshot(VolumeSize=1, ClientToken="t" * 256),
                     "ValidationException", 400)


def test_parent_still_pending(ebs, pending):
    expect_ebs_error(lambda: ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=pending),
                     "ValidationException", 400, "INVALID_SNAPSHOT_ID",
                     f"Source snapshot ({pending}) is not complete.")


def test_parent_missing(ebs):
    parent = unknown_snapshot_id()
    expect_snapshot_not_found(lambda: ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=parent), parent)


def test_parent_of_another_account_is_not_found(ebs, ebs_two):
    theirs = completed_snapshot(ebs_two, {0: random_block()})
    expect_snapshot_not_found(lambda: ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=theirs), theirs)


def test_encrypted_with_a_parent_is_rejected(ebs, completed):
    expect_ebs_error(lambda: ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=completed,
                                                Encrypted=True), "ValidationException", 400)


# -- CompleteSnapshot -----------------------------------------------------------------

BLOCKS = {0: b"\x01" * BLOCK_SIZE, 5: zero_block(), 6: b"\x02" * BLOCK_SIZE}


@pytest.mark.parametrize("count, checksum", [
    (4, None),                                   # one too many
    (2, None),                                   # the explicit zero block not counted
    (0, None),
    (3, linear_checksum({0: BLOCKS[0], 6: BLOCKS[6]})),   # zero block left out of the aggregate
    (3, b64_sha256("".join(b64_sha256(BLOCKS[i]) for i in sorted(BLOCKS)).encode())),  # over base64 text
    (3, linear_checksum({0: BLOCKS[6], 5: BLOCKS[5], 6: BLOCKS[0]})),  # wrong order
])
def test_wrong_count_or_aggregate_ends_in_error(ebs, pending, count, checksum):
    write_blocks(ebs, pending, BLOCKS)
    assert complete_snapshot(ebs, pending, BLOCKS, count=count, checksum=checksum) == "error"
    # An errored snapshot stays errored and cannot be read or used as a parent.
    assert complete_snapshot(ebs, pending, BLOCKS) == "error"
    expect_snapshot_not_found(lambda: ebs.list_snapshot_blocks(SnapshotId=pending), pending)
    expect_snapshot_not_found(lambda: ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=pending), pending)


def test_overwrites_count_once(ebs, pending):
    write_blocks(ebs, pending, BLOCKS)
    put_block(ebs, pending, 0, BLOCKS[6])
    final = {**BLOCKS, 0: BLOCKS[6]}
    assert complete_snapshot(ebs, pending, final, count=4) == "error"


def test_count_without_checksum_headers_completes(ebs, pending):
    write_blocks(ebs, pending, BLOCKS)
    assert complete_snapshot(ebs, pending, BLOCKS, linear=False) == "completed"


@pytest.mark.parametrize("present", [
    ("Checksum",), ("ChecksumAlgorithm",), ("ChecksumAggregationMethod",),
    ("Checksum", "ChecksumAlgorithm"), ("Checksum", "ChecksumAggregationMethod"),
    ("ChecksumAlgorithm", "ChecksumAggregationMethod")])
def test_only_some_checksum_headers_is_invalid(ebs, pending, present):
    write_blocks(ebs, pending, BLOCKS)
    headers = {"Checksum": linear_checksum(BLOCKS), "ChecksumAlgorithm": "SHA256",
               "ChecksumAggregationMethod": "LINEAR"}
    expect_ebs_error(lambda: ebs.complete_snapshot(SnapshotId=pending, ChangedBlocksCount=3,
                                                   **{k: headers[k] for k in present}),
                     "ValidationException", 400, "INVALID_PARAMETER_VALUE")
    assert complete_snapshot(ebs, pending, BLOCKS) == "completed"  # the refusal changed nothing


def test_complete_an_unknown_snapshot(ebs):
    snap = unknown_snapshot_id()
    expect_snapshot_not_found(lambda: ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=0), snap)


def test_complete_another_accounts_snapshot_is_not_found(ebs, ebs_two):
    theirs = start_snapshot(ebs_two)["SnapshotId"]
    expect_snapshot_not_found(lambda: ebs.complete_snapshot(SnapshotId=theirs, ChangedBlocksCount=0),
                              theirs)
    assert complete_snapshot(ebs_two, theirs, count=0, linear=False) == "completed"
