"""Profiles that assume a role (`role_arn` with `source_profile` or `credential_source`), as the AWS CLI reads
them: the client calls STS AssumeRole at `AWS_ENDPOINT_URL_STS` — here a stand-in on 127.0.0.1 whose
requests are checked against botocore's STS model and SigV4 signer and whose answers against botocore's
parser — and signs the command's requests with the role's credentials; STS's refusal and a configuration
that cannot work are one line each."""

from __future__ import annotations

import datetime
import subprocess
import sys

import botocore.session
import pytest
from botocore.parsers import create_parser
from botocore.validate import ParamValidator

from client_helpers import aws_cli_vaults, one_line_failure, run_client
from conftest import ACCOUNTS, make_client
from glacier_helpers import unique_name
from sts_stand_in import STSStandIn, assert_signed_by
from tessera_server import REGION

ROLE_ARN = "arn:aws:iam::222222222222:role/deploy"
TOKEN = "FwoGZXIvYXdzEJr//////////wEaDHRlc3NlcmEtcm9sZQ=="


def sts_model():
    return botocore.session.get_session().get_service_model("sts")


def assume_role_parameters(form: dict, action: str = "AssumeRole") -> dict:
    """The form's parameters of `action`, validated against botocore's model of the operation."""
    assert form.pop("Action") == action and form.pop("Version") == "2011-06-15", form
    operation = sts_model().operation_model(action)
    params = {name: int(value) if operation.input_shape.members[name].type_name == "integer" else value
              for name, value in form.items()}
    report = ParamValidator().validate(params, operation.input_shape)
    assert not report.has_errors(), report.generate_report()
    return params


def profile_files(tmp_path, config: str):
    credentials = tmp_path / "credentials"
    one = ACCOUNTS["one"]
    credentials.write_text(f"[base]\naws_access_key_id = {one.access_key}\naws_secret_access_key = {one.secret_key}\n")
    (tmp_path / "config").write_text(config)
    return {"AWS_SHARED_CREDENTIALS_FILE": str(credentials), "AWS_CONFIG_FILE": str(tmp_path / "config")}


def role_environment(env, stand_in, files):
    bare = {k: v for k, v in env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    return dict(bare, AWS_ENDPOINT_URL_STS=stand_in.endpoint, **files)


def test_a_role_profile_signs_with_the_roles_credentials(tessera, env, tmp_path):
    """Profile `deploy` assumes a role with profile `base`'s keys (account one); STS hands back account two's
    keys with a session token, and `glacier ls` lists account two's vaults, not account one's."""
    mine, theirs = unique_name("role-one"), unique_name("role-two")
    make_client(tessera.endpoint, "one").create_vault(vaultName=mine)
    make_client(tessera.endpoint, "two").create_vault(vaultName=theirs)
    two = ACCOUNTS["two"]
    files = profile_files(tmp_path, f"[profile deploy]\nrole_arn = {ROLE_ARN}\nsource_profile = base\n"
                                    "role_session_name = compat-run\nexternal_id = ext-7\nduration_seconds = 1800\n")
    with STSStandIn(two.access_key, two.secret_key, TOKEN, datetime.timedelta(minutes=30)) as sts:
        listed = run_client(["glacier", "ls", "--profile", "deploy", "--endpoint-url", tessera.endpoint],
                            role_environment(env, sts, files)).stdout.decode()
        assert len(sts.requests) == 1, "one AssumeRole for the command"
        # The AWS CLI, given the same files and variables, assumes the same role the same way.
        cli_vaults = aws_cli_vaults(role_environment(env, sts, files), "--profile", "deploy", "--endpoint-url", tessera.endpoint)
    assert theirs in cli_vaults and mine not in cli_vaults, cli_vaults
    assert theirs in listed and mine not in listed, listed
    assert len(sts.requests) == 2
    assert assume_role_parameters(dict(sts.requests[1]["form"])) == assume_role_parameters(dict(sts.requests[0]["form"]))
    request = sts.requests[0]
    assert request["path"] == "/"
    assert request["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert assume_role_parameters(dict(request["form"])) == {
        "RoleArn": ROLE_ARN, "RoleSessionName": "compat-run", "ExternalId": "ext-7", "DurationSeconds": 1800}
    assert_signed_by(request, ACCOUNTS["one"].access_key, ACCOUNTS["one"].secret_key)
    # The stand-in's answer is what botocore reads as AssumeRole's output.
    parsed = create_parser("query").parse({"body": sts.answers[0], "headers": {}, "status_code": 200},
                                          sts_model().operation_model("AssumeRole").output_shape)
    assert parsed["Credentials"]["AccessKeyId"] == two.access_key and parsed["Credentials"]["SessionToken"] == TOKEN


def test_a_chain_of_roles_and_the_default_session_name(tessera, env, tmp_path):
    """`admin` assumes its role with the credentials of `deploy`'s role, which `base`'s keys assume: two
    AssumeRole calls, the second signed with what the first returned, each session named as botocore does."""
    two = ACCOUNTS["two"]
    files = profile_files(tmp_path, f"[profile deploy]\nrole_arn = {ROLE_ARN}\nsource_profile = base\n"
                                    "[profile admin]\nrole_arn = arn:aws:iam::222222222222:role/admin\n"
                                    "source_profile = deploy\n")
    with STSStandIn(two.access_key, two.secret_key, TOKEN, datetime.timedelta(hours=1)) as sts:
        run_client(["glacier", "ls", "--profile", "admin", "--endpoint-url", tessera.endpoint],
                   role_environment(env, sts, files))
    assert [r["form"]["RoleArn"] for r in sts.requests] == [ROLE_ARN, "arn:aws:iam::222222222222:role/admin"]
    assert_signed_by(sts.requests[0], ACCOUNTS["one"].access_key, ACCOUNTS["one"].secret_key)
    assert_signed_by(sts.requests[1], two.access_key, two.secret_key)
    second = {k.lower(): v for k, v in sts.requests[1]["headers"].items()}
    assert second["x-amz-security-token"] == TOKEN, "the first role's session token goes with the second call"
    for request in sts.requests:
        params = assume_role_parameters(dict(request["form"]))
        assert params["RoleSessionName"].startswith("botocore-session-") and "DurationSeconds" not in params


def test_sts_refusing_the_role_is_one_line(tessera, env, tmp_path):
    files = profile_files(tmp_path, "[profile denied]\nrole_arn = arn:aws:iam::222222222222:role/denied\n"
                                    "source_profile = base\n")
    with STSStandIn("unused", "unused", TOKEN, datetime.timedelta(hours=1)) as sts:
        line = one_line_failure(run_client(["glacier", "ls", "--profile", "denied", "--endpoint-url", tessera.endpoint],
                                           role_environment(env, sts, files), check=False))
    assert "profile 'denied' could not assume arn:aws:iam::222222222222:role/denied" in line, line
    assert "AccessDenied" in line and "not authorized" in line, line
    assert len(sts.requests) == 1, "a refusal is not retried"


def test_a_role_profile_that_cannot_work_is_one_line(tessera, env, tmp_path):
    files = profile_files(tmp_path, "[profile orphan]\nrole_arn = arn:aws:iam::222222222222:role/x\n"
                                    "source_profile = nobody\n")
    with STSStandIn("unused", "unused", TOKEN, datetime.timedelta(hours=1)) as sts:
        line = one_line_failure(run_client(["glacier", "ls", "--profile", "orphan", "--endpoint-url", tessera.endpoint],
                                           role_environment(env, sts, files), check=False))
    assert "profile 'orphan' cannot assume its role: its source_profile 'nobody' does not exist" in line, line
    assert sts.requests == []


def test_web_identity_variables_assume_the_role_unsigned(tessera, env, tmp_path):
    """`AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN` (a CI job's OIDC token): AssumeRoleWithWebIdentity with
    the file's token and no signature, the command signed with the role's keys; the AWS CLI does the same."""
    theirs = unique_name("oidc-two")
    make_client(tessera.endpoint, "two").create_vault(vaultName=theirs)
    two = ACCOUNTS["two"]
    token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOnRlc3NlcmEvY2kifQ.c2lnbmF0dXJl"
    (tmp_path / "token").write_text(token)
    bare = {k: v for k, v in env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    with STSStandIn(two.access_key, two.secret_key, TOKEN, datetime.timedelta(hours=1)) as sts:
        oidc = dict(bare, AWS_ENDPOINT_URL_STS=sts.endpoint, AWS_WEB_IDENTITY_TOKEN_FILE=str(tmp_path / "token"),
                    AWS_ROLE_ARN="arn:aws:iam::222222222222:role/ci", AWS_ROLE_SESSION_NAME="job-42",
                    AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
        listed = run_client(["glacier", "ls", "--endpoint-url", tessera.endpoint], oidc).stdout.decode()
        cli_vaults = aws_cli_vaults(oidc, "--endpoint-url", tessera.endpoint)
    assert theirs in listed, listed
    assert theirs in cli_vaults
    assert len(sts.requests) == 2
    ours, botocores = sts.requests
    assert not any(name.lower() == "authorization" for name in ours["headers"]), "AssumeRoleWithWebIdentity is unsigned"
    params = assume_role_parameters(dict(ours["form"]), "AssumeRoleWithWebIdentity")
    assert params == {"RoleArn": "arn:aws:iam::222222222222:role/ci", "RoleSessionName": "job-42", "WebIdentityToken": token}
    assert params == assume_role_parameters(dict(botocores["form"]), "AssumeRoleWithWebIdentity")


def run_in_terminal(argv, env, answer: str, timeout: float = 120) -> tuple[int, str]:
    """Runs `argv` with a pseudo-terminal as its controlling terminal (and its stdin, stdout, stderr), types
    `answer` when it asks for an MFA code, and returns its exit status and everything it wrote."""
    import os
    import pty
    import select
    import time
    pid, master = pty.fork()
    if pid == 0:
        try:
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    output, answered, deadline = b"", False, time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            if not answered and b"Enter MFA code for" in output:
                os.write(master, answer.encode() + b"\n")
                answered = True
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(master)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_a_role_with_an_mfa_device_asks_for_the_code_at_the_terminal(tessera, env, tmp_path):
    """`mfa_serial`: the client asks "Enter MFA code for SERIAL: " on its terminal (as botocore does) and sends
    the code with AssumeRole; the AWS CLI, answered the same way in the same terminal setup, sends the same."""
    theirs = unique_name("mfa-two")
    make_client(tessera.endpoint, "two").create_vault(vaultName=theirs)
    two = ACCOUNTS["two"]
    serial = "arn:aws:iam::111111111111:mfa/tessera-user"
    files = profile_files(tmp_path, f"[profile guarded]\nrole_arn = {ROLE_ARN}\nsource_profile = base\nmfa_serial = {serial}\n")
    from tessera_server import default_binary
    with STSStandIn(two.access_key, two.secret_key, TOKEN, datetime.timedelta(hours=1)) as sts:
        environment = role_environment(env, sts, files)
        status, ours = run_in_terminal([str(default_binary()), "glacier", "ls", "--profile", "guarded",
                                        "--endpoint-url", tessera.endpoint], environment, "123456")
        cli_status, cli = run_in_terminal([sys.executable, "-m", "awscli", "glacier", "list-vaults", "--account-id", "-",
                                           "--profile", "guarded", "--endpoint-url", tessera.endpoint, "--output", "json"],
                                          dict(environment, AWS_DEFAULT_REGION=REGION, AWS_PAGER="", AWS_MAX_ATTEMPTS="1"),
                                          "654321")
    assert status == 0 and theirs in ours, ours
    assert f"Enter MFA code for {serial}: " in ours and "123456" not in ours, "asked on the terminal, not echoed"
    assert cli_status == 0 and theirs in cli, cli
    assert f"Enter MFA code for {serial}: " in cli
    assert len(sts.requests) == 2
    ours_params, cli_params = (assume_role_parameters(dict(r["form"])) for r in sts.requests)
    assert ours_params["SerialNumber"] == cli_params["SerialNumber"] == serial
    assert (ours_params["TokenCode"], cli_params["TokenCode"]) == ("123456", "654321")
    assert_signed_by(sts.requests[0], ACCOUNTS["one"].access_key, ACCOUNTS["one"].secret_key)


def test_a_role_with_an_mfa_device_and_no_terminal_is_one_line(tessera, env, tmp_path):
    files = profile_files(tmp_path, f"[profile guarded]\nrole_arn = {ROLE_ARN}\nsource_profile = base\n"
                                    "mfa_serial = arn:aws:iam::111111111111:mfa/tessera-user\n")
    from tessera_server import default_binary
    with STSStandIn("unused", "unused", TOKEN, datetime.timedelta(hours=1)) as sts:
        # A new session has no controlling terminal, whatever runs the tests.
        proc = subprocess.run([str(default_binary()), "glacier", "ls", "--profile", "guarded", "--endpoint-url", tessera.endpoint],
                              env=role_environment(env, sts, files), capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
                              start_new_session=True)
    line = one_line_failure(proc)
    assert "profile 'guarded' cannot assume its role" in line and "no terminal to ask for it" in line, line
    assert sts.requests == []


@pytest.mark.parametrize("settings, why", [
    ("source_profile = base\ncredential_source = Environment\n", "it sets both source_profile and credential_source"),
    ("", "role_arn needs source_profile or credential_source"),
    ("credential_source = Lambda\n", "credential_source Lambda is not one of Environment, Ec2InstanceMetadata and EcsContainer"),
    ("source_profile = base\nduration_seconds = 90000\n", "duration_seconds must be a whole number of seconds from 900 to 43200"),
    ("source_profile = other\n[profile other]\nrole_arn = arn:aws:iam::1:role/o\nsource_profile = broken\n",
     "its source profiles make a loop: broken → other → broken"),
    ("credential_source = Environment\n", "credential_source is Environment, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"),
])
def test_role_settings_that_cannot_work_are_one_line_before_any_call(tessera, env, tmp_path, settings, why):
    files = profile_files(tmp_path, f"[profile broken]\nrole_arn = {ROLE_ARN}\n{settings}")
    with STSStandIn("unused", "unused", TOKEN, datetime.timedelta(hours=1)) as sts:
        line = one_line_failure(run_client(["glacier", "ls", "--profile", "broken", "--endpoint-url", tessera.endpoint],
                                           role_environment(env, sts, files), check=False))
    assert "cannot assume its role" in line and why in line, line
    assert sts.requests == []
