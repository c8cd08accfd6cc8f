"""The account and partition the component deploys into, known at preview."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from ..features import PolicyContext


def account_and_partition(parent: pulumi.Resource) -> pulumi.Output[PolicyContext]:
    """From invokes that run during preview (through the component's AWS provider), so ARNs
    built from them are known in the first preview."""
    invoke = pulumi.InvokeOutputOptions(parent=parent)
    identity = aws.get_caller_identity_output(opts=invoke)
    partition = aws.get_partition_output(opts=invoke)
    return pulumi.Output.all(partition.partition, identity.account_id).apply(
        lambda v: PolicyContext(partition=v[0], account_id=v[1])
    )
