"""Discovery as code for :class:`AwsOidcIntegration`: what ``discovery=DiscoveryOptions(...)``
adds, as Teleport's Terraform module (``integrations/terraform-modules/teleport/discovery/aws``)
does it, for one account or a whole AWS organization.

Children, named from the component's name (a contract with users' state)::

    <name>-discovery                       aws:iam/rolePolicy teleport-discovery (one account)
    <name>-discovery-account-enumeration   aws:iam/rolePolicy (organization)
    <name>-discovery-join-validation       aws:iam/rolePolicy (organization)
    <name>-discovery-token                 TeleportProvisionToken (when ec2 is enrolled)
    <name>-discovery-config                TeleportDiscoveryConfig

Order: the policies with the role (before the integration), then the integration, the token,
the discovery config; destroy runs the other way. Member-account roles of an organization are
created by the program, one explicit AWS provider per account (:class:`DiscoveryMemberRole`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .discovery_options import (
    DiscoveryOptions,
    OrganizationDiscovery,
    access_graph_sync,
    check_discovery,
    discovery_matcher,
    resource_names,
)
from .features.discovery import (
    ACCOUNT_ENUMERATION_POLICY_NAME,
    DISCOVERY_POLICY_NAME,
    JOIN_VALIDATION_POLICY_NAME,
    account_enumeration_policy,
    assume_role_policy,
    discovery_policy,
    join_validation_policy,
)
from .rules import parse_arn
from .teleport.aws_checks import WILDCARD, check_organization_id
from .teleport.discovery import TeleportDiscoveryConfig, TeleportDiscoveryConfigArgs
from .teleport.matchers import OrganizationalUnits
from .teleport.token import IamAllowRule, TeleportProvisionToken, TeleportProvisionTokenArgs

__all__ = [
    "DiscoveryChildren",
    "DiscoveryOptions",
    "OrganizationDiscovery",
    "add_discovery_policies",
    "add_discovery_resources",
    "check_discovery",
    "discovery_role_policy",
]


def _partition(role_arn: str) -> str:
    example = "arn:aws:iam::123456789012:role/x"
    return parse_arn(
        role_arn, "role_arn", service="iam", what="an IAM role", example=example
    ).partition


def _account(role_arn: str) -> str:
    example = "arn:aws:iam::123456789012:role/x"
    return parse_arn(
        role_arn, "role_arn", service="iam", what="an IAM role", example=example
    ).account


@dataclass
class DiscoveryChildren:
    """What discovery added: the policies now, the Teleport resources after the integration."""

    policies: list[pulumi.Resource]
    organization_id: pulumi.Output[str] | None
    token: TeleportProvisionToken | None = None
    config: TeleportDiscoveryConfig | None = None


def discovery_role_policy(
    name: str,
    role: aws.iam.Role,
    types: Sequence[str],
    regions: Sequence[str],
    opts: pulumi.ResourceOptions,
) -> aws.iam.RolePolicy:
    """``<name>-discovery``: the inline policy that lets ``role`` discover ``types`` in
    ``regions`` (the component's role, or a member account's)."""
    return aws.iam.RolePolicy(
        f"{name}-discovery",
        aws.iam.RolePolicyArgs(
            role=role.name,
            name=DISCOVERY_POLICY_NAME,
            policy=json.dumps(discovery_policy(types, list(regions) == [WILDCARD])),
        ),
        opts=opts,
    )


def add_discovery_policies(
    parent: pulumi.Resource, name: str, options: DiscoveryOptions, role: aws.iam.Role
) -> DiscoveryChildren:
    """The role's discovery policies (AWS side, before the integration)."""
    child = pulumi.ResourceOptions(parent=parent)
    org = options.organization
    if org is None:
        if not options.types:  # Access Graph sync only: its feature holds the permissions
            return DiscoveryChildren([], None)
        if options.assume_role_arn is not None:
            # Teleport discovers with the assumed role's credentials: the integration role only
            # needs to assume it (the discovery actions are on that role, which the user owns).
            policy = aws.iam.RolePolicy(
                f"{name}-discovery",
                aws.iam.RolePolicyArgs(
                    role=role.name,
                    name=DISCOVERY_POLICY_NAME,
                    policy=json.dumps(assume_role_policy(options.assume_role_arn)),
                ),
                opts=child,
            )
            return DiscoveryChildren([policy], None)
        policy = discovery_role_policy(name, role, options.types, options.regions, child)
        return DiscoveryChildren([policy], None)
    if org.organization_id is not None:
        org_id = pulumi.Output.from_input(org.organization_id).apply(
            lambda v: check_organization_id(v, "discovery.organization.organization_id")
        )
    else:
        found = aws.organizations.get_organization_output(
            opts=pulumi.InvokeOutputOptions(parent=parent)
        )
        org_id = found.id.apply(lambda v: check_organization_id(v, "the organization's ID"))
    member_role = org.member_role_name
    enumeration = pulumi.Output.all(role.arn, org_id).apply(
        lambda v: json.dumps(account_enumeration_policy(_partition(v[0]), v[1], member_role))
    )
    policies: list[pulumi.Resource] = [
        aws.iam.RolePolicy(
            f"{name}-discovery-account-enumeration",
            aws.iam.RolePolicyArgs(
                role=role.name, name=ACCOUNT_ENUMERATION_POLICY_NAME, policy=enumeration
            ),
            opts=child,
        ),
        aws.iam.RolePolicy(
            f"{name}-discovery-join-validation",
            aws.iam.RolePolicyArgs(
                role=role.name,
                name=JOIN_VALIDATION_POLICY_NAME,
                policy=json.dumps(join_validation_policy()),
            ),
            opts=child,
        ),
    ]
    return DiscoveryChildren(policies, org_id)


def add_discovery_resources(
    parent: pulumi.Resource,
    name: str,
    options: DiscoveryOptions,
    children: DiscoveryChildren,
    *,
    integration_name: str,
    role_arn: pulumi.Output[str],
    after: Sequence[pulumi.Resource],
    labels: Mapping[str, str] | None,
    access_graph: Any,
    connection: Mapping[str, Any],
) -> DiscoveryChildren:
    """The token (when EC2 is enrolled), then the discovery_config, after ``after``."""
    config_name, token_name = resource_names(options, integration_name)
    sync = access_graph_sync(options, integration_name, access_graph)
    labels = options.labels if options.labels is not None else labels
    org = options.organization
    depends: list[pulumi.Resource] = list(after)
    if "ec2" in options.types:
        if org is None:
            # Instances are found, and join, in the account whose credentials discover them:
            # the assumed role's when there is one, else the integration role's.
            account: pulumi.Input[str] = (
                _account(options.assume_role_arn)
                if options.assume_role_arn is not None
                else role_arn.apply(_account)
            )
            rule = IamAllowRule(aws_account=account)
            token_integration = None
        else:
            rule = IamAllowRule(
                aws_organization_id=children.organization_id,
                aws_organizational_units=OrganizationalUnits(
                    include=list(org.include_ous), exclude=list(org.exclude_ous)
                ),
            )
            # The Auth Service checks a joining account's organization with this integration.
            token_integration = integration_name
        children.token = TeleportProvisionToken(
            f"{name}-discovery-token",
            TeleportProvisionTokenArgs(
                name=token_name,
                allow=[rule],
                integration=token_integration,
                labels=labels,
                description="Allow Teleport nodes to join the cluster using AWS IAM credentials.",
                adopt_existing=options.adopt_existing,
                **connection,
            ),
            opts=pulumi.ResourceOptions(parent=parent, depends_on=depends),
        )
        depends = [*depends, children.token]
    children.config = TeleportDiscoveryConfig(
        f"{name}-discovery-config",
        TeleportDiscoveryConfigArgs(
            name=config_name,
            discovery_group=options.discovery_group,
            aws=(
                [discovery_matcher(options, integration_name, children.organization_id)]
                if options.types
                else []
            ),
            access_graph=[sync] if sync else None,
            labels=labels,
            description="Configure Teleport to discover AWS resources.",
            adopt_existing=options.adopt_existing,
            **connection,
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends),
    )
    return children
