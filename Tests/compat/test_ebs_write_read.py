"""EBS direct: StartSnapshot, PutSnapshotBlock, CompleteSnapshot, ListSnapshotBlocks and
GetSnapshotBlock on the working path (docs/aws/ebs.md#startsnapshot to #reading)."""

import datetime
import random

import pytest

from ebs_helpers import (
    BLOCK_SIZE, BLOCK_TOKEN_RE, SNAPSHOT_ID_RE, VECTOR_BLOCK_SHA256, VECTOR_LINEAR, b64_sha256, complete_snapshot,
    completed_snapshot, linear_checksum, list_block_pages, list_blocks, put_block, random_block,
    read_all_blocks, read_block, start_snapshot, status_of, utcnow, vector_blocks, write_blocks,
    zero_block)

ONE, TWO = "111111111111", "222222222222"
TAGS = [{"Key": "purpose", "Value": "compat"}, {"Key": "empty", "Value": ""}]


def test_linear_checksum_matches_the_verified_vector():
    blocks = vector_blocks()
    assert {i: b64_sha256(d) for i, d in blocks.items()} == {
        0: VECTOR_BLOCK_SHA256["b"], 3: VECTOR_BLOCK_SHA256["a"],
        7: VECTOR_BLOCK_SHA256["zero"], 2047: VECTOR_BLOCK_SHA256["c"]}
    assert linear_checksum(blocks) == VECTOR_LINEAR
    # Insertion order does not matter, index order does.
    assert linear_checksum(dict(reversed(list(blocks.items())))) == VECTOR_LINEAR


def test_start_snapshot_returns_a_pending_snapshot(ebs):
    before = utcnow()
    resp = ebs.start_snapshot(VolumeSize=1, Description="compat start fields", Tags=TAGS, Timeout=60)
    assert status_of(resp) == 201, resp
    assert SNAPSHOT_ID_RE.match(resp["SnapshotId"]), resp
    assert resp["OwnerId"] == ONE
    assert resp["BlockSize"] == BLOCK_SIZE
    assert resp["Status"] == "pending"
    assert resp["VolumeSize"] == 1
    assert resp["Description"] == "compat start fields"
    assert resp["Tags"] == TAGS
    assert resp.get("ParentSnapshotId") is None
    assert resp.get("KmsKeyArn") is None
    assert before - datetime.timedelta(minutes=2) <= resp["StartTime"] <= utcnow() + datetime.timedelta(minutes=2)
    assert resp["ResponseMetadata"]["RequestId"]


def test_start_snapshot_ids_are_distinct_and_owned_by_the_caller(ebs, ebs_two):
    first = start_snapshot(ebs, 3)
    second = start_snapshot(ebs, 3)
    other = start_snapshot(ebs_two, 65536)
    assert len({first["SnapshotId"], second["SnapshotId"], other["SnapshotId"]}) == 3
    assert first["VolumeSize"] == 3 and other["VolumeSize"] == 65536
    assert other["OwnerId"] == TWO


def test_put_block_answers_201_with_the_checksum_headers(ebs):
    snap = start_snapshot(ebs)["SnapshotId"]
    data = random_block()
    resp = ebs.put_snapshot_block(SnapshotId=snap, BlockIndex=12, BlockData=data,
                                  DataLength=BLOCK_SIZE, Checksum=b64_sha256(data),
                                  ChecksumAlgorithm="SHA256", Progress=50)
    assert status_of(resp) == 201
    assert resp["Checksum"] == b64_sha256(data)
    assert resp["ChecksumAlgorithm"] == "SHA256"
    headers = resp["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-checksum"] == b64_sha256(data)
    assert headers["x-amz-checksum-algorithm"] == "SHA256"


# -- a sparse 1 GiB volume ------------------------------------------------------------

@pytest.fixture(scope="module")
def sparse(ebs):
    """1 GiB (2048 blocks): random blocks at 0, 5, 999, 2047, explicit zeros at 7 and 1500;
    index 5 written twice (a retry and an overwrite). Completed with count 6 + LINEAR."""
    snap = start_snapshot(ebs, 1, Description="sparse")["SnapshotId"]
    blocks = {0: random_block(), 5: random_block(), 7: zero_block(), 999: random_block(),
              1500: zero_block(), 2047: random_block()}
    write_blocks(ebs, snap, blocks, threads=4)
    put_block(ebs, snap, 5, blocks[5])  # identical retry
    blocks[5] = random_block()
    put_block(ebs, snap, 5, blocks[5])  # overwrite: last write wins, still one changed block
    status = complete_snapshot(ebs, snap, blocks, count=6)
    return snap, blocks, status


def test_complete_counts_each_index_once_and_accepts_the_linear_aggregate(sparse):
    _, _, status = sparse
    assert status == "completed"


def test_complete_again_on_a_completed_snapshot_is_still_completed(ebs, sparse):
    snap, blocks, _ = sparse
    assert complete_snapshot(ebs, snap, blocks) == "completed"
    assert complete_snapshot(ebs, snap, count=1, linear=False) == "completed"


def test_list_snapshot_blocks_lists_exactly_the_written_indexes(ebs, sparse):
    snap, blocks, _ = sparse
    resp = ebs.list_snapshot_blocks(SnapshotId=snap)
    assert status_of(resp) == 200
    assert [b["BlockIndex"] for b in resp["Blocks"]] == sorted(blocks)
    assert all(BLOCK_TOKEN_RE.match(b["BlockToken"]) for b in resp["Blocks"]), resp
    assert resp["BlockSize"] == BLOCK_SIZE
    assert resp["VolumeSize"] == 1
    assert not resp.get("NextToken")
    assert resp["ExpiryTime"] > utcnow()


def test_get_snapshot_block_returns_every_block_byte_exact(ebs, sparse):
    snap, blocks, _ = sparse
    assert read_all_blocks(ebs, snap) == blocks  # incl. the zero blocks and the overwrite


def test_block_tokens_keep_working_after_a_relist(ebs, sparse):
    snap, blocks, _ = sparse
    first = list_blocks(ebs, snap)
    list_blocks(ebs, snap)
    assert read_block(ebs, snap, 2047, first[2047]) == blocks[2047]


@pytest.mark.parametrize("start, expected", [
    (0, [0, 5, 7, 999, 1500, 2047]), (1, [5, 7, 999, 1500, 2047]), (7, [7, 999, 1500, 2047]),
    (1000, [1500, 2047]), (2047, [2047]), (2048, [])])
def test_starting_block_index_skips_lower_indexes(ebs, sparse, start, expected):
    snap, _, _ = sparse
    assert list(list_blocks(ebs, snap, StartingBlockIndex=start)) == expected


def test_the_known_vector_completes_and_reads_back(ebs):
    blocks = vector_blocks()
    snap = start_snapshot(ebs)["SnapshotId"]
    put_block(ebs, snap, 0, blocks[3])  # index 0 first holds `a`, then `b` (as in the capture)
    write_blocks(ebs, snap, blocks)
    assert complete_snapshot(ebs, snap, count=4, checksum=VECTOR_LINEAR) == "completed"
    assert read_all_blocks(ebs, snap) == blocks


def test_empty_snapshot_completes_with_zero_blocks(ebs):
    snap = start_snapshot(ebs)["SnapshotId"]
    assert complete_snapshot(ebs, snap, count=0, linear=False) == "completed"
    assert list_blocks(ebs, snap) == {}


def test_larger_volume_accepts_its_last_block(ebs):
    blocks = {4095: random_block(), 2048: random_block()}
    snap = completed_snapshot(ebs, blocks, volume_size=2)
    resp = ebs.list_snapshot_blocks(SnapshotId=snap)
    assert resp["VolumeSize"] == 2
    assert read_all_blocks(ebs, snap) == blocks


# -- pagination over 150 blocks -------------------------------------------------------

@pytest.fixture(scope="module")
def many(ebs):
    """150 random blocks at random indexes of a 1 GiB volume, written 8 at a time."""
    indexes = sorted(random.Random(7).sample(range(2048), 150))
    blocks = {i: random_block() for i in indexes}
    return completed_snapshot(ebs, blocks), blocks


def test_pages_of_at_most_100_cover_every_block_once(ebs, many):
    snap, blocks = many
    pages = list_block_pages(ebs, snap, MaxResults=100)
    assert len(pages) >= 2
    assert all(len(p["Blocks"]) <= 100 for p in pages), [len(p["Blocks"]) for p in pages]
    assert all(p["NextToken"] for p in pages[:-1])
    assert not pages[-1].get("NextToken")
    listed = [b["BlockIndex"] for p in pages for b in p["Blocks"]]
    assert listed == sorted(blocks)


def test_next_token_takes_precedence_over_starting_block_index(ebs, many):
    snap, blocks = many
    first = ebs.list_snapshot_blocks(SnapshotId=snap, MaxResults=100)
    assert first.get("NextToken")
    token = first["NextToken"]
    plain = ebs.list_snapshot_blocks(SnapshotId=snap, MaxResults=100, NextToken=token)
    with_start = ebs.list_snapshot_blocks(SnapshotId=snap, MaxResults=100, NextToken=token,
                                          StartingBlockIndex=0)
    indexes = [b["BlockIndex"] for b in plain["Blocks"]]
    assert [b["BlockIndex"] for b in with_start["Blocks"]] == indexes
    seen = {b["BlockIndex"] for b in first["Blocks"]}
    assert not seen & set(indexes)


def test_starting_block_index_with_pagination(ebs, many):
    snap, blocks = many
    start = sorted(blocks)[40] + 1
    listed = list_blocks(ebs, snap, MaxResults=100, StartingBlockIndex=start)
    assert list(listed) == [i for i in sorted(blocks) if i >= start]


def test_tokens_from_every_page_read_their_blocks(ebs, many):
    snap, blocks = many
    tokens = list_blocks(ebs, snap, MaxResults=100)
    sample = sorted(blocks)[::15] + [max(blocks)]
    for i in sample:
        assert read_block(ebs, snap, i, tokens[i]) == blocks[i]
