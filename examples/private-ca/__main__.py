"""A proxy whose certificate comes from a private CA.

AWS can only check such a chain through the thumbprint. Either let the component look it up,
trusting your CA for the lookup (`ca_bundle`), or pin the thumbprints you computed with
`teleport-oidc thumbprint https://teleport.internal.example.com --ca-bundle ca.pem`.
"""

import pulumi

from teleport_oidc import AwsOidcIntegration, AwsOidcIntegrationArgs

config = pulumi.Config()

looked_up = AwsOidcIntegration(
    "private-ca-lookup",
    AwsOidcIntegrationArgs(
        proxy_url="https://teleport.internal.example.com",
        integration_name="aws-private-ca",
        ca_bundle=config.get("caBundle") or "/etc/ssl/private-ca/ca.pem",
    ),
)

pinned = AwsOidcIntegration(
    "private-ca-pinned",
    AwsOidcIntegrationArgs(
        proxy_url="https://teleport-dr.internal.example.com",
        integration_name="aws-private-ca-dr",
        thumbprints=["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
    ),
)

pulumi.export("thumbprints", {"lookedUp": looked_up.thumbprints, "pinned": pinned.thumbprints})
