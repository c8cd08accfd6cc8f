"""The IAM-join ``token`` resource as data: inputs checked and normalised, the document handed
to ``tctl create``, and ``tctl get`` read back into the same shape.

Only the ``iam`` join method is managed: its token name is not a secret (a joining node proves
its AWS identity instead). Methods whose name or spec is a secret are refused, because this
package never puts secrets in Pulumi state. The rules are Teleport's (``api/types/
provisioning.go`` and ``lib/auth``'s ``validateProvisionToken``): an ``iam`` allow rule needs
``aws_account``, ``aws_arn`` or ``aws_organization_id``; ``aws_organizational_units`` needs
``aws_organization_id``; ``aws_role`` and ``aws_regions`` belong to the ``ec2`` method.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from ..errors import InvalidArgumentError
from ..rules import validate_integration_name
from .aws_checks import (
    check_account_id,
    check_join_arn,
    check_organization_id,
    check_organizational_units,
    check_string_list,
)
from .document import managed_metadata, metadata_read_back

__all__ = [
    "DEFAULT_ROLES",
    "KIND",
    "SECRET_JOIN_METHODS",
    "SYSTEM_ROLES",
    "check_expires",
    "check_join_method",
    "normalize_allow",
    "normalize_roles",
    "read_back_spec",
    "token_document",
]

KIND = "token"
DEFAULT_ROLES = ("Node",)
#: Join methods whose secret is the token's name (``token``) or a registration secret in the
#: spec (``bound_keypair``).
SECRET_JOIN_METHODS = ("token", "bound_keypair")
#: Teleport system roles an IAM-joining agent may hold, in Teleport's spelling.
SYSTEM_ROLES = ("App", "Auth", "Db", "Discovery", "Kube", "Node", "Proxy", "WindowsDesktop")
_ROLE_BY_LOWER = {role.lower(): role for role in SYSTEM_ROLES}
_RULE_KEYS = {"aws_account", "aws_arn", "aws_organization_id", "aws_organizational_units"}


def check_join_method(value: object, argument: str = "join_method") -> str:
    if value == "iam":
        return "iam"
    if value in SECRET_JOIN_METHODS:
        raise InvalidArgumentError(
            argument,
            value,
            "is a secret join method (the token's name or spec is the secret), and "
            "teleport-oidc does not manage secret tokens: Pulumi would keep the secret in state",
            "create it with `tctl tokens add` outside Pulumi, or use join_method='iam'",
        )
    raise InvalidArgumentError(
        argument,
        value,
        "is not managed by this resource (it manages IAM joining: 'iam')",
        "use join_method='iam'",
    )


def normalize_roles(value: object, argument: str = "roles") -> list[str]:
    fix = f"use some of: {', '.join(SYSTEM_ROLES)} (discovered EC2 instances need 'Node')"
    items = check_string_list(value, argument, fix)
    if not items:
        raise InvalidArgumentError(argument, items, "must name at least one role", fix)
    roles: list[str] = []
    for index, item in enumerate(items):
        if item.lower() == "bot":
            raise InvalidArgumentError(
                f"{argument}[{index}]",
                item,
                "needs a bot_name, which this resource does not manage",
                "manage bot tokens with `tctl bots add` or the bot resource",
            )
        role = _ROLE_BY_LOWER.get(item.lower())
        if role is None:
            raise InvalidArgumentError(
                f"{argument}[{index}]", item, "is not a Teleport system role", fix
            )
        roles.append(role)
    return sorted(set(roles))


def _rule(value: object, argument: str) -> dict[str, Any]:
    fix = "give aws_account='123456789012', or aws_organization_id='o-...' (with OUs)"
    if not isinstance(value, Mapping):
        raise InvalidArgumentError(
            argument, value, "must be an allow rule", "pass IamAllowRule(...)"
        )
    unknown = sorted(set(value) - _RULE_KEYS)
    if unknown:
        reason = (
            "belongs to the 'ec2' join method (Teleport refuses it for 'iam')"
            if unknown[0] in ("aws_role", "aws_regions")
            else "is not a field of an IAM allow rule"
        )
        raise InvalidArgumentError(f"{argument}.{unknown[0]}", unknown[0], reason, fix)
    rule: dict[str, Any] = {}
    if value.get("aws_account"):
        rule["aws_account"] = check_account_id(value["aws_account"], f"{argument}.aws_account")
    if value.get("aws_arn"):
        rule["aws_arn"] = check_join_arn(value["aws_arn"], f"{argument}.aws_arn")
    if value.get("aws_organization_id"):
        rule["aws_organization_id"] = check_organization_id(
            value["aws_organization_id"], f"{argument}.aws_organization_id"
        )
    units = value.get("aws_organizational_units")
    if units:
        if "aws_organization_id" not in rule:
            raise InvalidArgumentError(
                f"{argument}.aws_organizational_units",
                units,
                "needs aws_organization_id in the same rule (Teleport refuses OUs alone)",
                "set aws_organization_id too",
            )
        if not isinstance(units, Mapping):
            raise InvalidArgumentError(
                f"{argument}.aws_organizational_units", units, "must be a mapping", fix
            )
        rule["aws_organizational_units"] = check_organizational_units(
            units.get("include") or [],
            units.get("exclude") or [],
            f"{argument}.aws_organizational_units",
        )
    if not rule:
        raise InvalidArgumentError(
            argument,
            dict(value),
            "must set aws_account, aws_arn or aws_organization_id (Teleport requires one)",
            fix,
        )
    return rule


def normalize_allow(value: object, argument: str = "allow") -> list[dict[str, Any]]:
    """The allow rules, checked; order kept (Teleport tries them in order)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
        raise InvalidArgumentError(
            argument, value, "must be a list of allow rules", "pass [IamAllowRule(...)]"
        )
    if not value:
        raise InvalidArgumentError(
            argument,
            [],
            "must hold at least one rule (the 'iam' join method requires allow rules)",
            "allow the account: [IamAllowRule(aws_account='123456789012')]",
        )
    return [_rule(item, f"{argument}[{index}]") for index, item in enumerate(value)]


def check_expires(value: object, argument: str = "expires") -> str:
    """An RFC 3339 time with a zone, normalised to UTC ``YYYY-MM-DDTHH:MM:SSZ``."""
    fix = "write e.g. '2030-01-01T00:00:00Z', or leave it unset for a token that never expires"
    if isinstance(value, _dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidArgumentError(argument, value, "must be an RFC 3339 time", fix) from None
    else:
        raise InvalidArgumentError(argument, value, "must be an RFC 3339 time", fix)
    if moment.tzinfo is None:
        raise InvalidArgumentError(argument, value, "must carry a time zone (e.g. 'Z')", fix)
    utc = moment.astimezone(_dt.timezone.utc).replace(microsecond=0)
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def token_document(
    name: str,
    roles: list[str],
    allow: list[dict[str, Any]],
    integration: str | None = None,
    expires: str | None = None,
    labels: Mapping[str, str] | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    """The ``token`` handed to ``tctl create``, from normalised inputs."""
    metadata = managed_metadata(name, labels, description)
    if expires:
        metadata["expires"] = expires
    spec: dict[str, Any] = {"roles": roles, "join_method": "iam", "allow": allow}
    if integration:
        spec["integration"] = validate_integration_name(integration, "integration")
    return {"kind": KIND, "version": "v2", "metadata": metadata, "spec": spec}


def _read_rule(raw: Mapping[str, Any]) -> dict[str, Any]:
    rule: dict[str, Any] = {
        k: raw[k] for k in ("aws_account", "aws_arn", "aws_organization_id") if raw.get(k)
    }
    units = raw.get("aws_organizational_units") or {}
    if units.get("include") or units.get("exclude"):
        rule["aws_organizational_units"] = {
            "include": sorted(set(units.get("include") or [])),
            "exclude": sorted(set(units.get("exclude") or [])),
        }
    for extra in ("aws_role", "aws_regions"):
        if raw.get(extra):
            rule[extra] = raw[extra]  # out-of-band edits show up as drift
    return rule


def read_back_spec(resource: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs a ``tctl get token/<name> --format=json`` item corresponds to."""
    metadata = resource.get("metadata") or {}
    spec = resource.get("spec") or {}
    expires = metadata.get("expires")
    if expires:
        try:
            expires = check_expires(expires)
        except InvalidArgumentError:
            pass
    roles = [_ROLE_BY_LOWER.get(str(r).lower(), str(r)) for r in spec.get("roles") or []]
    return {
        **metadata_read_back(resource),
        "expires": expires or None,
        "roles": sorted(set(roles)),
        "join_method": spec.get("join_method") or "",
        "allow": [_read_rule(r) for r in spec.get("allow") or []],
        "integration": spec.get("integration") or None,
    }
