"""What an operator sees of a running server: Prometheus metrics, clean shutdown on SIGTERM/SIGINT,
the generated key pair on a first start without credentials."""

import os
import re
import signal
import subprocess
import time

import boto3
import pytest
import requests

from glacier_helpers import MiB, random_bytes, unique_name, upload_archive
from tessera_server import TEST_ACCOUNTS, default_binary, make_client

ONE = TEST_ACCOUNTS["one"]


def metric(text: str, name: str, **labels) -> float:
    """The value of one sample of the Prometheus text format, or 0 when absent."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_service_operation_and_status(tessera, glacier, ecr):
    """After real traffic: requests by service, operation and status (AddTagsToVault and RemoveTagsFromVault
    apart, although they share a route), a latency histogram by operation, bytes by service; every metric
    with HELP and TYPE, no error counter that counts successes."""
    before = requests.get(f"{tessera.endpoint}/metrics", timeout=10).text
    vault = unique_name("metrics")
    glacier.create_vault(vaultName=vault)
    upload_archive(glacier, vault, random_bytes(MiB))
    glacier.add_tags_to_vault(vaultName=vault, Tags={"a": "1"})
    glacier.remove_tags_from_vault(vaultName=vault, TagKeys=["a"])
    with pytest.raises(Exception):
        glacier.describe_vault(vaultName=unique_name("absent"))
    ecr.describe_repositories()
    after = requests.get(f"{tessera.endpoint}/metrics", timeout=10)
    assert after.status_code == 200
    text = after.text

    def grew(name, **labels):
        return metric(text, name, **labels) - metric(before, name, **labels)

    assert grew("tessera_requests_total", service="glacier", operation="CreateVault", status="201") == 1
    assert grew("tessera_requests_total", service="glacier", operation="UploadArchive", status="201") == 1
    assert grew("tessera_requests_total", service="glacier", operation="AddTagsToVault", status="204") == 1
    assert grew("tessera_requests_total", service="glacier", operation="RemoveTagsFromVault", status="204") == 1
    assert grew("tessera_requests_total", service="glacier", operation="DescribeVault", status="404") == 1
    assert grew("tessera_requests_total", service="ecr", operation="DescribeRepositories", status="200") >= 1
    assert grew("tessera_request_duration_seconds_count", service="glacier", operation="UploadArchive") == 1
    assert grew("tessera_received_bytes_total", service="glacier") >= MiB
    assert grew("tessera_sent_bytes_total", service="ecr") > 0
    for name in ("tessera_requests_total", "tessera_request_duration_seconds", "tessera_received_bytes_total",
                 "tessera_sent_bytes_total"):
        assert f"# HELP {name} " in text and f"# TYPE {name} " in text, name
    assert "hb_request_errors" not in text and "error_type=\"200\"" not in text
    # Every request the shared server answered with success so far (the suites before this one drove every
    # door) has a named operation.
    unnamed = [line for line in text.splitlines()
               if line.startswith("tessera_requests_total{") and 'operation="unknown"' in line and 'status="2' in line]
    assert not unnamed, unnamed


def test_a_chunked_body_is_counted_as_it_is_read(tessera, make_repository, registry_password):
    """A body sent chunked (podman and docker send layers so) declares no length; its bytes still count."""
    from oci_helpers import OCIClient
    oci = OCIClient(tessera.endpoint, registry_password)
    repo = make_repository()
    before = requests.get(f"{tessera.endpoint}/metrics", timeout=10).text
    started = oci.post(f"/v2/{repo}/blobs/uploads/")
    assert started.status_code == 202, started.text
    data = random_bytes(300_000)
    patched = oci.patch(started.headers["Location"], data=iter([data[:100_000], data[100_000:]]),
                        headers={"Content-Type": "application/octet-stream"})
    assert patched.status_code == 202, patched.text
    after = requests.get(f"{tessera.endpoint}/metrics", timeout=10).text
    assert metric(after, "tessera_received_bytes_total", service="oci") - \
        metric(before, "tessera_received_bytes_total", service="oci") >= len(data)


def test_storage_gauges_show_uploads_in_progress_and_what_dedup_saves(server_factory):
    """Uploads in progress and logical bytes by service at each scrape; the blobs and bytes stored after each
    sweep. The same archive uploaded twice is named twice and stored once."""
    server = server_factory("tessera-gauges", ["--gc-interval", "1"]).start()
    glacier = make_client(server.endpoint, ONE)
    glacier.create_vault(vaultName="gauges")
    data = random_bytes(2 * MiB)
    for _ in range(2):
        upload_archive(glacier, "gauges", data)
    upload = glacier.initiate_multipart_upload(vaultName="gauges", partSize=str(MiB))["uploadId"]
    time.sleep(2.5)   # a sweep runs every second here
    text = requests.get(f"{server.endpoint}/metrics", timeout=10).text
    assert metric(text, "tessera_uploads_in_progress", service="glacier") == 1
    assert metric(text, "tessera_logical_bytes", service="glacier") == 2 * len(data)
    assert metric(text, "tessera_stored_blobs") == 1
    assert metric(text, "tessera_stored_bytes") == len(data), "one copy of the archive's bytes"
    for name in ("tessera_uploads_in_progress", "tessera_logical_bytes", "tessera_stored_blobs", "tessera_stored_bytes"):
        assert f"# HELP {name} " in text and f"# TYPE {name} gauge" in text, name
    glacier.abort_multipart_upload(vaultName="gauges", uploadId=upload)
    text = requests.get(f"{server.endpoint}/metrics", timeout=10).text
    assert metric(text, "tessera_uploads_in_progress", service="glacier") == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_the_server_cleanly_and_keeps_data(server_factory, sig):
    server = server_factory(f"tessera-{sig.name.lower()}").start()
    client = make_client(server.endpoint, ONE)
    vault = unique_name("shutdown")
    client.create_vault(vaultName=vault)
    server.proc.send_signal(sig)
    assert server.proc.wait(15) == 0, server.log_text()
    server.stop()  # reaps the exited process
    server.start()
    client = make_client(server.endpoint, ONE)
    assert client.describe_vault(vaultName=vault)["VaultName"] == vault


def test_first_start_without_credentials_generates_and_prints_a_key_pair(tmp_path):
    binary = str(default_binary())
    env = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--data-dir", str(tmp_path / "data")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        lines, port = [], None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            port = int(m.group(1)) if m else None
        text = "".join(lines)
        key = re.search(r"export AWS_ACCESS_KEY_ID=(\S+)", text)
        secret = re.search(r"export AWS_SECRET_ACCESS_KEY=(\S+)", text)
        assert port and key and secret, text
        stored = (tmp_path / "data" / "credentials").read_text()
        assert key.group(1) in stored and secret.group(1) in stored
        client = boto3.client("glacier", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-west-2",
                              aws_access_key_id=key.group(1), aws_secret_access_key=secret.group(1))
        client.create_vault(vaultName="first")
        arn = client.describe_vault(vaultName="first")["VaultARN"]
        assert re.fullmatch(r"arn:aws:glacier:us-west-2:\d{12}:vaults/first", arn), arn
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)


def test_a_port_in_use_is_named_and_nothing_is_created(tmp_path):
    import socket
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        result = subprocess.run([str(default_binary()), "serve", "--port", str(port), "--data-dir", str(tmp_path / "data")],
                                capture_output=True, text=True, timeout=60)
    finally:
        holder.close()
    assert result.returncode != 0
    assert f"127.0.0.1:{port} is already in use" in result.stderr and "--port" in result.stderr
    assert "Usage" not in result.stderr
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("argv", [["--version"], ["version"]])
def test_version_names_the_release_and_the_commit(argv):
    result = subprocess.run([str(default_binary()), *argv], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert re.fullmatch(r"tessera \d+\.\d+\.\d+\S* \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)\n", result.stdout)
