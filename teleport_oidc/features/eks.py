"""``eks``: enroll EKS clusters (manages access entries).

Follows ``StatementForEKSAccess`` in Teleport's ``lib/cloud/aws/policy_statements.go``
(attached by ``lib/integrations/awsoidc/eks_iam_config.go``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._base import PolicyContext, allow, document

KEY = "eks"
POLICY_NAME = "EKSAccess"
ACTIONS = (
    "eks:ListClusters",
    "eks:DescribeCluster",
    "eks:ListAccessEntries",
    "eks:CreateAccessEntry",
    "eks:DeleteAccessEntry",
    "eks:AssociateAccessPolicy",
    "eks:TagResource",
)


@dataclass(frozen=True)
class EksOptions:
    """``eks``: enroll EKS clusters (manages access entries). No options."""


OPTIONS = EksOptions


def validate(opts: EksOptions) -> None:
    """Nothing to check: the feature has no options."""


def policy(ctx: PolicyContext, opts: EksOptions, **_: Any) -> dict[str, Any]:
    return document(allow(ACTIONS))
