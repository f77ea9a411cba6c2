#!/usr/bin/env bash
# Runs every test: the Swift unit and in-process tests, then the wire tests (boto3, AWS CLI) in
# Tests/compat against a live `tessera serve` from the same debug build.
#
# The wire tests' Python packages (Tests/compat/requirements.txt) go into a virtual environment, because
# systems that follow PEP 668 refuse a bare `pip install`: the one that is active ($VIRTUAL_ENV) if any,
# else .venv-compat/ in the repository, made on first use and updated when requirements.txt changes.
# pytest, and the AWS CLI the tests start (`python -m awscli`), then run from that environment.
set -euo pipefail
cd "$(dirname "$0")/.."

requirements=Tests/compat/requirements.txt
if [ -n "${VIRTUAL_ENV:-}" ]; then
    python="$VIRTUAL_ENV/bin/python"
    "$python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
else
    venv=.venv-compat
    python="$PWD/$venv/bin/python"
    if [ ! -x "$python" ]; then
        if ! python3 -m venv "$venv"; then
            rm -rf "$venv"
            echo "test-all: 'python3 -m venv' failed; on Debian or Ubuntu, install python3-venv" >&2
            exit 1
        fi
    fi
    # The copy of requirements.txt inside the environment records what was installed.
    if ! cmp -s "$requirements" "$venv/requirements.txt"; then
        "$python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
        cp "$requirements" "$venv/requirements.txt"
    fi
fi

# The C SHA-256 behind layer uploads, both compression paths (SHA-NI and portable) against hashlib.
BENCH=0 SANITIZE=0 Tests/CTesseraSHA256Check/run.sh
swift build --build-tests
swift test --skip-build
TESSERA_BIN="$PWD/.build/debug/tessera" "$python" -m pytest Tests/compat
