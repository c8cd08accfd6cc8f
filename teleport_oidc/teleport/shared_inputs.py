"""The inputs every tctl-managed resource shares (:class:`TctlArgs`), and their checks when a
resource or the component is built. Light to import: declaring a resource's Args or building a
component without Teleport resources does not load the provider (:mod:`.resource`) or the tctl
layer (:mod:`.tctl`), which the first Teleport resource built loads."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi

from .settings import SETTING_SOURCES, check_setting, parse_timeout

__all__ = [
    "CONFIG_NAMESPACE",
    "CONNECTION_KEYS",
    "TctlArgs",
    "check_config",
    "check_connection",
    "check_stack_config",
    "checked_identity_file",
]

CONFIG_NAMESPACE = "teleport-oidc"
CONNECTION_KEYS = ("auth_server", "identity_file", "tctl_path")


@dataclass(kw_only=True)
class TctlArgs:
    """The inputs every tctl-managed resource's Args shares: keyword-only, after its own."""

    adopt_existing: bool = False
    """Default: fail when a resource of this kind and name already exists in Teleport, naming
    its owner or the ways out, unless this resource wrote it (its owner labels) and it is
    exactly what this resource would create (left by a create tctl did not confirm): that one
    is taken over and logged. ``True``: take an existing one over (overwritten as ``tctl create
    --force`` does for the kind, owner labels included; destroy deletes it), except an
    integration another Pulumi resource owns (``--force`` keeps an integration's labels)."""

    cluster: pulumi.Input[str] | None = None
    """Default: the ``auth_server`` input identifies the cluster. Which Teleport cluster holds
    the resource: any stable name, conventionally the cluster name ``tctl status`` prints.
    Changing it from one value to another replaces the resource (deleted from the old cluster,
    created on the new); with it set, changing ``auth_server`` is only a new way to reach the
    same cluster (recorded, no tctl call)."""

    auth_server: pulumi.Input[str] | None = None
    """Default: config ``teleport-oidc:authServer``, then ``TELEPORT_AUTH_SERVER``, then tctl's
    own default. The proxy (``teleport.example.com:443``) or auth server address. Without
    ``cluster``, changing this input from one address to another replaces the resource
    (another address is taken to be another cluster)."""

    identity_file: pulumi.Input[str] | None = None
    """Default: config ``teleport-oidc:identityFile`` or the secret ``teleport-oidc:identity``
    (content), then ``TELEPORT_IDENTITY_FILE``, then tctl's own default (the tsh profile). A path
    to an identity file from ``tctl auth sign`` or Machine ID; the path is stored, never the
    content (content given here is refused without being shown)."""

    tctl_path: pulumi.Input[str] | None = None
    """Default: config ``teleport-oidc:tctlPath``, then ``TELEPORT_TCTL``, then ``tctl`` on
    ``PATH``."""


def check_stack_config() -> None:
    """The providers' stack config (``teleport-oidc:tctlTimeout`` and the connection settings),
    checked when the program is built: the provider checks it again when it starts, but by then
    other resources of the same program may already be being created."""
    config = pulumi.Config(CONFIG_NAMESPACE)
    parse_timeout(config.get("tctlTimeout"))
    check_config(config.get)


def check_config(get: Callable[[str], Any]) -> None:
    """The connection settings in stack config (``teleport-oidc:authServer``, ``identityFile``,
    ``tctlPath``): ``get(key)`` reads one key without the namespace."""
    for key, (_, config_key, _) in SETTING_SOURCES.items():
        value = get(config_key.split(":", 1)[1])
        if value not in (None, ""):
            check_setting(key, value, config_key)


def check_connection(values: Mapping[str, Any], names: Mapping[str, str] | None = None) -> None:
    """The plain values among ``cluster`` and the connection settings, checked when the resource
    (or component) is built, so that ``pulumi up --skip-preview`` cannot create anything before
    the provider's check refuses them. ``names``: how the caller's user wrote a key, when it is
    not the key itself (the component's ``cluster_name``)."""
    from .aws_checks import is_known  # with the checks of AWS values, loaded on first use

    for key in ("cluster", *CONNECTION_KEYS):
        value = values.get(key)
        if value is not None and is_known(value) and not isinstance(value, pulumi.Output):
            check_setting(key, value, (names or {}).get(key, key))


def checked_identity_file(value: Any) -> Any:
    """``identity_file`` as registered: an Output is checked when it resolves, so that identity
    content passed by mistake fails the registration instead of reaching state."""
    if isinstance(value, pulumi.Output):
        return value.apply(lambda v: v if v is None else check_setting("identity_file", v))
    return value
