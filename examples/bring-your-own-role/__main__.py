"""Register the Teleport integration alone, for a role managed elsewhere (another stack, a
Terraform module, a landing-zone pipeline). No AWS resource is created here."""

import pulumi

from teleport_oidc import TeleportIntegration, TeleportIntegrationArgs

config = pulumi.Config()

integration = TeleportIntegration(
    "teleport-integration",
    TeleportIntegrationArgs(
        integration_name="aws-byo-role",
        role_arn=config.get("roleArn") or "arn:aws:iam::123456789012:role/teleport-byo",
        labels={"owner": "platform"},
    ),
)

pulumi.export("integrationName", integration.integration_name)
