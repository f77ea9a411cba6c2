"""A credential scope must name the service the endpoint is and a region: a request scoped to another service
is refused as AWS refuses it ("Credential should be scoped to correct service: 'glacier'."), on every door,
and so is a region that is not one (300 characters, quotes and angle brackets)."""

import html
import json

import pytest
import requests

from glacier_helpers import sigv4_headers
from tessera_server import TEST_ACCOUNTS

ONE = TEST_ACCOUNTS["one"]


def signed(tessera, method, path, *, service, region="us-east-1", body=b"", headers=None):
    url = tessera.endpoint + path
    all_headers = sigv4_headers(method, url, ONE.access_key, ONE.secret_key, body=body, headers=headers,
                                region=region, service=service)
    return requests.request(method, url, data=body, headers=all_headers, timeout=30)


GLACIER = ("GET", "/-/vaults", {"x-amz-glacier-version": "2012-06-01"}, b"")
EBS = ("GET", "/snapshots/snap-00000000000000000/blocks", {}, b"")
EC2 = ("POST", "/", {"Content-Type": "application/x-www-form-urlencoded"}, b"Action=DescribeSnapshots&Version=2016-11-15")
ECR = ("POST", "/", {"Content-Type": "application/x-amz-json-1.1",
                     "X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories"}, b"{}")
ECR_PUBLIC = ("POST", "/", {"Content-Type": "application/x-amz-json-1.1",
                            "X-Amz-Target": "SpencerFrontendService.DescribeRepositories"}, b"{}")


@pytest.mark.parametrize("request_, right, wrong, status", [
    (GLACIER, "glacier", "s3", 403),
    (EBS, "ebs", "glacier", 403),
    (EC2, "ec2", "sts", 401),
    (ECR, "ecr", "ecr-public", 400),
    (ECR_PUBLIC, "ecr-public", "ecr", 400),
], ids=["glacier", "ebs", "ec2", "ecr", "ecr-public"])
def test_a_scope_for_another_service_is_refused(tessera, request_, right, wrong, status):
    method, path, headers, body = request_
    refused = signed(tessera, method, path, service=wrong, headers=headers, body=body)
    assert refused.status_code == status, refused.text
    assert f"Credential should be scoped to correct service: '{right}'" in html.unescape(refused.text)
    accepted = signed(tessera, method, path, service=right, headers=headers, body=body)
    assert accepted.status_code != status or "scoped" not in accepted.text, accepted.text


@pytest.mark.parametrize("region", ["x" * 300, 'us-east-1"<>', "useast", "us-east-", "US-EAST-1"])
def test_a_region_that_is_not_one_is_refused(tessera, region):
    method, path, headers, body = GLACIER
    refused = signed(tessera, method, path, service="glacier", region=region, headers=headers, body=body)
    assert refused.status_code == 403, refused.text
    assert json.loads(refused.text)["message"].startswith("Credential should be scoped to a valid region")


@pytest.mark.parametrize("region", ["us-east-1", "us-gov-west-1", "cn-north-1", "ap-southeast-4", "eu-central-2"])
def test_real_region_names_are_accepted(tessera, region):
    method, path, headers, body = GLACIER
    assert signed(tessera, method, path, service="glacier", region=region, headers=headers, body=body).status_code == 200
