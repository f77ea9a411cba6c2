"""SigV4 verification and the Glacier error envelope, with raw `requests` calls
(docs/aws/sigv4.md, docs/aws/glacier.md#common-rules)."""

import datetime
import json

import boto3
import botocore
import pytest
import requests
from botocore.auth import SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from glacier_helpers import (
    API_VERSION, REGION, expect_error, random_bytes, sha256_hex, sigv4_headers, tree_hash,
    unique_name, upload_archive, wait_for_job)

VERSION = {"x-amz-glacier-version": API_VERSION}


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


@pytest.fixture(scope="module")
def send(tessera, accounts):
    """send(method, path, account='one', body=b'', headers=None, sign=True, ...) -> Response."""
    def run(method, path, account="one", body=b"", headers=None, sign=True, secret=None,
            access_key=None, when=None, sent_path=None, sent_body=None, sent_headers=None):
        acct = accounts[account]
        url = tessera.endpoint + path
        hdrs = dict(headers if headers is not None else VERSION)
        if sign:
            hdrs = sigv4_headers(method, url, access_key or acct.access_key,
                                 secret or acct.secret_key, body=body, headers=hdrs, when=when)
        hdrs.update(sent_headers or {})
        return requests.request(method, tessera.endpoint + (sent_path or path), headers=hdrs,
                                data=body if sent_body is None else sent_body, timeout=60)
    return run


def assert_glacier_error(resp, status, code=None, message=None):
    assert resp.status_code in ((status,) if isinstance(status, int) else status), resp.text
    assert resp.headers.get("Content-Type", "").startswith("application/json"), resp.headers
    assert resp.headers.get("x-amzn-RequestId")
    body = resp.json()
    assert body["code"], body
    assert isinstance(body["message"], str)
    assert body["type"] in ("Client", "Server"), body
    if code is not None:
        assert body["code"] == code, body
    if message is not None:
        assert body["message"] == message, body
    return body


def test_health_needs_no_auth(tessera):
    assert requests.get(tessera.endpoint + "/health", timeout=10).status_code == 200


def test_signed_raw_request_works(send, glacier, vault):
    resp = send("GET", f"/-/vaults/{vault}")
    assert resp.status_code == 200, resp.text
    assert resp.json()["VaultName"] == vault
    assert resp.headers["x-amzn-RequestId"]


def test_no_authorization_is_rejected(send, tessera):
    body = assert_glacier_error(send("GET", "/-/vaults", sign=False), (400, 403))
    assert body["type"] == "Client"
    unsigned = boto3.client("glacier", endpoint_url=tessera.endpoint, region_name=REGION,
                            config=Config(signature_version=botocore.UNSIGNED,
                                          retries={"total_max_attempts": 1}))
    with pytest.raises(botocore.exceptions.ClientError) as excinfo:
        unsigned.list_vaults()
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403)
    assert excinfo.value.response["Error"]["Code"] == body["code"]


def test_unknown_access_key(send, tessera, client_for):
    assert_glacier_error(send("GET", "/-/vaults", access_key="AKIDNOSUCHKEY0000000"),
                         400, code="UnrecognizedClientException")
    stranger = boto3.client("glacier", endpoint_url=tessera.endpoint, region_name=REGION,
                            aws_access_key_id="AKIDNOSUCHKEY0000000", aws_secret_access_key="x",
                            config=Config(retries={"total_max_attempts": 1}))
    expect_error(stranger.list_vaults, "UnrecognizedClientException", 400)


def test_bad_secret_is_invalid_signature(send, tessera, accounts):
    assert_glacier_error(send("GET", "/-/vaults", secret="wrong-secret"), 403,
                         code="InvalidSignatureException")
    client = boto3.client("glacier", endpoint_url=tessera.endpoint, region_name=REGION,
                          aws_access_key_id=accounts["one"].access_key,
                          aws_secret_access_key="wrong-secret",
                          config=Config(retries={"total_max_attempts": 1}))
    expect_error(client.list_vaults, "InvalidSignatureException", 403)
    data = b"never stored"
    expect_error(lambda: client.upload_archive(vaultName="any", body=data),
                 "InvalidSignatureException", 403)


def test_other_account_secret_is_invalid_signature(send, accounts):
    assert_glacier_error(send("GET", "/-/vaults", secret=accounts["two"].secret_key), 403,
                         code="InvalidSignatureException")


def test_tampered_query_is_invalid_signature(send, vault):
    resp = send("GET", "/-/vaults?limit=1", sent_path="/-/vaults?limit=2")
    assert_glacier_error(resp, 403, code="InvalidSignatureException")


def test_tampered_signed_header_is_invalid_signature(send, vault):
    data = b"archive bytes"
    headers = {**VERSION, "x-amz-archive-description": "signed",
               "x-amz-content-sha256": sha256_hex(data), "x-amz-sha256-tree-hash": tree_hash(data)}
    resp = send("POST", f"/-/vaults/{vault}/archives", body=data, headers=headers,
                sent_headers={"x-amz-archive-description": "swapped"})
    assert_glacier_error(resp, 403, code="InvalidSignatureException")


def test_swapped_body_is_rejected_and_not_stored(send, glacier, vault):
    signed, sent = random_bytes(4096), random_bytes(4096)
    headers = {**VERSION, "x-amz-content-sha256": sha256_hex(signed),
               "x-amz-sha256-tree-hash": tree_hash(signed)}
    resp = send("POST", f"/-/vaults/{vault}/archives", body=signed, headers=headers, sent_body=sent)
    assert_glacier_error(resp, (400, 403))
    job = glacier.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval"})
    wait_for_job(glacier, vault, job["jobId"])
    inventory = json.loads(glacier.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read())
    assert inventory["ArchiveList"] == []


def test_missing_api_version(send, vault):
    resp = send("GET", f"/-/vaults/{vault}", headers={})
    body = assert_glacier_error(resp, 400, code="MissingParameterValueException",
                                message="Required parameter missing: API version")
    assert body["type"] == "Client"


def test_malformed_authorization_header(send):
    resp = send("GET", "/-/vaults", sign=False,
                sent_headers={**VERSION, "Authorization": "AWS4-HMAC-SHA256 garbage"})
    assert_glacier_error(resp, (400, 403))


def test_not_found_error_envelope(send, accounts):
    name = unique_name("missing")
    resp = send("GET", f"/-/vaults/{name}")
    arn = f"arn:aws:glacier:{REGION}:{accounts['one'].account_id}:vaults/{name}"
    body = assert_glacier_error(resp, 404, code="ResourceNotFoundException",
                                message=f"Vault not found for ARN: {arn}")
    assert body["type"] == "Client"


def test_every_response_has_a_request_id(send, glacier):
    name = unique_name("reqid")
    responses = [
        send("PUT", f"/-/vaults/{name}"),                     # 201
        send("GET", f"/-/vaults/{name}"),                     # 200
        send("DELETE", f"/-/vaults/{name}"),                  # 204
        send("GET", f"/-/vaults/{name}"),                     # 404
        send("GET", "/-/vaults", secret="wrong"),             # 403
        send("GET", "/-/vaults", sign=False),                 # 400/403
    ]
    assert [r.status_code for r in responses[:5]] == [201, 200, 204, 404, 403]
    ids = [r.headers.get("x-amzn-RequestId") for r in responses]
    assert all(ids), ids
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("minutes,ok", [(-5, True), (5, True), (-20, False), (20, False)])
def test_clock_skew_window_is_15_minutes(send, minutes, ok):
    when = utcnow() + datetime.timedelta(minutes=minutes)
    resp = send("GET", "/-/vaults", when=when)
    if ok:
        assert resp.status_code == 200, resp.text
    else:
        assert_glacier_error(resp, (400, 403))


def presign(tessera, accounts, path, headers=None, expires=300, when=None, secret=None):
    acct = accounts["one"]
    req = AWSRequest(method="GET", url=tessera.endpoint + path, headers=headers or {})
    auth = SigV4QueryAuth(Credentials(acct.access_key, secret or acct.secret_key), "glacier",
                          REGION, expires=expires)
    if when is None:
        auth.add_auth(req)
    else:
        from unittest import mock
        with mock.patch("botocore.auth.get_current_datetime", return_value=when):
            auth.add_auth(req)
    return req.url


@pytest.mark.parametrize("sign_version_header", [False, True])
def test_presigned_list_vaults(tessera, accounts, glacier, vault, sign_version_header):
    url = presign(tessera, accounts, "/-/vaults?limit=1000",
                  headers=VERSION if sign_version_header else None)
    assert "X-Amz-Signature=" in url and "Authorization" not in url
    resp = requests.get(url, headers=VERSION, timeout=30)  # the version header rides unsigned
    assert resp.status_code == 200, resp.text
    assert vault in [v["VaultName"] for v in resp.json()["VaultList"]]


def test_generate_presigned_url(glacier, vault):
    url = glacier.generate_presigned_url("describe_vault",
                                         Params={"accountId": "-", "vaultName": vault})
    resp = requests.get(url, headers=VERSION, timeout=30)
    assert resp.status_code == 200, resp.text
    assert resp.json()["VaultName"] == vault


@pytest.mark.parametrize("parameter", ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Date"])
def test_presigned_url_with_a_repeated_authentication_parameter_is_refused(tessera, accounts, parameter):
    url = presign(tessera, accounts, "/-/vaults")
    value = next(piece.split("=", 1)[1] for piece in url.split("?", 1)[1].split("&") if piece.startswith(parameter + "="))
    assert requests.get(url, headers=VERSION, timeout=30).status_code == 200
    for twice in (f"{url}&{parameter}={value}", url.replace("?", f"?{parameter}={'0' * 64 if parameter == 'X-Amz-Signature' else value}&", 1)):
        resp = requests.get(twice, headers=VERSION, timeout=30)
        assert_glacier_error(resp, 400, "IncompleteSignatureException")
        assert f"{parameter} may appear only once" in resp.json()["message"]


def test_presigned_url_with_bad_signature(tessera, accounts):
    url = presign(tessera, accounts, "/-/vaults", secret="wrong-secret")
    assert_glacier_error(requests.get(url, headers=VERSION, timeout=30), 403,
                         code="InvalidSignatureException")


def test_presigned_url_expired(tessera, accounts):
    when = utcnow() - datetime.timedelta(minutes=10)
    url = presign(tessera, accounts, "/-/vaults", expires=60, when=when)
    assert_glacier_error(requests.get(url, headers=VERSION, timeout=30), (400, 403))


def test_inventory_sees_uploads_signed_by_sdk_only(glacier, vault):
    """Sanity for the inventory check above: a real upload does appear."""
    archive_id = upload_archive(glacier, vault, b"visible")["archiveId"]
    job = glacier.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval"})
    wait_for_job(glacier, vault, job["jobId"])
    inventory = json.loads(glacier.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read())
    assert [a["ArchiveId"] for a in inventory["ArchiveList"]] == [archive_id]
