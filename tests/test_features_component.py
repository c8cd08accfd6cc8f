"""Features in the component, under mocks: exactly the enabled policies, the ECS task role,
the SSM installer document, the audience, and bad feature inputs refused before anything."""

from __future__ import annotations

import json
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

from .conftest import PROXY, THUMB, Run
from .test_features import CLOUDTRAIL, EAS, golden


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


def test_ecs_deploy_service_creates_teleports_task_role_it_may_pass(run: Run) -> None:
    rec = build(run, {"ecs_deploy_service": True})
    task = rec.named("prod-ecs_deploy_service-task-role")
    assert task.inputs["name"] == "TeleportDatabaseAccess"
    assert task.inputs["description"] == "Used by Teleport Database Service deployed in Amazon ECS."
    assert json.loads(task.inputs["assumeRolePolicy"]) == golden(
        "ecs_deploy_service_task_role_trust"
    )
    assert task.inputs["tags"]["teleport.dev/origin"] == "integration_awsoidc"
    assert "permissionsBoundary" not in task.inputs
    assert policies(rec)["prod-ecs_deploy_service"][2] == golden("ecs_deploy_service")
    assert policies(rec)["prod-ecs_deploy_service-task-policy"] == (
        "TeleportDatabaseAccess",
        "TeleportDatabaseAccess",  # named after the task role, as Teleport names it
        golden("ecs_deploy_service_task_role"),
    )


def test_the_task_role_follows_the_role_path_and_permissions_boundary(run: Run) -> None:
    boundary = "arn:aws:iam::123456789012:policy/org-boundary"
    rec = build(
        run,
        {"ecs_deploy_service": {"task_role_name": "db-access"}},
        role_path="/teleport/",
        permissions_boundary_arn=boundary,
    )
    task = rec.named("prod-ecs_deploy_service-task-role")
    assert (task.inputs["path"], task.inputs["permissionsBoundary"]) == ("/teleport/", boundary)
    passed = policies(rec)["prod-ecs_deploy_service"][2]["Statement"][0]["Resource"]
    assert passed == "arn:aws:iam::123456789012:role/teleport/db-access"
    assert policies(rec)["prod-ecs_deploy_service-task-policy"][1] == "db-access"


def test_ssm_discovery_creates_no_document_by_default(run: Run) -> None:
    rec = build(run, {"ec2_ssm_discovery": True})
    assert rec.of_type("aws:ssm/document:Document") == []
    assert rec.of_type("pulumi-python:dynamic/teleport-oidc:RandomId") == []
    assert policies(rec)["prod-ec2_ssm_discovery"][2] == golden("ec2_ssm_discovery")


def test_ssm_discovery_can_create_teleports_installer_document(run: Run) -> None:
    rec = build(run, {"ec2_ssm_discovery": {"create_ssm_document": True}})
    doc = rec.named("prod-ec2_ssm_discovery-document")
    assert (doc.inputs["name"], doc.inputs["documentType"]) == (
        "TeleportDiscoveryInstaller",
        "Command",
    )
    installer = rec.named("prod-ec2_ssm_discovery-installer-id")
    assert installer.type == "pulumi-python:dynamic/teleport-oidc:RandomId"
    installer_id = installer.outputs["value"]
    content = json.loads(doc.inputs["content"])
    path = content["mainSteps"][0]["inputs"]["destinationPath"]
    assert path == f"/tmp/installTeleport-{installer_id}.sh"
    assert content["mainSteps"][1]["inputs"]["runCommand"] == [f'/bin/sh {path} "{{{{ token }}}}"']
    assert doc.inputs["tags"]["teleport.dev/integration"] == "aws-prod"


def test_a_queue_url_in_another_account_warns_that_teleports_arn_misses_it(
    run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    build(run, {"access_graph": CLOUDTRAIL})
    assert "names account" not in caplog.text  # the queue is in the role's account
    elsewhere = "https://sqs.us-west-2.amazonaws.com/999999999999/my-queue"
    build(run, {"access_graph": {**CLOUDTRAIL, "cloudtrail_sqs_queue_url": elsewhere}})
    assert "names account 999999999999" in caplog.text
    assert "cloudtrail_sqs_queue_arn" in caplog.text


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


BAD_FEATURES: list[tuple[Any, str]] = [
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
        {"external_audit_storage": {**EAS, "results_s3_uri": "s3://b*/x"}},
        "features['external_audit_storage'].results_s3_uri",
    ),
    (
        {"external_audit_storage": {k: v for k, v in EAS.items() if k != "policy_name"}},
        "features['external_audit_storage'].policy_name",
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
        {"access_graph": {"cloudtrail_sqs_queue_url": CLOUDTRAIL["cloudtrail_sqs_queue_url"]}},
        "features['access_graph'].cloudtrail_sqs_queue_url",
    ),
    (
        {"access_graph": {**CLOUDTRAIL, "cloudtrail_sqs_queue_url": "https://sqs.x.com/1/q"}},
        "features['access_graph'].cloudtrail_sqs_queue_url",
    ),
    (
        {"access_graph": {**CLOUDTRAIL, "cloudtrail_sqs_queue_arn": "arn:aws:sqs:a:1:q"}},
        "features['access_graph'].cloudtrail_sqs_queue_url",
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
        {"access_graph": {"enable_eks_audit_logs": "yes"}},
        "features['access_graph'].enable_eks_audit_logs",
    ),
    (
        {"ecs_deploy_service": {"task_role_name": "x" * 65}},
        "features['ecs_deploy_service'].task_role_name",
    ),
    (
        {"ec2_ssm_discovery": {"ssm_document_name": "a"}},
        "features['ec2_ssm_discovery'].ssm_document_name",
    ),
    (
        {"ec2_ssm_discovery": {"create_ssm_document": True, "ssm_document_name": "AWS-Mine"}},
        "features['ec2_ssm_discovery'].ssm_document_name",
    ),
    (
        {"ec2_ssm_discovery": {"create_ssm_document": "yes"}},
        "features['ec2_ssm_discovery'].create_ssm_document",
    ),
]


@pytest.mark.parametrize(("features", "argument"), BAD_FEATURES)
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
