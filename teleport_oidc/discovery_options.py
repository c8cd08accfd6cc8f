"""``DiscoveryOptions``: what ``AwsOidcIntegrationArgs.discovery`` accepts, every plain option
checked before anything is registered (the module's refusals included, with the reason), and the
AWS matcher the options become. The children themselves are made by :mod:`.discovery_setup`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from .errors import InvalidArgumentError
from .features.discovery import DISCOVERY_TYPES, MEMBER_ROLE_NAME
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
from .teleport.discovery_rules import (
    DEFAULT_SCRIPT_NAME,
    DEFAULT_SSHD_CONFIG,
    DEFAULT_SSM_DOCUMENT,
    check_discovery_group,
    check_region_wildcard,
    normalize_matcher,
)
from .teleport.document import check_labels
from .teleport.matchers import (
    AccessGraphAwsSync,
    AwsAssumeRole,
    AwsMatcher,
    AwsOrganizationMatcher,
    Ec2InstallParams,
    OrganizationalUnits,
    matcher_input,
)

__all__ = [
    "DiscoveryOptions",
    "OrganizationDiscovery",
    "access_graph_sync",
    "check_discovery",
    "discovery_matcher",
    "resource_names",
]


@dataclass(frozen=True)
class OrganizationDiscovery:
    """Discover EC2 instances in the accounts of the AWS organization the integration's
    account manages (run the program with the management or delegated-admin account).

    Every account the units hold needs the member role (:class:`DiscoveryMemberRole`). With
    ``*`` or the root ID that includes the management (or delegated-admin) account itself:
    Teleport enumerates it like any other and assumes ``member_role_name`` there too, so create
    the member role in that account as well (``examples/discovery-organization`` does)."""

    include_ous: Sequence[str] = (WILDCARD,)
    """Default: ``["*"]``, every account, the management (or delegated-admin) account included.
    Otherwise the root ID (``r-xxxx``, also every account) or OU IDs."""
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
    """Default: ``["*"]``, every enabled region (adds ``account:ListRegions``). Teleport expands
    ``*`` for ``ec2`` and ``eks`` only: with ``rds`` list the region names."""
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
    """Default: none (discover in the integration's account). A role, usually in another
    account, that the Discovery Service assumes after the integration's credentials: resources
    are then found, and EC2 instances join, in *that role's* account. The integration role gets
    ``sts:AssumeRole`` on exactly this ARN (instead of the discovery actions) and the token
    allows that account. The role is yours: it must trust the integration role (``role_arn``
    output; with ``sts:ExternalId`` when ``external_id`` is set) and hold the discovery
    permissions of ``types`` (``teleport_oidc.features.discovery.discovery_policy``). Not with
    ``organization``."""
    external_id: str | None = None
    """Default: none. The external ID ``assume_role_arn``'s trust policy expects."""
    access_graph_regions: Sequence[str] = ()
    """Default: no Access Graph AWS Sync. Region names to sync into Access Graph ("Identity
    Security") through this integration; needs the ``access_graph`` feature (its policy, and its
    CloudTrail and EKS audit-log options, which the sync then uses). Teleport refuses ``*``
    here. With it, ``types`` may be empty (sync only, nothing enrolled)."""
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


def check_discovery(
    options: object, integration_name: str, features: Mapping[str, Any] | None = None
) -> DiscoveryOptions | None:
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
    if not types and not options.access_graph_regions:
        raise InvalidArgumentError(
            "discovery.types",
            types,
            "must name at least one type (or set access_graph_regions)",
            fix,
        )
    _check_access_graph(options, features or {})
    regions = check_regions(options.regions, "discovery.regions")
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
                "must be ['ec2'] with organization: this package supports organization "
                "discovery for EC2 only (Teleport's Terraform module allows only ec2 there too)",
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
        check_organizational_units(
            org.include_ous,
            org.exclude_ous,
            "discovery.organization",
            ("include_ous", "exclude_ous"),
        )
        check_iam_role_name(org.member_role_name, "discovery.organization.member_role_name")
        if isinstance(org.organization_id, str):
            check_organization_id(org.organization_id, "discovery.organization.organization_id")
    check_region_wildcard(
        sorted(set(types)),
        regions,
        "discovery.regions",
        "list the regions to search, e.g. regions=['us-east-1', 'eu-west-1'] (for EC2 or EKS in "
        "every region next to databases in named ones, enroll the databases from a "
        "TeleportDiscoveryConfig matcher of their own)",
    )
    # The whole matcher, as Teleport will check it (install parameters, SSM document), with
    # errors naming the option the user wrote.
    try:
        if types:
            normalize_matcher(_matcher_input(options, integration_name, "o-aaaaaaaaaa"), "m")
    except InvalidArgumentError as exc:
        argument = _OPTION_OF_MATCHER_FIELD.get(exc.argument, f"discovery ({exc.argument[2:]})")
        raise InvalidArgumentError(argument, exc.value, exc.rule, exc.fix) from None
    return options


def _check_access_graph(options: DiscoveryOptions, features: Mapping[str, Any]) -> None:
    regions = options.access_graph_regions
    if isinstance(regions, (list, tuple)) and not regions:
        return
    argument = "discovery.access_graph_regions"
    checked = check_regions(regions, argument)
    if checked == [WILDCARD]:
        raise InvalidArgumentError(
            argument,
            list(regions),
            "must list region names: Teleport checks each Access Graph region by name and "
            "refuses '*'",
            "list the regions to sync, e.g. ['us-east-1']",
        )
    if "access_graph" not in features:
        raise InvalidArgumentError(
            argument,
            list(regions),
            "needs the access_graph feature (the role's AccessGraphSyncAccess policy)",
            "add features={'access_graph': True} (or AccessGraphOptions(...))",
        )
    if options.organization is not None:
        raise InvalidArgumentError(
            argument,
            list(regions),
            "cannot be used with organization discovery here (the sync reads one account "
            "through this integration)",
            "turn it on in a single-account integration",
        )


def access_graph_sync(
    options: DiscoveryOptions, integration_name: str, feature: Any
) -> AccessGraphAwsSync | None:
    """The discovery_config's Access Graph AWS Sync, with the access_graph feature's CloudTrail
    queue and EKS audit-log settings."""
    if not options.access_graph_regions:
        return None
    queue = region = None
    url = getattr(feature, "cloudtrail_sqs_queue_url", None)
    arn = getattr(feature, "cloudtrail_sqs_queue_arn", None)
    if url:
        queue, region = url, url.split("//sqs.", 1)[1].split(".", 1)[0]
    elif arn:
        parts = arn.split(":")
        queue, region = parts[5], parts[3]
    return AccessGraphAwsSync(
        integration=integration_name,
        regions=list(options.access_graph_regions),
        cloudtrail_sqs_queue=queue,
        cloudtrail_region=region,
        eks_audit_log_tags=(
            {WILDCARD: [WILDCARD]} if getattr(feature, "enable_eks_audit_logs", False) else None
        ),
    )


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
        given["organization"] = _organization_from_mapping(given["organization"])
    try:
        return DiscoveryOptions(**given)
    except TypeError as exc:
        raise InvalidArgumentError(
            "discovery", dict(values), f"is incomplete ({exc})", "set discovery_group"
        ) from None


def _organization_from_mapping(values: Mapping[str, Any]) -> OrganizationDiscovery:
    known = set(OrganizationDiscovery.__dataclass_fields__)
    unknown = sorted((key for key in values if key not in known), key=str)
    if unknown:
        raise InvalidArgumentError(
            f"discovery.organization[{unknown[0]!r}]",
            unknown[0],
            "is not an option of organization discovery",
            f"use some of: {', '.join(sorted(known))}",
        )
    return OrganizationDiscovery(**values)


def resource_names(options: DiscoveryOptions, integration_name: str) -> tuple[str, str]:
    default = f"discovery-{integration_name}"
    return options.config_name or default, options.token_name or default


def _matcher_input(options: DiscoveryOptions, integration_name: str, org_id: Any) -> dict[str, Any]:
    return matcher_input(discovery_matcher(options, integration_name, org_id))


def discovery_matcher(options: DiscoveryOptions, integration_name: str, org_id: Any) -> AwsMatcher:
    _, token_name = resource_names(options, integration_name)
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
