"""Shared helpers for the EBS direct API compat tests (docs/aws/ebs.md): blocks, checksums,
snapshot life cycle, listing with pagination, errors.

Asserted beyond what docs/aws/ebs.md spells out (from the stackd capture `testdata/aws/ebs/blocks.json`, real AWS):
framework-validation texts for `progress`, `maxResults` and `startingBlockIndex`; DataLength 5 with a
5-byte body → INVALID_PARAMETER_VALUE `Failed to read block data`; an idempotent StartSnapshot replays
StartTime exactly. Tessera choices (no AWS evidence): another account's or another region's snapshot
→ 404 SNAPSHOT_NOT_FOUND `The snapshot '…' does not exist.` (also as a parent, and for
ListChangedBlocks); a 256-char ClientToken → 400 ValidationException; refused requests change nothing
(a refused PutSnapshotBlock is not counted, a refused CompleteSnapshot leaves the snapshot pending);
page tokens `AAAA`, `bm90IGEgdG9rZW4=` and forged block tokens are invalid; an errored snapshot's
CompleteSnapshot answers `error` again.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import random
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Mapping, Optional

import pytest
from botocore.exceptions import ClientError

BLOCK_SIZE = 524288
BLOCKS_PER_GIB = 2048
SNAPSHOT_ID_RE = re.compile(r"^snap-[0-9a-f]{17}$")
BLOCK_TOKEN_RE = re.compile(r"^[A-Za-z0-9+/=_-]+$")  # docs/aws/ebs.md#block-tokens: server-side pattern

# The LINEAR check value of docs/aws/ebs.md#linear-checksum. The blocks are the stackd capture's payloads (recipe
# `repeat_utf8_truncate`: the seed text repeated and cut at 524288 bytes); their per-block
# SHA-256 values are in the same capture.
VECTOR_SEEDS = {"a": "stackd-ebs-synthetic-a\n", "b": "stackd-ebs-synthetic-b\n",
                "c": "stackd-ebs-synthetic-c\n"}
VECTOR_BLOCK_SHA256 = {"a": "Qib0wLZSCPxxAsnoZ1mqGTwYYUfxBvjcHbuEUOOwNdw=",
                       "b": "7MZ7lYcAJrKN1JmUX5CDaVV97bthlt/bgN4AmbQDHTA=",
                       "c": "4b2+EkHNyDn49FNHyinzwIPoVBW30eVGlR/lZ/NPTvE=",
                       "zero": "B4VNL+8pega6gWheZgwzLeNtXRjVRpJ9MNqtbX/aFUE="}
VECTOR_LINEAR = "Pq34jf4xh07iqiQpo/morRl/xL06mqy1ERimH+Hypi8="


# -- blocks and checksums -------------------------------------------------------------

def random_block(seed: Optional[int] = None) -> bytes:
    return random.Random(seed).randbytes(BLOCK_SIZE) if seed is not None else random.randbytes(BLOCK_SIZE)


def zero_block() -> bytes:
    return bytes(BLOCK_SIZE)


def repeated_block(text: str) -> bytes:
    """`text` repeated and truncated to one block (the stackd `repeat_utf8_truncate` recipe)."""
    unit = text.encode()
    return (unit * (BLOCK_SIZE // len(unit) + 1))[:BLOCK_SIZE]


def vector_blocks() -> dict[int, bytes]:
    """docs/aws/ebs.md#linear-checksum's vector: {0: b, 3: a, 7: zero, 2047: c}."""
    a, b, c = (repeated_block(VECTOR_SEEDS[k]) for k in "abc")
    return {0: b, 3: a, 7: zero_block(), 2047: c}


def b64_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def linear_checksum(blocks: Mapping[int, bytes]) -> str:
    """LINEAR aggregate (docs/aws/ebs.md#linear-checksum): base64(SHA-256(raw 32-byte digests in
    ascending index order))."""
    digests = b"".join(hashlib.sha256(blocks[i]).digest() for i in sorted(blocks))
    return b64_sha256(digests)


def unknown_snapshot_id() -> str:
    return "snap-" + secrets.token_hex(9)[:17]


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def status_of(resp: dict) -> int:
    return resp["ResponseMetadata"]["HTTPStatusCode"]


# -- snapshots ------------------------------------------------------------------------

def start_snapshot(ebs, volume_size: int = 1, **kwargs) -> dict:
    resp = ebs.start_snapshot(VolumeSize=volume_size, **kwargs)
    assert status_of(resp) == 201, resp
    assert SNAPSHOT_ID_RE.match(resp["SnapshotId"]), resp
    assert resp["Status"] == "pending", resp
    return resp


def put_block(ebs, snap: str, index: int, data: bytes, **overrides) -> dict:
    """PutSnapshotBlock with the SDK-standard checksum headers; requires 201 and the echo."""
    kwargs = dict(SnapshotId=snap, BlockIndex=index, BlockData=data, DataLength=len(data),
                  Checksum=b64_sha256(data), ChecksumAlgorithm="SHA256")
    kwargs.update(overrides)
    resp = ebs.put_snapshot_block(**kwargs)
    assert status_of(resp) == 201, resp
    assert resp["Checksum"] == kwargs["Checksum"], resp
    assert resp["ChecksumAlgorithm"] == "SHA256", resp
    return resp


def write_blocks(ebs, snap: str, blocks: Mapping[int, bytes], threads: int = 8) -> None:
    """Put every block of `blocks` (index -> bytes), `threads` requests at a time."""
    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(put_block, ebs, snap, i, d) for i, d in blocks.items()]:
            future.result()


def complete_snapshot(ebs, snap: str, blocks: Optional[Mapping[int, bytes]] = None, *,
                      count: Optional[int] = None, checksum: Optional[str] = None,
                      linear: bool = True) -> str:
    """CompleteSnapshot (count/aggregate from `blocks` unless given); requires 202; returns Status."""
    blocks = blocks or {}
    kwargs = dict(SnapshotId=snap, ChangedBlocksCount=len(blocks) if count is None else count)
    if linear:
        kwargs.update(Checksum=checksum or linear_checksum(blocks), ChecksumAlgorithm="SHA256",
                      ChecksumAggregationMethod="LINEAR")
    resp = ebs.complete_snapshot(**kwargs)
    assert status_of(resp) == 202, resp
    return resp["Status"]


def completed_snapshot(ebs, blocks: Mapping[int, bytes], volume_size: int = 1, **start) -> str:
    """Start, write `blocks`, complete with the right count and aggregate; returns the id."""
    snap = start_snapshot(ebs, volume_size, **start)["SnapshotId"]
    write_blocks(ebs, snap, blocks)
    assert complete_snapshot(ebs, snap, blocks) == "completed"
    return snap


# -- reading --------------------------------------------------------------------------

def list_block_pages(ebs, snap: str, max_pages: int = 200, **kwargs) -> list[dict]:
    """Every ListSnapshotBlocks page, following NextToken."""
    pages = []
    while True:
        resp = ebs.list_snapshot_blocks(SnapshotId=snap, **kwargs)
        assert status_of(resp) == 200, resp
        pages.append(resp)
        if not resp.get("NextToken"):
            return pages
        assert len(pages) < max_pages, f"pagination of {snap} does not end: {resp}"
        kwargs["NextToken"] = resp["NextToken"]


def list_blocks(ebs, snap: str, **kwargs) -> dict[int, str]:
    """index -> BlockToken over all pages; indexes ascend and never repeat."""
    blocks = [b for page in list_block_pages(ebs, snap, **kwargs) for b in page["Blocks"]]
    indexes = [b["BlockIndex"] for b in blocks]
    assert indexes == sorted(set(indexes)), indexes
    for b in blocks:
        assert BLOCK_TOKEN_RE.match(b["BlockToken"]), b
    return {b["BlockIndex"]: b["BlockToken"] for b in blocks}


def list_changed_blocks(ebs, first: str, second: str, **kwargs) -> list[dict]:
    """All ChangedBlocks between `first` and `second`, following NextToken."""
    changed = []
    for _ in range(200):
        resp = ebs.list_changed_blocks(FirstSnapshotId=first, SecondSnapshotId=second, **kwargs)
        assert status_of(resp) == 200, resp
        assert resp["BlockSize"] == BLOCK_SIZE, resp
        changed += resp["ChangedBlocks"]
        if not resp.get("NextToken"):
            return changed
        kwargs["NextToken"] = resp["NextToken"]
    pytest.fail(f"ListChangedBlocks {first}..{second} pagination does not end")


def read_block(ebs, snap: str, index: int, token: str) -> bytes:
    """GetSnapshotBlock; requires the checksum/length headers to describe the bytes returned."""
    resp = ebs.get_snapshot_block(SnapshotId=snap, BlockIndex=index, BlockToken=token)
    assert status_of(resp) == 200, resp
    data = resp["BlockData"].read()
    assert len(data) == BLOCK_SIZE
    assert resp["DataLength"] == BLOCK_SIZE, resp
    assert resp["ChecksumAlgorithm"] == "SHA256", resp
    assert resp["Checksum"] == b64_sha256(data), resp
    headers = resp["ResponseMetadata"]["HTTPHeaders"]
    assert headers.get("content-type") == "application/octet-stream", headers
    return data


def read_all_blocks(ebs, snap: str) -> dict[int, bytes]:
    tokens = list_blocks(ebs, snap)
    with ThreadPoolExecutor(8) as pool:
        futures = {i: pool.submit(read_block, ebs, snap, i, t) for i, t in tokens.items()}
        return {i: f.result() for i, f in futures.items()}


# -- errors ---------------------------------------------------------------------------

ANY = object()  # `reason=ANY`: not checked; `reason=None`: must be absent


def expect_ebs_error(call: Callable[[], object], code: str, status: int, reason=ANY,
                     message: Optional[str] = None) -> dict:
    """Run `call`; require a ClientError with this code, status, Reason and message, and the
    `x-amzn-ErrorType` header naming the code (docs/aws/ebs.md#errors). botocore lifts the modeled `Reason`
    member from the body to the top level of the error response."""
    with pytest.raises(ClientError) as excinfo:
        call()
    resp = excinfo.value.response
    assert resp["Error"]["Code"] == code, resp
    assert status_of(resp) == status, resp
    error_type = resp["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-errortype", "")
    assert error_type.split(":")[0] == code, resp
    if reason is not ANY:
        assert resp.get("Reason") == reason, resp
    if message is not None:
        assert resp["Error"]["Message"] == message, resp
    return resp


def not_found_message(snap: str) -> str:
    return f"The snapshot '{snap}' does not exist."


def expect_snapshot_not_found(call: Callable[[], object], snap: str) -> dict:
    return expect_ebs_error(call, "ResourceNotFoundException", 404, "SNAPSHOT_NOT_FOUND",
                            not_found_message(snap))


def unvalidated_client(endpoint: str, account, region: str = "us-east-1"):
    """An EBS client without botocore's parameter validation (to send what the SDK refuses,
    e.g. negative indexes), retries off."""
    import boto3
    import botocore.config

    config = botocore.config.Config(parameter_validation=False, retries={"total_max_attempts": 1},
                                    connect_timeout=10, read_timeout=120)
    session = boto3.session.Session(aws_access_key_id=account.access_key,
                                    aws_secret_access_key=account.secret_key, region_name=region)
    return session.client("ebs", endpoint_url=endpoint, region_name=region, config=config)
