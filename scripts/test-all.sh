#!/usr/bin/env bash
# Runs every test: the Swift unit and in-process tests, then the wire tests (boto3, AWS CLI) in
# Tests/compat against a live `tessera serve` from the same debug build.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --build-tests
swift test --skip-build
TESSERA_BIN="$PWD/.build/debug/tessera" python3 -m pytest Tests/compat
