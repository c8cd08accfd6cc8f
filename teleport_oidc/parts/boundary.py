"""The permissions boundary: a plain value was checked with the other inputs; an Output is
checked when it becomes known, and the children's tags wait for that check."""

from __future__ import annotations

from typing import Any

import pulumi

from ..args import CheckedArgs
from ..rules import validate_permissions_boundary_arn


def checked_boundary(checked: CheckedArgs) -> Any:
    """The boundary to give a role: plain as given, or an Output that fails when it is bad."""
    value = checked.args.permissions_boundary_arn
    if not isinstance(value, pulumi.Output):
        return value

    def check(known: Any) -> Any:
        if known is not None:
            validate_permissions_boundary_arn(known)
        return known

    return value.apply(check)


def tags_after_boundary(
    tags: pulumi.Input[dict[str, str]], boundary: Any
) -> pulumi.Input[dict[str, str]]:
    """Every AWS child is tagged (the provider first; policies and the integration wait for the
    role), so gating the tags on an Output boundary's check means a bad boundary stops the
    deployment before anything is created. Its cost: while the boundary is unknown (a preview),
    so are the tags. A plain boundary changes nothing."""
    if not isinstance(boundary, pulumi.Output):
        return tags
    return pulumi.Output.all(tags, boundary).apply(lambda v: v[0])
