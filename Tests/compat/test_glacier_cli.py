"""The unmodified AWS CLI (`aws glacier ...`) against Tessera, through subprocess."""

import json
import subprocess
import sys

import pytest

from tessera_server import aws_cli_environment

from glacier_helpers import (
    MiB, part_ranges, random_bytes, tree_hash, unique_name, vault_arn)

pytestmark = [pytest.mark.cli, pytest.mark.slow]
ONE = "111111111111"


@pytest.fixture(scope="module")
def aws(tessera, accounts, tmp_path_factory):
    """aws(*args, check=True) -> parsed JSON output (or None); the CLI runs as account one."""
    home = tmp_path_factory.mktemp("aws-cli-home")
    env = aws_cli_environment(accounts["one"], home)
    env["HOME"] = str(home)

    def run(*args, check=True):
        cmd = [sys.executable, "-m", "awscli", "--endpoint-url", tessera.endpoint,
               "--output", "json", "glacier", *args]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
        if not check:
            return proc
        assert proc.returncode == 0, f"$ {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    return run


@pytest.fixture
def cli_vault(aws):
    name = unique_name("cli")
    out = aws("create-vault", "--account-id", "-", "--vault-name", name)
    assert out["location"] == f"/{ONE}/vaults/{name}"
    return name


def test_cli_upload_archive_and_retrieve_it(aws, cli_vault, tmp_path):
    data = random_bytes(2 * MiB + 321)
    src = tmp_path / "archive.bin"
    src.write_bytes(data)
    up = aws("upload-archive", "--account-id", "-", "--vault-name", cli_vault,
             "--archive-description", "cli archive", "--body", str(src))
    assert up["checksum"] == tree_hash(data)
    assert up["location"] == f"/{ONE}/vaults/{cli_vault}/archives/{up['archiveId']}"

    job = aws("initiate-job", "--account-id", "-", "--vault-name", cli_vault, "--job-parameters",
              json.dumps({"Type": "archive-retrieval", "ArchiveId": up["archiveId"]}))
    assert job["location"] == f"/{ONE}/vaults/{cli_vault}/jobs/{job['jobId']}"
    desc = aws("describe-job", "--account-id", "-", "--vault-name", cli_vault,
               "--job-id", job["jobId"])
    for _ in range(50):
        if desc["Completed"]:
            break
        desc = aws("describe-job", "--account-id", "-", "--vault-name", cli_vault,
                   "--job-id", job["jobId"])
    assert desc["StatusCode"] == "Succeeded" and desc["ArchiveSizeInBytes"] == len(data)

    dest = tmp_path / "restored.bin"
    out = aws("get-job-output", "--account-id", "-", "--vault-name", cli_vault,
              "--job-id", job["jobId"], str(dest))
    assert dest.read_bytes() == data
    assert out["checksum"] == tree_hash(data)
    assert out["status"] == 200
    assert out["archiveDescription"] == "cli archive"


def test_cli_multipart_upload(aws, cli_vault, tmp_path):
    data = random_bytes(2 * MiB + MiB // 2)
    init = aws("initiate-multipart-upload", "--account-id", "-", "--vault-name", cli_vault,
               "--part-size", str(MiB), "--archive-description", "cli multipart")
    upload_id = init["uploadId"]
    assert init["location"] == f"/{ONE}/vaults/{cli_vault}/multipart-uploads/{upload_id}"
    for i, (first, last) in enumerate(part_ranges(len(data), MiB)):
        part = tmp_path / f"part-{i}"
        part.write_bytes(data[first:last + 1])
        out = aws("upload-multipart-part", "--account-id", "-", "--vault-name", cli_vault,
                  "--upload-id", upload_id, "--range", f"bytes {first}-{last}/*",
                  "--body", str(part))
        assert out["checksum"] == tree_hash(data[first:last + 1])
    # --no-paginate: the CLI's auto-pagination keeps only the Parts list, not the other keys.
    parts = aws("list-parts", "--account-id", "-", "--vault-name", cli_vault,
                "--upload-id", upload_id, "--no-paginate")
    assert [p["RangeInBytes"] for p in parts["Parts"]] == [
        f"{a}-{b}" for a, b in part_ranges(len(data), MiB)]
    assert parts["ArchiveDescription"] == "cli multipart"
    uploads = aws("list-multipart-uploads", "--account-id", "-", "--vault-name", cli_vault)
    assert [u["MultipartUploadId"] for u in uploads["UploadsList"]] == [upload_id]

    done = aws("complete-multipart-upload", "--account-id", "-", "--vault-name", cli_vault,
               "--upload-id", upload_id, "--archive-size", str(len(data)),
               "--checksum", tree_hash(data))
    assert done["checksum"] == tree_hash(data)
    assert done["location"] == f"/{ONE}/vaults/{cli_vault}/archives/{done['archiveId']}"

    job = aws("initiate-job", "--account-id", "-", "--vault-name", cli_vault, "--job-parameters",
              json.dumps({"Type": "archive-retrieval", "ArchiveId": done["archiveId"]}))
    for _ in range(50):
        if aws("describe-job", "--account-id", "-", "--vault-name", cli_vault,
               "--job-id", job["jobId"])["Completed"]:
            break
    dest = tmp_path / "restored.bin"
    aws("get-job-output", "--account-id", "-", "--vault-name", cli_vault,
        "--job-id", job["jobId"], str(dest))
    assert dest.read_bytes() == data


def test_cli_list_vaults_describe_and_delete(aws, cli_vault, tmp_path):
    listed = aws("list-vaults", "--account-id", "-")  # the CLI follows Marker itself
    names = [v["VaultName"] for v in listed["VaultList"]]
    assert cli_vault in names and names == sorted(names)
    desc = aws("describe-vault", "--account-id", "-", "--vault-name", cli_vault)
    assert desc["VaultARN"] == vault_arn(ONE, cli_vault)

    src = tmp_path / "small.bin"
    src.write_bytes(b"to be deleted")
    archive_id = aws("upload-archive", "--account-id", "-", "--vault-name", cli_vault,
                     "--body", str(src))["archiveId"]
    refused = aws("delete-vault", "--account-id", "-", "--vault-name", cli_vault, check=False)
    assert refused.returncode != 0
    assert "InvalidParameterValueException" in refused.stderr
    assert f"Vault not empty or recently written to: {vault_arn(ONE, cli_vault)}" in refused.stderr
    assert aws("delete-archive", "--account-id", "-", "--vault-name", cli_vault,
               "--archive-id", archive_id) is None

    empty = unique_name("cli-empty")
    aws("create-vault", "--account-id", "-", "--vault-name", empty)
    assert aws("delete-vault", "--account-id", "-", "--vault-name", empty) is None
    gone = aws("describe-vault", "--account-id", "-", "--vault-name", empty, check=False)
    assert gone.returncode != 0
    assert "ResourceNotFoundException" in gone.stderr
    assert empty not in [v["VaultName"] for v in aws("list-vaults", "--account-id", "-")["VaultList"]]


def test_cli_reports_checksum_mismatch(aws, cli_vault, tmp_path):
    src = tmp_path / "data.bin"
    src.write_bytes(b"payload for a wrong checksum")
    wrong = "0" * 64
    proc = aws("upload-archive", "--account-id", "-", "--vault-name", cli_vault,
               "--checksum", wrong, "--body", str(src), check=False)
    assert proc.returncode != 0
    assert "InvalidParameterValueException" in proc.stderr
    assert f"Checksum mismatch: expected {wrong}, computed {tree_hash(src.read_bytes())}" in \
        proc.stderr
