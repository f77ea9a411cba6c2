"""The same state change sent several times at once, through the wire: each ends in one state and every
caller gets a clean answer (docs/postgresql.md#how-concurrent-changes-stay-correct). These run on SQLite and,
in the PostgreSQL pass of scripts/test-all.sh, with the server's metadata on PostgreSQL.
"""

from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from glacier_helpers import MiB, complete, initiate, random_bytes, tree_hash, unique_name, upload_parts

RACERS = 8


def race(call, count=RACERS):
    """Runs `call(i)` for i in 0..count-1 at once; returns each result or the ClientError it raised."""
    def attempt(index):
        try:
            return call(index)
        except ClientError as error:
            return error
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(attempt, range(count)))


def test_racing_completions_make_one_archive(glacier, vault):
    data = random_bytes(2 * MiB + 5)
    for _ in range(3):
        up = initiate(glacier, vault, MiB)
        upload_parts(glacier, up, data)
        answers = race(lambda _: complete(glacier, up, len(data), tree_hash(data)))
        assert all(not isinstance(a, ClientError) for a in answers), answers
        assert len({a["archiveId"] for a in answers}) == 1, "every racer is told the one archive"
    described = glacier.describe_vault(vaultName=vault)
    assert described["NumberOfArchives"] == 3
    assert described["SizeInBytes"] == 3 * len(data)


def test_racing_deletes_uncount_an_archive_once(glacier, vault):
    archives = [glacier.upload_archive(vaultName=vault, body=bytes([i]) * 1000)["archiveId"] for i in range(3)]
    answers = race(lambda _: glacier.delete_archive(vaultName=vault, archiveId=archives[1]))
    failures = [a for a in answers if isinstance(a, ClientError)]
    assert all(f.response["Error"]["Code"] == "ResourceNotFoundException" for f in failures), failures
    assert len(failures) <= RACERS - 1
    described = glacier.describe_vault(vaultName=vault)
    assert (described["NumberOfArchives"], described["SizeInBytes"]) == (2, 2000)


def test_racing_create_vaults_all_succeed_once(glacier):
    name = unique_name("race")
    answers = race(lambda _: glacier.create_vault(vaultName=name))
    assert all(not isinstance(a, ClientError) for a in answers), answers
    pages = glacier.get_paginator("list_vaults").paginate()
    listed = [v["VaultName"] for page in pages for v in page["VaultList"] if v["VaultName"] == name]
    assert listed == [name], "ListVaults pages through every vault; the raced name appears once"
    glacier.delete_vault(vaultName=name)


def test_racing_create_repositories_make_one(ecr):
    name = unique_name("race/app")
    answers = race(lambda _: ecr.create_repository(repositoryName=name))
    created = [a for a in answers if not isinstance(a, ClientError)]
    refused = [a for a in answers if isinstance(a, ClientError)]
    assert len(created) == 1, answers
    assert [r.response["Error"]["Code"] for r in refused] == ["RepositoryAlreadyExistsException"] * (RACERS - 1)
    ecr.delete_repository(repositoryName=name, force=True)


def test_racing_create_vaults_never_pass_the_account_limit(server_factory):
    """An account may have 1,000 vaults (docs/aws/glacier.md). With 995 made, sixteen CreateVaults of new names race:
    five succeed, eleven are refused with LimitExceededException, and the account ends with exactly 1,000."""
    from tessera_server import TEST_ACCOUNTS, make_client
    server = server_factory("tessera-vault-limit").start()
    glacier = make_client(server.endpoint, TEST_ACCOUNTS["one"])
    prefix = unique_name("limit")
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: glacier.create_vault(vaultName=f"{prefix}-{i:04d}"), range(995)))
    answers = race(lambda i: glacier.create_vault(vaultName=f"{prefix}-new-{i}"), count=16)
    refused = [a for a in answers if isinstance(a, ClientError)]
    assert len(answers) - len(refused) == 5, answers
    assert {r.response["Error"]["Code"] for r in refused} == {"LimitExceededException"}, refused
    pages = glacier.get_paginator("list_vaults").paginate()
    assert sum(len(page["VaultList"]) for page in pages) == 1000


def test_racing_capacity_purchases_never_pass_the_account_limit(server_factory):
    """An account may hold two provisioned-capacity units (docs/aws/glacier.md). Eight purchases race on a fresh
    server: two succeed, six are refused with LimitExceededException, and two units are listed."""
    from tessera_server import TEST_ACCOUNTS, make_client
    server = server_factory("tessera-capacity-limit").start()
    glacier = make_client(server.endpoint, TEST_ACCOUNTS["one"])
    answers = race(lambda _: glacier.purchase_provisioned_capacity(accountId="-"))
    refused = [a for a in answers if isinstance(a, ClientError)]
    assert len(answers) - len(refused) == 2, answers
    assert {r.response["Error"]["Code"] for r in refused} == {"LimitExceededException"}, refused
    assert len(glacier.list_provisioned_capacity(accountId="-")["ProvisionedCapacityList"]) == 2
