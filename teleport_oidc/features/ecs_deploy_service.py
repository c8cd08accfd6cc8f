"""``ecs_deploy_service``: deploy the Teleport Database Service on Amazon ECS.

Follows ``ConfigureDeployServiceIAM`` in Teleport's
``lib/integrations/awsoidc/deployservice_iam_config.go`` and its statements in
``lib/cloud/aws/policy_statements.go``: on the integration role, ``DeployService`` with
``StatementForIAMPassRole(<task role>)`` and ``StatementForECSManageService``; on the task role
(trusted by ``StatementForECSTaskRoleTrustRelationships``), an inline policy named after the task
role with ``StatementForRDSDBConnect``, ``StatementForRDSMetadata`` and
``StatementForWritingLogs``. The default task role name is the web UI's,
``TeleportDatabaseAccess``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..rules import validate_role_name
from ._base import PolicyContext, allow, document, where

KEY = "ecs_deploy_service"
POLICY_NAME = "DeployService"
DEFAULT_TASK_ROLE_NAME = "TeleportDatabaseAccess"
TASK_ROLE_DESCRIPTION = "Used by Teleport Database Service deployed in Amazon ECS."

MANAGE_SERVICE_ACTIONS = (
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
)


@dataclass(frozen=True)
class EcsDeployServiceOptions:
    """``ecs_deploy_service``: deploy the Teleport Database Service on Amazon ECS."""

    task_role_name: str | None = None
    """Default: ``TeleportDatabaseAccess``, the name Teleport's web UI uses. The task role this
    feature creates (with the component's ``role_path`` and ``permissions_boundary_arn``);
    ``iam:PassRole`` is granted on exactly this role. Role names are unique per account: give
    each integration that deploys the service in one account its own name."""

    def role_name(self) -> str:
        return self.task_role_name if self.task_role_name is not None else DEFAULT_TASK_ROLE_NAME


OPTIONS = EcsDeployServiceOptions


def validate(opts: EcsDeployServiceOptions) -> None:
    if opts.task_role_name is not None:
        validate_role_name(opts.task_role_name, f"{where(KEY)}.task_role_name")


def policy(
    ctx: PolicyContext,
    opts: EcsDeployServiceOptions,
    *,
    task_role_arn: str | None = None,
    **_: Any,
) -> dict[str, Any]:
    """The integration role's ``DeployService`` policy; ``task_role_arn`` is required."""
    if task_role_arn is None:
        raise ValueError("ecs_deploy_service needs the task role's ARN")
    return document(allow("iam:PassRole", task_role_arn), allow(MANAGE_SERVICE_ACTIONS))


def task_role_trust_policy() -> dict[str, Any]:
    """Trust of the ECS task role: the ECS tasks service."""
    return document(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        }
    )


def task_role_policy() -> dict[str, Any]:
    """The task role's inline policy (named after the task role): Teleport's three statements."""
    return document(
        allow("rds-db:connect"),
        allow(["rds:DescribeDBInstances", "rds:DescribeDBClusters"]),
        allow(["logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup"]),
    )
