"""Several `tessera serve` nodes sharing one PostgreSQL schema (`--metadata`) and one S3 key prefix (`--blobs`), for
the cluster tests (docs/postgresql.md, docs/s3-blobs.md).

Each `Cluster` gets a schema and a prefix of its own, passed explicitly to every node, so its nodes share state with
each other and with nothing else (and `TESSERA_COMPAT_METADATA` / `TESSERA_COMPAT_BLOBS`, which give each data
directory its own, do not apply). The nodes share one credentials file; each has its own data directory, log files
and port. `cleanup()` drops the schema (with `psql`, when installed) and removes every object and multipart upload
under the prefix.

Needs TESSERA_TEST_POSTGRES_URL and TESSERA_TEST_S3_ENDPOINT (with TESSERA_S3_ACCESS_KEY_ID and
TESSERA_S3_SECRET_ACCESS_KEY, which the nodes read from the environment they inherit); `missing_settings()` says
which are absent, for a skip reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import uuid
from pathlib import Path
from typing import Optional, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from glacier_helpers import sigv4_headers
from tessera_server import TEST_ACCOUNTS, Account, TesseraServer, make_client, write_credentials

BUCKET = "tessera-compat"
REQUIRED_ENV = ("TESSERA_TEST_POSTGRES_URL", "TESSERA_TEST_S3_ENDPOINT",
                "TESSERA_S3_ACCESS_KEY_ID", "TESSERA_S3_SECRET_ACCESS_KEY")


def missing_settings() -> list[str]:
    """The environment variables a cluster needs that are not set."""
    return [name for name in REQUIRED_ENV if not os.environ.get(name)]


def s3_region() -> str:
    return os.environ.get("TESSERA_TEST_S3_REGION") or "us-east-1"


def with_query(url: str, **params: str) -> str:
    """`url` with `params` added to (or replacing) its query parameters."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode(query + list(params.items()))))


def libpq_url(url: str) -> str:
    """The PostgreSQL URL without the parameters only Tessera reads (`psql` refuses unknown ones)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("pool_max", "search_path")]
    return urlunsplit(parts._replace(query=urlencode(query)))


def s3_client():
    """boto3's S3 client on the test object store, with the keys the nodes use (path-style, as Tessera sends)."""
    import boto3
    import botocore.config

    config = botocore.config.Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 3},
                                    connect_timeout=10, read_timeout=60)
    return boto3.client("s3", endpoint_url=os.environ["TESSERA_TEST_S3_ENDPOINT"], region_name=s3_region(),
                        aws_access_key_id=os.environ["TESSERA_S3_ACCESS_KEY_ID"],
                        aws_secret_access_key=os.environ["TESSERA_S3_SECRET_ACCESS_KEY"], config=config)


def list_keys(s3, prefix: str) -> list[str]:
    """Every object key under `prefix` in the test bucket."""
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def list_multipart_uploads(s3, prefix: str) -> list[dict]:
    """Every unfinished multipart upload under `prefix` in the test bucket."""
    uploads: list[dict] = []
    for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=BUCKET, Prefix=prefix):
        uploads += page.get("Uploads", [])
    return uploads


def sweep(node: TesseraServer, account: Account = TEST_ACCOUNTS["one"]) -> dict:
    """`POST /admin/gc` on `node` (what `tessera gc --now` sends, signed for the service `tessera`): a sweep now,
    with the grace `min(--gc-grace, 60 s)`. Returns the JSON answer (`deletedBlobs`, `examinedBlobs`, …)."""
    url = node.endpoint + "/admin/gc"
    headers = sigv4_headers("POST", url, account.access_key, account.secret_key, service="tessera")
    resp = requests.post(url, headers=headers, timeout=120)
    assert resp.status_code == 200, f"POST /admin/gc on {node.name}: {resp.status_code} {resp.text[:500]}"
    return resp.json()


class Cluster:
    """Nodes `a`, `b`, … of one cluster: one schema, one key prefix, one credentials file."""

    def __init__(self, base_dir: Path, name: str = "cluster", nodes: int = 2, extra_args: Sequence[str] = ()):
        base_dir.mkdir(parents=True, exist_ok=True)
        tag = uuid.uuid4().hex[:16]
        self.name = name
        self.schema = f"cluster_{tag}"
        self.prefix = f"{name}-{tag}"
        self.metadata_url = with_query(os.environ["TESSERA_TEST_POSTGRES_URL"], search_path=self.schema)
        credentials = write_credentials(base_dir / "credentials", TEST_ACCOUNTS.values())
        shared = ["--metadata", self.metadata_url,
                  "--blobs", f"s3://{BUCKET}/{self.prefix}",
                  "--s3-endpoint", os.environ["TESSERA_TEST_S3_ENDPOINT"], "--s3-region", s3_region()]
        self.nodes = [
            TesseraServer(base_dir / f"{letter}-data", credentials, log_dir=base_dir, name=f"{name}-{letter}",
                          extra_args=[*shared, *extra_args])
            for letter in "abcdefgh"[:nodes]]
        self.s3 = s3_client()

    @property
    def a(self) -> TesseraServer:
        return self.nodes[0]

    @property
    def b(self) -> TesseraServer:
        return self.nodes[1]

    @property
    def blobs_prefix(self) -> str:
        return f"{self.prefix}/blobs/"

    @property
    def staging_prefix(self) -> str:
        return f"{self.prefix}/staging/"

    def start(self) -> "Cluster":
        """Starts every node at once (the first start makes the schema; nodes starting together must agree)."""
        errors: list[BaseException] = []

        def start(node: TesseraServer) -> None:
            try:
                node.start()
            except BaseException as exc:  # noqa: BLE001 - raised below
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(node,)) for node in self.nodes]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            self.stop()
            raise errors[0]
        return self

    def stop(self) -> list[Optional[int]]:
        """SIGTERM every node (SIGKILL after 10 s); their exit codes."""
        return [node.stop() for node in self.nodes]

    def client(self, node: TesseraServer, service: str = "glacier", account: str = "one"):
        """A boto3 client on `node` (its current endpoint: make a new one after a restart)."""
        assert node.endpoint, f"{node.name} is not running"
        return make_client(node.endpoint, TEST_ACCOUNTS[account], service)

    def clients(self, service: str = "glacier", account: str = "one") -> list:
        """One client per node, in node order."""
        return [self.client(node, service, account) for node in self.nodes]

    def blob_keys(self) -> list[str]:
        return list_keys(self.s3, self.blobs_prefix)

    def staging_keys(self) -> list[str]:
        return list_keys(self.s3, self.staging_prefix)

    def staging_uploads(self) -> list[dict]:
        return list_multipart_uploads(self.s3, self.staging_prefix)

    def cleanup(self) -> None:
        """Stops the nodes, removes what the cluster left in the bucket and drops its schema."""
        self.stop()
        try:
            for upload in list_multipart_uploads(self.s3, self.prefix + "/"):
                self.s3.abort_multipart_upload(Bucket=BUCKET, Key=upload["Key"], UploadId=upload["UploadId"])
            keys = list_keys(self.s3, self.prefix + "/")
            for i in range(0, len(keys), 1000):
                self.s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]],
                                                              "Quiet": True})
        except Exception:  # noqa: BLE001 - the bucket may not exist if no node ever started
            pass
        psql = shutil.which("psql")
        if psql:
            subprocess.run([psql, libpq_url(os.environ["TESSERA_TEST_POSTGRES_URL"]), "-qX", "-v", "ON_ERROR_STOP=1",
                            "-c", f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=False)
