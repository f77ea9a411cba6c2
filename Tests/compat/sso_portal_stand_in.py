"""A stand-in for the IAM Identity Center (SSO) portal's GetRoleCredentials on 127.0.0.1: `GET
/federation/credentials?account_id=…&role_name=…` with the access token in `x-amz-sso_bearer_token`,
answered as the SSO API reference shows (`roleCredentials`, expiration in epoch milliseconds) for the token
it was given, `UnauthorizedException` otherwise. Records every request; stopped by the test."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class SSOPortalStandIn:
    def __init__(self, access_token: str, access_key: str, secret_key: str, session_token: str):
        self.requests: list[dict] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self, status: int, body: dict, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                stand_in.requests.append({"path": parts.path, "query": query, "headers": dict(self.headers.items())})
                if parts.path != "/federation/credentials":
                    return self.answer(404, {"message": "not found"})
                if self.headers.get("x-amz-sso_bearer_token") != access_token:
                    return self.answer(401, {"message": "Session token not found or invalid"},
                                       [("x-amzn-ErrorType", "UnauthorizedException")])
                self.answer(200, {"roleCredentials": {
                    "accessKeyId": access_key, "secretAccessKey": secret_key, "sessionToken": session_token,
                    "expiration": int((time.time() + 3600) * 1000)}})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
