"""``ec2_instance_connect``: SSH to EC2 through EC2 Instance Connect Endpoints (deprecated).

Follows ``StatementForEC2InstanceConnectEndpoint`` in Teleport's
``lib/cloud/aws/policy_statements.go`` (the policy ``eice_iam_config.go`` used to attach).
Teleport hid the feature in v15, removed ``teleport integration configure eice-iam`` (PR #51107),
disabled EC2 access through EICE in v19 (PR #60016) and plans its removal for v20 (PR #68267).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._base import PolicyContext, allow, document

KEY = "ec2_instance_connect"
POLICY_NAME = "EC2InstanceConnectEndpoint"
#: The first Teleport major version that no longer serves EC2 through EICE.
DISABLED_IN_MAJOR = 19
_MAJOR = re.compile(r"v?([0-9]{1,9})(?:\.|\Z)", re.ASCII)

ACTIONS = (
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceConnectEndpoints",
    "ec2:DescribeSecurityGroups",
    "ec2:CreateInstanceConnectEndpoint",
    "ec2:CreateTags",
    "ec2:CreateNetworkInterface",
    "iam:CreateServiceLinkedRole",
    "ec2-instance-connect:SendSSHPublicKey",
    "ec2-instance-connect:OpenTunnel",
)


@dataclass(frozen=True)
class Ec2InstanceConnectOptions:
    """``ec2_instance_connect`` (deprecated in Teleport; use ``ec2_ssm_discovery``): SSH to EC2
    through EC2 Instance Connect Endpoints. No options."""


OPTIONS = Ec2InstanceConnectOptions


def validate(opts: Ec2InstanceConnectOptions) -> None:
    """Nothing to check: the feature has no options."""


def policy(ctx: PolicyContext, opts: Ec2InstanceConnectOptions, **_: Any) -> dict[str, Any]:
    return document(allow(ACTIONS))


def deprecation_warning(server_version: str | None) -> str:
    """What enabling the feature tells the user, with the cluster's own verdict when known."""
    text = (
        "feature 'ec2_instance_connect' is deprecated in Teleport (hidden since v15, EC2 access "
        f"through EC2 Instance Connect Endpoints disabled in v{DISABLED_IN_MAJOR}, removal "
        "planned for v20); enroll EC2 instances with 'ec2_ssm_discovery' instead"
    )
    major = _major(server_version)
    if major is None:
        return text + " (the cluster's version is not known here)"
    if major >= DISABLED_IN_MAJOR:
        return text + f"; this cluster runs Teleport {server_version}, which no longer uses it"
    return text + f"; this cluster runs Teleport {server_version}, which still supports it"


def _major(version: str | None) -> int | None:
    """The major version of ``18.2.1`` or ``v18``; ``None`` for anything else (``"²"``, which
    ``str.isdigit`` accepts and ``int`` refuses, or thousands of digits)."""
    found = _MAJOR.match(version or "")
    return int(found.group(1)) if found else None
