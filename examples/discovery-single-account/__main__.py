"""Discovery as code for one AWS account: EC2 instances (installed through SSM, joining with
the IAM method), EKS clusters and RDS databases, enrolled by Teleport's Discovery Service.

Creates what Teleport's Terraform module does: the provider and role, the ``teleport-discovery``
policy, the integration, an IAM-join token allowing this account, and the discovery_config.
"""

import pulumi

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs, DiscoveryOptions

config = pulumi.Config()

teleport = AwsOidcIntegration(
    "teleport",
    AwsOidcIntegrationArgs(
        proxy_url=config.get("proxyUrl") or "https://teleport.example.com",
        integration_name=config.get("integrationName") or "aws-discovery",
        discovery=DiscoveryOptions(
            # Teleport Cloud's Discovery Service; self-hosted: the discovery_group in teleport.yaml
            discovery_group=config.get("discoveryGroup") or "cloud-discovery-group",
            types=["ec2", "eks", "rds"],
            # Region names: Teleport expands "*" for EC2 and EKS only, and would look for RDS
            # databases in a region named "*" (the component refuses it).
            regions=["us-east-1", "eu-west-1"],
            tags={"teleport": ["enroll"]},
        ),
    ),
)

pulumi.export("roleArn", teleport.role_arn)
pulumi.export("discoveryConfig", teleport.discovery_config_name)
pulumi.export("joinToken", teleport.discovery_token_name)
pulumi.export(
    "tctlGetCommand",
    teleport.discovery_config_name.apply(lambda name: f"tctl get discovery_config/{name}"),
)
