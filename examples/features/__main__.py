"""Grant Teleport the permissions of the features you use: EC2, RDS, EKS and console access.

Each feature adds one inline policy on the integration role with exactly the actions Teleport's
own configurator grants. Console access also needs target roles that carry the tag
`teleport.dev/integration=true` and trust this integration's role (see the README).
"""

import pulumi

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

integration = AwsOidcIntegration(
    "teleport",
    AwsOidcIntegrationArgs(
        proxy_url="https://teleport.example.com",
        integration_name="aws-features",
        features={
            "ec2_ssm_discovery": True,
            "rds": True,
            "eks": True,
            "aws_console_access": True,
        },
        tags={"team": "platform"},
    ),
)

pulumi.export("featurePolicies", integration.feature_policies)
