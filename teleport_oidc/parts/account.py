"""The account and partition the component deploys into, known at preview, looked up once per
AWS provider within a program run."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
from pulumi.runtime import settings

from ..features import PolicyContext

_IDENTITY = "aws:index/getCallerIdentity:getCallerIdentity"

#: The current program run (its resource monitor) and, per AWS provider of that run, the
#: looked-up account and partition. A new run (a new monitor) starts an empty memo.
_memo: tuple[Any, dict[int, tuple[Any, pulumi.Output[PolicyContext]]]] = (None, {})
#: Each memoised Output's value once known, by the Output's id (the memo keeps it alive).
_known: dict[int, list[PolicyContext]] = {}


def account_and_partition(parent: pulumi.Resource) -> pulumi.Output[PolicyContext]:
    """From invokes that run during preview (through the component's AWS provider), so ARNs
    built from them are known in the first preview.

    The answer depends only on the provider (its credentials and region): components sharing
    one provider (or all using the default one) share one ``getCallerIdentity`` and one
    ``getPartition`` call per program run, as the thumbprint lookup is made once per host.
    """
    global _memo
    monitor = settings.get_monitor()
    if _memo[0] is not monitor:
        _memo = (monitor, {})
        _known.clear()
    provider = parent.get_provider(_IDENTITY)
    known = _memo[1].get(id(provider))
    if known is not None and known[0] is provider:
        return known[1]
    invoke = pulumi.InvokeOutputOptions(parent=parent)
    identity = aws.get_caller_identity_output(opts=invoke)
    partition = aws.get_partition_output(opts=invoke)
    value: list[PolicyContext] = []

    def context(v: list[Any]) -> PolicyContext:
        value.append(PolicyContext(partition=v[0], account_id=v[1]))
        return value[0]

    where = pulumi.Output.all(partition.partition, identity.account_id).apply(context)
    _memo[1][id(provider)] = (provider, where)
    _known[id(where)] = value
    return where


def known_account_and_partition(where: pulumi.Output[PolicyContext]) -> PolicyContext | None:
    """``where``'s value if it is known by now (an Output of :func:`account_and_partition` of
    this program run), else ``None``: for code that runs after it resolved and would otherwise
    make an Output of its own to read it."""
    value = _known.get(id(where))
    return value[0] if value else None
