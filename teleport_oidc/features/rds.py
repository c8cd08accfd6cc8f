"""``rds``: list RDS databases to enroll them.

Follows ``StatementForListRDSDatabases`` in Teleport's ``lib/cloud/aws/policy_statements.go``
(attached by ``lib/integrations/awsoidc/listdatabases_iam_config.go``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._base import PolicyContext, allow, document

KEY = "rds"
POLICY_NAME = "ListDatabases"
ACTIONS = (
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
)


@dataclass(frozen=True)
class RdsOptions:
    """``rds``: list RDS databases to enroll them. No options."""


OPTIONS = RdsOptions


def validate(opts: RdsOptions) -> None:
    """Nothing to check: the feature has no options."""


def policy(ctx: PolicyContext, opts: RdsOptions, **_: Any) -> dict[str, Any]:
    return document(allow(ACTIONS))
