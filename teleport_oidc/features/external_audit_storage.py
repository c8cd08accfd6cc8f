"""``external_audit_storage``: store audit events and session recordings in your account.

Follows ``PolicyDocumentForExternalAuditStorage`` in Teleport's
``lib/cloud/aws/policy_statements.go``, with the S3 resources built as ``s3URIToResourceARNs`` in
``lib/integrations/awsoidc/externalauditstorage_iam_config.go`` builds them (the bucket, then
``<bucket>/<prefix>/*``, for events, recordings and results, de-duplicated). Bucket names are
accepted as Teleport accepts them: any host of an ``s3://`` URI (its own test uses
``s3://testbucket_noprefix``). The policy name is required, as Teleport's ``--policy`` is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidArgumentError
from ._base import REGION, PolicyContext, allow, document, where

KEY = "external_audit_storage"
#: The policy name comes from the options (``policy_name``).
POLICY_NAME = None

S3_ACTIONS = (
    "s3:PutObject",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:ListBucketMultipartUploads",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketVersioning",
    "s3:GetBucketLocation",
)
ATHENA_ACTIONS = (
    "athena:StartQueryExecution",
    "athena:GetQueryResults",
    "athena:GetQueryExecution",
)
GLUE_ACTIONS = (
    "glue:GetTable",
    "glue:GetTableVersion",
    "glue:GetTableVersions",
    "glue:UpdateTable",
)

# Teleport takes the URI's host as the bucket, whatever its spelling; only what cannot be a
# bucket in an ARN (empty, '/', whitespace, IAM wildcards, ':') is refused here.
_S3_URI = re.compile(r"^s3://(?P<bucket>[^/\s*?:]+)(?P<prefix>/[^*?\s]*)?\Z")
_SIMPLE_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,255}\Z")
_POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}\Z", re.ASCII)


@dataclass(frozen=True)
class ExternalAuditStorageOptions:
    """``external_audit_storage``: store audit events and session recordings in your account."""

    events_s3_uri: str
    """Where audit events go, e.g. ``s3://bucket/events``."""
    recordings_s3_uri: str
    """Where session recordings go, e.g. ``s3://bucket/sessions``."""
    results_s3_uri: str
    """Where Athena query results go, e.g. ``s3://bucket/results``."""
    athena_workgroup: str
    """The Athena workgroup Teleport queries with."""
    glue_database: str
    """The Glue database of the events table."""
    glue_table: str
    """The Glue table of audit events."""
    region: str
    """The region of the Athena workgroup and Glue catalog, e.g. ``us-east-1``."""
    policy_name: str | None = None
    """Required (Teleport's ``--policy`` is). The inline policy's name: the one Teleport's
    ``bootstrap`` step printed, e.g. Teleport Cloud's ``ExternalAuditStoragePolicy-<nonce>``;
    ``ExternalAuditStorage`` keeps the policy earlier versions of this package created."""


def s3_uri(argument: str, value: object) -> tuple[str, str]:
    """The bucket and prefix (no slashes at the ends) of an ``s3://`` URI."""
    match = _S3_URI.match(value) if isinstance(value, str) else None
    if not match:
        raise InvalidArgumentError(
            argument,
            value,
            "must be an S3 URI 's3://<bucket>/<prefix>' (no wildcards or whitespace)",
            "write e.g. 's3://teleport-audit/events'",
        )
    return match.group("bucket"), (match.group("prefix") or "").strip("/")


def _name(argument: str, value: object, what: str) -> str:
    if not isinstance(value, str) or not _SIMPLE_NAME.match(value):
        raise InvalidArgumentError(
            argument,
            value,
            f"must be {what} (1-255 of letters, digits and _.@-)",
            f"give the {what}'s name",
        )
    return value


OPTIONS = ExternalAuditStorageOptions


def validate(opts: ExternalAuditStorageOptions) -> None:
    at = where(KEY)
    for attr in ("events_s3_uri", "recordings_s3_uri", "results_s3_uri"):
        s3_uri(f"{at}.{attr}", getattr(opts, attr))
    _name(f"{at}.athena_workgroup", opts.athena_workgroup, "an Athena workgroup")
    _name(f"{at}.glue_database", opts.glue_database, "a Glue database")
    _name(f"{at}.glue_table", opts.glue_table, "a Glue table")
    if not isinstance(opts.region, str) or not REGION.match(opts.region):
        raise InvalidArgumentError(
            f"{at}.region", opts.region, "must be an AWS region name", "write e.g. 'us-east-1'"
        )
    if opts.policy_name is None:
        raise InvalidArgumentError(
            f"{at}.policy_name",
            None,
            "is required, as Teleport's `tctl`/`teleport integration configure "
            "externalauditstorage --policy` requires it",
            "pass the name Teleport's bootstrap printed (Teleport Cloud: "
            "'ExternalAuditStoragePolicy-<nonce>'), or policy_name='ExternalAuditStorage' to "
            "keep the policy earlier versions of teleport-oidc created",
        )
    if not isinstance(opts.policy_name, str) or not _POLICY_NAME.match(opts.policy_name):
        raise InvalidArgumentError(
            f"{at}.policy_name",
            opts.policy_name,
            "must be an IAM policy name (1-128 of letters, digits and +=,.@_-)",
            "e.g. 'ExternalAuditStoragePolicy-teleport'",
        )


def policy(ctx: PolicyContext, opts: ExternalAuditStorageOptions, **_: Any) -> dict[str, Any]:
    p, account, region = ctx.partition, ctx.account_id, opts.region
    s3: list[str] = []
    for uri in (opts.events_s3_uri, opts.recordings_s3_uri, opts.results_s3_uri):
        bucket, prefix = s3_uri("s3 uri", uri)
        objects = f"{bucket}/{prefix}/*" if prefix else f"{bucket}/*"
        for arn in (f"arn:{p}:s3:::{bucket}", f"arn:{p}:s3:::{objects}"):
            if arn not in s3:
                s3.append(arn)
    glue = f"arn:{p}:glue:{region}:{account}"
    return document(
        allow(S3_ACTIONS, s3, sid="ReadWriteSessionsAndEvents"),
        allow(
            ATHENA_ACTIONS,
            f"arn:{p}:athena:{region}:{account}:workgroup/{opts.athena_workgroup}",
            sid="AllowAthenaQuery",
        ),
        allow(
            GLUE_ACTIONS,
            [
                f"{glue}:catalog",
                f"{glue}:database/{opts.glue_database}",
                f"{glue}:table/{opts.glue_database}/{opts.glue_table}",
            ],
            sid="FullAccessOnGlueTable",
        ),
    )
