"""Teleport's side: the ``integration`` resource pointing at the role, and how the Teleport
resources reach the cluster (the same connection for each of them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from ..args import CheckedArgs
from ..constants import IDENTITY_CENTER_AUDIENCE
from ..teleport.integration import TeleportIntegration, TeleportIntegrationArgs


def connection(checked: CheckedArgs) -> dict[str, Any]:
    """``auth_server``, ``identity_file``, ``tctl_path`` and the cluster they must reach (a
    plain ``cluster_name`` only: a looked-up name is no promise about where tctl connects)."""
    args = checked.args
    return {
        "auth_server": args.auth_server,
        "identity_file": args.identity_file,
        "tctl_path": args.tctl_path,
        "cluster": args.cluster_name if isinstance(args.cluster_name, str) else None,
    }


def teleport_integration(
    parent: pulumi.Resource,
    name: str,
    checked: CheckedArgs,
    role_arn: pulumi.Input[str],
    after: Sequence[pulumi.Resource],
) -> TeleportIntegration | None:
    """``<name>-integration``, created after the role and its policies and deleted before them;
    ``None`` with ``create_teleport_integration=False``."""
    args = checked.args
    if not args.create_teleport_integration:
        return None
    audience = IDENTITY_CENTER_AUDIENCE if "identity_center" in checked.features else ""
    return TeleportIntegration(
        f"{name}-integration",
        TeleportIntegrationArgs(
            integration_name=checked.integration_name,
            role_arn=role_arn,
            audience=audience,
            labels=args.integration_labels,
            adopt_existing=args.adopt_existing_integration,
            **connection(checked),
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(after)),
    )


def declare_teleport_names(parent: pulumi.Resource, name: str, checked: CheckedArgs) -> None:
    """The Teleport names this component will create, declared before it registers anything:
    another declaration of one of them in this program (e.g. a second component with the same
    ``DiscoveryOptions(token_name=...)``) is refused now, naming both."""
    if not checked.args.create_teleport_integration and checked.discovery is None:
        return  # nothing of Teleport's to declare
    from ..teleport.ownership import declare  # loaded with the Teleport side, on first use

    where = connection(checked)
    if checked.args.create_teleport_integration:
        declare("integration", checked.integration_name, where, f"{name}-integration", parent)
    options = checked.discovery
    if options is None:
        return
    from ..discovery_options import resource_names  # loaded only by programs with discovery

    config_name, token_name = resource_names(options, checked.integration_name)
    if "ec2" in options.types:
        token = f"{name}-discovery-token"
        declare("token", token_name, where, token, parent, "discovery.token_name")
    config = f"{name}-discovery-config"
    declare("discovery_config", config_name, where, config, parent, "discovery.config_name")
