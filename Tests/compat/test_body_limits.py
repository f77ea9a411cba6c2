"""Bodies past what a door reads whole get that protocol's 4xx, never a 500, and change nothing: 1 MiB for
the Glacier, EBS and EC2 documents, 16 MiB for ECR's JSON (PutImage carries up to 4 MiB of manifest;
UploadLayerPart streams and has its own limit). See docs/architecture.md#request-bodies."""

import botocore.exceptions
import pytest

from conftest import make_client

TOO_LARGE = 2 << 20


def refused(call):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call()
    status = caught.value.response["ResponseMetadata"]["HTTPStatusCode"]
    assert 400 <= status < 500, caught.value.response
    return caught.value.response["Error"]


def test_glacier_documents_past_one_mebibyte_are_refused(glacier, vault):
    error = refused(lambda: glacier.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval",
                                                                                 "Description": "x" * TOO_LARGE}))
    assert error["Code"] == "InvalidParameterValueException"
    error = refused(lambda: glacier.set_vault_access_policy(vaultName=vault, policy={"Policy": "x" * TOO_LARGE}))
    assert error["Code"] == "InvalidParameterValueException"
    assert glacier.list_jobs(vaultName=vault)["JobList"] == []


def test_an_ebs_start_snapshot_past_one_mebibyte_is_refused(tessera):
    ebs = make_client(tessera.endpoint, "one", "ebs")
    assert refused(lambda: ebs.start_snapshot(VolumeSize=1, Description="x" * TOO_LARGE))["Code"] == "ValidationException"


def test_an_ec2_form_past_one_mebibyte_is_refused(tessera):
    ec2 = make_client(tessera.endpoint, "one", "ec2")
    error = refused(lambda: ec2.describe_snapshots(SnapshotIds=["snap-" + "0" * 17] * 100_000))
    assert error["Code"] == "InvalidParameterValue"


def test_an_ecr_body_past_sixteen_mebibytes_is_refused(ecr, repository):
    error = refused(lambda: ecr.put_image(repositoryName=repository, imageManifest="x" * (17 << 20)))
    assert error["Code"] == "SerializationException"
    assert ecr.describe_images(repositoryName=repository)["imageDetails"] == []
