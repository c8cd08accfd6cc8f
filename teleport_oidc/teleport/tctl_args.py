"""``TctlArgs``: the inputs every tctl-managed resource's Args shares. Its own module, light to
import, so that declaring a resource's Args does not load the provider (:mod:`.resource`), which
the first resource built loads."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

__all__ = ["TctlArgs"]


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
