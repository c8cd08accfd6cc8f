// The smallest useful program, in C#: provider, role and Teleport integration for one AWS
// account (examples/basic in Python). `pulumi package add` writes the SDK to sdks/teleport-oidc.
using System.Collections.Generic;
using Pulumi;
using Pulumi.TeleportOidc;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    var integration = new AwsOidcIntegration("teleport", new AwsOidcIntegrationArgs
    {
        ProxyUrl = config.Get("proxyUrl") ?? "https://teleport.example.com",
        IntegrationName = config.Get("integrationName") ?? "aws-example",
    });

    return new Dictionary<string, object?>
    {
        ["roleArn"] = integration.RoleArn,
        ["providerArn"] = integration.ProviderArn,
        ["tctlGetCommand"] = integration.IntegrationName.Apply(name => $"tctl get integration/{name}"),
    };
});
