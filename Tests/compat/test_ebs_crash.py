"""Durability of EBS snapshots: SIGKILL the server while a snapshot is pending and right after it
completed, restart on the same data dir, and find every acknowledged block (docs/architecture.md#durability;
docs/aws/ebs.md#putsnapshotblock to #reading)."""

import uuid

import pytest

from ebs_helpers import (
    complete_snapshot, expect_snapshot_not_found, list_blocks, put_block, random_block, read_all_blocks, start_snapshot,
    write_blocks, zero_block)
from tessera_server import TEST_ACCOUNTS, make_client

pytestmark = [pytest.mark.crash, pytest.mark.slow]
ONE = TEST_ACCOUNTS["one"]


def ebs_client(server):
    return make_client(server.endpoint, ONE, "ebs")


def test_kill_9_with_a_pending_snapshot_keeps_acknowledged_blocks(server_factory):
    server = server_factory("tessera-ebs-crash").start()
    ebs = ebs_client(server)
    snap = start_snapshot(ebs, 1, Description="crash")["SnapshotId"]
    before = {0: random_block(), 1: zero_block(), 500: random_block(), 2047: random_block()}
    write_blocks(ebs, snap, before, threads=4)
    put_block(ebs, snap, 500, before[500])  # a retry just before the crash
    server.kill()

    server.start()  # same data dir, new port
    ebs = ebs_client(server)
    # Still pending after the restart: not readable yet, but writable.
    expect_snapshot_not_found(lambda: ebs.list_snapshot_blocks(SnapshotId=snap), snap)
    after = {2: random_block(), 1000: random_block(), 1: random_block()}  # 1 overwritten
    write_blocks(ebs, snap, after, threads=4)
    blocks = {**before, **after}
    assert complete_snapshot(ebs, snap, blocks, count=6) == "completed"
    assert read_all_blocks(ebs, snap) == blocks

    server.kill()  # right after the completion was acknowledged
    server.start()
    ebs = ebs_client(server)
    assert list(list_blocks(ebs, snap)) == sorted(blocks)
    assert read_all_blocks(ebs, snap) == blocks
    assert complete_snapshot(ebs, snap, count=0, linear=False) == "completed"


def test_kill_9_keeps_lineage_and_client_tokens(server_factory):
    server = server_factory("tessera-ebs-crash-lineage").start()
    ebs = ebs_client(server)
    parent_blocks = {i: random_block() for i in (0, 1, 2)}
    token = str(uuid.uuid4())
    parent = start_snapshot(ebs, 1, ClientToken=token)["SnapshotId"]
    write_blocks(ebs, parent, parent_blocks)
    assert complete_snapshot(ebs, parent, parent_blocks) == "completed"
    child = start_snapshot(ebs, 1, ParentSnapshotId=parent)["SnapshotId"]
    own = {1: random_block()}
    write_blocks(ebs, child, own)
    server.kill()

    server.start()
    ebs = ebs_client(server)
    assert ebs.start_snapshot(VolumeSize=1, ClientToken=token)["SnapshotId"] == parent
    assert complete_snapshot(ebs, child, own) == "completed"
    assert read_all_blocks(ebs, child) == {**parent_blocks, **own}
    changed = ebs.list_changed_blocks(FirstSnapshotId=parent, SecondSnapshotId=child)["ChangedBlocks"]
    assert [c["BlockIndex"] for c in changed] == [1]
