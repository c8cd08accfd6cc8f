"""What every feature module shares: the policy context, the statement builders, name checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidArgumentError

__all__ = ["PolicyContext", "allow", "check_bool", "document", "partition_of_region", "where"]

REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]\Z")


@dataclass(frozen=True)
class PolicyContext:
    """Where the policies apply: the partition and account of the integration role's ARN."""

    partition: str
    account_id: str


def where(key: str) -> str:
    """How an option of feature ``key`` is named in errors: ``features['key']``."""
    return f"features[{key!r}]"


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    """A policy document, as Teleport's ``NewPolicyDocument`` writes it."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _one_or_many(values: str | Sequence[str]) -> str | list[str]:
    # Teleport's SliceOrString: a one-element list is written as a plain string.
    if isinstance(values, str):
        return values
    return values[0] if len(values) == 1 else list(values)


def allow(
    actions: str | Sequence[str],
    resource: str | Sequence[str] = "*",
    *,
    sid: str | None = None,
    condition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An ``Allow`` statement in Teleport's key order (Sid, Effect, Action, Resource, Condition)."""
    statement: dict[str, Any] = {}
    if sid:
        statement["Sid"] = sid
    statement["Effect"] = "Allow"
    statement["Action"] = _one_or_many(actions)
    statement["Resource"] = _one_or_many(resource)
    if condition:
        statement["Condition"] = condition
    return statement


def check_bool(argument: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgumentError(argument, value, "must be True or False", "pass True or False")
    return value


def partition_of_region(region: str) -> str:
    """The partition of an AWS region, as Teleport's ``GetPartitionFromRegion`` decides it."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
