"""ECR repositories (docs/aws/ecr.md#registries-and-repositories): create with names, tags and settings, describe with
names or pages, delete (force), repository policies, tags, tag mutability and scanning settings;
and the registry-wide operations (registry policy, replication, scanning configuration, account
settings, creation templates, pull-through cache rules, signing, pull-time exclusions), which run
in account three so that no other test sees them."""

import json
import uuid

import pytest

from ecr_helpers import (
    ONE, THREE, expect_ecr_error, policy, push_image, repository_arn, repository_name,
    repository_uri, assert_recent, statement, unvalidated_client, watch_responses, PULL_ACTIONS)
from tessera_server import TEST_ACCOUNTS


@pytest.fixture(scope="module")
def ecr_three(client_for):
    return watch_responses(client_for("three", "ecr"))


@pytest.fixture(scope="module")
def raw_ecr(tessera):
    """Account one without botocore's parameter validation."""
    return unvalidated_client(tessera.endpoint, TEST_ACCOUNTS["one"])


@pytest.fixture
def fresh(ecr):
    """fresh(stem) -> a new name; every repository created under it is force-deleted at teardown."""
    names = []

    def make(stem="repo"):
        name = repository_name(stem)
        names.append(name)
        return name
    yield make
    for name in names:
        try:
            ecr.delete_repository(repositoryName=name, force=True)
        except Exception:  # noqa: BLE001 - not created, or deleted by the test
            pass


def describe_one(ecr, name):
    resp = ecr.describe_repositories(repositoryNames=[name])
    assert len(resp["repositories"]) == 1, resp
    return resp["repositories"][0]


def not_found_message(name, account=ONE):
    # [real] docs/aws/ecr.md#errors
    return f"The repository with name '{name}' does not exist in the registry with id '{account}'"


# -- CreateRepository ------------------------------------------------------------------

def test_create_returns_the_repository_with_defaults(ecr, fresh):
    name = fresh("defaults")
    repo = ecr.create_repository(repositoryName=name)["repository"]
    assert repo["repositoryName"] == name
    assert repo["registryId"] == ONE
    assert repo["repositoryArn"] == repository_arn(name)
    assert repo["repositoryUri"] == repository_uri(name)
    assert_recent(repo["createdAt"])
    assert repo["imageTagMutability"] == "MUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": False}
    assert repo["encryptionConfiguration"]["encryptionType"] == "AES256"
    assert describe_one(ecr, name) == repo


def test_create_stores_and_returns_settings(ecr, fresh):
    name = fresh("settings")
    key = "arn:aws:kms:us-east-1:111111111111:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    repo = ecr.create_repository(
        repositoryName=name, imageTagMutability="IMMUTABLE",
        imageScanningConfiguration={"scanOnPush": True},
        encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key})["repository"]
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": key}
    assert describe_one(ecr, name) == repo


@pytest.mark.parametrize("mutability", ["IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION"])
def test_create_with_exclusion_filters(ecr, fresh, mutability):
    name = fresh("exclusion")
    filters = [{"filterType": "WILDCARD", "filter": "latest"},
               {"filterType": "WILDCARD", "filter": "dev-*"}]
    repo = ecr.create_repository(repositoryName=name, imageTagMutability=mutability,
                                 imageTagMutabilityExclusionFilters=filters)["repository"]
    assert repo["imageTagMutability"] == mutability
    assert repo["imageTagMutabilityExclusionFilters"] == filters
    assert describe_one(ecr, name)["imageTagMutabilityExclusionFilters"] == filters


@pytest.mark.parametrize("make_name", [
    lambda u: "q" + u[0],              # 2 characters, the minimum
    lambda u: f"a.b_c-d{u}",
    lambda u: f"a__b---c{u}",
    lambda u: f"team{u}/sub/app-1",
    lambda u: f"0{u}",
    lambda u: (u * 30)[:256],          # the maximum
], ids=["min-length", "separators", "double-separators", "namespaces", "digit-first", "max-length"])
def test_valid_names(ecr, make_name):
    name = make_name(uuid.uuid4().hex)
    repo = ecr.create_repository(repositoryName=name)["repository"]
    try:
        assert repo["repositoryName"] == name
        assert repo["repositoryUri"] == repository_uri(name)
        assert describe_one(ecr, name)["repositoryName"] == name
    finally:
        ecr.delete_repository(repositoryName=name)


@pytest.mark.parametrize("name", [
    "a", "x" * 257, "Upper", "-lead", "trail-", "a..b", "a___b", "a._b", "ns/", "/ns", "a//b",
    "has space", "col:on", "caf\u00e9",
])
def test_invalid_names_are_refused(raw_ecr, ecr, name):
    with expect_ecr_error("InvalidParameterException"):
        raw_ecr.create_repository(repositoryName=name)
    listed = {r["repositoryName"] for r in ecr.describe_repositories(maxResults=1000)["repositories"]}
    assert name not in listed


def test_create_twice_is_already_exists(ecr, repository):
    with expect_ecr_error("RepositoryAlreadyExistsException", message=(
            f"The repository with name '{repository}' already exists in the registry with id '{ONE}'")):
        ecr.create_repository(repositoryName=repository, imageTagMutability="IMMUTABLE")
    assert describe_one(ecr, repository)["imageTagMutability"] == "MUTABLE"


def test_create_with_own_registry_id(ecr, fresh):
    name = fresh("own-registry")
    assert ecr.create_repository(registryId=ONE, repositoryName=name)["repository"]["registryId"] == ONE


def test_create_with_tags(ecr, fresh):
    name = fresh("tags")
    tags = [{"Key": "team", "Value": "storage"}, {"Key": "empty", "Value": ""}]
    ecr.create_repository(repositoryName=name, tags=tags)
    listed = ecr.list_tags_for_resource(resourceArn=repository_arn(name))["tags"]
    assert sorted(listed, key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])


def test_create_with_51_tags_is_too_many(ecr, fresh):
    name = fresh("many-tags")
    with expect_ecr_error("TooManyTagsException"):
        ecr.create_repository(repositoryName=name,
                              tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.describe_repositories(repositoryNames=[name])


# -- DescribeRepositories --------------------------------------------------------------

def test_describe_by_names(ecr, fresh):
    names = [fresh("by-name") for _ in range(3)]
    for name in names:
        ecr.create_repository(repositoryName=name)
    resp = ecr.describe_repositories(repositoryNames=names)
    assert sorted(r["repositoryName"] for r in resp["repositories"]) == sorted(names)
    assert "nextToken" not in resp


def test_describe_with_one_missing_name_fails_whole_call(ecr, repository):
    missing = repository_name("missing")
    with expect_ecr_error("RepositoryNotFoundException", message=not_found_message(missing)):
        ecr.describe_repositories(repositoryNames=[repository, missing])


def test_describe_pages(ecr, fresh):
    names = {fresh("paged") for _ in range(4)}
    for name in names:
        ecr.create_repository(repositoryName=name)
    seen, token, pages = [], None, 0
    while True:
        kwargs = {"maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        resp = ecr.describe_repositories(**kwargs)
        assert 1 <= len(resp["repositories"]) <= 2, resp
        seen += [r["repositoryName"] for r in resp["repositories"]]
        pages += 1
        token = resp.get("nextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)), "a repository was listed twice"
    assert names <= set(seen)
    assert pages >= 2
    everything = ecr.describe_repositories(maxResults=1000)["repositories"]
    assert sorted(seen) == sorted(r["repositoryName"] for r in everything)


def test_describe_default_page_is_at_most_100(ecr):
    resp = ecr.describe_repositories()
    assert len(resp["repositories"]) <= 100


def test_describe_names_with_max_results_is_invalid(ecr, repository):
    with expect_ecr_error("InvalidParameterException"):
        ecr.describe_repositories(repositoryNames=[repository], maxResults=5)


def test_describe_with_a_forged_next_token_is_invalid(ecr, repository):
    with expect_ecr_error("InvalidParameterException"):
        ecr.describe_repositories(maxResults=1, nextToken="bm90LWEtdG9rZW4=")


# -- DeleteRepository ------------------------------------------------------------------

def test_delete_empty_repository(ecr, fresh):
    name = fresh("delete")
    created = ecr.create_repository(repositoryName=name)["repository"]
    deleted = ecr.delete_repository(repositoryName=name)["repository"]
    assert deleted["repositoryName"] == name
    assert deleted["repositoryArn"] == created["repositoryArn"]
    assert deleted["registryId"] == ONE
    with expect_ecr_error("RepositoryNotFoundException", message=not_found_message(name)):
        ecr.describe_repositories(repositoryNames=[name])


def test_delete_non_empty_needs_force(ecr, repository):
    image = push_image(ecr, repository, "v1")
    with expect_ecr_error("RepositoryNotEmptyException",
                          contains="cannot be deleted because it still contains images"):
        ecr.delete_repository(repositoryName=repository)
    assert describe_one(ecr, repository)["repositoryName"] == repository
    assert ecr.describe_images(repositoryName=repository)["imageDetails"][0]["imageDigest"] == image.digest
    assert ecr.delete_repository(repositoryName=repository, force=True)["repository"][
        "repositoryName"] == repository
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.describe_images(repositoryName=repository)


def test_recreated_repository_is_empty(ecr, repository):
    push_image(ecr, repository, "v1")
    ecr.delete_repository(repositoryName=repository, force=True)
    ecr.create_repository(repositoryName=repository)
    assert ecr.describe_images(repositoryName=repository)["imageDetails"] == []
    assert ecr.list_tags_for_resource(resourceArn=repository_arn(repository))["tags"] == []
    with expect_ecr_error("RepositoryPolicyNotFoundException"):
        ecr.get_repository_policy(repositoryName=repository)


def test_delete_missing_repository(ecr):
    name = repository_name("never")
    with expect_ecr_error("RepositoryNotFoundException", message=not_found_message(name)):
        ecr.delete_repository(repositoryName=name)


# -- repository policies ---------------------------------------------------------------

def test_repository_policy_set_get_delete(ecr, repository):
    with expect_ecr_error("RepositoryPolicyNotFoundException"):
        ecr.get_repository_policy(repositoryName=repository)
    text = policy(statement({"AWS": "arn:aws:iam::222222222222:root"}, PULL_ACTIONS))
    resp = ecr.set_repository_policy(repositoryName=repository, policyText=text)
    assert resp["registryId"] == ONE and resp["repositoryName"] == repository
    assert json.loads(resp["policyText"]) == json.loads(text)
    got = ecr.get_repository_policy(repositoryName=repository)
    assert got["registryId"] == ONE and got["repositoryName"] == repository
    assert json.loads(got["policyText"]) == json.loads(text)
    gone = ecr.delete_repository_policy(repositoryName=repository)
    assert json.loads(gone["policyText"]) == json.loads(text)
    with expect_ecr_error("RepositoryPolicyNotFoundException"):
        ecr.get_repository_policy(repositoryName=repository)
    with expect_ecr_error("RepositoryPolicyNotFoundException"):
        ecr.delete_repository_policy(repositoryName=repository)


def test_repository_policy_replaced(ecr, repository):
    first = policy(statement({"AWS": "222222222222"}, "ecr:BatchGetImage"))
    second = policy(statement({"AWS": "222222222222"}, ["ecr:*"]))
    ecr.set_repository_policy(repositoryName=repository, policyText=first)
    ecr.set_repository_policy(repositoryName=repository, policyText=second)
    assert json.loads(ecr.get_repository_policy(repositoryName=repository)["policyText"]) == \
        json.loads(second)


@pytest.mark.parametrize("text", [
    "{not json",
    json.dumps({"Version": "2012-10-17"}),                                   # no Statement
    json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Maybe",
                "Principal": "*", "Action": "ecr:BatchGetImage"}]}),         # bad Effect
    json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                "Principal": "*"}]}),                                         # no Action
], ids=["not-json", "no-statement", "bad-effect", "no-action"])
def test_invalid_repository_policy_is_refused(ecr, repository, text):
    with expect_ecr_error("InvalidParameterException"):
        ecr.set_repository_policy(repositoryName=repository, policyText=text)
    with expect_ecr_error("RepositoryPolicyNotFoundException"):
        ecr.get_repository_policy(repositoryName=repository)


def test_policy_of_missing_repository(ecr):
    name = repository_name("no-policy-repo")
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.set_repository_policy(repositoryName=name, policyText=policy(
            statement({"AWS": "222222222222"}, "ecr:*")))
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.get_repository_policy(repositoryName=name)


# -- tags ------------------------------------------------------------------------------

def test_tag_untag_list(ecr, repository):
    arn = repository_arn(repository)
    assert ecr.list_tags_for_resource(resourceArn=arn)["tags"] == []
    ecr.tag_resource(resourceArn=arn, tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ecr.tag_resource(resourceArn=arn, tags=[{"Key": "a", "Value": "changed"}])
    tags = {t["Key"]: t["Value"] for t in ecr.list_tags_for_resource(resourceArn=arn)["tags"]}
    assert tags == {"a": "changed", "b": "2"}
    ecr.untag_resource(resourceArn=arn, tagKeys=["b", "not-there"])
    assert ecr.list_tags_for_resource(resourceArn=arn)["tags"] == [{"Key": "a", "Value": "changed"}]


def test_51st_tag_is_too_many_and_adds_nothing(ecr, repository):
    arn = repository_arn(repository)
    ecr.tag_resource(resourceArn=arn, tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with expect_ecr_error("TooManyTagsException"):
        ecr.tag_resource(resourceArn=arn, tags=[{"Key": "one-more", "Value": "v"}])
    tags = ecr.list_tags_for_resource(resourceArn=arn)["tags"]
    assert len(tags) == 50 and "one-more" not in {t["Key"] for t in tags}
    ecr.tag_resource(resourceArn=arn, tags=[{"Key": "k0", "Value": "overwrite is fine"}])


@pytest.mark.parametrize("tag", [{"Key": "k" * 129, "Value": "v"}, {"Key": "k", "Value": "v" * 257}],
                         ids=["key-129", "value-257"])
def test_tag_too_long_is_invalid(ecr, repository, tag):
    arn = repository_arn(repository)
    with expect_ecr_error("InvalidTagParameterException"):
        ecr.tag_resource(resourceArn=arn, tags=[tag])
    assert ecr.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_tags_of_missing_repository(ecr):
    arn = repository_arn(repository_name("no-tags-repo"))
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.list_tags_for_resource(resourceArn=arn)
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.tag_resource(resourceArn=arn, tags=[{"Key": "a", "Value": "b"}])


@pytest.mark.parametrize("arn", ["not-an-arn", "arn:aws:s3:::bucket",
                                 "arn:aws:ecr:us-east-1:111111111111:notrepository/x"])
def test_tags_of_malformed_arn(ecr, arn):
    with expect_ecr_error("InvalidParameterException"):
        ecr.list_tags_for_resource(resourceArn=arn)


# -- settings --------------------------------------------------------------------------

def test_put_image_tag_mutability(ecr, repository):
    resp = ecr.put_image_tag_mutability(repositoryName=repository, imageTagMutability="IMMUTABLE")
    assert resp["registryId"] == ONE and resp["repositoryName"] == repository
    assert resp["imageTagMutability"] == "IMMUTABLE"
    assert describe_one(ecr, repository)["imageTagMutability"] == "IMMUTABLE"
    filters = [{"filterType": "WILDCARD", "filter": "latest"}]
    resp = ecr.put_image_tag_mutability(repositoryName=repository,
                                        imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
                                        imageTagMutabilityExclusionFilters=filters)
    assert resp["imageTagMutabilityExclusionFilters"] == filters
    repo = describe_one(ecr, repository)
    assert repo["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert repo["imageTagMutabilityExclusionFilters"] == filters


def test_exclusion_mutability_needs_filters(ecr, repository):
    with expect_ecr_error("InvalidParameterException"):
        ecr.put_image_tag_mutability(repositoryName=repository,
                                     imageTagMutability="MUTABLE_WITH_EXCLUSION")
    assert describe_one(ecr, repository)["imageTagMutability"] == "MUTABLE"


def test_put_image_scanning_configuration(ecr, repository):
    resp = ecr.put_image_scanning_configuration(
        repositoryName=repository, imageScanningConfiguration={"scanOnPush": True})
    assert resp["registryId"] == ONE and resp["repositoryName"] == repository
    assert resp["imageScanningConfiguration"] == {"scanOnPush": True}
    assert describe_one(ecr, repository)["imageScanningConfiguration"] == {"scanOnPush": True}
    got = ecr.batch_get_repository_scanning_configuration(repositoryNames=[repository])
    assert got.get("failures", []) == []
    [conf] = got["scanningConfigurations"]
    assert conf["repositoryArn"] == repository_arn(repository)
    assert conf["scanOnPush"] is True


def test_batch_get_scanning_configuration_of_missing_repository(ecr, repository):
    missing = repository_name("no-scan-repo")
    try:
        resp = ecr.batch_get_repository_scanning_configuration(repositoryNames=[repository, missing])
    except Exception as exc:  # noqa: BLE001 - the whole call may fail as for DescribeRepositories
        assert getattr(exc, "response", {}).get("Error", {}).get("Code") == \
            "RepositoryNotFoundException", exc
        return
    assert [c["repositoryArn"] for c in resp["scanningConfigurations"]] == [repository_arn(repository)]
    assert [f["failureCode"] for f in resp["failures"]] == ["REPOSITORY_NOT_FOUND"]


def test_settings_of_missing_repository(ecr):
    name = repository_name("no-settings-repo")
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.put_image_tag_mutability(repositoryName=name, imageTagMutability="IMMUTABLE")
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.put_image_scanning_configuration(repositoryName=name,
                                             imageScanningConfiguration={"scanOnPush": True})


# -- registry-wide (account three) -----------------------------------------------------

def test_describe_registry_and_replication_configuration(ecr_three):
    resp = ecr_three.describe_registry()
    assert resp["registryId"] == THREE
    assert resp["replicationConfiguration"]["rules"] == []
    config = {"rules": [{"destinations": [{"region": "eu-west-1", "registryId": THREE}],
                         "repositoryFilters": [{"filter": "prod", "filterType": "PREFIX_MATCH"}]}]}
    put = ecr_three.put_replication_configuration(replicationConfiguration=config)
    assert put["replicationConfiguration"] == config
    assert ecr_three.describe_registry()["replicationConfiguration"] == config
    ecr_three.put_replication_configuration(replicationConfiguration={"rules": []})
    assert ecr_three.describe_registry()["replicationConfiguration"]["rules"] == []


def test_registry_policy(ecr_three):
    with expect_ecr_error("RegistryPolicyNotFoundException"):
        ecr_three.get_registry_policy()
    text = policy(statement({"AWS": "arn:aws:iam::111111111111:root"},
                            ["ecr:CreateRepository", "ecr:ReplicateImage"],
                            Resource="arn:aws:ecr:us-east-1:333333333333:repository/*"))
    put = ecr_three.put_registry_policy(policyText=text)
    assert put["registryId"] == THREE and json.loads(put["policyText"]) == json.loads(text)
    got = ecr_three.get_registry_policy()
    assert got["registryId"] == THREE and json.loads(got["policyText"]) == json.loads(text)
    gone = ecr_three.delete_registry_policy()
    assert json.loads(gone["policyText"]) == json.loads(text)
    with expect_ecr_error("RegistryPolicyNotFoundException"):
        ecr_three.delete_registry_policy()


def test_invalid_registry_policy(ecr_three):
    with expect_ecr_error(("InvalidParameterException", "ValidationException")):
        ecr_three.put_registry_policy(policyText="{not json")
    with expect_ecr_error("RegistryPolicyNotFoundException"):
        ecr_three.get_registry_policy()


def test_registry_scanning_configuration(ecr_three):
    default = ecr_three.get_registry_scanning_configuration()
    assert default["registryId"] == THREE
    assert default["scanningConfiguration"]["scanType"] == "BASIC"
    rules = [{"scanFrequency": "SCAN_ON_PUSH",
              "repositoryFilters": [{"filter": "prod*", "filterType": "WILDCARD"}]}]
    put = ecr_three.put_registry_scanning_configuration(scanType="ENHANCED", rules=rules)
    assert put["registryScanningConfiguration"] == {"scanType": "ENHANCED", "rules": rules}
    got = ecr_three.get_registry_scanning_configuration()["scanningConfiguration"]
    assert got == {"scanType": "ENHANCED", "rules": rules}
    ecr_three.put_registry_scanning_configuration(scanType="BASIC", rules=[])
    assert ecr_three.get_registry_scanning_configuration()["scanningConfiguration"]["scanType"] == "BASIC"


@pytest.mark.parametrize("name, value", [("BLOB_MOUNTING", "ENABLED"),
                                         ("BASIC_SCAN_TYPE_VERSION", "AWS_NATIVE"),
                                         ("REGISTRY_POLICY_SCOPE", "V2")])
def test_account_settings(ecr_three, name, value):
    before = ecr_three.get_account_setting(name=name)
    assert before["name"] == name and before["value"]
    put = ecr_three.put_account_setting(name=name, value=value)
    assert put == {**put, "name": name, "value": value}
    assert ecr_three.get_account_setting(name=name)["value"] == value
    ecr_three.put_account_setting(name=name, value=before["value"])
    assert ecr_three.get_account_setting(name=name)["value"] == before["value"]


def test_blob_mounting_values(ecr_three):
    for value in ("ENABLED", "DISABLED"):
        ecr_three.put_account_setting(name="BLOB_MOUNTING", value=value)
        assert ecr_three.get_account_setting(name="BLOB_MOUNTING")["value"] == value
    with expect_ecr_error(("ValidationException", "InvalidParameterException")):
        ecr_three.put_account_setting(name="BLOB_MOUNTING", value="SOMETIMES")
    assert ecr_three.get_account_setting(name="BLOB_MOUNTING")["value"] == "DISABLED"


def test_unknown_account_setting(ecr_three):
    with expect_ecr_error(("ValidationException", "InvalidParameterException")):
        ecr_three.get_account_setting(name="NO_SUCH_SETTING")
    with expect_ecr_error(("ValidationException", "InvalidParameterException")):
        ecr_three.put_account_setting(name="NO_SUCH_SETTING", value="ENABLED")


def test_repository_creation_templates(ecr_three):
    prefix = f"tmpl-{uuid.uuid4().hex[:8]}"
    params = dict(prefix=prefix, description="compat template", appliedFor=["CREATE_ON_PUSH"],
                  imageTagMutability="IMMUTABLE",
                  resourceTags=[{"Key": "made-by", "Value": "template"}],
                  encryptionConfiguration={"encryptionType": "AES256"})
    created = ecr_three.create_repository_creation_template(**params)
    assert created["registryId"] == THREE
    tmpl = created["repositoryCreationTemplate"]
    for key in ("prefix", "description", "appliedFor", "imageTagMutability", "resourceTags",
                "encryptionConfiguration"):
        assert tmpl[key] == params[key], key
    assert_recent(tmpl["createdAt"])

    with expect_ecr_error("TemplateAlreadyExistsException"):
        ecr_three.create_repository_creation_template(**params)
    described = ecr_three.describe_repository_creation_templates(prefixes=[prefix])
    assert [t["prefix"] for t in described["repositoryCreationTemplates"]] == [prefix]

    updated = ecr_three.update_repository_creation_template(prefix=prefix, description="changed")
    assert updated["repositoryCreationTemplate"]["description"] == "changed"
    assert updated["repositoryCreationTemplate"]["imageTagMutability"] == "IMMUTABLE"
    deleted = ecr_three.delete_repository_creation_template(prefix=prefix)
    assert deleted["repositoryCreationTemplate"]["prefix"] == prefix
    with expect_ecr_error("TemplateNotFoundException"):
        ecr_three.delete_repository_creation_template(prefix=prefix)
    with expect_ecr_error("TemplateNotFoundException"):
        ecr_three.update_repository_creation_template(prefix=prefix, description="gone")


def test_creation_template_does_not_apply_to_create_repository(ecr_three):
    # Templates apply to repositories ECR creates itself (pull through cache, replication,
    # create on push), never to an explicit CreateRepository.
    prefix = f"tmpl-{uuid.uuid4().hex[:8]}"
    ecr_three.create_repository_creation_template(prefix=prefix, appliedFor=["CREATE_ON_PUSH"],
                                                  imageTagMutability="IMMUTABLE")
    try:
        name = f"{prefix}/app"
        repo = ecr_three.create_repository(repositoryName=name)["repository"]
        assert repo["imageTagMutability"] == "MUTABLE"
        ecr_three.delete_repository(repositoryName=name)
    finally:
        ecr_three.delete_repository_creation_template(prefix=prefix)


def test_pull_through_cache_rule_validation_says_upstream_unreachable(ecr_three):
    prefix = f"ptc-{uuid.uuid4().hex[:8]}"
    created = ecr_three.create_pull_through_cache_rule(
        ecrRepositoryPrefix=prefix, upstreamRegistryUrl="public.ecr.aws", upstreamRegistry="ecr-public")
    assert created["ecrRepositoryPrefix"] == prefix
    assert created["upstreamRegistryUrl"] == "public.ecr.aws"
    assert created["registryId"] == THREE
    assert_recent(created["createdAt"])
    with expect_ecr_error("PullThroughCacheRuleAlreadyExistsException"):
        ecr_three.create_pull_through_cache_rule(ecrRepositoryPrefix=prefix,
                                                 upstreamRegistryUrl="public.ecr.aws")
    rules = ecr_three.describe_pull_through_cache_rules(ecrRepositoryPrefixes=[prefix])
    assert [r["ecrRepositoryPrefix"] for r in rules["pullThroughCacheRules"]] == [prefix]

    check = ecr_three.validate_pull_through_cache_rule(ecrRepositoryPrefix=prefix)
    assert check["ecrRepositoryPrefix"] == prefix
    assert check["isValid"] is False
    assert "reach" in check["failure"].lower(), check["failure"]

    deleted = ecr_three.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix)
    assert deleted["ecrRepositoryPrefix"] == prefix
    with expect_ecr_error("PullThroughCacheRuleNotFoundException"):
        ecr_three.validate_pull_through_cache_rule(ecrRepositoryPrefix=prefix)
    with expect_ecr_error("PullThroughCacheRuleNotFoundException"):
        ecr_three.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix)


def test_signing_configuration(ecr_three):
    with expect_ecr_error("SigningConfigurationNotFoundException"):
        ecr_three.get_signing_configuration()
    config = {"rules": [{
        "signingProfileArn": "arn:aws:signer:us-east-1:333333333333:/signing-profiles/compat_profile",
        "repositoryFilters": [{"filter": "prod*", "filterType": "WILDCARD_MATCH"}]}]}
    assert ecr_three.put_signing_configuration(signingConfiguration=config)[
        "signingConfiguration"] == config
    got = ecr_three.get_signing_configuration()
    assert got["registryId"] == THREE and got["signingConfiguration"] == config
    assert ecr_three.delete_signing_configuration()["signingConfiguration"] == config
    with expect_ecr_error("SigningConfigurationNotFoundException"):
        ecr_three.get_signing_configuration()


def test_pull_time_update_exclusions(ecr_three):
    arn = f"arn:aws:iam::333333333333:role/compat-{uuid.uuid4().hex[:8]}"
    reg = ecr_three.register_pull_time_update_exclusion(principalArn=arn)
    assert reg["principalArn"] == arn
    assert arn in ecr_three.list_pull_time_update_exclusions()["pullTimeUpdateExclusions"]
    with expect_ecr_error("ExclusionAlreadyExistsException"):
        ecr_three.register_pull_time_update_exclusion(principalArn=arn)
    assert ecr_three.deregister_pull_time_update_exclusion(principalArn=arn)["principalArn"] == arn
    assert arn not in ecr_three.list_pull_time_update_exclusions()["pullTimeUpdateExclusions"]
    with expect_ecr_error("ExclusionNotFoundException"):
        ecr_three.deregister_pull_time_update_exclusion(principalArn=arn)
