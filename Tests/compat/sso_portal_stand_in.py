"""A stand-in for the IAM Identity Center (SSO) portal's GetRoleCredentials on 127.0.0.1: `GET
/federation/credentials?account_id=…&role_name=…` with the access token in `x-amz-sso_bearer_token`,
answered as the SSO API reference shows (`roleCredentials`, expiration in epoch milliseconds) for the tokens
it knows, `UnauthorizedException` otherwise; and SSO OIDC's CreateToken (`POST /token`) renewing a session with
its refresh token and client registration, as the SSO OIDC API reference shows — the renewed access token is
then known too. Records every request; stopped by the test."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlsplit

from loopback_stand_in import LoopbackStandIn, QuietHandler


class SSOPortalStandIn(LoopbackStandIn):
    RENEWED_TOKEN = "aoaAAAAAGd-tessera-sso-renewed-token"
    RENEWED_REFRESH = "Atrt|renewed-refresh-token"

    def __init__(self, access_token: str, access_key: str, secret_key: str, session_token: str,
                 registration=("client-id", "client-secret", "Atrt|first-refresh-token")):
        self.requests: list[dict] = []
        self.tokens = {access_token}
        stand_in = self

        class Handler(QuietHandler):
            def answer(self, status: int, body: dict, headers=()):
                self.send_body(status, json.dumps(body).encode(), "application/json", headers)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                stand_in.requests.append({"path": parts.path, "query": query, "headers": dict(self.headers.items())})
                if parts.path != "/federation/credentials":
                    return self.answer(404, {"message": "not found"})
                if self.headers.get("x-amz-sso_bearer_token") not in stand_in.tokens:
                    return self.answer(401, {"message": "Session token not found or invalid"},
                                       [("x-amzn-ErrorType", "UnauthorizedException")])
                self.answer(200, {"roleCredentials": {
                    "accessKeyId": access_key, "secretAccessKey": secret_key, "sessionToken": session_token,
                    "expiration": int((time.time() + 3600) * 1000)}})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                stand_in.requests.append({"path": self.path, "body": body, "headers": dict(self.headers.items())})
                client_id, client_secret, refresh = registration
                if self.path != "/token":
                    return self.answer(404, {"message": "not found"})
                if (body.get("grantType"), body.get("clientId"), body.get("clientSecret"), body.get("refreshToken")) != \
                        ("refresh_token", client_id, client_secret, refresh):
                    return self.answer(400, {"error": "invalid_grant", "error_description": "Invalid refresh token"},
                                       [("x-amzn-ErrorType", "InvalidGrantException")])
                stand_in.tokens.add(SSOPortalStandIn.RENEWED_TOKEN)
                self.answer(200, {"accessToken": SSOPortalStandIn.RENEWED_TOKEN, "tokenType": "Bearer", "expiresIn": 28800,
                                  "refreshToken": SSOPortalStandIn.RENEWED_REFRESH})

        super().__init__(Handler)
