"""Shared helpers for the ECR and ECR Public compat tests (docs/aws/ecr.md): layer bytes and
`sha256:` digests, layer uploads in parts, manifests of every media type, whole-image pushes,
and `expect_ecr_error`, which also checks the raw JSON 1.1 error body (`__type`, `message`).

Where docs/aws/ecr.md marks a message [real], tests assert it exactly; elsewhere they assert the
error code and the status only.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence

import pytest
import requests
from botocore.exceptions import ClientError

KiB = 1024
MiB = 1024 * 1024
PART_SIZE = 10485760            # InitiateLayerUpload's partSize (docs/aws/ecr.md#layer-upload, real ECR)
MIN_PART = 5 * MiB              # non-final parts below this fail at completion (docs/aws/ecr.md#complete-layer-upload)
MAX_PARTS = 4200                # private ECR quota (docs/aws/ecr.md#quotas)
MAX_LAYER = 52000 * MiB
PUBLIC_MAX_PARTS = 1000         # ECR Public quotas (docs/aws/ecr.md#quotas)
PUBLIC_MAX_LAYER = 10000 * MiB
REGION = "us-east-1"
ONE, TWO, THREE = "111111111111", "222222222222", "333333333333"

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")

# Media types
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
OCI_EMPTY = "application/vnd.oci.empty.v1+json"
OCI_EMPTY_DATA = b"{}"  # the OCI 1.1 empty descriptor's content
SBOM_TYPE = "application/vnd.example.sbom.v1+json"
SIGNATURE_TYPE = "application/vnd.example.signature.v1"


# -- digests, bytes, names ------------------------------------------------------------

def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def manifest_digest(manifest: str) -> str:
    """The image digest: SHA-256 of the manifest's UTF-8 bytes exactly as sent (docs/aws/ecr.md#put-image)."""
    return sha256_digest(manifest.encode("utf-8"))


def random_layer(size: int = 4 * KiB, seed: Optional[int] = None) -> bytes:
    rng = random.Random(seed) if seed is not None else random
    return rng.randbytes(size)


def unknown_digest() -> str:
    return sha256_digest(uuid.uuid4().bytes)


def repository_name(stem: str = "compat") -> str:
    """A fresh, valid private/public repository name built from `stem` (a test name)."""
    clean = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:60].strip("-") or "compat"
    return f"{clean}-{uuid.uuid4().hex[:10]}"


def repository_arn(name: str, account: str = ONE, region: str = REGION) -> str:
    return f"arn:aws:ecr:{region}:{account}:repository/{name}"


def repository_uri(name: str, account: str = ONE, region: str = REGION) -> str:
    return f"{account}.dkr.ecr.{region}.amazonaws.com/{name}"


def image_id(tag: Optional[str] = None, digest: Optional[str] = None) -> dict:
    out = {}
    if digest is not None:
        out["imageDigest"] = digest
    if tag is not None:
        out["imageTag"] = tag
    return out


def epoch(value) -> float:
    """botocore turns ECR's epoch-seconds timestamps into aware datetimes."""
    assert isinstance(value, datetime.datetime), value
    return value.timestamp()


def assert_recent(value, slack: float = 300.0) -> None:
    """A timestamp within `slack` seconds of now."""
    assert abs(epoch(value) - time.time()) < slack, value


def wait_until(predicate: Callable[[], object], timeout: float = 20.0, interval: float = 0.2,
               what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what} not reached within {timeout}s (last: {value!r})"
        time.sleep(interval)


# -- raw responses and errors ---------------------------------------------------------

_LAST = threading.local()


def _remember_response(response_dict=None, **_):
    _LAST.response = response_dict


def watch_responses(client):
    """Keep the raw HTTP response of each call (status, headers, body) for `expect_ecr_error`."""
    client.meta.events.register("before-parse", _remember_response)
    return client


def last_raw_response() -> Optional[dict]:
    return getattr(_LAST, "response", None)


@dataclass
class ErrorInfo:
    """Filled in by `expect_ecr_error` once the call has failed."""
    response: dict = field(default_factory=dict)
    body: Optional[dict] = None  # the raw JSON error body, when the client was watched

    @property
    def code(self) -> str:
        return self.response["Error"]["Code"]

    @property
    def message(self) -> str:
        return self.response["Error"]["Message"]

    def __getitem__(self, key):
        return self.response[key]


@contextlib.contextmanager
def expect_ecr_error(code, status: int = 400, message: Optional[str] = None,
                     contains: Optional[str] = None):
    """`with expect_ecr_error("RepositoryNotFoundException") as err: ecr.…` — the call must fail
    with this code (or one of a tuple of codes) and HTTP status; the body must carry `__type` and a
    message (`message`, or `Message` as AccessDeniedException has it). `message` is compared
    exactly (only where docs/aws/ecr.md has it [real]); `contains` is a substring."""
    codes = (code,) if isinstance(code, str) else tuple(code)
    info = ErrorInfo()
    _LAST.response = None
    with pytest.raises(ClientError) as excinfo:
        yield info
    resp = excinfo.value.response
    info.response = resp
    got = resp["Error"]["Code"]
    assert got in codes, f"expected {codes}, got {got}: {resp}"
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == status, resp
    if got == "ServerException":
        assert status == 500
    assert resp["Error"].get("Message"), f"no message in the error: {resp}"
    raw = last_raw_response()
    if raw is not None:
        body = json.loads(raw["body"] or b"{}")
        info.body = body
        assert "__type" in body, body
        assert body["__type"].split("#")[-1].split(":")[0] == got, body
        assert body.get("message") or body.get("Message"), body
    if message is not None:
        assert resp["Error"]["Message"] == message, resp
    if contains is not None:
        assert contains in resp["Error"]["Message"], resp


def status_of(resp: dict) -> int:
    return resp["ResponseMetadata"]["HTTPStatusCode"]


# -- layers ---------------------------------------------------------------------------

def part_ranges(size: int, part_size: int) -> list[tuple[int, int]]:
    """Inclusive (first, last) ranges of `size` bytes cut into `part_size` parts."""
    return [(o, min(o + part_size, size) - 1) for o in range(0, size, part_size)]


def registry_kwargs(registry_id: Optional[str]) -> dict:
    return {"registryId": registry_id} if registry_id else {}


def initiate(client, repo: str, registry_id: Optional[str] = None) -> str:
    resp = client.initiate_layer_upload(repositoryName=repo, **registry_kwargs(registry_id))
    return resp["uploadId"]


def upload_part(client, repo: str, upload_id: str, data: bytes, first: int,
                last: Optional[int] = None, registry_id: Optional[str] = None) -> dict:
    """Send `data` as the part [first, last] (last defaults to first + len - 1)."""
    last = first + len(data) - 1 if last is None else last
    return client.upload_layer_part(
        repositoryName=repo, uploadId=upload_id, partFirstByte=first, partLastByte=last,
        layerPartBlob=data, **registry_kwargs(registry_id))


def upload_parts(client, repo: str, upload_id: str, data: bytes, part_size: int,
                 start: int = 0, registry_id: Optional[str] = None) -> int:
    """Upload data[start:] in `part_size` parts; returns the last lastByteReceived."""
    last_received = start - 1
    for first, last in part_ranges(len(data), part_size):
        if first < start:
            continue
        resp = upload_part(client, repo, upload_id, data[first:last + 1], first,
                           registry_id=registry_id)
        assert resp["lastByteReceived"] == last, resp
        assert resp["uploadId"] == upload_id, resp
        last_received = last
    return last_received


def complete(client, repo: str, upload_id: str, digests, registry_id: Optional[str] = None) -> dict:
    digests = [digests] if isinstance(digests, str) else list(digests)
    return client.complete_layer_upload(repositoryName=repo, uploadId=upload_id,
                                        layerDigests=digests, **registry_kwargs(registry_id))


def upload_layer(client, repo: str, data: bytes, part_size: Optional[int] = None,
                 registry_id: Optional[str] = None) -> dict:
    """InitiateLayerUpload, UploadLayerPart in `part_size` parts (one part by default),
    CompleteLayerUpload; returns the completion response."""
    upload_id = initiate(client, repo, registry_id)
    upload_parts(client, repo, upload_id, data, part_size or max(len(data), 1),
                 registry_id=registry_id)
    resp = complete(client, repo, upload_id, sha256_digest(data), registry_id)
    assert resp["layerDigest"] == sha256_digest(data), resp
    return resp


def layer_availability(client, repo: str, digests: Sequence[str],
                       registry_id: Optional[str] = None) -> dict:
    """{digest: layer entry} from BatchCheckLayerAvailability (failures are asserted absent)."""
    resp = client.batch_check_layer_availability(
        repositoryName=repo, layerDigests=list(digests), **registry_kwargs(registry_id))
    assert resp.get("failures", []) == [], resp
    return {layer["layerDigest"]: layer for layer in resp["layers"]}


def is_available(client, repo: str, digest: str, registry_id: Optional[str] = None) -> bool:
    return layer_availability(client, repo, [digest], registry_id)[digest]["layerAvailability"] \
        == "AVAILABLE"


def last_valid_byte(client, repo: str, upload_id: str, registry_id: Optional[str] = None) -> int:
    """Ask the server where an upload stands: a part whose length does not match its range
    (1 byte for 0-1) is refused with InvalidLayerPartException carrying `lastValidByteReceived`,
    and changes nothing."""
    with expect_ecr_error("InvalidLayerPartException") as err:
        upload_part(client, repo, upload_id, b"?", 0, 1, registry_id=registry_id)
    return err["lastValidByteReceived"]


# -- blobs and manifests --------------------------------------------------------------

@dataclass(frozen=True)
class Blob:
    data: bytes
    media_type: str

    @property
    def digest(self) -> str:
        return sha256_digest(self.data)

    @property
    def size(self) -> int:
        return len(self.data)

    def descriptor(self, **extra) -> dict:
        return {"mediaType": self.media_type, "size": self.size, "digest": self.digest, **extra}


def config_blob(media_type: str = DOCKER_CONFIG, layers: Sequence[Blob] = (),
                seed: Optional[str] = None) -> Blob:
    """An image config (unique per call unless `seed` is given)."""
    config = {
        "architecture": "amd64", "os": "linux",
        "config": {"Labels": {"tessera.test": seed or uuid.uuid4().hex}},
        "rootfs": {"type": "layers", "diff_ids": [sha256_digest(l.data) for l in layers]},
    }
    return Blob(json.dumps(config, separators=(",", ":")).encode(), media_type)


def layer_blobs(count: int = 1, size: int = 2 * KiB, media_type: str = DOCKER_LAYER) -> list[Blob]:
    return [Blob(random_layer(size), media_type) for _ in range(count)]


def docker_manifest(config: Blob, layers: Sequence[Blob]) -> dict:
    """Docker image manifest v2 schema 2."""
    return {"schemaVersion": 2, "mediaType": DOCKER_MANIFEST, "config": config.descriptor(),
            "layers": [l.descriptor() for l in layers]}


def oci_manifest(config: Blob, layers: Sequence[Blob], *, media_type_field: bool = True,
                 artifact_type: Optional[str] = None, subject: Optional[dict] = None,
                 annotations: Optional[dict] = None) -> dict:
    """OCI image manifest; with `artifact_type`/`subject` an OCI 1.1 artifact manifest."""
    manifest = {"schemaVersion": 2}
    if media_type_field:
        manifest["mediaType"] = OCI_MANIFEST
    if artifact_type:
        manifest["artifactType"] = artifact_type
    manifest["config"] = config.descriptor()
    manifest["layers"] = [l.descriptor() for l in layers]
    if subject:
        manifest["subject"] = subject
    if annotations:
        manifest["annotations"] = annotations
    return manifest


def platform(arch: str = "amd64", os_name: str = "linux") -> dict:
    return {"architecture": arch, "os": os_name}


def manifest_descriptor(image: "Image", **extra) -> dict:
    return {"mediaType": image.media_type, "size": len(image.manifest.encode()),
            "digest": image.digest, **extra}


def docker_manifest_list(children: Sequence["Image"], arches: Sequence[str] = ()) -> dict:
    arches = list(arches) or ["amd64", "arm64", "ppc64le", "s390x"][:len(children)]
    return {"schemaVersion": 2, "mediaType": DOCKER_LIST, "manifests": [
        manifest_descriptor(c, platform=platform(a)) for c, a in zip(children, arches)]}


def oci_index(children: Sequence["Image"], arches: Sequence[str] = (),
              descriptors: Optional[Sequence[dict]] = None) -> dict:
    arches = list(arches) or ["amd64", "arm64", "ppc64le", "s390x"][:len(children)]
    manifests = list(descriptors) if descriptors is not None else [
        manifest_descriptor(c, platform=platform(a)) for c, a in zip(children, arches)]
    return {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests}


def compact(manifest: dict) -> str:
    return json.dumps(manifest, separators=(",", ":"))


def odd_whitespace(manifest: dict) -> str:
    """Valid JSON with tabs, CRLF, spaces before commas and colons, and trailing whitespace:
    its digest differs from any canonical form, so only byte-exact storage matches it."""
    text = json.dumps(manifest, indent="\t", separators=(" ,", " :  "), ensure_ascii=False)
    return " \r\n" + text.replace("\n", "\r\n") + "\n\t \n"


# -- images ---------------------------------------------------------------------------

@dataclass
class Image:
    digest: str
    manifest: str
    media_type: str
    config: Optional[Blob] = None
    layers: list[Blob] = field(default_factory=list)
    tag: Optional[str] = None
    response: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        """imageSizeInBytes: config plus layers (docs/aws/ecr.md#put-image, [real] 352 = 215 + 137)."""
        return (self.config.size if self.config else 0) + sum(l.size for l in self.layers)

    @property
    def id(self) -> dict:
        return image_id(self.tag, self.digest)


def ensure_blobs(client, repo: str, blobs: Iterable[Blob], registry_id: Optional[str] = None,
                 part_size: Optional[int] = None) -> None:
    """Upload each blob the repository does not have yet (what docker push does)."""
    unique = {b.digest: b for b in blobs}
    if not unique:
        return
    present = layer_availability(client, repo, list(unique), registry_id)
    for digest, blob in unique.items():
        if present[digest]["layerAvailability"] != "AVAILABLE":
            upload_layer(client, repo, blob.data, part_size, registry_id)


def put_manifest(client, repo: str, manifest: str, tag: Optional[str] = None,
                 media_type: Optional[str] = None, digest: Optional[str] = None,
                 registry_id: Optional[str] = None) -> dict:
    kwargs = {"repositoryName": repo, "imageManifest": manifest, **registry_kwargs(registry_id)}
    if tag is not None:
        kwargs["imageTag"] = tag
    if media_type is not None:
        kwargs["imageManifestMediaType"] = media_type
    if digest is not None:
        kwargs["imageDigest"] = digest
    return client.put_image(**kwargs)


def push_image(client, repo: str, tag: Optional[str] = None, *, kind: str = "docker",
               layers: int = 1, layer_size: int = 2 * KiB, blobs: Optional[Sequence[Blob]] = None,
               config: Optional[Blob] = None, serialize: Callable[[dict], str] = compact,
               artifact_type: Optional[str] = None, subject: Optional["Image"] = None,
               annotations: Optional[dict] = None, media_type_param: bool = False,
               registry_id: Optional[str] = None) -> Image:
    """Upload config and layers (skipping what the repository has), PutImage; returns the Image.

    kind: "docker" (v2 schema 2), "oci" (image manifest) or "artifact" (OCI 1.1: empty config,
    `artifactType`, optional `subject`).
    """
    if kind == "docker":
        layer_list = list(blobs) if blobs is not None else layer_blobs(layers, layer_size, DOCKER_LAYER)
        config = config or config_blob(DOCKER_CONFIG, layer_list)
        manifest = docker_manifest(config, layer_list)
        media_type = DOCKER_MANIFEST
    elif kind == "oci":
        layer_list = list(blobs) if blobs is not None else layer_blobs(layers, layer_size, OCI_LAYER)
        config = config or config_blob(OCI_CONFIG, layer_list)
        manifest = oci_manifest(config, layer_list, annotations=annotations,
                                subject=manifest_descriptor(subject) if subject else None)
        media_type = OCI_MANIFEST
    elif kind == "artifact":
        layer_list = list(blobs) if blobs is not None else [
            Blob(random_layer(layer_size), "application/octet-stream")]
        config = config or Blob(OCI_EMPTY_DATA, OCI_EMPTY)
        manifest = oci_manifest(config, layer_list, artifact_type=artifact_type or SBOM_TYPE,
                                subject=manifest_descriptor(subject) if subject else None,
                                annotations=annotations)
        media_type = OCI_MANIFEST
    else:
        raise ValueError(kind)
    ensure_blobs(client, repo, [config, *layer_list], registry_id)
    text = serialize(manifest)
    resp = put_manifest(client, repo, text, tag, media_type if media_type_param else None,
                        registry_id=registry_id)
    image = Image(manifest_digest(text), text, media_type, config, layer_list, tag, resp)
    assert resp["image"]["imageId"]["imageDigest"] == image.digest, resp
    return image


def push_index(client, repo: str, children: Sequence[Image], tag: Optional[str] = None,
               kind: str = "oci", registry_id: Optional[str] = None) -> Image:
    """PutImage of an OCI index or a Docker manifest list over already pushed `children`."""
    manifest = oci_index(children) if kind == "oci" else docker_manifest_list(children)
    text = compact(manifest)
    resp = put_manifest(client, repo, text, tag, registry_id=registry_id)
    image = Image(manifest_digest(text), text, manifest["mediaType"], None, [], tag, resp)
    assert resp["image"]["imageId"]["imageDigest"] == image.digest, resp
    return image


# -- listings -------------------------------------------------------------------------

def describe_images(client, repo: str, registry_id: Optional[str] = None, **kwargs) -> list[dict]:
    """Every imageDetail, following nextToken."""
    out, token = [], None
    while True:
        args = {"repositoryName": repo, **registry_kwargs(registry_id), **kwargs}
        if token:
            args["nextToken"] = token
        resp = client.describe_images(**args)
        out += resp["imageDetails"]
        token = resp.get("nextToken")
        if not token:
            return out


def image_digests(client, repo: str, **kwargs) -> set[str]:
    return {d["imageDigest"] for d in describe_images(client, repo, **kwargs)}


def tags_by_digest(client, repo: str) -> dict[str, list[str]]:
    return {d["imageDigest"]: sorted(d.get("imageTags", [])) for d in describe_images(client, repo)}


def list_images(client, repo: str, **kwargs) -> list[dict]:
    out, token = [], None
    while True:
        args = {"repositoryName": repo, **kwargs}
        if token:
            args["nextToken"] = token
        resp = client.list_images(**args)
        out += resp["imageIds"]
        token = resp.get("nextToken")
        if not token:
            return out


def get_manifest(client, repo: str, ident: dict, registry_id: Optional[str] = None, **kwargs) -> dict:
    """BatchGetImage of one image; asserts it was found; returns the Image entry."""
    resp = client.batch_get_image(repositoryName=repo, imageIds=[ident],
                                  **registry_kwargs(registry_id), **kwargs)
    assert resp.get("failures", []) == [], resp
    assert len(resp["images"]) == 1, resp
    return resp["images"][0]


def download_url(client, repo: str, digest: str, registry_id: Optional[str] = None) -> str:
    resp = client.get_download_url_for_layer(repositoryName=repo, layerDigest=digest,
                                             **registry_kwargs(registry_id))
    assert resp["layerDigest"] == digest, resp
    return resp["downloadUrl"]


def fetch(url: str, **headers) -> requests.Response:
    """A plain, unsigned GET."""
    return requests.get(url, headers=headers, timeout=60)


def decode_token(token: str) -> tuple[str, str]:
    user, _, password = base64.b64decode(token).decode().partition(":")
    return user, password


# -- lifecycle policies ----------------------------------------------------------------

def lifecycle_rule(priority: int, tag_status: str = "any", count_type: str = "imageCountMoreThan",
                   count: int = 1, prefixes: Optional[Sequence[str]] = None,
                   patterns: Optional[Sequence[str]] = None, count_unit: Optional[str] = None,
                   description: Optional[str] = None) -> dict:
    selection = {"tagStatus": tag_status}
    if prefixes is not None:
        selection["tagPrefixList"] = list(prefixes)
    if patterns is not None:
        selection["tagPatternList"] = list(patterns)
    selection["countType"] = count_type
    if count_unit is not None:
        selection["countUnit"] = count_unit
    selection["countNumber"] = count
    return {"rulePriority": priority, "description": description or f"rule {priority}",
            "selection": selection, "action": {"type": "expire"}}


def lifecycle_policy(*rules: dict) -> str:
    text = json.dumps({"rules": list(rules)})
    assert len(text) >= 100, "LifecyclePolicyText has a 100-character minimum"
    return text


def keep_newest(count: int = 1) -> str:
    """`imageCountMoreThan count` on `tagStatus: any`."""
    return lifecycle_policy(lifecycle_rule(1, "any", count=count,
                                           description=f"keep the {count} newest images"))


def wait_for_preview(client, repo: str, timeout: float = 30.0, **kwargs) -> dict:
    """Poll GetLifecyclePolicyPreview until its status is COMPLETE (collects every page)."""
    def poll():
        resp = client.get_lifecycle_policy_preview(repositoryName=repo, **kwargs)
        assert resp["status"] in ("IN_PROGRESS", "COMPLETE"), resp
        return resp if resp["status"] == "COMPLETE" else None

    first = wait_until(poll, timeout, 0.2, "lifecycle policy preview COMPLETE")
    results, token = list(first.get("previewResults", [])), first.get("nextToken")
    while token:
        page = client.get_lifecycle_policy_preview(repositoryName=repo, nextToken=token, **kwargs)
        results += page.get("previewResults", [])
        token = page.get("nextToken")
    first["previewResults"] = results
    return first


# -- policies -------------------------------------------------------------------------

PULL_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
PUSH_ACTIONS = ["ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload",
                "ecr:PutImage", "ecr:BatchCheckLayerAvailability"]


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(principal, actions, effect: str = "Allow", sid: str = "compat", **extra) -> dict:
    return {"Sid": sid, "Effect": effect, "Principal": principal, "Action": actions, **extra}


# -- raw signed requests --------------------------------------------------------------

ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921"
PUBLIC_TARGET = "SpencerFrontendService"


def raw_headers(endpoint: str, account, operation: str, body: bytes, service: str = "ecr") -> dict:
    """Signed headers for a hand-made JSON 1.1 request (as botocore would send it)."""
    from glacier_helpers import sigv4_headers
    prefix = ECR_TARGET if service == "ecr" else PUBLIC_TARGET
    return sigv4_headers("POST", endpoint + "/", account.access_key, account.secret_key, body=body,
                         headers={"X-Amz-Target": f"{prefix}.{operation}",
                                  "Content-Type": "application/x-amz-json-1.1"},
                         service=service)


def raw_call(endpoint: str, account, operation: str, payload: dict,
             service: str = "ecr") -> requests.Response:
    body = json.dumps(payload).encode()
    return requests.post(endpoint + "/", data=body, timeout=60,
                         headers=raw_headers(endpoint, account, operation, body, service))


def unvalidated_client(endpoint: str, account, service: str = "ecr", region: str = REGION):
    """A client without botocore's parameter validation (to send names shorter or longer than
    the model allows), retries off, raw responses watched."""
    import boto3
    import botocore.config

    config = botocore.config.Config(parameter_validation=False, retries={"total_max_attempts": 1},
                                    connect_timeout=10, read_timeout=120)
    session = boto3.session.Session(aws_access_key_id=account.access_key,
                                    aws_secret_access_key=account.secret_key, region_name=region)
    return watch_responses(session.client(service, endpoint_url=endpoint, region_name=region,
                                          config=config))
