"""examples/basic with two features, written against the SDK `pulumi package add` generates
(``sdks/teleport-oidc``, package ``pulumi_teleport_oidc``): the component is constructed by the
teleport-oidc plugin, and this program does not import teleport_oidc."""

import pulumi
import pulumi_teleport_oidc as teleport_oidc

config = pulumi.Config()
integration = teleport_oidc.AwsOidcIntegration(
    "teleport",
    proxy_url=config.get("proxyUrl") or "https://teleport.example.com",
    integration_name=config.get("integrationName") or "aws-example",
    features=teleport_oidc.FeaturesArgs(rds=True, eks=True),
)

pulumi.export("roleArn", integration.role_arn)
pulumi.export("providerArn", integration.provider_arn)
pulumi.export("featurePolicies", integration.feature_policies)
pulumi.export(
    "tctlGetCommand", pulumi.Output.concat("tctl get integration/", integration.integration_name)
)
