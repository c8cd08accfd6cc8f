"""``DiscoveryMemberRoleStackSet``: the member-account role of organization discovery, deployed
by AWS itself to every account of chosen organizational units: a service-managed CloudFormation
StackSet with automatic deployment, created from the management (or delegated administrator)
account by one AWS provider.

The per-account way (:class:`~teleport_oidc.DiscoveryMemberRole`, one explicit provider per
account) runs one AWS plugin process per account; this one runs none extra, whatever the number
of accounts, and accounts that join the OUs later get the role without a new ``pulumi up``.

Children, named from the component's name (a contract with users' state)::

    <name>-stack-set    aws:cloudformation/stackSet          the template: the role and its policy
    <name>-instances    aws:cloudformation/stackSetInstance  its deployment to the OUs

The role in each account is the one ``DiscoveryMemberRole`` makes: same name, description,
trust policy (the integration role, from inside the organization), inline policy
``teleport-discovery`` and tags. CloudFormation does not deploy a service-managed StackSet to the
management account itself (AWS's rule), which Teleport does not need: it uses the integration
role there.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from .constants import TAG_IAC_TOOL
from .errors import InvalidArgumentError
from .features.discovery import (
    DISCOVERY_POLICY_NAME,
    MEMBER_ROLE_DESCRIPTION,
    MEMBER_ROLE_NAME,
    discovery_policy,
)
from .member_role import check_member_role_fields, checked_trust_policy
from .tags import merge_tags, validate_tags
from .teleport.aws_checks import WILDCARD, check_organizational_unit_ids

__all__ = [
    "CALL_AS",
    "MEMBER_ROLE_STACK_SET_TYPE",
    "DiscoveryMemberRoleStackSet",
    "DiscoveryMemberRoleStackSetArgs",
    "member_role_template",
]

#: The component's type token: part of users' state, never to change.
MEMBER_ROLE_STACK_SET_TYPE = "teleport-oidc:index:DiscoveryMemberRoleStackSet"
#: CloudFormation's ``CallAs``: the management account itself, or a delegated administrator.
CALL_AS = ("SELF", "DELEGATED_ADMIN")
_STACK_SET_NAME_RULE = "must start with a letter and hold letters, digits and '-' (at most 128)"


@dataclass
class DiscoveryMemberRoleStackSetArgs:
    """Inputs of :class:`DiscoveryMemberRoleStackSet`; the first six are
    :class:`~teleport_oidc.DiscoveryMemberRoleArgs`'s, with the same rules."""

    management_role_arn: pulumi.Input[str]
    """The integration role in the management account (``AwsOidcIntegration.role_arn``)."""
    organization_id: pulumi.Input[str]
    """The organization's ID (``AwsOidcIntegration.organization_id``): only principals of this
    organization may assume the role."""
    organizational_unit_ids: Sequence[str] | None = None
    """Where the role goes: root ID ``r-xxxx`` or OU IDs ``ou-xxxx-yyyyyyyy`` (each OU with its
    child OUs, as CloudFormation deploys). Default: the organization's root, read from AWS:
    every member account, including those that join later."""
    role_name: str = MEMBER_ROLE_NAME
    """Default: ``teleport-organization-discovery-child-account-role``; must equal
    ``OrganizationDiscovery.member_role_name``."""
    types: Sequence[str] = ("ec2",)
    """Default: ``["ec2"]`` (organization discovery is EC2-only)."""
    regions: Sequence[str] = (WILDCARD,)
    """Default: ``["*"]``; must match the discovery's regions."""
    tags: Mapping[str, str] | None = None
    """Default: none. Extra tags on the role and the StackSet; ``teleport.dev/iac-tool: pulumi``
    is added."""
    stack_set_name: str = "teleport-discovery-member-role"
    """Default: ``teleport-discovery-member-role``. The StackSet's name in the CloudFormation
    console (StackSets); changing it replaces the StackSet and the role in every account."""
    call_as: str = "SELF"
    """Default: ``SELF`` (run as the organization's management account); ``DELEGATED_ADMIN``
    when the provider's account is a delegated administrator for CloudFormation StackSets."""
    operation_preferences: (
        pulumi.Input[aws.cloudformation.StackSetInstanceOperationPreferencesArgs] | None
    ) = None
    """Default: CloudFormation's (one account at a time, stop on the first failure). For
    hundreds of accounts, raise ``max_concurrent_percentage`` (and the failure tolerance with
    it) to deploy faster."""


def _check(args: DiscoveryMemberRoleStackSetArgs) -> list[str] | None:
    if not isinstance(args, DiscoveryMemberRoleStackSetArgs):
        raise InvalidArgumentError(
            "args",
            args,
            "must be a DiscoveryMemberRoleStackSetArgs",
            "pass DiscoveryMemberRoleStackSetArgs(...)",
        )
    check_member_role_fields(args)
    name = args.stack_set_name
    if (
        not isinstance(name, str)
        or not name[:1].isascii()
        or not name[:1].isalpha()
        or len(name) > 128
        or any(not (c.isascii() and (c.isalnum() or c == "-")) for c in name)
    ):
        raise InvalidArgumentError(
            "stack_set_name", name, _STACK_SET_NAME_RULE, "e.g. 'teleport-discovery-member-role'"
        )
    if args.call_as not in CALL_AS:
        raise InvalidArgumentError(
            "call_as",
            args.call_as,
            "must be 'SELF' or 'DELEGATED_ADMIN'",
            "use 'SELF' from the management account, 'DELEGATED_ADMIN' from a delegated "
            "administrator account",
        )
    if args.organizational_unit_ids is None:
        return None
    return check_organizational_unit_ids(args.organizational_unit_ids, "organizational_unit_ids")


def member_role_template(
    trust: Mapping[str, Any],
    role_name: str,
    types: Sequence[str],
    regions: Sequence[str],
    tags: Mapping[str, str],
) -> dict[str, Any]:
    """The CloudFormation template of the member role: the role ``DiscoveryMemberRole``
    creates, with its ``teleport-discovery`` inline policy."""
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "Teleport Discovery Service member-account role (teleport-oidc).",
        "Resources": {
            "MemberRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": role_name,
                    "Description": MEMBER_ROLE_DESCRIPTION,
                    "AssumeRolePolicyDocument": dict(trust),
                    "Policies": [
                        {
                            "PolicyName": DISCOVERY_POLICY_NAME,
                            "PolicyDocument": discovery_policy(types, list(regions) == [WILDCARD]),
                        }
                    ],
                    "Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())],
                },
            }
        },
        "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["MemberRole", "Arn"]}}},
    }


class DiscoveryMemberRoleStackSet(pulumi.ComponentResource):
    """The member-account discovery role in every account of chosen OUs, through one
    service-managed CloudFormation StackSet (see the CloudFormation console -> StackSets)."""

    stack_set_name: pulumi.Output[str]
    """The StackSet's name."""
    stack_set_arn: pulumi.Output[str]
    """The StackSet's ARN."""
    organizational_unit_ids: pulumi.Output[list[str]]
    """The OUs (or root) the role is deployed to."""
    role_name: pulumi.Output[str]
    """The member role's name in every account
    (``arn:aws:iam::<account>:role/<role_name>``)."""

    def __init__(
        self,
        name: str,
        args: DiscoveryMemberRoleStackSetArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        ous = _check(args)  # before anything is registered
        super().__init__(MEMBER_ROLE_STACK_SET_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = merge_tags(validate_tags(args.tags), {TAG_IAC_TOOL: "pulumi"})
        targets: pulumi.Input[list[str]]
        if ous is None:
            organization = aws.organizations.get_organization_output(
                opts=pulumi.InvokeOutputOptions(parent=self)
            )
            targets = organization.roots.apply(lambda roots: [roots[0].id])
        else:
            targets = ous
        template = pulumi.Output.all(args.management_role_arn, args.organization_id).apply(
            lambda v: json.dumps(
                member_role_template(
                    checked_trust_policy(v), args.role_name, args.types, args.regions, tags
                )
            )
        )
        stack_set = aws.cloudformation.StackSet(
            f"{name}-stack-set",
            aws.cloudformation.StackSetArgs(
                name=args.stack_set_name,
                description="Teleport Discovery Service member-account role (teleport-oidc).",
                permission_model="SERVICE_MANAGED",
                auto_deployment=aws.cloudformation.StackSetAutoDeploymentArgs(
                    enabled=True, retain_stacks_on_account_removal=False
                ),
                capabilities=["CAPABILITY_NAMED_IAM"],
                call_as=args.call_as,
                template_body=template,
                tags=tags,
            ),
            # AWS fills in a service-managed StackSet's administration role; pulumi-aws would
            # otherwise show it as a change on every preview.
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(ignore_changes=["administrationRoleArn"])
            ),
        )
        aws.cloudformation.StackSetInstance(
            f"{name}-instances",
            aws.cloudformation.StackSetInstanceArgs(
                stack_set_name=stack_set.name,
                call_as=args.call_as,
                deployment_targets=aws.cloudformation.StackSetInstanceDeploymentTargetsArgs(
                    organizational_unit_ids=targets
                ),
                operation_preferences=args.operation_preferences,
            ),
            opts=child,
        )
        self.stack_set_name = stack_set.name
        self.stack_set_arn = stack_set.arn
        self.organizational_unit_ids = pulumi.Output.from_input(targets)
        self.role_name = pulumi.Output.from_input(args.role_name)
        self.register_outputs(
            {
                "stack_set_name": self.stack_set_name,
                "stack_set_arn": self.stack_set_arn,
                "organizational_unit_ids": self.organizational_unit_ids,
                "role_name": self.role_name,
            }
        )
