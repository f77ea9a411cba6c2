"""A stand-in on 127.0.0.1 for the two places a machine hands out credentials: a container's credentials
endpoint (`GET /container-credentials`, which wants the `Authorization` header it was given) and EC2's instance
metadata service (IMDSv2: `PUT /latest/api/token` with a TTL header, then the role list and the role's
credentials with the token; with `v1_only`, the token request answers 404 as on instances without IMDSv2
and the rest needs no token). Answers in the documented JSON; records every request. Stopped by the test."""

from __future__ import annotations

import datetime
import json

from loopback_stand_in import LoopbackStandIn, QuietHandler

ROLE = "tessera-instance-role"
IMDS_TOKEN = "AQAEAKxZ-tessera-imds-token=="


class MachineStandIn(LoopbackStandIn):
    def __init__(self, access_key: str, secret_key: str, session_token: str, authorization: str = "", v1_only=False):
        self.requests: list[tuple[str, str, dict]] = []
        expiration = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
        credentials = {"AccessKeyId": access_key, "SecretAccessKey": secret_key, "Token": session_token,
                       "Expiration": expiration}
        stand_in = self

        class Handler(QuietHandler):
            def answer(self, status: int, body: bytes, content_type="text/plain"):
                self.send_body(status, body, content_type)

            def token_ok(self) -> bool:
                return v1_only or self.headers.get("x-aws-ec2-metadata-token") == IMDS_TOKEN

            def do_PUT(self):
                stand_in.requests.append(("PUT", self.path, dict(self.headers.items())))
                if self.path != "/latest/api/token" or v1_only:
                    return self.answer(404, b"")
                if not self.headers.get("x-aws-ec2-metadata-token-ttl-seconds", "").isdigit():
                    return self.answer(400, b"")
                self.answer(200, IMDS_TOKEN.encode())

            def do_GET(self):
                stand_in.requests.append(("GET", self.path, dict(self.headers.items())))
                if self.path == "/container-credentials":
                    if self.headers.get("Authorization", "") != authorization:
                        return self.answer(403, b'{"message": "wrong authorization"}', "application/json")
                    return self.answer(200, json.dumps({**credentials, "RoleArn": "arn:aws:iam::222222222222:role/task"}).encode(),
                                       "application/json")
                if not self.token_ok():
                    return self.answer(401, b"")
                if self.path == "/latest/meta-data/iam/security-credentials/":
                    return self.answer(200, ROLE.encode())
                if self.path == f"/latest/meta-data/iam/security-credentials/{ROLE}":
                    return self.answer(200, json.dumps({"Code": "Success", "LastUpdated": expiration, "Type": "AWS-HMAC",
                                                        **credentials}).encode())
                self.answer(404, b"")

        super().__init__(Handler)
