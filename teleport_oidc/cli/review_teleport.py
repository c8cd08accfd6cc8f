"""Teleport resources as a reviewer reads them: per kind, the fields that say what it grants
(an integration's role, a discovery config's matchers and join token, a token's allow rules),
each as display lines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.output import Unknown

from ..teleport.discovery import DISCOVERY_CONFIG_TYPE
from ..teleport.integration import INTEGRATION_TYPE
from ..teleport.token import PROVISION_TOKEN_TYPE
from .review_values import UNKNOWN, as_list, as_mapping, as_text

__all__ = ["TELEPORT_KINDS", "teleport_summary"]

#: Teleport's kind per resource type, in the order the review lists them.
TELEPORT_KINDS = {
    INTEGRATION_TYPE: "integration",
    DISCOVERY_CONFIG_TYPE: "discovery_config",
    PROVISION_TOKEN_TYPE: "token",
}


def _organizational_units(value: Any) -> str:
    units = value if isinstance(value, Mapping) else {}
    include = ", ".join(as_text(u) for u in as_list(units.get("include"))) or "(none)"
    exclude = ", ".join(as_text(u) for u in as_list(units.get("exclude")))
    return f"OUs {include}" + (f" except {exclude}" if exclude else "")


def _matcher(matcher: Mapping[str, Any]) -> str:
    types = ", ".join(as_text(t) for t in as_list(matcher.get("types")))
    regions = ", ".join(as_text(r) for r in as_list(matcher.get("regions")))
    parts = [f"{types} in regions {regions}"]
    organization = matcher.get("organization")
    found = matcher.get("assume_role")
    assume: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    if isinstance(organization, Mapping):
        parts.append(
            f"organization {as_text(organization.get('organization_id'))} "
            f"({_organizational_units(organization.get('organizational_units'))})"
        )
        if assume.get("role_name"):
            parts.append(f"as role {as_text(assume['role_name'])} in each account")
    elif assume.get("role_arn"):
        arn = as_text(assume["role_arn"])
        account = arn.split(":")[4] if arn.count(":") >= 5 else arn
        parts.append(f"account {account} as {arn}")
    else:
        parts.append("the integration's account")
    tags = matcher.get("tags")
    if isinstance(tags, Mapping) and tags:
        parts.append(
            "tags "
            + ", ".join(
                f"{k}={'/'.join(as_text(v) for v in as_list(vs))}" for k, vs in sorted(tags.items())
            )
        )
    return "; ".join(parts)


def _allow(rule: Mapping[str, Any]) -> str:
    parts = []
    if rule.get("aws_account"):
        parts.append(f"account {as_text(rule['aws_account'])}")
    if rule.get("aws_organization_id"):
        parts.append(f"organization {as_text(rule['aws_organization_id'])}")
        parts.append(_organizational_units(rule.get("aws_organizational_units")))
    if rule.get("aws_arn"):
        parts.append(f"ARN {as_text(rule['aws_arn'])}")
    if rule.get("aws_role"):
        parts.append(f"role {as_text(rule['aws_role'])}")
    rest = {k: v for k, v in rule.items() if not str(k).startswith("aws_") and v}
    parts += [f"{k} {as_text(v)}" for k, v in sorted(rest.items())]
    return ", ".join(parts) or as_text(rule)


def teleport_summary(type_: str, inputs: Mapping[str, Any]) -> dict[str, list[str]]:
    """The fields of a Teleport resource a reviewer reads, each as display lines."""
    kind = TELEPORT_KINDS[type_]
    if kind == "integration":
        fields = {
            "role_arn": [as_text(inputs.get("role_arn"))],
            "audience": [as_text(inputs.get("audience"))] if inputs.get("audience") else [],
            "labels": [
                f"{k}={as_text(v)}" for k, v in sorted(as_mapping(inputs.get("labels")).items())
            ],
        }
    elif kind == "discovery_config":
        matchers = inputs.get("aws")
        fields = {
            "discovery_group": [as_text(inputs.get("discovery_group"))],
            "matchers": [
                _matcher(m) if isinstance(m, Mapping) else as_text(m) for m in as_list(matchers)
            ]
            if not isinstance(matchers, Unknown)
            else [UNKNOWN],
            "integration": sorted(
                {
                    as_text(m.get("integration"))
                    for m in as_list(matchers)
                    if isinstance(m, Mapping) and m.get("integration")
                }
            ),
            "join token": sorted(
                {
                    as_text(m["install"].get("join_token"))
                    for m in as_list(matchers)
                    if isinstance(m, Mapping) and isinstance(m.get("install"), Mapping)
                }
            ),
        }
    else:
        allow = inputs.get("allow")
        fields = {
            "join_method": [as_text(inputs.get("join_method") or "iam")],
            "roles": [", ".join(as_text(r) for r in as_list(inputs.get("roles")))],
            "may join": [
                _allow(r) if isinstance(r, Mapping) else as_text(r) for r in as_list(allow)
            ]
            if not isinstance(allow, Unknown)
            else [UNKNOWN],
        }
    return {key: lines for key, lines in fields.items() if lines}
