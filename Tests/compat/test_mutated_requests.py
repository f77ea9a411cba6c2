"""Signed requests with one field mutated at a time — a path segment, a query value, a header, the body —
for every Glacier, EBS and EC2 operation: each must get an answer that is not a server error, in the
service's error shape when it is refused, and the server must stay up. Seeded, so a failure repeats.

What this finds is a handler that trusts its input: a crash, a 500 from an unchecked conversion, a
hang. What AWS answers for each case is pinned by the per-operation error tests; here only the class
of answer is checked."""

import base64
import hashlib
import json
import random
import urllib.parse

import pytest
import requests

from ebs_helpers import b64_sha256, random_block
from glacier_helpers import API_VERSION, MiB, initiate, random_bytes, sigv4_headers, tree_hash, unique_name, upload_archive
from tessera_server import TEST_ACCOUNTS

ONE = TEST_ACCOUNTS["one"]
MUTANTS_PER_TEMPLATE = 40

# Values that have broken parsers elsewhere: empty, signs, overflow, exponent, hex, NUL, traversal,
# long, JSON of the wrong type, non-ASCII (latin-1 so it can travel in a header).
TEXT_VALUES = ["", " ", "-1", "0", "1", "2147483648", "-9223372036854775809", "99999999999999999999999",
               "1e3", "1.5", "0x10", "+5", "abc", "null", "true", "[]", "{}", "%00", "\u00e9t\u00e9",
               "../../etc/passwd", "a" * 3000, "bytes 0-1/*", "bytes 5-2/*", "bytes -1-2/*", "snap-",
               "snap-zzzzzzzzzzzzzzzzz", "SHA256", "LINEAR", "=", "a,b", "\t"]
JSON_VALUES = [None, True, -1, 0, 2 ** 63, 1.5, "", "x" * 3000, [], {}, [1, "a"], {"a": {"b": []}}, "-1"]


class Template:
    """One valid request: method, path segments, query, headers and body, each a place to mutate."""

    def __init__(self, name, method, segments, query=None, headers=None, body=b"", json_body=None):
        self.name, self.method, self.segments = name, method, list(segments)
        self.query, self.headers = dict(query or {}), dict(headers or {})
        self.body, self.json_body = body, json_body

    def mutant(self, rng):
        segments, query, headers = list(self.segments), dict(self.query), dict(self.headers)
        body = self.body if self.json_body is None else json.dumps(self.json_body).encode()
        places = ["segment"] * len(segments) + ["query"] * len(query) + ["header"] * len(headers) + ["body"]
        place = rng.choice(places)
        if place == "segment":
            segments[rng.randrange(len(segments))] = rng.choice(TEXT_VALUES)
        elif place == "query":
            query[rng.choice(sorted(query))] = rng.choice(TEXT_VALUES)
        elif place == "header":
            name = rng.choice(sorted(headers))
            if rng.random() < 0.2:
                del headers[name]
            else:
                headers[name] = rng.choice(TEXT_VALUES).strip() or "x"
        elif self.json_body is not None and rng.random() < 0.7:
            mutated = json.loads(json.dumps(self.json_body))
            key = rng.choice(sorted(mutated) + ["Unexpected"])
            mutated[key] = rng.choice(JSON_VALUES)
            body = json.dumps(mutated).encode()
        else:
            body = rng.choice([b"", b"{", b"\x00\xff" * 10, b"[]", b"null", b"x" * 70000, rng.randbytes(300)])
        path = "/" + "/".join(urllib.parse.quote(s, safe="") for s in segments)
        if query:
            path += "?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)
        return place, path, headers, body


def send(endpoint, method, path, headers, body, service):
    signed = sigv4_headers(method, endpoint + path, ONE.access_key, ONE.secret_key, body=body, headers=headers,
                           service=service)
    return requests.request(method, endpoint + path, headers=signed, data=body, timeout=30)


def error_shape_ok(response, service):
    """A refusal carries the service's error: JSON with a code (Glacier, EBS) or EC2's XML."""
    if response.status_code < 400:
        return True
    if service == "ec2":
        return b"<Code>" in response.content
    if response.headers.get("x-amzn-ErrorType"):
        return True
    try:
        document = response.json()
    except ValueError:
        return False
    return any(key in document for key in ("code", "__type", "Code", "message", "Message"))


@pytest.fixture(scope="module")
def glacier_templates(glacier):
    vault = unique_name("mutated")
    glacier.create_vault(vaultName=vault)
    archive = upload_archive(glacier, vault, random_bytes(1000))["archiveId"]
    upload = initiate(glacier, vault, part_size=MiB)
    part = random_bytes(MiB)
    version = {"x-amz-glacier-version": API_VERSION}
    return [
        Template("CreateVault", "PUT", ["-", "vaults", unique_name("mut")], headers=version),
        Template("DescribeVault", "GET", ["-", "vaults", vault], headers=version),
        Template("ListVaults", "GET", ["-", "vaults"], {"limit": "5", "marker": "a"}, version),
        Template("UploadArchive", "POST", ["-", "vaults", vault, "archives"], headers={
            **version, "x-amz-archive-description": "d", "x-amz-sha256-tree-hash": tree_hash(b"abc"),
            "x-amz-content-sha256": hashlib.sha256(b"abc").hexdigest()}, body=b"abc"),
        Template("DeleteArchive", "DELETE", ["-", "vaults", vault, "archives", archive], headers=version),
        Template("InitiateMultipartUpload", "POST", ["-", "vaults", vault, "multipart-uploads"],
                 headers={**version, "x-amz-part-size": str(MiB)}),
        Template("UploadMultipartPart", "PUT", ["-", "vaults", vault, "multipart-uploads", upload.upload_id], headers={
            **version, "Content-Range": f"bytes 0-{MiB - 1}/*", "x-amz-sha256-tree-hash": tree_hash(part),
            "x-amz-content-sha256": hashlib.sha256(part).hexdigest()}, body=part),
        Template("CompleteMultipartUpload", "POST", ["-", "vaults", vault, "multipart-uploads", upload.upload_id],
                 headers={**version, "x-amz-archive-size": str(MiB), "x-amz-sha256-tree-hash": tree_hash(part)}),
        Template("ListParts", "GET", ["-", "vaults", vault, "multipart-uploads", upload.upload_id],
                 {"limit": "2", "marker": "0"}, version),
        Template("ListMultipartUploads", "GET", ["-", "vaults", vault, "multipart-uploads"], {"limit": "2"}, version),
        Template("InitiateJob", "POST", ["-", "vaults", vault, "jobs"], headers=version,
                 json_body={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Standard",
                            "RetrievalByteRange": "0-999", "SNSTopic": "arn:aws:sns:us-east-1:111111111111:t"}),
        Template("InitiateInventoryJob", "POST", ["-", "vaults", vault, "jobs"], headers=version,
                 json_body={"Type": "inventory-retrieval", "Format": "JSON",
                            "InventoryRetrievalParameters": {"Limit": "10", "StartDate": "2020-01-01T00:00:00Z"}}),
        Template("ListJobs", "GET", ["-", "vaults", vault, "jobs"], {"completed": "true", "statuscode": "Succeeded",
                                                                     "limit": "3"}, version),
        Template("SetVaultNotifications", "PUT", ["-", "vaults", vault, "notification-configuration"], headers=version,
                 json_body={"SNSTopic": "arn:aws:sns:us-east-1:111111111111:t", "Events": ["ArchiveRetrievalCompleted"]}),
        Template("SetVaultAccessPolicy", "PUT", ["-", "vaults", vault, "access-policy"], headers=version,
                 json_body={"Policy": json.dumps({"Version": "2012-10-17", "Statement": []})}),
        Template("AddTagsToVault", "POST", ["-", "vaults", vault, "tags"], {"operation": "add"}, version,
                 json_body={"Tags": {"k": "v"}}),
        Template("SetDataRetrievalPolicy", "PUT", ["-", "policies", "data-retrieval"], headers=version,
                 json_body={"Policy": {"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 1024}]}}),
        Template("InitiateVaultLock", "POST", ["-", "vaults", vault, "lock-policy"], headers=version,
                 json_body={"Policy": json.dumps({"Version": "2012-10-17", "Statement": []})}),
    ]


@pytest.fixture(scope="module")
def ebs_templates(ebs):
    block = random_block(seed=77)
    done = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    ebs.put_snapshot_block(SnapshotId=done, BlockIndex=0, BlockData=block, DataLength=len(block),
                           Checksum=b64_sha256(block), ChecksumAlgorithm="SHA256")
    ebs.complete_snapshot(SnapshotId=done, ChangedBlocksCount=1)
    token = ebs.list_snapshot_blocks(SnapshotId=done)["Blocks"][0]["BlockToken"]
    pending = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    return [
        Template("StartSnapshot", "POST", ["snapshots"], json_body={
            "VolumeSize": 1, "ParentSnapshotId": done, "Timeout": 60, "Description": "d",
            "Tags": [{"Key": "k", "Value": "v"}], "ClientToken": unique_name("tok")}),
        Template("PutSnapshotBlock", "PUT", ["snapshots", pending, "blocks", "1"], headers={
            "x-amz-Data-Length": str(len(block)), "x-amz-Checksum": b64_sha256(block),
            "x-amz-Checksum-Algorithm": "SHA256", "x-amz-Progress": "50"}, body=block),
        Template("CompleteSnapshot", "POST", ["snapshots", "completion", pending], headers={
            "x-amz-ChangedBlocksCount": "3", "x-amz-Checksum": b64_sha256(block),
            "x-amz-Checksum-Algorithm": "SHA256", "x-amz-Checksum-Aggregation-Method": "LINEAR"}),
        Template("ListSnapshotBlocks", "GET", ["snapshots", done, "blocks"],
                 {"maxResults": "100", "startingBlockIndex": "0", "pageToken": "abc"}),
        Template("ListChangedBlocks", "GET", ["snapshots", done, "changedblocks"],
                 {"firstSnapshotId": done, "maxResults": "100", "startingBlockIndex": "0"}),
        Template("GetSnapshotBlock", "GET", ["snapshots", done, "blocks", "0"], {"blockToken": token}),
    ]


def ec2_mutants(rng, snapshot):
    """EC2 Query bodies for DescribeSnapshots and DeleteSnapshot, one parameter mutated."""
    bases = [
        {"Action": "DescribeSnapshots", "Version": "2016-11-15", "SnapshotId.1": snapshot, "Owner.1": "self",
         "Filter.1.Name": "status", "Filter.1.Value.1": "completed", "MaxResults": "5", "NextToken": "x"},
        {"Action": "DeleteSnapshot", "Version": "2016-11-15", "SnapshotId": "snap-0123456789abcdef0"},
    ]
    for _ in range(MUTANTS_PER_TEMPLATE):
        params = dict(rng.choice(bases))
        params[rng.choice(sorted(params) + ["Filter.9.Name", "SnapshotId.0"])] = rng.choice(TEXT_VALUES)
        yield urllib.parse.urlencode(params).encode()


def run_all(endpoint, templates, service, rng):
    failures = []
    for template in templates:
        for _ in range(MUTANTS_PER_TEMPLATE):
            place, path, headers, body = template.mutant(rng)
            response = send(endpoint, template.method, path, headers, body, service)
            answered_as = "ec2" if path.split("?")[0] == "/" else service  # `/` is EC2's endpoint
            if response.status_code >= 500 or not error_shape_ok(response, answered_as):
                failures.append(f"{template.name} ({place}) {template.method} {path[:120]} "
                                f"{ {k: v[:60] for k, v in headers.items()} } -> {response.status_code} {response.text[:200]}")
    return failures


def test_mutated_glacier_requests_get_answers_not_server_errors(tessera, glacier_templates):
    failures = run_all(tessera.endpoint, glacier_templates, "glacier", random.Random(1123))
    assert not failures, "\n".join(failures[:20] + [f for f in failures if "-> 404 " not in f][:20])
    assert requests.get(f"{tessera.endpoint}/health", timeout=10).status_code == 200


def test_mutated_ebs_requests_get_answers_not_server_errors(tessera, ebs_templates):
    failures = run_all(tessera.endpoint, ebs_templates, "ebs", random.Random(2311))
    assert not failures, "\n".join(failures[:20] + [f for f in failures if "-> 404 " not in f][:20])
    assert requests.get(f"{tessera.endpoint}/health", timeout=10).status_code == 200


def test_mutated_ec2_requests_get_answers_not_server_errors(tessera, ebs):
    snapshot = ebs.start_snapshot(VolumeSize=1)["SnapshotId"]
    failures = []
    for body in ec2_mutants(random.Random(3121), snapshot):
        response = send(tessera.endpoint, "POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, body, "ec2")
        if response.status_code >= 500 or not error_shape_ok(response, "ec2"):
            failures.append(f"{body[:200]!r} -> {response.status_code} {response.text[:200]}")
    assert not failures, "\n".join(failures[:20] + [f for f in failures if "-> 404 " not in f][:20])


@pytest.mark.parametrize("service,method,path,status,code", [
    ("glacier", "GET", "/-/vaults/some-vault/nonsense", 404, "UnknownOperationException"),
    ("glacier", "PATCH", "/-/vaults/some-vault", 404, "UnknownOperationException"),
    ("ebs", "DELETE", "/snapshots/snap-0123456789abcdef0", 404, "UnknownOperationException"),
    ("ec2", "GET", "/", 400, "InvalidAction"),
])
def test_a_path_no_operation_has_gets_the_services_error(tessera, service, method, path, status, code):
    response = send(tessera.endpoint, method, path, {"x-amz-glacier-version": API_VERSION} if service == "glacier" else {},
                    b"", service)
    assert response.status_code == status
    assert error_shape_ok(response, service)
    if service == "glacier":
        assert response.json()["code"] == code
        assert method in response.json()["message"]
    elif service == "ebs":
        assert response.headers["x-amzn-ErrorType"].startswith(code + ":")
    else:
        assert f"<Code>{code}</Code>".encode() in response.content
