"""Teleport features as least-privilege inline policies (spec section 8).

Each feature has a stable key, an options type, and a pure function that returns its policy
document as a dict. Policy names and actions are those of Teleport's own configurators;
resource ARNs take the partition and account from the integration role's ARN.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any

from ..errors import InvalidArgumentError
from ..rules import parse_arn, validate_role_name

__all__ = [
    "FEATURES",
    "AccessGraphOptions",
    "AwsConsoleAccessOptions",
    "Ec2InstanceConnectOptions",
    "Ec2SsmDiscoveryOptions",
    "EcsDeployServiceOptions",
    "EksOptions",
    "ExternalAuditStorageOptions",
    "FeatureOptions",
    "IdentityCenterOptions",
    "PolicyContext",
    "RdsOptions",
    "feature_policy",
    "normalize_features",
    "ssm_document_content",
    "task_role_policy",
    "task_role_trust_policy",
]


@dataclass(frozen=True)
class PolicyContext:
    """Where the policies apply: the partition and account of the integration role's ARN."""

    partition: str
    account_id: str


# --- options, one type per feature ----------------------------------------------------------


@dataclass(frozen=True)
class Ec2InstanceConnectOptions:
    """``ec2_instance_connect``: SSH to EC2 through EC2 Instance Connect Endpoints. No options."""


@dataclass(frozen=True)
class Ec2SsmDiscoveryOptions:
    """``ec2_ssm_discovery``: discover EC2 instances and install Teleport on them through SSM."""

    create_ssm_document: bool = True
    """Default: create the SSM command document Teleport runs (tagged like the role), which
    downloads the installer from ``https://<proxy>/webapi/scripts/installer/<script>``."""
    ssm_document_name: str = "TeleportDiscoveryInstaller"
    """Default: ``TeleportDiscoveryInstaller``, the name Teleport uses."""


@dataclass(frozen=True)
class RdsOptions:
    """``rds``: list RDS databases to enroll them. No options."""


@dataclass(frozen=True)
class EksOptions:
    """``eks``: enroll EKS clusters (manages access entries). No options."""


@dataclass(frozen=True)
class AwsConsoleAccessOptions:
    """``aws_console_access``: AWS console and CLI access. Target roles must carry the tag
    ``teleport.dev/integration=true`` and trust this integration's role. No options."""


@dataclass(frozen=True)
class EcsDeployServiceOptions:
    """``ecs_deploy_service``: deploy the Teleport Database Service on Amazon ECS."""

    task_role_name: str | None = None
    """Default: ``<role name>-db-service`` (shortened to 64). The task role this feature
    creates; ``iam:PassRole`` is granted on exactly this role."""


@dataclass(frozen=True)
class AccessGraphOptions:
    """``access_graph``: Access Graph AWS Sync, optionally with CloudTrail ingestion."""

    cloudtrail_sqs_queue_arn: str | None = None
    """Default: no CloudTrail ingestion. The SQS queue that receives CloudTrail notifications."""
    cloudtrail_s3_bucket_arn: str | None = None
    """Default: none. The S3 bucket CloudTrail writes to (required with the queue)."""
    cloudtrail_kms_key_arns: Sequence[str] = ()
    """Default: none. KMS keys that encrypt the trail or the queue."""


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
    policy_name: str = "ExternalAuditStorage"
    """Default: ``ExternalAuditStorage``. Teleport lets you choose this name."""


@dataclass(frozen=True)
class IdentityCenterOptions:
    """``identity_center``: AWS Identity Center; also sets the integration's audience to
    ``aws-identity-center``. No options."""


FeatureOptions = (
    AccessGraphOptions
    | AwsConsoleAccessOptions
    | Ec2InstanceConnectOptions
    | Ec2SsmDiscoveryOptions
    | EcsDeployServiceOptions
    | EksOptions
    | ExternalAuditStorageOptions
    | IdentityCenterOptions
    | RdsOptions
)

#: Feature key -> (options type, Teleport's inline policy name; ``None``: from the options).
FEATURES: dict[str, tuple[type, str | None]] = {
    "access_graph": (AccessGraphOptions, "AccessGraphSyncAccess"),
    "aws_console_access": (AwsConsoleAccessOptions, "AWSAppAccess"),
    "ec2_instance_connect": (Ec2InstanceConnectOptions, "EC2InstanceConnectEndpoint"),
    "ec2_ssm_discovery": (Ec2SsmDiscoveryOptions, "EC2DiscoverWithSSM"),
    "ecs_deploy_service": (EcsDeployServiceOptions, "DeployService"),
    "eks": (EksOptions, "EKSAccess"),
    "external_audit_storage": (ExternalAuditStorageOptions, None),
    "identity_center": (IdentityCenterOptions, "TeleportAWSIdentityCenterIntegration"),
    "rds": (RdsOptions, "ListDatabases"),
}

# --- validation ------------------------------------------------------------------------------

_S3_URI = re.compile(
    r"^s3://(?P<bucket>[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(?P<prefix>[^*?]*?))?/?$"
)
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
_SIMPLE_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,255}$")
_POLICY_NAME = re.compile(r"^[\w+=,.@-]{1,128}$", re.ASCII)


def _s3_uri(argument: str, value: object) -> tuple[str, str]:
    match = _S3_URI.match(value) if isinstance(value, str) else None
    if not match or ".." in match.group("bucket"):
        raise InvalidArgumentError(
            argument,
            value,
            "must be an S3 URI 's3://<bucket>/<prefix>' with a valid bucket name",
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


def _validate(key: str, opts: Any) -> None:
    where = f"features[{key!r}]"
    if isinstance(opts, Ec2SsmDiscoveryOptions):
        if not re.fullmatch(r"[A-Za-z0-9_.-]{3,128}", opts.ssm_document_name):
            raise InvalidArgumentError(
                f"{where}.ssm_document_name",
                opts.ssm_document_name,
                "must be an SSM document name (3-128 of letters, digits and _.-)",
                "leave it unset for 'TeleportDiscoveryInstaller'",
            )
    elif isinstance(opts, EcsDeployServiceOptions):
        if opts.task_role_name is not None:
            validate_role_name(opts.task_role_name, f"{where}.task_role_name")
    elif isinstance(opts, AccessGraphOptions):
        queue, bucket = opts.cloudtrail_sqs_queue_arn, opts.cloudtrail_s3_bucket_arn
        if (queue is None) != (bucket is None):
            raise InvalidArgumentError(
                f"{where}.cloudtrail_sqs_queue_arn",
                queue,
                "must be given together with cloudtrail_s3_bucket_arn (CloudTrail ingestion "
                "reads notifications from the queue and logs from the bucket)",
                "give both, or neither",
            )
        if queue is not None:
            parse_arn(
                queue,
                f"{where}.cloudtrail_sqs_queue_arn",
                service="sqs",
                what="an SQS queue",
                example="arn:aws:sqs:us-east-1:123456789012:trail",
            )
        if bucket is not None:
            arn = parse_arn(
                bucket,
                f"{where}.cloudtrail_s3_bucket_arn",
                service="s3",
                what="an S3 bucket",
                example="arn:aws:s3:::trail-bucket",
            )
            if "/" in arn.resource:
                raise InvalidArgumentError(
                    f"{where}.cloudtrail_s3_bucket_arn",
                    bucket,
                    "must be a bucket ARN, not an object ARN",
                    "drop everything after the bucket",
                )
        if isinstance(opts.cloudtrail_kms_key_arns, str):
            raise InvalidArgumentError(
                f"{where}.cloudtrail_kms_key_arns",
                opts.cloudtrail_kms_key_arns,
                "must be a list of KMS key ARNs",
                "wrap the ARN in a list",
            )
        for index, key_arn in enumerate(opts.cloudtrail_kms_key_arns):
            parse_arn(
                key_arn,
                f"{where}.cloudtrail_kms_key_arns[{index}]",
                service="kms",
                what="a KMS key",
                example="arn:aws:kms:us-east-1:123456789012:key/abcd",
            )
    elif isinstance(opts, ExternalAuditStorageOptions):
        for attr in ("events_s3_uri", "recordings_s3_uri", "results_s3_uri"):
            _s3_uri(f"{where}.{attr}", getattr(opts, attr))
        _name(f"{where}.athena_workgroup", opts.athena_workgroup, "an Athena workgroup")
        _name(f"{where}.glue_database", opts.glue_database, "a Glue database")
        _name(f"{where}.glue_table", opts.glue_table, "a Glue table")
        if not isinstance(opts.region, str) or not _REGION.match(opts.region):
            raise InvalidArgumentError(
                f"{where}.region",
                opts.region,
                "must be an AWS region name",
                "write e.g. 'us-east-1'",
            )
        if not isinstance(opts.policy_name, str) or not _POLICY_NAME.match(opts.policy_name):
            raise InvalidArgumentError(
                f"{where}.policy_name",
                opts.policy_name,
                "must be an IAM policy name (1-128 of letters, digits and +=,.@_-)",
                "leave it unset for 'ExternalAuditStorage'",
            )


def normalize_features(features: object) -> dict[str, Any]:
    """Check a ``features`` mapping and return ``{key: options}`` sorted by key.

    Values: ``True`` (defaults), ``False``/``None`` (off), the feature's options object, or a
    dict of its options (as stack config gives them).
    """
    if features is None:
        return {}
    if not isinstance(features, Mapping):
        raise InvalidArgumentError(
            "features",
            features,
            "must be a mapping of feature keys to True or options",
            "pass e.g. {'rds': True, 'eks': True}",
        )
    result: dict[str, Any] = {}
    for key in sorted(features, key=str):
        value = features[key]
        if key not in FEATURES:
            raise InvalidArgumentError(
                f"features[{key!r}]",
                key,
                "is not a known feature",
                f"use one of: {', '.join(sorted(FEATURES))}",
            )
        options_type = FEATURES[key][0]
        if value is None or value is False:
            continue
        if value is True:
            try:
                value = options_type()
            except TypeError:
                required = [
                    f.name
                    for f in fields(options_type)
                    if f.default is MISSING and f.default_factory is MISSING
                ]
                raise InvalidArgumentError(
                    f"features[{key!r}]",
                    True,
                    "needs options",
                    f"pass {options_type.__name__}({', '.join(f'{n}=...' for n in required)})",
                ) from None
        elif isinstance(value, Mapping):
            known = {f.name for f in fields(options_type)}
            unknown = sorted(set(value) - known)
            if unknown:
                raise InvalidArgumentError(
                    f"features[{key!r}][{unknown[0]!r}]",
                    unknown[0],
                    "is not an option of this feature",
                    f"use one of: {', '.join(sorted(known)) or '(none)'}",
                )
            try:
                value = options_type(**value)
            except TypeError as exc:
                raise InvalidArgumentError(
                    f"features[{key!r}]",
                    dict(value),
                    f"is missing options ({exc})",
                    f"see {options_type.__name__} for the required options",
                ) from None
        elif not isinstance(value, options_type):
            raise InvalidArgumentError(
                f"features[{key!r}]",
                value,
                f"must be True, False or {options_type.__name__}",
                f"pass True or {options_type.__name__}(...)",
            )
        _validate(key, value)
        result[key] = value
    return result


def policy_name(key: str, opts: Any) -> str:
    name = FEATURES[key][1]
    return name if name is not None else opts.policy_name


# --- documents -------------------------------------------------------------------------------


def _document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(
    actions: Sequence[str],
    resource: str | list[str] = "*",
    sid: str | None = None,
    condition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    statement: dict[str, Any] = {}
    if sid:
        statement["Sid"] = sid
    statement.update({"Effect": "Allow", "Action": list(actions), "Resource": resource})
    if condition:
        statement["Condition"] = condition
    return statement


EC2_INSTANCE_CONNECT_ACTIONS = (
    "ec2:DescribeInstances",
    "ec2:DescribeInstanceConnectEndpoints",
    "ec2:DescribeSecurityGroups",
    "ec2:CreateInstanceConnectEndpoint",
    "ec2:CreateTags",
    "ec2:CreateNetworkInterface",
    "iam:CreateServiceLinkedRole",
    "ec2-instance-connect:SendSSHPublicKey",
    "ec2-instance-connect:OpenTunnel",
)
EC2_SSM_ACTIONS = (
    "ec2:DescribeInstances",
    "ssm:DescribeInstanceInformation",
    "ssm:GetCommandInvocation",
    "ssm:ListCommandInvocations",
    "ssm:SendCommand",
)
RDS_ACTIONS = (
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
)
EKS_ACTIONS = (
    "eks:ListClusters",
    "eks:DescribeCluster",
    "eks:ListAccessEntries",
    "eks:CreateAccessEntry",
    "eks:DeleteAccessEntry",
    "eks:AssociateAccessPolicy",
    "eks:TagResource",
)
DEPLOY_SERVICE_ACTIONS = (
    "ecs:DescribeClusters",
    "ecs:CreateCluster",
    "ecs:PutClusterCapacityProviders",
    "ecs:DescribeServices",
    "ecs:CreateService",
    "ecs:UpdateService",
    "ecs:ListServices",
    "ecs:RegisterTaskDefinition",
    "ecs:DescribeTaskDefinition",
    "ecs:DeregisterTaskDefinition",
    "ecs:TagResource",
    "ec2:DescribeSecurityGroups",
    "iam:CreateServiceLinkedRole",
)
TASK_ROLE_ACTIONS = (
    "rds-db:connect",
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:CreateLogGroup",
)
ACCESS_GRAPH_ACTIONS = (
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
)
CLOUDTRAIL_SQS_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage")
CLOUDTRAIL_S3_ACTIONS = (
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:GetBucketLocation",
)
CLOUDTRAIL_KMS_ACTIONS = (
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
)
EAS_S3_ACTIONS = (
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
EAS_ATHENA_ACTIONS = (
    "athena:StartQueryExecution",
    "athena:GetQueryResults",
    "athena:GetQueryExecution",
)
EAS_GLUE_ACTIONS = (
    "glue:GetTable",
    "glue:GetTableVersion",
    "glue:GetTableVersions",
    "glue:UpdateTable",
)
IDENTITY_CENTER_ACTIONS = (
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "identitystore:ListUsers",
    "identitystore:ListGroups",
    "identitystore:ListGroupMemberships",
    "sso:DescribeInstance",
    "sso:DescribePermissionSet",
    "sso:ListPermissionSets",
    "sso:ListAccountAssignmentsForPrincipal",
    "sso:ListPermissionSetsProvisionedToAccount",
    "sso:CreateAccountAssignment",
    "sso:DescribeAccountAssignmentCreationStatus",
    "sso:DeleteAccountAssignment",
    "sso:DescribeAccountAssignmentDeletionStatus",
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:GetRole",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "iam:GetSAMLProvider",
    "iam:ListRoles",
)


def default_task_role_name(role_name: str) -> str:
    name = f"{role_name}-db-service"
    return name if len(name) <= 64 else f"{role_name[:53]}-db-service"


def _access_graph(ctx: PolicyContext, opts: AccessGraphOptions) -> dict[str, Any]:
    statements = [_allow(ACCESS_GRAPH_ACTIONS)]
    if opts.cloudtrail_sqs_queue_arn and opts.cloudtrail_s3_bucket_arn:
        bucket = opts.cloudtrail_s3_bucket_arn
        statements.append(_allow(CLOUDTRAIL_SQS_ACTIONS, opts.cloudtrail_sqs_queue_arn))
        statements.append(_allow(CLOUDTRAIL_S3_ACTIONS, [bucket, f"{bucket}/*"]))
        if opts.cloudtrail_kms_key_arns:
            statements.append(_allow(CLOUDTRAIL_KMS_ACTIONS, list(opts.cloudtrail_kms_key_arns)))
    return _document(*statements)


def _external_audit_storage(
    ctx: PolicyContext, opts: ExternalAuditStorageOptions
) -> dict[str, Any]:
    p, account, region = ctx.partition, ctx.account_id, opts.region
    s3: list[str] = []
    for uri in (opts.events_s3_uri, opts.recordings_s3_uri, opts.results_s3_uri):
        bucket, prefix = _s3_uri("s3 uri", uri)
        for arn in (
            f"arn:{p}:s3:::{bucket}",
            f"arn:{p}:s3:::{bucket}/{prefix}/*" if prefix else f"arn:{p}:s3:::{bucket}/*",
        ):
            if arn not in s3:
                s3.append(arn)
    glue = f"arn:{p}:glue:{region}:{account}"
    return _document(
        _allow(EAS_S3_ACTIONS, s3, sid="ReadWriteSessionsAndEvents"),
        _allow(
            EAS_ATHENA_ACTIONS,
            f"arn:{p}:athena:{region}:{account}:workgroup/{opts.athena_workgroup}",
            sid="AllowAthenaQuery",
        ),
        _allow(
            EAS_GLUE_ACTIONS,
            [
                f"{glue}:catalog",
                f"{glue}:database/{opts.glue_database}",
                f"{glue}:table/{opts.glue_database}/{opts.glue_table}",
            ],
            sid="FullAccessOnGlueTable",
        ),
    )


def feature_policy(
    key: str, opts: Any, ctx: PolicyContext, *, task_role_arn: str | None = None
) -> dict[str, Any]:
    """The inline policy document of feature ``key`` (options already normalised).

    ``task_role_arn`` is the ECS task role's ARN, needed by ``ecs_deploy_service`` only.
    """
    if key == "ec2_instance_connect":
        return _document(_allow(EC2_INSTANCE_CONNECT_ACTIONS))
    if key == "ec2_ssm_discovery":
        return _document(_allow(EC2_SSM_ACTIONS))
    if key == "rds":
        return _document(_allow(RDS_ACTIONS))
    if key == "eks":
        return _document(_allow(EKS_ACTIONS))
    if key == "aws_console_access":
        return _document(
            _allow(
                ["sts:AssumeRole"],
                condition={"StringEquals": {"iam:ResourceTag/teleport.dev/integration": "true"}},
            )
        )
    if key == "ecs_deploy_service":
        if task_role_arn is None:
            raise ValueError("ecs_deploy_service needs the task role's ARN")
        return _document(_allow(["iam:PassRole"], task_role_arn), _allow(DEPLOY_SERVICE_ACTIONS))
    if key == "access_graph":
        return _access_graph(ctx, opts)
    if key == "external_audit_storage":
        return _external_audit_storage(ctx, opts)
    if key == "identity_center":
        return _document(_allow(IDENTITY_CENTER_ACTIONS))
    raise KeyError(key)


def task_role_trust_policy() -> dict[str, Any]:
    """Trust of the ECS task role: the ECS tasks service."""
    return _document(
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )


def task_role_policy() -> dict[str, Any]:
    """What the Database Service needs from its ECS task role."""
    return _document(_allow(TASK_ROLE_ACTIONS))


TASK_ROLE_DESCRIPTION = "Used by Teleport Database Service deployed in Amazon ECS."


def ssm_document_content(proxy_host: str) -> dict[str, Any]:
    """The SSM command document Teleport creates to install itself on discovered instances."""
    return {
        "schemaVersion": "2.2",
        "description": "aws:runShellScript",
        "parameters": {
            "token": {
                "type": "String",
                "description": "(Required) The Teleport invite token to use when joining "
                "the cluster.",
            },
            "scriptName": {
                "type": "String",
                "description": "(Required) The Teleport installer script to use when "
                "joining the cluster.",
            },
        },
        "mainSteps": [
            {
                "action": "aws:downloadContent",
                "name": "downloadContent",
                "inputs": {
                    "sourceType": "HTTP",
                    "destinationPath": "/tmp/installTeleport.sh",  # noqa: S108 - Teleport's value
                    "sourceInfo": {
                        "url": f"https://{proxy_host}/webapi/scripts/installer/{{{{ scriptName }}}}"
                    },
                },
            },
            {
                "action": "aws:runShellScript",
                "name": "runShellScript",
                "inputs": {
                    "timeoutSeconds": "300",
                    "runCommand": ['/bin/sh /tmp/installTeleport.sh "{{ token }}"'],
                },
            },
        ],
    }
