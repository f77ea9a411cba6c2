"""Glacier vaults: create, describe, list (+ pagination), delete, names, account isolation.

docs/aws/glacier.md#common-rules, #pagination, #vaults. Listing tests use account three, which no other
test fills, so page contents are predictable.
"""

import pytest

from glacier_helpers import (
    ISO8601_RE, expect_error, status_of, tree_hash, random_bytes, unique_name, upload_archive,
    vault_arn)

ONE, TWO = "111111111111", "222222222222"


def all_vault_names(client, limit=None):
    """By hand: follow Marker until it is null; returns (names, page lengths)."""
    names, pages, marker = [], [], None
    for _ in range(10_000):
        kwargs = {}
        if limit is not None:
            kwargs["limit"] = str(limit)
        if marker:
            kwargs["marker"] = marker
        resp = client.list_vaults(**kwargs)
        page = [v["VaultName"] for v in resp["VaultList"]]
        names += page
        pages.append(len(page))
        marker = resp.get("Marker")
        if not marker:
            return names, pages
        assert page, f"empty page with a Marker: {resp}"
    raise AssertionError("ListVaults pagination did not end")


def test_create_vault_returns_201_and_numeric_location(glacier, vault_name):
    name = vault_name()
    resp = glacier.create_vault(vaultName=name)
    assert status_of(resp) == 201
    assert resp["location"] == f"/{ONE}/vaults/{name}"
    assert resp["ResponseMetadata"]["RequestId"]


def test_create_vault_is_idempotent(glacier, vault_name):
    name = vault_name()
    first = glacier.create_vault(vaultName=name)
    again = glacier.create_vault(vaultName=name)
    assert status_of(first) == status_of(again) == 201
    assert again["location"] == first["location"] == f"/{ONE}/vaults/{name}"
    assert glacier.describe_vault(vaultName=name)["VaultName"] == name


def test_create_with_explicit_own_account_id(glacier, vault_name):
    name = vault_name()
    resp = glacier.create_vault(accountId=ONE, vaultName=name)
    assert resp["location"] == f"/{ONE}/vaults/{name}"
    assert glacier.describe_vault(accountId=ONE, vaultName=name)["VaultName"] == name
    assert glacier.describe_vault(accountId="-", vaultName=name)["VaultName"] == name


def test_describe_vault_fields(glacier, vault):
    desc = glacier.describe_vault(vaultName=vault)
    assert status_of(desc) == 200
    assert desc["VaultName"] == vault
    assert desc["VaultARN"] == vault_arn(ONE, vault)
    assert ISO8601_RE.match(desc["CreationDate"]), desc
    assert desc["NumberOfArchives"] == 0
    assert desc["SizeInBytes"] == 0
    assert desc.get("LastInventoryDate") is None


def test_describe_missing_vault_is_404(glacier, vault_name):
    name = vault_name()
    expect_error(lambda: glacier.describe_vault(vaultName=name),
                 "ResourceNotFoundException", 404,
                 message=f"Vault not found for ARN: {vault_arn(ONE, name)}")


def test_list_vaults_entries_have_describe_shape(glacier_three):
    name = unique_name("shape")
    glacier_three.create_vault(vaultName=name)
    names, _ = all_vault_names(glacier_three, limit=1000)
    assert names.count(name) == 1
    pager = glacier_three.get_paginator("list_vaults").paginate()
    entry = next(v for page in pager for v in page["VaultList"] if v["VaultName"] == name)
    desc = glacier_three.describe_vault(vaultName=name)
    for key in ("VaultARN", "VaultName", "CreationDate", "NumberOfArchives", "SizeInBytes"):
        assert entry[key] == desc[key], key
    assert entry["VaultARN"] == vault_arn("333333333333", name)
    assert ISO8601_RE.match(entry["CreationDate"])
    assert entry["NumberOfArchives"] == 0 and entry["SizeInBytes"] == 0


def test_list_vaults_by_hand_pagination_sorted_and_complete(glacier_three):
    prefix = unique_name("page")
    mine = [f"{prefix}-{c}" for c in "edcba"]
    for name in mine:
        glacier_three.create_vault(vaultName=name)
    names, pages = all_vault_names(glacier_three, limit=2)
    assert names == sorted(names), "vaults must be listed in ASCII order of name"
    assert len(names) == len(set(names)), "a vault was listed twice across pages"
    assert [n for n in names if n.startswith(prefix)] == sorted(mine)
    assert all(1 <= p <= 2 for p in pages[:-1]) and pages[-1] <= 2
    assert len(pages) >= 3


def test_list_vaults_boto3_paginator(glacier_three):
    prefix = unique_name("pager")
    mine = sorted(f"{prefix}-{i}" for i in range(4))
    for name in mine:
        glacier_three.create_vault(vaultName=name)
    paginator = glacier_three.get_paginator("list_vaults")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": "3"}))
    names = [v["VaultName"] for p in pages for v in p["VaultList"]]
    assert all(len(p["VaultList"]) <= 3 for p in pages)
    assert len(pages) >= 2
    assert [n for n in names if n.startswith(prefix)] == mine
    assert names == all_vault_names(glacier_three, limit=1000)[0]
    first3 = paginator.paginate(PaginationConfig={"MaxItems": 3, "PageSize": "2"})
    result = first3.build_full_result()
    assert len(result["VaultList"]) == 3 and result.get("NextToken")


def test_list_vaults_default_page_is_10(glacier_three):
    for i in range(11):
        glacier_three.create_vault(vaultName=unique_name(f"default-{i:02d}"))
    resp = glacier_three.list_vaults()
    assert len(resp["VaultList"]) == 10
    assert resp.get("Marker")


def test_list_vaults_marker_continues_after_the_page(glacier_three):
    prefix = unique_name("marker")
    mine = [f"{prefix}-{i}" for i in range(3)]
    for name in mine:
        glacier_three.create_vault(vaultName=name)
    names, _ = all_vault_names(glacier_three, limit=1000)
    start = names.index(mine[0])
    # Walk page by page from the beginning with limit 1: each Marker yields the next vault.
    resp = glacier_three.list_vaults(limit="1")
    seen = [v["VaultName"] for v in resp["VaultList"]]
    while resp.get("Marker") and len(seen) < start + 3:
        resp = glacier_three.list_vaults(limit="1", marker=resp["Marker"])
        assert len(resp["VaultList"]) == 1
        seen += [v["VaultName"] for v in resp["VaultList"]]
    assert seen[start:start + 3] == mine


@pytest.mark.parametrize("limit", ["0", "-1", "abc"])
def test_list_vaults_rejects_bad_limit(glacier, limit):
    expect_error(lambda: glacier.list_vaults(limit=limit), "InvalidParameterValueException", 400)


def test_delete_empty_vault(glacier, vault):
    resp = glacier.delete_vault(vaultName=vault)
    assert status_of(resp) == 204
    expect_error(lambda: glacier.describe_vault(vaultName=vault),
                 "ResourceNotFoundException", 404,
                 message=f"Vault not found for ARN: {vault_arn(ONE, vault)}")
    assert vault not in all_vault_names(glacier, limit=1000)[0]
    assert status_of(glacier.create_vault(vaultName=vault)) == 201  # the name is free again


def test_delete_missing_vault_is_404(glacier, vault_name):
    name = vault_name()
    expect_error(lambda: glacier.delete_vault(vaultName=name), "ResourceNotFoundException", 404,
                 message=f"Vault not found for ARN: {vault_arn(ONE, name)}")


def test_delete_non_empty_vault_is_refused(glacier, vault):
    upload_archive(glacier, vault, random_bytes(1000))
    expect_error(lambda: glacier.delete_vault(vaultName=vault),
                 "InvalidParameterValueException", 400,
                 message=f"Vault not empty or recently written to: {vault_arn(ONE, vault)}")
    assert glacier.describe_vault(vaultName=vault)["VaultName"] == vault


@pytest.mark.parametrize("name", ["a", "Z" * 255, "Ab.c-d_9", "9", "...", "---"])
def test_valid_vault_names(glacier, name):
    resp = glacier.create_vault(vaultName=name)
    assert status_of(resp) == 201
    assert glacier.describe_vault(vaultName=name)["VaultName"] == name


@pytest.mark.parametrize("name", [
    "bad name", "bad!name", "x" * 256, "vault:1", "vault@home", "caf\u00e9", "a+b", "a%b",
])
def test_bad_vault_names_are_rejected(glacier, name):
    expect_error(lambda: glacier.create_vault(vaultName=name), "InvalidParameterValueException", 400)


def test_account_two_cannot_see_account_one_vault(glacier, glacier_two, vault):
    upload_archive(glacier, vault, b"account one data")
    expect_error(lambda: glacier_two.describe_vault(vaultName=vault),
                 "ResourceNotFoundException", 404,
                 message=f"Vault not found for ARN: {vault_arn(TWO, vault)}")
    assert vault not in all_vault_names(glacier_two, limit=1000)[0]
    data = b"account two data"
    expect_error(lambda: glacier_two.upload_archive(vaultName=vault, body=data,
                                                    checksum=tree_hash(data)),
                 "ResourceNotFoundException", 404)
    expect_error(lambda: glacier_two.delete_vault(vaultName=vault), "ResourceNotFoundException", 404)
    assert glacier.describe_vault(vaultName=vault)["VaultARN"] == vault_arn(ONE, vault)


def test_same_vault_name_in_two_accounts_is_two_vaults(glacier, glacier_two, vault):
    resp = glacier_two.create_vault(vaultName=vault)
    assert resp["location"] == f"/{TWO}/vaults/{vault}"
    assert glacier_two.describe_vault(vaultName=vault)["VaultARN"] == vault_arn(TWO, vault)
    glacier_two.delete_vault(vaultName=vault)
    assert glacier.describe_vault(vaultName=vault)["VaultARN"] == vault_arn(ONE, vault)


def test_explicit_other_account_id_is_access_denied(glacier, glacier_two, vault):
    expect_error(lambda: glacier.list_vaults(accountId=TWO), "AccessDeniedException", 403)
    expect_error(lambda: glacier_two.describe_vault(accountId=ONE, vaultName=vault),
                 "AccessDeniedException", 403)
    expect_error(lambda: glacier_two.delete_vault(accountId=ONE, vaultName=vault),
                 "AccessDeniedException", 403)
    expect_error(lambda: glacier.create_vault(accountId=TWO, vaultName=vault),
                 "AccessDeniedException", 403)
    assert glacier.describe_vault(vaultName=vault)["VaultName"] == vault


def test_request_ids_are_present_and_distinct(glacier, vault):
    ids = {glacier.describe_vault(vaultName=vault)["ResponseMetadata"]["RequestId"]
           for _ in range(3)}
    assert len(ids) == 3 and all(ids)
