"""Reuse the IAM OIDC provider that already exists for the proxy (one per URL per account).

Two ways: by ARN, or by URL lookup. Either way the component checks, at deployment, that the
provider lists the `discover.teleport` audience, and registers no provider of its own.
"""

import pulumi

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

config = pulumi.Config()
proxy_url = config.get("proxyUrl") or "https://teleport.example.com"

# By ARN: e.g. a provider made earlier by Teleport's web UI script.
by_arn = AwsOidcIntegration(
    "by-arn",
    AwsOidcIntegrationArgs(
        proxy_url=proxy_url,
        integration_name="aws-reuse-arn",
        existing_provider_arn=config.get("providerArn")
        or "arn:aws:iam::123456789012:oidc-provider/teleport.example.com",
    ),
)

# By URL lookup: a second integration (its own role) on the same provider.
by_url = AwsOidcIntegration(
    "by-url",
    AwsOidcIntegrationArgs(
        proxy_url=proxy_url,
        integration_name="aws-reuse-url",
        create_oidc_provider=False,
    ),
    opts=pulumi.ResourceOptions(depends_on=[by_arn]),
)

pulumi.export("providerArn", by_url.provider_arn)
pulumi.export("roleArns", [by_arn.role_arn, by_url.role_arn])
