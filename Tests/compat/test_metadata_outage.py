"""PostgreSQL unreachable under a server that keeps its metadata there (`--metadata postgres://…`,
docs/postgresql.md#failure): the server's database connections go through a proxy the test owns, which then cuts
them and refuses new ones, as a database restarting or cut off looks. Requests in flight and new ones fail
cleanly with the protocol's retryable server error (after the bounded wait for a connection, never a hang); once
the database is back, requests succeed again, and everything acknowledged before reads back."""

import os
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import pytest
from botocore.exceptions import ClientError

from counting_proxy import CountingProxy
from glacier_helpers import random_bytes, retrieve_archive, unique_name, upload_archive
from tessera_server import TEST_ACCOUNTS, make_client

URL = os.environ.get("TESSERA_TEST_POSTGRES_URL")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not URL, reason="no PostgreSQL: set TESSERA_TEST_POSTGRES_URL (.ci/run starts one)"),
]
ONE = TEST_ACCOUNTS["one"]
# A request waits at most 10 s for a database connection (docs/postgresql.md), then answers.
ANSWER_WITHIN = 30


def test_database_outage_fails_requests_cleanly_and_recovers(server_factory, tmp_path):
    parts = urlsplit(URL)
    proxy = CountingProxy(parts.hostname, parts.port)
    try:
        schema = "outage_" + os.urandom(6).hex()
        proxied = urlunsplit(parts._replace(netloc=parts.netloc.replace(f"{parts.hostname}:{parts.port}",
                                                                        f"127.0.0.1:{proxy.port}")))
        proxied += ("&" if "?" in proxied else "?") + "search_path=" + schema
        server = server_factory("tessera-db-outage", extra_args=["--metadata", proxied]).start()
        glacier = make_client(server.endpoint, ONE)
        vault = unique_name("db-outage")
        glacier.create_vault(vaultName=vault)
        body = random_bytes(300_000)
        archive_id = upload_archive(glacier, vault, body)["archiveId"]

        proxy.block()
        def attempt(index):
            started = time.monotonic()
            try:
                glacier.create_vault(vaultName=f"{vault}-{index}")
                return "ok", time.monotonic() - started
            except ClientError as error:
                return error.response["ResponseMetadata"]["HTTPStatusCode"], time.monotonic() - started
        with ThreadPoolExecutor(8) as pool:
            outcomes = list(pool.map(attempt, range(8)))
        assert all(status != "ok" and status >= 500 for status, _ in outcomes), outcomes
        assert all(elapsed < ANSWER_WITHIN for _, elapsed in outcomes), outcomes
        assert server.running, "the server is still up"

        proxy.unblock()
        deadline = time.monotonic() + ANSWER_WITHIN
        while True:
            try:
                glacier.create_vault(vaultName=f"{vault}-after")
                break
            except ClientError:
                assert time.monotonic() < deadline, "requests still fail after the database came back"
                time.sleep(0.5)
        _, _, read = retrieve_archive(glacier, vault, archive_id)
        assert read == body
        names = {v["VaultName"] for page in glacier.get_paginator("list_vaults").paginate() for v in page["VaultList"]}
        assert {vault, f"{vault}-after"} <= names
    finally:
        proxy.close()
