"""EC2's DescribeSnapshots and DeleteSnapshot (EC2 Query protocol, XML) for the snapshots this server
holds, through boto3's ec2 client: polling to `completed` with the waiter, filters, pagination, deletion."""

import base64
import hashlib
import os

import boto3
import pytest
from botocore.exceptions import ClientError

from tessera_server import TEST_ACCOUNTS

BLOCK = 524288


@pytest.fixture(scope="module")
def ebs(client_for):
    return client_for("one", "ebs")


@pytest.fixture(scope="module")
def ec2(client_for):
    return client_for("one", "ec2")


def put(ebs, snapshot, index, data):
    ebs.put_snapshot_block(SnapshotId=snapshot, BlockIndex=index, BlockData=data, DataLength=BLOCK,
                           Checksum=base64.b64encode(hashlib.sha256(data).digest()).decode(), ChecksumAlgorithm="SHA256")


def test_describe_reports_state_owner_size_and_tags(ebs, ec2):
    snap = ebs.start_snapshot(VolumeSize=3, Description="nightly", Tags=[{"Key": "team", "Value": "infra"}])["SnapshotId"]
    found = ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"]
    assert [s["State"] for s in found] == ["pending"]
    ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=0)
    ec2.get_waiter("snapshot_completed").wait(SnapshotIds=[snap], WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    (described,) = ec2.describe_snapshots(SnapshotIds=[snap])["Snapshots"]
    assert described["State"] == "completed"
    assert described["OwnerId"] == "111111111111"
    assert described["VolumeSize"] == 3
    assert described["Description"] == "nightly"
    assert described["Progress"] == "100%"
    assert described["Tags"] == [{"Key": "team", "Value": "infra"}]
    assert described["Encrypted"] is False


def test_filters_owner_and_pagination(ebs, ec2, client_for):
    tag = os.urandom(4).hex()
    made = [ebs.start_snapshot(VolumeSize=1, Tags=[{"Key": "batch", "Value": tag}])["SnapshotId"] for _ in range(7)]
    by_tag = ec2.describe_snapshots(Filters=[{"Name": "tag:batch", "Values": [tag]}])["Snapshots"]
    assert sorted(s["SnapshotId"] for s in by_tag) == sorted(made)
    pages = ec2.get_paginator("describe_snapshots").paginate(
        Filters=[{"Name": "tag:batch", "Values": [tag]}], PaginationConfig={"PageSize": 5})
    sizes = [len(page["Snapshots"]) for page in pages]
    assert sizes == [5, 2]
    pending = ec2.describe_snapshots(Filters=[{"Name": "tag:batch", "Values": [tag]}, {"Name": "status", "Values": ["completed"]}])
    assert pending["Snapshots"] == []
    other = client_for("two", "ec2")
    assert not {s["SnapshotId"] for s in other.describe_snapshots()["Snapshots"]} & set(made), "another account sees none"


def test_delete_hides_the_snapshot_and_keeps_its_child_whole(ebs, ec2):
    parent = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    data = os.urandom(BLOCK)
    put(ebs, parent, 0, data)
    ebs.complete_snapshot(SnapshotId=parent, ChangedBlocksCount=1)
    child = ebs.start_snapshot(VolumeSize=1, ParentSnapshotId=parent)["SnapshotId"]
    ebs.complete_snapshot(SnapshotId=child, ChangedBlocksCount=0)
    ec2.delete_snapshot(SnapshotId=parent)
    with pytest.raises(ClientError) as error:
        ec2.describe_snapshots(SnapshotIds=[parent])
    assert error.value.response["Error"]["Code"] == "InvalidSnapshot.NotFound"
    assert error.value.response["Error"]["Message"] == f"The snapshot '{parent}' does not exist."
    with pytest.raises(ClientError) as error:
        ec2.delete_snapshot(SnapshotId=parent)
    assert error.value.response["Error"]["Code"] == "InvalidSnapshot.NotFound"
    (block,) = ebs.list_snapshot_blocks(SnapshotId=child)["Blocks"]
    got = ebs.get_snapshot_block(SnapshotId=child, BlockIndex=0, BlockToken=block["BlockToken"])["BlockData"].read()
    assert got == data


def test_a_snapshot_deleted_while_written_takes_no_more_blocks(ebs, ec2):
    snap = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    put(ebs, snap, 0, os.urandom(BLOCK))  # the server now holds this snapshot's record for the next blocks
    ec2.delete_snapshot(SnapshotId=snap)
    with pytest.raises(ClientError) as error:
        put(ebs, snap, 1, os.urandom(BLOCK))
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(ClientError) as error:
        ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=1)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_deleted_snapshot_that_was_just_read_is_gone_at_once(ebs, ec2):
    snap = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    put(ebs, snap, 0, os.urandom(BLOCK))
    ebs.complete_snapshot(SnapshotId=snap, ChangedBlocksCount=1)
    (block,) = ebs.list_snapshot_blocks(SnapshotId=snap)["Blocks"]
    ec2.delete_snapshot(SnapshotId=snap)
    with pytest.raises(ClientError) as error:
        ebs.get_snapshot_block(SnapshotId=snap, BlockIndex=0, BlockToken=block["BlockToken"])
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as error:
        ebs.list_snapshot_blocks(SnapshotId=snap)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_bad_signature_is_an_ec2_auth_failure(tessera):
    bad = boto3.client("ec2", endpoint_url=tessera.endpoint, region_name="us-east-1",
                       aws_access_key_id=TEST_ACCOUNTS["one"].access_key, aws_secret_access_key="not-the-secret")
    with pytest.raises(ClientError) as error:
        bad.describe_snapshots()
    assert error.value.response["Error"]["Code"] == "AuthFailure"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    metadata = error.value.response["ResponseMetadata"]
    assert metadata["RequestId"] == metadata["HTTPHeaders"]["x-amzn-requestid"], "one request id, in the body and the header"


def test_a_snapshot_id_numbered_past_any_integer_still_filters(tessera, ebs, ec2):
    """`SnapshotId.99999999999999999999` once fell out of the list, and DescribeSnapshots described every snapshot."""
    import requests
    from glacier_helpers import sigv4_headers
    one = TEST_ACCOUNTS["one"]
    ebs.start_snapshot(VolumeSize=1)  # at least one snapshot exists that must not be listed
    body = "Action=DescribeSnapshots&Version=2016-11-15&SnapshotId.99999999999999999999=snap-0123456789abcdef0"
    headers = sigv4_headers("POST", tessera.endpoint + "/", one.access_key, one.secret_key, body=body.encode(), service="ec2",
                            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    resp = requests.post(tessera.endpoint + "/", data=body.encode(), headers=headers, timeout=30)
    assert resp.status_code == 400, resp.text
    assert "<Code>InvalidSnapshot.NotFound</Code>" in resp.text, resp.text
