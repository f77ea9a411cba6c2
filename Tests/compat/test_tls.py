"""`tessera serve --tls-cert --tls-key`: HTTPS with a certificate the test makes with openssl (its own CA, the
server's certificate for 127.0.0.1 and localhost), used by boto3 with `verify=CA`, curl with `--cacert`, the
`tessera` client with AWS_CA_BUNDLE, and skopeo with `--cert-dir`. A plain
HTTP request to the TLS port is refused, and a wrong key stops the server with one line."""

from __future__ import annotations

import json
import shutil
import subprocess

import boto3
import botocore.config
import pytest

from conftest import ACCOUNTS
from tessera_server import REGION, TesseraServer, TesseraServerError, write_credentials


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """(ca.crt, server.crt, server.key, other.key) made with openssl: a CA, then a server certificate it signs."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=Tessera test CA", cwd=folder)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=127.0.0.1", cwd=folder)
    (folder / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-extfile", "san.ext", cwd=folder)
    openssl("genrsa", "-out", "other.key", "2048", cwd=folder)
    return folder / "ca.crt", folder / "server.crt", folder / "server.key", folder / "other.key"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory, certificates):
    ca, cert, key, _ = certificates
    base = tmp_path_factory.mktemp("tessera-tls")
    creds = write_credentials(base / "credentials", ACCOUNTS.values())
    server = TesseraServer(base / "data", creds, log_dir=base, name="tessera-tls", ca_file=ca,
                           extra_args=["--tls-cert", str(cert), "--tls-key", str(key)])
    server.start()
    yield server
    server.stop()


def client(server, ca, service="glacier"):
    account = ACCOUNTS["one"]
    return boto3.session.Session(aws_access_key_id=account.access_key, aws_secret_access_key=account.secret_key,
                                 region_name=REGION).client(
        service, endpoint_url=server.endpoint, verify=str(ca),
        config=botocore.config.Config(retries={"total_max_attempts": 1}))


def test_boto3_over_https(tls_server, certificates):
    ca = certificates[0]
    assert tls_server.endpoint.startswith("https://127.0.0.1:")
    glacier = client(tls_server, ca)
    glacier.create_vault(vaultName="over-tls")
    archive = glacier.upload_archive(vaultName="over-tls", body=b"x" * 5000)
    assert archive["archiveId"]
    ecr = client(tls_server, ca, "ecr")
    assert ecr.create_repository(repositoryName="tls/app")["repository"]["repositoryName"] == "tls/app"


def test_curl_with_the_ca_and_without(tls_server, certificates):
    ca = certificates[0]
    ok = subprocess.run(["curl", "-sS", "--cacert", str(ca), f"{tls_server.endpoint}/health"],
                        capture_output=True, timeout=30)
    assert ok.returncode == 0 and ok.stdout.strip() == b"ok", ok.stderr
    untrusted = subprocess.run(["curl", "-sS", f"{tls_server.endpoint}/health"], capture_output=True, timeout=30,
                               env={"PATH": "/usr/bin:/bin", "CURL_CA_BUNDLE": "/nonexistent"})
    assert untrusted.returncode != 0, "a certificate from an unknown CA is refused"
    plain = subprocess.run(["curl", "-sS", "--max-time", "5", tls_server.endpoint.replace("https://", "http://") + "/health"],
                           capture_output=True, timeout=30)
    assert plain.returncode != 0 or b"ok" not in plain.stdout, "plain HTTP gets no answer from the TLS port"


def test_tessera_client_over_https(tls_server, certificates, tmp_path):
    from client_helpers import client_environment, run_json
    ca = certificates[0]
    env = client_environment(ACCOUNTS["one"], tmp_path, {"AWS_CA_BUNDLE": str(ca)})
    data = tmp_path / "f.bin"
    data.write_bytes(b"y" * (3 << 20))
    run_json(["glacier", "mkvault", "client-tls", "--endpoint-url", tls_server.endpoint], env)
    result = run_json(["glacier", "upload", str(data), "--vault", "client-tls", "--part-size", str(1 << 20),
                       "--endpoint-url", tls_server.endpoint], env)
    assert result["size"] == 3 << 20


def test_skopeo_with_cert_dir(tls_server, certificates, skopeo, tmp_path):
    from oci_helpers import build_image, registry_password, write_oci_layout
    ca = certificates[0]
    ecr = client(tls_server, ca, "ecr")
    ecr.create_repository(repositoryName="tls/skopeo")
    password = registry_password(ecr)
    cert_dir = tmp_path / "certs"
    cert_dir.mkdir()
    shutil.copy(ca, cert_dir / "ca.crt")
    image = build_image(layer_count=2)
    layout = write_oci_layout(tmp_path / "src", {"v1": image})
    host = tls_server.endpoint.removeprefix("https://")
    subprocess.run([skopeo, "--insecure-policy", "copy", "--dest-cert-dir", str(cert_dir), "--dest-creds",
                    f"AWS:{password}", f"oci:{layout}:v1", f"docker://{host}/tls/skopeo:v1"],
                   check=True, capture_output=True, timeout=120)
    raw = subprocess.run([skopeo, "inspect", "--raw", "--cert-dir", str(cert_dir), "--creds", f"AWS:{password}",
                          f"docker://{host}/tls/skopeo:v1"], check=True, capture_output=True, timeout=60)
    assert json.loads(raw.stdout) == json.loads(image.manifest)


def test_a_key_that_does_not_fit_stops_the_server(tmp_path, certificates):
    _, cert, _, other = certificates
    creds = write_credentials(tmp_path / "credentials", ACCOUNTS.values())
    server = TesseraServer(tmp_path / "data", creds, log_dir=tmp_path, name="tls-bad",
                           extra_args=["--tls-cert", str(cert), "--tls-key", str(other)])
    with pytest.raises(TesseraServerError) as failure:
        server.start()
    assert "does not fit the certificate" in str(failure.value)
    only_cert = TesseraServer(tmp_path / "data2", creds, log_dir=tmp_path, name="tls-half",
                              extra_args=["--tls-cert", str(cert)])
    with pytest.raises(TesseraServerError) as failure:
        only_cert.start()
    assert "--tls-cert and --tls-key go together" in str(failure.value)


def test_tessera_client_refuses_an_unknown_ca_in_one_line(tls_server, tmp_path):
    from client_helpers import client_environment, one_line_failure, run_client
    env = client_environment(ACCOUNTS["one"], tmp_path)
    line = one_line_failure(run_client(["glacier", "ls", "--endpoint-url", tls_server.endpoint], env, check=False))
    assert "not trusted" in line and "--ca-bundle" in line
