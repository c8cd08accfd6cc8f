"""Teleport's AWS OIDC integration as Pulumi code.

- :class:`AwsOidcIntegration`: the IAM OIDC provider (created or reused), the IAM role with
  Teleport's trust policy and tags, opt-in feature policies, and the Teleport integration.
- :class:`TeleportIntegration`: the Teleport ``integration`` resource alone, through tctl.
- :func:`lookup_thumbprints` / :func:`lookup_thumbprints_output`: the thumbprint AWS expects.
- :func:`trust_policy`: the role's trust policy as a dict.

Importing this package has no side effects: the dynamic provider process imports it too.
"""

from .component import COMPONENT_TYPE, AwsOidcIntegration, AwsOidcIntegrationArgs
from .constants import AUDIENCE
from .errors import InvalidArgumentError, TctlError, TeleportOidcError, ThumbprintError
from .features import (
    FEATURES,
    AccessGraphOptions,
    AwsConsoleAccessOptions,
    Ec2InstanceConnectOptions,
    Ec2SsmDiscoveryOptions,
    EcsDeployServiceOptions,
    EksOptions,
    ExternalAuditStorageOptions,
    IdentityCenterOptions,
    RdsOptions,
    feature_policy,
)
from .log import TeleportOidcWarning
from .lookups.thumbprint import CertificateInfo, lookup_thumbprints, lookup_thumbprints_output
from .rules import issuer_from_proxy_url
from .teleport.integration import INTEGRATION_TYPE, TeleportIntegration, TeleportIntegrationArgs
from .teleport.provider import TeleportIntegrationProvider
from .trust import trust_policy

__all__ = [
    "AUDIENCE",
    "COMPONENT_TYPE",
    "FEATURES",
    "INTEGRATION_TYPE",
    "AccessGraphOptions",
    "AwsConsoleAccessOptions",
    "AwsOidcIntegration",
    "AwsOidcIntegrationArgs",
    "CertificateInfo",
    "Ec2InstanceConnectOptions",
    "Ec2SsmDiscoveryOptions",
    "EcsDeployServiceOptions",
    "EksOptions",
    "ExternalAuditStorageOptions",
    "IdentityCenterOptions",
    "InvalidArgumentError",
    "RdsOptions",
    "TctlError",
    "TeleportIntegration",
    "TeleportIntegrationArgs",
    "TeleportIntegrationProvider",
    "TeleportOidcError",
    "TeleportOidcWarning",
    "ThumbprintError",
    "feature_policy",
    "issuer_from_proxy_url",
    "lookup_thumbprints",
    "lookup_thumbprints_output",
    "trust_policy",
]

__version__ = "0.1.0"
