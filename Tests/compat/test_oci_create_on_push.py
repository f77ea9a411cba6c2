"""Repository creation templates applied for CREATE_ON_PUSH: a push through /v2 to a repository that does not
exist creates it with the template whose prefix covers its name, as ECR does for docker push. Account three
holds the templates (they are registry-wide), so no other test's pushes are affected."""

import json
import uuid

from conftest import make_client
from oci_helpers import OCIClient, build_image, expect_oci_error, registry_password

LIFECYCLE = json.dumps({"rules": [{"rulePriority": 1, "description": "keep one",
                                   "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1},
                                   "action": {"type": "expire"}}]})


def test_a_push_to_a_missing_repository_creates_it_from_the_covering_template(tessera):
    ecr = make_client(tessera.endpoint, "three", "ecr")
    prefix = f"auto{uuid.uuid4().hex[:8]}/"
    ecr.create_repository_creation_template(
        prefix=prefix, appliedFor=["CREATE_ON_PUSH"], imageTagMutability="IMMUTABLE", lifecyclePolicy=LIFECYCLE,
        resourceTags=[{"Key": "team", "Value": "compat"}])
    replication = f"repl{uuid.uuid4().hex[:8]}/"
    ecr.create_repository_creation_template(prefix=replication, appliedFor=["REPLICATION"])
    oci = OCIClient(tessera.endpoint, registry_password(ecr))
    name = prefix + "service"
    oci.push_image(name, build_image(layer_count=1), tag="v1")

    repository = ecr.describe_repositories(repositoryNames=[name])["repositories"][0]
    assert repository["imageTagMutability"] == "IMMUTABLE"
    assert ecr.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"] == LIFECYCLE
    assert ecr.list_tags_for_resource(resourceArn=repository["repositoryArn"])["tags"] == [{"Key": "team", "Value": "compat"}]
    assert [i["imageTag"] for i in ecr.list_images(repositoryName=name)["imageIds"]] == ["v1"]

    # A template applied only for replication creates nothing on push; neither does a name no template covers —
    # a prefix ends in an implied "/", so "autoXXXX/" does not cover "autoXXXXmore/x".
    for missing in (replication + "x", f"elsewhere{uuid.uuid4().hex[:8]}/x", prefix.rstrip("/") + "more/x"):
        response = oci.post(oci.uploads_path(missing))
        expect_oci_error(response, 404, "NAME_UNKNOWN")
    ecr.delete_repository_creation_template(prefix=prefix)
    ecr.delete_repository_creation_template(prefix=replication)
