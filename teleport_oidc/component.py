"""``AwsOidcIntegration``: the AWS half of a Teleport AWS OIDC integration, and (by default) the
Teleport half too.

Children, named from the component's name (a contract with users' state)::

    <name>-provider                 aws:iam/openIdConnectProvider (unless reused)
    <name>-role                     aws:iam/role
    <name>-<feature>                aws:iam/rolePolicy, one per enabled feature
    <name>-ecs_deploy_service-task-role / -task-policy   (feature ecs_deploy_service)
    <name>-ec2_ssm_discovery-document / -installer-id    (ec2_ssm_discovery, create_ssm_document)
    <name>-integration              TeleportIntegration (unless create_teleport_integration=False)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pulumi
import pulumi_aws as aws

from .constants import (
    AUDIENCE,
    DEFAULT_MAX_SESSION_DURATION,
    DEFAULT_ROLE_DESCRIPTION,
    IDENTITY_CENTER_AUDIENCE,
    TAG_CLUSTER,
    TAG_INTEGRATION,
    TAG_ORIGIN,
)
from .discovery_setup import (
    DiscoveryChildren,
    DiscoveryOptions,
    add_discovery_policies,
    add_discovery_resources,
    check_discovery,
)
from .errors import InvalidArgumentError
from .features import (
    TASK_ROLE_DESCRIPTION,
    Ec2SsmDiscoveryOptions,
    EcsDeployServiceOptions,
    PolicyContext,
    ec2_instance_connect,
    feature_notices,
    feature_policy,
    normalize_features,
    policy_name,
    ssm_document_content,
    task_role_policy,
    task_role_trust_policy,
)
from .log import warn
from .lookups import cluster as _cluster
from .lookups import thumbprint as _thumbprint
from .random_id import RandomId
from .rules import (
    default_role_name,
    issuer_from_proxy_url,
    issuer_host,
    parse_arn,
    validate_integration_name,
    validate_max_session_duration,
    validate_permissions_boundary_arn,
    validate_role_description,
    validate_role_name,
    validate_role_path,
    validate_thumbprints,
)
from .tags import merge_tags, required_tags, validate_tag_value, validate_tags
from .teleport.integration import (
    TeleportIntegration,
    TeleportIntegrationArgs,
    check_stack_config,
)
from .teleport.provider import check_labels
from .trust import trust_policy

__all__ = ["COMPONENT_TYPE", "AwsOidcIntegration", "AwsOidcIntegrationArgs"]

#: Partitions where IAM accepts the integration but Teleport's side does not work yet.
UNSUPPORTED_PARTITIONS = ("aws-us-gov", "aws-cn")

#: The component's type token: part of users' state, never to change.
COMPONENT_TYPE = "teleport-oidc:index:AwsOidcIntegration"


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
    """Default: fail if the Teleport integration exists and is not exactly what this component
    would create (one that is exactly that, left by an unconfirmed create, is taken over).
    ``True``: take it over whatever it holds."""

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


@dataclass(frozen=True)
class _Checked:
    """Every plain input, validated; Outputs passed through."""

    issuer_url: str | pulumi.Output[str]
    integration_name: str
    role_name: str
    user_tags: dict[str, str]
    thumbprints: Literal["auto"] | list[str] | None
    features: dict[str, Any]
    reuse: Literal["arn", "url"] | None
    discovery: DiscoveryOptions | None


def _check(args: AwsOidcIntegrationArgs) -> _Checked:
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
            _check_provider_arn(
                args.existing_provider_arn, issuer if isinstance(issuer, str) else None
            )
    elif not args.create_oidc_provider:
        reuse = "url"
    if (
        isinstance(args.ca_bundle, str)
        and thumbprints == "auto"
        and reuse is None
        and not _thumbprint.OFFLINE
    ):
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
        check_labels(args.integration_labels, "integration_labels")
    if args.create_teleport_integration:
        check_stack_config()
    features = normalize_features(args.features)
    discovery = check_discovery(args.discovery, name, features)
    return _Checked(issuer, name, role_name, user_tags, thumbprints, features, reuse, discovery)


def _check_provider_arn(arn: str, issuer: str | None) -> str:
    example = "arn:aws:iam::123456789012:oidc-provider/teleport.example.com"
    parsed = parse_arn(
        arn, "existing_provider_arn", service="iam", what="an IAM OIDC provider", example=example
    )
    host = parsed.resource.removeprefix("oidc-provider/")
    if not parsed.resource.startswith("oidc-provider/") or not host:
        raise InvalidArgumentError(
            "existing_provider_arn",
            arn,
            "must be an IAM OIDC provider ARN (…:oidc-provider/<host>)",
            f"give the provider's ARN, e.g. {example!r}",
        )
    if issuer is not None and host != issuer_host(issuer):
        raise InvalidArgumentError(
            "existing_provider_arn",
            arn,
            f"names a provider for {host!r}, not for the issuer {issuer_host(issuer)!r}",
            "reuse the provider whose URL is the proxy's URL",
        )
    return arn


def _verify_reused(found: list[Any], issuer: str, argument: str) -> str:
    """Check a looked-up provider: right URL, and the ``discover.teleport`` audience."""
    arn, url, client_ids = found
    if url is not None and url.removeprefix("https://") != issuer_host(issuer):
        raise InvalidArgumentError(
            argument,
            arn,
            f"names a provider for {url!r}, not for the issuer {issuer!r}",
            "reuse the provider whose URL is the proxy's URL",
        )
    if client_ids is not None and AUDIENCE not in client_ids:
        raise InvalidArgumentError(
            argument,
            arn,
            f"lacks the {AUDIENCE!r} audience (its client IDs: "
            f"{sorted(client_ids)}), so STS would refuse Teleport's tokens",
            "add it with `aws iam add-client-id-to-open-id-connect-provider "
            f"--open-id-connect-provider-arn {arn} --client-id {AUDIENCE}`",
        )
    return str(arn)


def _where(parent: pulumi.Resource) -> pulumi.Output[PolicyContext]:
    """The account and partition the component deploys into, from invokes that run during
    preview (through the component's AWS provider), so ARNs are known in the first preview."""
    invoke = pulumi.InvokeOutputOptions(parent=parent)
    identity = aws.get_caller_identity_output(opts=invoke)
    partition = aws.get_partition_output(opts=invoke)
    return pulumi.Output.all(partition.partition, identity.account_id).apply(
        lambda v: PolicyContext(partition=v[0], account_id=v[1])
    )


def _same_arn(what: str, built: pulumi.Output[str], real: pulumi.Output[str]) -> Any:
    """The ARN AWS returned, checked against the one the previewed documents were built from."""

    def check(values: list[Any]) -> str:
        expected, got = values
        if expected != got:
            raise RuntimeError(
                f"the {what} ARN AWS returned, {got!r}, differs from {expected!r}, the one built "
                "from the account and partition (getCallerIdentity/getPartition); please report"
            )
        return str(got)

    return pulumi.Output.all(built, real).apply(check)


def _cluster_lookup(
    args: AwsOidcIntegrationArgs, checked: _Checked, issuer: pulumi.Input[str]
) -> pulumi.Output[Any] | None:
    """The proxy's answer (a ``ClusterInfo``), when the lookup is on and something needs it."""
    needed = args.cluster_name is None or "ec2_instance_connect" in checked.features
    if not (args.enable_cluster_lookup and needed):
        return None
    return _cluster.lookup_cluster_output(
        issuer, timeout=args.thumbprint_timeout, ca_bundle=args.ca_bundle
    )


def _teleport_version(cluster: pulumi.Output[Any] | None, checked: _Checked) -> pulumi.Output[str]:
    """The cluster's version; warns, once it is known, when ec2_instance_connect is enabled."""
    deprecated = "ec2_instance_connect" in checked.features
    if cluster is None:
        if deprecated:
            warn(ec2_instance_connect.deprecation_warning(None))
        return pulumi.Output.from_input("")

    def version(info: Any) -> Any:
        server_version = info.server_version if info is not None else None
        if deprecated:
            warn(ec2_instance_connect.deprecation_warning(server_version))
        return server_version if info is not None else _cluster.unknown()

    return cluster.apply(version)


def _looked_up_cluster_name(info: Any) -> Any:
    if info is None:  # offline, or a preview whose lookup failed
        return _cluster.unknown()
    name = str(info.cluster_name)
    validate_tag_value(name, "cluster_name (as the proxy reported it)", TAG_CLUSTER)
    return name


def _warn_unsupported_partition(provider_arn: str) -> str:
    """Warn when the integration is in a partition Teleport does not support yet."""
    partition = provider_arn.split(":")[1] if provider_arn.count(":") >= 5 else ""
    if partition in UNSUPPORTED_PARTITIONS:
        warn(
            f"the integration's IAM OIDC provider {provider_arn} and role are in the "
            f"{partition!r} partition: the IAM side is right, but "
            "Teleport's AWS OIDC integration does not work in AWS GovCloud or China yet "
            "(Teleport hard-codes arn:aws in the integration; Teleport issue #52383)"
        )
    return provider_arn


def _checked_output(value: Any, check: Callable[[Any], Any]) -> Any:
    """Plain values were checked in _check(); an Output is checked when its value is known."""
    if not isinstance(value, pulumi.Output):
        return value

    def checked(known: Any) -> Any:
        if known is not None:
            check(known)
        return known

    return value.apply(checked)


def _task_role_arn(path: str, name: str) -> Callable[[list[Any]], str]:
    def render(values: list[Any]) -> str:
        where: PolicyContext = values[0]
        return f"arn:{where.partition}:iam::{where.account_id}:role{path}{name}"

    return render


def _document_for(key: str, opts: Any) -> Callable[[list[Any]], str]:
    def render(values: list[Any]) -> str:
        context, task_role_arn = values
        for notice in feature_notices(key, opts, context):
            warn(notice)
        return json.dumps(feature_policy(key, opts, context, task_role_arn=task_role_arn))

    return render


class AwsOidcIntegration(pulumi.ComponentResource):
    """A Teleport AWS OIDC integration: IAM OIDC provider (created or reused), IAM role with
    Teleport's trust policy and tags, opt-in feature policies, and the Teleport integration.

    See it in the IAM console (Roles -> ``role_name``) and with
    ``tctl get integration/<integration_name>``.
    """

    issuer_url: pulumi.Output[str]
    """The OIDC issuer, ``https://<proxy host>``: the provider URL."""
    issuer_host: pulumi.Output[str]
    """The proxy host, as used in the principal ARN and the ``<host>:aud`` condition key."""
    provider_arn: pulumi.Output[str]
    """The IAM OIDC provider's ARN, created or reused."""
    role_arn: pulumi.Output[str]
    """The integration role's ARN: what Teleport's integration points at."""
    cluster_name: pulumi.Output[str]
    """The Teleport cluster name in the ``teleport.dev/cluster`` tag (given or looked up)."""
    teleport_version: pulumi.Output[str]
    """The Teleport version the proxy reports; ``""`` when the cluster was not looked up."""
    role_name: pulumi.Output[str]
    """The integration role's name."""
    thumbprints: pulumi.Output[list[str]]
    """The provider's thumbprints as IAM holds them (may be empty when IAM decides)."""
    trust_policy: pulumi.Output[str]
    """The role's trust policy, JSON."""
    tags: pulumi.Output[dict[str, str]]
    """The tags on the provider and role."""
    integration_name: pulumi.Output[str]
    """The Teleport integration's name."""
    feature_policies: pulumi.Output[dict[str, str]]
    """Feature key -> inline policy name attached to the role."""
    integration: TeleportIntegration | None
    """The Teleport integration resource, or ``None`` with create_teleport_integration=False."""
    discovery_config_name: pulumi.Output[str | None]
    """With ``discovery``: the discovery_config's name (``tctl get discovery_config/<name>``)."""
    discovery_token_name: pulumi.Output[str | None]
    """With ``discovery`` of EC2: the IAM-join token's name (``tctl get token/<name>``)."""
    organization_id: pulumi.Output[str | None]
    """With organization discovery: the organization's ID, as read from AWS."""

    def __init__(
        self, name: str, args: AwsOidcIntegrationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        checked = _check(args)  # before anything is registered
        super().__init__(COMPONENT_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        # Plain values stay plain (no apply) so a program of many integrations stays cheap;
        # Outputs are resolved, and checked, when they become known.
        issuer: pulumi.Input[str]
        host: pulumi.Input[str]
        tags: pulumi.Input[dict[str, str]]
        if isinstance(checked.issuer_url, str):
            issuer = checked.issuer_url
            host = issuer_host(issuer)
        else:
            issuer_output = checked.issuer_url.apply(issuer_from_proxy_url)
            issuer, host = issuer_output, issuer_output.apply(issuer_host)
        cluster = _cluster_lookup(args, checked, issuer)
        cluster_name: pulumi.Input[str]
        if cluster is not None and args.cluster_name is None:
            # Only the cluster tag waits for the lookup; the others stay plain.
            cluster_name = cluster.apply(_looked_up_cluster_name)
            looked_up: dict[str, Any] = self._merged_tags(checked, "pending-lookup")
            looked_up[TAG_CLUSTER] = cluster_name
            tags = looked_up
        elif isinstance(host, str) and (
            args.cluster_name is None or isinstance(args.cluster_name, str)
        ):
            cluster_name = args.cluster_name or host
            tags = self._merged_tags(checked, cluster_name)
        else:
            cluster_name = pulumi.Output.all(args.cluster_name, host).apply(
                lambda v: str(v[0] or v[1])
            )
            tags = cluster_name.apply(lambda c: self._merged_tags(checked, c))

        boundary = _checked_output(args.permissions_boundary_arn, validate_permissions_boundary_arn)
        if isinstance(boundary, pulumi.Output):
            # An Output boundary is checked when it is known. Every AWS child is tagged (the
            # provider first; policies and the integration wait for the role), so gating the
            # tags on the check means a bad boundary stops the deployment before anything is
            # created. Its cost: while the boundary is unknown (a preview), so are the tags.
            tags = pulumi.Output.all(tags, boundary).apply(lambda v: v[0])

        where = _where(self)
        provider_arn, thumbprints, provider = self._oidc_provider(
            name, args, checked, issuer, tags, child
        )
        # Built from values known at preview, so the first preview shows the whole trust policy.
        principal = (
            pulumi.Output.all(where, host).apply(
                lambda v: f"arn:{v[0].partition}:iam::{v[0].account_id}:oidc-provider/{v[1]}"
            )
            if provider is not None
            else provider_arn
        )
        restrict = args.restrict_subjects
        # The provider's ARN carries the partition: warn there (no apply of its own).
        trust = pulumi.Output.all(principal, host).apply(
            lambda v: json.dumps(
                trust_policy(_warn_unsupported_partition(v[0]), v[1], restrict_subjects=restrict)
            )
        )
        role_path, role_name = args.role_path, checked.role_name
        role_arn = where.apply(
            lambda w: f"arn:{w.partition}:iam::{w.account_id}:role{role_path}{role_name}"
        )
        role = aws.iam.Role(
            f"{name}-role",
            aws.iam.RoleArgs(
                name=checked.role_name,
                path=args.role_path,
                description=args.role_description,
                assume_role_policy=trust,
                max_session_duration=args.max_session_duration,
                permissions_boundary=boundary,
                tags=tags,
            ),
            # IAM refuses a trust policy naming a provider that does not exist yet.
            opts=pulumi.ResourceOptions.merge(
                child, pulumi.ResourceOptions(depends_on=[provider] if provider else [])
            ),
        )
        policies = self._feature_policies(name, args, checked, role, where, host, tags, child)

        self.discovery: DiscoveryChildren | None = None
        if checked.discovery is not None:
            self.discovery = add_discovery_policies(self, name, checked.discovery, role)
            policies = [*policies, *self.discovery.policies]

        self.integration = None
        if args.create_teleport_integration:
            audience = IDENTITY_CENTER_AUDIENCE if "identity_center" in checked.features else ""
            self.integration = TeleportIntegration(
                f"{name}-integration",
                TeleportIntegrationArgs(
                    integration_name=checked.integration_name,
                    role_arn=role_arn,
                    audience=audience,
                    labels=args.integration_labels,
                    adopt_existing=args.adopt_existing_integration,
                    auth_server=args.auth_server,
                    identity_file=args.identity_file,
                    tctl_path=args.tctl_path,
                    cluster=args.cluster_name if isinstance(args.cluster_name, str) else None,
                ),
                # Created after the role and its policies, deleted before them.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[role, *policies]),
            )

        if self.discovery is not None and checked.discovery is not None:
            add_discovery_resources(
                self,
                name,
                checked.discovery,
                self.discovery,
                integration_name=checked.integration_name,
                role_arn=role_arn,
                after=[self.integration] if self.integration else [role, *policies],
                labels=args.integration_labels,
                access_graph=checked.features.get("access_graph"),
                connection={
                    "auth_server": args.auth_server,
                    "identity_file": args.identity_file,
                    "tctl_path": args.tctl_path,
                    "cluster": args.cluster_name if isinstance(args.cluster_name, str) else None,
                },
            )

        self.issuer_url = pulumi.Output.from_input(issuer)
        self.issuer_host = pulumi.Output.from_input(host)
        if provider is not None:
            provider_arn = _same_arn("OIDC provider", principal, provider_arn)
        self.provider_arn = provider_arn
        self.role_arn = _same_arn("role", role_arn, role.arn)
        self.cluster_name = pulumi.Output.from_input(cluster_name)
        self.teleport_version = _teleport_version(cluster, checked)
        self.role_name = role.name
        self.thumbprints = thumbprints
        self.trust_policy = trust
        self.tags = pulumi.Output.from_input(tags)
        self.integration_name = pulumi.Output.from_input(checked.integration_name)
        self.feature_policies = pulumi.Output.from_input(
            {key: policy_name(key, opts) for key, opts in checked.features.items()}
        )
        children = self.discovery
        self.discovery_config_name = (
            children.config.name if children and children.config else pulumi.Output.from_input(None)
        )
        self.discovery_token_name = (
            children.token.name if children and children.token else pulumi.Output.from_input(None)
        )
        self.organization_id = pulumi.Output.from_input(
            children.organization_id if children else None
        )
        self.register_outputs(
            {
                "issuer_url": self.issuer_url,
                "issuer_host": self.issuer_host,
                "provider_arn": provider_arn,
                "role_arn": self.role_arn,
                "cluster_name": self.cluster_name,
                "teleport_version": self.teleport_version,
                "role_name": role.name,
                "thumbprints": thumbprints,
                "trust_policy": trust,
                "tags": self.tags,
                "integration_name": self.integration_name,
                "feature_policies": self.feature_policies,
                "discovery_config_name": self.discovery_config_name,
                "discovery_token_name": self.discovery_token_name,
                "organization_id": self.organization_id,
            }
        )

    @staticmethod
    def _merged_tags(checked: _Checked, cluster_name: str) -> dict[str, str]:
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

    def _oidc_provider(
        self,
        name: str,
        args: AwsOidcIntegrationArgs,
        checked: _Checked,
        issuer: pulumi.Input[str],
        tags: pulumi.Input[dict[str, str]],
        child: pulumi.ResourceOptions,
    ) -> tuple[pulumi.Output[str], pulumi.Output[Any], aws.iam.OpenIdConnectProvider | None]:
        if checked.reuse is not None:
            invoke_opts = pulumi.InvokeOutputOptions(parent=self)
            if checked.reuse == "arn":
                given = pulumi.Output.from_input(args.existing_provider_arn)
                checked_arn = pulumi.Output.all(given, issuer).apply(
                    lambda v: _check_provider_arn(str(v[0]), v[1])
                )
                found = aws.iam.get_open_id_connect_provider_output(
                    arn=checked_arn, opts=invoke_opts
                )
                argument = "existing_provider_arn"
            else:
                found = aws.iam.get_open_id_connect_provider_output(url=issuer, opts=invoke_opts)
                argument = "the existing OIDC provider (create_oidc_provider=False)"
            arn = pulumi.Output.all(found.arn, found.url, found.client_id_lists, issuer).apply(
                lambda v: _verify_reused(v[:3], v[3], argument)
            )
            return arn, found.thumbprint_lists, None

        thumbprints: Any = checked.thumbprints
        if thumbprints == "auto":
            thumbprints = _thumbprint.lookup_thumbprints_output(
                issuer, timeout=args.thumbprint_timeout, ca_bundle=args.ca_bundle
            )
        provider = aws.iam.OpenIdConnectProvider(
            f"{name}-provider",
            aws.iam.OpenIdConnectProviderArgs(
                url=issuer,
                client_id_lists=[AUDIENCE],
                thumbprint_lists=thumbprints,
                tags=tags,
            ),
            opts=child,
        )
        return provider.arn, provider.thumbprint_lists, provider

    @staticmethod
    def _feature_policies(
        name: str,
        args: AwsOidcIntegrationArgs,
        checked: _Checked,
        role: aws.iam.Role,
        context: pulumi.Output[PolicyContext],
        host: pulumi.Input[str],
        tags: pulumi.Input[dict[str, str]],
        child: pulumi.ResourceOptions,
    ) -> list[pulumi.Resource]:
        created: list[pulumi.Resource] = []
        if not checked.features:
            return created
        for key, opts in checked.features.items():
            task_role_arn: pulumi.Input[str | None] = None
            if isinstance(opts, EcsDeployServiceOptions):
                # Teleport's task role, on the integration role's path and boundary (an org
                # that requires a boundary on every role can deploy it too).
                task_role_name = opts.role_name()
                task_role = aws.iam.Role(
                    f"{name}-{key}-task-role",
                    aws.iam.RoleArgs(
                        name=task_role_name,
                        path=args.role_path,
                        description=TASK_ROLE_DESCRIPTION,
                        assume_role_policy=json.dumps(task_role_trust_policy()),
                        permissions_boundary=_checked_output(
                            args.permissions_boundary_arn, validate_permissions_boundary_arn
                        ),
                        tags=tags,
                    ),
                    opts=child,
                )
                created.append(
                    aws.iam.RolePolicy(
                        f"{name}-{key}-task-policy",
                        aws.iam.RolePolicyArgs(
                            role=task_role.name,
                            name=task_role_name,  # Teleport names it after the task role
                            policy=json.dumps(task_role_policy()),
                        ),
                        opts=child,
                    )
                )
                # Known at preview: the name and path are ours.
                task_role_arn = pulumi.Output.all(context, task_role.name).apply(
                    _task_role_arn(args.role_path, task_role_name)
                )
            document = pulumi.Output.all(context, task_role_arn).apply(_document_for(key, opts))
            created.append(
                aws.iam.RolePolicy(
                    f"{name}-{key}",
                    aws.iam.RolePolicyArgs(
                        role=role.name, name=policy_name(key, opts), policy=document
                    ),
                    opts=child,
                )
            )
            if isinstance(opts, Ec2SsmDiscoveryOptions) and opts.create_ssm_document:
                installer_id = RandomId(f"{name}-{key}-installer-id", opts=child)
                created.append(
                    aws.ssm.Document(
                        f"{name}-{key}-document",
                        aws.ssm.DocumentArgs(
                            name=opts.document_name(),
                            document_type="Command",
                            document_format="JSON",
                            content=pulumi.Output.all(host, installer_id.value).apply(
                                lambda v: json.dumps(ssm_document_content(v[0], v[1]))
                            ),
                            tags=tags,
                        ),
                        opts=child,
                    )
                )
        return created
