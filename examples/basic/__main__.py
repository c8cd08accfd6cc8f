"""The smallest useful program: provider, role and Teleport integration for one AWS account."""

import pulumi

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

config = pulumi.Config()

integration = AwsOidcIntegration(
    "teleport",
    AwsOidcIntegrationArgs(
        proxy_url=config.get("proxyUrl") or "https://teleport.example.com",
        integration_name=config.get("integrationName") or "aws-example",
    ),
)

pulumi.export("roleArn", integration.role_arn)
pulumi.export("providerArn", integration.provider_arn)
pulumi.export(
    "tctlGetCommand",
    integration.integration_name.apply(lambda name: f"tctl get integration/{name}"),
)
