"""SSO profiles (`sso_session` with an `[sso-session]` section, and the legacy form): the client reads the
access token `aws sso login` cached under ~/.aws/sso/cache/ (the file named as botocore names it), fetches the
role's credentials from a stand-in SSO portal (`AWS_ENDPOINT_URL_SSO`) and signs with them — another
account's vaults are listed — and the AWS CLI does the same with the same files. An expired token is one line
that says to sign in again."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest

from client_helpers import aws_cli_vaults, one_line_failure, run_client
from conftest import ACCOUNTS, make_client
from glacier_helpers import unique_name
from sso_portal_stand_in import SSOPortalStandIn

ACCESS_TOKEN = "aoaAAAAAGd-tessera-sso-access-token"
START_URL = "https://d-9067c1a2b3.awsapps.com/start"


def write_token_cache(home, key: str, expires: datetime.datetime, **renewal):
    """The cache file `aws sso login` writes: ~/.aws/sso/cache/<sha1 of the session name or start URL>.json."""
    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{hashlib.sha1(key.encode()).hexdigest()}.json"
    path.write_text(json.dumps({"startUrl": START_URL, "region": "us-east-2", "accessToken": ACCESS_TOKEN,
                                "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), **renewal}))
    return path


def sso_environment(env, home, portal):
    bare = {k: v for k, v in env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    return dict(bare, HOME=str(home), AWS_CONFIG_FILE=str(home / "config"),
                AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"), AWS_ENDPOINT_URL_SSO=portal.endpoint,
                AWS_ENDPOINT_URL_SSO_OIDC=portal.endpoint)


@pytest.mark.parametrize("form", ["sso-session", "legacy"])
def test_an_sso_profile_signs_with_the_roles_credentials(tessera, env, tmp_path, form):
    theirs = unique_name("sso-two")
    make_client(tessera.endpoint, "two").create_vault(vaultName=theirs)
    two = ACCOUNTS["two"]
    if form == "sso-session":
        config = (f"[profile dev]\nsso_session = corp\nsso_account_id = {two.account_id}\nsso_role_name = Developer\n"
                  f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-2\n"
                  "sso_registration_scopes = sso:account:access\n")
        key = "corp"
    else:
        config = (f"[profile dev]\nsso_start_url = {START_URL}\nsso_region = us-east-2\n"
                  f"sso_account_id = {two.account_id}\nsso_role_name = Developer\n")
        key = START_URL
    (tmp_path / "config").write_text(config)
    write_token_cache(tmp_path, key, datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=4))
    with SSOPortalStandIn(ACCESS_TOKEN, two.access_key, two.secret_key, "IQoJb3JpZ2luX2VjEJr//sso") as portal:
        environment = sso_environment(env, tmp_path, portal)
        listed = run_client(["glacier", "ls", "--profile", "dev", "--endpoint-url", tessera.endpoint], environment).stdout.decode()
        cli_vaults = aws_cli_vaults(environment, "--profile", "dev", "--endpoint-url", tessera.endpoint)
    assert theirs in listed, listed
    assert theirs in cli_vaults
    assert len(portal.requests) == 2, portal.requests
    ours, botocores = portal.requests
    assert ours["path"] == botocores["path"] == "/federation/credentials"
    assert ours["query"] == botocores["query"] == {"account_id": two.account_id, "role_name": "Developer"}
    assert ours["headers"].get("x-amz-sso_bearer_token") == ACCESS_TOKEN
    assert not any(name.lower() == "authorization" for name in ours["headers"]), "GetRoleCredentials is unsigned"


def test_an_expired_sso_token_says_to_sign_in_again(tessera, env, tmp_path):
    (tmp_path / "config").write_text(f"[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
                                     f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-2\n")
    write_token_cache(tmp_path, "corp", datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
    with SSOPortalStandIn(ACCESS_TOKEN, "unused", "unused", "unused") as portal:
        line = one_line_failure(run_client(["glacier", "ls", "--profile", "dev", "--endpoint-url", tessera.endpoint],
                                           sso_environment(env, tmp_path, portal), check=False))
    assert "profile 'dev' needs a new SSO sign-in (aws sso login --profile dev)" in line, line
    assert "expired at 2020-01-01T00:00:00Z" in line, line
    assert portal.requests == []


def test_a_token_near_its_expiration_is_renewed_and_written_back(tessera, env, tmp_path):
    """Ten minutes left on the cached token of an sso-session profile: the client renews it with the session's
    refresh token (CreateToken), signs in with the new one, and writes it back where the AWS CLI then finds
    it — botocore uses the renewed token without renewing again."""
    theirs = unique_name("sso-renewed")
    make_client(tessera.endpoint, "two").create_vault(vaultName=theirs)
    two = ACCOUNTS["two"]
    (tmp_path / "config").write_text(f"[profile dev]\nsso_session = corp\nsso_account_id = {two.account_id}\n"
                                     f"sso_role_name = Developer\n[sso-session corp]\nsso_start_url = {START_URL}\n"
                                     "sso_region = us-east-2\n")
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=10)
    path = write_token_cache(tmp_path, "corp", soon, refreshToken="Atrt|first-refresh-token", clientId="client-id",
                             clientSecret="client-secret", registrationExpiresAt="2999-01-01T00:00:00Z")
    with SSOPortalStandIn(ACCESS_TOKEN, two.access_key, two.secret_key, "IQoJb3JpZ2luX2VjEJr//sso") as portal:
        environment = sso_environment(env, tmp_path, portal)
        listed = run_client(["glacier", "ls", "--profile", "dev", "--endpoint-url", tessera.endpoint], environment).stdout.decode()
        cached = json.loads(path.read_text())
        cli_vaults = aws_cli_vaults(environment, "--profile", "dev", "--endpoint-url", tessera.endpoint)
    assert theirs in listed, listed
    assert theirs in cli_vaults
    renewals = [r for r in portal.requests if r["path"] == "/token"]
    assert len(renewals) == 1, "the client renewed once; botocore found the renewed token good for hours"
    assert not any(name.lower() == "authorization" for name in renewals[0]["headers"]), "CreateToken is unsigned"
    assert cached["accessToken"] == SSOPortalStandIn.RENEWED_TOKEN and cached["refreshToken"] == SSOPortalStandIn.RENEWED_REFRESH
    assert cached["clientId"] == "client-id" and cached["registrationExpiresAt"] == "2999-01-01T00:00:00Z"
    fetches = [r for r in portal.requests if r["path"] == "/federation/credentials"]
    assert [r["headers"]["x-amz-sso_bearer_token"] for r in fetches] == [SSOPortalStandIn.RENEWED_TOKEN] * 2


@pytest.mark.parametrize("config, why", [
    ("[profile dev]\nsso_session = corp\nsso_account_id = 1\n[sso-session corp]\n"
     f"sso_start_url = {START_URL}\nsso_region = us-east-2\n", "it lacks sso_role_name"),
    ("[profile dev]\nsso_session = gone\nsso_account_id = 1\nsso_role_name = R\n", "its sso_session 'gone' does not exist"),
    ("[profile dev]\nsso_session = corp\nsso_region = eu-west-1\nsso_account_id = 1\nsso_role_name = R\n"
     f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-2\n",
     "its sso_region differs from the one of sso-session 'corp'"),
])
def test_an_sso_profile_that_cannot_sign_in_is_one_line(tessera, env, tmp_path, config, why):
    (tmp_path / "config").write_text(config)
    with SSOPortalStandIn(ACCESS_TOKEN, "unused", "unused", "unused") as portal:
        line = one_line_failure(run_client(["glacier", "ls", "--profile", "dev", "--endpoint-url", tessera.endpoint],
                                           sso_environment(env, tmp_path, portal), check=False))
    assert f"profile 'dev' cannot sign in through SSO: {why}" in line, line
    assert portal.requests == []
