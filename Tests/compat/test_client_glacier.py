"""`tessera glacier …`, the client commands, against a live server: multipart upload and ranged download
byte-exact, resumption after `kill -9` counted in bytes by a proxy, stdin, vault commands, inventory, and
one-line errors. The byte counts are the point: a resumed transfer must not send again a part the server
has verified."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from botocore.utils import calculate_tree_hash

from client_helpers import (
    client_environment, journal_entries, journals, one_line_failure, run_client, run_json, wait_for_journal)
from conftest import ACCOUNTS, make_client
from counting_proxy import CountingProxy
from glacier_helpers import unique_name
from tessera_server import default_binary

MiB = 1 << 20
# Per request: headers both ways, SigV4, JSON answers. Generous: the checks are about MiB-sized parts.
REQUEST_OVERHEAD = 8 << 10


def tree_hash(data: bytes) -> str:
    import io
    return calculate_tree_hash(io.BytesIO(data))


@pytest.fixture
def client_vault(tessera, env):
    name = unique_name("client")
    run_client(["glacier", "mkvault", name, "--endpoint-url", tessera.endpoint], env)
    return name


def write_random(path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


def test_multipart_upload_then_ranged_download_is_byte_exact(tessera, env, client_vault, tmp_path):
    data = write_random(tmp_path / "archive.bin", 20 * MiB + 12345)
    result = run_json(["glacier", "upload", str(tmp_path / "archive.bin"), "--vault", client_vault,
                       "--part-size", str(MiB), "--concurrency", "3", "--endpoint-url", tessera.endpoint], env)
    assert result["treeHash"] == tree_hash(data)
    assert result["size"] == len(data) and result["partSize"] == MiB and result["resumed"] is False
    assert result["uploadId"]
    out = tmp_path / "back.bin"
    back = run_json(["glacier", "download", "--vault", client_vault, "--archive-id", result["archiveId"],
                     str(out), "--range-size", str(2 * MiB), "--endpoint-url", tessera.endpoint], env)
    assert out.read_bytes() == data
    assert back["treeHash"] == result["treeHash"] and back["size"] == len(data)
    assert not (tmp_path / "back.bin.tessera-partial").exists()
    assert journals(env_state(env)) == [], "a finished transfer leaves no journal"


def env_state(env):
    from pathlib import Path
    return Path(env["XDG_STATE_HOME"])


def test_a_small_file_goes_in_one_request(tessera, env, client_vault, tmp_path):
    data = write_random(tmp_path / "small.bin", 3000)
    result = run_json(["glacier", "upload", str(tmp_path / "small.bin"), "--vault", client_vault,
                       "--description", "small one", "--endpoint-url", tessera.endpoint], env)
    assert result["uploadId"] is None and result["treeHash"] == tree_hash(data)
    glacier = make_client(tessera.endpoint)
    job = glacier.initiate_job(vaultName=client_vault, jobParameters={
        "Type": "archive-retrieval", "ArchiveId": result["archiveId"]})["jobId"]
    assert glacier.get_job_output(vaultName=client_vault, jobId=job)["body"].read() == data


def test_stdin_uploads_in_parts(tessera, env, client_vault):
    data = os.urandom(5 * MiB + 3)
    proc = run_client(["glacier", "upload", "-", "--vault", client_vault, "--part-size", str(MiB), "--json",
                       "--endpoint-url", tessera.endpoint], env, stdin=data)
    result = json.loads(proc.stdout.decode().splitlines()[-1])
    assert result["treeHash"] == tree_hash(data) and result["size"] == len(data)


def settled_parts(glacier, vault: str, upload_id: str) -> list:
    """The parts the server holds once the proxy has passed on what the killed client had already handed it
    (the proxy keeps forwarding the bytes it read before the kill)."""
    parts = glacier.list_parts(vaultName=vault, uploadId=upload_id)["Parts"]
    while True:
        time.sleep(1.0)
        again = glacier.list_parts(vaultName=vault, uploadId=upload_id)["Parts"]
        if again == parts:
            return parts
        parts = again


def test_upload_killed_and_rerun_sends_no_verified_part_twice(tessera, env, state, client_vault, tmp_path):
    parts = 40
    data = write_random(tmp_path / "big.bin", parts * MiB)
    proxy = CountingProxy("127.0.0.1", tessera.port, rate=12 * MiB)
    try:
        args = ["glacier", "upload", str(tmp_path / "big.bin"), "--vault", client_vault, "--part-size", str(MiB),
                "--concurrency", "2", "--endpoint-url", proxy.endpoint, "--json"]
        proc = subprocess.Popen([str(default_binary()), *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        wait_for_journal(state, 8, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proxy.settle()

        journal = journals(state)[0]
        recorded = journal_entries(journal)
        upload_id = json.loads(journal.read_text().splitlines()[0])["session"]
        held = settled_parts(make_client(tessera.endpoint), client_vault, upload_id)
        assert len(held) >= recorded, "every part in the journal is one the server verified"
        assert len(held) < parts, "the upload was interrupted before its end"

        proxy.reset()
        proxy.rate = None
        result = run_json(args[:-1], env)
        sent, _ = proxy.counts()
        missing = parts - len(held)
        requests = missing + 4  # the parts, ListParts, Complete, slack
        assert result["resumed"] is True and result["uploadId"] == upload_id
        assert result["treeHash"] == tree_hash(data)
        assert missing * MiB <= sent <= missing * MiB + requests * REQUEST_OVERHEAD, (
            f"resumed run sent {sent} bytes for {missing} missing parts of {MiB}")
        assert journals(state) == []
    finally:
        proxy.close()


def test_download_killed_and_rerun_fetches_only_missing_ranges(tessera, env, state, client_vault, tmp_path):
    ranges = 24
    data = write_random(tmp_path / "src.bin", ranges * MiB)
    archive = run_json(["glacier", "upload", str(tmp_path / "src.bin"), "--vault", client_vault,
                        "--endpoint-url", tessera.endpoint], env)["archiveId"]
    proxy = CountingProxy("127.0.0.1", tessera.port, rate=8 * MiB)
    out = tmp_path / "out.bin"
    try:
        args = ["glacier", "download", "--vault", client_vault, "--archive-id", archive, str(out),
                "--range-size", str(MiB), "--concurrency", "2", "--endpoint-url", proxy.endpoint, "--json"]
        proc = subprocess.Popen([str(default_binary()), *args], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        recorded = wait_for_journal(state, 6, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proxy.settle()
        recorded = journal_entries(journals(state)[0])
        assert recorded < ranges and not out.exists()

        proxy.reset()
        proxy.rate = None
        result = run_json(args[:-1], env)
        _, received = proxy.counts()
        missing = ranges - recorded
        assert result["resumed"] is True
        assert out.read_bytes() == data
        assert missing * MiB <= received <= missing * MiB + (missing + 4) * REQUEST_OVERHEAD, (
            f"resumed download received {received} bytes for {missing} missing ranges")
    finally:
        proxy.close()


def test_vault_commands_and_inventory(tessera, env, tmp_path):
    endpoint = ["--endpoint-url", tessera.endpoint]
    name = unique_name("cli-vault")
    assert run_json(["glacier", "mkvault", name, *endpoint], env) == {"vault": name, "created": True}
    listed = run_json(["glacier", "ls", *endpoint], env)
    assert name in [v["VaultName"] for v in listed["VaultList"]]
    data = write_random(tmp_path / "a.bin", 2 * MiB + 1)
    archive = run_json(["glacier", "upload", str(tmp_path / "a.bin"), "--vault", name, "--description", "first",
                        *endpoint], env)["archiveId"]
    inventory = run_json(["glacier", "inventory", "--vault", name, *endpoint], env)
    entries = {a["ArchiveId"]: a for a in inventory["ArchiveList"]}
    assert entries[archive]["Size"] == len(data) and entries[archive]["ArchiveDescription"] == "first"
    text = run_client(["glacier", "inventory", "--vault", name, *endpoint], env).stdout.decode()
    assert archive in text and "1 archives" in text
    assert run_json(["glacier", "rm", "--vault", name, "--archive-id", archive, *endpoint], env)["deleted"] is True
    assert run_json(["glacier", "rmvault", name, *endpoint], env)["deleted"] is True
    listed = run_json(["glacier", "ls", *endpoint], env)
    assert name not in [v["VaultName"] for v in listed["VaultList"]]


def test_errors_are_one_line_with_what_to_do(tessera, env, client_vault, tmp_path, state):
    endpoint = ["--endpoint-url", tessera.endpoint]
    line = one_line_failure(run_client(["glacier", "upload", str(tmp_path / "missing.bin"), "--vault", client_vault,
                                        *endpoint], env, check=False))
    assert "cannot open" in line and "No such file" in line

    write_random(tmp_path / "f.bin", 100)
    line = one_line_failure(run_client(["glacier", "upload", str(tmp_path / "f.bin"), "--vault", "no-such-vault",
                                        *endpoint], env, check=False))
    assert "ResourceNotFoundException" in line

    bad = client_environment(ACCOUNTS["one"], state, {"AWS_SECRET_ACCESS_KEY": "wrong"})
    line = one_line_failure(run_client(["glacier", "ls", *endpoint], bad, check=False))
    assert "credentials" in line

    line = one_line_failure(run_client(["glacier", "ls", "--endpoint-url", "http://127.0.0.1:1"], env, check=False))
    assert "cannot reach http://127.0.0.1:1" in line

    no_region = {k: v for k, v in env.items() if k != "AWS_REGION"}
    line = one_line_failure(run_client(["glacier", "ls", *endpoint], no_region, check=False))
    assert "no region" in line

    line = one_line_failure(run_client(["glacier", "upload", str(tmp_path / "f.bin"), "--vault", client_vault,
                                        "--part-size", "3000000", *endpoint], env, check=False))
    assert "part size" in line


def test_a_profile_with_credential_process_signs_with_what_it_prints(tessera, env, client_vault, tmp_path):
    """`credential_process` in ~/.aws/config, as the AWS CLI reads it: the command's JSON keys sign the request
    (the vault made with account one's keys is listed); a command that fails is one line naming the profile."""
    account = ACCOUNTS["one"]
    printed = json.dumps({"Version": 1, "AccessKeyId": account.access_key, "SecretAccessKey": account.secret_key})
    config = tmp_path / "config"
    config.write_text(f"[profile proc]\ncredential_process = printf '%s' '{printed}'\n"
                      "[profile broken]\ncredential_process = sh -c 'exit 4'\n")
    bare = {k: v for k, v in env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    bare["AWS_CONFIG_FILE"] = str(config)
    listed = run_client(["glacier", "ls", "--profile", "proc", "--endpoint-url", tessera.endpoint], bare).stdout.decode()
    assert client_vault in listed
    line = one_line_failure(run_client(["glacier", "ls", "--profile", "broken", "--endpoint-url", tessera.endpoint],
                                       bare, check=False))
    assert "credential_process of profile 'broken'" in line and "status 4" in line, line


def test_credential_process_credentials_are_fetched_again_before_they_expire(tessera, env, client_vault, tmp_path):
    """Credentials whose Expiration is 15 minutes and 2 seconds away are fetched again once they are within
    15 minutes of it (botocore's window), before the next request is signed: an upload from stdin whose second
    part comes 4 s after its first runs the process twice, and the archive is whole."""
    account = ACCOUNTS["one"]
    runs = tmp_path / "runs"
    script = tmp_path / "creds.sh"
    script.write_text("\n".join([
        "#!/bin/sh",
        f"echo run >> '{runs}'",
        "expires=$(date -u -d '+902 seconds' +%Y-%m-%dT%H:%M:%SZ)",
        "printf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\",\"Expiration\":\"%s\"}' "
        f"'{account.access_key}' '{account.secret_key}' \"$expires\"",
        ""]))
    script.chmod(0o755)
    config = tmp_path / "config"
    config.write_text(f"[profile expiring]\ncredential_process = {script}\n")
    bare = {k: v for k, v in env.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    bare["AWS_CONFIG_FILE"] = str(config)
    first, second = os.urandom(MiB), os.urandom(MiB // 2)
    proc = subprocess.Popen([str(default_binary()), "glacier", "upload", "-", "--vault", client_vault, "--profile", "expiring",
                             "--part-size", str(MiB), "--concurrency", "1", "--json", "--endpoint-url", tessera.endpoint],
                            env=bare, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.stdin.write(first)
        proc.stdin.flush()
        time.sleep(4)
        out, err = proc.communicate(input=second, timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode()
    result = json.loads(out.decode().splitlines()[-1])
    assert result["treeHash"] == tree_hash(first + second)
    assert runs.read_text().count("run") == 2, runs.read_text()


def test_dropped_connections_are_retried(tessera, env, client_vault, tmp_path):
    """The proxy cuts the first three connections after 64 KiB: the parts on them are sent again and the
    upload completes with the right tree hash."""
    data = write_random(tmp_path / "flaky.bin", 6 * MiB)
    proxy = CountingProxy("127.0.0.1", tessera.port)
    proxy.cuts_left = 3
    try:
        result = run_json(["glacier", "upload", str(tmp_path / "flaky.bin"), "--vault", client_vault,
                           "--part-size", str(MiB), "--concurrency", "2", "--endpoint-url", proxy.endpoint], env)
        assert result["treeHash"] == tree_hash(data)
        assert proxy.cuts_left <= 0
        failed = run_client(["glacier", "upload", str(tmp_path / "flaky.bin"), "--vault", client_vault,
                             "--part-size", str(MiB), "--max-attempts", "1", "--endpoint-url", "http://127.0.0.1:1"],
                            env, check=False)
        assert failed.returncode == 1 and b"cannot reach" in failed.stderr
    finally:
        proxy.close()
