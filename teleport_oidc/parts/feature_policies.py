"""One inline policy on the role per enabled feature, and what a feature needs besides (the ECS
task role, the SSM installer document)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws

from ..args import CheckedArgs
from ..features import PolicyContext, feature_module, feature_notices, feature_policy, policy_name
from ..log import warn
from ..random_id import RandomId
from .cluster import Cluster


def feature_policies(
    parent: pulumi.Resource,
    name: str,
    checked: CheckedArgs,
    role: aws.iam.Role,
    where: pulumi.Output[PolicyContext],
    cluster: Cluster,
    boundary: Any,
    tags: pulumi.Input[dict[str, str]],
) -> list[pulumi.Resource]:
    """``<name>-<feature>`` for each enabled feature, in the order the features were given."""
    child = pulumi.ResourceOptions(parent=parent)
    args = checked.args
    created: list[pulumi.Resource] = []
    for key, opts in checked.features.items():
        task_role_arn: pulumi.Input[str | None] = None
        if key == "ecs_deploy_service":
            ecs = feature_module(key)  # imported only by programs that enable it
            # Teleport's task role, on the integration role's path and boundary (an org
            # that requires a boundary on every role can deploy it too).
            task_role_name = opts.role_name()
            task_role = aws.iam.Role(
                f"{name}-{key}-task-role",
                aws.iam.RoleArgs(
                    name=task_role_name,
                    path=args.role_path,
                    description=ecs.TASK_ROLE_DESCRIPTION,
                    assume_role_policy=json.dumps(ecs.task_role_trust_policy()),
                    permissions_boundary=boundary,
                    tags=tags,
                ),
                opts=child,
            )
            created.append(
                aws.iam.RolePolicy(
                    f"{name}-{key}-task-policy",
                    aws.iam.RolePolicyArgs(
                        role=task_role.name,
                        name=task_role_name,  # Teleport names it after the task role
                        policy=json.dumps(ecs.task_role_policy()),
                    ),
                    opts=child,
                )
            )
            # Known at preview: the name and path are ours.
            task_role_arn = pulumi.Output.all(where, task_role.name).apply(
                _task_role_arn(args.role_path, task_role_name)
            )
        document = pulumi.Output.all(where, task_role_arn).apply(_document_for(key, opts))
        created.append(
            aws.iam.RolePolicy(
                f"{name}-{key}",
                aws.iam.RolePolicyArgs(
                    role=role.name, name=policy_name(key, opts), policy=document
                ),
                opts=child,
            )
        )
        if key == "ec2_ssm_discovery" and opts.create_ssm_document:
            installer_id = RandomId(f"{name}-{key}-installer-id", opts=child)
            created.append(
                aws.ssm.Document(
                    f"{name}-{key}-document",
                    aws.ssm.DocumentArgs(
                        name=opts.document_name(),
                        document_type="Command",
                        document_format="JSON",
                        content=pulumi.Output.all(cluster.host, installer_id.value).apply(
                            _ssm_document
                        ),
                        tags=tags,
                    ),
                    opts=child,
                )
            )
    return created


def _ssm_document(values: list[Any]) -> str:
    """The SSM installer document's content, from the proxy host and the installer's ID."""
    host, installer_id = values
    return json.dumps(feature_module("ec2_ssm_discovery").ssm_document_content(host, installer_id))


def _task_role_arn(path: str, name: str) -> Callable[[list[Any]], str]:
    def render(values: list[Any]) -> str:
        where: PolicyContext = values[0]
        return f"arn:{where.partition}:iam::{where.account_id}:role{path}{name}"

    return render


def _document_for(key: str, opts: Any) -> Callable[[list[Any]], str]:
    def render(values: list[Any]) -> str:
        context, task_role_arn = values
        for notice in feature_notices(key, opts, context):
            warn(notice)
        return json.dumps(feature_policy(key, opts, context, task_role_arn=task_role_arn))

    return render
