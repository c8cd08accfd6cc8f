"""The exact texts real ``tctl`` prints that this package acts on, with where each comes from.

One table, so a text found to differ on a real Teleport is corrected in one place. ``{kind}`` is
the resource kind (``integration``), ``{name}`` the resource name quoted as Go's ``%q`` quotes it
(``"aws-prod"``): a text counts only when it names this kind and this name. tctl prints an error
as ``ERROR: <message>`` on stderr, coloured with terminal escapes even when its output is not a
terminal (``Tctl`` strips them), and a wrapped error puts the wrapping text first and the cause
on a following, indented line; a text is therefore looked for anywhere in what tctl printed.
Paths are inside gravitational/teleport.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

__all__ = [
    "ALREADY_EXISTS",
    "IN_USE",
    "NOT_FOUND",
    "NOT_FOUND_BY_KIND",
    "UNKNOWN_KIND",
    "UNKNOWN_KIND_SINCE",
    "masked",
    "quoted",
    "render",
]

#: Teleport's not-found answers for ``tctl get KIND/NAME`` and ``tctl rm KIND/NAME``.
NOT_FOUND: dict[str, str] = {
    # lib/services/local/generic/generic.go, Service.GetResource / DeleteResource:
    #   trace.NotFound("%s %q doesn't exist", s.resourceKind, name)
    "generic": "{kind} {name} doesn't exist",
    # lib/cache/store.go (reads served by the auth server's cache):
    #   trace.NotFound("%q %q does not exist", s.kind, key)
    "cache": '"{kind}" {name} does not exist',
}

#: Per-kind extra not-found texts (older Teleport versions), by kind.
NOT_FOUND_BY_KIND: dict[str, dict[str, str]] = {
    # spec teleport-aws-oidc.md section 7 ("no value for key ..." on older versions; the key
    # path is the backend prefix of integrations, lib/services/local/integrations.go).
    "integration": {"backend": "no value for key /integrations/{bare}"},
    # lib/services/local/provisioning.go, GetToken / DeleteToken: tokens are not a generic
    # service, and the name is masked (backend.MaskKeyName: the first 75% of the bytes, rounded
    # down, become '*'):  trace.NotFound("provisioning token(%s) not found", MaskKeyName(token))
    # Older versions passed the backend's own error through: key "/tokens/<name>" is not found.
    "token": {
        "masked": "provisioning token({masked}) not found",
        "backend": 'key "/tokens/{bare}" is not found',
    },
}

#: ``tctl create FILE`` (without ``--force``) when the resource exists, by kind.
ALREADY_EXISTS: dict[str, tuple[str, ...]] = {
    "integration": (
        # tool/tctl/common/resource_command.go, createIntegration:
        #   trace.AlreadyExists("Integration %q already exists", integration.GetName())
        "Integration {name} already exists",
        # Real tctl v13.3.8 (tests/teleport/real_tctl_transcript.json), when its check read a
        # cache that had not seen the integration yet and the backend refused the write:
        # lib/services/local/generic/generic.go, Service.CreateResource (below).
        "{kind} {name} already exists",
    ),
    # tool/tctl/common/resource_command.go, createDiscoveryConfig (no --force) calls
    # CreateDiscoveryConfig: lib/services/local/generic/generic.go, Service.CreateResource:
    #   trace.AlreadyExists("%s %q already exists", s.resourceKind, name)
    "discovery_config": ("{kind} {name} already exists",),
    # token: none. createToken calls UpsertToken with or without --force, so a plain create of
    # an existing token overwrites it; the token provider asks `tctl get` first.
}

#: ``tctl rm integration/NAME`` refused because another Teleport feature references it.
IN_USE: tuple[str, ...] = (
    # lib/services/local/integrations.go, notReferencedByEAS / integrationDeletionConditions
    "cannot delete AWS OIDC integration currently referenced by",
    # newer versions wrap pre-delete check failures (same file, DeleteIntegration)
    "running pre-delete check for integration {name}",
)


#: tctl of a Teleport that does not know the kind at all. Real tctl v13.3.8 printed both for
#: ``discovery_config`` (create; get and rm): tool/tctl/common/resource_command.go,
#:   trace.BadParameter("creating resources of type %q is not supported", raw.Kind)
#:   trace.BadParameter("unsupported resource: %q - resources should be expressed as ...", ...)
UNKNOWN_KIND: tuple[str, ...] = (
    "creating resources of type {kind_q} is not supported",
    "unsupported resource: {kind_q}",
)

#: The first Teleport major version that knows a kind, where a cluster may predate it
#: (spec teleport-aws-oidc.md: discovery_config is v14+; real v13.3.8 refused it).
UNKNOWN_KIND_SINCE: dict[str, int] = {"discovery_config": 14}


def quoted(name: str) -> str:
    """``name`` as Go's ``%q`` prints it (the same as JSON for printable ASCII)."""
    return json.dumps(name, ensure_ascii=False)


def masked(name: str) -> str:
    """``name`` as Teleport's ``backend.MaskKeyName`` prints it."""
    hidden = int(0.75 * len(name.encode()))
    return "*" * hidden + name.encode()[hidden:].decode(errors="replace")


def render(templates: Iterable[str], kind: str, name: str) -> list[str]:
    """The templates filled in for this kind and name."""
    return [
        t.format(kind=kind, kind_q=quoted(kind), name=quoted(name), bare=name, masked=masked(name))
        for t in templates
    ]
