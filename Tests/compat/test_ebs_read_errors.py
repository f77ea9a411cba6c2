"""EBS direct failure paths of ListSnapshotBlocks, GetSnapshotBlock and ListChangedBlocks, and
account / region isolation (docs/aws/ebs.md#errors, #reading,
#accounts-and-regions)."""

import pytest

from ebs_helpers import (
    complete_snapshot, completed_snapshot, expect_ebs_error, expect_snapshot_not_found, list_blocks,
    put_block, random_block, read_block, start_snapshot, unknown_snapshot_id, zero_block)
from tessera_server import TEST_ACCOUNTS, make_client


@pytest.fixture(scope="module")
def snap(ebs):
    """A completed snapshot with blocks 0, 3, 7 (zeros), 2047."""
    blocks = {0: random_block(), 3: random_block(), 7: zero_block(), 2047: random_block()}
    return completed_snapshot(ebs, blocks), blocks


@pytest.fixture(scope="module")
def tokens(ebs, snap):
    return list_blocks(ebs, snap[0])


def get(ebs, snap_id, index, token):
    return lambda: ebs.get_snapshot_block(SnapshotId=snap_id, BlockIndex=index, BlockToken=token)


def expect_invalid_token(call, token):
    expect_ebs_error(call, "ValidationException", 400, "INVALID_BLOCK_TOKEN",
                     f"The block token {token} is invalid.")


# -- pending and missing snapshots ----------------------------------------------------

def test_pending_snapshot_cannot_be_listed_or_read(ebs):
    pending = start_snapshot(ebs)["SnapshotId"]
    put_block(ebs, pending, 0, random_block())
    expect_snapshot_not_found(lambda: ebs.list_snapshot_blocks(SnapshotId=pending), pending)
    expect_snapshot_not_found(get(ebs, pending, 0, "invalid"), pending)


def test_pending_snapshot_becomes_readable_once_completed(ebs):
    pending = start_snapshot(ebs)["SnapshotId"]
    data = random_block()
    put_block(ebs, pending, 4, data)
    expect_snapshot_not_found(lambda: ebs.list_snapshot_blocks(SnapshotId=pending), pending)
    assert complete_snapshot(ebs, pending, {4: data}) == "completed"
    assert read_block(ebs, pending, 4, list_blocks(ebs, pending)[4]) == data


def test_unknown_snapshot_cannot_be_listed_or_read(ebs, tokens):
    missing = unknown_snapshot_id()
    expect_snapshot_not_found(lambda: ebs.list_snapshot_blocks(SnapshotId=missing), missing)
    expect_snapshot_not_found(get(ebs, missing, 0, tokens[0]), missing)


# -- ListSnapshotBlocks parameters ----------------------------------------------------

@pytest.mark.parametrize("bad", ["invalid", "AAAA", "bm90IGEgdG9rZW4="])
def test_bad_page_token(ebs, snap, bad):
    expect_ebs_error(lambda: ebs.list_snapshot_blocks(SnapshotId=snap[0], NextToken=bad),
                     "ValidationException", 400, "INVALID_PAGE_TOKEN",
                     f"The pagination token {bad} is invalid.")


@pytest.mark.parametrize("kwargs, field, value, constraint", [
    ({"MaxResults": 99}, "maxResults", "99", "Member must have value greater than or equal to 100"),
    ({"MaxResults": 10001}, "maxResults", "10001", "Member must have value less than or equal to 10000"),
    ({"StartingBlockIndex": -1}, "startingBlockIndex", "-1",
     "Member must have value greater than or equal to 0"),
    ({"StartingBlockIndex": -1, "NextToken": "invalid"}, "startingBlockIndex", "-1",
     "Member must have value greater than or equal to 0"),
])
def test_list_parameter_validation(ebs_unvalidated, snap, kwargs, field, value, constraint):
    expect_ebs_error(lambda: ebs_unvalidated.list_snapshot_blocks(SnapshotId=snap[0], **kwargs),
                     "ValidationException", 400, None,
                     f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
                     f"constraint: {constraint}")


@pytest.mark.parametrize("max_results", [100, 10000])
def test_list_accepts_the_max_results_bounds(ebs, snap, max_results):
    assert list(list_blocks(ebs, snap[0], MaxResults=max_results)) == [0, 3, 7, 2047]


# -- GetSnapshotBlock tokens ----------------------------------------------------------

def test_token_of_another_index(ebs, snap, tokens):
    expect_invalid_token(get(ebs, snap[0], 3, tokens[0]), tokens[0])


def test_token_for_an_unwritten_index(ebs, snap, tokens):
    expect_invalid_token(get(ebs, snap[0], 1, tokens[0]), tokens[0])


def test_token_past_the_volume_end(ebs, snap, tokens):
    expect_invalid_token(get(ebs, snap[0], 2048, tokens[0]), tokens[0])


def test_garbage_token(ebs, snap):
    expect_invalid_token(get(ebs, snap[0], 0, "invalid"), "invalid")


def test_forged_token(ebs, snap, tokens):
    real = tokens[0]
    for forged in {real[:-2] + ("AB" if real[-2:] != "AB" else "CD"), real[2:], real + "A"}:
        expect_invalid_token(get(ebs, snap[0], 0, forged), forged)


def test_token_of_another_snapshot_for_the_same_index(ebs, snap):
    other = completed_snapshot(ebs, {0: random_block()})
    token = list_blocks(ebs, other)[0]
    expect_invalid_token(get(ebs, snap[0], 0, token), token)
    assert read_block(ebs, other, 0, token)  # the token is fine where it came from


def test_negative_index_is_framework_validation(ebs_unvalidated, snap, tokens):
    expect_ebs_error(get(ebs_unvalidated, snap[0], -1, tokens[0]), "ValidationException", 400, None,
                     "1 validation error detected: Value '-1' at 'blockIndex' failed to satisfy "
                     "constraint: Member must have value greater than or equal to 0")


# -- isolation ------------------------------------------------------------------------

def test_another_account_cannot_list_read_or_diff(ebs, ebs_two, snap, tokens):
    snap_id, _ = snap
    expect_snapshot_not_found(lambda: ebs_two.list_snapshot_blocks(SnapshotId=snap_id), snap_id)
    expect_snapshot_not_found(get(ebs_two, snap_id, 0, tokens[0]), snap_id)
    theirs = completed_snapshot(ebs_two, {0: random_block()})
    call = lambda: ebs_two.list_changed_blocks(FirstSnapshotId=snap_id, SecondSnapshotId=theirs)  # noqa: E731
    expect_ebs_error(call, "ResourceNotFoundException", 404, "SNAPSHOT_NOT_FOUND")


def test_another_region_does_not_see_the_snapshot(tessera, snap, tokens):
    snap_id, _ = snap
    west = make_client(tessera.endpoint, TEST_ACCOUNTS["one"], "ebs", region="us-west-2")
    expect_snapshot_not_found(lambda: west.list_snapshot_blocks(SnapshotId=snap_id), snap_id)
    expect_snapshot_not_found(get(west, snap_id, 0, tokens[0]), snap_id)
    own = start_snapshot(west)["SnapshotId"]
    assert complete_snapshot(west, own, count=0, linear=False) == "completed"
