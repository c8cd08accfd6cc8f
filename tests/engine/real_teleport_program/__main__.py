"""The engine tier's program against a real Teleport v13 node, issuer ``https://localhost``.

An ``AwsOidcIntegration`` whose thumbprint and cluster name are looked up from the real proxy
(its self-signed certificate trusted through ``caBundle``), and a standalone IAM-join
``TeleportProvisionToken``. No ``DiscoveryOptions``: Teleport v13 has no ``discovery_config``
kind (v14+), and the Go module proxy here serves no newer Teleport to build.

Config (all but ``caBundle`` optional): ``integrationName``, ``roleName``, ``createProvider``
(false: reuse the provider another stack made for the same URL), ``adopt``, ``tokenName``
(empty: no token).
"""

import pulumi

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    IamAllowRule,
    TeleportProvisionToken,
    TeleportProvisionTokenArgs,
)

config = pulumi.Config()
name = config.get("integrationName") or "aws-real"

teleport = AwsOidcIntegration(
    "teleport",
    AwsOidcIntegrationArgs(
        proxy_url="https://localhost",
        integration_name=name,
        ca_bundle=config.require("caBundle"),
        role_name=config.get("roleName"),
        create_oidc_provider=config.get_bool("createProvider") is not False,
        adopt_existing_integration=config.get_bool("adopt") or False,
    ),
)
pulumi.export("roleArn", teleport.role_arn)
pulumi.export("providerArn", teleport.provider_arn)
pulumi.export("thumbprints", teleport.thumbprints)
pulumi.export("tags", teleport.tags)
pulumi.export("clusterName", teleport.cluster_name)
pulumi.export("teleportVersion", teleport.teleport_version)

token_name = config.get("tokenName", "iam-join-real")
if token_name:
    TeleportProvisionToken(
        "join",
        TeleportProvisionTokenArgs(
            name=token_name, allow=[IamAllowRule(aws_account="123456789012")]
        ),
    )
