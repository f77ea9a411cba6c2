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
# With a PostgreSQL server (TESSERA_TEST_POSTGRES_URL; .ci/run starts one), the metadata conformance suites
# above ran on it too; the engine's tests then run again with their stores on it (docs/testing.md#postgresql).
if [ -n "${TESSERA_TEST_POSTGRES_URL:-}" ]; then
    TESSERA_TEST_METADATA=postgres swift test --skip-build --filter TesseraEngineTests
else
    echo "test-all: TESSERA_TEST_POSTGRES_URL is not set: the PostgreSQL metadata tests were skipped" >&2
fi
TESSERA_BIN="$PWD/.build/debug/tessera" "$python" -m pytest --durations=25 Tests/compat
# With PostgreSQL, a share of the wire tests again with every server's metadata on it (docs/postgresql.md):
# Glacier multipart and ranged job output, racing requests, EBS blocks, ECR layers, a skopeo push and pull, the
# operator endpoints and garbage collection. With an S3 store as well (TESSERA_TEST_S3_ENDPOINT; .ci/run
# starts radosgw), the same servers keep their blobs in it (docs/s3-blobs.md). (The tests that need these
# servers by their nature — two nodes sharing both in test_cluster.py, among them a node killed with kill -9
# under load, a database or store outage in test_metadata_outage.py and test_object_store_outage.py — ran in
# the pass above.) Each pass lists its slowest tests, to show where CI's time goes.
if [ -n "${TESSERA_TEST_POSTGRES_URL:-}" ]; then
    scale_out=(Tests/compat/test_glacier_multipart.py Tests/compat/test_glacier_job_output.py Tests/compat/test_racing_requests.py Tests/compat/test_ebs_write_read.py
        Tests/compat/test_ecr_layers.py Tests/compat/test_oci_skopeo.py Tests/compat/test_server_operations.py
        Tests/compat/test_garbage_collection.py --durations=15)
    # The 4,201-part limit is a rule of the registry, checked in the pass above; sending its 4,200 parts again
    # would take minutes here and test nothing new.
    scale_out+=(--deselect Tests/compat/test_ecr_layers.py::test_4201st_part_is_over_the_limit)
    if [ -n "${TESSERA_TEST_S3_ENDPOINT:-}" ]; then
        TESSERA_COMPAT_METADATA=postgres TESSERA_COMPAT_BLOBS=s3 TESSERA_BIN="$PWD/.build/debug/tessera" "$python" -m pytest \
            "${scale_out[@]}"
    else
        echo "test-all: TESSERA_TEST_S3_ENDPOINT is not set: the S3 blob store tests were skipped" >&2
        TESSERA_COMPAT_METADATA=postgres TESSERA_BIN="$PWD/.build/debug/tessera" "$python" -m pytest "${scale_out[@]}"
    fi
fi
