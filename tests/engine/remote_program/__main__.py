"""examples/basic, with the component constructed by the teleport-oidc plugin (``remote=True``)
as a program in another language has it: the Python program does not import teleport_oidc."""

from typing import Any

import pulumi


class AwsOidcIntegration(pulumi.ComponentResource):
    """The plugin's component, by its type token (what a generated Python SDK does); its
    outputs are attributes by their schema names."""

    def __init__(self, name: str, props: dict[str, Any]) -> None:
        outputs = {"roleArn": None, "providerArn": None, "integrationName": None}
        super().__init__(
            "teleport-oidc:index:AwsOidcIntegration", name, {**outputs, **props}, None, remote=True
        )


config = pulumi.Config()
integration = AwsOidcIntegration(
    "teleport",
    {
        "proxyUrl": config.get("proxyUrl") or "https://teleport.example.com",
        "integrationName": config.get("integrationName") or "aws-example",
    },
)

pulumi.export("roleArn", integration.roleArn)  # type: ignore[attr-defined]
pulumi.export("providerArn", integration.providerArn)  # type: ignore[attr-defined]
