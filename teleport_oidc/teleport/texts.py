"""The exact texts real ``tctl`` prints that this package acts on, with where each comes from.

One table, so a text found to differ on a real Teleport is corrected in one place. ``{kind}`` is
the resource kind (``integration``), ``{name}`` the resource name quoted as Go's ``%q`` quotes it
(``"aws-prod"``): a text counts only when it names this kind and this name. tctl prints an error
as ``ERROR: <message>`` on stderr, and a wrapped error puts the wrapping text first and the cause
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
}

#: ``tctl create FILE`` (without ``--force``) when the resource exists, by kind.
ALREADY_EXISTS: dict[str, str] = {
    # tool/tctl/common/resource_command.go, createIntegration:
    #   trace.AlreadyExists("Integration %q already exists", integration.GetName())
    "integration": "Integration {name} already exists",
    # lib/services/local/generic/generic.go, Service.CreateResource (discovery_config is stored
    # through it; tctl's createDiscoveryConfig calls CreateDiscoveryConfig without --force):
    #   trace.AlreadyExists("%s %q already exists", s.resourceKind, name)
    "discovery_config": "{kind} {name} already exists",
}

#: ``tctl rm integration/NAME`` refused because another Teleport feature references it.
IN_USE: tuple[str, ...] = (
    # lib/services/local/integrations.go, notReferencedByEAS / integrationDeletionConditions
    "cannot delete AWS OIDC integration currently referenced by",
    # newer versions wrap pre-delete check failures (same file, DeleteIntegration)
    "running pre-delete check for integration {name}",
)


def quoted(name: str) -> str:
    """``name`` as Go's ``%q`` prints it (the same as JSON for printable ASCII)."""
    return json.dumps(name, ensure_ascii=False)


def render(templates: Iterable[str], kind: str, name: str) -> list[str]:
    """The templates filled in for this kind and name."""
    return [t.format(kind=kind, name=quoted(name), bare=name) for t in templates]
