"""The credential chain's last links, used when nothing is configured: a container's credentials endpoint
(`AWS_CONTAINER_CREDENTIALS_FULL_URI` + `AWS_CONTAINER_AUTHORIZATION_TOKEN`) and EC2 instance metadata
(`AWS_EC2_METADATA_SERVICE_ENDPOINT`, IMDSv2 and v1), each a stand-in on 127.0.0.1 that hands out account two's
keys: the command lists account two's vaults, and the AWS CLI does the same with the same variables. No
metadata service at all is the usual one line about credentials."""

from __future__ import annotations

import datetime

import pytest

from client_helpers import aws_cli_vaults, one_line_failure, run_client
from conftest import ACCOUNTS, make_client
from glacier_helpers import unique_name
from machine_credentials_stand_in import IMDS_TOKEN, MachineStandIn
from sts_stand_in import STSStandIn, assert_signed_by

SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXRlc3NlcmEtbWFjaGluZQ=="


@pytest.fixture
def twos_vault(tessera):
    name = unique_name("machine-two")
    make_client(tessera.endpoint, "two").create_vault(vaultName=name)
    return name


def bare_environment(env, tmp_path, **variables):
    """No keys, no profile files, instance metadata on unless the caller turns it off."""
    bare = {k: v for k, v in env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED")}
    return dict(bare, AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), **variables)


def both_list(tessera, environment) -> tuple[str, list[str]]:
    """`tessera glacier ls` and the AWS CLI's list-vaults in the same environment."""
    ours = run_client(["glacier", "ls", "--endpoint-url", tessera.endpoint], environment).stdout.decode()
    return ours, aws_cli_vaults(environment, "--endpoint-url", tessera.endpoint)


def test_container_credentials_endpoint(tessera, env, tmp_path, twos_vault):
    two = ACCOUNTS["two"]
    with MachineStandIn(two.access_key, two.secret_key, SESSION_TOKEN, authorization="Bearer task-token") as machine:
        environment = bare_environment(env, tmp_path, AWS_EC2_METADATA_DISABLED="true",
                                       AWS_CONTAINER_CREDENTIALS_FULL_URI=f"{machine.endpoint}/container-credentials",
                                       AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer task-token")
        ours, cli = both_list(tessera, environment)
    assert twos_vault in ours and twos_vault in cli, (ours, cli)
    assert [(method, path) for method, path, _ in machine.requests] == [("GET", "/container-credentials")] * 2
    assert all(headers.get("Authorization") == "Bearer task-token" for _, _, headers in machine.requests)


@pytest.mark.parametrize("v1_only", [False, True], ids=["imdsv2", "imdsv1"])
def test_instance_metadata(tessera, env, tmp_path, twos_vault, v1_only):
    two = ACCOUNTS["two"]
    with MachineStandIn(two.access_key, two.secret_key, SESSION_TOKEN, v1_only=v1_only) as machine:
        environment = bare_environment(env, tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT=machine.endpoint + "/")
        ours, cli = both_list(tessera, environment)
    assert twos_vault in ours and twos_vault in cli, (ours, cli)
    ours_requests = machine.requests[:3]
    assert [(method, path) for method, path, _ in ours_requests] == [
        ("PUT", "/latest/api/token"), ("GET", "/latest/meta-data/iam/security-credentials/"),
        ("GET", "/latest/meta-data/iam/security-credentials/tessera-instance-role")]
    if not v1_only:
        assert all(headers.get("x-aws-ec2-metadata-token") == IMDS_TOKEN for _, _, headers in ours_requests[1:])


def test_no_instance_metadata_is_no_credentials(tessera, env, tmp_path):
    """Nothing listens where instance metadata should be: one line after the metadata timeout."""
    environment = bare_environment(env, tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:1/")
    line = one_line_failure(run_client(["glacier", "ls", "--endpoint-url", tessera.endpoint], environment, check=False))
    assert "no AWS credentials found" in line, line


def test_a_role_assumed_with_the_instances_credentials(tessera, env, tmp_path, twos_vault):
    """`credential_source = Ec2InstanceMetadata`: instance metadata hands out account one's keys, which sign
    AssumeRole; the role's keys (account two's) sign the command. The AWS CLI does the same."""
    one, two = ACCOUNTS["one"], ACCOUNTS["two"]
    (tmp_path / "config").write_text("[profile worker]\nrole_arn = arn:aws:iam::222222222222:role/worker\n"
                                     "credential_source = Ec2InstanceMetadata\n")
    with MachineStandIn(one.access_key, one.secret_key, SESSION_TOKEN) as machine, \
            STSStandIn(two.access_key, two.secret_key, "FwoGZXIvYXdzEJr//role", datetime.timedelta(hours=1)) as sts:
        environment = bare_environment(env, tmp_path, AWS_EC2_METADATA_SERVICE_ENDPOINT=machine.endpoint,
                                       AWS_ENDPOINT_URL_STS=sts.endpoint, AWS_PROFILE="worker")
        environment["AWS_CONFIG_FILE"] = str(tmp_path / "config")
        ours, cli = both_list(tessera, environment)
    assert twos_vault in ours and twos_vault in cli, (ours, cli)
    assert len(sts.requests) == 2
    for request in sts.requests:
        assert_signed_by(request, one.access_key, one.secret_key)
        assert {k.lower(): v for k, v in request["headers"].items()}["x-amz-security-token"] == SESSION_TOKEN


@pytest.mark.parametrize("uri", ["http://169.254.1.1/creds", "http://example.com/creds"])
def test_a_container_uri_over_plain_http_elsewhere_is_one_line(tessera, env, tmp_path, uri):
    """Plain http only to loopback or the container agents' addresses: anything else could hand the token to a
    stranger, so the client refuses before sending it."""
    environment = bare_environment(env, tmp_path, AWS_CONTAINER_CREDENTIALS_FULL_URI=uri,
                                   AWS_CONTAINER_AUTHORIZATION_TOKEN="secret-token", AWS_EC2_METADATA_DISABLED="true")
    line = one_line_failure(run_client(["glacier", "ls", "--endpoint-url", tessera.endpoint], environment, check=False))
    assert "container credentials (AWS_CONTAINER_CREDENTIALS_*) cannot be used" in line and uri in line, line
