"""Helpers for the OCI distribution API (`/v2/…`) tests: the registry password, a raw `/v2` client on
`requests` with HTTP Basic `AWS:<password>`, digests (`sha256:`/`sha512:`), every blob upload path of the
spec, the OCI error envelope, test data as the distribution-spec conformance suite generates it (images,
indexes, artifacts, subjects), OCI image layouts for skopeo, and a rootfs tar for `docker import`.

Everything is made by the test: no image comes from the internet.
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import io
import json
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import tarfile
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence
from urllib.parse import urljoin, urlsplit

import requests

KiB = 1024
MiB = 1024 * 1024

# -- media types ----------------------------------------------------------------------

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_EMPTY = "application/vnd.oci.empty.v1+json"
OCI_EMPTY_DATA = b"{}"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCTET_STREAM = "application/octet-stream"
# the conformance suite's example artifact types (conformance/testdata.go)
EXAMPLE_TYPE_1 = "application/vnd.example.oci.conformance.v1"
EXAMPLE_TYPE_2 = "application/vnd.example.oci.conformance.v2"

# The spec's error codes (distribution-spec 1.1, "Error Codes"), plus TAG_INVALID, which the spec lets
# clients meet and which this registry uses for immutable tags.
SPEC_ERROR_CODES = {
    "BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID",
    "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "NAME_INVALID", "NAME_UNKNOWN",
    "SIZE_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED", "TOOMANYREQUESTS",
}
ERROR_CODES = SPEC_ERROR_CODES | {"TAG_INVALID"}

CHUNK_MIN = 1024  # the conformance suite's smallest chunk (conformance/config.go chunkMin)
RANGE_RE = re.compile(r"^0-(\d+)$")


# -- digests, passwords ------------------------------------------------------------------

def digest_of(data: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm}:" + hashlib.new(algorithm, data).hexdigest()


def random_bytes(size: int, seed: Optional[int] = None) -> bytes:
    rng = random.Random(seed) if seed is not None else random
    return rng.randbytes(size)


def unknown_digest(algorithm: str = "sha256") -> str:
    return digest_of(uuid.uuid4().bytes, algorithm)


def registry_password(ecr_client) -> str:
    """The password of GetAuthorizationToken: base64-decode `authorizationToken`, strip `AWS:`."""
    token = ecr_client.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    user, _, password = base64.b64decode(token).decode().partition(":")
    assert user == "AWS", user
    return password


def basic(password: str, user: str = "AWS") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def public_name(account: str, name: str) -> str:
    """How an ECR Public repository is named under /v2: `r<account>/<name>`."""
    return f"r{account}/{name}"


# -- the raw /v2 client ------------------------------------------------------------------

def describe(resp: requests.Response, body_limit: int = 600) -> str:
    """A request and its response, for assertion messages (and the lead's fault reports)."""
    req = resp.request
    lines = [f"> {req.method} {req.url}"]
    lines += [f"> {k}: {v}" for k, v in req.headers.items() if k.lower() != "authorization"]
    body = req.body
    if isinstance(body, (bytes, str)) and body:
        shown = body[:200] if isinstance(body, str) else body[:200].decode(errors="replace")
        lines.append(f"> ({len(body)} bytes) {shown!r}")
    lines.append(f"< {resp.status_code} {resp.reason}")
    lines += [f"< {k}: {v}" for k, v in resp.headers.items()]
    if req.method != "HEAD" and resp.content:
        lines.append("< " + resp.content[:body_limit].decode(errors="replace"))
    return "\n".join(lines)


class OCIClient:
    """A `/v2` client: `requests` with HTTP Basic `AWS:<password>` (or anonymous), no redirects followed,
    no retries. Paths are relative to the endpoint; absolute URLs (a `Location`) are used as given."""

    def __init__(self, endpoint: str, password: Optional[str] = None, user: str = "AWS",
                 timeout: float = 60.0):
        self.endpoint = endpoint.rstrip("/")
        self.password = password
        self.user = user
        self.timeout = timeout
        self.session = requests.Session()

    @property
    def host(self) -> str:
        """`127.0.0.1:PORT`, as docker and skopeo name the registry."""
        return urlsplit(self.endpoint).netloc

    def with_password(self, password: Optional[str], user: str = "AWS") -> "OCIClient":
        return OCIClient(self.endpoint, password, user, self.timeout)

    def url(self, path: str) -> str:
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return urljoin(self.endpoint + "/", path.lstrip("/")) if not path.startswith("/") \
            else self.endpoint + path

    def request(self, method: str, path: str, *, headers: Optional[dict] = None, **kwargs) -> requests.Response:
        headers = dict(headers or {})
        if self.password is not None and "Authorization" not in headers:
            headers["Authorization"] = basic(self.password, self.user)
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        return self.session.request(method, self.url(path), headers=headers, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def head(self, path, **kw):
        return self.request("HEAD", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def patch(self, path, **kw):
        return self.request("PATCH", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # -- paths ------------------------------------------------------------------------

    @staticmethod
    def blob_path(repo: str, digest: str) -> str:
        return f"/v2/{repo}/blobs/{digest}"

    @staticmethod
    def manifest_path(repo: str, reference: str) -> str:
        return f"/v2/{repo}/manifests/{reference}"

    @staticmethod
    def uploads_path(repo: str) -> str:
        return f"/v2/{repo}/blobs/uploads/"

    # -- convenience ------------------------------------------------------------------

    def push_blob(self, repo: str, data: bytes, algorithm: str = "sha256", how: str = "post-put") -> str:
        """Push `data` one of the spec's ways; asserts 201; returns the digest."""
        digest = digest_of(data, algorithm)
        resp = push_blob(self, repo, data, digest, how)
        assert resp.status_code == 201, describe(resp)
        return digest

    def put_manifest(self, repo: str, reference: str, body: bytes, media_type: str) -> requests.Response:
        return self.put(self.manifest_path(repo, reference), data=body,
                        headers={"Content-Type": media_type})

    def get_manifest(self, repo: str, reference: str, accept: Sequence[str] = (OCI_MANIFEST, OCI_INDEX,
                     DOCKER_MANIFEST, DOCKER_LIST)) -> requests.Response:
        return self.get(self.manifest_path(repo, reference), headers={"Accept": ", ".join(accept)})

    def tags(self, repo: str, **params) -> requests.Response:
        return self.get(f"/v2/{repo}/tags/list", params=params or None)

    def push_image(self, repo: str, image: "ImageBundle", tag: Optional[str] = None,
                   how: str = "post-put") -> requests.Response:
        """Every blob of `image` that the repository lacks (HEAD first, as clients do), then the manifest
        by `tag` (or by digest); asserts 201."""
        for digest, data in image.blobs.items():
            if self.head(self.blob_path(repo, digest)).status_code != 200:
                assert push_blob(self, repo, data, digest, how).status_code == 201
        resp = self.put_manifest(repo, tag or image.digest, image.manifest, image.media_type)
        assert resp.status_code == 201, describe(resp)
        return resp


def location_of(client: OCIClient, resp: requests.Response) -> str:
    """The absolute URL of a response's `Location` (which may be relative)."""
    loc = resp.headers.get("Location")
    assert loc, f"no Location header\n{describe(resp)}"
    return urljoin(resp.request.url, loc)


def with_query(url: str, **params) -> str:
    from urllib.parse import urlencode
    sep = "&" if urlsplit(url).query else "?"
    return url + sep + urlencode(params)


def range_end(resp: requests.Response) -> int:
    """The `<end>` of a `Range: 0-<end>` header (the last byte the session holds)."""
    value = resp.headers.get("Range", "")
    match = RANGE_RE.match(value)
    assert match, f"Range header {value!r} is not 0-<end>\n{describe(resp)}"
    return int(match.group(1))


def start_session(client: OCIClient, repo: str, **params) -> str:
    """POST /v2/NAME/blobs/uploads/ → 202 with a Location; returns the session URL."""
    resp = client.post(client.uploads_path(repo), params=params or None, headers={"Content-Length": "0"})
    assert resp.status_code == 202, describe(resp)
    return location_of(client, resp)


def chunks_of(data: bytes, count: int = 3, minimum: int = CHUNK_MIN) -> list[tuple[int, bytes]]:
    """`data` in about `count` chunks of at least `minimum` bytes (the last may be smaller):
    [(first byte, bytes)] as the conformance suite cuts them."""
    size = max(len(data) // count + 1, minimum)
    size = min(size, max(len(data), 1))
    return [(o, data[o:o + size]) for o in range(0, len(data), size)] or [(0, b"")]


def patch_chunk(client: OCIClient, url: str, first: int, chunk: bytes,
                content_range: bool = True) -> requests.Response:
    headers = {"Content-Type": OCTET_STREAM}
    if content_range:
        headers["Content-Range"] = f"{first}-{first + len(chunk) - 1}"
    return client.patch(url, data=chunk, headers=headers)


def push_blob(client: OCIClient, repo: str, data: bytes, digest: Optional[str] = None,
              how: str = "post-put", chunks: int = 3) -> requests.Response:
    """Push `data` by one of the spec's upload paths and return the final response (not asserted, so
    a test can expect a failure there). Intermediate steps are asserted.

    how: "post-only" (POST ?digest= with the body), "post-put" (POST, PUT ?digest= with the body),
    "chunked" (POST, PATCHes with Content-Range, empty PUT), "chunked-put-last" (the last chunk in the
    PUT), "stream" (POST, one PATCH without Content-Range, empty PUT).
    """
    digest = digest or digest_of(data)
    uploads = client.uploads_path(repo)
    if how == "post-only":
        return client.post(uploads, params={"digest": digest}, data=data,
                           headers={"Content-Type": OCTET_STREAM})
    url = start_session(client, repo)
    if how == "post-put":
        return client.put(with_query(url, digest=digest), data=data, headers={"Content-Type": OCTET_STREAM})
    if how == "stream":
        resp = patch_chunk(client, url, 0, data, content_range=False)
        assert resp.status_code == 202, describe(resp)
        url = location_of(client, resp)
        return client.put(with_query(url, digest=digest), headers={"Content-Length": "0"})
    if how in ("chunked", "chunked-put-last"):
        pieces = chunks_of(data, chunks)
        last = pieces.pop() if how == "chunked-put-last" else None
        for first, chunk in pieces:
            resp = patch_chunk(client, url, first, chunk)
            assert resp.status_code == 202, describe(resp)
            assert range_end(resp) == first + len(chunk) - 1, describe(resp)
            url = location_of(client, resp)
        if last is None:
            return client.put(with_query(url, digest=digest), headers={"Content-Length": "0"})
        first, chunk = last
        return client.put(with_query(url, digest=digest), data=chunk, headers={
            "Content-Type": OCTET_STREAM, "Content-Range": f"{first}-{first + len(chunk) - 1}"})
    raise ValueError(how)


BLOB_PUSH_WAYS = ("post-only", "post-put", "chunked", "chunked-put-last", "stream")


# -- errors ---------------------------------------------------------------------------------

def expect_oci_error(resp: requests.Response, status: int | Sequence[int], code=None) -> Optional[dict]:
    """The response has `status` (or one of them) and, unless it answers a HEAD, the OCI error body
    `{"errors": [{"code", "message", "detail"}]}` with codes of the spec; `code` (or one of a tuple) is the
    first error's. Returns the first error."""
    statuses = (status,) if isinstance(status, int) else tuple(status)
    assert resp.status_code in statuses, f"expected {statuses}\n{describe(resp)}"
    if resp.request.method == "HEAD":
        assert not resp.content
        return None
    assert resp.headers.get("Content-Type", "").split(";")[0].strip() == "application/json", describe(resp)
    body = resp.json()
    errors = body.get("errors")
    assert isinstance(errors, list) and errors, describe(resp)
    for error in errors:
        assert isinstance(error.get("code"), str) and re.fullmatch(r"[A-Z_]+", error["code"]), describe(resp)
        assert error["code"] in ERROR_CODES, f"not a spec error code: {error['code']}\n{describe(resp)}"
        assert "message" not in error or isinstance(error["message"], str), describe(resp)
    if code is not None:
        codes = (code,) if isinstance(code, str) else tuple(code)
        assert errors[0]["code"] in codes, f"expected {codes}\n{describe(resp)}"
    return errors[0]


def expect_challenge(resp: requests.Response) -> None:
    """401 UNAUTHORIZED with the Basic challenge docker answers."""
    expect_oci_error(resp, 401, "UNAUTHORIZED")
    challenge = resp.headers.get("WWW-Authenticate", "")
    assert challenge.lower().startswith("basic ") and 'realm="Tessera"' in challenge, describe(resp)


# -- layers, configs, images -------------------------------------------------------------

def tar_bytes(files: dict[str, bytes], mode: int = 0o644, executable: Iterable[str] = ()) -> bytes:
    """A tar of `files` (name → content), deterministic (fixed mtime, root-owned)."""
    executable = set(executable)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = 1700000000
            info.mode = 0o755 if name in executable else mode
            tar.addfile(info, io.BytesIO(content))
    return buf.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


@dataclass(frozen=True)
class Layer:
    data: bytes       # as stored (tar+gzip or tar)
    diff_id: str      # sha256 of the uncompressed tar
    media_type: str

    @property
    def digest(self) -> str:
        return digest_of(self.data)

    def descriptor(self) -> dict:
        return {"mediaType": self.media_type, "digest": self.digest, "size": len(self.data)}


def make_layer(files: dict[str, bytes], media_type: str = OCI_LAYER_GZIP,
               executable: Iterable[str] = ()) -> Layer:
    raw = tar_bytes(files, executable=executable)
    data = gzip_bytes(raw) if media_type.endswith("gzip") else raw
    return Layer(data, digest_of(raw), media_type)


def random_layers(count: int = 3, size: int = 4 * KiB, media_type: str = OCI_LAYER_GZIP) -> list[Layer]:
    """`count` tar(+gzip) layers, each holding one file of `size` random (incompressible) bytes."""
    return [make_layer({f"layer-{i}/data-{uuid.uuid4().hex[:8]}.bin": random_bytes(size)}, media_type)
            for i in range(count)]


@dataclass
class ImageBundle:
    """An image (or index) with everything a push needs: its manifest bytes and every blob."""
    manifest: bytes
    media_type: str
    blobs: dict[str, bytes] = field(default_factory=dict)   # digest → bytes (config and layers)
    config: Optional[bytes] = None
    layers: list[Layer] = field(default_factory=list)
    children: list["ImageBundle"] = field(default_factory=list)

    @property
    def digest(self) -> str:
        return digest_of(self.manifest)

    @property
    def manifest_json(self) -> dict:
        return json.loads(self.manifest)

    def descriptor(self, **extra) -> dict:
        return {"mediaType": self.media_type, "digest": self.digest, "size": len(self.manifest), **extra}

    @property
    def layer_digests(self) -> list[str]:
        return [l.digest for l in self.layers]


def image_config(layers: Sequence[Layer], entrypoint: Optional[list] = None, arch: str = "amd64",
                 label: Optional[str] = None) -> bytes:
    config = {
        "architecture": arch, "os": "linux",
        "config": {"Labels": {"tessera.test": label or uuid.uuid4().hex}},
        "rootfs": {"type": "layers", "diff_ids": [l.diff_id for l in layers]},
        "history": [{"created_by": "tessera compat test"} for _ in layers],
    }
    if entrypoint:
        config["config"]["Entrypoint"] = entrypoint
    return json.dumps(config, separators=(",", ":")).encode()


def build_image(layers: Optional[Sequence[Layer]] = None, *, layer_count: int = 3, layer_size: int = 4 * KiB,
                docker: bool = False, entrypoint: Optional[list] = None, arch: str = "amd64",
                annotations: Optional[dict] = None) -> ImageBundle:
    """An OCI (or Docker schema 2) image of several tar+gzip layers."""
    layer_type = DOCKER_LAYER if docker else OCI_LAYER_GZIP
    layers = list(layers) if layers is not None else random_layers(layer_count, layer_size, layer_type)
    config = image_config(layers, entrypoint, arch)
    config_type = DOCKER_CONFIG if docker else OCI_CONFIG
    manifest = {"schemaVersion": 2, "mediaType": DOCKER_MANIFEST if docker else OCI_MANIFEST,
                "config": {"mediaType": config_type, "digest": digest_of(config), "size": len(config)},
                "layers": [l.descriptor() for l in layers]}
    if annotations:
        manifest["annotations"] = annotations
    blobs = {digest_of(config): config, **{l.digest: l.data for l in layers}}
    return ImageBundle(json.dumps(manifest, indent=2).encode(), manifest["mediaType"], blobs, config, layers)


def build_index(children: Sequence[ImageBundle], arches: Sequence[str] = ("amd64", "arm64")) -> ImageBundle:
    manifests = [c.descriptor(platform={"architecture": a, "os": "linux"}) for c, a in zip(children, arches)]
    body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}, indent=2).encode()
    blobs = {}
    for child in children:
        blobs.update(child.blobs)
    return ImageBundle(body, OCI_INDEX, blobs, children=list(children))


# -- a tiny static program for `docker run` ----------------------------------------------

def hello_elf(message: bytes = b"hello from tessera\n") -> bytes:
    """A 172-byte static x86-64 Linux executable that writes `message` to stdout and exits 0."""
    base, ehdr_size, phdr_size = 0x400000, 64, 56
    code_offset = ehdr_size + phdr_size
    code = b"\xb8\x01\x00\x00\x00" + b"\xbf\x01\x00\x00\x00"        # mov eax, 1 (write); mov edi, 1
    lea = len(code)
    code += b"\x48\x8d\x35\x00\x00\x00\x00"                          # lea rsi, [rip + message]
    code += b"\xba" + struct.pack("<I", len(message)) + b"\x0f\x05"  # mov edx, len; syscall
    code += b"\xb8\x3c\x00\x00\x00" + b"\x31\xff" + b"\x0f\x05"      # mov eax, 60 (exit); xor edi, edi; syscall
    code = code[:lea + 3] + struct.pack("<i", len(code) - (lea + 7)) + code[lea + 7:]
    body = code + message
    total = code_offset + len(body)
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8
    ehdr += struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, base + code_offset, ehdr_size, 0, 0,
                        ehdr_size, phdr_size, 1, 0, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, total, total, 0x1000)
    return ehdr + phdr + body


HELLO_MESSAGE = b"hello from tessera\n"


def rootfs_files(extra_size: int = 4 * KiB) -> dict[str, bytes]:
    """A tiny root filesystem: /hello (static, prints HELLO_MESSAGE) and a file of random bytes."""
    return {"hello": hello_elf(HELLO_MESSAGE), f"data/{uuid.uuid4().hex}.bin": random_bytes(extra_size),
            "etc/tessera-release": b"compat test rootfs\n"}


def rootfs_tar(extra_size: int = 4 * KiB) -> bytes:
    """What `docker import` reads."""
    return tar_bytes(rootfs_files(extra_size), executable=["hello"])


def runnable_image(docker: bool = True) -> ImageBundle:
    """A one-layer image whose entrypoint is /hello: pushed through the ECR API, then pulled and run."""
    layer = make_layer(rootfs_files(), DOCKER_LAYER if docker else OCI_LAYER_GZIP, executable=["hello"])
    return build_image([layer], docker=docker, entrypoint=["/hello"])


# -- OCI image layouts (skopeo's `oci:` transport) --------------------------------------------

def write_oci_layout(directory: Path, images: dict[str, ImageBundle]) -> Path:
    """An OCI image layout holding `images` (tag → image or index), as `skopeo copy oci:DIR:TAG` reads it."""
    directory = Path(directory)
    blobs_dir = directory / "blobs"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "oci-layout").write_text(json.dumps({"imageLayoutVersion": "1.0.0"}))

    def put(data: bytes) -> None:
        algorithm, _, hexpart = digest_of(data).partition(":")
        path = blobs_dir / algorithm / hexpart
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    manifests = []
    for tag, image in images.items():
        stack = [image]
        while stack:
            item = stack.pop()
            put(item.manifest)
            for data in item.blobs.values():
                put(data)
            stack.extend(item.children)
        manifests.append(image.descriptor(annotations={"org.opencontainers.image.ref.name": tag}))
    (directory / "index.json").write_text(json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX,
                                                      "manifests": manifests}))
    return directory


def write_dir_layout(directory: Path, image: ImageBundle) -> Path:
    """skopeo's `dir:` transport (manifest.json, one file per blob named by its hex digest, `version`): it
    holds Docker schema 2 manifests, which skopeo's `oci:` reader does not."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "version").write_text("Directory Transport Version: 1.1\n")
    (directory / "manifest.json").write_bytes(image.manifest)
    for digest, data in image.blobs.items():
        (directory / digest.split(":", 1)[1]).write_bytes(data)
    return directory


def read_oci_layout(directory: Path, tag: str) -> tuple[dict, bytes]:
    """(the index.json descriptor of `tag`, its manifest bytes) from a layout skopeo wrote."""
    directory = Path(directory)
    index = json.loads((directory / "index.json").read_text())
    for desc in index["manifests"]:
        name = desc.get("annotations", {}).get("org.opencontainers.image.ref.name")
        if name == tag or len(index["manifests"]) == 1:
            return desc, layout_blob(directory, desc["digest"])
    raise AssertionError(f"no {tag} in {index}")


def layout_blob(directory: Path, digest: str) -> bytes:
    algorithm, _, hexpart = digest.partition(":")
    return (Path(directory) / "blobs" / algorithm / hexpart).read_bytes()


# -- conformance test data (a port of distribution-spec conformance/testdata.go) ---------

def _rand_text() -> str:
    return base64.b32encode(os.urandom(16)).decode().rstrip("=")


@dataclass
class TestData:
    """One data set of the conformance suite: blobs, manifests in push order, tags, and the referrers each
    subject should list. Digests use `algorithm` throughout (sha256 or sha512)."""
    name: str
    algorithm: str = "sha256"
    blobs: dict[str, bytes] = field(default_factory=dict)
    manifests: dict[str, bytes] = field(default_factory=dict)      # digest → bytes, in push order
    media_types: dict[str, str] = field(default_factory=dict)      # manifest digest → media type
    desc: dict[str, dict] = field(default_factory=dict)            # digest → descriptor
    tags: dict[str, str] = field(default_factory=dict)             # tag → digest
    referrers: dict[str, list[dict]] = field(default_factory=dict) # subject digest → expected descriptors

    __test__ = False  # not a pytest class

    def add_blob(self, data: bytes, media_type: str, with_data: bool = False) -> str:
        digest = digest_of(data, self.algorithm)
        self.blobs[digest] = data
        self.desc[digest] = {"mediaType": media_type, "digest": digest, "size": len(data)}
        if with_data:
            self.desc[digest]["data"] = base64.b64encode(data).decode()
        return digest

    def gen_blob(self, size: int = 512, media_type: str = OCTET_STREAM) -> str:
        return self.add_blob(os.urandom(size), media_type)

    def gen_layer(self, number: int, compress: bool = True, with_data: bool = False) -> tuple[str, str]:
        """A tar layer with one small text file; (stored digest, uncompressed digest)."""
        text = (f"Conformance test file contents for file number {number}.\n"
                f"Todays lucky number is {random.getrandbits(62)}\n").encode()
        raw = tar_bytes({f"./conformance-{number}.txt": text})
        data = gzip_bytes(raw) if compress else raw
        digest = self.add_blob(data, OCI_LAYER_GZIP if compress else OCI_LAYER, with_data)
        return digest, digest_of(raw, self.algorithm)

    def gen_config(self, platform: dict, diff_ids: Sequence[str], extra_field: bool = False,
                   with_data: bool = False) -> str:
        config = {"architecture": platform["architecture"], "os": platform["os"],
                  "config": {}, "rootfs": {"type": "layers", "diff_ids": list(diff_ids)}}
        if extra_field:
            config = add_json_fields(config)
        return self.add_blob(json.dumps(config, separators=(",", ":")).encode(), OCI_CONFIG, with_data)

    def _store(self, body: bytes, media_type: str, tag: Optional[str], with_data: bool) -> str:
        digest = digest_of(body, self.algorithm)
        self.manifests[digest] = body
        self.media_types[digest] = media_type
        self.desc[digest] = {"mediaType": media_type, "digest": digest, "size": len(body)}
        if with_data:
            self.desc[digest]["data"] = base64.b64encode(body).decode()
        if tag:
            self.tags[tag] = digest
        return digest

    def gen_manifest(self, config: dict, layers: Sequence[dict], *, artifact_type: Optional[str] = None,
                     subject: Optional[dict] = None, annotations: Optional[dict] = None,
                     annotation_uniq: bool = False, tag: Optional[str] = None, extra_field: bool = False,
                     with_data: bool = False) -> str:
        manifest: dict = {"schemaVersion": 2, "mediaType": OCI_MANIFEST}
        if artifact_type:
            manifest["artifactType"] = artifact_type
        manifest["config"] = config
        manifest["layers"] = list(layers)
        if subject:
            manifest["subject"] = subject
        annotations = dict(annotations or {})
        if annotation_uniq:
            annotations["org.example." + _rand_text()] = _rand_text()
        if annotations:
            manifest["annotations"] = annotations
        if extra_field:
            manifest = add_json_fields(manifest)
        body = json.dumps(manifest, separators=(",", ":")).encode()
        digest = self._store(body, OCI_MANIFEST, tag, with_data)
        if subject:
            self.referrers.setdefault(subject["digest"], []).append({
                "mediaType": OCI_MANIFEST, "artifactType": artifact_type or config["mediaType"],
                "digest": digest, "size": len(body), "annotations": annotations})
        return digest

    def gen_manifest_full(self, *, layer_count: int = 2, platform: Optional[dict] = None,
                          artifact_type: Optional[str] = None, config_media_type: Optional[str] = None,
                          config_bytes: Optional[bytes] = None, layer_media_type: Optional[str] = None,
                          layer_bytes: Optional[bytes] = None, compress: bool = True,
                          subject: Optional[dict] = None, annotations: Optional[dict] = None,
                          annotation_uniq: bool = False, tag: Optional[str] = None,
                          extra_field: bool = False, with_data: bool = False) -> str:
        platform = platform or {"architecture": "amd64", "os": "linux"}
        stored, diff_ids = [], []
        for number in range(layer_count):
            if layer_media_type is None or layer_media_type.startswith("application/vnd.oci.image.layer.v1."):
                digest, diff_id = self.gen_layer(number, compress, with_data)
            elif layer_bytes is not None:
                digest = diff_id = self.add_blob(layer_bytes, layer_media_type, with_data)
            else:
                digest = diff_id = self.add_blob(os.urandom(512), layer_media_type, with_data)
            stored.append(digest)
            diff_ids.append(diff_id)
        if config_media_type is None or config_media_type == OCI_CONFIG:
            config = self.gen_config(platform, diff_ids, extra_field, with_data)
        else:
            config = self.add_blob(config_bytes if config_bytes is not None else b"{}", config_media_type,
                                   with_data)
        return self.gen_manifest(self.desc[config], [self.desc[d] for d in stored],
                                 artifact_type=artifact_type, subject=subject, annotations=annotations,
                                 annotation_uniq=annotation_uniq, tag=tag, extra_field=extra_field,
                                 with_data=with_data)

    def gen_index(self, platforms: Sequence[Optional[dict]], manifests: Sequence[str], *,
                  artifact_type: Optional[str] = None, subject: Optional[dict] = None,
                  annotations: Optional[dict] = None, annotation_uniq: bool = False,
                  tag: Optional[str] = None, extra_field: bool = False, with_data: bool = False) -> str:
        index: dict = {"schemaVersion": 2, "mediaType": OCI_INDEX}
        if artifact_type:
            index["artifactType"] = artifact_type
        entries = []
        for plat, digest in zip(platforms, manifests):
            entry = dict(self.desc[digest])
            if plat:
                entry["platform"] = plat
            entries.append(entry)
        index["manifests"] = entries
        if subject:
            index["subject"] = subject
        annotations = dict(annotations or {})
        if annotation_uniq:
            annotations["org.example." + _rand_text()] = _rand_text()
        if annotations:
            index["annotations"] = annotations
        if extra_field:
            index = add_json_fields(index)
        body = json.dumps(index, separators=(",", ":")).encode()
        digest = self._store(body, OCI_INDEX, tag, with_data)
        if subject:
            entry = {"mediaType": OCI_INDEX, "digest": digest, "size": len(body), "annotations": annotations}
            if artifact_type:
                entry["artifactType"] = artifact_type
            self.referrers.setdefault(subject["digest"], []).append(entry)
        return digest

    def gen_index_full(self, platforms: Sequence[dict] = ({"architecture": "amd64", "os": "linux"},
                                                          {"architecture": "arm64", "os": "linux"}),
                       *, tag: Optional[str] = None, artifact_type: Optional[str] = None,
                       subject: Optional[dict] = None, annotations: Optional[dict] = None,
                       annotation_uniq: bool = False, extra_field: bool = False, **image_opts) -> str:
        children = [self.gen_manifest_full(platform=p, artifact_type=artifact_type, annotations=annotations,
                                           extra_field=extra_field, **image_opts) for p in platforms]
        return self.gen_index(list(platforms), children, artifact_type=artifact_type, subject=subject,
                              annotations=annotations, annotation_uniq=annotation_uniq, tag=tag,
                              extra_field=extra_field)


def add_json_fields(value: dict) -> dict:
    """The conformance suite's "custom fields": an unknown member with a random name at each level."""
    out = copy.deepcopy(value)
    out["com.example.custom-" + _rand_text().lower()[:8]] = {"value": _rand_text()}
    return out


# -- processes ---------------------------------------------------------------------------

def run(cmd: Sequence[str], *, env: Optional[dict] = None, input: Optional[bytes | str] = None,
        timeout: float = 180, check: bool = True, cwd: Optional[Path] = None) -> subprocess.CompletedProcess:
    """Run a client command; on failure with check=True, the assertion shows the command and its output."""
    text = not isinstance(input, bytes)
    proc = subprocess.run(list(map(str, cmd)), env=env, input=input, capture_output=True, text=text,
                          timeout=timeout, cwd=cwd)
    if check:
        assert proc.returncode == 0, (f"$ {' '.join(map(str, cmd))}\nexit {proc.returncode}\n"
                                      f"{proc.stdout}\n{proc.stderr}")
    return proc


class DockerDaemon:
    """A docker daemon the tests can use: the one `.ci/run` started (`DOCKER_HOST`), else one started here
    as the notes describe (vfs, no iptables, no bridge, data/exec roots and socket in a temp dir), stopped
    by its PID. `docker()` runs the CLI against it with a private DOCKER_CONFIG."""

    def __init__(self, host: str, config_dir: Path, pid: Optional[int] = None, root: Optional[Path] = None,
                 containerd_address: Optional[str] = None):
        self.host = host
        self.config_dir = Path(config_dir)
        self.pid = pid
        self.root = root
        self.containerd_address = containerd_address

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKER_")}
        env.update({"DOCKER_HOST": self.host, "DOCKER_CONFIG": str(self.config_dir)})
        return env

    def docker(self, *args, input=None, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess:
        return run(["docker", *args], env=self.env, input=input, check=check, timeout=timeout)

    @staticmethod
    def answers(host: str) -> Optional[str]:
        """None if `docker info` works against `host`, else why not."""
        if not shutil.which("docker"):
            return "the docker CLI is not installed"
        try:
            proc = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True,
                                  text=True, timeout=20, env={**os.environ, "DOCKER_HOST": host})
        except subprocess.TimeoutExpired:
            return f"docker info against {host} timed out"
        return None if proc.returncode == 0 else (proc.stderr.strip() or proc.stdout.strip())

    @classmethod
    def start(cls, config_dir: Path, timeout: float = 45.0) -> "DockerDaemon":
        """Start dockerd in a fresh temp dir; raises RuntimeError with the reason when it cannot run."""
        if not shutil.which("dockerd"):
            raise RuntimeError("dockerd is not installed (apt-get install docker.io)")
        if os.geteuid() != 0:
            raise RuntimeError("dockerd needs root")
        root = Path(tempfile.mkdtemp(prefix="tessera-dockerd-"))
        sock = f"unix://{root}/docker.sock"
        log = open(root / "dockerd.log", "wb")
        proc = subprocess.Popen(
            ["dockerd", "--storage-driver=vfs", "--iptables=false", "--bridge=none",
             "--data-root", str(root / "data"), "--exec-root", str(root / "exec"),
             "--pidfile", str(root / "dockerd.pid"), "-H", sock],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        daemon = cls(sock, config_dir, proc.pid, root, f"{root}/exec/containerd/containerd.sock")
        daemon._proc = proc
        deadline = time.monotonic() + timeout
        why = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            why = cls.answers(sock)
            if why is None:
                return daemon
            time.sleep(0.5)
        tail = (root / "dockerd.log").read_text(errors="replace")[-3000:]
        daemon.stop()
        raise RuntimeError(f"dockerd did not come up ({why}); its log ends:\n{tail}")

    def stop(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        self._proc = None
        if self.root:
            subprocess.run(["umount", "-R", str(self.root / "exec")], capture_output=True)
            shutil.rmtree(self.root, ignore_errors=True)
