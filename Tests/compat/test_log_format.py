"""`tessera serve --log-format json`: one JSON object per line with time, level, message, the request id the
response carried, the account and the operation; one request-id key, not two. Text stays the default."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ACCOUNTS, make_client
from tessera_server import TesseraServer, TesseraServerError, write_credentials


def test_json_lines_carry_request_id_account_and_operation(tmp_path):
    creds = write_credentials(tmp_path / "credentials", ACCOUNTS.values())
    server = TesseraServer(tmp_path / "data", creds, log_dir=tmp_path, name="json-logs",
                           extra_args=["--log-format", "json"])
    server.start()
    try:
        ecr = make_client(server.endpoint, "one", "ecr")
        answer = ecr.create_repository(repositoryName="logged/app")
        request_id = answer["ResponseMetadata"]["RequestId"]
        make_client(server.endpoint, "one").list_vaults()
    finally:
        server.stop()
    lines = [line for line in server.log_text().splitlines() if line.startswith("{")]
    assert lines, server.log_text()
    records = [json.loads(line) for line in lines]          # every line is one JSON object
    for record in records:
        assert {"time", "level", "message"} <= record.keys()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["time"])
        assert "hb.request.id" not in record, "one request-id key"
    created = [r for r in records if r.get("request.id") == request_id and r["message"] == "request"]
    assert len(created) == 1, records
    assert created[0]["account"] == ACCOUNTS["one"].account_id
    assert created[0]["operation"] == "CreateRepository"
    assert created[0]["http.status"] == "200" and created[0]["level"] == "info"
    listed = [r for r in records if r["message"] == "request" and r.get("http.path") == "/-/vaults"]
    assert listed and listed[0]["operation"] == "ListVaults", listed


def test_text_is_the_default_and_unknown_formats_are_refused(tmp_path, tessera):
    assert "request" in tessera.log_text() and not tessera.log_text().lstrip().startswith("{")
    creds = write_credentials(tmp_path / "credentials", ACCOUNTS.values())
    server = TesseraServer(tmp_path / "data", creds, log_dir=tmp_path, name="bad-format",
                           extra_args=["--log-format", "yaml"])
    with pytest.raises(TesseraServerError) as failure:
        server.start()
    assert "--log-format is text or json" in str(failure.value)
