"""An integration as Teleport's web UI makes it: the IAM requests of ``teleport integration
configure awsoidc-idp`` / ``ec2-ssm-iam`` / ``listdatabases-iam`` / ``eks-iam``, and the
integration the web UI then creates.

The requests are those of Teleport's golden outputs (gravitational/teleport,
``lib/integrations/awsoidc/testdata/``): ``TestConfigureIdPIAMOutput.golden`` (the provider,
three tags, one thumbprint; the role with Teleport's description and trust policy, no path, no
max session duration), ``TestEC2SSMIAMConfigOutput.golden`` (``EC2DiscoverWithSSM`` as written
before ``account:ListRegions`` was added), ``TestListDatabasesIAMConfigOutput.golden``
(``ListDatabases``) and ``TestEKSIAMConfigOutput.golden`` (``EKSAccess``). The web UI's
integration: ``kind: integration``, ``sub_kind: aws-oidc``, ``spec.aws_oidc.role_arn``, no labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

AUDIENCE = "discover.teleport"

#: Inline policies Teleport's CLI attaches, as its golden outputs print them.
EC2_SSM_OLD = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "ec2:DescribeInstances",
                "ssm:DescribeInstanceInformation",
                "ssm:GetCommandInvocation",
                "ssm:ListCommandInvocations",
                "ssm:SendCommand",
            ],
            "Resource": "*",
        }
    ],
}
LIST_DATABASES = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "rds:DescribeDBInstances",
                "rds:DescribeDBClusters",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcs",
            ],
            "Resource": "*",
        }
    ],
}
EKS_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "eks:ListClusters",
                "eks:DescribeCluster",
                "eks:ListAccessEntries",
                "eks:CreateAccessEntry",
                "eks:DeleteAccessEntry",
                "eks:AssociateAccessPolicy",
                "eks:TagResource",
            ],
            "Resource": "*",
        }
    ],
}
POLICIES = {
    "EC2DiscoverWithSSM": EC2_SSM_OLD,
    "ListDatabases": LIST_DATABASES,
    "EKSAccess": EKS_ACCESS,
}


@dataclass(frozen=True)
class WebUiSetup:
    provider_arn: str
    role_arn: str
    role_name: str
    integration_name: str
    cluster: str


def _tags(cluster: str, integration: str) -> list[dict[str, str]]:
    # tags.DefaultResourceCreationTags: cluster, origin, integration.
    return [
        {"Key": "teleport.dev/cluster", "Value": cluster},
        {"Key": "teleport.dev/integration", "Value": integration},
        {"Key": "teleport.dev/origin", "Value": "integration_awsoidc"},
    ]


def configure_idp(
    iam: Any,
    *,
    host: str = "teleport.example.com",
    account: str = "123456789012",
    cluster: str = "teleport.example.com",
    integration: str = "aws-prod",
    role_name: str = "TeleportWebUiRole",
    thumbprint: str = "15dbd260c7465ecca6de2c0b2181187f66ee0d1a",
    policies: dict[str, Any] | None = None,
) -> WebUiSetup:
    """The requests of ``awsoidc-idp`` (then one PutRolePolicy per feature set up)."""
    created = iam.create_open_id_connect_provider(
        Url=f"https://{host}",
        ClientIDList=[AUDIENCE],
        Tags=_tags(cluster, integration),
        ThumbprintList=[thumbprint],
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Principal": {"Federated": f"arn:aws:iam::{account}:oidc-provider/{host}"},
                "Condition": {"StringEquals": {f"{host}:aud": AUDIENCE}},
            }
        ],
    }
    role = iam.create_role(
        AssumeRolePolicyDocument=json.dumps(trust),
        RoleName=role_name,
        Description="Used by Teleport to provide access to AWS resources.",
        Tags=_tags(cluster, integration),
    )["Role"]
    for name, document in (POLICIES if policies is None else policies).items():
        iam.put_role_policy(
            RoleName=role_name, PolicyName=name, PolicyDocument=json.dumps(document)
        )
    return WebUiSetup(
        created["OpenIDConnectProviderArn"], role["Arn"], role_name, integration, cluster
    )


def web_ui_integration(setup: WebUiSetup) -> dict[str, Any]:
    """The integration Teleport's web UI creates for that role (as ``tctl get`` prints it)."""
    return {
        "kind": "integration",
        "sub_kind": "aws-oidc",
        "version": "v1",
        "metadata": {"name": setup.integration_name, "revision": "r0"},
        "spec": {"aws_oidc": {"role_arn": setup.role_arn}},
    }
