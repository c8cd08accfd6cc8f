"""The integration role: Teleport's trust policy (known in the first preview), the role, and
its ARN checked against the one AWS returns."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pulumi
import pulumi_aws as aws

from ..args import CheckedArgs
from ..features import PolicyContext
from ..log import warn
from ..trust import trust_policy
from .cluster import Cluster
from .oidc_provider import OidcProvider

#: Partitions where IAM accepts the integration but Teleport's side does not work yet.
UNSUPPORTED_PARTITIONS = ("aws-us-gov", "aws-cn")


# A NamedTuple: immutable like a frozen dataclass, and far cheaper to define at import.
class IntegrationRole(NamedTuple):
    resource: aws.iam.Role
    arn: pulumi.Output[str]
    """Built from the account and partition, so known at preview (Teleport's side uses it)."""
    principal: pulumi.Output[str]
    """The provider ARN the trust policy names (built, when the component creates it)."""
    trust: pulumi.Output[str]
    """The trust policy, JSON."""


def integration_role(
    parent: pulumi.Resource,
    name: str,
    checked: CheckedArgs,
    cluster: Cluster,
    where: pulumi.Output[PolicyContext],
    provider: OidcProvider,
    boundary: Any,
    tags: pulumi.Input[dict[str, str]],
) -> IntegrationRole:
    """``<name>-role``, created after the provider (IAM refuses a trust policy naming a
    provider that does not exist yet)."""
    args, host = checked.args, cluster.host
    # A plain host is read inside one apply: ``Output.all`` makes four Outputs where ``apply``
    # makes one, and every Output costs the SDK's event loop (see ``same_arn``).
    principal = (
        _joined(
            where,
            host,
            lambda w, h: f"arn:{w.partition}:iam::{w.account_id}:oidc-provider/{h}",
        )
        if provider.resource is not None
        else provider.arn
    )
    restrict = args.restrict_subjects
    # The provider's ARN carries the partition: warn there (no apply of its own).
    trust = _joined(
        principal,
        host,
        lambda arn, h: json.dumps(
            trust_policy(warn_unsupported_partition(arn), h, restrict_subjects=restrict)
        ),
    )
    role_path, role_name = args.role_path, checked.role_name
    role_arn = where.apply(
        lambda w: f"arn:{w.partition}:iam::{w.account_id}:role{role_path}{role_name}"
    )
    role = aws.iam.Role(
        f"{name}-role",
        aws.iam.RoleArgs(
            name=checked.role_name,
            path=args.role_path,
            description=args.role_description,
            assume_role_policy=trust,
            max_session_duration=args.max_session_duration,
            permissions_boundary=boundary,
            tags=tags,
        ),
        opts=pulumi.ResourceOptions(
            parent=parent, depends_on=[provider.resource] if provider.resource else []
        ),
    )
    return IntegrationRole(resource=role, arn=role_arn, principal=principal, trust=trust)


def _joined(first: pulumi.Output[Any], host: pulumi.Input[str], fn: Any) -> pulumi.Output[str]:
    """``fn(first's value, host)``: one ``apply`` when the host is plain, as it is unless the
    proxy URL is itself an Output."""
    if isinstance(host, str):
        return first.apply(lambda value: fn(value, host))
    return pulumi.Output.all(first, host).apply(lambda v: fn(v[0], v[1]))


def same_arn(what: str, built: pulumi.Output[str], real: pulumi.Output[str]) -> Any:
    """The ARN AWS returned, checked against the one the previewed documents were built from."""

    def check(expected: str, got: str) -> str:
        if expected != got:
            raise RuntimeError(
                f"the {what} ARN AWS returned, {got!r}, differs from {expected!r}, the one built "
                "from the account and partition (getCallerIdentity/getPartition); please report"
            )
        return str(got)

    # One apply on the real ARN, the built one read inside it: ``Output.all`` would make four
    # Outputs, each waited for by the SDK until the role exists (``wait_for_rpcs`` walks every
    # pending Output on each completion, so what a component leaves pending costs per resource
    # of the whole program: see benchmarks/README.md, "Where the time goes").
    return real.apply(lambda got: built.apply(lambda expected: check(expected, got)))


def warn_unsupported_partition(provider_arn: str) -> str:
    """Warn when the integration is in a partition Teleport does not support yet."""
    partition = provider_arn.split(":")[1] if provider_arn.count(":") >= 5 else ""
    if partition in UNSUPPORTED_PARTITIONS:
        warn(
            f"the integration's IAM OIDC provider {provider_arn} and role are in the "
            f"{partition!r} partition: the IAM side is right, but "
            "Teleport's AWS OIDC integration does not work in AWS GovCloud or China yet "
            "(Teleport hard-codes arn:aws in the integration; Teleport issue #52383)"
        )
    return provider_arn
