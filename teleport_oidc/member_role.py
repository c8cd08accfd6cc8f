"""``DiscoveryMemberRole``: the role Teleport's Discovery Service assumes in each member account
of an AWS organization (the Terraform module's ``aws_child_account_iam_role_template``, created
instead of printed).

Children, named from the component's name (a contract with users' state)::

    <name>-role        aws:iam/role, trusted by the integration role from inside the organization
    <name>-discovery   aws:iam/rolePolicy teleport-discovery

Create one per member account with that account's explicit AWS provider
(``opts=pulumi.ResourceOptions(providers=[provider])``); see ``examples/discovery-organization``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .constants import TAG_IAC_TOOL
from .discovery_setup import discovery_role_policy
from .errors import InvalidArgumentError
from .features.discovery import (
    DISCOVERY_TYPES,
    MEMBER_ROLE_DESCRIPTION,
    MEMBER_ROLE_NAME,
    member_role_trust_policy,
)
from .tags import merge_tags, validate_tags
from .teleport.aws_checks import (
    WILDCARD,
    check_iam_role_name,
    check_organization_id,
    check_regions,
    check_role_arn,
    check_string_list,
)
from .teleport.discovery_rules import check_region_wildcard

__all__ = ["MEMBER_ROLE_TYPE", "DiscoveryMemberRole", "DiscoveryMemberRoleArgs"]

#: The component's type token: part of users' state, never to change.
MEMBER_ROLE_TYPE = "teleport-oidc:index:DiscoveryMemberRole"


@dataclass
class DiscoveryMemberRoleArgs:
    """Inputs of :class:`DiscoveryMemberRole`."""

    management_role_arn: pulumi.Input[str]
    """The integration role in the management account (``AwsOidcIntegration.role_arn``)."""
    organization_id: pulumi.Input[str]
    """The organization's ID (``AwsOidcIntegration.organization_id``): only principals of this
    organization may assume the role."""
    role_name: str = MEMBER_ROLE_NAME
    """Default: ``teleport-organization-discovery-child-account-role``; must equal
    ``OrganizationDiscovery.member_role_name``."""
    types: Sequence[str] = ("ec2",)
    """Default: ``["ec2"]`` (organization discovery is EC2-only)."""
    regions: Sequence[str] = (WILDCARD,)
    """Default: ``["*"]``; must match the discovery's regions (``*`` adds
    ``account:ListRegions``; Teleport expands it for ``ec2`` and ``eks`` only, so ``rds`` needs
    region names)."""
    tags: Mapping[str, str] | None = None
    """Default: none. Extra tags on the role; ``teleport.dev/iac-tool: pulumi`` is added."""


def _check(args: DiscoveryMemberRoleArgs) -> None:
    if not isinstance(args, DiscoveryMemberRoleArgs):
        raise InvalidArgumentError(
            "args", args, "must be a DiscoveryMemberRoleArgs", "pass DiscoveryMemberRoleArgs(...)"
        )
    if isinstance(args.management_role_arn, str):
        check_role_arn(args.management_role_arn, "management_role_arn")
    if isinstance(args.organization_id, str):
        check_organization_id(args.organization_id, "organization_id")
    check_iam_role_name(args.role_name, "role_name")
    fix = f"use some of: {', '.join(DISCOVERY_TYPES)}"
    types = check_string_list(args.types, "types", fix)
    if not types or any(t not in DISCOVERY_TYPES for t in types):
        raise InvalidArgumentError("types", list(types), "must name discovery types", fix)
    check_region_wildcard(sorted(set(types)), check_regions(args.regions, "regions"), "regions")
    validate_tags(args.tags)


class DiscoveryMemberRole(pulumi.ComponentResource):
    """The role Teleport assumes in one member account to discover its resources."""

    role_arn: pulumi.Output[str]
    """The member role's ARN (IAM console -> Roles)."""
    role_name: pulumi.Output[str]
    """The member role's name."""

    def __init__(
        self, name: str, args: DiscoveryMemberRoleArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _check(args)  # before anything is registered
        super().__init__(MEMBER_ROLE_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        def trust(values: list[Any]) -> str:
            arn, org = values
            check_role_arn(arn, "management_role_arn")
            check_organization_id(org, "organization_id")
            return json.dumps(member_role_trust_policy(arn, org))

        role = aws.iam.Role(
            f"{name}-role",
            aws.iam.RoleArgs(
                name=args.role_name,
                description=MEMBER_ROLE_DESCRIPTION,
                assume_role_policy=pulumi.Output.all(
                    args.management_role_arn, args.organization_id
                ).apply(trust),
                tags=merge_tags(validate_tags(args.tags), {TAG_IAC_TOOL: "pulumi"}),
            ),
            opts=child,
        )
        discovery_role_policy(name, role, args.types, args.regions, child)
        self.role_arn = role.arn
        self.role_name = role.name
        self.register_outputs({"role_arn": role.arn, "role_name": role.name})
