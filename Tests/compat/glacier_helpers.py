"""Shared helpers for the Glacier compat tests: tree hashes, data, uploads, errors, signing."""

from __future__ import annotations

import datetime
import hashlib
import io
import random
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence
from unittest import mock

import botocore.utils
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

MiB = 1024 * 1024
GiB = 1024 * MiB
REGION = "us-east-1"
API_VERSION = "2012-06-01"
ISO8601_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
ID_RE = re.compile(r"^[A-Za-z0-9_-]+$")
HEX64_RE = re.compile(r"^[0-9a-f]{64}$")


def parse_iso(value: str) -> datetime.datetime:
    """Parse a Glacier timestamp (`2012-03-20T17:03:43.221Z`, fraction optional)."""
    assert ISO8601_RE.match(value), value
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


# -- hashes ---------------------------------------------------------------------------

def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def combine_tree(digests: Sequence[bytes]) -> bytes:
    """Reduce raw 32-byte nodes pairwise, left to right; an odd last node is promoted."""
    if not digests:
        return hashlib.sha256(b"").digest()
    level = list(digests)
    while len(level) > 1:
        nxt = [hashlib.sha256(level[i] + level[i + 1]).digest()
               for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def tree_hash(data: bytes) -> str:
    """SHA-256 tree hash per docs/aws/glacier.md#tree-hash (independent of botocore)."""
    leaves = [hashlib.sha256(data[i:i + MiB]).digest() for i in range(0, len(data), MiB)]
    return combine_tree(leaves).hex()


def botocore_tree_hash(data: bytes) -> str:
    return botocore.utils.calculate_tree_hash(io.BytesIO(data))


def tree_hash_of_parts(part_hashes: Sequence[str]) -> str:
    """Archive hash from part tree hashes (valid when part size is 1 MiB x 2^k)."""
    return combine_tree([bytes.fromhex(h) for h in part_hashes]).hex()


def is_tree_hash_aligned(first: int, last: int, size: int) -> bool:
    """Is the inclusive byte range [first, last] a node of the archive's tree
    (docs/aws/glacier.md#tree-hash-aligned-ranges)?"""
    if first % MiB:
        return False
    end = last + 1
    if end % MiB and end != size:
        return False
    p, n = first // MiB, -(-size // MiB)
    q = -(-end // MiB)
    k = 0
    while (1 << k) < 2 * max(n, 1):
        if p % (1 << k) == 0 and q == min(p + (1 << k), n):
            return True
        k += 1
    return False


# -- data and names -------------------------------------------------------------------

def random_bytes(n: int, seed: Optional[int] = None) -> bytes:
    return random.Random(seed).randbytes(n) if seed is not None else random.randbytes(n)


def unique_name(prefix: str = "compat") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def vault_arn(account_id: str, vault: str, region: str = REGION) -> str:
    return f"arn:aws:glacier:{region}:{account_id}:vaults/{vault}"


def content_range(first: int, last: int) -> str:
    return f"bytes {first}-{last}/*"


def part_ranges(size: int, part_size: int) -> list[tuple[int, int]]:
    """Inclusive (first, last) byte ranges of the parts of an archive of `size` bytes."""
    return [(o, min(o + part_size, size) - 1) for o in range(0, size, part_size)]


# -- errors ---------------------------------------------------------------------------

def expect_error(call: Callable[[], object], code: str, status: int,
                 message: Optional[str] = None, contains: Optional[str] = None) -> dict:
    """Run `call`, require a ClientError with this code/status (and message); return its response."""
    with pytest.raises(ClientError) as excinfo:
        call()
    resp = excinfo.value.response
    assert resp["Error"]["Code"] == code, resp
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == status, resp
    if message is not None:
        assert resp["Error"]["Message"] == message, resp
    if contains is not None:
        assert contains in resp["Error"]["Message"], resp
    return resp


def expect_status(call: Callable[[], object], *statuses: int) -> dict:
    """Run `call`, require a ClientError whose HTTP status is one of `statuses`."""
    with pytest.raises(ClientError) as excinfo:
        call()
    resp = excinfo.value.response
    assert resp["ResponseMetadata"]["HTTPStatusCode"] in statuses, resp
    assert resp["Error"]["Code"], resp
    return resp


def status_of(resp: dict) -> int:
    return resp["ResponseMetadata"]["HTTPStatusCode"]


# -- multipart ------------------------------------------------------------------------

@dataclass
class Upload:
    vault: str
    upload_id: str
    part_size: int
    part_hashes: dict[int, str] = field(default_factory=dict)  # first byte -> tree hash


def initiate(client, vault: str, part_size: int = MiB, description: Optional[str] = None) -> Upload:
    kwargs = {"vaultName": vault, "partSize": str(part_size)}
    if description is not None:
        kwargs["archiveDescription"] = description
    resp = client.initiate_multipart_upload(**kwargs)
    assert status_of(resp) == 201, resp
    return Upload(vault, resp["uploadId"], part_size)


def upload_part(client, up: Upload, data: bytes, first: int, last: Optional[int] = None) -> dict:
    last = first + min(up.part_size, len(data) - first) - 1 if last is None else last
    body = data[first:last + 1]
    resp = client.upload_multipart_part(
        vaultName=up.vault, uploadId=up.upload_id, range=content_range(first, last),
        body=body, checksum=tree_hash(body))
    assert status_of(resp) == 204, resp
    assert resp["checksum"] == tree_hash(body), resp
    up.part_hashes[first] = resp["checksum"]
    return resp


def upload_parts(client, up: Upload, data: bytes, order: Optional[Sequence[int]] = None,
                 threads: int = 1) -> None:
    """Upload every part of `data` (indexes in `order`, default ascending), maybe in parallel."""
    ranges = part_ranges(len(data), up.part_size)
    order = list(order) if order is not None else list(range(len(ranges)))
    if threads <= 1:
        for i in order:
            upload_part(client, up, data, ranges[i][0], ranges[i][1])
        return
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(upload_part, client, up, data, ranges[i][0], ranges[i][1])
                   for i in order]
        for f in futures:
            f.result()


def complete(client, up: Upload, size: int, checksum: str) -> dict:
    return client.complete_multipart_upload(
        vaultName=up.vault, uploadId=up.upload_id, archiveSize=str(size), checksum=checksum)


def upload_in_parts(client, vault: str, data: bytes, part_size: int = MiB,
                    description: Optional[str] = None, threads: int = 1) -> dict:
    """Initiate, upload every part, complete; returns the complete response."""
    up = initiate(client, vault, part_size, description)
    upload_parts(client, up, data, threads=threads)
    resp = complete(client, up, len(data), tree_hash(data))
    assert status_of(resp) == 201, resp
    return resp


def upload_archive(client, vault: str, data: bytes, description: Optional[str] = None) -> dict:
    kwargs = {"vaultName": vault, "body": data, "checksum": tree_hash(data)}
    if description is not None:
        kwargs["archiveDescription"] = description
    resp = client.upload_archive(**kwargs)
    assert status_of(resp) == 201, resp
    return resp


# -- jobs -----------------------------------------------------------------------------

def wait_for_job(client, vault: str, job_id: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        desc = client.describe_job(vaultName=vault, jobId=job_id)
        if desc["Completed"]:
            return desc
        assert time.monotonic() < deadline, f"job {job_id} not completed after {timeout}s: {desc}"
        time.sleep(0.2)


def retrieve_archive(client, vault: str, archive_id: str, **params) -> tuple[dict, dict, bytes]:
    """Run an archive-retrieval job to completion; returns (describe, output resp, bytes)."""
    job = client.initiate_job(vaultName=vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": archive_id, **params})
    assert status_of(job) == 202, job
    desc = wait_for_job(client, vault, job["jobId"])
    out = client.get_job_output(vaultName=vault, jobId=job["jobId"])
    return desc, out, out["body"].read()


# -- raw SigV4 ------------------------------------------------------------------------

def sigv4_headers(method: str, url: str, access_key: str, secret_key: str, *,
                  body: bytes = b"", headers: Optional[dict] = None, when=None,
                  region: str = REGION, service: str = "glacier") -> dict:
    """Headers (incl. Authorization, X-Amz-Date) of a botocore-signed request.

    `when` (a naive UTC datetime) signs at another time, to test clock skew.
    """
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    auth = SigV4Auth(Credentials(access_key, secret_key), service, region)
    if when is None:
        auth.add_auth(req)
    else:
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            auth.add_auth(req)
    return dict(req.headers.items())
