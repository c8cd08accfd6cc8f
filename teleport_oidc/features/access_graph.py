"""``access_graph``: Access Graph AWS Sync (Identity Security), with optional CloudTrail and EKS
audit-log ingestion.

Follows ``ConfigureAccessGraphSyncIAM`` in Teleport's
``lib/integrations/awsoidc/accessgraph_sync.go`` and its statements in
``lib/cloud/aws/policy_statements.go``: ``StatementAccessGraphAWSSync``; with CloudTrail,
``StatementAccessGraphAWSSyncSQS(<queue ARN>)`` and
``StatementsAccessGraphAWSSyncS3BucketDownload(<bucket ARN>)`` (objects, then the bucket);
``StatementKMSDecrypt(<keys>)`` whenever keys are given; and
``StatementAccessGraphAWSSyncEKSAuditLogs`` with ``EnableEKSAuditLogs`` (PR #61364). The queue is
given as Teleport takes it, a URL checked with Teleport's ``sqsQueueRegex``, whose ARN Teleport
builds from the URL's region (partition from the region), the integration's account and the
queue name; or directly as an ARN.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidArgumentError
from ..rules import parse_arn
from ._base import REGION, PolicyContext, allow, check_bool, document, partition_of_region, where

KEY = "access_graph"
POLICY_NAME = "AccessGraphSyncAccess"

#: Teleport's ``sqsQueueRegex`` (``lib/integrations/awsoidc/accessgraph_sync.go``).
SQS_QUEUE_URL = re.compile(
    r"^https://sqs\.([a-z0-9-]+)\.amazonaws\.com/[0-9]{12}/([a-zA-Z0-9_-]+)\Z"
)

SYNC_ACTIONS = (
    "ec2:DescribeInstances",
    "ec2:DescribeImages",
    "ec2:DescribeTags",
    "ec2:DescribeSnapshots",
    "ec2:DescribeKeyPairs",
    "eks:ListClusters",
    "eks:DescribeCluster",
    "eks:ListAccessEntries",
    "eks:ListAccessPolicies",
    "eks:ListAssociatedAccessPolicies",
    "eks:DescribeAccessEntry",
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "rds:ListTagsForResource",
    "rds:DescribeDBProxies",
    "dynamodb:ListTables",
    "dynamodb:DescribeTable",
    "redshift:DescribeClusters",
    "redshift:Describe*",
    "s3:ListAllMyBuckets",
    "s3:GetBucketPolicy",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetBucketTagging",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketAcl",
    "iam:ListUsers",
    "iam:GetUser",
    "iam:ListRoles",
    "iam:ListGroups",
    "iam:ListPolicies",
    "iam:ListGroupsForUser",
    "iam:ListInstanceProfiles",
    "iam:ListUserPolicies",
    "iam:GetUserPolicy",
    "iam:ListAttachedUserPolicies",
    "iam:ListGroupPolicies",
    "iam:GetGroupPolicy",
    "iam:ListAttachedGroupPolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:GetRolePolicy",
    "iam:ListSAMLProviders",
    "iam:GetSAMLProvider",
    "iam:ListOpenIDConnectProviders",
    "iam:GetOpenIDConnectProvider",
    "kms:ListKeys",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:ListAliases",
    "kms:ListResourceTags",
)
SQS_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage")
S3_OBJECT_ACTIONS = ("s3:GetObject", "s3:GetObjectVersion")
S3_BUCKET_ACTIONS = (
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:GetBucketLocation",
    "s3:GetBucketVersioning",
)
KMS_ACTIONS = (
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
)
#: Reading EKS audit logs from CloudWatch Logs (log groups ``/aws/eks/<cluster>/cluster``).
#: The body of Teleport's ``StatementAccessGraphAWSSyncEKSAuditLogs`` was not in the sources
#: readable when this was written: these are the CloudWatch Logs read actions that reading those
#: log groups needs. Check them against that function when it can be read.
EKS_AUDIT_LOG_ACTIONS = (
    "logs:DescribeLogGroups",
    "logs:DescribeLogStreams",
    "logs:FilterLogEvents",
    "logs:GetLogEvents",
)


@dataclass(frozen=True)
class AccessGraphOptions:
    """``access_graph``: Access Graph AWS Sync, optionally with CloudTrail and EKS audit logs."""

    cloudtrail_sqs_queue_url: str | None = None
    """Default: no CloudTrail ingestion. The SQS queue that receives CloudTrail notifications,
    as Teleport takes it: ``https://sqs.<region>.amazonaws.com/<account>/<queue>``. Its ARN is
    built as Teleport builds it: the URL's region, the integration role's account."""
    cloudtrail_sqs_queue_arn: str | None = None
    """Default: none. The same queue given by ARN instead of URL (one or the other)."""
    cloudtrail_s3_bucket_arn: str | None = None
    """Default: none. The S3 bucket CloudTrail writes to (required with the queue)."""
    cloudtrail_kms_key_arns: Sequence[str] = ()
    """Default: none. KMS keys that encrypt the trail or the queue; granted whenever given."""
    enable_eks_audit_logs: bool = False
    """Default: off. ``True``: also read EKS audit logs from CloudWatch Logs."""


OPTIONS = AccessGraphOptions


def validate(opts: AccessGraphOptions) -> None:
    at = where(KEY)
    url, arn, bucket = (
        opts.cloudtrail_sqs_queue_url,
        opts.cloudtrail_sqs_queue_arn,
        opts.cloudtrail_s3_bucket_arn,
    )
    if url is not None and arn is not None:
        raise InvalidArgumentError(
            f"{at}.cloudtrail_sqs_queue_url",
            url,
            "cannot be given together with cloudtrail_sqs_queue_arn (they name the same queue)",
            "give the queue's URL or its ARN, not both",
        )
    queue, queue_argument = (
        (url, "cloudtrail_sqs_queue_url")
        if url is not None
        else (
            arn,
            "cloudtrail_sqs_queue_arn",
        )
    )
    if (queue is None) != (bucket is None):
        raise InvalidArgumentError(
            f"{at}.{queue_argument if queue is not None else 'cloudtrail_s3_bucket_arn'}",
            queue if queue is not None else bucket,
            "must be given together with "
            + ("cloudtrail_s3_bucket_arn" if queue is not None else "the SQS queue")
            + " (CloudTrail ingestion reads notifications from the queue and logs from the "
            "bucket)",
            "give the queue (cloudtrail_sqs_queue_url or _arn) and the bucket, or neither",
        )
    if url is not None:
        queue_url_region(url, f"{at}.cloudtrail_sqs_queue_url")
    if arn is not None:
        parse_arn(
            arn,
            f"{at}.cloudtrail_sqs_queue_arn",
            service="sqs",
            what="an SQS queue",
            example="arn:aws:sqs:us-east-1:123456789012:trail",
        )
    if bucket is not None:
        parsed = parse_arn(
            bucket,
            f"{at}.cloudtrail_s3_bucket_arn",
            service="s3",
            what="an S3 bucket",
            example="arn:aws:s3:::trail-bucket",
        )
        if "/" in parsed.resource:
            raise InvalidArgumentError(
                f"{at}.cloudtrail_s3_bucket_arn",
                bucket,
                "must be a bucket ARN, not an object ARN",
                "drop everything after the bucket",
            )
    if isinstance(opts.cloudtrail_kms_key_arns, str):
        raise InvalidArgumentError(
            f"{at}.cloudtrail_kms_key_arns",
            opts.cloudtrail_kms_key_arns,
            "must be a list of KMS key ARNs",
            "wrap the ARN in a list",
        )
    for index, key_arn in enumerate(opts.cloudtrail_kms_key_arns):
        parse_arn(
            key_arn,
            f"{at}.cloudtrail_kms_key_arns[{index}]",
            service="kms",
            what="a KMS key",
            example="arn:aws:kms:us-east-1:123456789012:key/abcd",
        )
    check_bool(f"{at}.enable_eks_audit_logs", opts.enable_eks_audit_logs)


def queue_url_region(url: object, argument: str) -> tuple[str, str]:
    """The region and queue name of a queue URL, checked with Teleport's rule."""
    match = SQS_QUEUE_URL.match(url) if isinstance(url, str) else None
    if not match:
        raise InvalidArgumentError(
            argument,
            url,
            "must be an SQS queue URL 'https://sqs.<region>.amazonaws.com/<account>/<queue>' "
            "(Teleport's rule; queue names of letters, digits, '_' and '-')",
            "copy the queue's URL from the SQS console, e.g. "
            "'https://sqs.us-east-1.amazonaws.com/123456789012/trail'",
        )
    region, name = match.group(1), match.group(2)
    if not REGION.match(region):
        raise InvalidArgumentError(
            argument, url, f"names {region!r}, which is not an AWS region", "fix the region"
        )
    return region, name


def queue_arn(opts: AccessGraphOptions, ctx: PolicyContext) -> str | None:
    """The queue's ARN: as given, or built from its URL as Teleport builds it."""
    if opts.cloudtrail_sqs_queue_arn is not None:
        return opts.cloudtrail_sqs_queue_arn
    if opts.cloudtrail_sqs_queue_url is None:
        return None
    region, name = queue_url_region(opts.cloudtrail_sqs_queue_url, "cloudtrail_sqs_queue_url")
    return f"arn:{partition_of_region(region)}:sqs:{region}:{ctx.account_id}:{name}"


def notices(ctx: PolicyContext, opts: AccessGraphOptions) -> list[str]:
    """A queue URL in another account: Teleport builds its ARN with the role's account."""
    url = opts.cloudtrail_sqs_queue_url
    if url is None:
        return []
    account = url.rsplit("/", 2)[-2]
    if account == ctx.account_id:
        return []
    return [
        f"features['access_graph'].cloudtrail_sqs_queue_url names account {account}, but Teleport "
        f"builds the queue's ARN with the integration role's account {ctx.account_id}, so the "
        "policy grants a queue that does not exist; give the queue by ARN "
        "(cloudtrail_sqs_queue_arn) to grant a queue in another account"
    ]


def policy(ctx: PolicyContext, opts: AccessGraphOptions, **_: Any) -> dict[str, Any]:
    statements = [allow(SYNC_ACTIONS)]
    queue = queue_arn(opts, ctx)
    if queue is not None:
        statements.append(allow(SQS_ACTIONS, queue))
    bucket = opts.cloudtrail_s3_bucket_arn
    if bucket is not None:
        statements.append(allow(S3_OBJECT_ACTIONS, f"{bucket}/*"))
        statements.append(allow(S3_BUCKET_ACTIONS, bucket))
    if opts.cloudtrail_kms_key_arns:
        statements.append(allow(KMS_ACTIONS, list(opts.cloudtrail_kms_key_arns)))
    if opts.enable_eks_audit_logs:
        statements.append(allow(EKS_AUDIT_LOG_ACTIONS))
    return document(*statements)
