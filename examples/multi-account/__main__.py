"""One Teleport, three AWS accounts: one explicit AWS provider and one integration per account.

Each provider assumes a deployment role in its account; `allowed_account_ids` guards against
deploying into the wrong one. The component passes the provider to all of its AWS children.
"""

import pulumi
import pulumi_aws as aws

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

config = pulumi.Config()
proxy_url = config.get("proxyUrl") or "https://teleport.example.com"
accounts = {
    "dev": "111111111111",
    "staging": "222222222222",
    "prod": "333333333333",
}

role_arns = {}
for env, account_id in accounts.items():
    provider = aws.Provider(
        f"aws-{env}",
        region="us-east-1",
        allowed_account_ids=[account_id],
        assume_roles=[
            aws.ProviderAssumeRoleArgs(role_arn=f"arn:aws:iam::{account_id}:role/pulumi-deploy")
        ],
    )
    integration = AwsOidcIntegration(
        f"teleport-{env}",
        AwsOidcIntegrationArgs(
            proxy_url=proxy_url,
            integration_name=f"aws-{env}",
            cluster_name="teleport.example.com",
            features={"ec2_ssm_discovery": True},
        ),
        opts=pulumi.ResourceOptions(providers=[provider]),
    )
    role_arns[env] = integration.role_arn

pulumi.export("roleArns", role_arns)
