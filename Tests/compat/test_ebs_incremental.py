"""EBS direct: incremental snapshots (ParentSnapshotId), ListChangedBlocks, and content-addressed
storage of blocks (docs/aws/ebs.md#parent-snapshots, #completesnapshot,
#reading; docs/data-directory.md)."""

import hashlib
from dataclasses import dataclass

import pytest

from ebs_helpers import (
    BLOCK_SIZE, BLOCK_TOKEN_RE, complete_snapshot, completed_snapshot, expect_ebs_error,
    list_blocks, list_changed_blocks, put_block, random_block, read_all_blocks, read_block,
    start_snapshot, write_blocks, zero_block)
from tessera_server import TEST_ACCOUNTS, make_client


@dataclass
class Lineage:
    parent: str
    child: str
    parent_blocks: dict
    child_blocks: dict      # only what the child wrote
    child_start: dict
    child_status: str

    @property
    def child_view(self) -> dict:
        return {**self.parent_blocks, **self.child_blocks}


@pytest.fixture(scope="module")
def lineage(ebs) -> Lineage:
    """Parent {0, 1, 10 (zeros), 2047}; the child overwrites 1 and adds 20."""
    parent_blocks = {0: random_block(), 1: random_block(), 10: zero_block(), 2047: random_block()}
    parent = completed_snapshot(ebs, parent_blocks, Description="parent")
    start = start_snapshot(ebs, 1, ParentSnapshotId=parent, Description="child")
    child = start["SnapshotId"]
    child_blocks = {1: random_block(), 20: random_block()}
    write_blocks(ebs, child, child_blocks)
    # Count and aggregate cover only the blocks written in the child (docs/aws/ebs.md#linear-checksum).
    status = complete_snapshot(ebs, child, child_blocks, count=2)
    return Lineage(parent, child, parent_blocks, child_blocks, start, status)


def test_child_start_names_its_parent(lineage):
    assert lineage.child_start["ParentSnapshotId"] == lineage.parent
    assert lineage.child_start["VolumeSize"] == 1
    assert lineage.child != lineage.parent


def test_child_completes_counting_only_its_own_blocks(lineage):
    assert lineage.child_status == "completed"


def test_child_lists_inherited_and_own_blocks(ebs, lineage):
    assert list(list_blocks(ebs, lineage.child)) == [0, 1, 10, 20, 2047]
    assert list(list_blocks(ebs, lineage.parent)) == [0, 1, 10, 2047]


def test_child_reads_inherited_blocks_with_the_parents_bytes(ebs, lineage):
    assert read_all_blocks(ebs, lineage.child) == lineage.child_view
    # The parent is unchanged by the child's overwrite of index 1.
    assert read_all_blocks(ebs, lineage.parent) == lineage.parent_blocks


def test_changed_blocks_are_the_overwritten_and_the_new_ones(ebs, lineage):
    changed = list_changed_blocks(ebs, lineage.parent, lineage.child)
    assert [c["BlockIndex"] for c in changed] == [1, 20]
    overwritten, new = changed
    assert BLOCK_TOKEN_RE.match(overwritten["FirstBlockToken"])
    assert BLOCK_TOKEN_RE.match(overwritten["SecondBlockToken"])
    assert "FirstBlockToken" not in new  # the parent has no block 20
    assert BLOCK_TOKEN_RE.match(new["SecondBlockToken"])
    # First tokens read the first snapshot, second tokens the second.
    assert read_block(ebs, lineage.parent, 1, overwritten["FirstBlockToken"]) == lineage.parent_blocks[1]
    assert read_block(ebs, lineage.child, 1, overwritten["SecondBlockToken"]) == lineage.child_blocks[1]
    assert read_block(ebs, lineage.child, 20, new["SecondBlockToken"]) == lineage.child_blocks[20]


def test_changed_blocks_response_fields(ebs, lineage):
    resp = ebs.list_changed_blocks(FirstSnapshotId=lineage.parent, SecondSnapshotId=lineage.child)
    assert resp["BlockSize"] == BLOCK_SIZE
    assert resp["VolumeSize"] == 1
    assert not resp.get("NextToken")


def test_changed_blocks_honour_starting_block_index(ebs, lineage):
    changed = list_changed_blocks(ebs, lineage.parent, lineage.child, StartingBlockIndex=2)
    assert [c["BlockIndex"] for c in changed] == [20]


def test_grandchild_without_writes_reads_the_whole_lineage(ebs, lineage):
    grandchild = start_snapshot(ebs, 1, ParentSnapshotId=lineage.child)["SnapshotId"]
    assert complete_snapshot(ebs, grandchild, count=0, linear=False) == "completed"
    assert read_all_blocks(ebs, grandchild) == lineage.child_view
    changed = list_changed_blocks(ebs, lineage.parent, grandchild)
    assert [c["BlockIndex"] for c in changed] == [1, 20]
    assert list_changed_blocks(ebs, lineage.child, grandchild) == []


def test_grandchild_overwriting_an_inherited_zero_block(ebs, lineage):
    grandchild = start_snapshot(ebs, 1, ParentSnapshotId=lineage.child)["SnapshotId"]
    own = {10: random_block()}
    write_blocks(ebs, grandchild, own)
    assert complete_snapshot(ebs, grandchild, own) == "completed"
    assert read_all_blocks(ebs, grandchild) == {**lineage.child_view, **own}
    changed = list_changed_blocks(ebs, lineage.child, grandchild)
    assert [c["BlockIndex"] for c in changed] == [10]
    assert "FirstBlockToken" in changed[0]


def test_changed_blocks_without_a_first_snapshot_is_rejected(ebs, lineage):
    # The model makes FirstSnapshotId optional; real EBS refuses the request (docs/aws/ebs.md#listchangedblocks).
    expect_ebs_error(lambda: ebs.list_changed_blocks(SecondSnapshotId=lineage.child),
                     "ValidationException", 400, "INVALID_SNAPSHOT_ID",
                     "First snapshot should not be empty or null")


def test_changed_blocks_between_unrelated_snapshots_is_rejected(ebs, lineage):
    other = completed_snapshot(ebs, {1: random_block()})
    expect_ebs_error(lambda: ebs.list_changed_blocks(FirstSnapshotId=other,
                                                     SecondSnapshotId=lineage.child),
                     "ValidationException", 400, "UNRELATED_SNAPSHOTS")


def test_child_of_a_larger_volume_can_use_the_new_extent(ebs):
    parent_blocks = {2047: random_block()}
    parent = completed_snapshot(ebs, parent_blocks)
    child = start_snapshot(ebs, 2, ParentSnapshotId=parent)["SnapshotId"]
    own = {4095: random_block()}
    write_blocks(ebs, child, own)
    assert complete_snapshot(ebs, child, own) == "completed"
    assert read_all_blocks(ebs, child) == {**parent_blocks, **own}


# -- content addressing ---------------------------------------------------------------

def blob_files(server) -> set:
    root = server.data_dir / "blobs" / "sha256"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_identical_blocks_in_two_snapshots_are_stored_once(server_factory):
    server = server_factory("tessera-ebs-dedup").start()
    ebs = make_client(server.endpoint, TEST_ACCOUNTS["one"], "ebs")
    before = blob_files(server)
    first = completed_snapshot(ebs, {i: zero_block() for i in (0, 1, 2, 3)})
    second_blocks = {i: zero_block() for i in (100, 101, 102, 103)}
    second = start_snapshot(ebs)["SnapshotId"]
    write_blocks(ebs, second, second_blocks)
    added = blob_files(server) - before
    assert [p.name for p in added] == [hashlib.sha256(zero_block()).hexdigest()], added

    # A random block put into two snapshots (and once more as a retry) adds exactly one blob.
    data = random_block()
    child = start_snapshot(ebs, 1, ParentSnapshotId=first)["SnapshotId"]
    put_block(ebs, second, 500, data)
    put_block(ebs, second, 500, data)
    put_block(ebs, child, 7, data)
    added = blob_files(server) - before
    assert sorted(p.name for p in added) == sorted(
        hashlib.sha256(b).hexdigest() for b in (zero_block(), data)), added
    second_blocks[500] = data
    assert complete_snapshot(ebs, second, second_blocks) == "completed"
    assert read_all_blocks(ebs, second) == second_blocks
