"""Glacier jobs: InitiateJob, DescribeJob, ListJobs, inventory retrieval, job delay
(docs/aws/glacier.md#jobs). Ranged retrievals and GetJobOutput ranges: test_glacier_job_output.py.
"""

import csv
import io
import json
import time

import pytest
import requests

from glacier_helpers import (
    API_VERSION, ID_RE, ISO8601_RE, MiB, expect_error, expect_status, parse_iso, random_bytes,
    sigv4_headers, status_of, tree_hash, unique_name, upload_archive, vault_arn, wait_for_job)

ONE = "111111111111"
SIZE = 5 * MiB + 1234
BAD = "InvalidParameterValueException"


@pytest.fixture(scope="module")
def stored(glacier):
    """A vault holding one 5 MiB + 1234 B archive: (vault, archive_id, data)."""
    vault = unique_name("jobs")
    glacier.create_vault(vaultName=vault)
    data = random_bytes(SIZE)
    archive_id = upload_archive(glacier, vault, data, description="job source")["archiveId"]
    return vault, archive_id, data


def start_job(client, vault, **params):
    resp = client.initiate_job(vaultName=vault, jobParameters=params)
    assert status_of(resp) == 202, resp
    return resp["jobId"]


def test_initiate_job_returns_202_id_and_location(glacier, stored):
    vault, archive_id, _ = stored
    resp = glacier.initiate_job(vaultName=vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": archive_id})
    assert status_of(resp) == 202
    assert ID_RE.match(resp["jobId"])
    assert resp["location"] == f"/{ONE}/vaults/{vault}/jobs/{resp['jobId']}"


def test_describe_archive_retrieval_job(glacier, stored):
    vault, archive_id, data = stored
    job_id = start_job(glacier, vault, Type="archive-retrieval", ArchiveId=archive_id,
                       Description="restore everything")
    desc = wait_for_job(glacier, vault, job_id)
    assert desc["JobId"] == job_id
    assert desc["JobDescription"] == "restore everything"
    assert desc["Action"] == "ArchiveRetrieval"
    assert desc["ArchiveId"] == archive_id
    assert desc["VaultARN"] == vault_arn(ONE, vault)
    assert desc["Completed"] is True
    assert desc["StatusCode"] == "Succeeded"
    assert desc["ArchiveSizeInBytes"] == SIZE
    assert desc["SHA256TreeHash"] == tree_hash(data)
    assert desc["ArchiveSHA256TreeHash"] == tree_hash(data)
    assert desc["RetrievalByteRange"] == f"0-{SIZE - 1}"
    assert desc["Tier"] == "Standard"
    assert ISO8601_RE.match(desc["CreationDate"]) and ISO8601_RE.match(desc["CompletionDate"])
    assert parse_iso(desc["CompletionDate"]) >= parse_iso(desc["CreationDate"])


@pytest.mark.parametrize("tier", ["Expedited", "Standard", "Bulk"])
def test_job_tier_is_echoed(glacier, stored, tier):
    vault, archive_id, _ = stored
    job_id = start_job(glacier, vault, Type="archive-retrieval", ArchiveId=archive_id, Tier=tier)
    assert glacier.describe_job(vaultName=vault, jobId=job_id)["Tier"] == tier


def test_list_jobs_filters_and_pagination(glacier, vault):
    archive_id = upload_archive(glacier, vault, random_bytes(2000))["archiveId"]
    ids = []
    for _ in range(3):
        ids.append(start_job(glacier, vault, Type="archive-retrieval", ArchiveId=archive_id))
        time.sleep(0.01)
    for job_id in ids:
        wait_for_job(glacier, vault, job_id)

    def listed(**kw):
        return [j["JobId"] for j in glacier.list_jobs(vaultName=vault, **kw)["JobList"]]

    assert listed() == ids  # sorted by initiation time
    assert listed(statuscode="Succeeded") == ids
    assert listed(statuscode="InProgress") == []
    assert listed(statuscode="Failed") == []
    assert listed(completed="true") == ids
    assert listed(completed="false") == []
    by_hand, marker = [], None
    while True:
        page = glacier.list_jobs(vaultName=vault, limit="1", **({"marker": marker} if marker else {}))
        assert len(page["JobList"]) == 1
        by_hand += [j["JobId"] for j in page["JobList"]]
        marker = page.get("Marker")
        if not marker:
            break
    assert by_hand == ids
    pages = list(glacier.get_paginator("list_jobs").paginate(
        vaultName=vault, PaginationConfig={"PageSize": "2"}))
    assert [len(p["JobList"]) for p in pages] == [2, 1]
    assert [j["JobId"] for p in pages for j in p["JobList"]] == ids
    entry = glacier.list_jobs(vaultName=vault)["JobList"][0]
    assert entry["Action"] == "ArchiveRetrieval" and entry["ArchiveId"] == archive_id


def test_list_jobs_rejects_unknown_status_code(glacier, vault):
    expect_error(lambda: glacier.list_jobs(vaultName=vault, statuscode="finished"), BAD, 400,
                 message="The job status code is not valid: finished")


def test_missing_archive_is_404(glacier, vault):
    missing = "M" * 138
    expect_error(lambda: glacier.initiate_job(vaultName=vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": missing}),
        "ResourceNotFoundException", 404, message=f"The archive ID was not found: {missing}")


def test_missing_job_is_404(glacier, stored, vault):
    missing = "J" * 92
    message = f"The job ID was not found: {missing}"
    expect_error(lambda: glacier.describe_job(vaultName=vault, jobId=missing),
                 "ResourceNotFoundException", 404, message=message)
    expect_error(lambda: glacier.get_job_output(vaultName=vault, jobId=missing),
                 "ResourceNotFoundException", 404, message=message)
    other_vault, archive_id, _ = stored  # a real job id, asked for in the wrong vault
    job_id = start_job(glacier, other_vault, Type="archive-retrieval", ArchiveId=archive_id)
    expect_error(lambda: glacier.describe_job(vaultName=vault, jobId=job_id),
                 "ResourceNotFoundException", 404, message=f"The job ID was not found: {job_id}")


def test_job_in_missing_vault_is_404(glacier, vault_name):
    name = vault_name()
    expect_error(lambda: glacier.initiate_job(vaultName=name, jobParameters={
        "Type": "inventory-retrieval"}), "ResourceNotFoundException", 404,
        message=f"Vault not found for ARN: {vault_arn(ONE, name)}")


def test_job_without_parameters_is_rejected(glacier, vault, tessera, accounts):
    # boto3 sends `{}` when jobParameters is omitted: no Type, so a 400.
    expect_status(lambda: glacier.initiate_job(vaultName=vault), 400)
    # A truly empty body (other SDKs) has a message captured from AWS.
    url = f"{tessera.endpoint}/-/vaults/{vault}/jobs"
    one = accounts["one"]
    headers = sigv4_headers("POST", url, one.access_key, one.secret_key,
                            headers={"x-amz-glacier-version": API_VERSION})
    resp = requests.post(url, headers=headers, data=b"", timeout=30)
    assert resp.status_code == 400, resp.text
    assert resp.json()["message"] == "Required parameter missing: Job Parameters"
    assert glacier.list_jobs(vaultName=vault)["JobList"] == []


@pytest.mark.parametrize("params", [
    {"Type": "inventory-retrieval", "ArchiveId": "A" * 138},   # ArchiveId not allowed
    {"Type": "archive-retrieval"},                             # ArchiveId required
    {"Type": "restore-everything"},                            # unknown type
    {"Type": "inventory-retrieval", "Format": "XML"},          # unknown format
])
def test_bad_job_parameters_are_rejected(glacier, vault, params):
    resp = expect_status(lambda: glacier.initiate_job(vaultName=vault, jobParameters=params), 400)
    assert resp["Error"]["Message"]
    assert glacier.list_jobs(vaultName=vault)["JobList"] == []


@pytest.fixture
def inventory_vault(glacier, vault):
    """A vault with two archives; returns (vault, {archive_id: (data, description)})."""
    archives = {}
    for data, desc in [(random_bytes(1500), 'quoted "name", with comma'),
                       (random_bytes(MiB + 7), "plain")]:
        archives[upload_archive(glacier, vault, data, description=desc)["archiveId"]] = (data, desc)
    return vault, archives


def check_inventory_entry(entry, archives):
    data, desc = archives[entry["ArchiveId"]]
    assert entry["ArchiveDescription"] == desc
    assert int(entry["Size"]) == len(data)
    assert entry["SHA256TreeHash"] == tree_hash(data)
    assert ISO8601_RE.match(entry["CreationDate"]), entry


def test_inventory_retrieval_json(glacier, inventory_vault):
    vault, archives = inventory_vault
    job_id = start_job(glacier, vault, Type="inventory-retrieval")
    desc = wait_for_job(glacier, vault, job_id)
    assert desc["Action"] == "InventoryRetrieval" and desc["StatusCode"] == "Succeeded"
    assert desc["InventoryRetrievalParameters"]["Format"] == "JSON"
    assert desc.get("SHA256TreeHash") is None
    out = glacier.get_job_output(vaultName=vault, jobId=job_id)
    body = out["body"].read()
    assert status_of(out) == 200
    assert out["contentType"].startswith("application/json")
    assert desc["InventorySizeInBytes"] == len(body)
    inventory = json.loads(body)
    assert inventory["VaultARN"] == vault_arn(ONE, vault)
    assert ISO8601_RE.match(inventory["InventoryDate"])
    assert sorted(a["ArchiveId"] for a in inventory["ArchiveList"]) == sorted(archives)
    for entry in inventory["ArchiveList"]:
        check_inventory_entry(entry, archives)


def test_inventory_retrieval_csv(glacier, inventory_vault):
    vault, archives = inventory_vault
    job_id = start_job(glacier, vault, Type="inventory-retrieval", Format="CSV")
    desc = wait_for_job(glacier, vault, job_id)
    assert desc["InventoryRetrievalParameters"]["Format"] == "CSV"
    out = glacier.get_job_output(vaultName=vault, jobId=job_id)
    body = out["body"].read()
    assert out["contentType"].startswith("text/csv")
    assert desc["InventorySizeInBytes"] == len(body)
    rows = list(csv.reader(io.StringIO(body.decode()), escapechar="\\", doublequote=False))
    rows = [r for r in rows if r]
    assert rows[0] == ["ArchiveId", "ArchiveDescription", "CreationDate", "Size", "SHA256TreeHash"]
    entries = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert sorted(e["ArchiveId"] for e in entries) == sorted(archives)
    for entry in entries:
        check_inventory_entry(entry, archives)
    assert '"quoted \\"name\\", with comma"' in body.decode()


@pytest.mark.slow
def test_delayed_job_in_progress_then_succeeded(slow_glacier):
    vault = unique_name("slow-jobs")
    slow_glacier.create_vault(vaultName=vault)
    data = random_bytes(MiB + 100)
    archive_id = upload_archive(slow_glacier, vault, data)["archiveId"]
    job_id = start_job(slow_glacier, vault, Type="archive-retrieval", ArchiveId=archive_id)
    desc = slow_glacier.describe_job(vaultName=vault, jobId=job_id)
    assert desc["StatusCode"] == "InProgress" and desc["Completed"] is False
    assert desc.get("SHA256TreeHash") is None and desc.get("CompletionDate") is None
    expect_error(lambda: slow_glacier.get_job_output(vaultName=vault, jobId=job_id), BAD, 400,
                 message=f"The job is not currently available for download: {job_id}")
    in_progress = slow_glacier.list_jobs(vaultName=vault, statuscode="InProgress")["JobList"]
    assert [j["JobId"] for j in in_progress] == [job_id]
    assert [j["JobId"] for j in slow_glacier.list_jobs(vaultName=vault, completed="false")[
        "JobList"]] == [job_id]
    started = time.monotonic()
    desc = wait_for_job(slow_glacier, vault, job_id, timeout=30)
    assert time.monotonic() - started < 10
    assert desc["StatusCode"] == "Succeeded" and desc["Completed"] is True
    assert desc["SHA256TreeHash"] == tree_hash(data)
    assert ISO8601_RE.match(desc["CompletionDate"])
    assert slow_glacier.list_jobs(vaultName=vault, statuscode="InProgress")["JobList"] == []
    out = slow_glacier.get_job_output(vaultName=vault, jobId=job_id)
    assert out["body"].read() == data
    assert out["checksum"] == tree_hash(data)
