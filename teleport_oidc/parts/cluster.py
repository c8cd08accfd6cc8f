"""Which Teleport cluster: the issuer and its host, the cluster's name and version (given, or
looked up from the proxy), and the tags every taggable child carries."""

from __future__ import annotations

from typing import Any, NamedTuple

import pulumi

from ..args import CheckedArgs
from ..constants import TAG_CLUSTER, TAG_INTEGRATION, TAG_ORIGIN
from ..features import feature_module
from ..log import warn
from ..lookups.deferred import unknown
from ..rules import issuer_from_proxy_url, issuer_host
from ..tags import merge_tags, required_tags, validate_tag_value


# A NamedTuple: immutable like a frozen dataclass, and far cheaper to define at import.
class Cluster(NamedTuple):
    """What the other steps need to know of the cluster. Plain values stay plain (no apply) so
    a program of many integrations stays cheap; Outputs are checked when they become known."""

    issuer: pulumi.Input[str]
    """``https://<proxy host>``: the OIDC issuer and the provider's URL."""
    host: pulumi.Input[str]
    """The proxy host, as used in the principal ARN and the ``<host>:aud`` condition key."""
    name: pulumi.Input[str]
    """The cluster's name, for the ``teleport.dev/cluster`` tag."""
    tags: pulumi.Input[dict[str, str]]
    """The user's tags with the required ``teleport.dev/*`` tags merged over them."""
    lookup: pulumi.Output[Any] | None
    """The proxy's answer (a ``ClusterInfo``), when the lookup is on and something needs it."""


def resolve_cluster(checked: CheckedArgs) -> Cluster:
    """The issuer, host, cluster name and tags; one lookup of the proxy when one is needed."""
    args = checked.args
    issuer: pulumi.Input[str]
    host: pulumi.Input[str]
    if isinstance(checked.issuer_url, str):
        issuer = checked.issuer_url
        host = issuer_host(issuer)
    else:
        issuer_output = checked.issuer_url.apply(issuer_from_proxy_url)
        issuer, host = issuer_output, issuer_output.apply(issuer_host)
    lookup = _cluster_lookup(checked, issuer)
    name: pulumi.Input[str]
    tags: pulumi.Input[dict[str, str]]
    if lookup is not None and args.cluster_name is None:
        # Only the cluster tag waits for the lookup; the others stay plain.
        name = lookup.apply(_looked_up_cluster_name)
        looked_up: dict[str, Any] = merged_tags(checked, "pending-lookup")
        looked_up[TAG_CLUSTER] = name
        tags = looked_up
    elif isinstance(host, str) and (
        args.cluster_name is None or isinstance(args.cluster_name, str)
    ):
        name = args.cluster_name or host
        tags = merged_tags(checked, name)
    else:
        name = pulumi.Output.all(args.cluster_name, host).apply(lambda v: str(v[0] or v[1]))
        tags = name.apply(lambda c: merged_tags(checked, c))
    return Cluster(issuer=issuer, host=host, name=name, tags=tags, lookup=lookup)


def merged_tags(checked: CheckedArgs, cluster_name: str) -> dict[str, str]:
    """The user's tags, then the required ones (which win, with a warning when they differ)."""
    validate_tag_value(cluster_name, "cluster_name", TAG_CLUSTER)
    required = required_tags(cluster_name, checked.integration_name)
    overridden = sorted(
        k for k in required if k in checked.user_tags and checked.user_tags[k] != required[k]
    )
    if overridden and any(k in (TAG_CLUSTER, TAG_ORIGIN, TAG_INTEGRATION) for k in overridden):
        warn(
            f"tags {overridden} are set by teleport-oidc and keep their required values; "
            "use cluster_name and integration_name to change them"
        )
    return merge_tags(checked.user_tags, required)


def teleport_version(cluster: Cluster, checked: CheckedArgs) -> pulumi.Input[str]:
    """The cluster's version; warns, once it is known, when ec2_instance_connect is enabled or
    organization discovery needs a newer Teleport."""
    deprecated = "ec2_instance_connect" in checked.features
    organization = _organization_discovery(checked)
    if cluster.lookup is None:
        if deprecated:
            warn(feature_module("ec2_instance_connect").deprecation_warning(None))
        return ""

    def version(info: Any) -> Any:
        server_version = info.server_version if info is not None else None
        if deprecated:
            warn(feature_module("ec2_instance_connect").deprecation_warning(server_version))
        too_old = _organization_version_warning(server_version) if organization else None
        if too_old:
            warn(too_old)
        return server_version if info is not None else unknown()

    return cluster.lookup.apply(version)


def _cluster_lookup(checked: CheckedArgs, issuer: pulumi.Input[str]) -> pulumi.Output[Any] | None:
    args = checked.args
    needed = (
        args.cluster_name is None
        or "ec2_instance_connect" in checked.features
        or _organization_discovery(checked)
    )
    if not (args.enable_cluster_lookup and needed):
        return None
    from ..lookups.cluster import lookup_cluster_output  # loaded by the first lookup

    return lookup_cluster_output(issuer, timeout=args.thumbprint_timeout, ca_bundle=args.ca_bundle)


def _organization_version_warning(server_version: str | None) -> str | None:
    # Imported only by programs with organization discovery.
    from ..features.discovery import organization_version_warning

    return organization_version_warning(server_version)


def _organization_discovery(checked: CheckedArgs) -> bool:
    return checked.discovery is not None and checked.discovery.organization is not None


def _looked_up_cluster_name(info: Any) -> Any:
    if info is None:  # offline, or a preview whose lookup failed
        return unknown()
    name = str(info.cluster_name)
    validate_tag_value(name, "cluster_name (as the proxy reported it)", TAG_CLUSTER)
    return name
