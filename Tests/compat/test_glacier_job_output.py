"""Glacier GetJobOutput and ranged archive retrievals (docs/aws/glacier.md#tree-hash-aligned-ranges,
#getjoboutput).

The archive is 5 MiB + 1234 B = 6 tree-hash chunks; ranges below are labelled by whether they
are a node of its tree (aligned: a checksum is due) or not (no checksum).
"""

import pytest

from glacier_helpers import (
    MiB, expect_error, is_tree_hash_aligned, random_bytes, status_of, tree_hash, unique_name,
    upload_archive, wait_for_job)

SIZE = 5 * MiB + 1234
BAD = "InvalidParameterValueException"


@pytest.fixture(scope="module")
def stored(glacier):
    vault = unique_name("job-output")
    glacier.create_vault(vaultName=vault)
    data = random_bytes(SIZE)
    archive_id = upload_archive(glacier, vault, data, description="ranged source")["archiveId"]
    return vault, archive_id, data


@pytest.fixture(scope="module")
def whole_job(glacier, stored):
    vault, archive_id, _ = stored
    job = glacier.initiate_job(vaultName=vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": archive_id})
    wait_for_job(glacier, vault, job["jobId"])
    return job["jobId"]


def ranged_job(glacier, stored, first, last):
    vault, archive_id, _ = stored
    job = glacier.initiate_job(vaultName=vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": archive_id,
        "RetrievalByteRange": f"{first}-{last}"})
    return wait_for_job(glacier, vault, job["jobId"])


def test_whole_output(glacier, stored, whole_job):
    vault, _, data = stored
    out = glacier.get_job_output(vaultName=vault, jobId=whole_job)
    assert status_of(out) == 200
    assert out["body"].read() == data
    assert out["checksum"] == tree_hash(data)
    assert out["contentType"] == "application/octet-stream"
    assert out["acceptRanges"] == "bytes"
    assert out["archiveDescription"] == "ranged source"
    assert int(out["ResponseMetadata"]["HTTPHeaders"]["content-length"]) == SIZE


def test_output_can_be_downloaded_twice(glacier, stored, whole_job):
    vault, _, data = stored
    for _ in range(2):
        assert glacier.get_job_output(vaultName=vault, jobId=whole_job)["body"].read() == data


@pytest.mark.parametrize("first,last", [
    (MiB, 2 * MiB - 1),            # aligned: one leaf
    (2 * MiB, 4 * MiB - 1),        # aligned: level-1 node
    (4 * MiB, SIZE - 1),           # aligned: last node, ragged
    (0, SIZE - 1),                 # aligned: everything, as a range
    (0, 99),                       # not aligned
    (MiB, 3 * MiB - 1),            # MiB aligned, not a node
    (SIZE - 10, SIZE - 1),         # tail bytes
])
def test_output_range(glacier, stored, whole_job, first, last):
    vault, _, data = stored
    out = glacier.get_job_output(vaultName=vault, jobId=whole_job, range=f"bytes={first}-{last}")
    assert status_of(out) == 206
    assert out["contentRange"] == f"bytes {first}-{last}/{SIZE}"
    assert out["body"].read() == data[first:last + 1]
    expected = tree_hash(data[first:last + 1]) if is_tree_hash_aligned(first, last, SIZE) else None
    assert out.get("checksum") == expected


@pytest.mark.parametrize("first,last", [
    (2 * MiB, 4 * MiB - 1),        # tree-hash aligned
    (4 * MiB, SIZE - 1),           # aligned, ends at the archive's last byte
    (0, MiB - 1),                  # aligned leaf
    (MiB, 3 * MiB - 1),            # MiB aligned only
    (MiB, SIZE - 1),               # MiB aligned only, to the end
])
def test_ranged_retrieval(glacier, stored, first, last):
    vault, _, data = stored
    piece = data[first:last + 1]
    aligned = is_tree_hash_aligned(first, last, SIZE)
    desc = ranged_job(glacier, stored, first, last)
    assert desc["RetrievalByteRange"] == f"{first}-{last}"
    assert desc["ArchiveSizeInBytes"] == SIZE
    assert desc["ArchiveSHA256TreeHash"] == tree_hash(data)
    assert desc.get("SHA256TreeHash") == (tree_hash(piece) if aligned else None)
    out = glacier.get_job_output(vaultName=vault, jobId=desc["JobId"])
    assert status_of(out) == 200
    assert out["body"].read() == piece
    assert out.get("checksum") == (tree_hash(piece) if aligned else None)


def test_range_of_a_ranged_retrieval_is_relative(glacier, stored):
    vault, _, data = stored
    desc = ranged_job(glacier, stored, 2 * MiB, 4 * MiB - 1)
    out = glacier.get_job_output(vaultName=vault, jobId=desc["JobId"],
                                 range=f"bytes={MiB}-{2 * MiB - 1}")
    assert status_of(out) == 206
    assert out["contentRange"] == f"bytes {MiB}-{2 * MiB - 1}/{2 * MiB}"
    assert out["body"].read() == data[3 * MiB:4 * MiB]
    assert out["checksum"] == tree_hash(data[3 * MiB:4 * MiB])
    out = glacier.get_job_output(vaultName=vault, jobId=desc["JobId"], range="bytes=10-19")
    assert out["body"].read() == data[2 * MiB + 10:2 * MiB + 20]
    assert out.get("checksum") is None


def test_no_checksum_when_the_job_range_is_not_aligned(glacier, stored):
    vault, _, data = stored
    desc = ranged_job(glacier, stored, MiB, 3 * MiB - 1)
    out = glacier.get_job_output(vaultName=vault, jobId=desc["JobId"], range=f"bytes=0-{MiB - 1}")
    assert out["body"].read() == data[MiB:2 * MiB]
    assert out.get("checksum") is None


@pytest.mark.parametrize("byte_range", [
    "100-1048575",                 # start not MiB aligned
    "0-1000",                      # end not MiB aligned and not the last byte
    f"{MiB}-{MiB}",                # one byte
    f"0-{SIZE}",                   # one past the end
    f"0-{8 * MiB - 1}",            # beyond the archive
    f"{2 * MiB}-{MiB - 1}",        # end before start
    "abc",
    f"{MiB}-",
])
def test_bad_retrieval_byte_range_is_rejected(glacier, stored, byte_range):
    vault, archive_id, _ = stored
    expect_error(lambda: glacier.initiate_job(vaultName=vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": archive_id, "RetrievalByteRange": byte_range}),
        BAD, 400)
