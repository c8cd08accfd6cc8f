"""Teleport's AWS OIDC integration as Pulumi code.

- :class:`AwsOidcIntegration`: the IAM OIDC provider (created or reused), the IAM role with
  Teleport's trust policy and tags, opt-in feature policies, and the Teleport integration.
- :class:`TeleportIntegration`: the Teleport ``integration`` resource alone, through tctl.
- :class:`TeleportDiscoveryConfig` / :class:`TeleportProvisionToken`: discovery as code
  (``discovery_config``, IAM-join ``token``); :class:`DiscoveryOptions` has the component set
  them up, :class:`DiscoveryMemberRole` is the role in each organization member account
  (:class:`DiscoveryMemberRoleStackSet`: in every account of chosen OUs, by CloudFormation).
- :func:`lookup_thumbprints` / :func:`lookup_thumbprints_output`: the thumbprint AWS expects.
- :func:`trust_policy`: the role's trust policy as a dict.

Importing this package has no side effects: the dynamic provider process imports it too. Every
name is imported on first use (``_LAZY``); the CLI's modules, ``cryptography``, ``requests`` and
``yaml`` only by what needs them.
"""

from typing import TYPE_CHECKING, Any

#: Every public name -> the module defining it, imported when the name is first asked for
#: (PEP 562): ``import teleport_oidc`` loads nothing else, and a program pays for what it uses
#: (``from teleport_oidc import AwsOidcIntegration``: the component and what it needs).
_LAZY = {
    "COMPONENT_TYPE": "component",
    "AwsOidcIntegration": "component",
    "AwsOidcIntegrationArgs": "component",
    "AUDIENCE": "constants",
    "InvalidArgumentError": "errors",
    "TctlError": "errors",
    "TeleportOidcError": "errors",
    "ThumbprintError": "errors",
    "FEATURES": "features",
    "AccessGraphOptions": "features",
    "AwsConsoleAccessOptions": "features",
    "Ec2InstanceConnectOptions": "features",
    "Ec2SsmDiscoveryOptions": "features",
    "EcsDeployServiceOptions": "features",
    "EksOptions": "features",
    "ExternalAuditStorageOptions": "features",
    "IdentityCenterOptions": "features",
    "RdsOptions": "features",
    "feature_policy": "features",
    "TeleportOidcWarning": "log",
    "CertificateInfo": "lookups.thumbprint",
    "lookup_thumbprints": "lookups.thumbprint",
    "lookup_thumbprints_output": "lookups.thumbprint",
    "issuer_from_proxy_url": "rules",
    "INTEGRATION_TYPE": "teleport.integration",
    "TeleportIntegration": "teleport.integration",
    "TeleportIntegrationArgs": "teleport.integration",
    "TeleportIntegrationProvider": "teleport.provider",
    "trust_policy": "trust",
    "DiscoveryOptions": "discovery_options",
    "OrganizationDiscovery": "discovery_options",
    "MEMBER_ROLE_TYPE": "member_role",
    "DiscoveryMemberRole": "member_role",
    "DiscoveryMemberRoleArgs": "member_role",
    "MEMBER_ROLE_STACK_SET_TYPE": "member_role_stack_set",
    "DiscoveryMemberRoleStackSet": "member_role_stack_set",
    "DiscoveryMemberRoleStackSetArgs": "member_role_stack_set",
    "DISCOVERY_CONFIG_TYPE": "teleport.discovery",
    "TeleportDiscoveryConfig": "teleport.discovery",
    "TeleportDiscoveryConfigArgs": "teleport.discovery",
    "TeleportDiscoveryConfigProvider": "teleport.discovery",
    "AccessGraphAwsSync": "teleport.matchers",
    "AwsAssumeRole": "teleport.matchers",
    "AwsMatcher": "teleport.matchers",
    "AwsOrganizationMatcher": "teleport.matchers",
    "Ec2InstallParams": "teleport.matchers",
    "OrganizationalUnits": "teleport.matchers",
    "PROVISION_TOKEN_TYPE": "teleport.token",
    "IamAllowRule": "teleport.token",
    "TeleportProvisionToken": "teleport.token",
    "TeleportProvisionTokenArgs": "teleport.token",
    "TeleportProvisionTokenProvider": "teleport.token",
}

if TYPE_CHECKING:
    from .component import COMPONENT_TYPE, AwsOidcIntegration, AwsOidcIntegrationArgs
    from .constants import AUDIENCE
    from .discovery_options import DiscoveryOptions, OrganizationDiscovery
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
    from .member_role import MEMBER_ROLE_TYPE, DiscoveryMemberRole, DiscoveryMemberRoleArgs
    from .member_role_stack_set import (
        MEMBER_ROLE_STACK_SET_TYPE,
        DiscoveryMemberRoleStackSet,
        DiscoveryMemberRoleStackSetArgs,
    )
    from .rules import issuer_from_proxy_url
    from .teleport.discovery import (
        DISCOVERY_CONFIG_TYPE,
        TeleportDiscoveryConfig,
        TeleportDiscoveryConfigArgs,
        TeleportDiscoveryConfigProvider,
    )
    from .teleport.integration import INTEGRATION_TYPE, TeleportIntegration, TeleportIntegrationArgs
    from .teleport.matchers import (
        AccessGraphAwsSync,
        AwsAssumeRole,
        AwsMatcher,
        AwsOrganizationMatcher,
        Ec2InstallParams,
        OrganizationalUnits,
    )
    from .teleport.provider import TeleportIntegrationProvider
    from .teleport.token import (
        PROVISION_TOKEN_TYPE,
        IamAllowRule,
        TeleportProvisionToken,
        TeleportProvisionTokenArgs,
        TeleportProvisionTokenProvider,
    )
    from .trust import trust_policy


def __getattr__(name: str) -> Any:
    """The names of ``_LAZY``, imported when first asked for (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'teleport_oidc' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "AUDIENCE",
    "COMPONENT_TYPE",
    "DISCOVERY_CONFIG_TYPE",
    "FEATURES",
    "INTEGRATION_TYPE",
    "MEMBER_ROLE_STACK_SET_TYPE",
    "MEMBER_ROLE_TYPE",
    "PROVISION_TOKEN_TYPE",
    "AccessGraphAwsSync",
    "AccessGraphOptions",
    "AwsAssumeRole",
    "AwsConsoleAccessOptions",
    "AwsMatcher",
    "AwsOidcIntegration",
    "AwsOidcIntegrationArgs",
    "AwsOrganizationMatcher",
    "CertificateInfo",
    "DiscoveryMemberRole",
    "DiscoveryMemberRoleArgs",
    "DiscoveryMemberRoleStackSet",
    "DiscoveryMemberRoleStackSetArgs",
    "DiscoveryOptions",
    "Ec2InstallParams",
    "Ec2InstanceConnectOptions",
    "Ec2SsmDiscoveryOptions",
    "EcsDeployServiceOptions",
    "EksOptions",
    "ExternalAuditStorageOptions",
    "IamAllowRule",
    "IdentityCenterOptions",
    "InvalidArgumentError",
    "OrganizationDiscovery",
    "OrganizationalUnits",
    "RdsOptions",
    "TctlError",
    "TeleportDiscoveryConfig",
    "TeleportDiscoveryConfigArgs",
    "TeleportDiscoveryConfigProvider",
    "TeleportIntegration",
    "TeleportIntegrationArgs",
    "TeleportIntegrationProvider",
    "TeleportOidcError",
    "TeleportOidcWarning",
    "TeleportProvisionToken",
    "TeleportProvisionTokenArgs",
    "TeleportProvisionTokenProvider",
    "ThumbprintError",
    "feature_policy",
    "issuer_from_proxy_url",
    "lookup_thumbprints",
    "lookup_thumbprints_output",
    "trust_policy",
]

__version__ = "0.1.0"
