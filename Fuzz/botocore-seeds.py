#!/usr/bin/env python3
"""Writes the seeds of Fuzz/corpus that are real SDK requests: botocore serialises and signs them
(access key AKIDEXAMPLE, the secret the SigV4 targets know, 2024-05-01T12:00:00Z, the time they verify
at), and this script keeps what each target reads: Authorization headers, presigned queries, whole
requests, EC2 Query bodies, JSON bodies, Content-Range values.

Run it with the wire tests' virtual environment (botocore inside):
    .venv-compat/bin/python Fuzz/botocore-seeds.py
It overwrites the files it writes and leaves every other seed alone.
"""
import datetime
import os
import urllib.parse
from unittest import mock

import botocore.auth
import botocore.session

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
SIGNED_AT = datetime.datetime(2024, 5, 1, 12, 0, 0)


class Captured(Exception):
    def __init__(self, request):
        self.request = request


def client(service, region="us-east-1"):
    session = botocore.session.get_session()
    made = session.create_client(
        service, region_name=region, endpoint_url=f"https://{service}.{region}.amazonaws.com",
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")

    def capture(request, **_):
        raise Captured(request)

    made.meta.events.register("before-send", capture)
    return made


def send(made, operation, **params):
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=SIGNED_AT):
        try:
            getattr(made, operation)(**params)
        except Captured as captured:
            return captured.request
    raise RuntimeError(f"{operation} was not sent")


def presign(made, operation, **params):
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=SIGNED_AT):
        return made.generate_presigned_url(operation, Params=params, ExpiresIn=900)


def write(target, name, data):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as file:
        file.write(data if isinstance(data, bytes) else data.encode())


def body(request):
    data = request.body or b""
    return data if isinstance(data, bytes) else data.encode()


def request_text(request):
    """METHOD, path, query, then header lines: the sigv4-request input format."""
    url = urllib.parse.urlsplit(request.url)
    headers = [(name, value.decode() if isinstance(value, bytes) else value) for name, value in request.headers.items()]
    # The signed headers and the signature; User-Agent and the SDK's invocation headers would only make
    # the seeds differ from run to run.
    authorization = dict(headers).get("Authorization", "")
    signed_names = authorization.partition("SignedHeaders=")[2].partition(",")[0].split(";")
    headers = [(name, value) for name, value in headers if name.lower() in signed_names or name == "Authorization"]
    if not any(name.lower() == "host" for name, _ in headers):
        headers.insert(0, ("host", url.netloc))
    return "\n".join([request.method, url.path or "/", url.query] + [f"{name}:{value}" for name, value in headers])


def signed(target_name, request):
    write("sigv4-request", target_name, request_text(request))
    write("sigv4-authorization", target_name, request.headers["Authorization"])


def main():
    glacier, ecr, ecr_public, ebs, ec2 = client("glacier"), client("ecr"), client("ecr-public"), client("ebs"), client("ec2")

    signed("glacier-list-vaults", send(glacier, "list_vaults", accountId="-"))
    signed("glacier-describe-job", send(glacier, "describe_job", accountId="-", vaultName="photos", jobId="HkF9p6o7yjhFx-K3CGl6fuSm6VzW9T7esGQfco8nUXVYwS0jlb5gq1JZ55yHgt5vP54ZShjoQzQVVh7vEXAMPLEjobID"))
    upload = send(glacier, "upload_archive", accountId="-", vaultName="photos", archiveDescription="my archive", body=b"hello, glacier")
    signed("glacier-upload-archive", upload)
    part = send(glacier, "upload_multipart_part", accountId="-", vaultName="photos", uploadId="19gaRezEXAMPLES6Ry5YYdqthHOC_kGRCT03L9yetr220UmPtBYKk-OssZtLqyFu7sY1_lR7vgFuJV6NtcV5zpsJ",
                range="bytes 1048576-2097151/*", body=b"\0" * 16)
    signed("glacier-upload-multipart-part", part)
    write("content-range", "glacier-upload-multipart-part", part.headers["Content-Range"])
    job = send(glacier, "initiate_job", accountId="-", vaultName="photos", jobParameters={
        "Type": "archive-retrieval", "ArchiveId": "NkbByEejwEggmBz2fTHgJrg0XBoDfjP4q6iu87-TjhqG6eGoOY9Z8i1_AUyUsuhPAdTqLHy8pTl5nfCFJmDl2yEZONi5L26Omw12vcs01MNGntHEQL8MBfGlqrEXAMPLEArchiveId",
        "Description": "My archive description", "RetrievalByteRange": "0-1048575", "Tier": "Bulk", "SNSTopic": "arn:aws:sns:us-west-2:111111111111:Glacier-ArchiveRetrieval-topic-Example"})
    write("json-shapes", "j-glacier-initiate-job", b"j" + body(job))
    inventory = send(glacier, "initiate_job", accountId="-", vaultName="photos", jobParameters={
        "Type": "inventory-retrieval", "Format": "JSON", "InventoryRetrievalParameters": {
            "StartDate": "2024-01-01T00:00:00Z", "EndDate": "2024-04-30T23:59:59.999Z", "Limit": "100", "Marker": "vyS0t2jHQe5qbcDggIeD50chS1SXwYMrkVKo0KHiTUjEYxBGCqRLKaiySzdN7QXGVVV5XZpNVG67pCZ_uykQXFMLaxOSu2hO_-5C0AtWMDrfo7LgVOyfnveDRuOSecUo3Ueq7K0"}})
    write("json-shapes", "j-glacier-inventory-job", b"j" + body(inventory))
    write("json-shapes", "d-glacier-vault-access-policy", b"d" + body(send(glacier, "set_vault_access_policy", accountId="-", vaultName="photos", policy={
        "Policy": '{"Version":"2012-10-17","Statement":[{"Sid":"allow-time-based-deletes","Principal":{"AWS":"999999999999"},"Effect":"Allow","Action":"glacier:Delete*","Resource":["arn:aws:glacier:us-west-2:999999999999:vaults/examplevault"]}]}'})))
    write("json-shapes", "d-glacier-add-tags", b"d" + body(send(glacier, "add_tags_to_vault", accountId="-", vaultName="photos", Tags={"examplekey1": "examplevalue1", "examplekey2": "examplevalue2"})))

    write("sigv4-presigned", "glacier-list-vaults", urllib.parse.urlsplit(presign(glacier, "list_vaults", accountId="-")).query)
    block = presign(ebs, "get_snapshot_block", SnapshotId="snap-0123456789abcdef0", BlockIndex=3,
                    BlockToken="AAUBAcuWqOCnDNuKle11s7IIX6jp6FYcC/q8oT93913HhvLvA+3JRrSybp/0")
    write("sigv4-presigned", "ebs-get-snapshot-block", urllib.parse.urlsplit(block).query)
    write("sigv4-presigned", "ecr-describe-repositories", urllib.parse.urlsplit(presign(ecr, "describe_repositories")).query)

    signed("ebs-list-snapshot-blocks", send(ebs, "list_snapshot_blocks", SnapshotId="snap-0123456789abcdef0", MaxResults=100, StartingBlockIndex=0))
    signed("ebs-list-changed-blocks", send(ebs, "list_changed_blocks", FirstSnapshotId="snap-0123456789abcdef0", SecondSnapshotId="snap-0fedcba9876543210", NextToken="AAUBAQ"))
    start = send(ebs, "start_snapshot", VolumeSize=8, Description="nightly", Tags=[{"Key": "team", "Value": "storage"}], ClientToken="550e8400-e29b-41d4-a716-446655440000", Timeout=60)
    write("json-shapes", "s-ebs-start-snapshot", b"s" + body(start))
    write("json-shapes", "t-ebs-tags", b't[{"Key":"team","Value":"storage"},{"Key":"empty"}]')
    put_block = send(ebs, "put_snapshot_block", SnapshotId="snap-0123456789abcdef0", BlockIndex=7, BlockData=b"\0" * 512, DataLength=512,
                     Checksum="9kqPHc9ZxQ7oNwRrFG4qwBjiE2BDmOiAc4rKx0s1dZ0=", ChecksumAlgorithm="SHA256")
    signed("ebs-put-snapshot-block", put_block)

    signed("ecr-get-authorization-token", send(ecr, "get_authorization_token"))
    manifest = ('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":'
                '"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},'
                '"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae","size":3}]}')
    write("json-shapes", "m-ecr-put-image", b"m" + body(send(ecr, "put_image", repositoryName="project/app", imageManifest=manifest,
                                                        imageManifestMediaType="application/vnd.oci.image.manifest.v1+json", imageTag="v1.2.3")))
    write("json-shapes", "m-ecr-batch-get-image", b"m" + body(send(ecr, "batch_get_image", repositoryName="project/app", imageIds=[
        {"imageTag": "latest"}, {"imageDigest": "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}],
        acceptedMediaTypes=["application/vnd.docker.distribution.manifest.v2+json"])))
    write("json-shapes", "m-ecr-describe-images", b"m" + body(send(ecr, "describe_images", repositoryName="project/app", maxResults=2,
                                                              nextToken="dGVzc2VyYS1wYWdlOjE3MTQ1NjQ4MDAwMDAgc2hhMjU2OmFiYw", filter={"tagStatus": "TAGGED"})))
    write("json-shapes", "c-ecr-create-repository", b"c" + body(send(ecr, "create_repository", repositoryName="project/app",
        tags=[{"Key": "team", "Value": "storage"}], imageTagMutability="IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters=[{"filterType": "WILDCARD", "filter": "latest"}, {"filterType": "WILDCARD", "filter": "dev-*"}],
        imageScanningConfiguration={"scanOnPush": True}, encryptionConfiguration={"encryptionType": "AES256"})))
    write("json-shapes", "c-ecr-public-create-repository", b"c" + body(send(ecr_public, "create_repository", repositoryName="tools/cli",
        catalogData={"description": "A CLI", "architectures": ["x86-64", "ARM 64"], "operatingSystems": ["Linux"],
                     "logoImageBlob": b"\x89PNG\r\n", "aboutText": "# About", "usageText": "docker run"})))
    write("json-shapes", "r-ecr-delete-repository", b"r" + body(send(ecr, "delete_repository", repositoryName="project/app", force=True)))
    write("json-shapes", "r-ecr-describe-repositories", b"r" + body(send(ecr, "describe_repositories", repositoryNames=["project/app", "tools/cli"], maxResults=10)))
    write("json-shapes", "l-ecr-batch-check-layer-availability", b"l" + body(send(ecr, "batch_check_layer_availability", repositoryName="project/app",
        layerDigests=["sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"])))
    write("json-shapes", "l-ecr-complete-layer-upload", b"l" + body(send(ecr, "complete_layer_upload", repositoryName="project/app",
        uploadId="0a3ecd9c-5bbe-4e4c-b1d5-0c8c71f0c5a1", layerDigests=["sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"])))
    write("json-shapes", "p-ecr-set-repository-policy", b"p" + body(send(ecr, "set_repository_policy", repositoryName="project/app", force=False,
        policyText='{"Version":"2012-10-17","Statement":[{"Sid":"AllowPull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}')))
    write("json-shapes", "p-ecr-put-lifecycle-policy", b"p" + body(send(ecr, "put_lifecycle_policy", repositoryName="project/app",
        lifecyclePolicyText='{"rules":[{"rulePriority":1,"description":"Expire untagged","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}')))
    write("json-shapes", "p-ecr-tag-resource", b"p" + body(send(ecr, "tag_resource", resourceArn="arn:aws:ecr:us-east-1:123456789012:repository/project/app",
        tags=[{"Key": "team", "Value": "storage"}])))
    write("json-shapes", "g-ecr-public-catalog-data", b"g" + body(send(ecr_public, "put_repository_catalog_data", repositoryName="tools/cli",
        catalogData={"description": "A CLI", "logoImageBlob": b"\x89PNG\r\n"}))[len(b'{"repositoryName": "tools/cli", "catalogData": '):-1])
    write("json-shapes", "x-exclusion-filters", b'x[{"filterType":"WILDCARD","filter":"latest"},{"filterType":"WILDCARD","filter":"release-*-rc*"}]')

    layer = send(ecr, "upload_layer_part", repositoryName="project/app", uploadId="0a3ecd9c-5bbe-4e4c-b1d5-0c8c71f0c5a1",
                 partFirstByte=0, partLastByte=47, layerPartBlob=bytes(range(48)))
    write("json-stream", "upload-layer-part-whole", b"\x3f" + body(layer))
    write("json-stream", "upload-layer-part-bytewise", b"\x00" + body(layer))
    write("json-stream", "upload-layer-part-small-limit", b"\x87" + body(layer))

    for operation, params in [
        ("describe_snapshots", {"SnapshotIds": ["snap-0123456789abcdef0", "snap-0fedcba9876543210"], "OwnerIds": ["self"],
                                "Filters": [{"Name": "tag:Name", "Values": ["nightly backup", "50% done"]}, {"Name": "status", "Values": ["completed"]}],
                                "MaxResults": 5, "NextToken": "eyJ2IjoxfQ=="}),
        ("create_tags", {"Resources": ["snap-0123456789abcdef0"], "Tags": [{"Key": "Name", "Value": "web & db"}, {"Key": "team", "Value": "storage/ops"}]}),
        ("delete_snapshot", {"SnapshotId": "snap-0123456789abcdef0"}),
        ("describe_snapshot_attribute", {"SnapshotId": "snap-0123456789abcdef0", "Attribute": "createVolumePermission"}),
        ("modify_snapshot_attribute", {"SnapshotId": "snap-0123456789abcdef0", "Attribute": "createVolumePermission", "OperationType": "add", "UserIds": ["123456789012"]}),
        ("copy_snapshot", {"SourceRegion": "us-east-1", "SourceSnapshotId": "snap-0123456789abcdef0", "Description": "Copy of ~/data: 100%"}),
    ]:
        request = send(ec2, operation, **params)
        write("ec2-query", operation.replace("_", "-"), body(request))
        if operation == "describe_snapshots":
            signed("ec2-describe-snapshots", request)


if __name__ == "__main__":
    main()
