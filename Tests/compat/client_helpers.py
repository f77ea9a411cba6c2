"""Running the `tessera` client commands against a live server, as a user would: environment credentials,
`--endpoint-url`, its own XDG state dir for resume journals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

import pytest

from tessera_server import REGION, Account, default_binary


def client_environment(account: Account, state_dir: Path, extra: Optional[dict] = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": account.access_key,
        "AWS_SECRET_ACCESS_KEY": account.secret_key,
        "AWS_REGION": REGION,
        "XDG_STATE_HOME": str(state_dir),
        "HOME": str(state_dir),
        # Never the credentials of the machine the tests run on (an EC2 instance's role, say).
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    env.update(extra or {})
    return env


def run_client(args: Sequence[str], env: dict, *, check: bool = True, timeout: float = 300,
               stdin: Optional[bytes] = None) -> subprocess.CompletedProcess:
    """Runs `tessera ARGS…`; with `check`, a non-zero exit fails with the command's stderr."""
    proc = subprocess.run([str(default_binary()), *args], env=env, capture_output=True, timeout=timeout,
                          input=stdin)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"tessera {' '.join(args)} exited {proc.returncode}:\n{proc.stderr.decode(errors='replace')}")
    return proc


def run_json(args: Sequence[str], env: dict, **kwargs) -> dict:
    """Runs a client command with `--json` and returns the object it printed last."""
    proc = run_client([*args, "--json"], env, **kwargs)
    lines = [line for line in proc.stdout.decode().splitlines() if line.strip()]
    assert lines, f"tessera {' '.join(args)} printed nothing on stdout; stderr:\n{proc.stderr.decode()}"
    return json.loads(lines[-1])


def journals(state_dir: Path) -> list[Path]:
    folder = state_dir / "tessera" / "transfers"
    return sorted(folder.glob("*.jsonl")) if folder.exists() else []


def journal_entries(path: Path) -> int:
    return max(0, len([line for line in path.read_text().splitlines() if line.strip()]) - 1)


def wait_for_journal(state: Path, minimum: int, proc, timeout: float = 60) -> int:
    """Waits until the transfer's journal records `minimum` parts (then the test interrupts it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = journals(state)
        if found and journal_entries(found[0]) >= minimum:
            return journal_entries(found[0])
        if proc.poll() is not None:
            pytest.fail(f"the client ended ({proc.returncode}) before it was interrupted:\n"
                        f"{proc.stderr.read().decode(errors='replace') if proc.stderr else ''}")
        time.sleep(0.02)
    pytest.fail("the journal never reached the expected number of parts")


def one_line_failure(proc) -> str:
    """The one `tessera: …` line a failed command printed (exit status 1, no stack trace)."""
    err = proc.stderr.decode()
    assert proc.returncode == 1, (proc.returncode, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("tessera: "), err
    assert "Fatal error" not in err and "Stack" not in err
    return lines[0]


def aws_cli_vaults(environment: dict, *args: str) -> list[str]:
    """The vaults `aws glacier list-vaults ARGS…` lists when run in `environment` (this Python's AWS CLI, one
    attempt, no pager): what the AWS CLI makes of the same files and variables the client was given."""
    proc = subprocess.run([sys.executable, "-m", "awscli", "glacier", "list-vaults", "--account-id", "-", *args,
                           "--output", "json"],
                          env=dict(environment, AWS_DEFAULT_REGION=REGION, AWS_PAGER="", AWS_MAX_ATTEMPTS="1"),
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    return [vault["VaultName"] for vault in json.loads(proc.stdout)["VaultList"]]
