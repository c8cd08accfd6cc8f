"""``identity_center``: AWS Identity Center.

Follows ``StatementForAWSIdentityCenterAccess`` in Teleport's
``lib/cloud/aws/policy_statements.go`` (Sid ``TeleportIdentityCenterClient``), with
``iam:CreateSAMLProvider`` (PR #66420), needed for the first account assignment in a new account,
at the place Teleport's golden ``TestConfigureIdPIAMWithPolicyPresetOutput.golden`` shows it.
Teleport's policy preset also sets the integration's audience to ``aws-identity-center``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._base import PolicyContext, allow, document

KEY = "identity_center"
POLICY_NAME = "TeleportAWSIdentityCenterIntegration"
SID = "TeleportIdentityCenterClient"
ACTIONS = (
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "identitystore:ListUsers",
    "identitystore:ListGroups",
    "identitystore:ListGroupMemberships",
    "sso:DescribeInstance",
    "sso:DescribePermissionSet",
    "sso:ListPermissionSets",
    "sso:ListAccountAssignmentsForPrincipal",
    "sso:ListPermissionSetsProvisionedToAccount",
    "sso:CreateAccountAssignment",
    "sso:DescribeAccountAssignmentCreationStatus",
    "sso:DeleteAccountAssignment",
    "sso:DescribeAccountAssignmentDeletionStatus",
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:CreateSAMLProvider",
    "iam:GetSAMLProvider",
    "iam:ListRoles",
)


@dataclass(frozen=True)
class IdentityCenterOptions:
    """``identity_center``: AWS Identity Center; also sets the integration's audience to
    ``aws-identity-center``. No options."""


OPTIONS = IdentityCenterOptions


def validate(opts: IdentityCenterOptions) -> None:
    """Nothing to check: the feature has no options."""


def policy(ctx: PolicyContext, opts: IdentityCenterOptions, **_: Any) -> dict[str, Any]:
    return document(allow(ACTIONS, sid=SID))
