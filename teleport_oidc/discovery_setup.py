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

from .errors import InvalidArgumentError
from .features.discovery import (
    ACCOUNT_ENUMERATION_POLICY_NAME,
    DISCOVERY_POLICY_NAME,
    DISCOVERY_TYPES,
    JOIN_VALIDATION_POLICY_NAME,
    MEMBER_ROLE_NAME,
    account_enumeration_policy,
    discovery_policy,
    join_validation_policy,
)
from .rules import parse_arn
from .teleport.aws_checks import (
    WILDCARD,
    check_external_id,
    check_iam_role_name,
    check_match_tags,
    check_organization_id,
    check_organizational_units,
    check_regions,
    check_resource_name,
    check_role_arn,
    check_string_list,
)
from .teleport.discovery import (
    AwsAssumeRole,
    AwsMatcher,
    AwsOrganizationMatcher,
    Ec2InstallParams,
    OrganizationalUnits,
    TeleportDiscoveryConfig,
    TeleportDiscoveryConfigArgs,
)
from .teleport.discovery_rules import (
    DEFAULT_SCRIPT_NAME,
    DEFAULT_SSHD_CONFIG,
    DEFAULT_SSM_DOCUMENT,
    check_discovery_group,
    normalize_matcher,
)
from .teleport.document import check_labels
from .teleport.token import IamAllowRule, TeleportProvisionToken, TeleportProvisionTokenArgs

__all__ = [
    "DiscoveryChildren",
    "DiscoveryOptions",
    "OrganizationDiscovery",
    "add_discovery_policies",
    "add_discovery_resources",
    "check_discovery",
]


@dataclass(frozen=True)
class OrganizationDiscovery:
    """Discover EC2 instances in the accounts of the AWS organization the integration's
    account manages (run the program with the management or delegated-admin account)."""

    include_ous: Sequence[str] = (WILDCARD,)
    """Default: ``["*"]``, every account. Otherwise the root ID (``r-xxxx``) or OU IDs."""
    exclude_ous: Sequence[str] = ()
    """Default: none. OU IDs whose accounts are left out."""
    member_role_name: str = MEMBER_ROLE_NAME
    """Default: ``teleport-organization-discovery-child-account-role`` (the module's). The role
    Teleport assumes in each member account; create it there with
    :class:`DiscoveryMemberRole`."""
    organization_id: pulumi.Input[str] | None = None
    """Default: read from AWS (``aws.organizations.get_organization``), as the module does."""


@dataclass(frozen=True)
class DiscoveryOptions:
    """Turn on auto-discovery for this integration (off by default)."""

    discovery_group: str
    """The ``discovery_group`` of the Discovery Services that should load this config;
    Teleport Cloud's is ``cloud-discovery-group``."""
    types: Sequence[str] = ("ec2",)
    """Default: ``["ec2"]``. Resource types to enroll: ``ec2``, ``eks``, ``rds`` (the types the
    module grants permissions for)."""
    regions: Sequence[str] = (WILDCARD,)
    """Default: ``["*"]``, every enabled region (adds ``account:ListRegions``)."""
    tags: Mapping[str, str | Sequence[str]] | None = None
    """Default: every resource. Tag key -> value(s) to match."""
    script_name: str = DEFAULT_SCRIPT_NAME
    """Default: ``default-installer``. EC2: Teleport's installer script resource."""
    sshd_config: str = DEFAULT_SSHD_CONFIG
    """Default: ``/etc/ssh/sshd_config``. EC2: where the installer writes sshd settings."""
    install_suffix: str | None = None
    """Default: none. EC2: an install suffix (needs agent managed updates)."""
    update_group: str | None = None
    """Default: none. EC2: the managed-updates group."""
    ssm_document_name: str = DEFAULT_SSM_DOCUMENT
    """Default: ``AWS-RunShellScript`` (AWS-managed; nothing to create). EC2 only."""
    assume_role_arn: str | None = None
    """Default: none. One account: a role the Discovery Service assumes after the integration's
    credentials. Not with ``organization``."""
    external_id: str | None = None
    """Default: none. The external ID ``assume_role_arn`` expects."""
    organization: OrganizationDiscovery | None = None
    """Default: this account only. Discover EC2 in every account of the organization."""
    config_name: str | None = None
    """Default: ``discovery-<integration_name>``. The discovery_config's name."""
    token_name: str | None = None
    """Default: ``discovery-<integration_name>``. The IAM-join token's name (EC2 only)."""
    labels: Mapping[str, str] | None = None
    """Default: ``integration_labels``. Labels on the token and discovery_config."""
    adopt_existing: bool = False
    """Default: fail when the token or discovery_config exists. ``True``: take them over."""


def check_discovery(options: object, integration_name: str) -> DiscoveryOptions | None:
    """Every plain option, checked before anything is registered; ``None`` when off."""
    if options is None or options is False:
        return None
    if isinstance(options, Mapping):
        options = _from_mapping(options)
    if not isinstance(options, DiscoveryOptions):
        raise InvalidArgumentError(
            "discovery",
            options,
            "must be DiscoveryOptions (or None to leave discovery off)",
            "pass DiscoveryOptions(discovery_group='cloud-discovery-group')",
        )
    check_discovery_group(options.discovery_group, "discovery.discovery_group")
    fix = f"use some of: {', '.join(DISCOVERY_TYPES)}"
    types = check_string_list(options.types, "discovery.types", fix)
    for index, item in enumerate(types):
        if item not in DISCOVERY_TYPES:
            raise InvalidArgumentError(
                f"discovery.types[{index}]",
                item,
                "is not a type the component grants permissions for (those of Teleport's "
                "Terraform module)",
                f"{fix}; for other types use TeleportDiscoveryConfig with your own policy",
            )
    if not types:
        raise InvalidArgumentError("discovery.types", types, "must name at least one type", fix)
    check_regions(options.regions, "discovery.regions")
    check_match_tags(options.tags, "discovery.tags")
    if options.assume_role_arn is not None:
        check_role_arn(options.assume_role_arn, "discovery.assume_role_arn")
    if options.external_id is not None:
        check_external_id(options.external_id, "discovery.external_id")
        if options.assume_role_arn is None:
            raise InvalidArgumentError(
                "discovery.external_id",
                options.external_id,
                "needs assume_role_arn",
                "set assume_role_arn, or drop the external ID",
            )
    for key in ("config_name", "token_name"):
        value = getattr(options, key)
        if value is not None:
            kind = "token" if key == "token_name" else "discovery_config"
            check_resource_name(value, f"discovery.{key}", kind)
    if options.labels is not None:
        check_labels(options.labels, "discovery.labels")
    if not isinstance(options.adopt_existing, bool):
        raise InvalidArgumentError(
            "discovery.adopt_existing",
            options.adopt_existing,
            "must be True or False",
            "pass True or False",
        )
    org = options.organization
    if org is not None:
        if not isinstance(org, OrganizationDiscovery):
            raise InvalidArgumentError(
                "discovery.organization",
                org,
                "must be OrganizationDiscovery",
                "pass OrganizationDiscovery(include_ous=['*'])",
            )
        if sorted(set(types)) != ["ec2"]:
            raise InvalidArgumentError(
                "discovery.types",
                list(types),
                "must be ['ec2'] with organization: Teleport discovers across an organization "
                "for EC2 only (the Terraform module refuses other types too)",
                "enroll EKS and RDS with a single-account integration per account",
            )
        if options.assume_role_arn is not None:
            raise InvalidArgumentError(
                "discovery.assume_role_arn",
                options.assume_role_arn,
                "cannot be used with organization: Teleport assumes member_role_name in each "
                "member account and refuses a role ARN there (the Terraform module refuses a "
                "trust role with organization discovery)",
                "drop assume_role_arn, or discover one account",
            )
        check_organizational_units(org.include_ous, org.exclude_ous, "discovery.organization")
        check_iam_role_name(org.member_role_name, "discovery.organization.member_role_name")
        if isinstance(org.organization_id, str):
            check_organization_id(org.organization_id, "discovery.organization.organization_id")
    # The whole matcher, as Teleport will check it (install parameters, SSM document), with
    # errors naming the option the user wrote.
    try:
        normalize_matcher(_matcher_input(options, integration_name, "o-aaaaaaaaaa"), "m")
    except InvalidArgumentError as exc:
        argument = _OPTION_OF_MATCHER_FIELD.get(exc.argument, f"discovery ({exc.argument[2:]})")
        raise InvalidArgumentError(argument, exc.value, exc.rule, exc.fix) from None
    return options


_OPTION_OF_MATCHER_FIELD = {
    "m.install.join_token": "discovery.token_name",
    "m.install.script_name": "discovery.script_name",
    "m.install.sshd_config": "discovery.sshd_config",
    "m.install.suffix": "discovery.install_suffix",
    "m.install.update_group": "discovery.update_group",
    "m.ssm.document_name": "discovery.ssm_document_name",
}


def _from_mapping(values: Mapping[str, Any]) -> DiscoveryOptions:
    known = set(DiscoveryOptions.__dataclass_fields__)
    unknown = sorted(set(values) - known)
    if unknown:
        raise InvalidArgumentError(
            f"discovery[{unknown[0]!r}]",
            unknown[0],
            "is not a discovery option",
            f"use some of: {', '.join(sorted(known))}",
        )
    given = dict(values)
    if isinstance(given.get("organization"), Mapping):
        given["organization"] = OrganizationDiscovery(**given["organization"])
    try:
        return DiscoveryOptions(**given)
    except TypeError as exc:
        raise InvalidArgumentError(
            "discovery", dict(values), f"is incomplete ({exc})", "set discovery_group"
        ) from None


def _names(options: DiscoveryOptions, integration_name: str) -> tuple[str, str]:
    default = f"discovery-{integration_name}"
    return options.config_name or default, options.token_name or default


def _matcher_input(options: DiscoveryOptions, integration_name: str, org_id: Any) -> dict[str, Any]:
    from .teleport.discovery import matcher_input

    return matcher_input(_matcher(options, integration_name, org_id))


def _matcher(options: DiscoveryOptions, integration_name: str, org_id: Any) -> AwsMatcher:
    _, token_name = _names(options, integration_name)
    org = options.organization
    assume_role = None
    organization = None
    if org is not None:
        assume_role = AwsAssumeRole(role_name=org.member_role_name)
        organization = AwsOrganizationMatcher(
            organization_id=org_id,
            organizational_units=OrganizationalUnits(
                include=list(org.include_ous), exclude=list(org.exclude_ous)
            ),
        )
    elif options.assume_role_arn is not None:
        assume_role = AwsAssumeRole(
            role_arn=options.assume_role_arn, external_id=options.external_id
        )
    return AwsMatcher(
        types=list(options.types),
        regions=list(options.regions),
        tags=options.tags,
        integration=integration_name,
        assume_role=assume_role,
        organization=organization,
        install=Ec2InstallParams(
            join_token=token_name,
            script_name=options.script_name,
            sshd_config=options.sshd_config,
            suffix=options.install_suffix,
            update_group=options.update_group,
        )
        if "ec2" in options.types
        else None,
        ssm_document_name=options.ssm_document_name,
    )


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


def add_discovery_policies(
    parent: pulumi.Resource, name: str, options: DiscoveryOptions, role: aws.iam.Role
) -> DiscoveryChildren:
    """The role's discovery policies (AWS side, before the integration)."""
    child = pulumi.ResourceOptions(parent=parent)
    org = options.organization
    wildcard = list(options.regions) == [WILDCARD]
    if org is None:
        policy = aws.iam.RolePolicy(
            f"{name}-discovery",
            aws.iam.RolePolicyArgs(
                role=role.name,
                name=DISCOVERY_POLICY_NAME,
                policy=json.dumps(discovery_policy(options.types, wildcard)),
            ),
            opts=child,
        )
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
    connection: Mapping[str, Any],
) -> DiscoveryChildren:
    """The token (when EC2 is enrolled), then the discovery_config, after ``after``."""
    config_name, token_name = _names(options, integration_name)
    labels = options.labels if options.labels is not None else labels
    org = options.organization
    depends: list[pulumi.Resource] = list(after)
    if "ec2" in options.types:
        if org is None:
            rule = IamAllowRule(aws_account=role_arn.apply(_account))
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
            _adopt_hint=_ADOPT_HINT,
        )
        depends = [*depends, children.token]
    children.config = TeleportDiscoveryConfig(
        f"{name}-discovery-config",
        TeleportDiscoveryConfigArgs(
            name=config_name,
            discovery_group=options.discovery_group,
            aws=[_matcher(options, integration_name, children.organization_id)],
            labels=labels,
            description="Configure Teleport to discover AWS resources.",
            adopt_existing=options.adopt_existing,
            **connection,
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=depends),
        _adopt_hint=_ADOPT_HINT,
    )
    return children


_ADOPT_HINT = "DiscoveryOptions(adopt_existing=True) in the component's discovery"
