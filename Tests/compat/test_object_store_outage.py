"""The object store unreachable or silent while a server stores its blobs in it (`--blobs s3://…`,
docs/s3-blobs.md): the server's S3 traffic goes through a proxy the test owns, which then refuses every
connection, as a store that is down or cut off looks, or holds every connection without passing a byte, as a
store that has stopped answering looks. Requests that need the store fail cleanly with the protocol's retryable server error
within seconds (never a hang, never a wrong answer); requests that need only the metadata go on; once the store
is back, new uploads succeed and everything acknowledged before the outage reads back byte-identical."""

import os
import time
import uuid
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

from counting_proxy import CountingProxy
from ebs_helpers import completed_snapshot, list_blocks, put_block, random_block, read_block, read_all_blocks, start_snapshot
from glacier_helpers import MiB, random_bytes, retrieve_archive, unique_name, upload_archive
from tessera_server import TEST_ACCOUNTS, make_client

ENDPOINT = os.environ.get("TESSERA_TEST_S3_ENDPOINT")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ENDPOINT, reason="no S3 store: set TESSERA_TEST_S3_ENDPOINT (.ci/run starts radosgw; docs/radosgw.md)"),
]
ONE = TEST_ACCOUNTS["one"]
# The server retries a failed S3 request five times with jittered backoff (under 4 s in all) before it answers.
ANSWER_WITHIN = 30


def expect_retryable_failure(call):
    started = time.monotonic()
    with pytest.raises(ClientError) as raised:
        call()
    elapsed = time.monotonic() - started
    error = raised.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] >= 500, error
    assert elapsed < ANSWER_WITHIN, f"the failure took {elapsed:.1f} s"
    return error


def start_behind_proxy(server_factory, name, extra_args=()):
    """A server whose S3 traffic goes through a proxy the test can cut; returns (server, proxy)."""
    upstream = urlsplit(ENDPOINT)
    proxy = CountingProxy(upstream.hostname, upstream.port)
    server = server_factory(name, extra_args=[
        "--blobs", f"s3://tessera-compat/{name}-{uuid.uuid4().hex[:12]}", "--s3-endpoint", proxy.endpoint, *extra_args]).start()
    return server, proxy


def test_store_outage_fails_glacier_cleanly_and_loses_nothing(server_factory):
    server, proxy = start_behind_proxy(server_factory, "outage-glacier")
    try:
        glacier = make_client(server.endpoint, ONE)
        vault = unique_name("outage")
        glacier.create_vault(vaultName=vault)
        small, large = random_bytes(100_000), random_bytes(9 * MiB + 5)
        kept = {upload_archive(glacier, vault, body)["archiveId"]: body for body in (small, large)}

        proxy.block()
        error = expect_retryable_failure(lambda: upload_archive(glacier, vault, random_bytes(50_000)))
        assert error["Error"]["Code"] == "ServiceUnavailableException", error
        expect_retryable_failure(lambda: upload_archive(glacier, vault, random_bytes(9 * MiB)))
        # Metadata alone still answers: the vault, its counts, a job started on an archive.
        described = glacier.describe_vault(vaultName=vault)
        assert (described["NumberOfArchives"], described["SizeInBytes"]) == (2, len(small) + len(large))
        archive_id = next(iter(kept))
        job = glacier.initiate_job(vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id})
        expect_retryable_failure(lambda: glacier.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read())

        proxy.unblock()
        after = random_bytes(200_000)
        kept[upload_archive(glacier, vault, after)["archiveId"]] = after
        for archive_id, body in kept.items():
            _, _, read = retrieve_archive(glacier, vault, archive_id)
            assert read == body, f"archive {archive_id} reads back other bytes after the outage"
        described = glacier.describe_vault(vaultName=vault)
        assert described["NumberOfArchives"] == 3, "the refused uploads left no archive behind"
    finally:
        proxy.close()


def test_store_outage_fails_ebs_cleanly_and_loses_nothing(server_factory):
    server, proxy = start_behind_proxy(server_factory, "outage-ebs")
    try:
        ebs = make_client(server.endpoint, ONE, "ebs")
        blocks = {0: random_block(1), 7: random_block(2)}
        done = completed_snapshot(ebs, blocks)
        tokens = list_blocks(ebs, done)
        pending = start_snapshot(ebs)["SnapshotId"]

        proxy.block()
        expect_retryable_failure(lambda: put_block(ebs, pending, 3, random_block(3)))
        expect_retryable_failure(lambda: read_block(ebs, done, 0, tokens[0]))

        proxy.unblock()
        put_block(ebs, pending, 3, random_block(3))
        assert read_all_blocks(ebs, done) == blocks, "the blocks acknowledged before the outage read back"
    finally:
        proxy.close()


def test_a_store_that_stops_answering_fails_requests_cleanly(server_factory):
    """The store accepts connections and sends nothing: each attempt is given up after `--s3-timeout` (2 s
    here, plus a second per MiB sent), and after three the request fails with the retryable error; once the
    store answers again, uploads succeed and what was acknowledged reads back."""
    server, proxy = start_behind_proxy(server_factory, "silent-store", ["--s3-timeout", "2"])
    try:
        glacier = make_client(server.endpoint, ONE)
        vault = unique_name("silent")
        glacier.create_vault(vaultName=vault)
        body = random_bytes(100_000)
        archive_id = upload_archive(glacier, vault, body)["archiveId"]
        job = glacier.initiate_job(vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id})

        proxy.stall()
        started = time.monotonic()
        error = expect_retryable_failure(lambda: upload_archive(glacier, vault, random_bytes(50_000)))
        assert error["Error"]["Code"] == "ServiceUnavailableException", error
        assert time.monotonic() - started >= 6, "three attempts of 2 s each were waited out"
        expect_retryable_failure(lambda: glacier.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read())

        proxy.unstall()
        after = random_bytes(200_000)
        kept = {archive_id: body, upload_archive(glacier, vault, after)["archiveId"]: after}
        for archive_id, body in kept.items():
            _, _, read = retrieve_archive(glacier, vault, archive_id)
            assert read == body, f"archive {archive_id} reads back other bytes after the store came back"
    finally:
        proxy.close()


def test_a_store_that_stops_in_the_middle_of_a_read_has_it_broken_off_soon(server_factory):
    """The store sends part of a blob, then nothing: the server waits `--s3-timeout` (2 s here) for the next
    piece, gives the download up and ends the response short, so the client sees a broken download within
    seconds instead of at its own read timeout (60 s); the archive reads back whole once the store answers."""
    server, proxy = start_behind_proxy(server_factory, "stalled-read", ["--s3-timeout", "2"])
    try:
        glacier = make_client(server.endpoint, ONE)
        vault = unique_name("stalled")
        glacier.create_vault(vaultName=vault)
        body = random_bytes(48 * MiB)
        archive_id = upload_archive(glacier, vault, body)["archiveId"]
        job = glacier.initiate_job(vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id})
        output = glacier.get_job_output(vaultName=vault, jobId=job["jobId"])["body"]
        assert output.read(4096) == body[:4096]

        proxy.stall()
        started = time.monotonic()
        with pytest.raises(Exception) as broken:
            rest = output.read()
            assert len(rest) < len(body) - 4096, "the whole archive came through the stalled store"
        elapsed = time.monotonic() - started
        assert elapsed < 30, f"the download broke off after {elapsed:.1f} s ({broken.value!r})"

        proxy.unstall()
        _, _, read = retrieve_archive(glacier, vault, archive_id)
        assert read == body, "the archive reads back whole once the store answers"
    finally:
        proxy.close()
