"""The typed options of a ``discovery_config``'s AWS matchers and Access Graph AWS Sync, and
their conversion to the provider's inputs (Teleport's field names; ``Output`` values kept, to be
checked by the provider once known). Checks and defaults live in :mod:`.discovery_rules`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from .aws_checks import WILDCARD, plain
from .discovery_rules import (
    DEFAULT_JOIN_TOKEN,
    DEFAULT_SCRIPT_NAME,
    DEFAULT_SSHD_CONFIG,
    DEFAULT_SSM_DOCUMENT,
)

__all__ = [
    "WIRE_PATHS",
    "AccessGraphAwsSync",
    "AwsAssumeRole",
    "AwsMatcher",
    "AwsOrganizationMatcher",
    "Ec2InstallParams",
    "OrganizationalUnits",
    "access_graph_as_api",
    "access_graph_as_provider",
    "access_graph_input",
    "matcher_input",
    "matchers_as_api",
    "matchers_as_provider",
]


@dataclass(frozen=True)
class OrganizationalUnits:
    """AWS Organizations units to match (accounts in them and in their children)."""

    include: Sequence[str] = (WILDCARD,)
    """Default: ``["*"]``, the whole organization. Otherwise the root ID (``r-xxxx``) or OU IDs
    (``ou-xxxx-yyyyyyyy``); ``*`` cannot be mixed with IDs."""
    exclude: Sequence[str] = ()
    """Default: none. OU IDs whose accounts (and their children's) are left out even if
    included; ``*`` is not allowed."""


@dataclass(frozen=True)
class AwsOrganizationMatcher:
    """Discover in every account of an AWS organization (EC2 only in this package). Needs
    Teleport 18.7.0 or newer: an older one drops the field and discovers one account."""

    organization_id: pulumi.Input[str]
    """The organization's ID, ``o-`` and 10-32 characters (``aws organizations
    describe-organization``). May be an Output, e.g. from ``aws.organizations.get_organization``."""
    organizational_units: OrganizationalUnits = field(default_factory=OrganizationalUnits)
    """Default: every unit (``include=["*"]``)."""


@dataclass(frozen=True)
class AwsAssumeRole:
    """A role the Discovery Service assumes after getting credentials."""

    role_arn: pulumi.Input[str] | None = None
    """Default: none. A role ARN to assume (single account)."""
    role_name: str | None = None
    """Default: none. With ``organization``: the role's name in every member account (required
    there, and ``role_arn`` must then be unset)."""
    external_id: str | None = None
    """Default: none. The external ID ``role_arn``'s trust policy expects. Without ``role_arn``
    only in a matcher whose types are all ``redshift-serverless``, ``opensearch`` or ``docdb``
    (the databases Teleport reaches through IAM roles as database users; Teleport's rule)."""


@dataclass(frozen=True)
class Ec2InstallParams:
    """How Teleport is installed on discovered EC2 instances (through SSM)."""

    join_token: pulumi.Input[str] = DEFAULT_JOIN_TOKEN
    """Default: ``aws-discovery-iam-token`` (Teleport's default name). The IAM-join token the
    instances join with, e.g. a :class:`TeleportProvisionToken`'s ``name``."""
    script_name: str = DEFAULT_SCRIPT_NAME
    """Default: ``default-installer``, Teleport's installer script resource."""
    sshd_config: str = DEFAULT_SSHD_CONFIG
    """Default: ``/etc/ssh/sshd_config``. Where the installer writes sshd settings."""
    suffix: str | None = None
    """Default: none. An install suffix (letters, digits, '-') for several Teleport installs on
    one instance; needs agent managed updates."""
    update_group: str | None = None
    """Default: none. The managed-updates group (letters, digits, '-')."""


@dataclass(frozen=True)
class AwsMatcher:
    """Which AWS resources to enroll. Written with Teleport's defaults filled in."""

    types: Sequence[str]
    """Resource types: ``ec2``, ``eks``, ``rds`` and Teleport's other database types."""
    regions: Sequence[str] = (WILDCARD,)
    """Default: ``["*"]``, every region the account has enabled (the role then needs
    ``account:ListRegions``): Teleport expands ``*`` for ``ec2`` and ``eks`` only, so a matcher
    with a database type (``rds`` ...) must list region names. ``*`` cannot be mixed with
    names."""
    tags: Mapping[str, str | Sequence[str]] | None = None
    """Default: every resource (``{"*": ["*"]}``). Tag key -> value or values to match."""
    integration: pulumi.Input[str] | None = None
    """Default: none (the Discovery Service's own credentials). The AWS OIDC integration whose
    role Teleport uses."""
    assume_role: AwsAssumeRole | None = None
    """Default: none. A role to assume after getting credentials."""
    organization: AwsOrganizationMatcher | None = None
    """Default: this account only. Discover across an AWS organization: EC2 only here, and
    ``assume_role.role_name`` is then required."""
    install: Ec2InstallParams | None = None
    """Default (EC2): ``Ec2InstallParams()``: install Teleport with the ``default-installer``
    script and join with the IAM method. Written with ``enroll_mode: 1`` (script): left unset,
    Teleport would pick EC2 Instance Connect Endpoint for a matcher with an integration, which
    v19 disabled. Only for EC2."""
    ssm_document_name: str = DEFAULT_SSM_DOCUMENT
    """Default: ``AWS-RunShellScript``, the AWS-managed document (nothing to create). Only for
    EC2."""


@dataclass(frozen=True)
class AccessGraphAwsSync:
    """Access Graph AWS Sync ("Identity Security") for one integration."""

    integration: pulumi.Input[str]
    """The AWS OIDC integration whose role Teleport reads AWS with (it needs the
    ``access_graph`` feature's policy)."""
    regions: Sequence[str]
    """Region names to sync (Teleport refuses ``*`` here)."""
    cloudtrail_sqs_queue: str | None = None
    """Default: no CloudTrail ingestion. The name or URL of the SQS queue CloudTrail notifies."""
    cloudtrail_region: str | None = None
    """Default: none; required with the queue. The queue's region."""
    eks_audit_log_tags: Mapping[str, str | Sequence[str]] | None = None
    """Default: no EKS audit logs. Tags of the EKS clusters whose audit logs Teleport reads."""


def matcher_input(matcher: AwsMatcher) -> dict[str, Any]:
    """A matcher as the provider's input (Teleport's field names; Outputs kept)."""
    if not isinstance(matcher, AwsMatcher):
        return matcher  # a dict, or a mistake check() reports
    value: dict[str, Any] = {
        "types": list(matcher.types) if not isinstance(matcher.types, str) else matcher.types,
        "regions": list(matcher.regions)
        if not isinstance(matcher.regions, str)
        else matcher.regions,
        "tags": plain(matcher.tags) if matcher.tags is not None else None,
        "integration": matcher.integration,
    }
    if matcher.assume_role is not None:
        role = matcher.assume_role
        value["assume_role"] = {
            "role_arn": role.role_arn,
            "role_name": role.role_name,
            "external_id": role.external_id,
        }
    if matcher.organization is not None:
        units = matcher.organization.organizational_units
        value["organization"] = {
            "organization_id": matcher.organization.organization_id,
            "organizational_units": {
                "include": plain(units.include),
                "exclude": plain(units.exclude),
            },
        }
    if "ec2" in matcher.types:
        install = matcher.install or Ec2InstallParams()
        value["install"] = {
            "join_token": install.join_token,
            "script_name": install.script_name,
            "sshd_config": install.sshd_config,
            "suffix": install.suffix,
            "update_group": install.update_group,
        }
        value["ssm"] = {"document_name": matcher.ssm_document_name}
    elif matcher.install is not None:
        value["install"] = {"join_token": matcher.install.join_token}
    return _drop_none(value)


def access_graph_input(syncs: Sequence[AccessGraphAwsSync] | None) -> dict[str, Any] | None:
    if not syncs:
        return None
    items = []
    for sync in syncs:
        if not isinstance(sync, AccessGraphAwsSync):
            items.append(sync)
            continue
        item: dict[str, Any] = {"integration": sync.integration, "regions": plain(sync.regions)}
        if sync.cloudtrail_sqs_queue or sync.cloudtrail_region:
            item["cloud_trail_logs"] = {
                "sqs_queue": sync.cloudtrail_sqs_queue,
                "region": sync.cloudtrail_region,
            }
        if sync.eks_audit_log_tags:
            item["eks_audit_logs"] = {"tags": plain(sync.eks_audit_log_tags)}
        items.append(item)
    return {"aws": items}


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


# --- the Python API's shape and the provider's, both ways (the plugin's wire: registration.Wire)
#
# The classes above are the Python API (and the plugin's schema); the provider takes Teleport's
# field names. Where the two are shaped differently, these convert plain snake_case values
# either way, leaving anything else (an unknown, a mistake the provider's check names) as is.

#: The provider's argument paths in errors, as the API's (regex, replacement): first match wins.
WIRE_PATHS = (
    (r"^aws\[(\d+)\]\.ssm(?:\.document_name)?\b", r"aws[\1].ssm_document_name"),
    (
        r"^access_graph\.aws\[(\d+)\]\.cloud_trail_logs\.sqs_queue\b",
        r"access_graph[\1].cloudtrail_sqs_queue",
    ),
    (
        r"^access_graph\.aws\[(\d+)\]\.cloud_trail_logs\.region\b",
        r"access_graph[\1].cloudtrail_region",
    ),
    (
        r"^access_graph\.aws\[(\d+)\]\.cloud_trail_logs\b",
        r"access_graph[\1].cloudtrail_sqs_queue",
    ),
    (
        r"^access_graph\.aws\[(\d+)\]\.eks_audit_logs(?:\.tags)?",
        r"access_graph[\1].eks_audit_log_tags",
    ),
    (r"^access_graph\.aws\[(\d+)\]", r"access_graph[\1]"),
    (r"^access_graph\.aws\b", r"access_graph"),
)


def matchers_as_api(value: Any) -> Any:
    """The provider's matchers as :class:`AwsMatcher`'s fields: ``ssm.document_name`` is
    ``ssm_document_name``."""
    if not isinstance(value, (list, tuple)):
        return value
    result = []
    for matcher in value:
        if isinstance(matcher, Mapping) and isinstance(matcher.get("ssm"), Mapping):
            matcher = dict(matcher)
            ssm = matcher.pop("ssm")
            if ssm.get("document_name") is not None:
                matcher["ssm_document_name"] = ssm["document_name"]
        result.append(matcher)
    return result


def matchers_as_provider(value: Any) -> Any:
    """:class:`AwsMatcher`'s fields as the provider's matcher (the reverse)."""
    if not isinstance(value, (list, tuple)):
        return value
    result = []
    for matcher in value:
        if isinstance(matcher, Mapping) and "ssm_document_name" in matcher:
            matcher = dict(matcher)
            document = matcher.pop("ssm_document_name")
            if document is not None:
                matcher["ssm"] = {"document_name": document}
        result.append(matcher)
    return result


def access_graph_as_api(value: Any) -> Any:
    """The provider's ``{"aws": [...]}`` as a list of :class:`AccessGraphAwsSync`'s fields."""
    if not isinstance(value, Mapping) or set(value) != {"aws"}:
        return value
    syncs = value["aws"]
    if not isinstance(syncs, (list, tuple)):
        return value
    result = []
    for sync in syncs:
        if isinstance(sync, Mapping):
            sync = dict(sync)
            trail = sync.pop("cloud_trail_logs", None)
            if isinstance(trail, Mapping):
                sync["cloudtrail_sqs_queue"] = trail.get("sqs_queue")
                sync["cloudtrail_region"] = trail.get("region")
            elif trail is not None:
                sync["cloud_trail_logs"] = trail
            logs = sync.pop("eks_audit_logs", None)
            if isinstance(logs, Mapping) and set(logs) <= {"tags"}:
                sync["eks_audit_log_tags"] = logs.get("tags")
            elif logs is not None:
                sync["eks_audit_logs"] = logs
        result.append(_drop_none(sync))
    return result


def access_graph_as_provider(value: Any) -> Any:
    """A list of :class:`AccessGraphAwsSync`'s fields as the provider's ``{"aws": [...]}`` (the
    reverse, as :func:`access_graph_input` writes it; an empty list is no sync)."""
    if not isinstance(value, (list, tuple)):
        return value
    if not value:
        return None
    result = []
    for sync in value:
        if isinstance(sync, Mapping):
            sync = dict(sync)
            queue = sync.pop("cloudtrail_sqs_queue", None)
            region = sync.pop("cloudtrail_region", None)
            if queue or region:
                sync["cloud_trail_logs"] = {"sqs_queue": queue, "region": region}
            tags = sync.pop("eks_audit_log_tags", None)
            if tags:
                sync["eks_audit_logs"] = {"tags": tags}
        result.append(sync)
    return {"aws": result}
