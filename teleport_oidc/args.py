"""``AwsOidcIntegrationArgs``, the component's inputs, and their validation: every plain value is
checked here, before the component registers anything."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

import pulumi

from .constants import DEFAULT_MAX_SESSION_DURATION, DEFAULT_ROLE_DESCRIPTION, TAG_CLUSTER
from .errors import InvalidArgumentError
from .features import normalize_features
from .rules import (
    check_provider_arn,
    default_role_name,
    issuer_from_proxy_url,
    validate_integration_name,
    validate_max_session_duration,
    validate_permissions_boundary_arn,
    validate_role_description,
    validate_role_name,
    validate_role_path,
    validate_thumbprints,
)
from .tags import merge_tags, required_tags, validate_tag_value, validate_tags
from .teleport.shared_inputs import check_connection, check_stack_config

if TYPE_CHECKING:
    from .discovery_options import DiscoveryOptions

__all__ = ["AwsOidcIntegrationArgs", "CheckedArgs", "check_args"]


@dataclass
class AwsOidcIntegrationArgs:
    """Inputs of :class:`AwsOidcIntegration`. Plain values are checked when the component is
    built; Output values when they become known, with the same messages."""

    proxy_url: pulumi.Input[str]
    """The Teleport proxy's public URL, e.g. ``https://teleport.example.com``. Normalised to the
    OIDC issuer ``https://<lower-cased host>`` (``:443`` and a trailing slash dropped). Must be
    https, on port 443, with no path, query, fragment or user name: IAM and STS require it."""

    integration_name: str
    """The Teleport integration's name: a DNS-1035 label (lowercase letters, digits and '-',
    starting with a letter, at most 63 characters). Also the ``teleport.dev/integration`` tag."""

    cluster_name: pulumi.Input[str] | None = None
    """Default: what the proxy reports (``GET https://<proxy>/webapi/find``, no login needed),
    looked up at deployment; the issuer host with ``enable_cluster_lookup=False``. The Teleport
    cluster name, for the ``teleport.dev/cluster`` tag; see ``tctl status``. Given as a plain
    string it also tells the Teleport integration which cluster holds it
    (``TeleportIntegrationArgs.cluster``): changing it then re-creates the integration (deleted
    first), and changing ``auth_server`` alone is only a new way to reach the same cluster."""

    enable_cluster_lookup: bool = True
    """Default: ask the proxy for the cluster's name and Teleport version at deployment (one
    request per proxy per process; a failed lookup makes a preview show the name as unknown with
    a warning, and stops ``pulumi up``). Needed only when ``cluster_name`` is not given or
    ``ec2_instance_connect`` is enabled (its warning says whether the cluster still supports it).
    ``False``: no request; ``cluster_name`` defaults to the issuer host."""

    thumbprints: Literal["auto"] | Sequence[str] | None = "auto"
    """Default ``"auto"``: looked up from the issuer on every deployment (discovery, then the
    last certificate of the TLS chain), so a rotated chain heals with an in-place update. A list
    pins up to 5 thumbprints (40 hex characters; lower-cased). ``None`` lets IAM verify the
    certificate against its trusted CAs (public CAs only; cannot be undone on an existing
    provider)."""

    ca_bundle: pulumi.Input[str] | None = None
    """Default: the public CAs. A PEM file to verify the proxy with during the ``"auto"``
    lookup, for proxies with a private CA. A plain path is checked when the component is built
    (it must exist, be readable and hold PEM certificates) whenever the lookup will read it:
    not with pinned thumbprints, a reused provider or ``teleport-oidc plan --offline``."""

    thumbprint_timeout: float = 10.0
    """Default: 10 seconds per request of the ``"auto"`` lookup, everything included (connect,
    TLS, the answer, one retry). A lookup makes at most two requests, so it ends within
    ``2 * thumbprint_timeout`` seconds (plus DNS resolution)."""

    create_oidc_provider: bool = True
    """Default: create the IAM OIDC provider. ``False``: reuse the provider that exists for this
    URL in the account (looked up by URL; there can be only one per URL)."""

    existing_provider_arn: pulumi.Input[str] | None = None
    """Default: none. Reuse this existing provider instead of creating one. Its URL must be the
    issuer and it must list the ``discover.teleport`` audience (checked at deployment)."""

    role_name: str | None = None
    """Default: ``teleport-<integration_name>`` (shortened with a hash to 64 characters)."""

    role_path: str = "/"
    """Default: ``/``. The role's IAM path."""

    role_description: str = DEFAULT_ROLE_DESCRIPTION
    """Default: Teleport's, ``Used by Teleport to provide access to AWS resources.``"""

    permissions_boundary_arn: pulumi.Input[str] | None = None
    """Default: no permissions boundary. An Output is checked when it becomes known, before
    any child is created (the children's tags wait for the check)."""

    max_session_duration: int = DEFAULT_MAX_SESSION_DURATION
    """Default: 3600 seconds (the IAM default). From 3600 to 43200."""

    restrict_subjects: bool = False
    """Default: off, like Teleport. ``True`` adds a ``sub`` condition allowing exactly
    ``system:proxy`` and ``system:auth``, the only subjects Teleport uses."""

    tags: Mapping[str, str] | None = None
    """Default: none. Extra tags on the provider, role and other taggable children. The
    ``teleport.dev/*`` tags are applied after them and always win."""

    features: Mapping[str, Any] | None = None
    """Default: none (the role has no permissions). Teleport features to grant, by key:
    ``{"rds": True, "eks": True, "access_graph": AccessGraphOptions(...)}``. See the README."""

    create_teleport_integration: bool = True
    """Default: register the Teleport integration (``TeleportIntegration``) with tctl after
    the role. ``False`` if you register it elsewhere."""

    integration_labels: Mapping[str, str] | None = None
    """Default: none of yours. Labels on the Teleport integration (Teleport's label key rule;
    ``teleport.dev/iac-tool: pulumi`` is always added and cannot be set here)."""

    adopt_existing_integration: bool = False
    """Default: fail if the Teleport integration exists, unless this component's integration
    wrote it (its owner labels) and it is exactly what it would create (left by an unconfirmed
    create: taken over). ``True``: take it over whatever it holds, unless another Pulumi
    resource owns it (see the README, *Ownership of Teleport resources*)."""

    auth_server: pulumi.Input[str] | None = None
    """Default: config ``teleport-oidc:authServer``, then ``TELEPORT_AUTH_SERVER``."""

    identity_file: pulumi.Input[str] | None = None
    """Default: config ``teleport-oidc:identityFile`` / secret ``teleport-oidc:identity``, then
    ``TELEPORT_IDENTITY_FILE``."""

    tctl_path: pulumi.Input[str] | None = None
    """Default: config ``teleport-oidc:tctlPath``, then ``TELEPORT_TCTL``, then ``tctl``."""

    discovery: DiscoveryOptions | None = None
    """Default: off. Auto-discovery as Teleport's Terraform module sets it up: the discovery
    policy on the role, an IAM-join ``TeleportProvisionToken`` allowing the account (or the
    organization) when EC2 is enrolled, and a ``TeleportDiscoveryConfig`` pointing at this
    integration. ``DiscoveryOptions(discovery_group='cloud-discovery-group', types=['ec2'])``."""


# A NamedTuple: immutable like a frozen dataclass, and far cheaper to define at import.
class CheckedArgs(NamedTuple):
    """Every plain input, validated; Outputs passed through. ``args`` is what the user wrote."""

    args: AwsOidcIntegrationArgs
    issuer_url: str | pulumi.Output[str]
    integration_name: str
    role_name: str
    user_tags: dict[str, str]
    thumbprints: Literal["auto"] | list[str] | None
    features: dict[str, Any]
    reuse: Literal["arn", "url"] | None
    discovery: DiscoveryOptions | None


def check_args(args: AwsOidcIntegrationArgs) -> CheckedArgs:
    if not isinstance(args, AwsOidcIntegrationArgs):
        raise InvalidArgumentError(
            "args", args, "must be an AwsOidcIntegrationArgs", "pass AwsOidcIntegrationArgs(...)"
        )
    issuer: str | pulumi.Output[str] = (
        args.proxy_url
        if isinstance(args.proxy_url, pulumi.Output)
        else issuer_from_proxy_url(args.proxy_url)  # also rejects awaitables and non-strings
    )
    name = validate_integration_name(args.integration_name)
    role_name = (
        validate_role_name(args.role_name)
        if args.role_name is not None
        else default_role_name(name)
    )
    validate_role_path(args.role_path)
    validate_max_session_duration(args.max_session_duration)
    validate_role_description(args.role_description)
    if isinstance(args.permissions_boundary_arn, str):
        validate_permissions_boundary_arn(args.permissions_boundary_arn)
    if not isinstance(args.restrict_subjects, bool):
        raise InvalidArgumentError(
            "restrict_subjects",
            args.restrict_subjects,
            "must be True or False",
            "pass True or False",
        )
    if isinstance(args.cluster_name, str):
        validate_tag_value(args.cluster_name, "cluster_name", TAG_CLUSTER)
    if not isinstance(args.enable_cluster_lookup, bool):
        raise InvalidArgumentError(
            "enable_cluster_lookup",
            args.enable_cluster_lookup,
            "must be True or False",
            "pass False to skip the lookup (cluster_name then defaults to the issuer host)",
        )
    user_tags = validate_tags(args.tags)
    merge_tags(user_tags, required_tags("x", name))  # count limit, before anything exists
    thumbprints: Literal["auto"] | list[str] | None
    if args.thumbprints == "auto" or args.thumbprints is None:
        thumbprints = args.thumbprints
    else:
        thumbprints = validate_thumbprints(args.thumbprints)
    if (
        isinstance(args.thumbprint_timeout, bool)
        or not isinstance(args.thumbprint_timeout, (int, float))
        or not args.thumbprint_timeout > 0
    ):
        raise InvalidArgumentError(
            "thumbprint_timeout",
            args.thumbprint_timeout,
            "must be a positive number of seconds",
            "leave it at 10.0",
        )
    reuse: Literal["arn", "url"] | None = None
    if args.existing_provider_arn is not None:
        reuse = "arn"
        if isinstance(args.existing_provider_arn, str):
            check_provider_arn(
                args.existing_provider_arn, issuer if isinstance(issuer, str) else None
            )
    elif not args.create_oidc_provider:
        reuse = "url"
    if isinstance(args.ca_bundle, str) and thumbprints == "auto" and reuse is None:
        # The lookup will read the file: checked now (the lookup modules load on first use).
        from .lookups import thumbprint

        if not thumbprint.OFFLINE:
            from .lookups.fetch import check_ca_bundle  # file checks live with the network seam

            check_ca_bundle(args.ca_bundle)
    if reuse and isinstance(args.thumbprints, (list, tuple)):
        raise InvalidArgumentError(
            "thumbprints",
            args.thumbprints,
            "cannot be set when an existing provider is reused "
            "(the component does not manage that provider)",
            "leave thumbprints unset, or let the component create the provider",
        )
    if args.integration_labels is not None:
        from .teleport.document import check_labels  # with Teleport's documents, on first use

        check_labels(args.integration_labels, "integration_labels")
    features = normalize_features(args.features)
    discovery = None
    if args.discovery is not None:  # imported only by programs that use discovery
        from .discovery_options import check_discovery

        discovery = check_discovery(args.discovery, name, features)
    teleport_side = bool(args.create_teleport_integration) or discovery is not None
    check_connection(
        {
            "auth_server": args.auth_server,
            "identity_file": args.identity_file,
            "tctl_path": args.tctl_path,
            # a plain cluster_name also names the cluster of the Teleport resources
            "cluster": args.cluster_name if teleport_side else None,
        },
        {"cluster": "cluster_name"},
    )
    if teleport_side:
        check_stack_config()
    return CheckedArgs(
        args, issuer, name, role_name, user_tags, thumbprints, features, reuse, discovery
    )
