"""``aws_console_access``: AWS console and CLI access through roles tagged for Teleport.

Follows ``StatementForAWSAppAccess`` in Teleport's ``lib/cloud/aws/policy_statements.go``
(attached by ``lib/integrations/awsoidc/aws_app_access_iam_config.go``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._base import PolicyContext, allow, document

KEY = "aws_console_access"
POLICY_NAME = "AWSAppAccess"


@dataclass(frozen=True)
class AwsConsoleAccessOptions:
    """``aws_console_access``: AWS console and CLI access. Target roles must carry the tag
    ``teleport.dev/integration=true`` and trust this integration's role. No options."""


OPTIONS = AwsConsoleAccessOptions


def validate(opts: AwsConsoleAccessOptions) -> None:
    """Nothing to check: the feature has no options."""


def policy(ctx: PolicyContext, opts: AwsConsoleAccessOptions, **_: Any) -> dict[str, Any]:
    return document(
        allow(
            "sts:AssumeRole",
            condition={"StringEquals": {"iam:ResourceTag/teleport.dev/integration": "true"}},
        )
    )
