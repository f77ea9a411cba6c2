"""A stand-in for STS's AssumeRole and AssumeRoleWithWebIdentity on 127.0.0.1, for the client's role profiles. It records each request,
checks nothing itself (the tests check the requests against botocore's model and signer), and answers in
STS's XML: credentials it was given for every role, except a role named `denied`, which gets STS's
AccessDenied error. Stopped by the test."""

from __future__ import annotations

import datetime
from urllib.parse import parse_qs

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from loopback_stand_in import LoopbackStandIn, QuietHandler
from tessera_server import REGION

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"


def assume_role_answer(action: str, access_key: str, secret_key: str, token: str, role_arn: str, session: str,
                       expiration: datetime.datetime) -> bytes:
    """An AssumeRole or AssumeRoleWithWebIdentity answer as STS writes it (the AWS STS API reference, each
    action's "Examples")."""
    account = role_arn.split(":")[4] if role_arn.count(":") >= 5 else "000000000000"
    role = role_arn.rsplit("/", 1)[-1]
    web = ("<SubjectFromWebIdentityToken>repo:tessera/ci:ref:refs/heads/main</SubjectFromWebIdentityToken>\n"
           "    <Audience>sts.amazonaws.com</Audience>\n    <Provider>token.actions.githubusercontent.com</Provider>\n"
           if action == "AssumeRoleWithWebIdentity" else "")
    return f"""<{action}Response xmlns="{NAMESPACE}">
  <{action}Result>
    {web}<AssumedRoleUser>
      <Arn>arn:aws:sts::{account}:assumed-role/{role}/{session}</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:{session}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>{access_key}</AccessKeyId>
      <SecretAccessKey>{secret_key}</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>{expiration.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </{action}Result>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</{action}Response>
""".encode()


def access_denied_answer(role_arn: str) -> bytes:
    return f"""<ErrorResponse xmlns="{NAMESPACE}">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User is not authorized to perform: sts:AssumeRole on resource: {role_arn}</Message>
  </Error>
  <RequestId>4b8f4f4f-3b3b-4d0e-9c1e-2f9d9c0e7a11</RequestId>
</ErrorResponse>
""".encode()


class STSStandIn(LoopbackStandIn):
    def __init__(self, access_key: str, secret_key: str, token: str, lifetime: datetime.timedelta):
        self.access_key, self.secret_key, self.token, self.lifetime = access_key, secret_key, token, lifetime
        self.requests: list[dict] = []
        self.answers: list[bytes] = []
        stand_in = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
                stand_in.requests.append({"path": self.path, "headers": dict(self.headers.items()), "body": body,
                                          "form": form})
                arn = form.get("RoleArn", "")
                if arn.endswith("/denied"):
                    status, answer = 403, access_denied_answer(arn)
                else:
                    expiration = datetime.datetime.now(datetime.timezone.utc) + stand_in.lifetime
                    status, answer = 200, assume_role_answer(form.get("Action", ""), stand_in.access_key,
                                                             stand_in.secret_key, stand_in.token, arn,
                                                             form.get("RoleSessionName", ""), expiration)
                stand_in.answers.append(answer)
                self.send_body(status, answer, "text/xml")

        super().__init__(Handler)


def assert_signed_by(request: dict, access_key: str, secret_key: str):
    """The request's SigV4 signature is the one botocore computes with these keys for STS in REGION."""
    headers = {k.lower(): v for k, v in request["headers"].items()}
    authorization = headers["authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 "), authorization
    fields = dict(part.strip().split("=", 1) for part in authorization[len("AWS4-HMAC-SHA256 "):].split(","))
    key, date, region, service, terminal = fields["Credential"].split("/")
    assert (key, region, service, terminal) == (access_key, REGION, "sts", "aws4_request"), fields["Credential"]
    signed = fields["SignedHeaders"].split(";")
    assert "host" in signed and "x-amz-date" in signed
    aws = AWSRequest(method="POST", url=f"http://{headers['host']}{request['path']}", data=request["body"],
                     headers={name: headers[name] for name in signed})
    aws.context["timestamp"] = headers["x-amz-date"]
    auth = SigV4Auth(Credentials(access_key, secret_key), "sts", REGION)
    assert auth.signature(auth.string_to_sign(aws, auth.canonical_request(aws)), aws) == fields["Signature"]
