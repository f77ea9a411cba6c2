"""Fixtures for the wire-compatibility suite: a live `tessera serve`, boto3 clients, vaults.

Accounts: `one` is the default for most tests, `two` checks isolation, `three` holds the
account-wide state (vault listing counts, data retrieval policy, provisioned capacity) so that
other tests cannot disturb it.
"""

from __future__ import annotations

import pytest

from glacier_helpers import status_of, unique_name
from tessera_server import (
    aws_cli_environment,
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
    """The shared server (job delay 0: jobs complete at once), with the public registry port as well."""
    server = start_server(tmp_path_factory.mktemp("tessera"), "tessera", ["--public-registry-port", "0"])
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


# -- ECR and ECR Public (docs/aws/ecr.md) ---------------------------------------------

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


# -- OCI distribution API (/v2; oci_helpers.py) ------------------------------------------

@pytest.fixture(scope="session")
def registry_password(ecr):
    """Account one's registry password (GetAuthorizationToken, `AWS:` stripped)."""
    from oci_helpers import registry_password as password_of
    return password_of(ecr)


@pytest.fixture(scope="session")
def registry_password_two(ecr_two):
    from oci_helpers import registry_password as password_of
    return password_of(ecr_two)


@pytest.fixture(scope="session")
def oci(tessera, registry_password):
    """A raw /v2 client for account one (HTTP Basic AWS:<password>) on the shared server."""
    from oci_helpers import OCIClient
    return OCIClient(tessera.endpoint, registry_password)


@pytest.fixture(scope="session")
def oci_two(tessera, registry_password_two):
    from oci_helpers import OCIClient
    return OCIClient(tessera.endpoint, registry_password_two)


@pytest.fixture(scope="session")
def oci_anonymous(tessera):
    from oci_helpers import OCIClient
    return OCIClient(tessera.endpoint)


@pytest.fixture
def make_repository(ecr, ecr_public, request):
    """make_repository(stem=None, public=False, client=None, **create_args) -> name: a fresh private (or
    ECR Public) repository named after the test (`stem` may hold slashes); force-deleted afterwards."""
    from botocore.exceptions import ClientError
    from ecr_helpers import repository_name
    made = []

    def factory(stem: str | None = None, public: bool = False, client=None, **create_args) -> str:
        client = client or (ecr_public if public else ecr)
        name = repository_name(stem or request.node.name)
        if stem and "/" in stem:
            name = stem.rstrip("/") + "/" + repository_name(request.node.name)
        client.create_repository(repositoryName=name, **create_args)
        made.append((client, name))
        return name

    yield factory
    for client, name in made:
        try:
            client.delete_repository(repositoryName=name, force=True)
        except ClientError:
            pass  # the test deleted it


@pytest.fixture(scope="session")
def skopeo():
    """The skopeo binary (Debian's package), or skip."""
    import shutil
    path = shutil.which("skopeo")
    if not path:
        pytest.skip("skopeo is not installed (apt-get install skopeo; .ci/run does)")
    return path


@pytest.fixture(scope="session")
def dockerd(tmp_path_factory):
    """A docker daemon: the one `.ci/run` started (DOCKER_HOST), else one started here and stopped by its
    PID at the end of the session. Skips with the reason when the machine cannot run one."""
    import os
    from oci_helpers import DockerDaemon
    config_dir = tmp_path_factory.mktemp("docker-config")
    if os.environ.get("TESSERA_DOCKERD_UNAVAILABLE"):
        pytest.skip(os.environ["TESSERA_DOCKERD_UNAVAILABLE"])  # .ci/run tried and said why
    host = os.environ.get("DOCKER_HOST")
    if host:
        why = DockerDaemon.answers(host)
        if why:
            pytest.skip(f"DOCKER_HOST={host} does not answer: {why}")
        yield DockerDaemon(host, config_dir, containerd_address=os.environ.get("CONTAINERD_ADDRESS"))
        return
    try:
        daemon = DockerDaemon.start(config_dir)
    except RuntimeError as exc:
        pytest.skip(f"no docker daemon on this machine: {exc}")
    yield daemon
    daemon.stop()


@pytest.fixture(scope="session")
def aws_cli(tessera, accounts, tmp_path_factory):
    """(env, bin_dir): an environment in which `aws` (a wrapper for `python -m awscli`) runs as account one
    against the shared server, for shell pipelines such as `aws ecr get-login-password | docker login …`."""
    import os
    import sys
    home = tmp_path_factory.mktemp("aws-cli-home-oci")
    bin_dir = home / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "aws"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m awscli --endpoint-url "{tessera.endpoint}" "$@"\n')
    wrapper.chmod(0o755)
    env = aws_cli_environment(accounts["one"], home)
    env["PATH"] = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    return env, bin_dir


@pytest.fixture(scope="session")
def docker_registry(dockerd, aws_cli, tessera):
    """The docker daemon, logged in to the shared server as ECR users do:
    `aws ecr get-login-password | docker login --username AWS --password-stdin 127.0.0.1:PORT`."""
    from urllib.parse import urlsplit
    from oci_helpers import run
    env, _ = aws_cli
    host = urlsplit(tessera.endpoint).netloc
    proc = run(["bash", "-o", "pipefail", "-c",
                f"aws ecr get-login-password | docker login --username AWS --password-stdin {host}"],
               env={**dockerd.env, **env}, timeout=180)
    assert "Login Succeeded" in proc.stdout, proc
    yield dockerd
    dockerd.docker("logout", host, check=False)


# -- the client commands ----------------------------------------------------------------

@pytest.fixture
def state(tmp_path):
    """An XDG state directory of the test's own, where the client keeps journals and block manifests."""
    folder = tmp_path / "state"
    folder.mkdir()
    return folder


@pytest.fixture
def env(state):
    """The environment `tessera <service> …` runs in: account one's keys, a region, its own state dir."""
    from client_helpers import client_environment
    return client_environment(ACCOUNTS["one"], state)
