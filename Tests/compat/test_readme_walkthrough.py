"""The README's AWS CLI walkthroughs (Glacier, ECR), run as written against a live server, so they stay true.

The walkthrough is every ```bash block of README.md that follows a `<!-- walkthrough -->` line. The blocks
run in order, as one bash script with `set -euo pipefail`, so a failing command in any block fails the test.

What differs from a user pasting them, and nothing else:
- the server is the debug binary (`TESSERA_BIN`), started by the harness with `--port 0` and
  `--data-dir <tmp>/tessera-data` and without `--credentials`, as `swift run -c release tessera serve`
  would be on a first start; the blocks run in `<tmp>`, so `tessera-data/credentials` is that server's
  generated account;
- `TESSERA_ENDPOINT` is set to that server's address (the README defaults to http://127.0.0.1:9000);
- `aws` on PATH is this Python's AWS CLI (`python -m awscli`), with no user configuration;
- `TMPDIR` points inside the test's temporary directory, so the walkthrough's `mktemp -d` stays there.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tessera_server import REPO_ROOT, TesseraServer, default_binary

README = REPO_ROOT / "README.md"
BLOCK_RE = re.compile(r"^<!-- walkthrough -->\n```bash\n(.*?)^```$", re.MULTILINE | re.DOTALL)
MARKER = "### README walkthrough block"


def walkthrough_blocks(text: str) -> list[str]:
    return BLOCK_RE.findall(text)


class GeneratedAccountServer(TesseraServer):
    """`tessera serve` without `--credentials`: on its first start it makes an account and keeps it in
    `<data dir>/credentials`, as a user's first `swift run -c release tessera serve` does."""

    def command(self) -> list[str]:
        return [str(self.binary), "serve", "--host", self.host, "--port", "0",
                "--data-dir", str(self.data_dir), *self.extra_args]


def test_readme_has_a_runnable_walkthrough():
    blocks = walkthrough_blocks(README.read_text())
    assert len(blocks) >= 4, "README.md lost its <!-- walkthrough --> blocks"
    script = "\n".join(blocks)
    assert not re.search(r"^\s*alias\s", script, re.MULTILINE), "aliases do not expand in scripts"
    assert not re.search(r"<[A-Za-z]+Id>", script), "placeholders such as <archiveId> cannot be pasted"
    assert "127.0.0.1:9000" in script, "the walkthrough names the default endpoint"


@pytest.mark.cli
@pytest.mark.slow
def test_readme_walkthrough_runs_as_written(tmp_path, monkeypatch):
    blocks = walkthrough_blocks(README.read_text())
    assert blocks
    for name in ("TESSERA_ACCESS_KEY", "TESSERA_SECRET_KEY", "TESSERA_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)  # they would replace the generated account

    server = GeneratedAccountServer(tmp_path / "tessera-data", tmp_path / "tessera-data" / "credentials",
                                    log_dir=tmp_path / "logs", name="walkthrough")
    with server:
        assert "No credentials configured: generated an account" in server.log_text(), \
            "the README says the first start prints the generated account"

        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        aws = bin_dir / "aws"
        aws.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m awscli "$@"\n')
        aws.chmod(0o755)
        home, scratch = tmp_path / "home", tmp_path / "tmp"
        home.mkdir()
        scratch.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TESSERA_"))}
        env.update({
            "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
            "HOME": str(home),
            "AWS_CONFIG_FILE": str(home / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
            "TESSERA_ENDPOINT": server.endpoint,
            "TESSERA_BIN": str(default_binary()),
            "TMPDIR": str(scratch),
        })

        parts = ["set -euo pipefail", "shopt -s inherit_errexit"]
        for number, block in enumerate(blocks, start=1):
            parts.append(f'echo "{MARKER} {number}" >&2')
            parts.append(block)
        script = tmp_path / "walkthrough.sh"
        script.write_text("\n".join(parts) + "\n")

        proc = subprocess.run(["bash", "--noprofile", "--norc", str(script)], cwd=tmp_path, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
        started = re.findall(rf"{MARKER} (\d+)", proc.stderr)
        assert proc.returncode == 0, (
            f"README walkthrough block {started[-1] if started else '?'} of {len(blocks)} failed "
            f"(exit {proc.returncode})\n--- stdout ---\n{proc.stdout[-6000:]}\n--- stderr ---\n"
            f"{proc.stderr[-6000:]}\n--- server log ---\n{server.log_text(max_chars=6000)}")
        assert started == [str(n) for n in range(1, len(blocks) + 1)]

    # What the walkthrough says it shows.
    assert "the archive came back intact" in proc.stdout
    assert "tessera glacier: the archive came back intact" in proc.stdout
    assert '"ArchiveList"' in proc.stdout, "the inventory's JSON is printed"
    assert re.search(r'"checksum":\s*"[0-9a-f]{64}"', proc.stdout), "complete-multipart-upload answered"
    assert re.search(r"pushed sha256:([0-9a-f]{64}), the SHA-256 of manifest\.json: \1", proc.stdout), \
        "the image digest is the SHA-256 of the manifest as sent"
    assert "the layer came back intact" in proc.stdout
    assert re.search(r"^v1\s+EXPIRE$", proc.stdout, re.MULTILINE), "the lifecycle preview expires v1"
