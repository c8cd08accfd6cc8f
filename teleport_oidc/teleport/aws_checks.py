"""Checks of the AWS values Teleport's discovery and join resources carry: regions, tags,
accounts, organizations, organizational units, ARNs and resource names.

Each function takes a plain value (never a ``pulumi.Output``), returns it normalised (sorted
where order carries no meaning, so diffs are stable) and raises :class:`InvalidArgumentError`
naming the argument as the user wrote it, the value, the rule and the fix. The rules are
Teleport's (``api/types/matchers_aws.go``, ``api/types/provisioning.go``) and AWS's
(Organizations' ID patterns), cited where they come from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pulumi
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN

from ..constants import PARTITIONS
from ..errors import InvalidArgumentError
from ..rules import validate_role_arn, validate_role_name

__all__ = [
    "WILDCARD",
    "check_account_id",
    "check_external_id",
    "check_iam_role_name",
    "check_join_arn",
    "check_match_tags",
    "check_organization_id",
    "check_organizational_units",
    "check_regions",
    "check_resource_name",
    "check_role_arn",
    "check_string_list",
    "contains_unknown",
    "is_known",
    "plain",
    "unless_unknown",
]

WILDCARD = "*"

# Teleport's awsapiutils.IsValidRegion: two letters, an optional partition marker, a
# direction word and a counter (e.g. us-east-1, us-gov-west-1, cn-north-1).
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+\Z")
_ACCOUNT = re.compile(r"^[0-9]{12}\Z")
# AWS Organizations API reference: Organization.Id, Root.Id, OrganizationalUnit.Id.
_ORGANIZATION = re.compile(r"^o-[a-z0-9]{10,32}\Z")
_OU = re.compile(r"^(r-[a-z0-9]{4,32}|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32})\Z")
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}\Z", re.ASCII)
# A name ``tctl get <kind>/<name>`` can address: no slash, no whitespace, no control chars.
_RESOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,252}\Z")
_PARTITION = "|".join(re.escape(p) for p in PARTITIONS)
_JOIN_ARN = re.compile(rf"^arn:({_PARTITION}):(sts|iam)::([0-9]{{12}}|\*):\S+\Z")


def check_string_list(value: object, argument: str, fix: str) -> list[str]:
    """A list (or tuple) of non-empty strings; a lone string is refused, not split."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidArgumentError(argument, value, "must be a list of strings", fix)
    items = list(value)
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item or item != item.strip():
            raise InvalidArgumentError(
                f"{argument}[{index}]",
                item,
                "must be a non-empty string with no surrounding whitespace",
                fix,
            )
    return items


def check_regions(value: object, argument: str = "regions") -> list[str]:
    """AWS regions to search: ``["*"]`` alone (every enabled region) or region names."""
    fix = "pass ['*'] for every region, or names such as ['us-east-1', 'eu-west-1']"
    items = check_string_list(value, argument, fix)
    if not items:
        raise InvalidArgumentError(
            argument, items, "must name at least one region (Teleport requires one)", fix
        )
    if WILDCARD in items:
        if len(set(items)) > 1:
            raise InvalidArgumentError(
                argument,
                items,
                "cannot mix '*' with region names (Teleport refuses it)",
                "pass ['*'] alone, or only region names",
            )
        return [WILDCARD]
    for index, item in enumerate(items):
        if not _REGION.match(item):
            raise InvalidArgumentError(
                f"{argument}[{index}]", item, "must be an AWS region name", fix
            )
    return sorted(set(items))


def check_match_tags(value: object, argument: str = "tags") -> dict[str, list[str]]:
    """Resource tags to match: key -> one value or a list of values; ``None`` matches all."""
    if value is None:
        return {WILDCARD: [WILDCARD]}
    fix = "pass e.g. {'env': ['prod', 'staging']}, or leave it unset to match every resource"
    if not isinstance(value, Mapping) or not value:
        raise InvalidArgumentError(
            argument, value, "must be a non-empty mapping of tag keys to values", fix
        )
    result: dict[str, list[str]] = {}
    for key in sorted(value, key=str):
        where = f"{argument}[{key!r}]"
        if not isinstance(key, str) or not 1 <= len(key) <= 128 or key != key.strip():
            raise InvalidArgumentError(
                where, key, "must be a tag key of 1-128 characters with no surrounding spaces", fix
            )
        raw = value[key]
        values = [raw] if isinstance(raw, str) else check_string_list(raw, where, fix)
        if not values or any(not isinstance(v, str) or len(v) > 256 for v in values):
            raise InvalidArgumentError(
                where, raw, "must be one value or a non-empty list of values of <= 256", fix
            )
        result[key] = sorted(set(values))
    return result


def check_account_id(value: object, argument: str = "aws_account") -> str:
    if not isinstance(value, str) or not _ACCOUNT.match(value):
        raise InvalidArgumentError(
            argument,
            value,
            "must be a 12-digit AWS account ID (as a string, leading zeros kept)",
            "write it in quotes, e.g. '123456789012'",
        )
    return value


def check_organization_id(value: object, argument: str = "organization_id") -> str:
    if not isinstance(value, str) or not _ORGANIZATION.match(value):
        raise InvalidArgumentError(
            argument,
            value,
            "must be an AWS Organizations ID ('o-' and 10-32 lowercase letters or digits)",
            "read it with `aws organizations describe-organization` or let the component "
            "read it from AWS",
        )
    return value


def check_organizational_units(
    include: object,
    exclude: object,
    argument: str = "organizational_units",
    names: tuple[str, str] = ("include", "exclude"),
) -> dict[str, list[str]]:
    """Teleport's OU matcher: ``include`` is ``["*"]`` alone or root/OU IDs; ``exclude`` IDs.

    ``names``: what the two lists are called where the user wrote them (errors name
    ``<argument>.<name>``)."""
    fix = (
        "include ['*'] (the whole organization), the root ID 'r-xxxx' or OU IDs 'ou-xxxx-yyyyyyyy'"
    )
    include_name, exclude_name = names
    included = check_string_list(include, f"{argument}.{include_name}", fix)
    excluded = check_string_list(exclude, f"{argument}.{exclude_name}", fix)
    if not included:
        raise InvalidArgumentError(
            f"{argument}.{include_name}",
            included,
            "must name at least one organizational unit (Teleport requires one)",
            fix,
        )
    if WILDCARD in included and len(set(included)) > 1:
        raise InvalidArgumentError(
            f"{argument}.{include_name}",
            included,
            "cannot mix '*' with organizational unit IDs (Teleport refuses it)",
            "pass ['*'] alone, or only IDs",
        )
    for name, items, wildcard_ok in (
        (include_name, included, True),
        (exclude_name, excluded, False),
    ):
        for index, item in enumerate(items):
            if item == WILDCARD and wildcard_ok:
                continue
            if not _OU.match(item):
                raise InvalidArgumentError(
                    f"{argument}.{name}[{index}]",
                    item,
                    "must be an organization root ID ('r-' and 4-32 characters) or an "
                    "organizational unit ID ('ou-xxxx-yyyyyyyy')"
                    + ("" if wildcard_ok else "; '*' is not allowed in exclude"),
                    fix,
                )
    return {"include": sorted(set(included)), "exclude": sorted(set(excluded))}


def check_iam_role_name(value: object, argument: str) -> str:
    return validate_role_name(value, argument)


def check_role_arn(value: object, argument: str) -> str:
    validate_role_arn(value, argument)
    return str(value)


def check_external_id(value: object, argument: str) -> str:
    if not isinstance(value, str) or not _EXTERNAL_ID.match(value):
        raise InvalidArgumentError(
            argument,
            value,
            "must be an STS external ID (2-1224 of letters, digits and +=,.@:/_-)",
            "use the external ID the role's trust policy expects",
        )
    return value


def check_join_arn(value: object, argument: str) -> str:
    """An ``aws_arn`` allow rule: the caller's IAM/STS ARN, ``*`` and ``?`` allowed."""
    if not isinstance(value, str) or not _JOIN_ARN.match(value):
        raise InvalidArgumentError(
            argument,
            value,
            "must be an IAM or STS ARN of the joining identity (wildcards * and ? allowed)",
            "write e.g. 'arn:aws:sts::123456789012:assumed-role/node-role/i-*'",
        )
    return value


def check_resource_name(value: object, argument: str, kind: str) -> str:
    """A Teleport resource name ``tctl get {kind}/<name>`` can address."""
    if not isinstance(value, str) or not _RESOURCE_NAME.match(value):
        raise InvalidArgumentError(
            argument,
            value,
            f"must be a {kind} name of 1-253 letters, digits and ._@:- starting with a letter "
            "or digit (no slash or whitespace, so `tctl get` can address it)",
            "use e.g. 'discovery-aws-prod'",
        )
    return value


def contains_unknown(value: Any) -> bool:
    """True when a value, or anything inside it, is not known yet (a preview)."""
    if isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def is_known(value: Any) -> bool:
    """No ``Output``, awaitable or unknown anywhere inside: safe to check now."""
    if isinstance(value, pulumi.Output) or hasattr(value, "__await__"):
        return False
    if isinstance(value, Mapping):
        return all(is_known(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(is_known(v) for v in value)
    return not contains_unknown(value)


def unless_unknown(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``check``, skipped while part of the value is unknown (checked again at deployment)."""

    def checked(value: Any) -> Any:
        return value if contains_unknown(value) else check(value)

    return checked


def plain(value: Any) -> Any:
    """Tuples to lists, recursively: the shape Pulumi hands back."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value
