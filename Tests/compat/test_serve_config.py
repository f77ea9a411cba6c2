"""`tessera serve --config FILE`: every setting can come from the file; a flag wins over `TESSERA_<NAME>` in
the environment, which wins over the file, which wins over the default; `--print-config` says which place
each value came from; a typo or an unquoted string in the file stops the server with one line."""

from __future__ import annotations

import json
import os
import subprocess

from conftest import ACCOUNTS
from tessera_server import TesseraServer, default_binary, write_credentials

CONFIG = '''# settings of tessera serve
port = 9123                 # a comment after a value
data-dir = "/srv/tessera # not a comment"
gc-interval = 1_200
log-format = "json"
idle-timeout = 30
'''


def serve(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TESSERA_")}
    return subprocess.run([str(default_binary()), "serve", *args], env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=60)


def effective(output: str) -> dict[str, tuple[str, str]]:
    """name → (value as printed, source) from --print-config."""
    settings = {}
    for line in output.splitlines():
        if line.startswith("#") or "=" not in line:
            continue
        name, rest = line.split("=", 1)
        value, source = rest.rsplit("#", 1)
        settings[name.strip()] = (value.strip(), source.strip())
    return settings


def test_precedence_flag_environment_file_default(tmp_path):
    config = tmp_path / "tessera.toml"
    config.write_text(CONFIG)
    only_file = effective(serve("--config", str(config), "--print-config").stdout)
    assert only_file["port"] == ("9123", "config file")
    assert only_file["data-dir"] == ('"/srv/tessera # not a comment"', "config file")
    assert only_file["gc-interval"] == ("1200", "config file")
    assert only_file["host"] == ('"127.0.0.1"', "default")
    env = effective(serve("--config", str(config), "--print-config", env={"TESSERA_PORT": "9555"}).stdout)
    assert env["port"] == ("9555", "environment")
    flag = effective(serve("--config", str(config), "--port", "9777", "--print-config",
                           env={"TESSERA_PORT": "9555"}).stdout)
    assert flag["port"] == ("9777", "command line")
    by_variable = effective(serve("--print-config", env={"TESSERA_CONFIG": str(config)}).stdout)
    assert by_variable["log-format"] == ('"json"', "config file")


def test_the_environment_account_secret_is_masked(tmp_path):
    out = serve("--print-config", env={"TESSERA_ACCESS_KEY": "AKIDPRINTED", "TESSERA_SECRET_KEY": "very-secret-value"}).stdout
    assert "AKIDPRINTED" in out and "very-secret-value" not in out and "********" in out


def test_mistakes_in_the_file_stop_the_server_in_one_line(tmp_path):
    for text, expected in [
        ("portt = 1\n", "unknown setting `portt`"),
        ("host = localhost\n", "strings go in double quotes"),
        ("port = 1\nport = 2\n", "`port` is set twice"),
        ('port = "ninety"\n', "port must be a whole number"),
        ("gc-grace = 0\n", "--gc-grace must be at least 1 second"),
        ("port = 9123\npublic-registry-port = 9123\n", "--public-registry-port must differ from --port"),
        ("public-registry-port = 70000\n", "--public-registry-port 70000 is not 0...65535"),
    ]:
        config = tmp_path / "bad.toml"
        config.write_text(text)
        proc = serve("--config", str(config), "--print-config")
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 1 and len(lines) == 1 and expected in lines[0], (text, proc.stderr)
    proc = serve("--config", str(tmp_path / "missing.toml"))
    assert proc.returncode == 1 and "cannot read the config file" in proc.stderr


def test_a_server_runs_with_the_file_settings(tmp_path):
    config = tmp_path / "tessera.toml"
    config.write_text('log-format = "json"\nglacier-job-delay = 0\n')
    creds = write_credentials(tmp_path / "credentials", ACCOUNTS.values())
    server = TesseraServer(tmp_path / "data", creds, log_dir=tmp_path, name="configured",
                           extra_args=["--config", str(config)])
    server.start()
    try:
        import requests
        assert requests.get(f"{server.endpoint}/health", timeout=5).text.strip() == "ok"
    finally:
        server.stop()
    records = [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")]
    assert any(r.get("message") == "request" for r in records), "the file's log-format = json took effect"
