"""Fixtures for the wire-compatibility suite: a live `tessera serve`, boto3 clients, vaults.

Accounts: `one` is the default for most tests, `two` checks isolation, `three` holds the
account-wide state (vault listing counts, data retrieval policy, provisioned capacity) so that
other tests cannot disturb it.
"""

from __future__ import annotations

import pytest

from glacier_helpers import status_of, unique_name
from tessera_server import (
    TEST_ACCOUNTS, TesseraServer, TesseraServerError, write_credentials)
from tessera_server import make_client as _make_client

ACCOUNTS = TEST_ACCOUNTS


def make_client(endpoint: str, account: str = "one", service: str = "glacier"):
    return _make_client(endpoint, ACCOUNTS[account], service)


def start_server(base_dir, name: str, extra_args=()) -> TesseraServer:
    base_dir.mkdir(parents=True, exist_ok=True)
    creds = write_credentials(base_dir / "credentials", ACCOUNTS.values())
    server = TesseraServer(base_dir / "data", creds, log_dir=base_dir, name=name,
                           extra_args=extra_args)
    try:
        return server.start()
    except TesseraServerError as exc:
        pytest.fail(str(exc), pytrace=False)


# -- servers --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def tessera(tmp_path_factory):
    """The shared server (job delay 0: jobs complete at once)."""
    server = start_server(tmp_path_factory.mktemp("tessera"), "tessera")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def slow_jobs_server(tmp_path_factory):
    """A second server whose jobs take 2 s, to see InProgress -> Succeeded."""
    server = start_server(tmp_path_factory.mktemp("tessera-slow-jobs"), "tessera-slow-jobs",
                          ["--glacier-job-delay", "2"])
    yield server
    server.stop()


@pytest.fixture(scope="session")
def slow_glacier(slow_jobs_server):
    """Account one's client on the slow-jobs server."""
    return make_client(slow_jobs_server.endpoint, "one")


@pytest.fixture
def server_factory(tmp_path):
    """Start extra servers owned by one test (e.g. crash tests); all stopped at teardown."""
    servers: list[TesseraServer] = []

    def factory(name: str = "tessera-own", extra_args=()) -> TesseraServer:
        base = tmp_path / name
        base.mkdir(parents=True, exist_ok=True)
        creds = write_credentials(base / "credentials", ACCOUNTS.values())
        server = TesseraServer(base / "data", creds, log_dir=base, name=name,
                               extra_args=extra_args)
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def endpoint(tessera) -> str:
    return tessera.endpoint


@pytest.fixture(scope="session")
def client_for(tessera):
    """client_for(account='one', service='glacier', endpoint=None) -> boto3 client."""
    def factory(account: str = "one", service: str = "glacier", endpoint: str | None = None):
        return make_client(endpoint or tessera.endpoint, account, service)
    return factory


@pytest.fixture(scope="session")
def glacier(client_for):
    return client_for("one")


@pytest.fixture(scope="session")
def glacier_two(client_for):
    return client_for("two")


@pytest.fixture(scope="session")
def glacier_three(client_for):
    return client_for("three")


@pytest.fixture(scope="session")
def accounts():
    return ACCOUNTS


# -- vaults ---------------------------------------------------------------------------

@pytest.fixture
def vault_name(request):
    """Callable returning a fresh, valid, unused vault name on each call."""
    stem = "".join(c if c.isalnum() else "-" for c in request.node.name)[:60].strip("-")
    return lambda: unique_name(stem or "compat")


@pytest.fixture
def vault(glacier, vault_name) -> str:
    """A freshly created vault in account one."""
    name = vault_name()
    resp = glacier.create_vault(vaultName=name)
    assert status_of(resp) == 201, resp
    return name


# -- server logs on failure -----------------------------------------------------------

_LOG_OFFSETS = pytest.StashKey[dict]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    item.stash[_LOG_OFFSETS] = {id(s): (s.log_file, s.log_size()) for s in TesseraServer.live}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    offsets = item.stash.get(_LOG_OFFSETS, {})
    for server in list(TesseraServer.live):
        log_file, offset = offsets.get(id(server), (None, 0))
        since = offset if log_file == server.log_file else 0
        report.sections.append(
            (f"{server.name} log ({server.log_file})", server.log_text(since=since)))


# -- EBS direct (docs/aws/ebs.md) -------------------------------------------------------

@pytest.fixture(scope="session")
def ebs(client_for):
    """Account one's EBS direct client on the shared server."""
    return client_for("one", "ebs")


@pytest.fixture(scope="session")
def ebs_two(client_for):
    return client_for("two", "ebs")


@pytest.fixture(scope="session")
def ebs_unvalidated(tessera):
    """Account one's EBS client without botocore's parameter validation (negative indexes etc.)."""
    from ebs_helpers import unvalidated_client
    return unvalidated_client(tessera.endpoint, ACCOUNTS["one"])


# -- ECR and ECR Public (aws-semantics §2) --------------------------------------------

@pytest.fixture(scope="session")
def ecr(tessera):
    """Account one's ECR client on the shared server (raw responses kept for expect_ecr_error)."""
    from ecr_helpers import watch_responses
    return watch_responses(make_client(tessera.endpoint, "one", "ecr"))


@pytest.fixture(scope="session")
def ecr_two(tessera):
    from ecr_helpers import watch_responses
    return watch_responses(make_client(tessera.endpoint, "two", "ecr"))


@pytest.fixture(scope="session")
def ecr_public(tessera):
    """Account one's ECR Public client (us-east-1, where ECR Public lives)."""
    from ecr_helpers import watch_responses
    return watch_responses(make_client(tessera.endpoint, "one", "ecr-public"))


@pytest.fixture
def repository(ecr, request):
    """A fresh private repository of account one, named after the test; force-deleted afterwards."""
    from botocore.exceptions import ClientError
    from ecr_helpers import repository_name
    name = repository_name(request.node.name)
    ecr.create_repository(repositoryName=name)
    yield name
    try:
        ecr.delete_repository(repositoryName=name, force=True)
    except ClientError:
        pass  # the test deleted it
