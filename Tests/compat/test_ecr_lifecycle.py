"""ECR lifecycle policies (issue 10: "for real"): Put/Get/Delete, validation, the preview
(StartLifecyclePolicyPreview, GetLifecyclePolicyPreview) evaluating the rules as the ECR user guide
documents them, and the background pass (`serve --lifecycle-interval`) expiring what they select.

Evaluation rules (ECR user guide, "Lifecycle policies"): rules apply lowest rulePriority first; an
image is expired by one rule at most; an image that matches the tagging requirements of a rule
cannot be expired by a rule of lower priority, but later rules still count it; imageCountMoreThan
sorts images newest first and expires those beyond the count; with tagPrefixList an image matches
when every prefix matches one of its tags; only one rule may select untagged images; a `tagStatus:
any` rule must have the highest rulePriority.
"""

import json
import time

import pytest

from ecr_helpers import (
    ONE, describe_images, expect_ecr_error, image_digests, keep_newest, lifecycle_policy,
    lifecycle_rule, push_image, put_manifest, repository_name, wait_for_preview, wait_until)
from tessera_server import TEST_ACCOUNTS, make_client

PUSH_GAP = 0.05  # imagePushedAt has millisecond resolution: keep pushes apart


def push_tagged(ecr, repo, *tags):
    """Push a new image carrying `tags` (none: untagged); returns its digest."""
    image = push_image(ecr, repo, tags[0] if tags else None)
    for tag in tags[1:]:
        put_manifest(ecr, repo, image.manifest, tag)
    time.sleep(PUSH_GAP)
    return image.digest


def preview(ecr, repo, text=None, **kwargs):
    """Run a preview to COMPLETE; returns (response, {digest: appliedRulePriority})."""
    args = {"repositoryName": repo}
    if text is not None:
        args["lifecyclePolicyText"] = text
    started = ecr.start_lifecycle_policy_preview(**args)
    assert started["status"] in ("IN_PROGRESS", "COMPLETE"), started
    assert started["registryId"] == ONE and started["repositoryName"] == repo
    resp = wait_for_preview(ecr, repo, **kwargs)
    for result in resp["previewResults"]:
        assert result["action"]["type"] == "EXPIRE", result
    return resp, {r["imageDigest"]: r["appliedRulePriority"] for r in resp["previewResults"]}


def padded(text: str) -> str:
    """Policy texts have a 100-character minimum (botocore checks it): pad with whitespace."""
    return text + " " * max(0, 100 - len(text))


# -- Put / Get / Delete -----------------------------------------------------------------

def test_put_get_delete(ecr, repository):
    with expect_ecr_error("LifecyclePolicyNotFoundException"):
        ecr.get_lifecycle_policy(repositoryName=repository)
    text = keep_newest(5)
    put = ecr.put_lifecycle_policy(repositoryName=repository, lifecyclePolicyText=text)
    assert put["registryId"] == ONE and put["repositoryName"] == repository
    assert json.loads(put["lifecyclePolicyText"]) == json.loads(text)
    got = ecr.get_lifecycle_policy(repositoryName=repository)
    assert got["registryId"] == ONE and got["repositoryName"] == repository
    assert json.loads(got["lifecyclePolicyText"]) == json.loads(text)
    gone = ecr.delete_lifecycle_policy(repositoryName=repository)
    assert json.loads(gone["lifecyclePolicyText"]) == json.loads(text)
    with expect_ecr_error("LifecyclePolicyNotFoundException"):
        ecr.get_lifecycle_policy(repositoryName=repository)
    with expect_ecr_error("LifecyclePolicyNotFoundException"):
        ecr.delete_lifecycle_policy(repositoryName=repository)


def test_put_replaces(ecr, repository):
    ecr.put_lifecycle_policy(repositoryName=repository, lifecyclePolicyText=keep_newest(5))
    ecr.put_lifecycle_policy(repositoryName=repository, lifecyclePolicyText=keep_newest(9))
    got = json.loads(ecr.get_lifecycle_policy(repositoryName=repository)["lifecyclePolicyText"])
    assert got["rules"][0]["selection"]["countNumber"] == 9


def test_lifecycle_policy_of_missing_repository(ecr):
    name = repository_name("missing")
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=keep_newest())
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.get_lifecycle_policy(repositoryName=name)
    with expect_ecr_error("RepositoryNotFoundException"):
        ecr.start_lifecycle_policy_preview(repositoryName=name, lifecyclePolicyText=keep_newest())


R = lifecycle_rule
INVALID_POLICIES = {
    "not-json": padded('{"rules": [ {"rulePriority": 1, '),
    "no-rules": padded('{"notRules": []}'),
    "empty-rules": padded('{"rules": []}'),
    "since-pushed-without-unit": lifecycle_policy(R(1, "any", "sinceImagePushed", 14)),
    "count-with-unit": lifecycle_policy(R(1, "any", "imageCountMoreThan", 3, count_unit="days")),
    "tagged-without-list": lifecycle_policy(R(1, "tagged", count=3)),
    "prefixes-with-any": lifecycle_policy(R(1, "any", count=3, prefixes=["prod"])),
    "prefixes-and-patterns": lifecycle_policy(R(1, "tagged", count=3, prefixes=["prod"],
                                                patterns=["prod*"])),
    "same-priority": lifecycle_policy(R(1, "tagged", count=3, prefixes=["a"]),
                                      R(1, "tagged", count=3, prefixes=["b"])),
    "two-untagged-rules": lifecycle_policy(R(1, "untagged", count=3), R(2, "untagged", count=5)),
    "any-not-last": lifecycle_policy(R(1, "any", count=3), R(2, "tagged", count=3, prefixes=["a"])),
    "count-zero": lifecycle_policy(R(1, "any", count=0)),
    "unknown-count-type": lifecycle_policy(R(1, "any", "imageCountLessThan", 3)),
    "unknown-action": json.dumps({"rules": [{**R(1, "any", count=3), "action": {"type": "delete"}}]}),
    "unknown-tag-status": lifecycle_policy(R(1, "sometimes", count=3)),
}


@pytest.mark.parametrize("name", list(INVALID_POLICIES))
def test_invalid_policy_is_refused_and_not_stored(ecr, repository, name):
    with expect_ecr_error("InvalidParameterException"):
        ecr.put_lifecycle_policy(repositoryName=repository, lifecyclePolicyText=INVALID_POLICIES[name])
    with expect_ecr_error("LifecyclePolicyNotFoundException"):
        ecr.get_lifecycle_policy(repositoryName=repository)


def test_invalid_policy_does_not_replace_the_stored_one(ecr, repository):
    ecr.put_lifecycle_policy(repositoryName=repository, lifecyclePolicyText=keep_newest(4))
    with expect_ecr_error("InvalidParameterException"):
        ecr.put_lifecycle_policy(repositoryName=repository,
                                 lifecyclePolicyText=INVALID_POLICIES["count-zero"])
    got = json.loads(ecr.get_lifecycle_policy(repositoryName=repository)["lifecyclePolicyText"])
    assert got["rules"][0]["selection"]["countNumber"] == 4


def test_invalid_policy_in_preview(ecr, repository):
    with expect_ecr_error("InvalidParameterException"):
        ecr.start_lifecycle_policy_preview(repositoryName=repository,
                                           lifecyclePolicyText=INVALID_POLICIES["two-untagged-rules"])


# -- preview ----------------------------------------------------------------------------

def test_preview_keep_newest_of_three(ecr, repository):
    digests = [push_tagged(ecr, repository, f"t{i}") for i in range(3)]
    ecr.put_lifecycle_policy(repositoryName=repository, lifecyclePolicyText=keep_newest(1))
    resp, expired = preview(ecr, repository)
    assert expired == {digests[0]: 1, digests[1]: 1}
    by_digest = {r["imageDigest"]: r for r in resp["previewResults"]}
    assert by_digest[digests[0]]["imageTags"] == ["t0"]
    assert by_digest[digests[0]]["imagePushedAt"] <= by_digest[digests[1]]["imagePushedAt"]
    assert resp["summary"]["expiringImageTotalCount"] == 2
    assert json.loads(resp["lifecyclePolicyText"]) == json.loads(keep_newest(1))
    # a preview expires nothing
    assert image_digests(ecr, repository) == set(digests)


def test_preview_of_a_text_without_storing_it(ecr, repository):
    digests = [push_tagged(ecr, repository, f"t{i}") for i in range(3)]
    _, expired = preview(ecr, repository, keep_newest(2))
    assert expired == {digests[0]: 1}
    with expect_ecr_error("LifecyclePolicyNotFoundException"):
        ecr.get_lifecycle_policy(repositoryName=repository)


def test_preview_without_any_policy(ecr, repository):
    with expect_ecr_error("LifecyclePolicyNotFoundException"):
        ecr.start_lifecycle_policy_preview(repositoryName=repository)


def test_preview_never_started(ecr, repository):
    with expect_ecr_error("LifecyclePolicyPreviewNotFoundException"):
        ecr.get_lifecycle_policy_preview(repositoryName=repository)


def test_preview_pages(ecr, repository):
    digests = [push_tagged(ecr, repository, f"t{i}") for i in range(4)]
    _, expired = preview(ecr, repository, keep_newest(1), maxResults=1)
    assert set(expired) == set(digests[:3])
    first = ecr.get_lifecycle_policy_preview(repositoryName=repository, maxResults=1)
    assert len(first["previewResults"]) == 1 and first.get("nextToken")


def test_documented_example_a_prefixes(ecr, repository):
    """User guide, "Filtering on multiple rules", Example A: only Image A is expired."""
    a = push_tagged(ecr, repository, "beta-1", "prod-1")
    push_tagged(ecr, repository, "beta-2", "prod-2")
    push_tagged(ecr, repository, "beta-3")
    policy = lifecycle_policy(R(1, "tagged", count=1, prefixes=["prod"]),
                              R(2, "tagged", count=1, prefixes=["beta"]))
    _, expired = preview(ecr, repository, policy)
    assert expired == {a: 1}


def test_documented_example_a_patterns(ecr, repository):
    a = push_tagged(ecr, repository, "beta-1", "prod-1")
    push_tagged(ecr, repository, "beta-2", "prod-2")
    push_tagged(ecr, repository, "beta-3")
    policy = lifecycle_policy(R(1, "tagged", count=1, patterns=["prod*"]),
                              R(2, "tagged", count=1, patterns=["beta*"]))
    _, expired = preview(ecr, repository, policy)
    assert expired == {a: 1}


def test_higher_priority_match_protects_from_any_rule(ecr, repository):
    prod_a = push_tagged(ecr, repository, "prod-a")
    dev_a = push_tagged(ecr, repository, "dev-a")
    push_tagged(ecr, repository, "prod-b")
    push_tagged(ecr, repository, "dev-b")
    policy = lifecycle_policy(R(1, "tagged", count=1, prefixes=["prod"]), R(2, "any", count=1))
    _, expired = preview(ecr, repository, policy)
    # rule 2 counts prod-b (newest but one) yet cannot expire it: rule 1 selects it by tag
    assert expired == {prod_a: 1, dev_a: 2}


def test_every_prefix_must_match_a_tag(ecr, repository):
    both_old = push_tagged(ecr, repository, "alpha-1", "beta-1")
    push_tagged(ecr, repository, "alpha-2")
    push_tagged(ecr, repository, "alpha-3", "beta-3")
    policy = lifecycle_policy(R(1, "tagged", count=1, prefixes=["alpha", "beta"]))
    _, expired = preview(ecr, repository, policy)
    assert expired == {both_old: 1}


def test_pattern_wildcard_in_the_middle(ecr, repository):
    rc = [push_tagged(ecr, repository, f"v{i}-rc") for i in range(3)]
    finals = [push_tagged(ecr, repository, f"v{i}-final") for i in range(3)]
    policy = lifecycle_policy(R(1, "tagged", count=1, patterns=["v*-rc"]))
    _, expired = preview(ecr, repository, policy)
    assert expired == {rc[0]: 1, rc[1]: 1}
    assert not set(expired) & set(finals)


def test_untagged_rule_leaves_tagged_images(ecr, repository):
    untagged = [push_tagged(ecr, repository) for _ in range(3)]
    push_tagged(ecr, repository, "keep-me")
    old_tagged = push_tagged(ecr, repository, "old")
    policy = lifecycle_policy(R(1, "untagged", count=1))
    _, expired = preview(ecr, repository, policy)
    assert expired == {untagged[0]: 1, untagged[1]: 1}
    assert old_tagged not in expired


def test_since_image_pushed_spares_new_images(ecr, repository):
    for i in range(3):
        push_tagged(ecr, repository, f"t{i}")
    resp, expired = preview(ecr, repository,
                            lifecycle_policy(R(1, "any", "sinceImagePushed", 1, count_unit="days")))
    assert expired == {}
    assert resp["summary"]["expiringImageTotalCount"] == 0


def test_count_above_the_number_of_images_expires_nothing(ecr, repository):
    for i in range(2):
        push_tagged(ecr, repository, f"t{i}")
    _, expired = preview(ecr, repository, keep_newest(5))
    assert expired == {}


# -- the background pass ------------------------------------------------------------------

@pytest.mark.slow
def test_background_pass_expires_selected_images(server_factory):
    server = server_factory("tessera-lifecycle", extra_args=["--lifecycle-interval", "1"]).start()
    ecr = make_client(server.endpoint, TEST_ACCOUNTS["one"], "ecr")
    repo, untouched = repository_name("lifecycle"), repository_name("no-policy")
    ecr.create_repository(repositoryName=repo)
    ecr.create_repository(repositoryName=untouched)
    digests = [push_tagged(ecr, repo, f"t{i}") for i in range(3)]
    others = {push_tagged(ecr, untouched, f"t{i}") for i in range(3)}
    ecr.put_lifecycle_policy(repositoryName=repo, lifecyclePolicyText=keep_newest(1))

    wait_until(lambda: image_digests(ecr, repo) == {digests[2]}, 20, 0.5,
               "the background pass expired the two older images")
    [kept] = describe_images(ecr, repo)
    assert kept["imageTags"] == ["t2"]
    assert image_digests(ecr, untouched) == others
    got = ecr.get_lifecycle_policy(repositoryName=repo)
    assert "lastEvaluatedAt" in got and got["lastEvaluatedAt"].timestamp() > time.time() - 60
    # and the expired images are really gone
    failures = ecr.batch_get_image(repositoryName=repo, imageIds=[{"imageTag": "t0"}])["failures"]
    assert [f["failureCode"] for f in failures] == ["ImageNotFound"]
