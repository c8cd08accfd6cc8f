"""Discovery as code: the IAM policies Teleport's Terraform module
(``integrations/terraform-modules/teleport/discovery/aws``, ``aws_iam_policy.tf``) grants.

- ``teleport-discovery`` on the integration role (one account), or on each member account's
  role (an organization): one statement with the actions of the enrolled types, plus
  ``account:ListRegions`` exactly when a matcher's regions are ``*``. With
  ``DiscoveryOptions(assume_role_arn=...)`` the integration role's ``teleport-discovery`` holds
  only ``sts:AssumeRole`` on that role (:func:`assume_role_policy`): Teleport discovers with the
  assumed role's credentials, so the discovery actions belong on that role (the user's).
- ``teleport-organization-account-enumeration`` and ``teleport-organization-join-validation``
  on the integration role in the management account, for organization discovery.
- The member-account role's trust policy: the management account's integration role, from
  inside the organization only.

Documents are written the way the module's ``aws_iam_policy_document`` renders them (actions as
a sorted set, a one-element list as a string), so they compare equal to its output.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ._base import allow, document

__all__ = [
    "ACCOUNT_ENUMERATION_ACTIONS",
    "ACCOUNT_ENUMERATION_POLICY_NAME",
    "DISCOVERY_POLICY_NAME",
    "DISCOVERY_TYPES",
    "EC2_ACTIONS",
    "EKS_ACTIONS",
    "JOIN_VALIDATION_ACTIONS",
    "JOIN_VALIDATION_POLICY_NAME",
    "LIST_REGIONS_ACTION",
    "MEMBER_ROLE_DESCRIPTION",
    "MEMBER_ROLE_NAME",
    "ORGANIZATION_MIN_VERSION",
    "RDS_ACTIONS",
    "account_enumeration_policy",
    "assume_role_policy",
    "discovery_actions",
    "discovery_policy",
    "join_validation_policy",
    "member_role_trust_policy",
    "organization_version_warning",
]

#: The resource types the module (and so the component) grants permissions for.
DISCOVERY_TYPES = ("ec2", "eks", "rds")
DISCOVERY_POLICY_NAME = "teleport-discovery"
ACCOUNT_ENUMERATION_POLICY_NAME = "teleport-organization-account-enumeration"
JOIN_VALIDATION_POLICY_NAME = "teleport-organization-join-validation"
#: The module's default ``aws_child_account_iam_role_name``.
MEMBER_ROLE_NAME = "teleport-organization-discovery-child-account-role"
MEMBER_ROLE_DESCRIPTION = "Assumed by Teleport's Discovery Service to discover resources here."

#: The first Teleport that knows every field organization discovery writes: organization
#: matchers and ``aws_organization_id`` on IAM tokens came in 18.7.0 (PRs #61940, #62405,
#: backported in #62302), ``aws_organizational_units`` on IAM tokens in 18.8 (PR #66241,
#: backported in #66276); Teleport's Terraform module requires its provider >= 18.8.0.
ORGANIZATION_MIN_VERSION = (18, 8, 0)
_VERSION = re.compile(r"v?([0-9]{1,6})\.([0-9]{1,6})\.([0-9]{1,6})", re.ASCII)

LIST_REGIONS_ACTION = "account:ListRegions"
EC2_ACTIONS = (
    "ec2:DescribeInstances",
    "ssm:DescribeInstanceInformation",
    "ssm:GetCommandInvocation",
    "ssm:ListCommandInvocations",
    "ssm:SendCommand",
)
EKS_ACTIONS = (
    "eks:ListClusters",
    "eks:DescribeCluster",
    "eks:ListAccessEntries",
    "eks:DescribeAccessEntry",
    "eks:CreateAccessEntry",
    "eks:DeleteAccessEntry",
    "eks:AssociateAccessPolicy",
    "eks:TagResource",
    "eks:UpdateAccessEntry",
)
RDS_ACTIONS = ("rds:DescribeDBClusters", "rds:DescribeDBInstances")
ACCOUNT_ENUMERATION_ACTIONS = (
    "organizations:ListAccountsForParent",
    "organizations:ListChildren",
    "organizations:ListRoots",
)
JOIN_VALIDATION_ACTIONS = ("organizations:DescribeAccount",)
_BY_TYPE = {"ec2": EC2_ACTIONS, "eks": EKS_ACTIONS, "rds": RDS_ACTIONS}


def _statement(
    actions: Iterable[str], resource: str = "*", condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    # The module's aws_iam_policy_document holds actions as a set: sorted, no duplicates.
    return allow(sorted(set(actions)), resource, condition=condition)


def discovery_actions(types: Iterable[str], regions_wildcard: bool) -> list[str]:
    """The module's ``resource_discovery_policy_actions`` for these types, sorted."""
    actions: set[str] = {LIST_REGIONS_ACTION} if regions_wildcard else set()
    for item in types:
        actions.update(_BY_TYPE[item])
    return sorted(actions)


def discovery_policy(types: Iterable[str], regions_wildcard: bool) -> dict[str, Any]:
    """``teleport-discovery``: what the Discovery Service needs to find and enroll ``types``."""
    return document(_statement(discovery_actions(types, regions_wildcard)))


def assume_role_policy(role_arn: str) -> dict[str, Any]:
    """``teleport-discovery`` with ``assume_role_arn``: assume exactly that role. Teleport
    assumes it after the integration's credentials (``WithAssumeRole`` over
    ``WithCredentialsMaybeIntegration``); across accounts IAM needs this grant on the caller
    as well as the target role's trust."""
    return document(_statement(["sts:AssumeRole"], role_arn))


def account_enumeration_policy(
    partition: str, organization_id: str, member_role_name: str
) -> dict[str, Any]:
    """List the organization's accounts, and assume the member role in its accounts only."""
    return document(
        _statement(ACCOUNT_ENUMERATION_ACTIONS),
        _statement(
            ["sts:AssumeRole"],
            f"arn:{partition}:iam::*:role/{member_role_name}",
            condition={"StringEquals": {"aws:ResourceOrgID": organization_id}},
        ),
    )


def join_validation_policy() -> dict[str, Any]:
    """Let the Auth Service check a joining account's organization and OUs."""
    return document(_statement(JOIN_VALIDATION_ACTIONS))


def member_role_trust_policy(management_role_arn: str, organization_id: str) -> dict[str, Any]:
    """The member-account role trusts the integration role, from inside the organization."""
    return document(
        {
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Principal": {"AWS": management_role_arn},
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": organization_id}},
        }
    )


def organization_version_warning(server_version: str | None) -> str | None:
    """What to tell the user when the cluster's proxy reports a Teleport too old for the
    organization fields; ``None`` when it is new enough or its version is not known."""
    found = _VERSION.match(server_version) if isinstance(server_version, str) else None
    if found is None:
        return None
    version = tuple(int(part) for part in found.groups())
    if version >= ORGANIZATION_MIN_VERSION:
        return None
    needed = ".".join(str(part) for part in ORGANIZATION_MIN_VERSION)
    return (
        f"organization discovery needs Teleport {needed} or newer, and this cluster's proxy "
        f"reports Teleport {found.group(0)}: older Teleport does not know the organization "
        "matcher (18.7.0) or the token's aws_organizational_units (18.8.0) and silently drops "
        "them, so Teleport would discover the management account alone and refuse the token, "
        "or let every account of the organization join; upgrade the cluster to "
        f"{needed} or newer before enabling it"
    )
