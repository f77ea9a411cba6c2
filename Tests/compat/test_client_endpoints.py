"""Where the client sends a service's requests when `--endpoint-url` is not given, as botocore decides: the
service's variable (`AWS_ENDPOINT_URL_GLACIER`), the global one (`AWS_ENDPOINT_URL`), the service's block in the
`[services NAME]` section the profile names, the profile's `endpoint_url`. Each form is given to `tessera glacier
ls` and to the AWS CLI, and both must reach the live server (a wrong address anywhere else fails)."""

from __future__ import annotations


import pytest

from client_helpers import aws_cli_vaults, one_line_failure, run_client
from conftest import ACCOUNTS, make_client
from glacier_helpers import unique_name

NOWHERE = "http://127.0.0.1:1"


def forms(endpoint: str):
    """(variables, config file) pairs, each naming `endpoint` for Glacier one way, with decoys that lose."""
    return {
        "service variable": ({"AWS_ENDPOINT_URL_GLACIER": endpoint, "AWS_ENDPOINT_URL": NOWHERE}, "[profile dev]\n"),
        "global variable": ({"AWS_ENDPOINT_URL": endpoint}, f"[profile dev]\nendpoint_url = {NOWHERE}\n"),
        "services section": ({}, f"[profile dev]\nservices = local\nendpoint_url = {NOWHERE}\n"
                                 f"[services local]\nglacier =\n  endpoint_url = {endpoint}\nebs =\n  endpoint_url = {NOWHERE}\n"),
        "profile endpoint_url": ({}, f"[profile dev]\nendpoint_url = {endpoint}\n"),
    }


@pytest.mark.parametrize("form", ["service variable", "global variable", "services section", "profile endpoint_url"])
def test_the_configured_endpoint_is_the_one_botocore_picks(tessera, env, tmp_path, form):
    vault = unique_name("endpoint")
    make_client(tessera.endpoint, "one").create_vault(vaultName=vault)
    variables, config = forms(tessera.endpoint)[form]
    one = ACCOUNTS["one"]
    (tmp_path / "config").write_text(config.replace(
        "[profile dev]\n", f"[profile dev]\naws_access_key_id = {one.access_key}\naws_secret_access_key = {one.secret_key}\n"))
    environment = dict(env, AWS_CONFIG_FILE=str(tmp_path / "config"), **variables)
    listed = run_client(["glacier", "ls", "--profile", "dev"], environment).stdout.decode()
    assert vault in listed, listed
    assert vault in aws_cli_vaults(environment, "--profile", "dev")


def test_a_missing_services_section_is_one_line(tessera, env, tmp_path):
    (tmp_path / "config").write_text("[profile dev]\nservices = nowhere\n")
    line = one_line_failure(run_client(["glacier", "ls", "--profile", "dev"], dict(env, AWS_CONFIG_FILE=str(tmp_path / "config")),
                                       check=False))
    assert "profile 'dev' names services section 'nowhere', which is not in the config file" in line, line
