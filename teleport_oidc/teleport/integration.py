"""``TeleportIntegration``: the Teleport ``integration`` resource as a Pulumi resource."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from ..rules import validate_audience, validate_integration_name, validate_role_arn
from .provider import TeleportIntegrationProvider, check_labels
from .resource import check_cluster as _check_cluster
from .resource import check_stack_config

__all__ = [
    "INTEGRATION_TYPE",
    "TeleportIntegration",
    "TeleportIntegrationArgs",
    "check_stack_config",
]

#: The resource's type token: part of users' state, never to change.
INTEGRATION_TYPE = "pulumi-python:dynamic/teleport-oidc:TeleportIntegration"


@dataclass
class TeleportIntegrationArgs:
    """Inputs of :class:`TeleportIntegration`."""

    integration_name: pulumi.Input[str]
    """Name of the integration in Teleport: a DNS-1035 label (lowercase letters, digits and '-',
    starting with a letter, at most 63 characters). Changing it replaces the integration."""

    role_arn: pulumi.Input[str]
    """ARN of the IAM role Teleport assumes (``arn:<partition>:iam::<account>:role/<name>``).
    Changing it updates the integration in place."""

    audience: pulumi.Input[str] = ""
    """Default: ``""``, the standard audience. ``"aws-identity-center"`` for an integration that
    serves AWS Identity Center. Changing it updates in place."""

    labels: pulumi.Input[Mapping[str, str]] | None = None
    """Default: no labels of yours. Teleport labels on the integration; keys follow Teleport's
    rule (letters, digits and ``/ . _ : * -``). ``teleport.dev/iac-tool: pulumi`` is always
    added and cannot be set here. ``tctl create --force`` does not apply labels, so changing
    them deletes and re-creates the integration."""

    adopt_existing: bool = False
    """Default: fail when an integration of this name already exists, naming the two ways out,
    unless it is exactly what this resource would create (left by a create tctl did not
    confirm): that one is taken over and logged. ``True``: take any existing one over (its spec
    is overwritten; destroy deletes it)."""

    cluster: pulumi.Input[str] | None = None
    """Default: the ``auth_server`` input identifies the cluster. Which Teleport cluster holds
    the integration: any stable name, conventionally the cluster name ``tctl status`` prints.
    Changing it from one value to another replaces the integration (deleted from the old
    cluster, created on the new); with it set, changing ``auth_server`` is only a new way to
    reach the same cluster (recorded, no tctl call)."""

    auth_server: pulumi.Input[str] | None = None
    """Default: config ``teleport-oidc:authServer``, then ``TELEPORT_AUTH_SERVER``, then tctl's
    own default. The proxy (``teleport.example.com:443``) or auth server address. Without
    ``cluster``, changing this input from one address to another replaces the integration
    (another address is taken to be another cluster)."""

    identity_file: pulumi.Input[str] | None = None
    """Default: config ``teleport-oidc:identityFile`` or the secret ``teleport-oidc:identity``
    (content), then ``TELEPORT_IDENTITY_FILE``, then tctl's own default (the tsh profile). A path
    to an identity file from ``tctl auth sign`` or Machine ID; the path is stored, never the
    content."""

    tctl_path: pulumi.Input[str] | None = None
    """Default: config ``teleport-oidc:tctlPath``, then ``TELEPORT_TCTL``, then ``tctl`` on
    ``PATH``."""


class TeleportIntegration(
    pulumi.dynamic.Resource, module="teleport-oidc", name="TeleportIntegration"
):
    """A Teleport ``integration`` of sub-kind ``aws-oidc``, managed through ``tctl``.

    Inspect it with ``tctl get integration/<integration_name>``. The package must be installed
    in the program's virtualenv: the engine runs this resource's provider there.
    """

    integration_name: pulumi.Output[str]
    """The integration's name in Teleport."""
    role_arn: pulumi.Output[str]
    """The role ARN Teleport stores (read back on refresh)."""
    audience: pulumi.Output[str]
    """The integration's audience (``""`` or ``"aws-identity-center"``)."""
    labels: pulumi.Output[dict[str, str]]
    """The integration's labels."""
    revision: pulumi.Output[str | None]
    """Teleport's ``metadata.revision``: set by ``pulumi refresh`` (create and update make one
    tctl call each, which does not report it)."""

    def __init__(
        self,
        resource_name: str,
        args: TeleportIntegrationArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        _adopt_hint: str | None = None,
    ) -> None:
        # Plain values are checked now, before anything is registered; Outputs in check().
        check_stack_config()
        if isinstance(args.integration_name, str):
            validate_integration_name(args.integration_name)
        if isinstance(args.role_arn, str):
            validate_role_arn(args.role_arn)
        if isinstance(args.audience, str):
            validate_audience(args.audience)
        if isinstance(args.labels, Mapping):
            check_labels(args.labels)
        if args.cluster is not None and isinstance(args.cluster, str):
            _check_cluster(args.cluster)
        props: dict[str, Any] = {
            "integration_name": args.integration_name,
            "role_arn": args.role_arn,
            "audience": args.audience,
            "labels": args.labels or {},
            "adopt_existing": bool(args.adopt_existing),
            "auth_server": args.auth_server,
            "identity_file": args.identity_file,
            "tctl_path": args.tctl_path,
            "cluster": args.cluster,
            "adopt_hint": _adopt_hint,
            "revision": None,
        }
        super().__init__(TeleportIntegrationProvider(), resource_name, props, opts)
