"""Feature policies: golden documents, exact action lists from the spec, the component's
children under mocks, IAM acceptance in moto, and bad feature inputs."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from teleport_oidc import (
    AccessGraphOptions,
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    ExternalAuditStorageOptions,
    InvalidArgumentError,
)
from teleport_oidc.features import (
    PolicyContext,
    feature_policy,
    normalize_features,
    ssm_document_content,
    task_role_policy,
)

from .conftest import PROXY, THUMB, Run

GOLDEN = Path(__file__).parent / "golden" / "features"
CTX = PolicyContext("aws", "123456789012")
TASK_ROLE = "arn:aws:iam::123456789012:role/teleport-aws-prod-db-service"
CLOUDTRAIL: dict[str, Any] = {
    "cloudtrail_sqs_queue_arn": "arn:aws:sqs:us-east-1:123456789012:teleport-trail",
    "cloudtrail_s3_bucket_arn": "arn:aws:s3:::teleport-trail-logs",
    "cloudtrail_kms_key_arns": [
        "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-2222-3333-4444-555566667777"
    ],
}
EAS = {
    "events_s3_uri": "s3://teleport-audit/events",
    "recordings_s3_uri": "s3://teleport-audit/sessions",
    "results_s3_uri": "s3://teleport-audit-results/results",
    "athena_workgroup": "teleport",
    "glue_database": "teleport_db",
    "glue_table": "teleport_events",
    "region": "us-east-1",
}
CASES: dict[str, tuple[str, Any]] = {
    "ec2_instance_connect": ("ec2_instance_connect", True),
    "ec2_ssm_discovery": ("ec2_ssm_discovery", True),
    "rds": ("rds", True),
    "eks": ("eks", True),
    "aws_console_access": ("aws_console_access", True),
    "ecs_deploy_service": ("ecs_deploy_service", True),
    "access_graph": ("access_graph", True),
    "access_graph_cloudtrail": ("access_graph", CLOUDTRAIL),
    "external_audit_storage": ("external_audit_storage", EAS),
    "identity_center": ("identity_center", True),
}

# Transcribed by hand from ../shared/spec/teleport-aws-oidc.md section 8, independently of the
# code: every action of every golden file, nothing more, nothing less.
SPEC_ACTIONS: dict[str, list[str]] = {
    "ec2_instance_connect": [
        "ec2:DescribeInstances",
        "ec2:DescribeInstanceConnectEndpoints",
        "ec2:DescribeSecurityGroups",
        "ec2:CreateInstanceConnectEndpoint",
        "ec2:CreateTags",
        "ec2:CreateNetworkInterface",
        "iam:CreateServiceLinkedRole",
        "ec2-instance-connect:SendSSHPublicKey",
        "ec2-instance-connect:OpenTunnel",
    ],
    "ec2_ssm_discovery": [
        "ec2:DescribeInstances",
        "ssm:DescribeInstanceInformation",
        "ssm:GetCommandInvocation",
        "ssm:ListCommandInvocations",
        "ssm:SendCommand",
    ],
    "rds": [
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
    ],
    "eks": [
        "eks:ListClusters",
        "eks:DescribeCluster",
        "eks:ListAccessEntries",
        "eks:CreateAccessEntry",
        "eks:DeleteAccessEntry",
        "eks:AssociateAccessPolicy",
        "eks:TagResource",
    ],
    "aws_console_access": ["sts:AssumeRole"],
    "ecs_deploy_service": [
        "iam:PassRole",
        "ecs:DescribeClusters",
        "ecs:CreateCluster",
        "ecs:PutClusterCapacityProviders",
        "ecs:DescribeServices",
        "ecs:CreateService",
        "ecs:UpdateService",
        "ecs:ListServices",
        "ecs:RegisterTaskDefinition",
        "ecs:DescribeTaskDefinition",
        "ecs:DeregisterTaskDefinition",
        "ecs:TagResource",
        "ec2:DescribeSecurityGroups",
        "iam:CreateServiceLinkedRole",
    ],
    "ecs_task_role": [
        "rds-db:connect",
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:CreateLogGroup",
    ],
    "access_graph": [
        "ec2:DescribeInstances",
        "ec2:DescribeImages",
        "ec2:DescribeTags",
        "ec2:DescribeSnapshots",
        "ec2:DescribeKeyPairs",
        "eks:ListClusters",
        "eks:DescribeCluster",
        "eks:ListAccessEntries",
        "eks:ListAccessPolicies",
        "eks:ListAssociatedAccessPolicies",
        "eks:DescribeAccessEntry",
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "rds:ListTagsForResource",
        "rds:DescribeDBProxies",
        "dynamodb:ListTables",
        "dynamodb:DescribeTable",
        "redshift:DescribeClusters",
        "redshift:Describe*",
        "s3:ListAllMyBuckets",
        "s3:GetBucketPolicy",
        "s3:ListBucket",
        "s3:GetBucketLocation",
        "s3:GetBucketTagging",
        "s3:GetBucketPolicyStatus",
        "s3:GetBucketAcl",
        "iam:ListUsers",
        "iam:GetUser",
        "iam:ListRoles",
        "iam:ListGroups",
        "iam:ListPolicies",
        "iam:ListGroupsForUser",
        "iam:ListInstanceProfiles",
        "iam:ListUserPolicies",
        "iam:GetUserPolicy",
        "iam:ListAttachedUserPolicies",
        "iam:ListGroupPolicies",
        "iam:GetGroupPolicy",
        "iam:ListAttachedGroupPolicies",
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListSAMLProviders",
        "iam:GetSAMLProvider",
        "iam:ListOpenIDConnectProviders",
        "iam:GetOpenIDConnectProvider",
    ],
    "external_audit_storage": [
        "s3:PutObject",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:ListMultipartUploadParts",
        "s3:AbortMultipartUpload",
        "s3:ListBucket",
        "s3:ListBucketVersions",
        "s3:ListBucketMultipartUploads",
        "s3:GetBucketOwnershipControls",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketVersioning",
        "s3:GetBucketLocation",
        "athena:StartQueryExecution",
        "athena:GetQueryResults",
        "athena:GetQueryExecution",
        "glue:GetTable",
        "glue:GetTableVersion",
        "glue:GetTableVersions",
        "glue:UpdateTable",
    ],
    "identity_center": [
        "organizations:ListAccounts",
        "organizations:ListAccountsForParent",
        "identitystore:ListUsers",
        "identitystore:ListGroups",
        "identitystore:ListGroupMemberships",
        "sso:DescribeInstance",
        "sso:DescribePermissionSet",
        "sso:ListPermissionSets",
        "sso:ListAccountAssignmentsForPrincipal",
        "sso:ListPermissionSetsProvisionedToAccount",
        "sso:CreateAccountAssignment",
        "sso:DescribeAccountAssignmentCreationStatus",
        "sso:DeleteAccountAssignment",
        "sso:DescribeAccountAssignmentDeletionStatus",
        "iam:AttachRolePolicy",
        "iam:CreateRole",
        "iam:GetRole",
        "iam:ListAttachedRolePolicies",
        "iam:ListRolePolicies",
        "iam:GetSAMLProvider",
        "iam:ListRoles",
    ],
}
SPEC_ACTIONS["access_graph_cloudtrail"] = SPEC_ACTIONS["access_graph"] + [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:GetBucketLocation",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
]


def golden(name: str) -> dict[str, Any]:
    return json.loads((GOLDEN / f"{name}.json").read_text())


def document(case: str) -> dict[str, Any]:
    key, value = CASES[case]
    opts = normalize_features({key: value})[key]
    return feature_policy(key, opts, CTX, task_role_arn=TASK_ROLE)


def actions(doc: dict[str, Any]) -> Counter[str]:
    counted: Counter[str] = Counter()
    for statement in doc["Statement"]:
        listed = statement["Action"]
        counted.update([listed] if isinstance(listed, str) else listed)
    return counted


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_feature_policy_equals_its_golden_file(case: str) -> None:
    assert document(case) == golden(case)


@pytest.mark.parametrize("case", sorted(SPEC_ACTIONS))
def test_golden_action_lists_equal_the_spec_exactly(case: str) -> None:
    # Counters: an extra, a missing or a duplicated action each fail.
    assert actions(golden(case)) == Counter(SPEC_ACTIONS[case])


def test_the_task_role_policy_and_ssm_document_match_their_golden_files() -> None:
    assert task_role_policy() == golden("ecs_task_role")
    assert ssm_document_content("teleport.example.com") == golden("ssm_document")
    url = golden("ssm_document")["mainSteps"][0]["inputs"]["sourceInfo"]["url"]
    assert url == "https://teleport.example.com/webapi/scripts/installer/{{ scriptName }}"


def test_statements_are_scoped_to_exactly_the_given_resources() -> None:
    resources = [s["Resource"] for s in golden("access_graph_cloudtrail")["Statement"][1:]]
    assert resources == [
        CLOUDTRAIL["cloudtrail_sqs_queue_arn"],
        ["arn:aws:s3:::teleport-trail-logs", "arn:aws:s3:::teleport-trail-logs/*"],
        CLOUDTRAIL["cloudtrail_kms_key_arns"],
    ]
    deploy = golden("ecs_deploy_service")["Statement"][0]
    assert (deploy["Action"], deploy["Resource"]) == (["iam:PassRole"], TASK_ROLE)


def test_arns_follow_the_partition_and_account_of_the_role() -> None:
    gov = PolicyContext("aws-us-gov", "210987654321")
    opts = normalize_features({"external_audit_storage": EAS})["external_audit_storage"]
    text = json.dumps(feature_policy("external_audit_storage", opts, gov))
    assert "arn:aws:" not in text
    assert "arn:aws-us-gov:athena:us-east-1:210987654321:workgroup/teleport" in text


# --- the component -----------------------------------------------------------------------------


def build(run: Run, features: dict[str, Any], **kwargs: Any) -> Any:
    return run(
        lambda: AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY,
                integration_name="aws-prod",
                thumbprints=[THUMB],
                features=features,
                **kwargs,
            ),
        )
    )


def policies(rec: Any) -> dict[str, tuple[str, str, dict[str, Any]]]:
    return {
        r.name: (r.inputs["role"], r.inputs["name"], json.loads(r.inputs["policy"]))
        for r in rec.of_type("aws:iam/rolePolicy:RolePolicy")
    }


def test_enabled_features_register_exactly_their_policies_on_the_role(run: Run) -> None:
    rec = build(run, {"rds": True, "eks": True, "access_graph": AccessGraphOptions(**CLOUDTRAIL)})
    assert policies(rec) == {
        "prod-rds": ("teleport-aws-prod", "ListDatabases", golden("rds")),
        "prod-eks": ("teleport-aws-prod", "EKSAccess", golden("eks")),
        "prod-access_graph": (
            "teleport-aws-prod",
            "AccessGraphSyncAccess",
            golden("access_graph_cloudtrail"),
        ),
    }
    assert all(r.parent == rec.named("prod").urn for r in rec.resources[1:])


def test_disabling_one_feature_leaves_the_others_untouched(run: Run) -> None:
    before = policies(build(run, {"rds": True, "eks": True, "ec2_instance_connect": True}))
    after = policies(build(run, {"rds": True, "eks": False, "ec2_instance_connect": True}))
    assert set(before) - set(after) == {"prod-eks"}
    assert {k: before[k] for k in after} == after


def test_feature_policy_names_are_an_output(run: Run) -> None:
    rec = run(
        lambda: pulumi.export(
            "policies",
            AwsOidcIntegration(
                "prod",
                AwsOidcIntegrationArgs(
                    proxy_url=PROXY,
                    integration_name="aws-prod",
                    thumbprints=[THUMB],
                    features={"rds": True, "external_audit_storage": {**EAS, "policy_name": "EAS"}},
                ),
            ).feature_policies,
        )
    )
    assert rec.exports["policies"] == {"rds": "ListDatabases", "external_audit_storage": "EAS"}


def test_ecs_deploy_service_creates_the_task_role_it_may_pass(run: Run) -> None:
    rec = build(run, {"ecs_deploy_service": True})
    task = rec.named("prod-ecs_deploy_service-task-role")
    assert task.inputs["name"] == "teleport-aws-prod-db-service"
    assert task.inputs["description"] == "Used by Teleport Database Service deployed in Amazon ECS."
    assert json.loads(task.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "ecs-tasks.amazonaws.com"
    }
    assert task.inputs["tags"]["teleport.dev/origin"] == "integration_awsoidc"
    assert policies(rec)["prod-ecs_deploy_service"][2] == golden("ecs_deploy_service")
    assert policies(rec)["prod-ecs_deploy_service-task-policy"][2] == golden("ecs_task_role")


def test_ssm_discovery_creates_the_tagged_installer_document(run: Run) -> None:
    rec = build(run, {"ec2_ssm_discovery": True})
    doc = rec.named("prod-ec2_ssm_discovery-document")
    assert (doc.inputs["name"], doc.inputs["documentType"]) == (
        "TeleportDiscoveryInstaller",
        "Command",
    )
    assert json.loads(doc.inputs["content"]) == golden("ssm_document")
    assert doc.inputs["tags"]["teleport.dev/integration"] == "aws-prod"
    rec = build(run, {"ec2_ssm_discovery": {"create_ssm_document": False}})
    assert rec.of_type("aws:ssm/document:Document") == []


def test_identity_center_sets_the_integration_audience(run: Run) -> None:
    rec = build(run, {"identity_center": True})
    (integration,) = rec.of_type("pulumi-python:dynamic/teleport-oidc:TeleportIntegration")
    assert integration.inputs["audience"] == "aws-identity-center"


def test_govcloud_roles_get_govcloud_feature_arns(run: Run) -> None:
    def program() -> None:
        provider = aws.Provider("gov", region="us-gov-west-1")
        AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY,
                integration_name="aws-prod",
                thumbprints=[THUMB],
                features={"external_audit_storage": ExternalAuditStorageOptions(**EAS)},
            ),
            opts=pulumi.ResourceOptions(provider=provider),
        )

    (policy,) = run(program).of_type("aws:iam/rolePolicy:RolePolicy")
    assert "arn:aws-us-gov:glue:us-east-1:123456789012:catalog" in policy.inputs["policy"]


# --- IAM acceptance ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", [*sorted(CASES), "ecs_task_role"])
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


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("features", "argument"),
    [
        ({"lambda": True}, "features['lambda']"),
        ("rds", "features"),
        ({"rds": "yes"}, "features['rds']"),
        ({"rds": {"x": 1}}, "features['rds']['x']"),
        ({"external_audit_storage": True}, "features['external_audit_storage']"),
        (
            {"external_audit_storage": {**EAS, "events_s3_uri": "https://b/x"}},
            "features['external_audit_storage'].events_s3_uri",
        ),
        (
            {"external_audit_storage": {**EAS, "results_s3_uri": "s3://Bad_Bucket/x"}},
            "features['external_audit_storage'].results_s3_uri",
        ),
        (
            {"external_audit_storage": {**EAS, "region": "moon-1"}},
            "features['external_audit_storage'].region",
        ),
        (
            {"external_audit_storage": {**EAS, "glue_table": "a b"}},
            "features['external_audit_storage'].glue_table",
        ),
        (
            {"access_graph": {"cloudtrail_sqs_queue_arn": CLOUDTRAIL["cloudtrail_sqs_queue_arn"]}},
            "features['access_graph'].cloudtrail_sqs_queue_arn",
        ),
        (
            {"access_graph": {**CLOUDTRAIL, "cloudtrail_s3_bucket_arn": "arn:aws:s3:::b/key"}},
            "features['access_graph'].cloudtrail_s3_bucket_arn",
        ),
        (
            {"access_graph": {**CLOUDTRAIL, "cloudtrail_kms_key_arns": ["arn:aws:sqs:x:1:y"]}},
            "features['access_graph'].cloudtrail_kms_key_arns[0]",
        ),
        (
            {"ecs_deploy_service": {"task_role_name": "x" * 65}},
            "features['ecs_deploy_service'].task_role_name",
        ),
        (
            {"ec2_ssm_discovery": {"ssm_document_name": "a"}},
            "features['ec2_ssm_discovery'].ssm_document_name",
        ),
    ],
)
def test_bad_feature_inputs_fail_at_construction(features: Any, argument: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        AwsOidcIntegration(
            "prod",
            AwsOidcIntegrationArgs(
                proxy_url=PROXY, integration_name="aws-prod", thumbprints=[THUMB], features=features
            ),
        )
    assert info.value.argument == argument
    assert "; " in str(info.value)  # the rule, then the fix
