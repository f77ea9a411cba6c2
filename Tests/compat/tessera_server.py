"""Start and stop a real `tessera serve` process for the wire-compatibility suites.

Reusable by every compat suite (Glacier now, ECR/EBS later) and by crash tests that
SIGKILL the server and restart it on the same data directory.

Contract with the server (see README.md in this folder):
  tessera serve --host 127.0.0.1 --port 0 --data-dir DIR --credentials FILE [extra args]
prints `listening on http://127.0.0.1:PORT` once it accepts connections (stdout, flushed),
answers `GET /health` with 200 without auth, and exits on SIGTERM.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Iterable, Optional, Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]
LISTENING_RE = re.compile(r"^listening on (https?://[^\s/]+:(\d+))", re.M)
# With --public-registry-port, the second endpoint's line (it may come first).
PUBLIC_LISTENING_RE = re.compile(r"^public registry listening on (https?://[^\s/]+:\d+)", re.M)
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class Account:
    access_key: str
    secret_key: str
    account_id: str


# Accounts the compat suites write into the server's credentials file. `one` is the default,
# `two` checks isolation, `three` holds account-wide state that other tests must not disturb.
TEST_ACCOUNTS = {
    "one": Account("AKIDTESSERAONE", "tessera-secret-one/K7MDENG+bPxRfiCY", "111111111111"),
    "two": Account("AKIDTESSERATWO", "tessera-secret-two/K7MDENG+bPxRfiCY", "222222222222"),
    "three": Account("AKIDTESSERATHREE", "tessera-secret-three/K7MDENG+bPxRfi", "333333333333"),
}
REGION = "us-east-1"


def make_client(endpoint: str, account: Account, service: str = "glacier", region: str = REGION):
    """A boto3 client for `account` at `endpoint`, with retries disabled.

    botocore's `retries={'max_attempts': N}` counts *retries* (N=1 allows one retry), so
    `total_max_attempts=1` is what makes exactly one attempt.
    """
    import boto3
    import botocore.config

    config = botocore.config.Config(
        retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=120)
    session = boto3.session.Session(
        aws_access_key_id=account.access_key, aws_secret_access_key=account.secret_key,
        region_name=region)
    return session.client(service, endpoint_url=endpoint, region_name=region, config=config)


def default_binary() -> Path:
    """`$TESSERA_BIN`, else `<repo>/.build/debug/tessera`."""
    env = os.environ.get("TESSERA_BIN")
    return Path(env) if env else REPO_ROOT / ".build" / "debug" / "tessera"


def write_credentials(path: Path, accounts: Iterable[Account]) -> Path:
    """Write a credentials file: one `ACCESS_KEY SECRET ACCOUNT_ID` per line, `#` comments."""
    lines = ["# tessera compat test accounts: ACCESS_KEY SECRET ACCOUNT_ID"]
    lines += [f"{a.access_key} {a.secret_key} {a.account_id}" for a in accounts]
    path.write_text("\n".join(lines) + "\n")
    return path


class TesseraServerError(RuntimeError):
    pass


class TesseraServer:
    """One `tessera serve` process; can be started again on the same data dir."""

    live: ClassVar[list["TesseraServer"]] = []  # started and not yet stopped

    def __init__(
        self,
        data_dir: Path,
        credentials_file: Path,
        *,
        log_dir: Optional[Path] = None,
        name: str = "tessera",
        binary: Optional[Path] = None,
        host: str = "127.0.0.1",
        extra_args: Sequence[str] = (),
        startup_timeout: float = STARTUP_TIMEOUT,
        ca_file: Optional[Path] = None,
    ):
        self.data_dir = Path(data_dir)
        self.credentials_file = Path(credentials_file)
        self.log_dir = Path(log_dir) if log_dir else self.data_dir.parent
        self.name = name
        self.binary = Path(binary) if binary else default_binary()
        self.host = host
        self.extra_args = list(extra_args)
        self.startup_timeout = startup_timeout
        # The CA that signed the server's certificate, when it serves HTTPS (--tls-cert).
        self.ca_file = ca_file
        self.proc: Optional[subprocess.Popen] = None
        self.endpoint: Optional[str] = None
        self.port: Optional[int] = None
        # The public registry endpoint (ECR Public's /v2 with a Bearer challenge), when started with
        # --public-registry-port.
        self.public_endpoint: Optional[str] = None
        self.log_files: list[Path] = []
        self.starts = 0

    # -- life cycle -------------------------------------------------------------------

    def command(self) -> list[str]:
        return [
            str(self.binary), "serve",
            "--host", self.host, "--port", "0",
            "--data-dir", str(self.data_dir),
            "--credentials", str(self.credentials_file),
            *self.metadata_args(),
            *self.blob_args(),
            *self.extra_args,
        ]

    def metadata_args(self) -> list[str]:
        """`--metadata` on PostgreSQL when the run asks for it (TESSERA_COMPAT_METADATA=postgres, with the server
        in TESSERA_TEST_POSTGRES_URL): a schema per data directory, the same on every restart of this server, so
        crash tests find their state again; the server makes the schema on first start."""
        if os.environ.get("TESSERA_COMPAT_METADATA") != "postgres" or "--metadata" in self.extra_args:
            return []
        url = os.environ.get("TESSERA_TEST_POSTGRES_URL")
        if not url:
            raise TesseraServerError("TESSERA_COMPAT_METADATA=postgres needs TESSERA_TEST_POSTGRES_URL")
        schema = "c_" + hashlib.sha256(str(self.data_dir.resolve()).encode()).hexdigest()[:20]
        return ["--metadata", url + ("&" if "?" in url else "?") + "search_path=" + schema]

    def s3_location(self) -> Optional[tuple[str, str, str, str]]:
        """(bucket, key prefix, endpoint, region) of this server's blobs when the run puts them in the S3 store
        (TESSERA_COMPAT_BLOBS=s3, with the store in TESSERA_TEST_S3_ENDPOINT and its keys in
        TESSERA_S3_ACCESS_KEY_ID / TESSERA_S3_SECRET_ACCESS_KEY, which the server reads from the environment it
        inherits): a prefix per data directory, the same on every restart of this server. None otherwise, or when
        the test passes its own `--blobs`."""
        if os.environ.get("TESSERA_COMPAT_BLOBS") != "s3" or "--blobs" in self.extra_args:
            return None
        endpoint = os.environ.get("TESSERA_TEST_S3_ENDPOINT")
        if not endpoint:
            raise TesseraServerError("TESSERA_COMPAT_BLOBS=s3 needs TESSERA_TEST_S3_ENDPOINT")
        prefix = "c" + hashlib.sha256(str(self.data_dir.resolve()).encode()).hexdigest()[:20]
        return "tessera-compat", prefix, endpoint, os.environ.get("TESSERA_TEST_S3_REGION", "us-east-1")

    def blob_args(self) -> list[str]:
        """`--blobs` and its S3 settings when ``s3_location`` names a place, else nothing (the data directory)."""
        location = self.s3_location()
        if location is None:
            return []
        bucket, prefix, endpoint, region = location
        return ["--blobs", f"s3://{bucket}/{prefix}", "--s3-endpoint", endpoint, "--s3-region", region]

    def has_blob(self, digest_hex: str) -> bool:
        """Whether the server's blob store holds the blob `digest_hex`: a file in the data directory, or, when
        the blobs are in S3 (``s3_location``), an object under the server's prefix."""
        location = self.s3_location()
        if location is None:
            return (self.data_dir / "blobs" / "sha256" / digest_hex[:2] / digest_hex).exists()
        import boto3
        from botocore.exceptions import ClientError
        bucket, prefix, endpoint, region = location
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name=region,
                          aws_access_key_id=os.environ["TESSERA_S3_ACCESS_KEY_ID"],
                          aws_secret_access_key=os.environ["TESSERA_S3_SECRET_ACCESS_KEY"])
        try:
            s3.head_object(Bucket=bucket, Key=f"{prefix}/blobs/{digest_hex}")
            return True
        except ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def start(self) -> "TesseraServer":
        if self.proc is not None and self.proc.poll() is None:
            raise TesseraServerError(f"{self.name} is already running (pid {self.proc.pid})")
        if not self.binary.exists():
            raise TesseraServerError(
                f"tessera binary not found at {self.binary}: build it or set TESSERA_BIN")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        log_path = self.log_dir / f"{self.name}-{self.starts}.log"
        self.log_files.append(log_path)
        with open(log_path, "wb") as log:
            # stdout and stderr both go to the log file; the harness polls the file for
            # the `listening on` line (no pipe that could fill up and block the server).
            self.proc = subprocess.Popen(
                self.command(), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        TesseraServer.live.append(self)
        try:
            self._wait_until_listening(log_path)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_listening(self, log_path: Path) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            text = log_path.read_text(errors="replace")
            match = LISTENING_RE.search(text)
            public = PUBLIC_LISTENING_RE.search(text)
            if match and (public or "--public-registry-port" not in self.extra_args):
                self.endpoint, self.port = match.group(1), int(match.group(2))
                self.public_endpoint = public.group(1) if public else None
                break
            if self.proc.poll() is not None:
                raise TesseraServerError(
                    f"{self.name} exited with {self.proc.returncode} before listening:\n"
                    f"$ {' '.join(self.command())}\n{self.log_text()}")
            if time.monotonic() > deadline:
                raise TesseraServerError(
                    f"{self.name} printed no 'listening on http://HOST:PORT' line within "
                    f"{self.startup_timeout:.0f} s:\n$ {' '.join(self.command())}\n{self.log_text()}")
            time.sleep(0.05)
        # The line promises the socket accepts connections; /health confirms routing works.
        last_error: object = None
        while time.monotonic() < deadline:
            try:
                context = None
                if self.endpoint.startswith("https://"):
                    import ssl
                    context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
                with urllib.request.urlopen(self.endpoint + "/health", timeout=5, context=context) as resp:
                    if resp.status == 200:
                        return
                    last_error = f"status {resp.status}"
            except Exception as exc:  # noqa: BLE001 - reported below
                last_error = exc
            time.sleep(0.1)
        raise TesseraServerError(
            f"{self.name} at {self.endpoint}: GET /health never answered 200 ({last_error})\n"
            f"{self.log_text()}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> Optional[int]:
        """SIGTERM, then SIGKILL after `timeout` seconds. Returns the exit code."""
        proc = self.proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout)
        self._forget()
        return proc.returncode

    def kill(self) -> None:
        """SIGKILL (kill -9) the server at once, as a crash would, and reap it."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(STOP_TIMEOUT)
        self._forget()

    def restart(self) -> "TesseraServer":
        self.stop()
        return self.start()

    def _forget(self) -> None:
        if self in TesseraServer.live:
            TesseraServer.live.remove(self)
        self.endpoint = None
        self.port = None
        self.public_endpoint = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def __enter__(self) -> "TesseraServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- logs -------------------------------------------------------------------------

    @property
    def log_file(self) -> Optional[Path]:
        return self.log_files[-1] if self.log_files else None

    def log_size(self) -> int:
        path = self.log_file
        return path.stat().st_size if path and path.exists() else 0

    def log_text(self, since: int = 0, max_chars: int = 20000) -> str:
        """The current log file from byte offset `since`, at most the last `max_chars`."""
        path = self.log_file
        if not path or not path.exists():
            return "(no log)"
        with open(path, "rb") as f:
            f.seek(since)
            text = f.read().decode(errors="replace")
        if len(text) > max_chars:
            text = "[...]\n" + text[-max_chars:]
        return text or "(empty log)"


def aws_cli_environment(account: Account, home: Path, region: str = REGION) -> dict:
    """The environment in which the AWS CLI runs as `account`: this process's, without any AWS_ setting of the
    machine, with its own config files under `home`, one attempt per call and no pager."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": account.access_key,
        "AWS_SECRET_ACCESS_KEY": account.secret_key,
        "AWS_DEFAULT_REGION": region,
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
    })
    return env


def send_half_body(url: str, method: str, headers: dict, body: bytes, started, outcome: dict) -> None:
    """Send a request with only the first half of its body, then wait for an answer (for crash tests: the
    server is killed meanwhile). Sets `started` once the half is out; `outcome` gets "status" or "error"."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.putrequest(method, parts.path or "/", skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        conn.send(body[:len(body) // 2])
        started.set()
        outcome["status"] = conn.getresponse().status
    except Exception as exc:  # noqa: BLE001 - the server dies under us: expected
        outcome["error"] = exc
    finally:
        started.set()
        conn.close()
