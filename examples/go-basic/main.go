// The smallest useful program, in Go: provider, role and Teleport integration for one AWS
// account (examples/basic in Python). `pulumi package add` writes the SDK to sdks/teleport-oidc.
package main

import (
	"github.com/example/teleport-oidc/sdk/go/teleportoidc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		proxyURL := cfg.Get("proxyUrl")
		if proxyURL == "" {
			proxyURL = "https://teleport.example.com"
		}
		name := cfg.Get("integrationName")
		if name == "" {
			name = "aws-example"
		}
		integration, err := teleportoidc.NewAwsOidcIntegration(ctx, "teleport",
			&teleportoidc.AwsOidcIntegrationArgs{
				ProxyUrl:        pulumi.String(proxyURL),
				IntegrationName: name,
			})
		if err != nil {
			return err
		}
		ctx.Export("roleArn", integration.RoleArn)
		ctx.Export("providerArn", integration.ProviderArn)
		ctx.Export("tctlGetCommand", integration.IntegrationName.ApplyT(func(n string) string {
			return "tctl get integration/" + n
		}))
		return nil
	})
}
