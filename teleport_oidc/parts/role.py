"""The integration role: Teleport's trust policy (known in the first preview), the role, and
the ARNs AWS returns checked against the ones built for the preview."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

import pulumi
import pulumi_aws as aws

from ..args import CheckedArgs
from ..features import PolicyContext
from ..log import warn
from ..trust import trust_policy
from .account import known_account_and_partition
from .cluster import Cluster
from .oidc_provider import OidcProvider

#: Partitions where IAM accepts the integration but Teleport's side does not work yet.
UNSUPPORTED_PARTITIONS = ("aws-us-gov", "aws-cn")


# A NamedTuple: immutable like a frozen dataclass, and far cheaper to define at import.
class IntegrationRole(NamedTuple):
    resource: aws.iam.Role
    arn: pulumi.Output[str]
    """Built from the account and partition, so known at preview (Teleport's side uses it)."""
    trust: pulumi.Output[str]
    """The trust policy, JSON."""


# Every Output the component makes costs the SDK's event loop until the program ends
# (``wait_for_rpcs`` walks every pending Output on each completion, and each ``apply`` lifts its
# result into one more Output), so per resource of the whole program: see benchmarks/README.md,
# "Where the time goes". Hence one ``apply`` per value here, plain values read inside it.
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
    restrict = args.restrict_subjects

    def policy(principal: str, h: str) -> str:
        # The provider's ARN carries the partition: warn there.
        principal = warn_unsupported_partition(principal)
        return json.dumps(trust_policy(principal, h, restrict_subjects=restrict))

    # The principal is built from the account and partition when the component creates the
    # provider, so the trust policy is known in the first preview.
    trust = (
        _joined(where, host, lambda w, h: policy(provider_arn_of(w, h), h))
        if provider.resource is not None
        else _joined(provider.arn, host, policy)
    )
    role_path, role_name = args.role_path, checked.role_name
    role_arn = where.apply(lambda w: role_arn_of(w, role_path, role_name))
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
    return IntegrationRole(resource=role, arn=role_arn, trust=trust)


def provider_arn_of(where: PolicyContext, host: str) -> str:
    """The ARN IAM gives the OIDC provider of ``host`` in this account and partition."""
    return f"arn:{where.partition}:iam::{where.account_id}:oidc-provider/{host}"


def role_arn_of(where: PolicyContext, path: str, name: str) -> str:
    """The ARN IAM gives the role ``name`` at ``path`` in this account and partition."""
    return f"arn:{where.partition}:iam::{where.account_id}:role{path}{name}"


def _joined(first: pulumi.Output[Any], host: pulumi.Input[str], fn: Any) -> pulumi.Output[str]:
    """``fn(first's value, host)``: one ``apply`` when the host is plain, as it is unless the
    proxy URL is itself an Output."""
    if isinstance(host, str):
        return first.apply(lambda value: fn(value, host))
    return pulumi.Output.all(first, host).apply(lambda v: fn(v[0], v[1]))


def returned_arns(
    checked: CheckedArgs,
    cluster: Cluster,
    where: pulumi.Output[PolicyContext],
    provider: OidcProvider,
    role: IntegrationRole,
) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """The provider's and the role's ARNs as AWS returned them, each checked against the one
    the previewed trust policy and Teleport's integration were built from (a reused provider's
    ARN was looked up, so it is the one the trust policy names)."""
    role_path, role_name, host = checked.args.role_path, checked.role_name, cluster.host
    role_arn = same_arn(
        "role", where, lambda w: role_arn_of(w, role_path, role_name), role.resource.arn
    )
    if provider.resource is None:
        return provider.arn, role_arn
    built: Any = (
        (lambda w: provider_arn_of(w, host))
        if isinstance(host, str)
        else _joined(where, host, provider_arn_of)  # a proxy URL given as an Output
    )
    return same_arn("OIDC provider", where, built, provider.arn), role_arn


def same_arn(
    what: str,
    where: pulumi.Output[PolicyContext],
    built: Callable[[PolicyContext], str] | pulumi.Output[str],
    real: pulumi.Output[str],
) -> pulumi.Output[str]:
    """``real``, the ARN AWS returned, checked against ``built`` (from the account and
    partition), in one ``apply``. The account and partition are read from the memo
    (:func:`known_account_and_partition`): always known by the time the role has an ARN (its
    trust policy is built from them), usually by the time the provider has one; when not yet,
    from ``where`` inside the apply."""

    def check(got: str) -> Any:
        if isinstance(built, pulumi.Output):
            return built.apply(lambda expected: _same(what, expected, got))
        context = known_account_and_partition(where)
        if context is None:
            return where.apply(lambda w: _same(what, built(w), got))
        return _same(what, built(context), got)

    return real.apply(check)


def _same(what: str, expected: str, got: str) -> str:
    if expected != got:
        raise RuntimeError(
            f"the {what} ARN AWS returned, {got!r}, differs from {expected!r}, the one built "
            "from the account and partition (getCallerIdentity/getPartition); please report"
        )
    return str(got)


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
