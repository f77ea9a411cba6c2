"""Glacier vault configuration: tags, access policy, notifications, vault lock; and the
account-wide data retrieval policy and provisioned capacity (account three).

docs/aws/glacier.md#vault-configuration-and-account-settings summarises these operations; expected
errors follow the AWS API reference
(see README.md, "Assumed behaviour").
"""

import json

import pytest

from glacier_helpers import (
    ID_RE, ISO8601_RE, expect_error, expect_status, parse_iso, status_of, vault_arn)

ONE = "111111111111"


def access_policy(vault):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "cross-account-read", "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::222222222222:root"},
        "Action": ["glacier:ListJobs", "glacier:DescribeJob"],
        "Resource": vault_arn(ONE, vault)}]})


def lock_policy(vault):
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "deny-young-deletes", "Effect": "Deny", "Principal": "*",
        "Action": "glacier:DeleteArchive", "Resource": vault_arn(ONE, vault),
        "Condition": {"NumericLessThanEquals": {"glacier:ArchiveAgeInDays": "365"}}}]})


# -- tags -----------------------------------------------------------------------------

def test_tags_add_list_overwrite_remove(glacier, vault):
    assert glacier.list_tags_for_vault(vaultName=vault).get("Tags", {}) == {}
    resp = glacier.add_tags_to_vault(vaultName=vault, Tags={"team": "storage", "env": "test"})
    assert status_of(resp) == 204
    assert glacier.list_tags_for_vault(vaultName=vault)["Tags"] == {"team": "storage", "env": "test"}
    glacier.add_tags_to_vault(vaultName=vault, Tags={"env": "prod", "owner": "ops"})
    assert glacier.list_tags_for_vault(vaultName=vault)["Tags"] == {
        "team": "storage", "env": "prod", "owner": "ops"}
    resp = glacier.remove_tags_from_vault(vaultName=vault, TagKeys=["team", "no-such-key"])
    assert status_of(resp) == 204
    assert glacier.list_tags_for_vault(vaultName=vault)["Tags"] == {"env": "prod", "owner": "ops"}


def test_more_than_50_tags_is_limit_exceeded(glacier, vault):
    glacier.add_tags_to_vault(vaultName=vault, Tags={f"k{i}": "v" for i in range(50)})
    expect_error(lambda: glacier.add_tags_to_vault(vaultName=vault, Tags={"one-more": "v"}),
                 "LimitExceededException", 400)
    assert len(glacier.list_tags_for_vault(vaultName=vault)["Tags"]) == 50


def test_tags_on_missing_vault_are_404(glacier, vault_name):
    name = vault_name()
    message = f"Vault not found for ARN: {vault_arn(ONE, name)}"
    expect_error(lambda: glacier.list_tags_for_vault(vaultName=name),
                 "ResourceNotFoundException", 404, message=message)
    expect_error(lambda: glacier.add_tags_to_vault(vaultName=name, Tags={"a": "b"}),
                 "ResourceNotFoundException", 404, message=message)


def test_tags_are_private_to_the_account(glacier, glacier_two, vault):
    glacier.add_tags_to_vault(vaultName=vault, Tags={"secret": "yes"})
    expect_error(lambda: glacier_two.list_tags_for_vault(vaultName=vault),
                 "ResourceNotFoundException", 404)


# -- access policy --------------------------------------------------------------------

def test_access_policy_set_get_replace_delete(glacier, vault):
    expect_error(lambda: glacier.get_vault_access_policy(vaultName=vault),
                 "ResourceNotFoundException", 404)
    policy = access_policy(vault)
    resp = glacier.set_vault_access_policy(vaultName=vault, policy={"Policy": policy})
    assert status_of(resp) == 204
    got = glacier.get_vault_access_policy(vaultName=vault)["policy"]["Policy"]
    assert json.loads(got) == json.loads(policy)
    replaced = json.loads(policy)
    replaced["Statement"][0]["Action"] = "glacier:ListJobs"
    glacier.set_vault_access_policy(vaultName=vault, policy={"Policy": json.dumps(replaced)})
    got = glacier.get_vault_access_policy(vaultName=vault)["policy"]["Policy"]
    assert json.loads(got) == replaced
    assert status_of(glacier.delete_vault_access_policy(vaultName=vault)) == 204
    expect_error(lambda: glacier.get_vault_access_policy(vaultName=vault),
                 "ResourceNotFoundException", 404)
    assert status_of(glacier.delete_vault_access_policy(vaultName=vault)) == 204  # idempotent


# -- notifications --------------------------------------------------------------------

def test_notifications_set_get_delete(glacier, vault):
    expect_error(lambda: glacier.get_vault_notifications(vaultName=vault),
                 "ResourceNotFoundException", 404)
    config = {"SNSTopic": f"arn:aws:sns:us-east-1:{ONE}:glacier-events",
              "Events": ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"]}
    resp = glacier.set_vault_notifications(vaultName=vault, vaultNotificationConfig=config)
    assert status_of(resp) == 204
    got = glacier.get_vault_notifications(vaultName=vault)["vaultNotificationConfig"]
    assert got["SNSTopic"] == config["SNSTopic"]
    assert sorted(got["Events"]) == sorted(config["Events"])
    assert status_of(glacier.delete_vault_notifications(vaultName=vault)) == 204
    expect_error(lambda: glacier.get_vault_notifications(vaultName=vault),
                 "ResourceNotFoundException", 404)


# -- vault lock -----------------------------------------------------------------------

def test_vault_lock_initiate_then_complete(glacier, vault):
    expect_error(lambda: glacier.get_vault_lock(vaultName=vault), "ResourceNotFoundException", 404)
    policy = lock_policy(vault)
    resp = glacier.initiate_vault_lock(vaultName=vault, policy={"Policy": policy})
    assert status_of(resp) == 201
    lock_id = resp["lockId"]
    assert ID_RE.match(lock_id), lock_id
    lock = glacier.get_vault_lock(vaultName=vault)
    assert lock["State"] == "InProgress"
    assert json.loads(lock["Policy"]) == json.loads(policy)
    assert ISO8601_RE.match(lock["CreationDate"]) and ISO8601_RE.match(lock["ExpirationDate"])
    assert parse_iso(lock["ExpirationDate"]) > parse_iso(lock["CreationDate"])

    expect_error(lambda: glacier.initiate_vault_lock(vaultName=vault, policy={"Policy": policy}),
                 "AccessDeniedException", 403)  # already InProgress
    expect_error(lambda: glacier.complete_vault_lock(vaultName=vault, lockId="not-the-lock-id"),
                 "InvalidParameterValueException", 400)
    assert glacier.get_vault_lock(vaultName=vault)["State"] == "InProgress"

    assert status_of(glacier.complete_vault_lock(vaultName=vault, lockId=lock_id)) == 204
    lock = glacier.get_vault_lock(vaultName=vault)
    assert lock["State"] == "Locked"
    assert json.loads(lock["Policy"]) == json.loads(policy)


def test_locked_vault_lock_cannot_be_aborted_or_replaced(glacier, vault):
    lock_id = glacier.initiate_vault_lock(vaultName=vault,
                                          policy={"Policy": lock_policy(vault)})["lockId"]
    glacier.complete_vault_lock(vaultName=vault, lockId=lock_id)
    # Completing again with the same id is idempotent; another id is denied.
    assert status_of(glacier.complete_vault_lock(vaultName=vault, lockId=lock_id)) == 204
    expect_error(lambda: glacier.complete_vault_lock(vaultName=vault, lockId="another-id"),
                 "AccessDeniedException", 403)
    expect_error(lambda: glacier.abort_vault_lock(vaultName=vault), "AccessDeniedException", 403)
    expect_status(lambda: glacier.initiate_vault_lock(
        vaultName=vault, policy={"Policy": lock_policy(vault)}), 400, 403)
    assert glacier.get_vault_lock(vaultName=vault)["State"] == "Locked"


def test_vault_lock_abort_in_progress_is_idempotent(glacier, vault):
    assert status_of(glacier.abort_vault_lock(vaultName=vault)) == 204  # no lock: still fine
    glacier.initiate_vault_lock(vaultName=vault, policy={"Policy": lock_policy(vault)})
    assert status_of(glacier.abort_vault_lock(vaultName=vault)) == 204
    expect_error(lambda: glacier.get_vault_lock(vaultName=vault), "ResourceNotFoundException", 404)
    assert status_of(glacier.abort_vault_lock(vaultName=vault)) == 204
    # After an abort a new lock can be initiated.
    resp = glacier.initiate_vault_lock(vaultName=vault, policy={"Policy": lock_policy(vault)})
    assert status_of(resp) == 201 and resp["lockId"]
    assert glacier.get_vault_lock(vaultName=vault)["State"] == "InProgress"


# -- data retrieval policy (account-wide: account three) ------------------------------

def test_data_retrieval_policy_default_shape(glacier_three):
    rules = glacier_three.get_data_retrieval_policy()["Policy"]["Rules"]
    assert len(rules) == 1
    assert rules[0]["Strategy"] in ("BytesPerHour", "FreeTier", "None")


@pytest.mark.parametrize("rule", [
    {"Strategy": "BytesPerHour", "BytesPerHour": 10737418240},
    {"Strategy": "None"},
    {"Strategy": "FreeTier"},
    {"Strategy": "BytesPerHour", "BytesPerHour": 1},
])
def test_data_retrieval_policy_round_trip(glacier_three, rule):
    resp = glacier_three.set_data_retrieval_policy(Policy={"Rules": [rule]})
    assert status_of(resp) == 204
    assert glacier_three.get_data_retrieval_policy()["Policy"] == {"Rules": [rule]}


@pytest.mark.parametrize("rule", [
    {"Strategy": "BytesPerHour"},                       # BytesPerHour missing
    {"Strategy": "Sometimes"},                          # unknown strategy
    {"Strategy": "BytesPerHour", "BytesPerHour": 0},    # must be >= 1
])
def test_data_retrieval_policy_rejects_bad_rules(glacier_three, rule):
    glacier_three.set_data_retrieval_policy(Policy={"Rules": [{"Strategy": "None"}]})
    expect_error(lambda: glacier_three.set_data_retrieval_policy(Policy={"Rules": [rule]}),
                 "InvalidParameterValueException", 400)
    assert glacier_three.get_data_retrieval_policy()["Policy"] == {"Rules": [{"Strategy": "None"}]}


def test_data_retrieval_policy_is_per_account(glacier, glacier_three):
    glacier_three.set_data_retrieval_policy(
        Policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 123456789}]})
    assert glacier.get_data_retrieval_policy()["Policy"]["Rules"] != [
        {"Strategy": "BytesPerHour", "BytesPerHour": 123456789}]


# -- provisioned capacity (account-wide: account three) -------------------------------

def test_provisioned_capacity_purchase_list_and_limit(glacier_three, glacier):
    before = glacier_three.list_provisioned_capacity()["ProvisionedCapacityList"]
    assert len(before) <= 2
    bought = []
    for _ in range(2 - len(before)):
        resp = glacier_three.purchase_provisioned_capacity()
        assert status_of(resp) == 201
        assert ID_RE.match(resp["capacityId"]), resp
        bought.append(resp["capacityId"])
    units = glacier_three.list_provisioned_capacity()["ProvisionedCapacityList"]
    assert len(units) == 2
    assert set(bought) <= {u["CapacityId"] for u in units}
    for unit in units:
        assert ISO8601_RE.match(unit["StartDate"]) and ISO8601_RE.match(unit["ExpirationDate"])
        assert parse_iso(unit["ExpirationDate"]) > parse_iso(unit["StartDate"])
    expect_error(glacier_three.purchase_provisioned_capacity, "LimitExceededException", 400)
    mine = {u["CapacityId"] for u in glacier.list_provisioned_capacity()["ProvisionedCapacityList"]}
    assert not mine & {u["CapacityId"] for u in units}, "capacity units leaked across accounts"


@pytest.mark.parametrize("policy", ['{{{"Version":"2012-10-17"', '["Statement"]', '{"Version": "2012-10-17"}', '"text"'])
def test_policies_that_are_not_policy_documents_are_refused_and_change_nothing(glacier, vault, policy):
    expect_error(lambda: glacier.set_vault_access_policy(vaultName=vault, policy={"Policy": policy}),
                 "InvalidParameterValueException", 400)
    expect_error(lambda: glacier.get_vault_access_policy(vaultName=vault), "ResourceNotFoundException", 404)
    expect_error(lambda: glacier.initiate_vault_lock(vaultName=vault, policy={"Policy": policy}),
                 "InvalidParameterValueException", 400)
    expect_error(lambda: glacier.get_vault_lock(vaultName=vault), "ResourceNotFoundException", 404)
