// The smallest useful program, in TypeScript: provider, role and Teleport integration for one
// AWS account (examples/basic in Python). `pulumi package add` writes the SDK to
// sdks/teleport-oidc and adds it to package.json.
import * as pulumi from "@pulumi/pulumi";
import * as teleportOidc from "@pulumi/teleport-oidc";

const config = new pulumi.Config();

const integration = new teleportOidc.AwsOidcIntegration("teleport", {
    proxyUrl: config.get("proxyUrl") ?? "https://teleport.example.com",
    integrationName: config.get("integrationName") ?? "aws-example",
});

export const roleArn = integration.roleArn;
export const providerArn = integration.providerArn;
export const tctlGetCommand = pulumi.interpolate`tctl get integration/${integration.integrationName}`;
