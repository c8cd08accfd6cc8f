"""``TeleportIntegration``: the Teleport ``integration`` resource as a Pulumi resource."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from ..registration import Registered
from .shared_inputs import TctlArgs

__all__ = [
    "INTEGRATION_TYPE",
    "TeleportIntegration",
    "TeleportIntegrationArgs",
]

#: The resource's type token: part of users' state, never to change.
INTEGRATION_TYPE = "pulumi-python:dynamic/teleport-oidc:TeleportIntegration"


@dataclass
class TeleportIntegrationArgs(TctlArgs):
    """Inputs of :class:`TeleportIntegration`. Shared, keyword-only and documented on
    :class:`~teleport_oidc.teleport.resource.TctlArgs`: ``adopt_existing``, ``cluster``,
    ``auth_server``, ``identity_file``, ``tctl_path``."""

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


class TeleportIntegration(Registered, module="teleport-oidc", name="TeleportIntegration"):
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
    ) -> None:
        # The provider and the checks it shares, loaded by the first integration built: a program
        # importing the component without building one (or with create_teleport_integration=False)
        # does not load the tctl layer.
        from ..registration import registered_type
        from ..rules import validate_audience, validate_integration_name, validate_role_arn
        from .ownership import declared
        from .provider import INTEGRATION, TeleportIntegrationProvider, check_labels
        from .resource import without_blank_defaults
        from .shared_inputs import (
            CONNECTION_KEYS,
            check_connection,
            check_stack_config,
            checked_identity_file,
        )

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
        check_connection({key: getattr(args, key) for key in ("cluster", *CONNECTION_KEYS)})
        props: dict[str, Any] = {
            "integration_name": args.integration_name,
            "role_arn": args.role_arn,
            "audience": args.audience,
            "labels": args.labels or {},
            "adopt_existing": bool(args.adopt_existing),
            "auth_server": args.auth_server,
            "identity_file": checked_identity_file(args.identity_file),
            "tctl_path": args.tctl_path,
            "cluster": args.cluster,
            "revision": None,
        }
        # Blank defaults ("" audience, no labels, no adopting) are not inputs a preview shows.
        props = without_blank_defaults(INTEGRATION, props)
        props = declared(
            INTEGRATION.kind,
            INTEGRATION.name_key,
            registered_type(INTEGRATION_TYPE),
            resource_name,
            props,
            opts,
        )
        self._register(TeleportIntegrationProvider(), resource_name, props, opts, INTEGRATION.wire)
