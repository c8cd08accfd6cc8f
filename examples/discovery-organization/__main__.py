"""Discovery as code for a whole AWS organization (EC2), as Teleport's Terraform module does it.

Run with credentials of the organization's management (or delegated administrator) account.
The component reads the organization's ID from AWS, grants the integration role account
enumeration and join validation, creates an IAM-join token allowing the organization's units
and a discovery_config with the organization matcher. The role Teleport assumes in each member
account is created here too: one explicit AWS provider per account, over a list of accounts,
and one in the management account itself (``include_ous=["*"]`` enumerates it as well).
"""

import pulumi
import pulumi_aws as aws

from teleport_oidc import (
    AwsOidcIntegration,
    AwsOidcIntegrationArgs,
    DiscoveryMemberRole,
    DiscoveryMemberRoleArgs,
    DiscoveryOptions,
    OrganizationDiscovery,
)

config = pulumi.Config()
member_accounts = {"dev": "111111111111", "staging": "222222222222", "prod": "333333333333"}
member_role_name = "teleport-organization-discovery-child-account-role"

teleport = AwsOidcIntegration(
    "teleport",
    AwsOidcIntegrationArgs(
        proxy_url=config.get("proxyUrl") or "https://teleport.example.com",
        integration_name=config.get("integrationName") or "aws-organization",
        discovery=DiscoveryOptions(
            discovery_group=config.get("discoveryGroup") or "cloud-discovery-group",
            types=["ec2"],  # organization discovery is EC2-only (Teleport's limit)
            organization=OrganizationDiscovery(
                include_ous=["*"],
                member_role_name=member_role_name,
            ),
        ),
    ),
)

# One explicit provider per member account; each assumes the account's admin role.
member_roles = {}
for env, account_id in member_accounts.items():
    provider = aws.Provider(
        f"aws-{env}",
        region="us-east-1",
        allowed_account_ids=[account_id],
        assume_roles=[
            aws.ProviderAssumeRoleArgs(
                role_arn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
            )
        ],
    )
    member = DiscoveryMemberRole(
        f"teleport-member-{env}",
        DiscoveryMemberRoleArgs(
            management_role_arn=teleport.role_arn,
            organization_id=teleport.organization_id,
            role_name=member_role_name,
        ),
        opts=pulumi.ResourceOptions(providers=[provider]),
    )
    member_roles[env] = member.role_arn

# With include_ous ["*"] (or the root ID) Teleport enumerates the management account too, like
# any other account of the organization, and assumes the member role there: create it in this
# account as well, with the program's default provider.
management = DiscoveryMemberRole(
    "teleport-member-management",
    DiscoveryMemberRoleArgs(
        management_role_arn=teleport.role_arn,
        organization_id=teleport.organization_id,
        role_name=member_role_name,
    ),
)
member_roles["management"] = management.role_arn

pulumi.export("organizationId", teleport.organization_id)
pulumi.export("memberRoles", member_roles)
pulumi.export("joinToken", teleport.discovery_token_name)
pulumi.export("discoveryConfig", teleport.discovery_config_name)
