"""Accounts and ECR (docs/aws/ecr.md#repository-policies): account two sees nothing of account
one's repositories unless a repository policy of account one lets it (its own registry: not found;
account one's, named by `registryId`: AccessDeniedException as AWS answers, or not found, the same
for existing and missing repositories); repositories belong to the account, not the region;
GetAuthorizationToken is per account and names the endpoint the client used.

Policy evaluation (issue 10): a statement grants when its Effect is Allow, its Principal names the
caller (account id, `arn:aws:iam::<id>:root`, or `*`) and its Action matches (wildcards allowed);
a statement with a Condition never grants; an explicit Deny wins.
"""

import time

import pytest

from ecr_helpers import (
    KiB, ONE, PULL_ACTIONS, TWO, decode_token, download_url, expect_ecr_error, fetch, get_manifest,
    image_digests, image_id, initiate, is_available, layer_availability, policy, push_image,
    put_manifest, random_layer, repository_name, sha256_digest, statement, upload_part,
    watch_responses)
from tessera_server import TEST_ACCOUNTS, make_client

DENIED = ("AccessDeniedException", "RepositoryNotFoundException")
# Another account's repository without a policy for the caller: AWS says AccessDeniedException
# ("... because no resource-based policy allows the ecr:<Action> action"); RepositoryNotFoundException
# is accepted too. Either way, the same answer whether or not the repository exists.
ISOLATED = DENIED


def not_found_message(name, account):
    return f"The repository with name '{name}' does not exist in the registry with id '{account}'"


@pytest.fixture
def shared(ecr, repository):
    """Account one's repository holding image `v1` (returns (name, image))."""
    return repository, push_image(ecr, repository, "v1", layers=2, layer_size=3 * KiB)


def grant(ecr, repo, principal, actions=PULL_ACTIONS, **extra):
    ecr.set_repository_policy(repositoryName=repo,
                              policyText=policy(statement(principal, actions, **extra)))


def can_pull(ecr_two, repo, image) -> bool:
    try:
        got = get_manifest(ecr_two, repo, image_id(tag="v1"), registry_id=ONE)
    except Exception as exc:  # noqa: BLE001
        assert getattr(exc, "response", {}).get("Error", {}).get("Code") in DENIED, exc
        return False
    assert got["imageManifest"] == image.manifest
    return True


def assert_cannot_push(ecr, ecr_two, repo, image):
    """Account two can neither start a layer upload nor tag a valid manifest (whose blobs the
    repository has) in account one's repository."""
    before = ecr.list_images(repositoryName=repo)["imageIds"]
    with expect_ecr_error(DENIED):
        ecr_two.initiate_layer_upload(repositoryName=repo, registryId=ONE)
    with expect_ecr_error(DENIED):
        put_manifest(ecr_two, repo, image.manifest, "pushed-by-two", registry_id=ONE)
    assert ecr.list_images(repositoryName=repo)["imageIds"] == before


# -- isolation without a policy ---------------------------------------------------------

def test_other_account_sees_nothing(ecr, ecr_two, shared):
    repo, image = shared
    with expect_ecr_error("RepositoryNotFoundException", message=not_found_message(repo, TWO)):
        ecr_two.describe_repositories(repositoryNames=[repo])
    listed = ecr_two.describe_repositories(maxResults=1000)["repositories"]
    assert repo not in {r["repositoryName"] for r in listed}
    assert all(r["registryId"] == TWO for r in listed)
    layer = image.layers[0].digest
    calls = {
        "DescribeRepositories": lambda n: ecr_two.describe_repositories(registryId=ONE, repositoryNames=[n]),
        "DescribeImages": lambda n: ecr_two.describe_images(registryId=ONE, repositoryName=n),
        "ListImages": lambda n: ecr_two.list_images(registryId=ONE, repositoryName=n),
        "BatchGetImage": lambda n: ecr_two.batch_get_image(registryId=ONE, repositoryName=n,
                                                           imageIds=[image_id(tag="v1")]),
        "BatchCheckLayerAvailability": lambda n: ecr_two.batch_check_layer_availability(
            registryId=ONE, repositoryName=n, layerDigests=[layer]),
        "GetDownloadUrlForLayer": lambda n: ecr_two.get_download_url_for_layer(
            registryId=ONE, repositoryName=n, layerDigest=layer),
        "InitiateLayerUpload": lambda n: ecr_two.initiate_layer_upload(registryId=ONE, repositoryName=n),
        "PutImage": lambda n: ecr_two.put_image(registryId=ONE, repositoryName=n,
                                                imageManifest=image.manifest, imageTag="two"),
        "BatchDeleteImage": lambda n: ecr_two.batch_delete_image(registryId=ONE, repositoryName=n,
                                                                 imageIds=[image_id(tag="v1")]),
        "GetRepositoryPolicy": lambda n: ecr_two.get_repository_policy(registryId=ONE, repositoryName=n),
        "SetRepositoryPolicy": lambda n: ecr_two.set_repository_policy(
            registryId=ONE, repositoryName=n, policyText=policy(statement({"AWS": TWO}, "ecr:*"))),
        "DeleteRepository": lambda n: ecr_two.delete_repository(registryId=ONE, repositoryName=n,
                                                                force=True),
        "PutImageTagMutability": lambda n: ecr_two.put_image_tag_mutability(
            registryId=ONE, repositoryName=n, imageTagMutability="IMMUTABLE"),
        "GetLifecyclePolicy": lambda n: ecr_two.get_lifecycle_policy(registryId=ONE, repositoryName=n),
        "ListTagsForResource": lambda n: ecr_two.list_tags_for_resource(
            resourceArn=f"arn:aws:ecr:us-east-1:{ONE}:repository/{n}"),
        "TagResource": lambda n: ecr_two.tag_resource(
            resourceArn=f"arn:aws:ecr:us-east-1:{ONE}:repository/{n}", tags=[{"Key": "k", "Value": "v"}]),
    }
    missing = repository_name("not-there")
    for operation, call in calls.items():
        # AWS answers AccessDeniedException (no resource policy allows it); either way the answer
        # must not tell an existing repository from a missing one.
        with expect_ecr_error(ISOLATED) as existing:
            call(repo)
        with expect_ecr_error(ISOLATED) as absent:
            call(missing)
        assert existing.code == absent.code, (operation, existing.code, absent.code)
    # nothing changed for account one
    repo_now = ecr.describe_repositories(repositoryNames=[repo])["repositories"][0]
    assert repo_now["imageTagMutability"] == "MUTABLE"
    assert image_digests(ecr, repo) == {image.digest}
    assert ecr.list_tags_for_resource(
        resourceArn=f"arn:aws:ecr:us-east-1:{ONE}:repository/{repo}")["tags"] == []
    with expect_ecr_error("RepositoryPolicyNotFoundException"):
        ecr.get_repository_policy(repositoryName=repo)


def test_same_name_in_both_accounts(ecr, ecr_two, repository):
    mine = push_image(ecr, repository, "v1")
    ecr_two.create_repository(repositoryName=repository)
    try:
        theirs = push_image(ecr_two, repository, "v1")
        assert image_digests(ecr, repository) == {mine.digest}
        assert image_digests(ecr_two, repository) == {theirs.digest}
        # a layer of account one is not in account two's repository of the same name
        assert not is_available(ecr_two, repository, mine.layers[0].digest)
        ecr_two.delete_repository(repositoryName=repository, force=True)
        assert image_digests(ecr, repository) == {mine.digest}
    finally:
        try:
            ecr_two.delete_repository(repositoryName=repository, force=True)
        except Exception:  # noqa: BLE001
            pass


def test_upload_id_of_another_account(ecr, ecr_two, repository):
    upload_id = initiate(ecr, repository)
    ecr_two.create_repository(repositoryName=repository)
    try:
        with expect_ecr_error("UploadNotFoundException"):
            upload_part(ecr_two, repository, upload_id, random_layer(10), 0)
        with expect_ecr_error(ISOLATED):
            upload_part(ecr_two, repository, upload_id, random_layer(10), 0, registry_id=ONE)
        data = random_layer(10)
        upload_part(ecr, repository, upload_id, data, 0)
        assert ecr.complete_layer_upload(repositoryName=repository, uploadId=upload_id,
                                         layerDigests=[sha256_digest(data)])["layerDigest"] == \
            sha256_digest(data)
    finally:
        ecr_two.delete_repository(repositoryName=repository, force=True)


# -- repository policies between accounts --------------------------------------------------

@pytest.mark.parametrize("principal", [
    {"AWS": TWO},
    {"AWS": f"arn:aws:iam::{TWO}:root"},
    {"AWS": ["arn:aws:iam::333333333333:root", f"arn:aws:iam::{TWO}:root"]},
    {"AWS": "*"},
    "*",
], ids=["account-id", "root-arn", "list", "aws-star", "star"])
def test_policy_lets_account_two_pull(ecr, ecr_two, shared, principal):
    repo, image = shared
    assert not can_pull(ecr_two, repo, image)
    grant(ecr, repo, principal)
    assert can_pull(ecr_two, repo, image)
    layer = image.layers[0]
    available = layer_availability(ecr_two, repo, [layer.digest], registry_id=ONE)[layer.digest]
    assert available["layerAvailability"] == "AVAILABLE" and available["layerSize"] == layer.size
    assert fetch(download_url(ecr_two, repo, layer.digest, registry_id=ONE)).content == layer.data
    assert_cannot_push(ecr, ecr_two, repo, image)


def test_pull_grant_is_not_a_describe_or_delete_grant(ecr, ecr_two, shared):
    repo, image = shared
    grant(ecr, repo, {"AWS": TWO})
    with expect_ecr_error(DENIED):
        ecr_two.batch_delete_image(registryId=ONE, repositoryName=repo, imageIds=[image_id(tag="v1")])
    with expect_ecr_error(DENIED):
        ecr_two.delete_repository(registryId=ONE, repositoryName=repo, force=True)
    with expect_ecr_error(DENIED):
        ecr_two.set_repository_policy(registryId=ONE, repositoryName=repo,
                                      policyText=policy(statement({"AWS": TWO}, "ecr:*")))
    assert image_digests(ecr, repo) == {image.digest}


def test_wildcard_action_lets_account_two_push(ecr, ecr_two, shared):
    repo, image = shared
    grant(ecr, repo, {"AWS": TWO}, "ecr:*")
    pushed = push_image(ecr_two, repo, "from-two", registry_id=ONE)
    assert pushed.response["image"]["registryId"] == ONE
    assert image_digests(ecr, repo) == {image.digest, pushed.digest}
    assert get_manifest(ecr, repo, image_id(tag="from-two"))["imageManifest"] == pushed.manifest
    # what account two pushed is in account one's repository only
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr_two.describe_images(repositoryName=repo)


def test_action_prefix_wildcard(ecr, ecr_two, shared):
    repo, image = shared
    grant(ecr, repo, {"AWS": TWO}, ["ecr:BatchGet*"])
    assert can_pull(ecr_two, repo, image)
    with expect_ecr_error(DENIED):
        ecr_two.get_download_url_for_layer(registryId=ONE, repositoryName=repo,
                                           layerDigest=image.layers[0].digest)


def test_statement_with_condition_grants_nothing(ecr, ecr_two, shared):
    repo, image = shared
    grant(ecr, repo, {"AWS": TWO}, PULL_ACTIONS,
          Condition={"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}})
    assert not can_pull(ecr_two, repo, image)


def test_grant_to_another_account_is_not_for_two(ecr, ecr_two, shared):
    repo, image = shared
    grant(ecr, repo, {"AWS": "arn:aws:iam::333333333333:root"}, "ecr:*")
    assert not can_pull(ecr_two, repo, image)


def test_deny_statement_wins(ecr, ecr_two, shared):
    repo, image = shared
    ecr.set_repository_policy(repositoryName=repo, policyText=policy(
        statement({"AWS": TWO}, "ecr:*", sid="allow"),
        statement({"AWS": TWO}, "ecr:BatchGetImage", effect="Deny", sid="deny")))
    assert not can_pull(ecr_two, repo, image)
    digest = image.layers[0].digest
    assert layer_availability(ecr_two, repo, [digest], registry_id=ONE)[digest][
        "layerAvailability"] == "AVAILABLE"


def test_removing_the_policy_revokes_access(ecr, ecr_two, shared):
    repo, image = shared
    grant(ecr, repo, {"AWS": TWO})
    assert can_pull(ecr_two, repo, image)
    ecr.delete_repository_policy(repositoryName=repo)
    assert not can_pull(ecr_two, repo, image)


def test_policy_of_one_repository_does_not_open_another(ecr, ecr_two, shared):
    repo, _ = shared
    grant(ecr, repo, {"AWS": TWO}, "ecr:*")
    other = repository_name("closed")
    ecr.create_repository(repositoryName=other)
    try:
        closed = push_image(ecr, other, "v1")
        with expect_ecr_error(DENIED):
            ecr_two.batch_get_image(registryId=ONE, repositoryName=other, imageIds=[image_id(tag="v1")])
        assert image_digests(ecr, other) == {closed.digest}
    finally:
        ecr.delete_repository(repositoryName=other, force=True)


# -- regions -----------------------------------------------------------------------------

def test_repositories_belong_to_the_account_not_the_region(tessera, ecr, shared):
    repo, image = shared
    west = watch_responses(make_client(tessera.endpoint, TEST_ACCOUNTS["one"], "ecr",
                                       region="us-west-2"))
    found = west.describe_repositories(repositoryNames=[repo])["repositories"][0]
    assert found["repositoryArn"] == f"arn:aws:ecr:us-west-2:{ONE}:repository/{repo}"
    assert found["repositoryUri"] == f"{ONE}.dkr.ecr.us-west-2.amazonaws.com/{repo}"
    assert image_digests(west, repo) == {image.digest}
    with expect_ecr_error("RepositoryAlreadyExistsException"):
        west.create_repository(repositoryName=repo)


# -- GetAuthorizationToken ----------------------------------------------------------------

def test_authorization_token(tessera, ecr, ecr_two):
    before = time.time()
    data = ecr.get_authorization_token()["authorizationData"]
    assert len(data) == 1
    entry = data[0]
    user, password = decode_token(entry["authorizationToken"])
    assert user == "AWS"
    assert password and not any(c.isspace() for c in password)
    assert entry["proxyEndpoint"] == tessera.endpoint
    assert abs(entry["expiresAt"].timestamp() - (before + 12 * 3600)) < 300
    other = decode_token(ecr_two.get_authorization_token()["authorizationData"][0]["authorizationToken"])
    assert other[0] == "AWS" and other[1] != password


def test_authorization_token_for_own_registry_id(tessera, ecr):
    data = ecr.get_authorization_token(registryIds=[ONE])["authorizationData"]
    assert len(data) == 1
    assert decode_token(data[0]["authorizationToken"])[0] == "AWS"
    assert data[0]["proxyEndpoint"] == tessera.endpoint


def test_proxy_endpoint_is_the_address_the_client_used(tessera):
    via_localhost = tessera.endpoint.replace("127.0.0.1", "localhost")
    client = make_client(via_localhost, TEST_ACCOUNTS["one"], "ecr")
    entry = client.get_authorization_token()["authorizationData"][0]
    assert entry["proxyEndpoint"] == via_localhost
