"""A port of the OCI distribution-spec conformance plan to pytest and `requests`.

What is ported (opencontainers/distribution-spec, conformance/: run.go, api.go and testdata.go of the
current suite, and the ginkgo plan it replaced, 01_pull … 04_management):

- ping; the empty repository's tag list and referrers;
- every blob push path for sha256 and sha512: POST only (`?digest=` with the body), POST + PUT, chunked in one
  and in three chunks, the last chunk in the PUT, streamed PATCH without Content-Range, cancel; mount from a
  repository, without `from`, and of a missing blob (fallback to an upload session); each with HEAD, GET and
  DELETE of the blob; the empty blob and `{}`; a bad digest in every path → 400 and nothing stored;
- chunks out of order → 416, then `GET` on the session → 204 with `Range`, and the upload continues;
- Range requests on blobs (206, Content-Range, 416);
- the data sets: image, uncompressed image, large manifest, index, nested index, empty index, artifact,
  artifact index, artifact without layers, artifacts with a subject, index with a subject, missing subject,
  descriptors with `data`, non-distributable layers, custom fields, no layers, sha512, a manifest whose bytes
  do not match its digest — each pushed (blobs, manifests by digest, then tags), listed, HEAD, pulled, its
  referrers checked (with and without the `artifactType` filter), and deleted (tags, manifests in reverse
  order, blobs), every deletion checked at once;
- manifest errors; tag and catalog pagination (`n`, `last`, `Link`); deletes; Accept negotiation; names with
  slashes; error bodies in the spec's format.

Where the conformance suite accepts a fallback (e.g. a 202 to a mount, a full 200 to a Range request) it
records the API as unsupported; the contract of this server (README, "OCI distribution API") asks for the
real thing, so these tests do too.
"""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import ssl
import subprocess
import time
import uuid
from urllib.parse import urljoin, urlsplit

import pytest
import requests

from oci_helpers import (
    BLOB_PUSH_WAYS, CHUNK_MIN, DOCKER_LIST, DOCKER_MANIFEST, EXAMPLE_TYPE_1, EXAMPLE_TYPE_2,
    OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, OCTET_STREAM, OCIClient, TestData, basic, build_image,
    build_index, describe, digest_of, expect_challenge, expect_oci_error, location_of,
    patch_chunk, push_blob, random_bytes, range_end, start_session, unknown_digest, with_query)

ALGORITHMS = ["sha256", "sha512"]
KIB = 1024
ACCEPT_ALL = ", ".join([OCI_INDEX, OCI_MANIFEST])


# -- small checks -----------------------------------------------------------------------------

def assert_blob(oci: OCIClient, repo: str, digest: str, data: bytes) -> None:
    """HEAD: 200, no body, Content-Length, Docker-Content-Digest; GET: 200, the bytes, the digest."""
    head = oci.head(oci.blob_path(repo, digest))
    assert head.status_code == 200, describe(head)
    assert head.content == b"", describe(head)
    assert head.headers.get("Content-Length") == str(len(data)), describe(head)
    assert head.headers.get("Docker-Content-Digest") == digest, describe(head)
    got = oci.get(oci.blob_path(repo, digest))
    assert got.status_code == 200, describe(got)
    assert got.content == data, describe(got)
    assert got.headers.get("Content-Length") == str(len(data)), describe(got)
    assert got.headers.get("Docker-Content-Digest") == digest, describe(got)


def assert_no_blob(oci: OCIClient, repo: str, digest: str) -> None:
    head = oci.head(oci.blob_path(repo, digest))
    assert head.status_code == 404, describe(head)
    expect_oci_error(oci.get(oci.blob_path(repo, digest)), 404, "BLOB_UNKNOWN")


def delete_blob(oci: OCIClient, repo: str, digest: str) -> None:
    """DELETE → 202, and the blob is gone at once (the suite's "blob delete atomic")."""
    resp = oci.delete(oci.blob_path(repo, digest))
    assert resp.status_code == 202, describe(resp)
    assert_no_blob(oci, repo, digest)


def assert_created_blob(oci: OCIClient, resp: requests.Response, repo: str, digest: str, data: bytes) -> None:
    """A finished upload: 201, Location a pullable blob URL, Docker-Content-Digest the digest."""
    assert resp.status_code == 201, describe(resp)
    assert resp.headers.get("Docker-Content-Digest") == digest, describe(resp)
    loc = location_of(oci, resp)
    assert urlsplit(loc).path == f"/v2/{repo}/blobs/{digest}", describe(resp)
    pulled = oci.get(loc)
    assert pulled.status_code == 200 and pulled.content == data, describe(pulled)


def parse_link(resp: requests.Response) -> str | None:
    """The `rel="next"` target of an RFC 5988 Link header, absolute; None without one."""
    link = resp.headers.get("Link")
    if not link:
        return None
    target, _, params = link.partition(";")
    target = target.strip()
    assert target.startswith("<") and target.endswith(">"), describe(resp)
    assert 'rel="next"' in params.replace(" ", ""), describe(resp)
    return urljoin(resp.request.url, target[1:-1])


# -- ping, auth, TLS ----------------------------------------------------------------------------

def test_ping(oci, oci_anonymous):
    resp = oci.get("/v2/")
    assert resp.status_code == 200, describe(resp)
    assert resp.headers.get("Docker-Distribution-API-Version") == "registry/2.0", describe(resp)
    expect_challenge(oci_anonymous.get("/v2/"))
    head = oci.head("/v2/")
    assert head.status_code == 200 and head.content == b"", describe(head)


@pytest.mark.parametrize("authorization", [
    "Basic " + "QVdTOm5vdC1hLXBhc3N3b3Jk",               # AWS:not-a-password
    "Basic !!!not-base64!!!",
    "Bearer sometoken",
    "Basic " + "bm9jb2xvbg==",                           # nocolon
], ids=["wrong-password", "not-base64", "bearer", "no-colon"])
def test_bad_credentials_are_refused(oci, authorization):
    resp = oci.get("/v2/", headers={"Authorization": authorization})
    expect_challenge(resp)


def test_public_registry_port_challenges_with_bearer_and_gives_anonymous_tokens(tessera, oci, registry_password,
                                                                              make_repository):
    """The public registry port (`--public-registry-port`), as public.ecr.aws: a Bearer challenge naming its
    /token; an anonymous token pulls public repositories and cannot push; a token traded for the password
    pushes; bad credentials get no token; names of private repositories are unknown there."""
    from oci_helpers import public_name
    public = tessera.public_endpoint
    ping = requests.get(public + "/v2/", timeout=30)
    assert ping.status_code == 401, describe(ping)
    host = urlsplit(public).netloc
    assert ping.headers["WWW-Authenticate"] == f'Bearer realm="{public}/token",service="{host}"', describe(ping)
    answer = requests.get(public + "/token", params={"service": host, "scope": "repository:x:pull"}, timeout=30)
    assert answer.status_code == 200, describe(answer)
    token = answer.json()
    assert token["token"] == token["access_token"] and token["expires_in"] > 0 and token["issued_at"], token
    anonymous = {"Authorization": f"Bearer {token['token']}"}
    assert requests.get(public + "/v2/", headers=anonymous, timeout=30).status_code == 200

    name = make_repository(public=True)
    repo = public_name("111111111111", name)
    image = build_image(layer_count=1, layer_size=KIB)
    digest = oci.push_image(repo, image, tag="v1").headers["Docker-Content-Digest"]
    got = requests.get(f"{public}/v2/{repo}/manifests/v1", headers={**anonymous, "Accept": ACCEPT_ALL}, timeout=30)
    assert got.status_code == 200 and got.headers["Docker-Content-Digest"] == digest, describe(got)
    refused = requests.post(f"{public}/v2/{repo}/blobs/uploads/", headers=anonymous, timeout=30)
    expect_oci_error(refused, 401, "UNAUTHORIZED")
    assert refused.headers["WWW-Authenticate"].startswith("Bearer realm="), describe(refused)

    traded = requests.get(public + "/token", auth=("AWS", registry_password), timeout=30)
    assert traded.status_code == 200, describe(traded)
    owner = {"Authorization": f"Bearer {traded.json()['token']}"}
    started = requests.post(f"{public}/v2/{repo}/blobs/uploads/", headers=owner, timeout=30)
    assert started.status_code == 202, describe(started)
    assert requests.delete(urljoin(public, started.headers["Location"]), headers=owner, timeout=30).status_code == 204

    expect_oci_error(requests.get(public + "/token", auth=("AWS", "not-the-password"), timeout=30), 401, "UNAUTHORIZED")
    bogus = requests.get(public + "/v2/", headers={"Authorization": "Bearer not-a-token"}, timeout=30)
    assert bogus.status_code == 401 and bogus.headers["WWW-Authenticate"].startswith("Bearer "), describe(bogus)
    private = requests.get(f"{public}/v2/{name}/manifests/v1", headers=owner, timeout=30)
    expect_oci_error(private, 404, "NAME_UNKNOWN")
    catalog = requests.get(f"{public}/v2/_catalog", headers=owner, timeout=30)
    assert catalog.status_code == 200, describe(catalog)
    listed = catalog.json()["repositories"]
    assert repo in listed and all(n.startswith("r111111111111/") for n in listed), listed
    expect_oci_error(requests.get(f"{public}/v2/_catalog", headers=anonymous, timeout=30), 401, "UNAUTHORIZED")


def test_user_must_be_aws(oci, registry_password):
    resp = oci.with_password(registry_password, user="admin").get("/v2/")
    expect_challenge(resp)


def test_tampered_password_is_refused(oci, registry_password):
    flipped = registry_password[:-2] + ("A" if registry_password[-2] != "A" else "B") + registry_password[-1]
    expect_challenge(oci.with_password(flipped).get("/v2/"))


def test_tls_client_hello_on_the_plain_port_fails_fast(oci):
    """docker tries https:// first, even on 127.0.0.1: the plain-HTTP port must refuse a ClientHello at
    once (an error or a close), not wait for more bytes."""
    host, port = oci.host.rsplit(":", 1)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        with pytest.raises((ssl.SSLError, ConnectionError, OSError)) as excinfo:
            context.wrap_socket(sock, server_hostname=host)
    elapsed = time.monotonic() - started
    assert not isinstance(excinfo.value, (socket.timeout, TimeoutError)), excinfo.value
    assert elapsed < 2.0, f"the TLS handshake took {elapsed:.1f}s to fail"
    if shutil.which("curl"):
        started = time.monotonic()
        proc = subprocess.run(["curl", "-k", "-sS", "--max-time", "10", f"https://{oci.host}/v2/"],
                              capture_output=True, text=True)
        assert proc.returncode != 0, proc
        assert time.monotonic() - started < 2.0, f"curl -k https:// took {time.monotonic() - started:.1f}s"
    assert oci.get("/v2/").status_code == 200  # still serving plain HTTP


# -- the empty repository -----------------------------------------------------------------------

def test_empty_repository(oci, make_repository):
    repo = make_repository()
    tags = oci.tags(repo)
    assert tags.status_code == 200, describe(tags)
    assert tags.json()["name"] == repo and tags.json().get("tags") in ([], None), describe(tags)
    resp = oci.get(f"/v2/{repo}/referrers/{unknown_digest()}")
    assert resp.status_code == 200, describe(resp)
    assert resp.headers.get("Content-Type") == OCI_INDEX, describe(resp)
    index = resp.json()
    assert index["schemaVersion"] == 2 and index["mediaType"] == OCI_INDEX and index["manifests"] == [], index


def test_unknown_repository(oci):
    name = f"no-such-repository-{uuid.uuid4().hex[:8]}"
    expect_oci_error(oci.tags(name), 404, "NAME_UNKNOWN")
    expect_oci_error(oci.get_manifest(name, "latest"), 404, "NAME_UNKNOWN")
    expect_oci_error(oci.get(oci.blob_path(name, unknown_digest())), 404, "NAME_UNKNOWN")
    # pushing to a repository that does not exist: 404 NAME_UNKNOWN, as ECR does
    expect_oci_error(oci.post(oci.uploads_path(name)), 404, "NAME_UNKNOWN")
    data = b"layer"
    expect_oci_error(oci.post(oci.uploads_path(name), params={"digest": digest_of(data)}, data=data),
                     404, "NAME_UNKNOWN")
    expect_oci_error(oci.put_manifest(name, "latest", build_image(layer_count=0).manifest, OCI_MANIFEST),
                     404, "NAME_UNKNOWN")


def test_invalid_repository_name(oci):
    resp = oci.tags("Upper_Case/Name")
    expect_oci_error(resp, (400, 404), ("NAME_INVALID", "NAME_UNKNOWN"))


# -- blob push paths ----------------------------------------------------------------------------

@pytest.mark.parametrize("how", BLOB_PUSH_WAYS)
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_blob_push(oci, make_repository, algorithm, how):
    """Each way of pushing a blob (a blob spanning three 1 KiB chunks, as the suite makes), then HEAD, GET
    and DELETE."""
    repo = make_repository()
    data = random_bytes(CHUNK_MIN * 3 - 5)
    digest = digest_of(data, algorithm)
    resp = push_blob(oci, repo, data, digest, how)
    assert_created_blob(oci, resp, repo, digest, data)
    assert_blob(oci, repo, digest, data)
    delete_blob(oci, repo, digest)


@pytest.mark.parametrize("how", BLOB_PUSH_WAYS)
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_blob_push_bad_digest(oci, make_repository, algorithm, how):
    """The bytes do not match the digest (the suite appends "oh no"): 400 DIGEST_INVALID, nothing stored."""
    repo = make_repository()
    data = random_bytes(CHUNK_MIN * 3 - 5)
    digest = digest_of(data, algorithm)
    resp = push_blob(oci, repo, data + b"oh no", digest, how)
    expect_oci_error(resp, 400, "DIGEST_INVALID")
    assert_no_blob(oci, repo, digest)
    assert_no_blob(oci, repo, digest_of(data + b"oh no", algorithm))


@pytest.mark.parametrize("content", [b"", b"{}"], ids=["empty", "empty-json"])
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_well_known_blobs(oci, make_repository, algorithm, content):
    repo = make_repository()
    digest = digest_of(content, algorithm)
    for how in ("post-only", "post-put"):
        resp = push_blob(oci, repo, content, digest, how)
        assert resp.status_code == 201, describe(resp)
        assert resp.headers.get("Docker-Content-Digest") == digest, describe(resp)
    assert_blob(oci, repo, digest, content)
    delete_blob(oci, repo, digest)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_get_missing_blob(oci, make_repository, algorithm):
    repo = make_repository()
    assert_no_blob(oci, repo, unknown_digest(algorithm))
    expect_oci_error(oci.delete(oci.blob_path(repo, unknown_digest(algorithm))), 404, "BLOB_UNKNOWN")


@pytest.mark.parametrize("put_last", [False, True], ids=["patch-last", "put-last"])
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_chunked_out_of_order(oci, make_repository, algorithm, put_last):
    """The suite's "chunked out-of-order": before each chunk, a chunk skipping ahead (or back to 0) → 416;
    GET on the session → 204 with Location and `Range: 0-<last byte acknowledged>`; then the right chunk."""
    repo = make_repository()
    data = random_bytes(CHUNK_MIN * 3 - 5)
    digest = digest_of(data, algorithm)
    chunk = len(data) // 3 + 1
    url = start_session(oci, repo)
    last = -1
    while last < len(data) - 1:
        bad_start = last + 1 + chunk
        if bad_start >= len(data):
            bad_start = 0
        bad_last = min(bad_start + chunk - 1, len(data) - 1)
        bad_headers = {"Content-Type": OCTET_STREAM, "Content-Range": f"{bad_start}-{bad_last}"}
        if put_last and bad_last == len(data) - 1:
            bad = oci.put(with_query(url, digest=digest), data=data[bad_start:bad_last + 1], headers=bad_headers)
        else:
            bad = oci.patch(url, data=data[bad_start:bad_last + 1], headers=bad_headers)
        expect_oci_error(bad, 416)
        if last >= 0:
            assert range_end(bad) == last, describe(bad)
        status = oci.get(url)
        assert status.status_code == 204, describe(status)
        if last >= 0:
            assert range_end(status) == last, describe(status)
        url = location_of(oci, status)
        start, last = last + 1, min(last + chunk, len(data) - 1)
        headers = {"Content-Type": OCTET_STREAM, "Content-Range": f"{start}-{last}"}
        if put_last and last == len(data) - 1:
            resp = oci.put(with_query(url, digest=digest), data=data[start:last + 1], headers=headers)
            assert_created_blob(oci, resp, repo, digest, data)
            break
        resp = oci.patch(url, data=data[start:last + 1], headers=headers)
        assert resp.status_code == 202, describe(resp)
        assert range_end(resp) == last, describe(resp)
        url = location_of(oci, resp)
    else:
        resp = oci.put(with_query(url, digest=digest), headers={"Content-Length": "0"})
        assert_created_blob(oci, resp, repo, digest, data)
    assert_blob(oci, repo, digest, data)


def test_overlapping_and_repeated_chunks_are_refused(oci, make_repository):
    """A chunk sent again, or one overlapping what the session holds → 416 with the session's Range; the
    session is unchanged and the upload finishes with the right bytes (legacy plan: "Retry previous blob
    chunk should return 416")."""
    repo = make_repository()
    data = random_bytes(3 * KIB)
    url = start_session(oci, repo)
    first = patch_chunk(oci, url, 0, data[:KIB])
    assert first.status_code == 202 and range_end(first) == KIB - 1, describe(first)
    url = location_of(oci, first)
    again = patch_chunk(oci, url, 0, data[:KIB])
    expect_oci_error(again, 416)
    assert range_end(again) == KIB - 1, describe(again)
    overlap = patch_chunk(oci, url, KIB // 2, data[KIB // 2:2 * KIB])
    expect_oci_error(overlap, 416)
    assert range_end(overlap) == KIB - 1, describe(overlap)
    status = oci.get(url)
    assert status.status_code == 204 and range_end(status) == KIB - 1, describe(status)
    rest = patch_chunk(oci, url, KIB, data[KIB:])
    assert rest.status_code == 202 and range_end(rest) == len(data) - 1, describe(rest)
    done = oci.put(with_query(location_of(oci, rest), digest=digest_of(data)), headers={"Content-Length": "0"})
    assert_created_blob(oci, done, repo, digest_of(data), data)


def test_upload_session_headers_and_status(oci, make_repository):
    """POST → 202, Location with the session, Docker-Upload-UUID, Content-Length 0; GET → 204 with Location
    and Range; each PATCH → 202 with `Range: 0-<end>` matching the chunk's end."""
    repo = make_repository()
    resp = oci.post(oci.uploads_path(repo), headers={"Content-Length": "0"})
    assert resp.status_code == 202, describe(resp)
    assert resp.headers.get("Content-Length") in ("0", None), describe(resp)
    url = location_of(oci, resp)
    session = resp.headers.get("Docker-Upload-UUID")
    assert session and session in url, describe(resp)
    assert urlsplit(url).path.startswith(f"/v2/{repo}/blobs/uploads/"), describe(resp)
    status = oci.get(url)
    assert status.status_code == 204 and status.content == b"", describe(status)
    assert status.headers.get("Range", "").startswith("0-"), describe(status)
    assert status.headers.get("Docker-Upload-UUID") == session, describe(status)
    data = random_bytes(2500)
    offset = 0
    for size in (1000, 1000, 500):
        resp = patch_chunk(oci, url, offset, data[offset:offset + size])
        assert resp.status_code == 202, describe(resp)
        offset += size
        assert range_end(resp) == offset - 1, describe(resp)
        assert resp.headers.get("Docker-Upload-UUID") == session, describe(resp)
        url = location_of(oci, resp)
        status = oci.get(url)
        assert status.status_code == 204 and range_end(status) == offset - 1, describe(status)
    done = oci.put(with_query(url, digest=digest_of(data)), headers={"Content-Length": "0"})
    assert_created_blob(oci, done, repo, digest_of(data), data)


def test_patch_without_content_range_appends(oci, make_repository):
    """Streamed PATCHes (no Content-Range) append, one with Content-Length, one with chunked transfer
    encoding; then the PUT closes the session."""
    repo = make_repository()
    a, b, c = random_bytes(700), random_bytes(1300), random_bytes(2000)
    url = start_session(oci, repo)
    resp = patch_chunk(oci, url, 0, a, content_range=False)
    assert resp.status_code == 202 and range_end(resp) == len(a) - 1, describe(resp)
    resp = patch_chunk(oci, location_of(oci, resp), 0, b, content_range=False)
    assert resp.status_code == 202 and range_end(resp) == len(a) + len(b) - 1, describe(resp)

    def stream():
        for i in range(0, len(c), 512):
            yield c[i:i + 512]

    resp = oci.patch(location_of(oci, resp), data=stream(), headers={"Content-Type": OCTET_STREAM})
    assert resp.status_code == 202, describe(resp)
    assert range_end(resp) == len(a + b + c) - 1, describe(resp)
    data = a + b + c
    done = oci.put(with_query(location_of(oci, resp), digest=digest_of(data)), headers={"Content-Length": "0"})
    assert_created_blob(oci, done, repo, digest_of(data), data)


def test_last_chunk_in_put_without_content_range(oci, make_repository):
    repo = make_repository()
    data = random_bytes(3000)
    url = start_session(oci, repo)
    resp = patch_chunk(oci, url, 0, data[:2000])
    assert resp.status_code == 202, describe(resp)
    done = oci.put(with_query(location_of(oci, resp), digest=digest_of(data)), data=data[2000:],
                   headers={"Content-Type": OCTET_STREAM})
    assert_created_blob(oci, done, repo, digest_of(data), data)


def test_cancel_upload(oci, make_repository):
    """DELETE on the session → 204; the session is gone (404 BLOB_UPLOAD_UNKNOWN for GET, PATCH, PUT)."""
    repo = make_repository()
    data = random_bytes(2048)
    url = start_session(oci, repo)
    resp = patch_chunk(oci, url, 0, data[:1024])
    assert resp.status_code == 202, describe(resp)
    url = location_of(oci, resp)
    cancel = oci.delete(url, headers={"Content-Length": "0"})
    assert cancel.status_code == 204, describe(cancel)
    expect_oci_error(oci.get(url), 404, "BLOB_UPLOAD_UNKNOWN")
    expect_oci_error(patch_chunk(oci, url, 1024, data[1024:]), 404, "BLOB_UPLOAD_UNKNOWN")
    expect_oci_error(oci.put(with_query(url, digest=digest_of(data))), 404, "BLOB_UPLOAD_UNKNOWN")
    expect_oci_error(oci.delete(url), 404, "BLOB_UPLOAD_UNKNOWN")
    assert_no_blob(oci, repo, digest_of(data))


def test_unknown_and_foreign_upload_sessions(oci, make_repository):
    repo, other = make_repository(), make_repository()
    bogus = f"/v2/{repo}/blobs/uploads/{uuid.uuid4()}"
    expect_oci_error(oci.get(bogus), 404, "BLOB_UPLOAD_UNKNOWN")
    expect_oci_error(patch_chunk(oci, bogus, 0, b"abc"), 404, "BLOB_UPLOAD_UNKNOWN")
    expect_oci_error(oci.put(with_query(oci.url(bogus), digest=digest_of(b""))), 404, "BLOB_UPLOAD_UNKNOWN")
    expect_oci_error(oci.delete(bogus), 404, "BLOB_UPLOAD_UNKNOWN")
    # a session belongs to its repository
    url = start_session(oci, repo)
    session = urlsplit(url).path.rsplit("/", 1)[1]
    elsewhere = f"/v2/{other}/blobs/uploads/{session}"
    expect_oci_error(oci.get(elsewhere), 404, "BLOB_UPLOAD_UNKNOWN")
    expect_oci_error(patch_chunk(oci, elsewhere, 0, b"abc"), 404, "BLOB_UPLOAD_UNKNOWN")
    assert oci.get(url).status_code == 204


def test_final_put_out_of_order(oci, make_repository):
    """"If the final chunk is uploaded out of order, the registry MUST respond with 416"."""
    repo = make_repository()
    data = random_bytes(2048)
    url = start_session(oci, repo)
    resp = patch_chunk(oci, url, 0, data[:1024])
    url = location_of(oci, resp)
    bad = oci.put(with_query(url, digest=digest_of(data)), data=data[1024:],
                  headers={"Content-Type": OCTET_STREAM, "Content-Range": "1500-2523"})
    expect_oci_error(bad, 416)
    status = oci.get(url)
    assert status.status_code == 204 and range_end(status) == 1023, describe(status)


def test_put_without_digest_and_unsupported_digests(oci, make_repository):
    """The closing PUT must name the digest; a malformed digest or an unsupported algorithm → 400 (the spec:
    "if the client provided digest is invalid or uses an unsupported algorithm … 400")."""
    repo = make_repository()
    data = b"some bytes"
    url = start_session(oci, repo)
    expect_oci_error(oci.put(url, data=data, headers={"Content-Type": OCTET_STREAM}), 400,
                     ("DIGEST_INVALID", "BLOB_UPLOAD_INVALID"))
    for bad in ("sha256:xyz", "md5:" + "0" * 32, "sha384:" + "0" * 96, "not-a-digest",
                "sha256:" + "A" * 64):
        resp = oci.post(oci.uploads_path(repo), params={"digest": bad}, data=data)
        expect_oci_error(resp, 400, "DIGEST_INVALID")
        resp = oci.put(with_query(start_session(oci, repo), digest=bad), data=data)
        expect_oci_error(resp, 400, "DIGEST_INVALID")
    expect_oci_error(oci.get(oci.blob_path(repo, "sha256:xyz")), (400, 404), ("DIGEST_INVALID", "BLOB_UNKNOWN"))


# -- mounts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_mount_from_repository(oci, make_repository, algorithm):
    repo, source = make_repository(), make_repository()
    data = random_bytes(512)
    digest = digest_of(data, algorithm)
    assert push_blob(oci, source, data, digest, "post-put").status_code == 201
    resp = oci.post(oci.uploads_path(repo), params={"mount": digest, "from": source})
    assert resp.status_code == 201, describe(resp)
    assert_created_blob(oci, resp, repo, digest, data)
    assert_blob(oci, repo, digest, data)
    delete_blob(oci, repo, digest)
    assert_blob(oci, source, digest, data)  # the source keeps it
    delete_blob(oci, source, digest)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_mount_without_from(oci, make_repository, algorithm):
    """The registry MAY mount without `from` (201) or answer 202 with a session the client uploads to."""
    repo, source = make_repository(), make_repository()
    data = random_bytes(512)
    digest = digest_of(data, algorithm)
    assert push_blob(oci, source, data, digest, "post-only").status_code == 201
    resp = oci.post(oci.uploads_path(repo), params={"mount": digest})
    assert resp.status_code in (201, 202), describe(resp)
    if resp.status_code == 202:
        resp = oci.put(with_query(location_of(oci, resp), digest=digest), data=data,
                       headers={"Content-Type": OCTET_STREAM})
    assert_created_blob(oci, resp, repo, digest, data)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_mount_missing_blob_falls_back_to_a_session(oci, make_repository, algorithm):
    repo, source = make_repository(), make_repository()
    data = random_bytes(512)
    digest = digest_of(data, algorithm)
    resp = oci.post(oci.uploads_path(repo), params={"mount": digest, "from": source})
    assert resp.status_code == 202, describe(resp)
    url = location_of(oci, resp)
    assert urlsplit(url).path.startswith(f"/v2/{repo}/blobs/uploads/"), describe(resp)
    done = oci.put(with_query(url, digest=digest), data=data, headers={"Content-Type": OCTET_STREAM})
    assert_created_blob(oci, done, repo, digest, data)
    assert_no_blob(oci, source, digest)


def test_mount_from_unknown_repository_falls_back(oci, make_repository):
    repo = make_repository()
    resp = oci.post(oci.uploads_path(repo), params={"mount": unknown_digest(),
                                                    "from": f"no-such-{uuid.uuid4().hex[:8]}"})
    assert resp.status_code == 202, describe(resp)
    assert oci.get(location_of(oci, resp)).status_code == 204


# -- ranges -----------------------------------------------------------------------------------

@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_range_requests(oci, make_repository, algorithm):
    repo = make_repository()
    data = random_bytes(2048)
    digest = oci.push_blob(repo, data, algorithm)
    path = oci.blob_path(repo, digest)
    for header, start, end in [("bytes=500-1499", 500, 1499), ("bytes=500-", 500, 2047),
                               ("bytes=-500", 1548, 2047), ("bytes=2000-5000", 2000, 2047)]:
        resp = oci.get(path, headers={"Range": header})
        assert resp.status_code == 206, describe(resp)
        assert resp.content == data[start:end + 1], header
        assert resp.headers.get("Content-Length") == str(end - start + 1), describe(resp)
        assert resp.headers.get("Content-Range") in (f"bytes {start}-{end}/2048", f"bytes {start}-{end}/*"), \
            describe(resp)
    for header in ("bytes=500-0", "bytes=5000-10000"):
        resp = oci.get(path, headers={"Range": header})
        assert resp.status_code == 416, describe(resp)
    delete_blob(oci, repo, digest)


# -- data sets (conformance/run.go GenerateData) -------------------------------------------------

def data_image() -> TestData:
    td = TestData("image")
    td.gen_manifest_full(tag="image")
    return td


def data_image_uncompressed() -> TestData:
    td = TestData("image-uncompressed")
    td.gen_manifest_full(tag="image-uncompressed", compress=False)
    return td


def data_large_manifest() -> TestData:
    td = TestData("large-manifest")
    td.gen_manifest_full(tag="large-manifest",
                         annotations={f"large-annotation-{i}": "A" * 10000 for i in range(390)})
    return td


def data_index() -> TestData:
    td = TestData("index")
    td.gen_index_full(tag="index")
    return td


def data_nested_index() -> TestData:
    td = TestData("nested-index")
    first, second = td.gen_index_full(), td.gen_index_full()
    td.gen_index([None, None], [first, second], tag="index-of-index")
    return td


def data_empty_index() -> TestData:
    td = TestData("empty-index")
    td.gen_index_full(platforms=(), tag="index")
    return td


ARTIFACT = dict(artifact_type=EXAMPLE_TYPE_1, config_media_type=OCI_EMPTY, config_bytes=b"{}", layer_count=1,
                layer_media_type=EXAMPLE_TYPE_1)
CONFORMANCE_ANNOTATION = {"org.opencontainers.conformance": "hello conformance test"}


def data_artifact() -> TestData:
    td = TestData("artifact")
    td.gen_manifest_full(tag="artifact", **ARTIFACT)
    return td


def data_artifact_index() -> TestData:
    td = TestData("artifact-index")
    td.gen_index_full(tag="artifact-index", **ARTIFACT)
    return td


def data_artifact_without_layers() -> TestData:
    td = TestData("artifact-without-layers")
    td.gen_manifest_full(tag="artifact-without-layers", artifact_type=EXAMPLE_TYPE_1, config_media_type=OCI_EMPTY,
                         config_bytes=b"{}", layer_count=1, layer_bytes=b"{}", layer_media_type=OCI_EMPTY)
    return td


def data_artifacts_with_subject() -> TestData:
    td = TestData("artifacts-with-subject")
    subject = td.desc[td.gen_manifest_full(tag="image")]
    td.gen_manifest_full(subject=subject)
    td.gen_manifest_full(subject=subject, tag="tagged-artifact1", annotations=CONFORMANCE_ANNOTATION,
                         annotation_uniq=True, **ARTIFACT)
    td.gen_manifest_full(subject=subject, tag="tagged-artifact2", annotations=CONFORMANCE_ANNOTATION,
                         annotation_uniq=True, **{**ARTIFACT, "artifact_type": EXAMPLE_TYPE_2,
                                                  "layer_media_type": OCTET_STREAM})
    return td


def data_index_with_subject() -> TestData:
    td = TestData("index-with-subject")
    subject = td.desc[td.gen_index_full(tag="index")]
    td.gen_index_full(subject=subject, tag="tagged-artifact", annotations=CONFORMANCE_ANNOTATION,
                      annotation_uniq=True, **ARTIFACT)
    # not in the suite: an index with a subject and no artifactType, whose referrer entry has none
    td.gen_index_full(subject=subject, annotation_uniq=True)
    return td


def data_missing_subject() -> TestData:
    td = TestData("missing-subject")
    subject = {"mediaType": OCI_MANIFEST, "size": 123, "digest": digest_of(b"missing content")}
    td.gen_manifest_full(subject=subject, tag="tagged-artifact", annotations=CONFORMANCE_ANNOTATION,
                         annotation_uniq=True, **ARTIFACT)
    return td


def data_data_field() -> TestData:
    td = TestData("data-field")
    td.gen_manifest_full(tag="data-field", with_data=True)
    return td


def data_nondistributable() -> TestData:
    """Two non-distributable layers (never pushed, with `urls`) and a normal one."""
    td = TestData("non-distributable-layers")
    layers, diff_ids = [], []
    for media_type, size in (("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", 123456),
                             ("application/vnd.oci.image.layer.nondistributable.v1.tar", 12345)):
        digest = digest_of(random_bytes(256))
        layers.append({"mediaType": media_type, "digest": digest, "size": size,
                       "urls": ["https://store.example.com/blobs/sha256/" + digest.split(":")[1]]})
        diff_ids.append(digest_of(random_bytes(256)))
    stored, diff_id = td.gen_layer(1)
    layers.append(td.desc[stored])
    diff_ids.append(diff_id)
    config = td.gen_config({"architecture": "amd64", "os": "linux"}, diff_ids)
    td.gen_manifest(td.desc[config], layers, tag="non-distributable-image")
    return td


def data_custom_fields() -> TestData:
    td = TestData("custom-fields")
    td.gen_index_full(tag="custom-fields", extra_field=True)
    return td


def data_no_layers() -> TestData:
    td = TestData("no-layers")
    td.gen_manifest_full(tag="no-layers", layer_count=0)
    return td


def data_sha512() -> TestData:
    """Everything by sha512 digests; pushed by digest only (tags would need the tag parameter)."""
    td = TestData("sha512", algorithm="sha512")
    td.gen_index_full()
    return td


DATA_SETS = {
    "image": data_image, "image-uncompressed": data_image_uncompressed, "large-manifest": data_large_manifest,
    "index": data_index, "nested-index": data_nested_index, "empty-index": data_empty_index,
    "artifact": data_artifact, "artifact-index": data_artifact_index,
    "artifact-without-layers": data_artifact_without_layers,
    "artifacts-with-subject": data_artifacts_with_subject, "index-with-subject": data_index_with_subject,
    "missing-subject": data_missing_subject, "data-field": data_data_field,
    "non-distributable-layers": data_nondistributable, "custom-fields": data_custom_fields,
    "no-layers": data_no_layers, "sha512": data_sha512,
}


class Checks:
    """The suite's way: every check runs, failures are collected and reported together."""

    def __init__(self, name: str):
        self.name = name
        self.failures: list[str] = []

    def check(self, what: str, condition: bool, resp: requests.Response | None = None, detail: str = ""):
        if not condition:
            text = f"[{self.name}] {what}" + (f": {detail}" if detail else "")
            if resp is not None:
                text += "\n" + describe(resp)
            self.failures.append(text)
        return condition

    def done(self):
        assert not self.failures, "\n\n".join(self.failures)


def descriptor_matches(got: dict, goal: dict) -> bool:
    return (got.get("digest") == goal["digest"] and got.get("mediaType") == goal["mediaType"]
            and got.get("size") == goal["size"] and got.get("artifactType") == goal.get("artifactType")
            and all((got.get("annotations") or {}).get(k) == v for k, v in (goal.get("annotations") or {}).items()))


def check_manifest_response(c: Checks, what: str, resp: requests.Response, td: TestData, digest: str, head: bool):
    body = td.manifests[digest]
    if not c.check(f"{what}: status 200", resp.status_code == 200, resp):
        return
    c.check(f"{what}: Content-Type", resp.headers.get("Content-Type") == td.media_types[digest], resp)
    c.check(f"{what}: Content-Length", resp.headers.get("Content-Length") == str(len(body)), resp)
    c.check(f"{what}: Docker-Content-Digest", resp.headers.get("Docker-Content-Digest") == digest, resp)
    if head:
        c.check(f"{what}: empty body", resp.content == b"", resp)
    else:
        c.check(f"{what}: the bytes as pushed", resp.content == body, resp)


def push_data_set(c: Checks, oci: OCIClient, repo: str, td: TestData) -> None:
    """TestPush: blobs (the push paths in turn), manifests by digest, then tags."""
    for i, (digest, data) in enumerate(td.blobs.items()):
        how = BLOB_PUSH_WAYS[i % len(BLOB_PUSH_WAYS)]
        resp = push_blob(oci, repo, data, digest, how)
        c.check(f"push blob {digest} ({how})", resp.status_code == 201, resp)
    for digest, body in td.manifests.items():
        for reference in [digest] + [t for t, d in td.tags.items() if d == digest]:
            resp = oci.put_manifest(repo, reference, body, td.media_types[digest])
            if not c.check(f"PUT manifest {reference}: 201", resp.status_code == 201, resp):
                continue
            c.check(f"PUT manifest {reference}: Docker-Content-Digest",
                    resp.headers.get("Docker-Content-Digest") == digest, resp)
            subject = json.loads(body).get("subject")
            if subject:
                c.check(f"PUT manifest {reference}: OCI-Subject",
                        resp.headers.get("OCI-Subject") == subject["digest"], resp)
            if c.check(f"PUT manifest {reference}: Location", bool(resp.headers.get("Location")), resp):
                pulled = oci.get(location_of(oci, resp), headers={"Accept": ACCEPT_ALL})
                check_manifest_response(c, f"GET the Location of {reference}", pulled, td, digest, head=False)


def list_data_set(c: Checks, oci: OCIClient, repo: str, td: TestData) -> None:
    resp = oci.tags(repo)
    if not c.check("tags list: 200", resp.status_code == 200, resp):
        return
    tags = resp.json().get("tags") or []
    for tag in td.tags:
        c.check(f"tags list has {tag}", tag in tags, resp)
    if len(tags) >= 2:
        ordered = sorted(tags)
        half = len(ordered) // 2
        last = ordered[half - 1]
        partial = oci.tags(repo, last=last)
        got = partial.json().get("tags") or [] if partial.status_code == 200 else []
        c.check(f"tags list last={last}", got == ordered[half:], partial, f"{got} != {ordered[half:]}")


def head_and_pull_data_set(c: Checks, oci: OCIClient, repo: str, td: TestData) -> None:
    for tag, digest in td.tags.items():
        path = oci.manifest_path(repo, tag)
        check_manifest_response(c, f"HEAD manifest {tag}", oci.head(path, headers={"Accept": ACCEPT_ALL}),
                                td, digest, head=True)
        check_manifest_response(c, f"GET manifest {tag}", oci.get(path, headers={"Accept": ACCEPT_ALL}),
                                td, digest, head=False)
    for digest in td.manifests:
        path = oci.manifest_path(repo, digest)
        check_manifest_response(c, f"HEAD manifest {digest}", oci.head(path, headers={"Accept": ACCEPT_ALL}),
                                td, digest, head=True)
        check_manifest_response(c, f"GET manifest {digest}", oci.get(path, headers={"Accept": ACCEPT_ALL}),
                                td, digest, head=False)
    for digest, data in td.blobs.items():
        head = oci.head(oci.blob_path(repo, digest))
        c.check(f"HEAD blob {digest}", head.status_code == 200
                and head.headers.get("Content-Length") == str(len(data))
                and head.headers.get("Docker-Content-Digest") == digest and head.content == b"", head)
        got = oci.get(oci.blob_path(repo, digest))
        c.check(f"GET blob {digest}", got.status_code == 200 and got.content == data
                and got.headers.get("Docker-Content-Digest") == digest, got)


def referrers_of_data_set(c: Checks, oci: OCIClient, repo: str, td: TestData) -> None:
    for subject, goals in td.referrers.items():
        resp = oci.get(f"/v2/{repo}/referrers/{subject}")
        if not c.check(f"referrers of {subject}: 200 image index", resp.status_code == 200
                       and resp.headers.get("Content-Type") == OCI_INDEX, resp):
            continue
        index = resp.json()
        c.check("referrers: schemaVersion 2 and mediaType", index.get("schemaVersion") == 2
                and index.get("mediaType") == OCI_INDEX, resp)
        for goal in goals:
            c.check(f"referrers of {subject} list {goal['digest']}",
                    any(descriptor_matches(m, goal) for m in index.get("manifests", [])), resp,
                    f"expected {goal}")
            if goal.get("artifactType") is None:
                entry = next((m for m in index.get("manifests", []) if m.get("digest") == goal["digest"]), {})
                c.check("an index without artifactType is listed without one", "artifactType" not in entry, resp)
        c.check(f"referrers of {subject}: nothing else", len(index.get("manifests", [])) == len(goals), resp)
        for artifact_type in {g.get("artifactType") for g in goals if g.get("artifactType")}:
            resp = oci.get(f"/v2/{repo}/referrers/{subject}", params={"artifactType": artifact_type})
            if not c.check(f"referrers ?artifactType={artifact_type}: 200", resp.status_code == 200, resp):
                continue
            applied = [f.strip() for f in resp.headers.get("OCI-Filters-Applied", "").split(",")]
            c.check("OCI-Filters-Applied: artifactType", "artifactType" in applied, resp)
            manifests = resp.json().get("manifests", [])
            for goal in goals:
                if goal.get("artifactType") == artifact_type:
                    c.check(f"filtered referrers list {goal['digest']}",
                            any(descriptor_matches(m, goal) for m in manifests), resp)
            c.check(f"filtered referrers are all {artifact_type}",
                    all(m.get("artifactType") == artifact_type for m in manifests), resp)


def delete_data_set(c: Checks, oci: OCIClient, repo: str, td: TestData) -> None:
    """TestDelete: tags, then manifests in reverse push order, then blobs; each gone at once."""
    for tag in td.tags:
        resp = oci.delete(oci.manifest_path(repo, tag))
        if c.check(f"DELETE tag {tag}: 202", resp.status_code == 202, resp):
            head = oci.head(oci.manifest_path(repo, tag), headers={"Accept": ACCEPT_ALL})
            c.check(f"tag {tag} gone", head.status_code == 404, head)
    for digest in reversed(list(td.manifests)):
        resp = oci.delete(oci.manifest_path(repo, digest))
        if c.check(f"DELETE manifest {digest}: 202 (or 404 when the tag delete took it)",
                   resp.status_code in (202, 404), resp):
            head = oci.head(oci.manifest_path(repo, digest), headers={"Accept": ACCEPT_ALL})
            c.check(f"manifest {digest} gone", head.status_code == 404, head)
    for digest in td.blobs:
        resp = oci.delete(oci.blob_path(repo, digest))
        if c.check(f"DELETE blob {digest}: 202", resp.status_code in (202, 404), resp):
            head = oci.head(oci.blob_path(repo, digest))
            c.check(f"blob {digest} gone", head.status_code == 404, head)


@pytest.mark.parametrize("name", list(DATA_SETS))
def test_data_set(oci, make_repository, name):
    td = DATA_SETS[name]()
    repo = make_repository()
    c = Checks(name)
    push_data_set(c, oci, repo, td)
    list_data_set(c, oci, repo, td)
    head_and_pull_data_set(c, oci, repo, td)
    referrers_of_data_set(c, oci, repo, td)
    delete_data_set(c, oci, repo, td)
    c.done()


def test_bad_digest_manifest(oci, make_repository):
    """The suite's "bad digest image": the manifest pushed by its digest with two spaces appended → 400."""
    td = data_image()
    repo = make_repository()
    for digest, data in td.blobs.items():
        assert push_blob(oci, repo, data, digest, "post-put").status_code == 201
    digest, body = next(iter(td.manifests.items()))
    resp = oci.put_manifest(repo, digest, body + b"  ", OCI_MANIFEST)
    expect_oci_error(resp, 400, "DIGEST_INVALID")
    expect_oci_error(oci.get_manifest(repo, digest), 404, "MANIFEST_UNKNOWN")


# -- manifest errors ----------------------------------------------------------------------------

def test_missing_manifest(oci, make_repository):
    repo = make_repository()
    expect_oci_error(oci.get_manifest(repo, unknown_digest()), 404, "MANIFEST_UNKNOWN")
    expect_oci_error(oci.get_manifest(repo, f"missing-{uuid.uuid4().hex[:20]}"), 404, "MANIFEST_UNKNOWN")
    head = oci.head(oci.manifest_path(repo, "missing-tag"))
    assert head.status_code == 404 and head.content == b"", describe(head)


def test_invalid_digest_reference(oci, make_repository):
    td = TestData("invalid-manifest-digest")
    td.gen_manifest_full(layer_count=1)
    repo = make_repository()
    for digest, data in td.blobs.items():
        assert push_blob(oci, repo, data, digest, "post-put").status_code == 201
    body = next(iter(td.manifests.values()))
    expect_oci_error(oci.put_manifest(repo, "sha256:baddigeststring", body, OCI_MANIFEST), 400)
    resp = oci.get_manifest(repo, "sha256:baddigeststring")
    assert resp.status_code in (400, 404), describe(resp)


def test_manifest_naming_missing_blobs(oci, make_repository):
    """MANIFEST_BLOB_UNKNOWN (400) for a missing layer, a missing config, and an index naming a manifest the
    repository does not have; nothing is stored."""
    repo = make_repository()
    image = build_image(layer_count=2, layer_size=512)
    config_digest = digest_of(image.config)
    for digest, data in image.blobs.items():
        if digest != image.layers[1].digest:
            oci.push_blob(repo, data)
    expect_oci_error(oci.put_manifest(repo, "v1", image.manifest, OCI_MANIFEST), 400, "MANIFEST_BLOB_UNKNOWN")
    expect_oci_error(oci.get_manifest(repo, "v1"), 404, "MANIFEST_UNKNOWN")
    oci.push_blob(repo, image.layers[1].data)
    assert oci.delete(oci.blob_path(repo, config_digest)).status_code == 202
    expect_oci_error(oci.put_manifest(repo, "v1", image.manifest, OCI_MANIFEST), 400, "MANIFEST_BLOB_UNKNOWN")
    oci.push_blob(repo, image.config)
    assert oci.put_manifest(repo, "v1", image.manifest, OCI_MANIFEST).status_code == 201
    other = build_image(layer_count=1, layer_size=256)
    index = build_index([image, other])
    expect_oci_error(oci.put_manifest(repo, "multi", index.manifest, OCI_INDEX), 400, "MANIFEST_BLOB_UNKNOWN")
    expect_oci_error(oci.get_manifest(repo, "multi"), 404, "MANIFEST_UNKNOWN")


@pytest.mark.parametrize("body", [b"not json", b"[]", b"{}", b'{"schemaVersion": 2, "mediaType": "'
                                  + OCI_MANIFEST.encode() + b'", "layers": "x"}'],
                         ids=["not-json", "array", "empty-object", "layers-not-a-list"])
def test_invalid_manifest(oci, make_repository, body):
    repo = make_repository()
    expect_oci_error(oci.put_manifest(repo, "bad", body, OCI_MANIFEST), 400, "MANIFEST_INVALID")
    expect_oci_error(oci.get_manifest(repo, "bad"), 404, "MANIFEST_UNKNOWN")


def test_manifest_media_type_must_match_content_type(oci, make_repository):
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=256)
    oci.push_image(repo, image, tag="ok")
    resp = oci.put_manifest(repo, "mismatch", image.manifest, DOCKER_MANIFEST)
    expect_oci_error(resp, 400, "MANIFEST_INVALID")


@pytest.mark.parametrize("tag", ["-leading-dash", ".leading-dot", "a" * 129, "has+plus", "has:colon"],
                         ids=["dash", "dot", "129-chars", "plus", "colon"])
def test_invalid_tag(oci, make_repository, tag):
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=256)
    oci.push_image(repo, image)
    resp = oci.put_manifest(repo, tag, image.manifest, OCI_MANIFEST)
    expect_oci_error(resp, 400, ("TAG_INVALID", "MANIFEST_INVALID", "NAME_INVALID", "DIGEST_INVALID"))
    tags = oci.tags(repo).json().get("tags") or []
    assert tag not in tags


def test_longest_valid_tag(oci, make_repository):
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=256)
    tag = "_" + "a" * 127
    oci.push_image(repo, image, tag=tag)
    assert oci.get_manifest(repo, tag).status_code == 200


def test_manifest_over_the_size_limit(oci, make_repository):
    """The spec: a registry SHOULD accept at least 4 MB and SHOULD answer 413 over its limit."""
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=256)
    for data in image.blobs.values():
        oci.push_blob(repo, data)
    manifest = image.manifest_json
    manifest["annotations"] = {"padding": "x" * (4 * 1024 * 1024 + 1)}
    resp = oci.put_manifest(repo, "huge", json.dumps(manifest).encode(), OCI_MANIFEST)
    expect_oci_error(resp, (400, 413), ("SIZE_INVALID", "MANIFEST_INVALID"))


def test_immutable_tag(oci, make_repository):
    """A tag of an IMMUTABLE repository cannot move: 400 TAG_INVALID, and the tag keeps its image."""
    repo = make_repository(imageTagMutability="IMMUTABLE")
    first, second = build_image(layer_count=1, layer_size=256), build_image(layer_count=1, layer_size=256)
    oci.push_image(repo, first, tag="v1")
    for data in second.blobs.values():
        oci.push_blob(repo, data)
    resp = oci.put_manifest(repo, "v1", second.manifest, OCI_MANIFEST)
    expect_oci_error(resp, 400, "TAG_INVALID")
    got = oci.get_manifest(repo, "v1")
    assert got.headers.get("Docker-Content-Digest") == first.digest, describe(got)
    # a new tag, and a push by digest, are fine
    assert oci.put_manifest(repo, "v2", second.manifest, OCI_MANIFEST).status_code == 201


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_manifest_by_digest_of_either_algorithm(oci, make_repository, algorithm):
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=256)
    for data in image.blobs.values():
        oci.push_blob(repo, data)
    digest = digest_of(image.manifest, algorithm)
    resp = oci.put_manifest(repo, digest, image.manifest, OCI_MANIFEST)
    assert resp.status_code == 201, describe(resp)
    assert resp.headers.get("Docker-Content-Digest") == digest, describe(resp)
    assert urlsplit(location_of(oci, resp)).path == f"/v2/{repo}/manifests/{digest}", describe(resp)
    got = oci.get_manifest(repo, digest)
    assert got.status_code == 200 and got.content == image.manifest, describe(got)
    assert got.headers.get("Docker-Content-Digest") == digest, describe(got)
    mismatch = digest_of(image.manifest + b" ", algorithm)
    expect_oci_error(oci.put_manifest(repo, mismatch, image.manifest, OCI_MANIFEST), 400, "DIGEST_INVALID")


def test_manifest_bytes_are_kept_exactly(oci, make_repository):
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=256)
    for data in image.blobs.values():
        oci.push_blob(repo, data)
    odd = b" \r\n" + json.dumps(image.manifest_json, indent="\t").encode().replace(b"\n", b"\r\n") + b"\n\t \n"
    resp = oci.put_manifest(repo, "odd", odd, OCI_MANIFEST)
    assert resp.status_code == 201, describe(resp)
    assert resp.headers["Docker-Content-Digest"] == digest_of(odd)
    assert oci.get_manifest(repo, "odd").content == odd


# -- Accept negotiation ----------------------------------------------------------------------------

def test_accept_negotiation(oci, make_repository):
    """A GET whose Accept lists types that exclude the manifest's → 404 MANIFEST_UNKNOWN; no Accept, */*,
    or a list with the type (with parameters, in several headers) → 200 in the stored type."""
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=256)
    index = build_index([image])
    oci.push_image(repo, image, tag="image")
    assert oci.put_manifest(repo, "index", index.manifest, OCI_INDEX).status_code == 201
    path = oci.manifest_path(repo, "image")
    for accept in (None, "*/*", OCI_MANIFEST, f"{DOCKER_MANIFEST}, {OCI_MANIFEST}",
                   f"{DOCKER_MANIFEST};q=0.9, {OCI_MANIFEST};q=0.5", "application/*, */*;q=0.1"):
        headers = {"Accept": accept} if accept else {}
        resp = oci.get(path, headers=headers)
        assert resp.status_code == 200 and resp.headers["Content-Type"] == OCI_MANIFEST, (accept, describe(resp))
        assert resp.content == image.manifest
    for accept in (DOCKER_MANIFEST, f"{DOCKER_MANIFEST}, {DOCKER_LIST}", OCI_INDEX):
        expect_oci_error(oci.get(path, headers={"Accept": accept}), 404, "MANIFEST_UNKNOWN")
        head = oci.head(path, headers={"Accept": accept})
        assert head.status_code == 404, describe(head)
    # several Accept headers count together (requests folds repeated headers, so http.client sends them)
    host, port = oci.host.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("GET", path)
    conn.putheader("Authorization", basic(oci.password))
    conn.putheader("Accept", DOCKER_MANIFEST)
    conn.putheader("Accept", OCI_MANIFEST)
    conn.endheaders()
    raw = conn.getresponse()
    assert raw.status == 200 and raw.read() == image.manifest, raw.status
    conn.close()
    index_path = oci.manifest_path(repo, "index")
    assert oci.get(index_path, headers={"Accept": ACCEPT_ALL}).headers["Content-Type"] == OCI_INDEX
    expect_oci_error(oci.get(index_path, headers={"Accept": f"{OCI_MANIFEST}, {DOCKER_MANIFEST}"}), 404,
                     "MANIFEST_UNKNOWN")


# -- tags and catalog pagination --------------------------------------------------------------------

def collect_pages(oci: OCIClient, first: requests.Response, key: str) -> list[list[str]]:
    pages, resp = [], first
    for _ in range(100):
        assert resp.status_code == 200, describe(resp)
        pages.append(resp.json().get(key) or [])
        nxt = parse_link(resp)
        if not nxt:
            return pages
        resp = oci.get(nxt)
    raise AssertionError("more than 100 pages")


def test_tags_list_pagination(oci, make_repository):
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=256)
    oci.push_image(repo, image)
    tags = ["1.0", "1.0.1", "2", "Alpha", "_under", "beta", "latest", "v0.9", "v1", "zeta"]
    for tag in tags:
        assert oci.put_manifest(repo, tag, image.manifest, OCI_MANIFEST).status_code == 201
    full = oci.tags(repo)
    assert full.status_code == 200 and full.json()["name"] == repo, describe(full)
    order = full.json()["tags"]
    # lexical (case-insensitive) or ASCIIbetical order, as the spec allows
    assert order in (sorted(tags), sorted(tags, key=str.lower)), describe(full)
    assert "Link" not in full.headers, describe(full)
    # n: exactly n, with a Link while more remain; following the Links gives every tag once, in order
    first = oci.tags(repo, n=3)
    assert first.json()["tags"] == order[:3], describe(first)
    assert parse_link(first), describe(first)
    pages = collect_pages(oci, first, "tags")
    assert [t for page in pages for t in page] == order
    assert all(len(p) <= 3 for p in pages) and len(pages) == 4, pages
    # last: the tags after it
    after = oci.tags(repo, n=4, last=order[3])
    assert after.json()["tags"] == order[4:8], describe(after)
    assert oci.tags(repo, last=order[3]).json()["tags"] == order[4:]
    assert oci.tags(repo, last=order[-1]).json().get("tags") in ([], None)
    # n=0: an empty list and no Link (distribution-spec: MUST)
    zero = oci.tags(repo, n=0)
    assert zero.status_code == 200 and (zero.json().get("tags") or []) == [], describe(zero)
    assert "Link" not in zero.headers, describe(zero)
    # exactly n left: no Link needed after the last page
    last_page = oci.tags(repo, n=2, last=order[-3])
    assert last_page.json()["tags"] == order[-2:], describe(last_page)


def test_catalog_pagination(oci, oci_two, oci_anonymous, make_repository):
    prefix = f"catalog-{uuid.uuid4().hex[:8]}"
    mine = sorted(make_repository(f"{prefix}/r{i}") for i in range(5))
    full = oci.get("/v2/_catalog", params={"n": 1000})
    assert full.status_code == 200, describe(full)
    names = full.json()["repositories"]
    assert names == sorted(names), names
    assert set(mine) <= set(names)
    assert len(names) == len(set(names))
    pages = collect_pages(oci, oci.get("/v2/_catalog", params={"n": 2}), "repositories")
    assert [n for page in pages for n in page] == names
    assert all(len(p) <= 2 for p in pages)
    after = oci.get("/v2/_catalog", params={"n": 3, "last": mine[1]})
    assert after.json()["repositories"] == [n for n in names if n > mine[1]][:3], describe(after)
    zero = oci.get("/v2/_catalog", params={"n": 0})
    assert zero.status_code == 200 and zero.json()["repositories"] == [] and "Link" not in zero.headers
    # the catalog is the caller's: account two does not see account one's repositories
    theirs = oci_two.get("/v2/_catalog", params={"n": 1000}).json()["repositories"]
    assert not set(mine) & set(theirs)
    expect_challenge(oci_anonymous.get("/v2/_catalog"))


# -- deletes ----------------------------------------------------------------------------------

def test_deletes(oci, make_repository):
    repo = make_repository()
    image = build_image(layer_count=2, layer_size=512)
    oci.push_image(repo, image, tag="one")
    assert oci.put_manifest(repo, "two", image.manifest, OCI_MANIFEST).status_code == 201
    # a blob an image uses cannot be deleted
    used = image.layers[0].digest
    resp = oci.delete(oci.blob_path(repo, used))
    expect_oci_error(resp, (400, 403, 405, 409), ("DENIED", "UNSUPPORTED", "BLOB_UPLOAD_INVALID"))
    assert oci.head(oci.blob_path(repo, used)).status_code == 200
    # a tag: 202, the tag is gone, the image and its other tag stay
    assert oci.delete(oci.manifest_path(repo, "one")).status_code == 202
    expect_oci_error(oci.get_manifest(repo, "one"), 404, "MANIFEST_UNKNOWN")
    assert oci.get_manifest(repo, "two").status_code == 200
    assert oci.get_manifest(repo, image.digest).status_code == 200
    assert oci.tags(repo).json()["tags"] == ["two"]
    expect_oci_error(oci.delete(oci.manifest_path(repo, "one")), 404, "MANIFEST_UNKNOWN")
    # the manifest: 202, gone by digest and by every tag
    assert oci.delete(oci.manifest_path(repo, image.digest)).status_code == 202
    expect_oci_error(oci.get_manifest(repo, image.digest), 404, "MANIFEST_UNKNOWN")
    expect_oci_error(oci.get_manifest(repo, "two"), 404, "MANIFEST_UNKNOWN")
    assert (oci.tags(repo).json().get("tags") or []) == []
    expect_oci_error(oci.delete(oci.manifest_path(repo, image.digest)), 404, "MANIFEST_UNKNOWN")
    # now the blobs can go
    for digest in image.blobs:
        delete_blob(oci, repo, digest)
    expect_oci_error(oci.delete(oci.blob_path(repo, used)), 404, "BLOB_UNKNOWN")


def test_image_in_an_index_cannot_be_deleted_first(oci, make_repository):
    repo = make_repository()
    a, b = build_image(layer_count=1, layer_size=256), build_image(layer_count=1, layer_size=256)
    oci.push_image(repo, a)
    oci.push_image(repo, b)
    index = build_index([a, b])
    assert oci.put_manifest(repo, "multi", index.manifest, OCI_INDEX).status_code == 201
    resp = oci.delete(oci.manifest_path(repo, a.digest))
    expect_oci_error(resp, (400, 403, 405, 409), ("DENIED", "UNSUPPORTED", "MANIFEST_INVALID"))
    assert oci.get_manifest(repo, a.digest).status_code == 200
    assert oci.delete(oci.manifest_path(repo, index.digest)).status_code == 202
    assert oci.delete(oci.manifest_path(repo, a.digest)).status_code == 202


# -- names with slashes --------------------------------------------------------------------------

def test_names_with_slashes(oci, make_repository):
    repo = make_repository("team-x/app/sub")
    assert repo.count("/") >= 3
    image = build_image(layer_count=2, layer_size=1024)
    ways = iter(BLOB_PUSH_WAYS)
    for digest, data in image.blobs.items():
        resp = push_blob(oci, repo, data, digest, next(ways))
        assert_created_blob(oci, resp, repo, digest, data)
    resp = oci.put_manifest(repo, "v1", image.manifest, OCI_MANIFEST)
    assert resp.status_code == 201, describe(resp)
    assert urlsplit(location_of(oci, resp)).path.startswith(f"/v2/{repo}/manifests/"), describe(resp)
    tags = oci.tags(repo)
    assert tags.json() == {"name": repo, "tags": ["v1"]}, describe(tags)
    assert oci.get_manifest(repo, "v1").content == image.manifest
    refs = oci.get(f"/v2/{repo}/referrers/{image.digest}")
    assert refs.status_code == 200 and refs.json()["manifests"] == [], describe(refs)
    # a prefix of the name is not a repository
    parent = repo.rsplit("/", 1)[0]
    expect_oci_error(oci.tags(parent), 404, "NAME_UNKNOWN")


def test_error_bodies_have_the_spec_shape(oci, make_repository):
    """Every refusal above went through expect_oci_error; here the envelope itself: `errors` with `code`,
    `message` and `detail`."""
    repo = make_repository()
    resp = oci.get_manifest(repo, "nothing-here")
    body = resp.json()
    assert set(body) == {"errors"}, body
    error = body["errors"][0]
    assert error["code"] == "MANIFEST_UNKNOWN" and isinstance(error["message"], str) and "detail" in error, body


# -- beyond the suite: more of the contract ----------------------------------------------------

def test_referrers_errors(oci, make_repository):
    """An invalid digest → 400 (the spec: MUST); an unknown repository → 404 NAME_UNKNOWN."""
    repo = make_repository()
    expect_oci_error(oci.get(f"/v2/{repo}/referrers/sha256:not-hex"), 400, "DIGEST_INVALID")
    expect_oci_error(oci.get(f"/v2/no-such-{uuid.uuid4().hex[:8]}/referrers/{unknown_digest()}"), 404,
                     "NAME_UNKNOWN")


def test_referrers_are_per_repository_and_follow_deletes(oci, make_repository):
    repo, other = make_repository(), make_repository()
    td = data_artifacts_with_subject()
    c = Checks("referrers")
    push_data_set(c, oci, repo, td)
    c.done()
    subject, goals = next(iter(td.referrers.items()))
    assert len(oci.get(f"/v2/{repo}/referrers/{subject}").json()["manifests"]) == len(goals)
    assert oci.get(f"/v2/{other}/referrers/{subject}").json()["manifests"] == []
    gone = goals[0]["digest"]
    assert oci.delete(oci.manifest_path(repo, gone)).status_code == 202
    left = [m["digest"] for m in oci.get(f"/v2/{repo}/referrers/{subject}").json()["manifests"]]
    assert gone not in left and len(left) == len(goals) - 1


def test_blobs_are_per_repository(oci, oci_two, make_repository, ecr_two):
    """A blob pushed to one repository is not in another (nor in another account's), until mounted."""
    repo, other = make_repository(), make_repository()
    theirs = make_repository(client=ecr_two)
    data = random_bytes(700)
    digest = oci.push_blob(repo, data)
    assert oci.head(oci.blob_path(other, digest)).status_code == 404
    assert oci_two.head(oci_two.blob_path(theirs, digest)).status_code == 404
    expect_oci_error(oci_two.get(oci_two.blob_path(theirs, digest)), 404, "BLOB_UNKNOWN")


def test_session_is_consumed_by_the_put(oci, make_repository):
    repo = make_repository()
    data = random_bytes(1000)
    url = start_session(oci, repo)
    done = oci.put(with_query(url, digest=digest_of(data)), data=data, headers={"Content-Type": OCTET_STREAM})
    assert done.status_code == 201, describe(done)
    expect_oci_error(oci.get(url), 404, "BLOB_UPLOAD_UNKNOWN")
    expect_oci_error(patch_chunk(oci, url, 1000, b"more"), 404, "BLOB_UPLOAD_UNKNOWN")
    expect_oci_error(oci.put(with_query(url, digest=digest_of(data))), 404, "BLOB_UPLOAD_UNKNOWN")


def test_two_sessions_for_the_same_blob(oci, make_repository):
    repo = make_repository()
    data = random_bytes(3000)
    first, second = start_session(oci, repo), start_session(oci, repo)
    assert first != second
    for url in (first, second):
        resp = patch_chunk(oci, url, 0, data[:1500])
        assert resp.status_code == 202, describe(resp)
    for url in (second, first):
        resp = oci.put(with_query(url, digest=digest_of(data)), data=data[1500:],
                       headers={"Content-Type": OCTET_STREAM, "Content-Range": "1500-2999"})
        assert_created_blob(oci, resp, repo, digest_of(data), data)


def test_chunk_whose_length_differs_from_its_range(oci, make_repository):
    """A PATCH whose body is shorter or longer than its Content-Range is refused (400 or 416) and the session
    keeps what it had."""
    repo = make_repository()
    data = random_bytes(2000)
    url = start_session(oci, repo)
    resp = patch_chunk(oci, url, 0, data[:1000])
    url = location_of(oci, resp)
    for body, header in ((data[1000:1500], "1000-1999"), (data[1000:2000], "1000-1499")):
        bad = oci.patch(url, data=body, headers={"Content-Type": OCTET_STREAM, "Content-Range": header})
        expect_oci_error(bad, (400, 416), ("BLOB_UPLOAD_INVALID", "SIZE_INVALID"))
        status = oci.get(url)
        assert status.status_code == 204 and range_end(status) == 999, describe(status)
    resp = patch_chunk(oci, url, 1000, data[1000:])
    done = oci.put(with_query(location_of(oci, resp), digest=digest_of(data)), headers={"Content-Length": "0"})
    assert_created_blob(oci, done, repo, digest_of(data), data)


def test_a_tag_moves_in_a_mutable_repository(oci, make_repository):
    repo = make_repository()
    first, second = build_image(layer_count=1, layer_size=256), build_image(layer_count=1, layer_size=256)
    oci.push_image(repo, first, tag="latest")
    oci.push_image(repo, second, tag="latest")
    assert oci.get_manifest(repo, "latest").headers["Docker-Content-Digest"] == second.digest
    assert oci.get_manifest(repo, first.digest).status_code == 200    # still there, untagged
    assert oci.tags(repo).json()["tags"] == ["latest"]


def test_blob_pushed_again_after_its_delete(oci, make_repository):
    repo = make_repository()
    data = random_bytes(900)
    digest = oci.push_blob(repo, data)
    delete_blob(oci, repo, digest)
    assert oci.push_blob(repo, data, how="chunked") == digest
    assert_blob(oci, repo, digest, data)


@pytest.mark.slow
def test_unfinished_session_expires(server_factory):
    """Upload sessions expire with the ECR uploads (`--upload-expiry`)."""
    from oci_helpers import registry_password
    from tessera_server import TEST_ACCOUNTS, make_client
    server = server_factory("tessera-oci-expiry", extra_args=[
        "--upload-expiry", "2", "--gc-interval", "1", "--gc-grace", "1"]).start()
    ecr = make_client(server.endpoint, TEST_ACCOUNTS["one"], "ecr")
    repo = f"expiry-{uuid.uuid4().hex[:8]}"
    ecr.create_repository(repositoryName=repo)
    oci = OCIClient(server.endpoint, registry_password(ecr))
    url = start_session(oci, repo)
    assert patch_chunk(oci, url, 0, b"x" * 100).status_code == 202
    deadline = time.monotonic() + 15
    while oci.get(url).status_code == 204:
        assert time.monotonic() < deadline, "the unfinished upload session did not expire"
        time.sleep(0.5)
    expect_oci_error(oci.get(url), 404, "BLOB_UPLOAD_UNKNOWN")
    data = random_bytes(300)
    assert oci.push_blob(repo, data) == digest_of(data)


def test_manifest_content_type_parameters_and_missing_media_type(oci, make_repository):
    """The registry SHOULD ignore parameters on Content-Type; an OCI manifest without a `mediaType` member is
    pushed with its Content-Type and served in it."""
    repo = make_repository()
    image = build_image(layer_count=1, layer_size=256)
    for data in image.blobs.values():
        oci.push_blob(repo, data)
    resp = oci.put_manifest(repo, "params", image.manifest, OCI_MANIFEST + "; charset=utf-8")
    assert resp.status_code == 201, describe(resp)
    assert oci.get_manifest(repo, "params").headers["Content-Type"] == OCI_MANIFEST
    bare = image.manifest_json
    del bare["mediaType"]
    body = json.dumps(bare).encode()
    resp = oci.put_manifest(repo, "bare", body, OCI_MANIFEST)
    assert resp.status_code == 201, describe(resp)
    got = oci.get_manifest(repo, "bare")
    assert got.headers["Content-Type"] == OCI_MANIFEST and got.content == body, describe(got)
