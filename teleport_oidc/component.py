"""``AwsOidcIntegration``: the AWS half of a Teleport AWS OIDC integration, and (by default) the
Teleport half too. Composition only: its inputs and their rules are in ``args``, each step it
takes in ``parts``.

Children, named from the component's name (a contract with users' state)::

    <name>-provider                 aws:iam/openIdConnectProvider (unless reused)
    <name>-role                     aws:iam/role
    <name>-<feature>                aws:iam/rolePolicy, one per enabled feature
    <name>-ecs_deploy_service-task-role / -task-policy   (feature ecs_deploy_service)
    <name>-ec2_ssm_discovery-document / -installer-id    (ec2_ssm_discovery, create_ssm_document)
    <name>-integration              TeleportIntegration (unless create_teleport_integration=False)
    <name>-discovery...             with ``discovery`` (see discovery_setup)
"""

from typing import TYPE_CHECKING, Any

import pulumi

from .args import AwsOidcIntegrationArgs, check_args
from .features import policy_name
from .parts.account import account_and_partition
from .parts.boundary import checked_boundary, tags_after_boundary
from .parts.cluster import resolve_cluster, teleport_version
from .parts.feature_policies import feature_policies
from .parts.oidc_provider import oidc_provider
from .parts.role import integration_role, returned_arns
from .parts.teleport_side import connection, declare_teleport_names, teleport_integration
from .teleport.integration import TeleportIntegration

if TYPE_CHECKING:
    from .discovery_setup import DiscoveryChildren

__all__ = ["COMPONENT_TYPE", "AwsOidcIntegration", "AwsOidcIntegrationArgs"]

#: The component's type token: part of users' state, never to change.
COMPONENT_TYPE = "teleport-oidc:index:AwsOidcIntegration"


class _LiftedOutput:
    """An output attribute of the component: the Output it registered, or the plain value it
    registered lifted to an Output when first read. Lifting every plain value up front cost ~20
    Outputs per component (a dict of tags is lifted per value, twice), and the SDK waits on every
    Output it made until the program ends, whether or not it is read (benchmarks/README.md,
    "Where the time goes")."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, component: Any, owner: type | None = None) -> Any:
        if component is None:
            return self
        value = component._output_values[self.name]
        if not isinstance(value, pulumi.Output):
            value = component._output_values[self.name] = pulumi.Output.from_input(value)
        return value


def _output() -> Any:
    """A :class:`_LiftedOutput`, typed as what its annotation says."""
    return _LiftedOutput()


class _AwsOidcIntegrationOutputs:
    """The outputs of :class:`AwsOidcIntegration`, declared on a base class of their own: the SDK
    reads a component class's own annotations again (``typing.get_type_hints``) each time an
    instance's outputs resolve (hundreds of function calls per component for these 17); inherited
    annotations it does not read. Type checkers, ``help()`` and the plugin's schema
    (which walks the class's MRO) read them here.

    No ``from __future__ import annotations`` in this module: string annotations would be
    compiled anew by every ``get_type_hints``.
    """

    issuer_url: pulumi.Output[str] = _output()
    """The OIDC issuer, ``https://<proxy host>``: the provider URL."""
    issuer_host: pulumi.Output[str] = _output()
    """The proxy host, as used in the principal ARN and the ``<host>:aud`` condition key."""
    provider_arn: pulumi.Output[str] = _output()
    """The IAM OIDC provider's ARN, created or reused."""
    role_arn: pulumi.Output[str] = _output()
    """The integration role's ARN: what Teleport's integration points at."""
    cluster_name: pulumi.Output[str] = _output()
    """The Teleport cluster name in the ``teleport.dev/cluster`` tag (given or looked up)."""
    teleport_version: pulumi.Output[str] = _output()
    """The Teleport version the proxy reports; ``""`` when the cluster was not looked up."""
    role_name: pulumi.Output[str] = _output()
    """The integration role's name."""
    thumbprints: pulumi.Output[list[str]] = _output()
    """The provider's thumbprints as IAM holds them (may be empty when IAM decides)."""
    trust_policy: pulumi.Output[str] = _output()
    """The role's trust policy, JSON."""
    tags: pulumi.Output[dict[str, str]] = _output()
    """The tags on the provider and role."""
    integration_name: pulumi.Output[str] = _output()
    """The Teleport integration's name."""
    feature_policies: pulumi.Output[dict[str, str]] = _output()
    """Feature key -> inline policy name attached to the role."""
    integration: TeleportIntegration | None
    """The Teleport integration resource, or ``None`` with create_teleport_integration=False."""
    discovery_config_name: pulumi.Output[str | None] = _output()
    """With ``discovery``: the discovery_config's name (``tctl get discovery_config/<name>``)."""
    discovery_token_name: pulumi.Output[str | None] = _output()
    """With ``discovery`` of EC2: the IAM-join token's name (``tctl get token/<name>``)."""
    organization_id: pulumi.Output[str | None] = _output()
    """With organization discovery: the organization's ID, as read from AWS."""


class AwsOidcIntegration(pulumi.ComponentResource, _AwsOidcIntegrationOutputs):
    """A Teleport AWS OIDC integration: IAM OIDC provider (created or reused), IAM role with
    Teleport's trust policy and tags, opt-in feature policies, and the Teleport integration.

    See it in the IAM console (Roles -> ``role_name``) and with
    ``tctl get integration/<integration_name>``.
    """

    def __init__(
        self, name: str, args: AwsOidcIntegrationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        checked = check_args(args)  # every plain input, before anything is registered
        declare_teleport_names(self, name, checked)  # ...and no Teleport name declared twice
        super().__init__(COMPONENT_TYPE, name, None, opts)

        cluster = resolve_cluster(checked)
        boundary = checked_boundary(checked)
        tags = tags_after_boundary(cluster.tags, boundary)
        where = account_and_partition(self)
        provider = oidc_provider(self, name, checked, cluster, tags)
        role = integration_role(self, name, checked, cluster, where, provider, boundary, tags)
        policies = feature_policies(
            self, name, checked, role.resource, where, cluster, boundary, tags
        )
        self.discovery: DiscoveryChildren | None = None
        if checked.discovery is not None:  # imported only by programs that use discovery
            from .discovery_setup import add_discovery_policies, add_discovery_resources

            self.discovery = add_discovery_policies(self, name, checked.discovery, role.resource)
            policies = [*policies, *self.discovery.policies]
        self.integration = teleport_integration(
            self, name, checked, role.arn, after=[role.resource, *policies]
        )
        if self.discovery is not None and checked.discovery is not None:
            add_discovery_resources(
                self,
                name,
                checked.discovery,
                self.discovery,
                integration_name=checked.integration_name,
                role_arn=role.arn,
                after=[self.integration] if self.integration else [role.resource, *policies],
                labels=args.integration_labels,
                access_graph=checked.features.get("access_graph"),
                connection=connection(checked),
            )

        children = self.discovery
        provider_arn, role_arn = returned_arns(checked, cluster, where, provider, role)
        outputs: dict[str, Any] = {
            "issuer_url": cluster.issuer,
            "issuer_host": cluster.host,
            "provider_arn": provider_arn,
            "role_arn": role_arn,
            "cluster_name": cluster.name,
            "teleport_version": teleport_version(cluster, checked),
            "role_name": role.resource.name,
            "thumbprints": provider.thumbprints,
            "trust_policy": role.trust,
            "tags": tags,
            "integration_name": checked.integration_name,
            "feature_policies": {
                key: policy_name(key, opts) for key, opts in checked.features.items()
            },
            "discovery_config_name": children.config.name if children and children.config else None,
            "discovery_token_name": children.token.name if children and children.token else None,
            "organization_id": children.organization_id if children else None,
        }
        # The engine gets each as the plain value it came from where there is one (serializing
        # a plain value does not wait on the event loop); the Python attributes lift them to
        # Outputs when first read (``_output``).
        self._output_values = dict(outputs)  # the SDK serializes ``outputs`` on the event loop
        self.register_outputs(outputs)
