"""Labels on the Teleport resources this package writes: Teleport's key rule, and the
``teleport.dev/iac-tool: pulumi`` marker every one of them carries (as Teleport's own Terraform
modules write ``terraform``)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..errors import InvalidArgumentError

__all__ = ["IAC_TOOL_LABEL", "check_labels", "with_iac_tool"]

IAC_TOOL_LABEL = ("teleport.dev/iac-tool", "pulumi")
# Teleport's types.IsValidLabelKey.
_KEY = re.compile(r"^[a-zA-Z/.0-9_:*-]+$")


def check_labels(value: object, argument: str = "labels") -> dict[str, str]:
    """User labels, sorted; the iac-tool key is the package's and may not be set."""
    if value is None:
        return {}
    fix = "pass e.g. {'env': 'prod'}"
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(argument, value, "must map label names to strings", fix)
    for key, item in value.items():
        where = f"{argument}[{key!r}]"
        if not isinstance(key, str) or not _KEY.match(key):
            raise InvalidArgumentError(
                where,
                key,
                "must be a Teleport label key (letters, digits and /._:*-)",
                "rename the label",
            )
        if key == IAC_TOOL_LABEL[0]:
            raise InvalidArgumentError(
                where,
                key,
                f"is set by teleport-oidc to {IAC_TOOL_LABEL[1]!r} on every resource it manages",
                "remove it from the labels",
            )
        if not isinstance(item, str):
            raise InvalidArgumentError(where, item, "must be a string", "quote the value")
    return dict(sorted(value.items()))


def with_iac_tool(labels: Mapping[str, str]) -> dict[str, str]:
    """The labels written to Teleport: the user's and the iac-tool marker, sorted."""
    return dict(sorted({**labels, IAC_TOOL_LABEL[0]: IAC_TOOL_LABEL[1]}.items()))
