"""Feature policies: each document equals, as parsed JSON, the one Teleport prints for the same
inputs (goldens transcribed by hand from Teleport's source and testdata), IAM accepts each, and
the registry keeps its keys."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from teleport_oidc.features import (
    FEATURES,
    MODULES,
    PolicyContext,
    feature_policy,
    normalize_features,
    ssm_document_content,
    task_role_policy,
    task_role_trust_policy,
)
from teleport_oidc.features.ec2_instance_connect import deprecation_warning

GOLDEN = Path(__file__).parent / "golden" / "features"
CTX = PolicyContext("aws", "123456789012")
TASK_ROLE = "arn:aws:iam::123456789012:role/TeleportDatabaseAccess"
INSTALLER_ID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
# Teleport's own inputs in lib/integrations/awsoidc/accessgraph_sync_test.go.
QUEUE_URL = "https://sqs.us-west-2.amazonaws.com/123456789012/my-queue"
QUEUE_ARN = "arn:aws:sqs:us-west-2:123456789012:my-queue"
BUCKET_ARN = "arn:aws:s3:::my-cloudtrail-bucket"
KMS_KEYS = ["arn:aws:kms:us-west-2:123456789012:key/my-kms-key"]
CLOUDTRAIL: dict[str, Any] = {
    "cloudtrail_sqs_queue_url": QUEUE_URL,
    "cloudtrail_s3_bucket_arn": BUCKET_ARN,
    "cloudtrail_kms_key_arns": KMS_KEYS,
}
EAS = {
    "events_s3_uri": "s3://teleport-audit/events",
    "recordings_s3_uri": "s3://teleport-audit/sessions",
    "results_s3_uri": "s3://teleport-audit-results/results",
    "athena_workgroup": "teleport",
    "glue_database": "teleport_db",
    "glue_table": "teleport_events",
    "region": "us-east-1",
    "policy_name": "ExternalAuditStoragePolicy-teleport",
}
# golden file -> (feature key, options): one golden per option set.
CASES: dict[str, tuple[str, Any]] = {
    "ec2_instance_connect": ("ec2_instance_connect", True),
    "ec2_ssm_discovery": ("ec2_ssm_discovery", True),
    "rds": ("rds", True),
    "eks": ("eks", True),
    "aws_console_access": ("aws_console_access", True),
    "ecs_deploy_service": ("ecs_deploy_service", True),
    "access_graph": ("access_graph", True),
    "access_graph_cloudtrail": ("access_graph", CLOUDTRAIL),
    "access_graph_kms_only": ("access_graph", {"cloudtrail_kms_key_arns": KMS_KEYS}),
    "access_graph_eks_audit_logs": ("access_graph", {"enable_eks_audit_logs": True}),
    "external_audit_storage": ("external_audit_storage", EAS),
    "identity_center": ("identity_center", True),
}


def golden(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{name}.json").read_text())


def document(key: str, value: Any, ctx: PolicyContext = CTX) -> dict[str, Any]:
    opts = normalize_features({key: value})[key]
    return feature_policy(key, opts, ctx, task_role_arn=TASK_ROLE)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_feature_policy_equals_the_document_teleport_prints(case: str) -> None:
    assert document(*CASES[case]) == golden(case)


def test_every_golden_file_is_checked_by_a_test() -> None:
    others = {
        "ec2_ssm_discovery_document",
        "ecs_deploy_service_task_role",
        "ecs_deploy_service_task_role_trust",
    }
    assert {p.stem for p in GOLDEN.glob("*.json")} == set(CASES) | others


def test_the_registry_keeps_its_keys_and_policy_names() -> None:
    assert {key: name for key, (_, name) in FEATURES.items()} == {
        "access_graph": "AccessGraphSyncAccess",
        "aws_console_access": "AWSAppAccess",
        "ec2_instance_connect": "EC2InstanceConnectEndpoint",
        "ec2_ssm_discovery": "EC2DiscoverWithSSM",
        "ecs_deploy_service": "DeployService",
        "eks": "EKSAccess",
        "external_audit_storage": None,
        "identity_center": "TeleportAWSIdentityCenterIntegration",
        "rds": "ListDatabases",
    }


@pytest.mark.parametrize("key", sorted(MODULES))
def test_each_feature_module_names_the_teleport_source_it_follows(key: str) -> None:
    doc = MODULES[key].__doc__ or ""
    assert "Teleport" in doc and ".go" in doc


@pytest.mark.parametrize("key", sorted(MODULES))
def test_each_feature_module_follows_the_registrys_protocol(key: str) -> None:
    module = MODULES[key]
    assert module.KEY == key and module.__name__ == f"teleport_oidc.features.{key}"
    assert dataclasses.is_dataclass(module.OPTIONS)
    assert getattr(module.OPTIONS, "__dataclass_params__").frozen  # noqa: B009
    assert callable(module.validate) and callable(module.policy)


def test_ecs_task_role_documents_are_teleports() -> None:
    assert task_role_policy() == golden("ecs_deploy_service_task_role")
    assert task_role_trust_policy() == golden("ecs_deploy_service_task_role_trust")


def test_the_installer_document_downloads_to_the_random_name_it_is_given() -> None:
    content = ssm_document_content("teleport.example.com", INSTALLER_ID)
    assert content == golden("ec2_ssm_discovery_document")
    other = ssm_document_content("teleport.example.com", "00000000-0000-4000-8000-000000000000")
    assert "installTeleport-00000000-0000-4000-8000-000000000000.sh" in json.dumps(other)
    with pytest.raises(ValueError, match="UUID"):
        ssm_document_content("teleport.example.com", "../../etc/x")


def test_a_queue_given_by_arn_gives_the_same_policy_as_by_url() -> None:
    by_arn = {**CLOUDTRAIL, "cloudtrail_sqs_queue_arn": QUEUE_ARN}
    del by_arn["cloudtrail_sqs_queue_url"]
    assert document("access_graph", by_arn) == golden("access_graph_cloudtrail")


def test_the_queue_arn_is_built_as_teleport_builds_it() -> None:
    # Partition from the URL's region, account from the integration role (not from the URL).
    gov_url = "https://sqs.us-gov-west-1.amazonaws.com/111111111111/trail"
    doc = document(
        "access_graph",
        {"cloudtrail_sqs_queue_url": gov_url, "cloudtrail_s3_bucket_arn": BUCKET_ARN},
        PolicyContext("aws-us-gov", "210987654321"),
    )
    assert doc["Statement"][1]["Resource"] == "arn:aws-us-gov:sqs:us-gov-west-1:210987654321:trail"


def test_external_audit_storage_accepts_bucket_names_teleport_accepts() -> None:
    odd = {**EAS, "events_s3_uri": "s3://testbucket_noprefix", "recordings_s3_uri": "s3://Up/x"}
    resources = document("external_audit_storage", odd)["Statement"][0]["Resource"]
    assert resources[:4] == [
        "arn:aws:s3:::testbucket_noprefix",
        "arn:aws:s3:::testbucket_noprefix/*",
        "arn:aws:s3:::Up",
        "arn:aws:s3:::Up/x/*",
    ]


def test_arns_follow_the_partition_and_account_of_the_role() -> None:
    gov = PolicyContext("aws-us-gov", "210987654321")
    text = json.dumps(document("external_audit_storage", EAS, gov))
    assert "arn:aws:" not in text
    assert "arn:aws-us-gov:athena:us-east-1:210987654321:workgroup/teleport" in text


@pytest.mark.parametrize(
    ("version", "verdict"),
    [
        (None, "is not known"),
        ("18.2.1", "Teleport 18.2.1, which still supports it"),
        ("19.0.0-beta.1", "Teleport 19.0.0-beta.1, which no longer uses it"),
        ("v20.1.0", "which no longer uses it"),
    ],
)
def test_the_deprecation_warning_names_the_replacement_and_the_clusters_verdict(
    version: str | None, verdict: str
) -> None:
    text = deprecation_warning(version)
    assert "deprecated" in text and "'ec2_ssm_discovery'" in text
    assert verdict in text


# --- IAM acceptance ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", [*sorted(CASES), "ecs_deploy_service_task_role"])
def test_iam_accepts_every_policy_and_reads_it_back_equal(iam: Any, case: str) -> None:
    iam.create_role(
        RoleName="teleport-aws-prod",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    doc = golden(case)
    iam.put_role_policy(
        RoleName="teleport-aws-prod", PolicyName=case, PolicyDocument=json.dumps(doc)
    )
    stored = iam.get_role_policy(RoleName="teleport-aws-prod", PolicyName=case)
    assert stored["PolicyDocument"] == doc
